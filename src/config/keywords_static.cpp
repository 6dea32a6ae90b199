// Top-level keywords (net_namespace, instance, child_wait_time, ...) and the static blocks
// (linkbeat_interfaces, interface_up_down_delays, track_group, static_ipaddress/routes/rules),
// after keepalived.conf(5) "GLOBAL CONFIGURATION" and keepalived 2.2.7's reactions. The
// global_defs block itself is in keywords_global.cpp.
#include <fmt/format.h>

#include "addr_lines.hpp"
#include "handler_util.hpp"

namespace stayalived::config::detail {

namespace {

using G = GlobalDefs;

// --- top level -----------------------------------------------------------------------------

void top_name(Builder& b, const Stmt& s, std::optional<std::string>& field, std::string_view what) {
  if (s.args.empty()) {
    b.warn(s, 0, fmt::format("'{}' needs a {}; ignored", s.head.text, what));
    return;
  }
  field = s.args[0].text;
}
// Given twice, the first is kept (keepalived 2.2.7: "Duplicate net_namespace definition
// NAME - ignoring", only logged; for instance and net_namespace_ipvs a config warning).
void h_net_namespace(Builder& b, const Stmt& s) {
  if (b.repeated(s, b.cfg.global.net_namespace.has_value(), true)) return;
  top_name(b, s, b.cfg.global.net_namespace, "namespace name");
}
void h_net_namespace_ipvs(Builder& b, const Stmt& s) {
  if (b.repeated(s, b.cfg.global.net_namespace_ipvs.has_value())) return;
  b.cfg.global.net_namespace_ipvs = s.args.empty() ? std::string() : s.args[0].text;
}
void h_instance(Builder& b, const Stmt& s) {
  if (b.repeated(s, b.cfg.global.instance.has_value())) return;
  top_name(b, s, b.cfg.global.instance, "instance name");
}
void h_child_wait_time(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 0, kU32)) b.cfg.global.child_wait_time = seconds{*v};
}

// --- static blocks -----------------------------------------------------------------------

void h_list_open(Builder& b, const Stmt& s) { b.extra_args(s, 0); }
void h_static_ipaddress_open(Builder& b, const Stmt& s) {
  b.extra_args(s, 0);
  b.vips = &b.cfg.static_ipaddresses;
}
void h_linkbeat_item(Builder& b, const Stmt& s) {
  LinkbeatInterface l;
  l.name = s.head.text;
  l.loc = s.loc;
  if (!s.args.empty()) {
    const auto& t = s.args[0].text;
    if (t == "MII") l.type = LinkbeatType::Mii;
    else if (t == "ETHTOOL") l.type = LinkbeatType::Ethtool;
    else if (t == "IOCTL") l.type = LinkbeatType::Ioctl;
    else b.warn(s, 0, fmt::format("unknown linkbeat type '{}' for {} (MII, ETHTOOL or IOCTL); the default is used", t, l.name));
  }
  b.cfg.linkbeat_interfaces.push_back(std::move(l));
}
void h_if_delays_item(Builder& b, const Stmt& s) {
  InterfaceDelays d;
  d.name = s.head.text;
  d.loc = s.loc;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("interface_up_down_delays: '{}' needs a down delay; ignored", d.name));
  auto down = b.timer(s, 0, microseconds{0}, microseconds{255 * kSec});
  if (!down) return;
  d.down_delay = *down;
  d.up_delay = *down;
  if (s.args.size() > 1) {
    auto up = b.timer(s, 1, microseconds{0}, microseconds{255 * kSec});
    if (!up) return;
    d.up_delay = *up;
  }
  b.cfg.interface_up_down_delays.push_back(std::move(d));
}
void h_track_group(Builder& b, const Stmt& s) {
  TrackGroup g;
  if (!s.args.empty()) g.name = s.args[0].text;
  g.loc = s.loc;
  b.cfg.track_groups.push_back(std::move(g));
  b.tgroup = &b.cfg.track_groups.back();
}
void h_track_group_group(Builder& b, const Stmt& s) { b.extra_args(s, 0); }
void h_track_group_item(Builder& b, const Stmt& s) {
  if (!b.tgroup) return;
  b.tgroup->group.push_back(s.head.text);
  for (const auto& a : s.args) b.tgroup->group.push_back(a.text);
}
void h_static_address_item(Builder& b, const Stmt& s) {
  if (auto a = parse_address_line(b, s, AddressLine::Static)) b.cfg.static_ipaddresses.push_back(std::move(*a));
}
void h_static_route_item(Builder& b, const Stmt& s) {
  if (auto r = parse_route_line(b, s, true)) b.cfg.static_routes.push_back(std::move(*r));
}
void h_static_rule_item(Builder& b, const Stmt& s) {
  if (auto r = parse_rule_line(b, s, true)) b.cfg.static_rules.push_back(std::move(*r));
}
// keepalived ignores words after "global_defs".
void h_global_defs(Builder&, const Stmt&) {}

const KeywordDef kTop[] = {
    {"global_defs", KwKind::Block, Ctx::GlobalDefs, h_global_defs, 0},
    {"net_namespace", KwKind::Leaf, Ctx::Top, h_net_namespace, 0},
    {"net_namespace_ipvs", KwKind::Leaf, Ctx::Top, h_net_namespace_ipvs, 0},
    {"namespace_with_ipsets", KwKind::Leaf, Ctx::Top, flag<&G::namespace_with_ipsets>, 0},
    {"instance", KwKind::Leaf, Ctx::Top, h_instance, 0},
    {"use_pid_dir", KwKind::Leaf, Ctx::Top, flag<&G::use_pid_dir>, 0},
    {"linkbeat_use_polling", KwKind::Leaf, Ctx::Top, flag<&G::linkbeat_use_polling>, 0},
    {"child_wait_time", KwKind::Leaf, Ctx::Top, h_child_wait_time, 1},
    {"linkbeat_interfaces", KwKind::Block, Ctx::LinkbeatInterfaces, h_list_open, 0},
    {"interface_up_down_delays", KwKind::Block, Ctx::InterfaceDelays, h_list_open, 0},
    {"track_group", KwKind::Block, Ctx::TrackGroup, h_track_group, 1},
    {"static_ipaddress", KwKind::Block, Ctx::StaticIpaddress, h_static_ipaddress_open, 0},
    {"static_routes", KwKind::Block, Ctx::StaticRoutes, h_list_open, 0},
    {"static_rules", KwKind::Block, Ctx::StaticRules, h_list_open, 0},
};

const KeywordDef kTrackGroup[] = {
    {"group", KwKind::Block, Ctx::TrackGroupGroup, h_track_group_group, 0},
};

}  // namespace

std::span<const KeywordDef> top_keywords() { return kTop; }
std::span<const KeywordDef> static_keywords(Ctx c) {
  if (c == Ctx::TrackGroup) return kTrackGroup;
  return {};
}

Handler static_list_handler(Ctx c) {
  switch (c) {
    case Ctx::LinkbeatInterfaces: return h_linkbeat_item;
    case Ctx::InterfaceDelays: return h_if_delays_item;
    case Ctx::TrackGroupGroup: return h_track_group_item;
    case Ctx::StaticIpaddress: return h_static_address_item;
    case Ctx::StaticRoutes: return h_static_route_item;
    case Ctx::StaticRules: return h_static_rule_item;
    default: return nullptr;
  }
}

}  // namespace stayalived::config::detail
