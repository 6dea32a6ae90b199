// The network vocabulary: parsing and printing with inet_pton/inet_ntop rules.
#include "stayalived/common/net.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace stayalived::net {

int af(Family f) { return f == Family::Inet ? AF_INET : AF_INET6; }

std::optional<Family> family_of_af(int a) {
  if (a == AF_INET) return Family::Inet;
  if (a == AF_INET6) return Family::Inet6;
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::from_bytes(std::span<const std::uint8_t> b) {
  IpAddress ip;
  if (b.size() == 4) {
    std::memcpy(ip.bytes.data(), b.data(), 4);
    return ip;
  }
  if (b.size() == 16) {
    ip.family = Family::Inet6;
    std::memcpy(ip.bytes.data(), b.data(), 16);
    return ip;
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  text.copy(buf, text.size());
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

bool IpAddress::is_multicast() const { return is_v4() ? (bytes[0] & 0xf0) == 0xe0 : bytes[0] == 0xff; }

bool IpAddress::is_link_local() const { return is_v6() && bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80; }

bool IpAddress::is_loopback() const {
  if (is_v4()) return bytes[0] == 127;
  for (std::size_t i = 0; i < 15; ++i)
    if (bytes[i] != 0) return false;
  return bytes[15] == 1;
}

std::uint32_t IpAddress::v4_host_order() const {
  return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) | (std::uint32_t{bytes[2]} << 8) |
         std::uint32_t{bytes[3]};
}

IpAddress IpAddress::masked(std::uint8_t prefix) const {
  IpAddress out = *this;
  for (std::size_t i = 0; i < size(); ++i) {
    const int bits_here = static_cast<int>(prefix) - static_cast<int>(i) * 8;
    if (bits_here >= 8) continue;
    out.bytes[i] = bits_here <= 0 ? 0 : static_cast<std::uint8_t>(out.bytes[i] & (0xff << (8 - bits_here)));
  }
  return out;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (::inet_ntop(af(family), bytes.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

std::string IpAddress::to_string_with_port(std::uint16_t port) const {
  return is_v6() ? "[" + to_string() + "]:" + std::to_string(port) : to_string() + ":" + std::to_string(port);
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

std::size_t hash_value(const Endpoint& ep) {
  // FNV-1a over the address bytes and port: cheap and good enough for bucketing.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  for (std::uint8_t b : ep.address.span()) mix(b);
  mix(static_cast<std::uint8_t>(ep.port >> 8));
  mix(static_cast<std::uint8_t>(ep.port));
  return static_cast<std::size_t>(h);
}

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::Tcp: return "TCP";
    case Protocol::Udp: return "UDP";
    case Protocol::Sctp: return "SCTP";
  }
  return "?";
}

int set_receive_buffer(int fd, std::uint32_t bytes, bool force) {
  const int v = static_cast<int>(std::min<std::uint32_t>(bytes, INT32_MAX));
  return ::setsockopt(fd, SOL_SOCKET, force ? SO_RCVBUFFORCE : SO_RCVBUF, &v, sizeof v) == 0 ? 0 : errno;
}

}  // namespace stayalived::net
