// IP address value types: parsing and printing with inet_pton/inet_ntop rules.
#include "stayalived/config/address.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace stayalived::config {

std::string_view to_string(Family f) { return f == Family::Inet ? "inet" : "inet6"; }

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.empty() || text.size() > 63) return std::nullopt;
  char buf[64];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (text.find(':') == std::string_view::npos) {
    if (::inet_pton(AF_INET, buf, ip.bytes.data()) != 1) return std::nullopt;
    return ip;
  }
  ip.family = Family::Inet6;
  if (::inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

bool IpAddress::is_unspecified() const {
  for (std::size_t i = 0; i < size(); ++i)
    if (bytes[i] != 0) return false;
  return true;
}

bool IpAddress::is_multicast() const {
  return is_v4() ? (bytes[0] & 0xf0) == 0xe0 : bytes[0] == 0xff;
}

bool IpAddress::is_link_local_v6() const {
  return is_v6() && bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;
}

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes[0] == 127;
  for (std::size_t i = 0; i < 15; ++i)
    if (bytes[i] != 0) return false;
  return bytes[15] == 1;
}

std::uint32_t IpAddress::v4_host_order() const {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
         (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

IpAddress IpAddress::masked(std::uint8_t prefix) const {
  IpAddress out = *this;
  for (std::size_t i = 0; i < size(); ++i) {
    const int bits_here = static_cast<int>(prefix) - static_cast<int>(i) * 8;
    if (bits_here >= 8) continue;
    if (bits_here <= 0) {
      out.bytes[i] = 0;
    } else {
      out.bytes[i] = static_cast<std::uint8_t>(out.bytes[i] & (0xff << (8 - bits_here)));
    }
  }
  return out;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (::inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  auto addr = IpAddress::parse(text.substr(0, slash));
  if (!addr) return std::nullopt;
  IpPrefix p{*addr, addr->max_prefix()};
  if (slash == std::string_view::npos) return p;
  const auto len = text.substr(slash + 1);
  unsigned v = 0;
  const auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), v);
  if (len.empty() || ec != std::errc{} || end != len.data() + len.size() || v > addr->max_prefix())
    return std::nullopt;
  p.length = static_cast<std::uint8_t>(v);
  return p;
}

std::string IpPrefix::to_string() const { return address.to_string() + "/" + std::to_string(length); }

bool IpPrefix::contains(const IpAddress& a) const {
  return a.family == address.family && a.masked(length) == address.masked(length);
}

std::optional<std::uint8_t> netmask_to_prefix(const IpAddress& mask) {
  std::uint8_t len = 0;
  bool seen_zero = false;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    for (int bit = 7; bit >= 0; --bit) {
      const bool one = (mask.bytes[i] >> bit) & 1;
      if (one && seen_zero) return std::nullopt;
      if (one) ++len;
      else seen_zero = true;
    }
  }
  return len;
}

}  // namespace stayalived::config
