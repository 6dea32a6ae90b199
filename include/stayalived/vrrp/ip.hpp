// IP addresses as plain values, and the few per-family facts VRRP needs (STYLE.md: "IPv4 and
// IPv6 differences go into one small traits type"). Pure: no sockets, no I/O.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stayalived::vrrp {

/// Address family of a VRRP instance and of its addresses.
enum class Family : std::uint8_t { Inet, Inet6 };

/// "IPv4" / "IPv6", as keepalived names families in its logs.
std::string_view name(Family f);

/// An IPv4 or IPv6 address, in network byte order. Ordered by family, then numerically
/// (the order RFC 5798 section 6.4.3 uses to break priority ties).
class IpAddress {
 public:
  /// 0.0.0.0
  IpAddress() = default;
  /// From 4 bytes in network order.
  static IpAddress v4(std::array<std::uint8_t, 4> b);
  /// From a host-order 32-bit value (192.0.2.1 is 0xc0000201).
  static IpAddress v4(std::uint32_t host_order);
  /// From 16 bytes in network order.
  static IpAddress v6(const std::array<std::uint8_t, 16>& b);
  /// From 4 or 16 bytes; nullopt for any other length.
  static std::optional<IpAddress> from_bytes(std::span<const std::uint8_t> b);
  /// Dotted quad or RFC 4291 text; nullopt if it is neither.
  static std::optional<IpAddress> parse(std::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::Inet; }
  bool is_v6() const { return family_ == Family::Inet6; }
  /// The 4 or 16 address bytes.
  std::span<const std::uint8_t> bytes() const { return {bytes_.data(), is_v4() ? 4u : 16u}; }
  /// True for 0.0.0.0 and ::.
  bool is_unspecified() const;
  bool is_multicast() const;
  /// fe80::/10 (IPv6 only).
  bool is_link_local() const;
  /// inet_ntop text.
  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  Family family_ = Family::Inet;
  std::array<std::uint8_t, 16> bytes_{};
};

/// The facts that differ between IPv4 and IPv6 VRRP.
struct FamilyTraits {
  Family family;
  std::size_t address_size;   ///< bytes per address in an advert
  IpAddress default_group;    ///< 224.0.0.18 / ff02::12 (RFC 5798 section 5.1.1.2, 5.1.2.2)
};

/// Traits of a family.
const FamilyTraits& traits(Family f);

}  // namespace stayalived::vrrp
