// Gratuitous ARP and unsolicited Neighbour Advertisement frames (RFC 5798 section 6.4.2
// "broadcast a gratuitous ARP request ... / send an Unsolicited ND Neighbor Advertisement"),
// built as whole Ethernet frames for an AF_PACKET socket. Pure.
//
// As keepalived 2.2.7 sends them (captured): the ARP is a broadcast *request* "who-has VIP
// tell VIP" whose target hardware address is ff:ff:ff:ff:ff:ff; the NA goes from the VIP to
// ff02::1 (33:33:00:00:00:01) with hop limit 255, only the Override flag, and the
// target link-layer address option.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "stayalived/vrrp/ip.hpp"

namespace stayalived::vrrp {

/// An Ethernet address.
using Mac = std::array<std::uint8_t, 6>;

/// A gratuitous ARP for an IPv4 `vip` owned by `mac` (Ethernet header included).
std::vector<std::uint8_t> gratuitous_arp(const Mac& mac, const IpAddress& vip);

/// An unsolicited Neighbour Advertisement for an IPv6 `vip` (Ethernet and IPv6 headers
/// included, ICMPv6 checksum computed).
std::vector<std::uint8_t> unsolicited_na(const Mac& mac, const IpAddress& vip);

}  // namespace stayalived::vrrp
