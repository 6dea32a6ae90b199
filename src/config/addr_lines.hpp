// Internal: parsers of address, route and rule lines (ip address/route/rule syntax).
#pragma once

#include <optional>
#include <string_view>

#include "builder.hpp"

namespace stayalived::config::detail {

/// Which block an address line is in (some options are block-specific).
enum class AddressLine { Vip, Evip, Static };

/// One address line; nullopt (with a warning) if the address itself is invalid.
std::optional<VirtualAddress> parse_address_line(Builder& b, const Stmt& item, AddressLine kind);
/// One route line; nullopt (with a warning) if the route cannot be used.
std::optional<Route> parse_route_line(Builder& b, const Stmt& item, bool is_static);
/// One rule line; nullopt (with a warning) if the rule cannot be used.
std::optional<Rule> parse_rule_line(Builder& b, const Stmt& item, bool is_static);
/// rt_scope from a name or number.
std::optional<std::uint8_t> parse_scope(std::string_view w);
/// The name of a scope value ("" if it has none).
std::string_view scope_name(std::uint8_t v);
/// The name of a route protocol number ("static", "bird", ...; "" if it has none).
std::string_view protocol_name(std::uint8_t v);
/// The name of a route type ("blackhole", ...).
std::string_view route_type_name(RouteType t);

}  // namespace stayalived::config::detail
