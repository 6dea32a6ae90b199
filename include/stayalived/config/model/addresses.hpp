// The configuration model: address, route and rule lines.
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
// Addresses, routes and rules (static_*, virtual_ipaddress[_excluded], virtual_routes/rules)
// ---------------------------------------------------------------------------------------

/// How `brd` was given on an address line.
enum class BroadcastMode : std::uint8_t {
  None,       ///< no brd
  Address,    ///< `brd IPADDR`
  ClearHost,  ///< `brd -`: host bits cleared
  SetHost,    ///< `brd +`: host bits set
};

/// One address line of `virtual_ipaddress`, `virtual_ipaddress_excluded` or
/// `static_ipaddress`: `<IPADDR>[/<MASK>] [brd <IPADDR>] [dev <STRING>] [use_vmac [NAME]]
/// [scope <SCOPE>] [label <LABEL>] [peer <IPADDR>] [home] [-nodad] [mngtmpaddr]
/// [noprefixroute] [autojoin] [no_track] [track_group GROUP] [preferred_lft nn|forever]`.
struct VirtualAddress {
  IpPrefix address;                        ///< <IPADDR>[/<MASK>]; no mask = /32 or /128
  BroadcastMode broadcast_mode = BroadcastMode::None;  ///< brd
  std::optional<IpAddress> broadcast;      ///< brd <IPADDR>
  std::optional<std::string> dev;          ///< dev <STRING>; default: the instance's interface
  bool use_vmac = false;                   ///< use_vmac (virtual_ipaddress only)
  std::optional<std::uint8_t> scope;       ///< scope site|link|host|nowhere|global|NUMBER
  std::optional<std::string> label;        ///< label <LABEL>
  std::optional<IpPrefix> peer;            ///< peer <IPADDR> (full-length prefix)
  bool home = false;                       ///< home (IPv6)
  bool nodad = false;                      ///< -nodad (IPv6)
  bool mngtmpaddr = false;                 ///< mngtmpaddr (IPv6)
  bool noprefixroute = false;              ///< noprefixroute
  bool autojoin = false;                   ///< autojoin
  bool no_track = false;                   ///< no_track
  std::optional<std::string> track_group;  ///< track_group GROUP (static addresses only)
  /// preferred_lft nn|forever; nullopt: kernel default (0 for an IPv6 /128).
  std::optional<std::uint32_t> preferred_lft;
  Loc loc;                                 ///< the line
  friend bool operator==(const VirtualAddress&, const VirtualAddress&) = default;
};

/// `preferred_lft forever`.
inline constexpr std::uint32_t kLifetimeForever = 0xffffffffu;

/// Route types (`ip route` TYPE), the first word of a route line when not unicast.
enum class RouteType : std::uint8_t {
  Unicast, Local, Broadcast, Anycast, Multicast, Blackhole, Unreachable, Prohibit, Throw, Nat,
};

/// Metrics that can carry `lock` on a route line (bit positions of Route::locked).
enum class RouteMetric : std::uint8_t {
  Mtu, Window, Rtt, Rttvar, Ssthresh, Cwnd, Advmss, Reordering, Hoplimit, Initcwnd, Initrwnd,
  RtoMin,
};

/// One `nexthop via ADDR [dev IF] [onlink] [weight N]` of a multipath route.
struct NextHop {
  std::optional<IpAddress> via;        ///< via ADDR
  std::optional<std::string> dev;      ///< dev IF
  bool onlink = false;                 ///< onlink
  std::optional<std::uint8_t> weight;  ///< weight 1..256, stored minus one (as the kernel's rtnh_hops)
  std::optional<std::uint32_t> realms; ///< realms FROM/TO packed as the kernel does
  friend bool operator==(const NextHop&, const NextHop&) = default;
};

/// Lightweight tunnel encapsulation of a route: `encap mpls|ip|ip6|ila ...`.
struct RouteEncap {
  /// Encapsulation type.
  enum class Type : std::uint8_t { Mpls, Ip, Ip6, Ila };
  Type type = Type::Mpls;                  ///< the word after encap
  std::vector<std::uint32_t> mpls_labels;  ///< mpls LABEL[/LABEL...]
  std::optional<std::uint64_t> id;         ///< ip/ip6: id TUNNEL_ID; ila: LOCATOR
  std::optional<IpAddress> dst;            ///< ip/ip6: dst ADDR
  std::optional<std::uint8_t> tos;         ///< ip: tos / ip6: tc
  std::optional<std::uint8_t> ttl;         ///< ip: ttl / ip6: hoplimit
  bool csum = false;                       ///< ip/ip6: csum
  friend bool operator==(const RouteEncap&, const RouteEncap&) = default;
};

/// One line of `virtual_routes` or `static_routes`, with `ip route add` syntax:
/// `[TYPE] [src ADDR] [to] PREFIX [via|gw ADDR] [or ADDR] [dev IF] [scope S] [table T]
/// [metric|priority|preference N] [tos N] [protocol P] [mtu [lock] N] ... [nexthop ...]
/// [onlink] [vrf NAME] [add|append] [no_track] [track_group GROUP] [inet6]`.
struct Route {
  RouteType type = RouteType::Unicast;     ///< leading TYPE word (blackhole, unreachable, ...)
  IpPrefix destination;                    ///< [to] PREFIX (`default` = 0.0.0.0/0 or ::/0)
  std::optional<IpAddress> src;            ///< src ADDR (preferred source)
  std::optional<IpAddress> via;            ///< via|gw ADDR
  std::optional<IpAddress> or_via;         ///< or ADDR (an alternative gateway, IPv4)
  std::optional<std::string> dev;          ///< dev IF
  std::optional<std::uint8_t> scope;       ///< scope
  std::optional<std::uint32_t> table;      ///< table ID|NAME (names resolved from rt_tables)
  std::optional<std::uint32_t> metric;     ///< metric|priority|preference N
  std::optional<std::uint8_t> tos;         ///< tos|dsfield N
  std::optional<std::uint8_t> protocol;    ///< protocol|proto N|NAME
  std::optional<std::uint32_t> mtu;        ///< mtu [lock] N
  std::optional<std::uint32_t> hoplimit;   ///< hoplimit [lock] N
  std::optional<std::uint32_t> advmss;     ///< advmss [lock] N
  /// rtt [lock] TIME, as the kernel's RTAX_RTT (1/8 ms): a bare number is taken as is, a
  /// time with a unit (s, ms) is converted; at least 200 ms (keepalived 2.2.7).
  std::optional<std::uint32_t> rtt;
  std::optional<std::uint32_t> rttvar;     ///< rttvar [lock] TIME, as RTAX_RTTVAR (1/4 ms); as rtt
  std::optional<std::uint32_t> reordering; ///< reordering [lock] N
  std::optional<std::uint32_t> window;     ///< window [lock] N
  std::optional<std::uint32_t> cwnd;       ///< cwnd [lock] N
  std::optional<std::uint32_t> ssthresh;   ///< ssthresh [lock] N
  std::optional<std::uint32_t> rto_min;    ///< rto_min [lock] TIME, as RTAX_RTO_MIN (ms); as rtt
  std::optional<std::uint32_t> initcwnd;   ///< initcwnd [lock] N
  std::optional<std::uint32_t> initrwnd;   ///< initrwnd [lock] N
  std::uint32_t locked = 0;                ///< bit (1 << RouteMetric) set for `lock`ed metrics
  std::optional<std::uint32_t> realms;     ///< realms [FROM/]TO
  bool features_ecn = false;               ///< features ecn
  std::optional<bool> quickack;            ///< quickack 0|1
  std::optional<std::string> congctl;      ///< congctl [lock] NAME
  bool congctl_lock = false;               ///< congctl lock NAME
  std::optional<std::uint8_t> pref;        ///< pref low|medium|high (IPv6 router preference)
  std::optional<bool> fastopen_no_cookie;  ///< fastopen_no_cookie 0|1
  bool ttl_propagate_set = false;          ///< ttl-propagate given
  bool ttl_propagate = false;              ///< ttl-propagate enabled|disabled
  bool onlink = false;                     ///< onlink
  std::optional<RouteEncap> encap;         ///< encap ...
  std::vector<NextHop> nexthops;           ///< nexthop ... (multipath)
  std::optional<std::string> vrf;          ///< vrf NAME
  bool append = false;                     ///< append (ip route append semantics)
  bool add = false;                        ///< add (ip route add: fail if a matching route exists)
  bool no_track = false;                   ///< no_track
  std::optional<std::string> track_group;  ///< track_group GROUP (static routes only)
  Loc loc;                                 ///< the line
  friend bool operator==(const Route&, const Route&) = default;
};

/// What a rule does when it matches.
enum class RuleAction : std::uint8_t { Table, Goto, Nop, Blackhole, Unreachable, Prohibit };

/// An inclusive port or uid range of a rule (`sport 10-20`, `uidrange 1000-1999`).
struct Range32 {
  std::uint32_t start = 0;  ///< first value
  std::uint32_t end = 0;    ///< last value (inclusive)
  friend bool operator==(const Range32&, const Range32&) = default;
};

/// One line of `virtual_rules` or `static_rules`, with `ip rule add` syntax:
/// `[not] [from PREFIX] [to PREFIX] [table T|goto N|nop|blackhole|unreachable|prohibit]
/// [iif IF] [oif IF] [tos N] [fwmark N[/MASK]] [preference N] [realms F/T] [l3mdev]
/// [uidrange A-B] [protocol P] [ip_proto P] [sport A-B] [dport A-B] [suppress_prefixlength N]
/// [suppress_ifgroup G] [tunnel-id N] [no_track] [track_group GROUP] [inet6]`.
struct Rule {
  Family family = Family::Inet;             ///< from the addresses, or `inet6`
  bool invert = false;                      ///< not
  std::optional<IpPrefix> from;             ///< from PREFIX (`all` = unset)
  std::optional<IpPrefix> to;               ///< to PREFIX
  RuleAction action = RuleAction::Table;    ///< table/goto/nop/blackhole/...
  std::optional<std::uint32_t> table;       ///< table|lookup ID|NAME
  std::optional<std::uint32_t> goto_target; ///< goto N
  std::optional<std::string> iif;           ///< iif|dev IF
  std::optional<std::string> oif;           ///< oif IF
  std::optional<std::uint8_t> tos;          ///< tos|dsfield N
  std::optional<std::uint32_t> fwmark;      ///< fwmark N
  std::optional<std::uint32_t> fwmask;      ///< fwmark N/MASK
  std::optional<std::uint32_t> preference;  ///< preference|priority|order N
  std::optional<std::uint32_t> realms;      ///< realms [FROM/]TO
  bool l3mdev = false;                      ///< l3mdev
  std::optional<Range32> uidrange;          ///< uidrange A-B
  std::optional<std::uint8_t> protocol;     ///< protocol N|NAME
  std::optional<std::uint8_t> ip_proto;     ///< ip_proto TCP|UDP|SCTP|N
  std::optional<Range32> sport;             ///< sport A[-B]
  std::optional<Range32> dport;             ///< dport A[-B]
  std::optional<std::uint32_t> suppress_prefixlen;  ///< suppress_prefixlength N
  std::optional<std::uint32_t> suppress_ifgroup;    ///< suppress_ifgroup G
  std::optional<std::uint64_t> tunnel_id;   ///< tunnel-id N
  bool no_track = false;                    ///< no_track
  std::optional<std::string> track_group;   ///< track_group GROUP (static rules only)
  Loc loc;                                  ///< the line
  friend bool operator==(const Rule&, const Rule&) = default;
};

}  // namespace stayalived::config
