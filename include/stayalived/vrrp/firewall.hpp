// The VRRP firewall, as keepalived 2.2.7 builds it with nftables: while an instance that is
// not in accept mode (`no_accept`, or vrrp_strict without `accept`) is MASTER, the traffic
// to and from its VIPs and excluded VIPs is dropped (RFC 5798 6.4.3: a master that is not
// the address owner does not accept packets addressed to them).
//
//   table ip keepalived {                      (and `table ip6 keepalived` for IPv6 VIPs)
//     set vips { type ipv4_addr; }             the VIPs of the masters that do not accept
//     chain out { hook output priority filter - 1: ip saddr @vips drop }
//     chain in  { hook input  priority filter - 1: ip daddr @vips drop }
//   }
// IPv6 also lets neighbour discovery through and sends link-local traffic to two chains of
// its own, which drop it by address and interface:
//     set vips_link_local { type ipv6_addr . iface_index; }   fe80::100 . "eth0"
//     chain in_link_local  { ip6 daddr . iif @vips_link_local drop }
//     chain out_link_local { ip6 saddr . oif @vips_link_local drop }
// (keepalived 2.2.7 uses the interface index with or without `nftables_ifindex`, measured;
// nft resolves the name given here to it). A family's table is created the
// first time one of its addresses is dropped, keeps its empty set when no master needs it,
// and is deleted at stop. Options: `nftables [TABLE]`, `nftables_priority`,
// `nftables_counters` (a counter on each rule).
//
// This header is pure: it writes the nft commands (the shell hands them to libnftables,
// src/vrrp/io/nftables.cpp), and the differences between two sets of addresses.
#pragma once

#include <string>
#include <vector>

#include "stayalived/config/model.hpp"
#include "stayalived/vrrp/ip.hpp"

namespace stayalived::vrrp {

/// How the tables are made.
struct FirewallOptions {
  std::string table = "keepalived";  ///< `nftables [TABLE]`
  int priority = -1;                 ///< `nftables_priority`
  bool counters = false;             ///< `nftables_counters`
  friend bool operator==(const FirewallOptions&, const FirewallOptions&) = default;
};

/// One address to drop: a link-local one only on its interface (the VIP's `dev`, else the
/// instance's interface), the others on every interface.
struct DroppedAddress {
  IpAddress address;
  std::string ifname;  ///< for a link-local address; "" for the others
  friend auto operator<=>(const DroppedAddress&, const DroppedAddress&) = default;
  friend bool operator==(const DroppedAddress&, const DroppedAddress&) = default;
};

/// The options global_defs gives.
FirewallOptions firewall_options(const config::GlobalDefs& g);

/// True when the instance's VIPs are dropped while it is MASTER: it is not in accept mode.
bool firewalled(const config::VrrpInstance& v);

/// nft commands that create the table of `family` afresh (a leftover table of that name,
/// from a daemon that did not stop cleanly, is deleted first), with its empty set.
std::string nft_create_table(Family family, const FirewallOptions& o);

/// nft commands that add (or delete) `addresses` to (from) the table's sets (vips, and
/// vips_link_local for IPv6 link-local addresses); "" if empty.
std::string nft_elements(Family family, const FirewallOptions& o, bool add, const std::vector<DroppedAddress>& addresses);

/// nft command that deletes the table of `family`.
std::string nft_delete_table(Family family, const FirewallOptions& o);

}  // namespace stayalived::vrrp
