// The config model's addresses are the daemon's one network vocabulary (common/net.hpp);
// this header names them in the config namespace and adds the config's own text for a
// family ("inet", "inet6").
#pragma once

#include <string_view>

#include "stayalived/common/net.hpp"

namespace stayalived::config {

using net::Family;
using net::IpAddress;
using net::IpPrefix;
using net::MacAddress;
using net::netmask_to_prefix;

/// "inet" or "inet6".
std::string_view to_string(Family f);

}  // namespace stayalived::config
