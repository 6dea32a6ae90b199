// The one network vocabulary of the daemon: address families, IP addresses, prefixes,
// endpoints and transport protocols, as plain values (never strings). Every module uses
// these (config, VRRP, checkers, IPVS); the module-specific texts for them ("inet",
// "IPv4", "tcp", "TCP") stay with the module whose output they are. Pure: parsing and
// printing follow inet_pton/inet_ntop; no name resolution, no sockets.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stayalived::net {

/// Address family.
enum class Family : std::uint8_t {
  Inet = 4,   ///< IPv4 (`inet` in keepalived.conf)
  Inet6 = 6,  ///< IPv6 (`inet6`)
};

/// The socket API's value of a family (AF_INET, AF_INET6).
int af(Family f);
/// The family of an AF_INET / AF_INET6 value; nullopt for any other.
std::optional<Family> family_of_af(int af);

/// An IPv4 or IPv6 address: the family and the address bytes in network order. IPv4 uses
/// the first 4 bytes; the others stay zero, so that defaulted comparison works. Ordered by
/// family, then numerically (the order RFC 5798 section 6.4.3 breaks priority ties with).
/// `scope_id` is the IPv6 zone of a link-local address reached through an interface
/// (checkers' bind_if); it is 0 everywhere else.
struct IpAddress {
  Family family = Family::Inet;          ///< which of IPv4/IPv6
  std::array<std::uint8_t, 16> bytes{};  ///< network byte order; IPv4 in bytes[0..3]
  std::uint32_t scope_id = 0;            ///< IPv6 zone (interface index), else 0

  /// An IPv4 address from its four octets, e.g. v4(192, 0, 2, 1).
  static constexpr IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.bytes[0] = a;
    ip.bytes[1] = b;
    ip.bytes[2] = c;
    ip.bytes[3] = d;
    return ip;
  }
  /// An IPv4 address from its 4 bytes in network order.
  static constexpr IpAddress v4(const std::array<std::uint8_t, 4>& b) { return v4(b[0], b[1], b[2], b[3]); }
  /// An IPv4 address from a host-order value (192.0.2.1 is 0xc0000201).
  static constexpr IpAddress v4(std::uint32_t host_order) {
    return v4(static_cast<std::uint8_t>(host_order >> 24), static_cast<std::uint8_t>(host_order >> 16),
              static_cast<std::uint8_t>(host_order >> 8), static_cast<std::uint8_t>(host_order));
  }
  /// An IPv6 address from its 16 bytes.
  static constexpr IpAddress v6(const std::array<std::uint8_t, 16>& b) {
    IpAddress ip;
    ip.family = Family::Inet6;
    ip.bytes = b;
    return ip;
  }
  /// From 4 or 16 bytes in network order; nullopt for any other length.
  static std::optional<IpAddress> from_bytes(std::span<const std::uint8_t> b);
  /// Parses dotted-quad IPv4 or RFC 4291 text IPv6 (as inet_pton: no prefix, no scope).
  static std::optional<IpAddress> parse(std::string_view text);

  bool is_v4() const { return family == Family::Inet; }
  bool is_v6() const { return family == Family::Inet6; }
  /// Number of significant bytes: 4 or 16.
  std::size_t size() const { return is_v4() ? 4 : 16; }
  /// The 4 or 16 significant bytes.
  std::span<const std::uint8_t> span() const { return {bytes.data(), size()}; }
  /// Maximum prefix length: 32 or 128.
  std::uint8_t max_prefix() const { return is_v4() ? 32 : 128; }
  /// All bytes zero (0.0.0.0 or ::).
  bool is_unspecified() const;
  /// 224.0.0.0/4 or ff00::/8.
  bool is_multicast() const;
  /// fe80::/10 (IPv6 only).
  bool is_link_local() const;
  /// 127.0.0.0/8 or ::1.
  bool is_loopback() const;
  /// The IPv4 address as a host-order integer (IPv4 only).
  std::uint32_t v4_host_order() const;
  /// The address with all bits beyond `prefix` cleared.
  IpAddress masked(std::uint8_t prefix) const;
  /// inet_ntop text, e.g. "192.0.2.1" or "2001:db8::1".
  std::string to_string() const;
  /// As in "addr:port": "192.0.2.1:80", "[2001:db8::1]:80".
  std::string to_string_with_port(std::uint16_t port) const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

/// An address with a prefix length, as in `192.0.2.1/24` (VIPs, routes, rules).
struct IpPrefix {
  IpAddress address;        ///< the address as written (host bits kept)
  std::uint8_t length = 32; ///< prefix length, 0..32 or 0..128

  /// Parses ADDR or ADDR/LEN; without /LEN the length is the full width (32 or 128).
  static std::optional<IpPrefix> parse(std::string_view text);
  /// "ADDR/LEN".
  std::string to_string() const;
  /// The network address (host bits cleared).
  IpAddress network() const { return address.masked(length); }
  /// True if `a` lies in this prefix (same family, same leading `length` bits).
  bool contains(const IpAddress& a) const;

  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

/// Prefix length of a contiguous netmask written as an address (255.255.255.0 -> 24);
/// nullopt if the mask is not contiguous.
std::optional<std::uint8_t> netmask_to_prefix(const IpAddress& mask);

/// A 6-byte MAC address.
using MacAddress = std::array<std::uint8_t, 6>;

/// A transport protocol of a service (its IPPROTO_ value).
enum class Protocol : std::uint8_t { Tcp = 6, Udp = 17, Sctp = 132 };

/// An address and a port (0 when there is none, e.g. the real servers of a fwmark service).
struct Endpoint {
  IpAddress address{};
  std::uint16_t port = 0;

  /// "192.0.2.1:80", "[2001:db8::1]:80".
  std::string to_string() const { return address.to_string_with_port(port); }
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

/// A small hash for endpoints (deduplication and lookups).
std::size_t hash_value(const Endpoint& ep);

/// "TCP", "UDP", "SCTP": keepalived's and ipvsadm's spelling.
std::string_view to_string(Protocol p);

/// Sets a socket's receive buffer to `bytes`: SO_RCVBUFFORCE when `force` (beyond
/// net.core.rmem_max; needs CAP_NET_ADMIN), else SO_RCVBUF (capped by rmem_max). Returns
/// the errno of a failure, 0 on success.
int set_receive_buffer(int fd, std::uint32_t bytes, bool force);

}  // namespace stayalived::net
