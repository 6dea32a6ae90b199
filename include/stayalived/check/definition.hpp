// What the checker runtime is asked to do: plain value structs with every inherited
// setting already resolved (delay_loop from the virtual server, virtualhost from the real
// server, the per-kind defaults of keepalived.conf(5)). Built from config::Config by
// from_config(); tests and benches build them directly with designated initializers.
//
// operator== is defaulted everywhere: two CheckerDefs that compare equal are
// the same check, which is what deduplication (keepalived issues #2358, #2111) and reload
// (a checker whose definition is unchanged keeps its state) rely on. Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "stayalived/check/address.hpp"
#include "stayalived/common/time.hpp"

namespace stayalived::check {

/// Timers and debounce of one checker (keepalived.conf(5), virtual_server section).
struct CheckTiming {
  Duration delay_loop = std::chrono::seconds(60);        ///< between checks
  Duration delay_before_retry = std::chrono::seconds(1); ///< between retries after a failure
  Duration connect_timeout = std::chrono::seconds(5);    ///< deadline of each step
  /// Upper bound of the random delay before the first check; keepalived's default is
  /// delay_loop ("warmup ... Enabled by default, with the maximum at delay_loop").
  std::optional<Duration> warmup{};
  unsigned retry = 1;   ///< extra checks of an alive server before declaring it down
  bool alpha = false;   ///< start down: the first success brings it up
  bool log_all_failures = false;  ///< log_all_failures / checker_log_all_failures

  friend bool operator==(const CheckTiming&, const CheckTiming&) = default;
};

/// Generic connection options of every network checker.
struct ConnectOptions {
  Endpoint target{};                  ///< connect_ip / connect_port, else the real server
  std::optional<IpAddress> bindto{};  ///< bindto
  std::uint16_t bind_port = 0;      ///< bind_port
  std::string bind_if{};              ///< bind_if (SO_BINDTODEVICE)
  std::uint32_t fwmark = 0;         ///< fwmark (SO_MARK); 0 = none

  friend bool operator==(const ConnectOptions&, const ConnectOptions&) = default;
};

/// A program to run: argv (never a shell string) and the user/group to run it as (empty:
/// the global script_user).
struct ScriptDef {
  std::vector<std::string> argv{};
  std::string user{};
  std::string group{};

  bool empty() const { return argv.empty(); }
  friend bool operator==(const ScriptDef&, const ScriptDef&) = default;
};

/// TCP_CHECK: a connection that completes is a success.
struct TcpCheck {
  friend bool operator==(const TcpCheck&, const TcpCheck&) = default;
};

/// One `url { }` block of HTTP_GET / SSL_GET.
struct HttpUrl {
  std::string path{};
  std::string digest{};                                 ///< hex MD5 of the body, or empty
  std::vector<std::pair<int, int>> status_ranges{};     ///< empty = 200-299
  std::string virtualhost{};                            ///< resolved: url, checker, RS or VS
  std::string regex{};
  bool regex_no_match = false;
  std::vector<std::string> regex_options{};          ///< regex_options names
  std::size_t regex_stack_start = 0;                 ///< regex_stack START
  std::size_t regex_stack_max = 0;                   ///< regex_stack MAX
  std::size_t regex_min_offset = 0;                  ///< regex_min_offset
  std::optional<std::size_t> regex_max_offset{};     ///< regex_max_offset
  friend bool operator==(const HttpUrl&, const HttpUrl&) = default;
};

/// HTTP_GET and SSL_GET (the HTTP/TLS core is the checkhttp module's).
struct HttpCheck {
  bool tls = false;            ///< SSL_GET
  std::vector<HttpUrl> urls{};
  std::string http_protocol = "1.0";   ///< 1.0, 1.0C, 1.1
  bool enable_sni = false;
  bool tls_compliant = false;
  bool fast_recovery = false;
  friend bool operator==(const HttpCheck&, const HttpCheck&) = default;
};

/// SMTP_CHECK: greeting 2xx, HELO answered 2xx, QUIT. Each `host` block of keepalived's
/// SMTP_CHECK becomes its own checker (from_config splits them).
struct SmtpCheck {
  std::string helo_name{};   ///< default: the local host name (resolved by from_config)
  friend bool operator==(const SmtpCheck&, const SmtpCheck&) = default;
};

/// DNS_CHECK query type (RFC 1035 section 3.2.2, RFC 3596 for AAAA).
enum class DnsType : std::uint16_t { A = 1, NS = 2, CNAME = 5, SOA = 6, MX = 15, TXT = 16, AAAA = 28 };

/// DNS_CHECK: a query over UDP answered with NOERROR.
struct DnsCheck {
  DnsType type = DnsType::SOA;
  std::string name = ".";
  friend bool operator==(const DnsCheck&, const DnsCheck&) = default;
};

/// One nibble of a require_reply pattern: a value, or X (ignored).
struct HexNibble {
  std::uint8_t value = 0;
  bool wildcard = false;
  friend bool operator==(const HexNibble&, const HexNibble&) = default;
};

/// UDP_CHECK.
struct UdpCheck {
  std::vector<std::uint8_t> payload{};     ///< empty: a random payload
  bool require_reply = false;
  std::vector<HexNibble> reply_pattern{};  ///< pairs of nibbles, compared up to the shorter
  std::size_t min_reply_length = 0;
  std::size_t max_reply_length = 255;
  friend bool operator==(const UdpCheck&, const UdpCheck&) = default;
};

/// PING_CHECK: one ICMP / ICMPv6 echo answered in time.
struct PingCheck {
  friend bool operator==(const PingCheck&, const PingCheck&) = default;
};

/// MISC_CHECK.
struct MiscCheck {
  ScriptDef script{};                  ///< misc_path, user
  std::optional<Duration> timeout{};   ///< misc_timeout; default delay_loop
  bool dynamic = false;              ///< misc_dynamic
  friend bool operator==(const MiscCheck&, const MiscCheck&) = default;
};

/// FILE_CHECK: the value in a tracked file (track_file block) decides.
struct FileCheck {
  std::string track_name{};   ///< track_file NAME
  std::string path{};         ///< its `file`
  std::int64_t weight = 1;  ///< multiplier; 0 = non-zero value means down
  bool reverse = false;
  bool dynamic = false;     ///< add value x weight to the real server's weight
  friend bool operator==(const FileCheck&, const FileCheck&) = default;
};

/// The kinds of checker.
using CheckKind = std::variant<TcpCheck, HttpCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck,
                               MiscCheck, FileCheck>;

/// keepalived's name of a kind: "TCP_CHECK", "HTTP_GET", ...
std::string_view kind_name(const CheckKind& k);

/// The transport of a kind's checks (TCP for TCP_CHECK, HTTP_GET, SSL_GET and SMTP_CHECK,
/// UDP for DNS_CHECK and UDP_CHECK), for the service keepalived names in its log lines;
/// none for the others.
std::optional<Protocol> transport_of(const CheckKind& k);

/// One checker with everything resolved.
struct CheckerDef {
  CheckKind kind{};
  ConnectOptions connect{};
  CheckTiming timing{};
  friend bool operator==(const CheckerDef&, const CheckerDef&) = default;
};

/// A real server inside one virtual server.
struct RealServerDef {
  Endpoint endpoint{};
  std::int64_t weight = 1;
  bool inhibit_on_failure = false;
  ScriptDef notify_up{};
  ScriptDef notify_down{};
  bool smtp_alert = false;   ///< resolved (RS default yes when global alerts are configured)
  std::vector<CheckerDef> checkers{};
  friend bool operator==(const RealServerDef&, const RealServerDef&) = default;
};

/// sorry_server.
struct SorryServerDef {
  Endpoint endpoint{};
  bool inhibit = false;   ///< sorry_server_inhibit
  friend bool operator==(const SorryServerDef&, const SorryServerDef&) = default;
};

/// A virtual server: its real servers and its quorum rules.
struct VirtualServerDef {
  VirtualServerKey key{};
  std::int64_t quorum = 1;
  std::int64_t hysteresis = 0;
  ScriptDef quorum_up{};
  ScriptDef quorum_down{};
  std::optional<SorryServerDef> sorry_server{};
  bool ha_suspend = false;
  /// Addresses whose presence ha_suspend waits for (the VIP, or every group address).
  std::vector<IpAddress> suspend_addresses{};
  bool omega = false;
  bool smtp_alert = false;
  std::vector<RealServerDef> real_servers{};
  friend bool operator==(const VirtualServerDef&, const VirtualServerDef&) = default;
};

/// The top-level SSL { } block (SSL_GET's client context).
struct TlsSettings {
  std::string password{};
  std::string ca{};
  std::string certificate{};
  std::string key{};
  friend bool operator==(const TlsSettings&, const TlsSettings&) = default;
};

/// Settings of global_defs the checkers use.
struct CheckGlobals {
  TlsSettings ssl{};              ///< SSL { }
  std::string router_id{};          ///< subject prefix of SMTP alerts
  bool rs_init_notifies = false;  ///< notify the initial state of every real server
  bool no_checker_emails = false; ///< alert only when a real server is added or removed
  friend bool operator==(const CheckGlobals&, const CheckGlobals&) = default;
};

/// Everything the checker runtime needs from the configuration.
struct Definition {
  CheckGlobals globals{};
  std::vector<VirtualServerDef> virtual_servers{};
  friend bool operator==(const Definition&, const Definition&) = default;
};


/// The first check of a checker is delayed by a random fraction of this (warmup, default
/// delay_loop).
inline Duration warmup_of(const CheckTiming& t) { return t.warmup.value_or(t.delay_loop); }

}  // namespace stayalived::check
