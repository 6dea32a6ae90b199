// The few per-family facts VRRP needs (IPv4 and IPv6 differences go into one small traits
// type). Pure: no sockets, no I/O.
#pragma once

#include <cstddef>
#include <string_view>

#include "stayalived/common/net.hpp"

namespace stayalived::vrrp {

// VRRP's addresses and families are the daemon's one vocabulary (common/net.hpp).
using net::Family;
using net::IpAddress;

/// "IPv4" / "IPv6", as keepalived names families in its logs.
std::string_view name(Family f);

/// The facts that differ between IPv4 and IPv6 VRRP.
struct FamilyTraits {
  Family family;
  std::size_t address_size;   ///< bytes per address in an advert
  IpAddress default_group;    ///< 224.0.0.18 / ff02::12 (RFC 5798 section 5.1.1.2, 5.1.2.2)
};

/// Traits of a family.
const FamilyTraits& traits(Family f);

}  // namespace stayalived::vrrp
