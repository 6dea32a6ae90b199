// Addresses, endpoints and the identities of virtual and real servers, as plain values.
// Pure: no Asio, no sockets (the I/O shell converts to sockaddr). Formatting follows
// keepalived's log format, "[192.0.2.1]:tcp:80", so that log filters keep matching.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stayalived::check {

/// IPv4 or IPv6.
enum class Family : std::uint8_t { V4 = 4, V6 = 6 };

/// An IPv4 or IPv6 address (IPv4 in the first 4 bytes), with the IPv6 scope for link-local
/// targets reached through bind_if.
struct IpAddress {
  Family family = Family::V4;
  std::array<std::uint8_t, 16> bytes{};
  std::uint32_t scope_id = 0;

  /// Parses dotted-quad IPv4 or RFC 4291 text IPv6 (no scope suffix); nullopt if invalid.
  static std::optional<IpAddress> parse(std::string_view text);
  /// IPv4 from a host-order 32-bit value (tests and benches).
  static IpAddress v4(std::uint32_t host_order);

  bool is_v4() const { return family == Family::V4; }
  /// Canonical text (inet_ntop form).
  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

/// An address and a port (0 when the service has none, e.g. fwmark real servers).
struct Endpoint {
  IpAddress addr{};
  std::uint16_t port = 0;

  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// keepalived.conf `protocol`.
enum class Protocol : std::uint8_t { Tcp, Udp, Sctp };

/// "tcp", "udp", "sctp" as keepalived prints them.
std::string_view to_string(Protocol p);

/// keepalived's service format: "[192.0.2.1]:tcp:80", "[2001:db8::1]:udp:53".
std::string format_service(const Endpoint& ep, Protocol p);

/// The identity of a virtual server, as written after `virtual_server`: an address and port,
/// a firewall mark, or a virtual_server_group name. Equal keys mean the same service across
/// a reload.
struct VirtualServerKey {
  enum class Kind : std::uint8_t { Address, Fwmark, Group };
  Kind kind = Kind::Address;
  Endpoint endpoint{};          ///< Kind::Address
  std::uint32_t fwmark = 0;   ///< Kind::Fwmark
  std::string group{};          ///< Kind::Group
  Protocol protocol = Protocol::Tcp;
  Family family = Family::V4; ///< for fwmark services (ip_family)

  friend auto operator<=>(const VirtualServerKey&, const VirtualServerKey&) = default;
  friend bool operator==(const VirtualServerKey&, const VirtualServerKey&) = default;
};

/// keepalived's virtual server format: "[192.0.2.100]:tcp:80", "FWM 7", "[group]:0".
std::string format_vs(const VirtualServerKey& vs);

/// keepalived's format of a real server of `vs`: "[192.0.2.11]:tcp:80"; the real servers of
/// a fwmark service have no protocol: "[192.0.2.11]:none:0".
std::string format_rs(const Endpoint& rs, const VirtualServerKey& vs);

/// A small hash for endpoints (dedup and lookups).
std::size_t hash_value(const Endpoint& ep);

}  // namespace stayalived::check
