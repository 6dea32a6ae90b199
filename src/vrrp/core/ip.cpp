#include "stayalived/vrrp/ip.hpp"

namespace stayalived::vrrp {

std::string_view name(Family f) { return f == Family::Inet ? "IPv4" : "IPv6"; }

const FamilyTraits& traits(Family f) {
  static const FamilyTraits v4{Family::Inet, 4, IpAddress::v4(0xe0000012u)};
  static const FamilyTraits v6{Family::Inet6, 16,
                               IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12})};
  return f == Family::Inet ? v4 : v6;
}

}  // namespace stayalived::vrrp
