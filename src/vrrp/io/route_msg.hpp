// The rtnetlink requests for virtual routes and rules, as pure functions: config::Route /
// config::Rule (with interface names already resolved) -> the bytes of one RTM_NEWROUTE,
// RTM_DELROUTE, RTM_NEWRULE or RTM_DELRULE message. rtnetlink.cpp only sends them; the unit
// tests check them byte for byte without a kernel.
//
// What goes into a message follows what keepalived 2.2.7 sends for the same line (seen with
// strace on its netlink socket), so that both daemons leave the same tables behind:
//   - routes are prepended (NLM_F_CREATE), appended with `append`, added exclusively
//     (NLM_F_EXCL) with `add` and for every type but unicast; rules are added exclusively;
//   - a route's scope is universe unless `scope` is given; its protocol is 18 ("keepalived")
//     unless `protocol` is given; a rule carries protocol 18 unless it is `no_track`;
//   - a delete is the add without NLM_F_CREATE; a route delete has the wildcard scope
//     (nowhere) and type (unspec) unless the line gives them (a type other than unicast, or
//     `add`), and the kernel matches the rest.
// Numbers in attributes are in host order, as netlink wants, except those the kernel takes
// in network order (tunnel ids, MPLS label stack entries).
#pragma once

#include <cstdint>
#include <vector>

#include "stayalived/config/model.hpp"
#include "ports.hpp"

namespace stayalived::vrrp {

/// What a message asks for.
enum class NlOp : std::uint8_t { Add, Delete };

/// The RTM_NEWROUTE (Add) or RTM_DELROUTE (Delete) message of a route, sequence number and
/// port id 0 (the sender fills them in).
std::vector<std::uint8_t> encode_route(const RouteSpec& spec, NlOp op);

/// The RTM_NEWRULE (Add) or RTM_DELRULE (Delete) message of a rule.
std::vector<std::uint8_t> encode_rule(const config::Rule& rule, NlOp op);

}  // namespace stayalived::vrrp
