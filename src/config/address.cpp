#include "stayalived/config/address.hpp"

namespace stayalived::config {

std::string_view to_string(Family f) { return f == Family::Inet ? "inet" : "inet6"; }

}  // namespace stayalived::config
