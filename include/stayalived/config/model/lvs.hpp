// The configuration model: virtual_server_group, virtual_server, real_server, checkers, SSL.
// Conventions: see stayalived/config/model.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stayalived/config/model/base.hpp"

namespace stayalived::config {

// ---------------------------------------------------------------------------------------
// LVS: virtual_server_group, virtual_server, real_server, checkers, SSL
// ---------------------------------------------------------------------------------------

/// IPVS scheduler (`lvs_sched` / `lb_algo`).
enum class Scheduler : std::uint8_t {
  Rr, Wrr, Lc, Wlc, Lblc, Sh, Mh, Dh, Fo, Ovf, Lblcr, Sed, Nq, Twos,
};

/// IPVS forwarding method (`lvs_method` / `lb_kind`).
enum class ForwardingMethod : std::uint8_t { Nat, Dr, Tun };

/// Tunnel type of `lvs_method TUN type ipip|gue|gre`.
enum class TunnelType : std::uint8_t { Ipip, Gue, Gre };

/// Tunnel checksum option of `lvs_method TUN ... nocsum|csum|remcsum`.
enum class TunnelChecksum : std::uint8_t { NoCsum, Csum, RemCsum };

/// `lvs_method NAT|DR|TUN [type {ipip|gue port NUM|gre} [nocsum|csum|remcsum]]`.
struct Forwarding {
  ForwardingMethod method = ForwardingMethod::Nat;  ///< NAT|DR|TUN
  TunnelType tunnel_type = TunnelType::Ipip;        ///< type (TUN only)
  Port tunnel_port = 0;                             ///< port NUM (gue only)
  TunnelChecksum tunnel_checksum = TunnelChecksum::NoCsum;  ///< nocsum|csum|remcsum
  friend bool operator==(const Forwarding&, const Forwarding&) = default;
};

/// L4 protocol of a virtual server (`protocol TCP|UDP|SCTP`).
using net::Protocol;

/// `<IPADDR RANGE> [<PORT>]` of a virtual_server_group: a single address, `A.B.C.D-E`,
/// `A-B` (two full addresses) or `A/nn`, expanded to its first and last address.
struct VsgRange {
  IpAddress first;   ///< first address of the range
  IpAddress last;    ///< last address (== first for a single address)
  Port port = 0;     ///< <PORT> (0 if omitted)
  Loc loc;           ///< the line
  friend bool operator==(const VsgRange&, const VsgRange&) = default;
};

/// `fwmark <INTEGER> [inet|inet6]` of a virtual_server_group.
struct VsgFwmark {
  std::uint32_t mark = 0;          ///< <INTEGER>
  std::optional<Family> family;    ///< inet|inet6
  Loc loc;                         ///< the line
  friend bool operator==(const VsgFwmark&, const VsgFwmark&) = default;
};

/// `virtual_server_group NAME { ... }`.
struct VirtualServerGroup {
  std::string name;                 ///< NAME
  std::vector<VsgRange> addresses;  ///< address / range lines
  std::vector<VsgFwmark> fwmarks;   ///< fwmark lines
  Loc loc;                          ///< the header line
  friend bool operator==(const VirtualServerGroup&, const VirtualServerGroup&) = default;
};

/// `virtual_server <IPADDR> [<PORT>]`.
struct VsAddress {
  IpAddress address;  ///< <IPADDR>
  Port port = 0;      ///< <PORT> (0: only with persistence)
  friend bool operator==(const VsAddress&, const VsAddress&) = default;
};

/// `virtual_server fwmark <INTEGER>`.
struct VsFwmark {
  std::uint32_t mark = 0;  ///< <INTEGER>
  friend bool operator==(const VsFwmark&, const VsFwmark&) = default;
};

/// `virtual_server group <STRING>`.
struct VsGroup {
  std::string name;  ///< the virtual_server_group's name
  friend bool operator==(const VsGroup&, const VsGroup&) = default;
};

/// What a virtual_server is keyed on.
using VsKey = std::variant<VsAddress, VsFwmark, VsGroup>;

/// HTTP version sent by HTTP_GET/SSL_GET (`http_protocol 1.0|1.0C|1.1`).
enum class HttpProtocol : std::uint8_t {
  Http10,       ///< 1.0 (default)
  Http10Close,  ///< 1.0C: 1.0 plus "Connection: close"
  Http11,       ///< 1.1
};

/// An inclusive range of HTTP status codes (`status_code 200-299`).
struct StatusRange {
  std::uint16_t low = 200;   ///< first code
  std::uint16_t high = 299;  ///< last code
  friend bool operator==(const StatusRange&, const StatusRange&) = default;
};

/// `url { ... }` of HTTP_GET/SSL_GET.
struct Url {
  std::string path;                                  ///< `path STRING`
  std::optional<std::array<std::uint8_t, 16>> digest;///< `digest HEX` (MD5 of the body)
  std::vector<StatusRange> status_codes;             ///< `status_code ...`; empty = 200-299
  std::optional<std::string> virtualhost;            ///< `virtualhost NAME`; default: checker's
  std::optional<std::string> regex;                  ///< `regex STRING` (PCRE2)
  bool regex_no_match = false;                       ///< `regex_no_match`
  std::vector<std::string> regex_options;            ///< `regex_options OPTION...`
  std::optional<std::uint32_t> regex_stack_start;    ///< `regex_stack START MAX`
  std::optional<std::uint32_t> regex_stack_max;      ///< the MAX of regex_stack
  std::optional<std::uint32_t> regex_min_offset;     ///< `regex_min_offset N`
  std::optional<std::uint32_t> regex_max_offset;     ///< `regex_max_offset N`
  Loc loc;                                           ///< the block's line
  friend bool operator==(const Url&, const Url&) = default;
};

/// Connection options common to the network checkers (resolved: checker, else real
/// server). Unset addresses/ports mean "the real server's".
struct CheckConnection {
  std::optional<IpAddress> connect_ip;  ///< `connect_ip`
  std::optional<Port> connect_port;     ///< `connect_port`
  std::optional<IpAddress> bindto;      ///< `bindto`
  std::optional<std::string> bind_if;   ///< `bind_if`
  std::optional<Port> bind_port;        ///< `bind_port`
  std::optional<std::uint32_t> fwmark;  ///< `fwmark` (SO_MARK)
  microseconds connect_timeout{5000000};///< `connect_timeout <TIMER>` (inherits; default 5 s)
  friend bool operator==(const CheckConnection&, const CheckConnection&) = default;
};

/// `TCP_CHECK { }`: a TCP connect.
struct TcpCheck {
  friend bool operator==(const TcpCheck&, const TcpCheck&) = default;
};

/// `HTTP_GET { }` / `SSL_GET { }`.
struct HttpCheck {
  bool ssl = false;                          ///< SSL_GET (TLS) rather than HTTP_GET
  HttpProtocol http_protocol = HttpProtocol::Http10;  ///< `http_protocol`
  bool fast_recovery = false;                ///< `fast_recovery [<BOOL>]`
  bool enable_sni = false;                   ///< `enable_sni` (SSL_GET)
  std::optional<std::string> virtualhost;    ///< `virtualhost` (inherits real/virtual server's)
  std::vector<Url> urls;                     ///< `url { ... }`
  friend bool operator==(const HttpCheck&, const HttpCheck&) = default;
};

/// `MISC_CHECK { }`: run a program.
struct MiscCheck {
  Script path;                         ///< `misc_path SCRIPT` (+ `user USER [GROUP]`)
  std::optional<microseconds> timeout; ///< `misc_timeout SECS`; default: delay_loop
  bool dynamic = false;                ///< `misc_dynamic`: exit status adjusts the weight
  friend bool operator==(const MiscCheck&, const MiscCheck&) = default;
};

/// `SMTP_CHECK { }`: SMTP greeting and HELO.
struct SmtpCheck {
  std::optional<std::string> helo_name;  ///< `helo_name NAME`; default: the host name
  friend bool operator==(const SmtpCheck&, const SmtpCheck&) = default;
};

/// DNS query type of DNS_CHECK (`type A|NS|CNAME|SOA|MX|TXT|AAAA`).
enum class DnsType : std::uint8_t { A, Ns, Cname, Soa, Mx, Txt, Aaaa };

/// `DNS_CHECK { }`: a DNS query over UDP.
struct DnsCheck {
  DnsType type = DnsType::Soa;  ///< `type`
  std::string name = ".";       ///< `name`
  friend bool operator==(const DnsCheck&, const DnsCheck&) = default;
};

/// `UDP_CHECK { }`: send a datagram, expect no ICMP error (or a reply).
struct UdpCheck {
  std::vector<std::uint8_t> payload;          ///< `payload HEX_STR`; empty = random
  bool require_reply = false;                 ///< `require_reply [HEX_STR]`
  std::vector<std::uint8_t> reply_data;       ///< the HEX_STR of require_reply
  std::vector<std::uint8_t> reply_mask;       ///< 0x0f/0xf0/0xff per byte: X nibbles ignored
  std::uint16_t min_reply_length = 0;         ///< `min_reply_length N`
  std::uint16_t max_reply_length = 255;       ///< `max_reply_length N`
  friend bool operator==(const UdpCheck&, const UdpCheck&) = default;
};

/// `PING_CHECK { }`: ICMP echo.
struct PingCheck {
  friend bool operator==(const PingCheck&, const PingCheck&) = default;
};

/// `FILE_CHECK { }`: a track_file's value drives the real server.
struct FileCheck {
  std::string track_file;          ///< `track_file NAME`
  bool dynamic = false;            ///< `dynamic`
  std::optional<int> weight;       ///< `weight N [reverse]`; default: the track_file's
  bool reverse = false;            ///< the `reverse` of weight
  friend bool operator==(const FileCheck&, const FileCheck&) = default;
};

/// `BFD_CHECK { }`: a bfd_instance's state drives the real server.
struct BfdCheck {
  std::string name;  ///< `name BFD_INSTANCE`
  friend bool operator==(const BfdCheck&, const BfdCheck&) = default;
};

/// The checker kinds, in the order of Checker::spec's alternatives.
enum class CheckerKind : std::uint8_t {
  Tcp, Http, Ssl, Misc, Smtp, Dns, Udp, Ping, File, Bfd,
};

/// One checker block of a real_server, with its effective (inherited) timing.
struct Checker {
  /// The kind-specific part.
  std::variant<TcpCheck, HttpCheck, MiscCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck,
               FileCheck, BfdCheck> spec;
  CheckConnection connection;             ///< connect_ip/port, bindto, ..., connect_timeout
  bool alpha = false;                     ///< `alpha [<BOOL>]` (inherits)
  std::uint32_t retry = 1;                ///< `retry N` (alias `nb_get_retry` in HTTP/SSL; inherits;
                                          ///< default 1, DNS_CHECK 3, MISC_CHECK 0)
  microseconds delay_before_retry{1000000}; ///< `delay_before_retry <TIMER>` (inherits; default
                                          ///< 1 s, HTTP/SSL 3 s, DNS_CHECK delay_loop)
  std::optional<microseconds> warmup;     ///< `warmup <TIMER>` (inherits; unset = up to delay_loop)
  microseconds delay_loop{60000000};      ///< `delay_loop <TIMER>` (inherits; default 60 s)
  bool log_all_failures = false;          ///< `log_all_failures <BOOL>` (inherits checker_log_all_failures)
  Loc loc;                                ///< the block's line

  /// Which kind of checker this is (HTTP_GET and SSL_GET share HttpCheck).
  CheckerKind kind() const;
  friend bool operator==(const Checker&, const Checker&) = default;
};

/// keepalived's block name of a checker kind ("TCP_CHECK", "HTTP_GET", ...).
std::string_view to_string(CheckerKind k);

/// `real_server <IPADDR> [<PORT>] { ... }`.
struct RealServer {
  IpAddress address;                       ///< <IPADDR>
  Port port = 0;                           ///< <PORT> (0: the virtual server's, or none for fwmark)
  int weight = 1;                          ///< `weight N` (default: the virtual server's `weight`, else 1)
  Forwarding forwarding;                   ///< `lvs_method` / `lb_kind` (inherits the virtual server's)
  std::optional<Script> notify_up;         ///< `notify_up SCRIPT [user [group]]`
  std::optional<Script> notify_down;       ///< `notify_down SCRIPT [user [group]]`
  std::uint32_t uthreshold = 0;            ///< `uthreshold N` (0 = none)
  std::uint32_t lthreshold = 0;            ///< `lthreshold N`
  std::optional<bool> smtp_alert;          ///< `smtp_alert <BOOL>`
  std::optional<std::string> virtualhost;  ///< `virtualhost NAME`
  std::optional<std::string> snmp_name;    ///< `snmp_name NAME`
  bool inhibit_on_failure = false;         ///< `inhibit_on_failure [<BOOL>]` (inherits)
  std::vector<Checker> checkers;           ///< checker blocks, in file order
  Loc loc;                                 ///< the header line
  friend bool operator==(const RealServer&, const RealServer&) = default;
};

/// `sorry_server <IPADDR> [<PORT>]`.
struct SorryServer {
  IpAddress address;   ///< <IPADDR>
  Port port = 0;       ///< <PORT>
  Loc loc;             ///< the keyword's line
  friend bool operator==(const SorryServer&, const SorryServer&) = default;
};

/// `virtual_server (IP [PORT] | fwmark N | group NAME) { ... }`.
struct VirtualServer {
  VsKey key;                                 ///< what the service is keyed on
  Scheduler scheduler = Scheduler::Wlc;      ///< `lvs_sched` / `lb_algo` (default wlc)
  bool sched_flag1 = false;                  ///< `flag-1` / `sh-fallback` / `mh-fallback`
  bool sched_flag2 = false;                  ///< `flag-2` / `sh-port` / `mh-port`
  bool sched_flag3 = false;                  ///< `flag-3`
  bool hashed = false;                       ///< `hashed` (legacy sh flag)
  bool ops = false;                          ///< `ops`: one-packet scheduling (UDP)
  Forwarding forwarding;                     ///< `lvs_method` / `lb_kind` (default NAT)
  std::optional<std::string> persistence_engine;  ///< `persistence_engine NAME` (sip)
  std::optional<seconds> persistence_timeout;///< `persistence_timeout [SECS]` (no value = 360)
  std::optional<IpAddress> persistence_granularity;  ///< `persistence_granularity NETMASK`
  Protocol protocol = Protocol::Tcp;         ///< `protocol TCP|UDP|SCTP`
  bool ha_suspend = false;                   ///< `ha_suspend`
  std::optional<bool> smtp_alert;            ///< `smtp_alert <BOOL>`
  std::optional<std::string> virtualhost;    ///< `virtualhost NAME` (default for HTTP checks)
  std::optional<std::string> snmp_name;      ///< `snmp_name NAME`
  bool alpha = false;                        ///< `alpha`
  bool omega = false;                        ///< `omega`
  std::uint32_t quorum = 1;                  ///< `quorum N`
  std::uint32_t hysteresis = 0;              ///< `hysteresis N`
  std::optional<Script> quorum_up;           ///< `quorum_up SCRIPT [user [group]]`
  std::optional<Script> quorum_down;         ///< `quorum_down SCRIPT [user [group]]`
  std::optional<Family> ip_family;           ///< `ip_family inet|inet6` (fwmark services)
  std::optional<SorryServer> sorry_server;   ///< `sorry_server IP [PORT]`
  bool sorry_server_inhibit = false;         ///< `sorry_server_inhibit`
  std::optional<Forwarding> sorry_server_forwarding;  ///< `sorry_server_lvs_method`; default: the vs's
  std::optional<int> weight;                 ///< `weight N`: default real server weight
  microseconds delay_loop{60000000};         ///< `delay_loop <TIMER>` (default 60 s)
  std::optional<microseconds> connect_timeout;    ///< `connect_timeout <TIMER>` (default for checkers)
  std::optional<std::uint32_t> retry;             ///< `retry N` (default for checkers)
  std::optional<microseconds> delay_before_retry; ///< `delay_before_retry <TIMER>` (default for checkers)
  std::optional<microseconds> warmup;             ///< `warmup <TIMER>` (default for checkers)
  bool inhibit_on_failure = false;           ///< `inhibit_on_failure` (default for real servers)
  std::vector<RealServer> real_servers;      ///< `real_server` blocks
  Loc loc;                                   ///< the header line
  friend bool operator==(const VirtualServer&, const VirtualServer&) = default;
};

/// Top-level `SSL { ... }`: the TLS context of SSL_GET checkers.
struct SslConfig {
  std::optional<std::string> password;     ///< `password STRING` (key passphrase)
  std::optional<std::string> ca;           ///< `ca FILE`
  std::optional<std::string> certificate;  ///< `certificate FILE`
  std::optional<std::string> key;          ///< `key FILE`
  Loc loc;                                 ///< the header line
  friend bool operator==(const SslConfig&, const SslConfig&) = default;
};

}  // namespace stayalived::config
