#include "stayalived/vrrp/announce.hpp"

#include "stayalived/vrrp/codec.hpp"

namespace stayalived::vrrp {

namespace {
void put(std::vector<std::uint8_t>& v, std::span<const std::uint8_t> b) { v.insert(v.end(), b.begin(), b.end()); }
constexpr Mac kBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr Mac kAllNodes{0x33, 0x33, 0, 0, 0, 1};
constexpr std::uint8_t kIcmp6 = 58;
constexpr std::uint8_t kNeighbourAdvert = 136;
constexpr std::uint8_t kOverride = 0x20;
constexpr std::uint8_t kTargetLinkLayer = 2;
}  // namespace

std::vector<std::uint8_t> gratuitous_arp(const Mac& mac, const IpAddress& vip) {
  std::vector<std::uint8_t> f;
  f.reserve(42);
  put(f, kBroadcast);
  put(f, mac);
  f.insert(f.end(), {0x08, 0x06});                          // ARP
  f.insert(f.end(), {0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01});  // Ethernet, IPv4, request
  put(f, mac);
  put(f, vip.span());
  put(f, kBroadcast);  // keepalived's target hardware address
  put(f, vip.span());
  return f;
}

std::vector<std::uint8_t> unsolicited_na(const Mac& mac, const IpAddress& vip) {
  const IpAddress all_nodes = *IpAddress::parse("ff02::1");
  std::vector<std::uint8_t> icmp;
  icmp.insert(icmp.end(), {kNeighbourAdvert, 0, 0, 0, kOverride, 0, 0, 0});
  put(icmp, vip.span());
  icmp.insert(icmp.end(), {kTargetLinkLayer, 1});
  put(icmp, mac);
  // ICMPv6 checksum over the IPv6 pseudo-header (RFC 4443 section 2.3).
  std::vector<std::uint8_t> pseudo;
  put(pseudo, vip.span());
  put(pseudo, all_nodes.span());
  pseudo.insert(pseudo.end(), {0, 0, 0, static_cast<std::uint8_t>(icmp.size()), 0, 0, 0, kIcmp6});
  std::uint32_t partial = 0;
  for (std::size_t i = 0; i < pseudo.size(); i += 2) partial += static_cast<std::uint32_t>((pseudo[i] << 8) | pseudo[i + 1]);
  const auto sum = inet_checksum(icmp, partial);
  icmp[2] = static_cast<std::uint8_t>(sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(sum);

  std::vector<std::uint8_t> f;
  f.reserve(14 + 40 + icmp.size());
  put(f, kAllNodes);
  put(f, mac);
  f.insert(f.end(), {0x86, 0xdd});
  f.insert(f.end(), {0x60, 0, 0, 0, 0, static_cast<std::uint8_t>(icmp.size()), kIcmp6, 255});
  put(f, vip.span());
  put(f, all_nodes.span());
  put(f, icmp);
  return f;
}

}  // namespace stayalived::vrrp
