#include "stayalived/vrrp/ip.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace stayalived::vrrp {

std::string_view name(Family f) { return f == Family::Inet ? "IPv4" : "IPv6"; }

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> b) {
  IpAddress a;
  std::copy(b.begin(), b.end(), a.bytes_.begin());
  return a;
}

IpAddress IpAddress::v4(std::uint32_t h) {
  return v4({static_cast<std::uint8_t>(h >> 24), static_cast<std::uint8_t>(h >> 16),
             static_cast<std::uint8_t>(h >> 8), static_cast<std::uint8_t>(h)});
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& b) {
  IpAddress a;
  a.family_ = Family::Inet6;
  a.bytes_ = b;
  return a;
}

std::optional<IpAddress> IpAddress::from_bytes(std::span<const std::uint8_t> b) {
  if (b.size() == 4) return v4({b[0], b[1], b[2], b[3]});
  if (b.size() == 16) {
    std::array<std::uint8_t, 16> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return v6(a);
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  std::array<std::uint8_t, 16> b{};
  if (::inet_pton(AF_INET, buf, b.data()) == 1) return v4({b[0], b[1], b[2], b[3]});
  if (::inet_pton(AF_INET6, buf, b.data()) == 1) return v6(b);
  return std::nullopt;
}

bool IpAddress::is_unspecified() const {
  const auto b = bytes();
  return std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
}

bool IpAddress::is_multicast() const {
  return is_v4() ? (bytes_[0] & 0xf0) == 0xe0 : bytes_[0] == 0xff;
}

bool IpAddress::is_link_local() const {
  return is_v6() && bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof buf);
  return buf;
}

const FamilyTraits& traits(Family f) {
  static const FamilyTraits v4{Family::Inet, 4, IpAddress::v4(0xe0000012u)};
  static const FamilyTraits v6{Family::Inet6, 16,
                               IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12})};
  return f == Family::Inet ? v4 : v6;
}

}  // namespace stayalived::vrrp
