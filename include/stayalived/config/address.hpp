// IP address value types of the config model: an address is a family and its bytes (never a
// string), a prefix is an address with a length. Parsing and printing are pure (inet_pton
// and inet_ntop rules; no name resolution).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stayalived::config {

/// Address family of an IP address.
enum class Family : std::uint8_t {
  Inet = 4,   ///< IPv4 (`inet` in keepalived.conf, e.g. `ip_family inet`)
  Inet6 = 6,  ///< IPv6 (`inet6`)
};

/// "inet" or "inet6".
std::string_view to_string(Family f);

/// An IPv4 or IPv6 address: the family and the address bytes in network order. IPv4 uses
/// the first 4 bytes; the others are zero, so that defaulted comparison works.
struct IpAddress {
  Family family = Family::Inet;          ///< which of IPv4/IPv6
  std::array<std::uint8_t, 16> bytes{};  ///< network byte order; IPv4 in bytes[0..3]

  /// An IPv4 address from its four octets, e.g. v4(192, 0, 2, 1).
  static constexpr IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
    IpAddress ip;
    ip.bytes[0] = a;
    ip.bytes[1] = b;
    ip.bytes[2] = c;
    ip.bytes[3] = d;
    return ip;
  }
  /// An IPv6 address from its 16 bytes.
  static constexpr IpAddress v6(const std::array<std::uint8_t, 16>& b) {
    IpAddress ip;
    ip.family = Family::Inet6;
    ip.bytes = b;
    return ip;
  }
  /// Parses dotted-quad IPv4 or RFC 4291 text IPv6 (as inet_pton does: no prefix, no
  /// scope id, no leading zeros tricks beyond what inet_pton accepts).
  static std::optional<IpAddress> parse(std::string_view text);

  bool is_v4() const { return family == Family::Inet; }  ///< IPv4?
  bool is_v6() const { return family == Family::Inet6; } ///< IPv6?
  /// Number of significant bytes: 4 or 16.
  std::size_t size() const { return is_v4() ? 4 : 16; }
  /// Maximum prefix length: 32 or 128.
  std::uint8_t max_prefix() const { return is_v4() ? 32 : 128; }
  /// All bytes zero (0.0.0.0 or ::).
  bool is_unspecified() const;
  /// 224.0.0.0/4 or ff00::/8.
  bool is_multicast() const;
  /// fe80::/10 (IPv6 only).
  bool is_link_local_v6() const;
  /// 127.0.0.0/8 or ::1.
  bool is_loopback() const;
  /// The IPv4 address as a host-order integer (IPv4 only).
  std::uint32_t v4_host_order() const;
  /// The address with all bits beyond `prefix` cleared.
  IpAddress masked(std::uint8_t prefix) const;
  /// inet_ntop text, e.g. "192.0.2.1" or "2001:db8::1".
  std::string to_string() const;

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

/// A 6-byte MAC address (use_vmac's MAC).
using MacAddress = std::array<std::uint8_t, 6>;

}  // namespace stayalived::config
