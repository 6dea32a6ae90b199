#include "stayalived/check/address.hpp"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace stayalived::check {

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, text.data(), text.size());
  IpAddress a;
  if (::inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
    a.family = Family::V4;
    return a;
  }
  if (::inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
    a.family = Family::V6;
    return a;
  }
  return std::nullopt;
}

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress a;
  a.bytes[0] = static_cast<std::uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<std::uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<std::uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<std::uint8_t>(host_order);
  return a;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string_view to_string(Protocol p) {
  switch (p) {
    case Protocol::Tcp: return "tcp";
    case Protocol::Udp: return "udp";
    case Protocol::Sctp: return "sctp";
  }
  return "?";
}

std::string format_service(const Endpoint& ep, Protocol p) {
  return fmt::format("[{}]:{}:{}", ep.addr.to_string(), to_string(p), ep.port);
}

std::string format_vs(const VirtualServerKey& vs) {
  switch (vs.kind) {
    case VirtualServerKey::Kind::Address: return format_service(vs.endpoint, vs.protocol);
    case VirtualServerKey::Kind::Fwmark: return fmt::format("FWM {}", vs.fwmark);
    case VirtualServerKey::Kind::Group: return fmt::format("[{}]:0", vs.group);
  }
  return "?";
}

std::string format_rs(const Endpoint& rs, const VirtualServerKey& vs) {
  if (vs.kind == VirtualServerKey::Kind::Fwmark) return fmt::format("[{}]:none:{}", rs.addr.to_string(), rs.port);
  return format_service(rs, vs.protocol);
}

std::size_t hash_value(const Endpoint& ep) {
  // FNV-1a over the address bytes and port: cheap and good enough for bucketing.
  std::uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](std::uint8_t b) {
    h ^= b;
    h *= 1099511628211ULL;
  };
  const std::size_t n = ep.addr.is_v4() ? 4 : 16;
  for (std::size_t i = 0; i < n; ++i) mix(ep.addr.bytes[i]);
  mix(static_cast<std::uint8_t>(ep.port >> 8));
  mix(static_cast<std::uint8_t>(ep.port));
  return static_cast<std::size_t>(h);
}

}  // namespace stayalived::check
