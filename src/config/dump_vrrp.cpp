// The canonical dump, VRRP side: address, route and rule lines (also those of the static
// blocks), the tracking lists and notify scripts of instances and sync groups, and the
// vrrp_instance block. What is written and what is left out follows the rules at the top
// of dump.cpp.
#include <fmt/format.h>

#include "addr_lines.hpp"
#include "dump_util.hpp"

namespace stayalived::config::detail {

// --- addresses, routes, rules ------------------------------------------------------------------

std::string address_line(const VirtualAddress& a) {
  std::string l = a.address.length == a.address.address.max_prefix() ? a.address.address.to_string() : a.address.to_string();
  switch (a.broadcast_mode) {
    case BroadcastMode::Address: l += " brd " + a.broadcast->to_string(); break;
    case BroadcastMode::ClearHost: l += " brd -"; break;
    case BroadcastMode::SetHost: l += " brd +"; break;
    case BroadcastMode::None: break;
  }
  if (a.dev) l += " dev " + word(*a.dev);
  if (a.use_vmac) l += " use_vmac";
  if (a.scope) {
    const auto n = detail::scope_name(*a.scope);
    l += " scope " + (n.empty() ? std::to_string(*a.scope) : std::string(n));
  }
  if (a.label) l += " label " + word(*a.label);
  if (a.peer) l += " peer " + a.peer->address.to_string();
  if (a.home) l += " home";
  if (a.nodad) l += " -nodad";
  if (a.mngtmpaddr) l += " mngtmpaddr";
  if (a.noprefixroute) l += " noprefixroute";
  if (a.autojoin) l += " autojoin";
  if (a.no_track) l += " no_track";
  if (a.track_group) l += " track_group " + word(*a.track_group);
  if (a.preferred_lft) l += *a.preferred_lft == kLifetimeForever ? " preferred_lft forever" : fmt::format(" preferred_lft {}", *a.preferred_lft);
  return l;
}

namespace {

std::string realms(std::uint32_t r) { return fmt::format("{}/{}", r >> 16, r & 0xffff); }

}  // namespace

std::string route_line(const Route& r) {
  std::string l;
  if (r.type != RouteType::Unicast) l += std::string(detail::route_type_name(r.type)) + " ";
  if (r.src) l += "src " + r.src->to_string() + " ";
  l += "to " + r.destination.to_string();
  if (r.destination.address.is_v6()) l += " inet6";
  if (r.via) l += " via " + r.via->to_string();
  if (r.or_via) l += " or " + r.or_via->to_string();
  if (r.dev) l += " dev " + word(*r.dev);
  if (r.scope) {
    const auto n = detail::scope_name(*r.scope);
    l += " scope " + (n.empty() ? std::to_string(*r.scope) : std::string(n));
  }
  if (r.table) l += fmt::format(" table {}", *r.table);
  if (r.metric) l += fmt::format(" metric {}", *r.metric);
  if (r.tos) l += fmt::format(" tos {}", *r.tos);
  if (r.protocol) {
    const auto n = detail::protocol_name(*r.protocol);
    l += " protocol " + (n.empty() ? std::to_string(*r.protocol) : std::string(n));
  }
  const auto metric = [&](std::string_view n, const std::optional<std::uint32_t>& v, RouteMetric m) {
    if (!v) return;
    l += fmt::format(" {}{} {}", n, (r.locked >> static_cast<unsigned>(m)) & 1 ? " lock" : "", *v);
  };
  metric("mtu", r.mtu, RouteMetric::Mtu);
  metric("hoplimit", r.hoplimit, RouteMetric::Hoplimit);
  metric("advmss", r.advmss, RouteMetric::Advmss);
  metric("rtt", r.rtt, RouteMetric::Rtt);
  metric("rttvar", r.rttvar, RouteMetric::Rttvar);
  metric("reordering", r.reordering, RouteMetric::Reordering);
  metric("window", r.window, RouteMetric::Window);
  metric("cwnd", r.cwnd, RouteMetric::Cwnd);
  metric("ssthresh", r.ssthresh, RouteMetric::Ssthresh);
  metric("rto_min", r.rto_min, RouteMetric::RtoMin);
  metric("initcwnd", r.initcwnd, RouteMetric::Initcwnd);
  metric("initrwnd", r.initrwnd, RouteMetric::Initrwnd);
  if (r.realms) l += " realms " + realms(*r.realms);
  if (r.features_ecn) l += " features ecn";
  if (r.quickack) l += fmt::format(" quickack {}", *r.quickack ? 1 : 0);
  if (r.congctl) l += fmt::format(" congctl{} {}", r.congctl_lock ? " lock" : "", word(*r.congctl));
  if (r.pref) l += *r.pref == 3 ? " pref low" : *r.pref == 1 ? " pref high" : " pref medium";
  if (r.fastopen_no_cookie) l += fmt::format(" fastopen_no_cookie {}", *r.fastopen_no_cookie ? 1 : 0);
  if (r.ttl_propagate_set) l += r.ttl_propagate ? " ttl-propagate enabled" : " ttl-propagate disabled";
  if (r.onlink) l += " onlink";
  if (r.encap) {
    const auto& e = *r.encap;
    switch (e.type) {
      case RouteEncap::Type::Mpls: {
        l += " encap mpls ";
        for (std::size_t i = 0; i < e.mpls_labels.size(); ++i) l += (i ? "/" : "") + std::to_string(e.mpls_labels[i]);
        break;
      }
      case RouteEncap::Type::Ip:
      case RouteEncap::Type::Ip6:
        l += e.type == RouteEncap::Type::Ip ? " encap ip" : " encap ip6";
        if (e.id) l += fmt::format(" id {}", *e.id);
        if (e.dst) l += " dst " + e.dst->to_string();
        if (e.tos) l += fmt::format(" tos {}", *e.tos);
        if (e.ttl) l += fmt::format(" ttl {}", *e.ttl);
        if (e.csum) l += " csum";
        break;
      case RouteEncap::Type::Ila: l += " encap ila 0"; break;
    }
  }
  for (const auto& nh : r.nexthops) {
    l += " nexthop";
    if (nh.via) l += " via " + nh.via->to_string();
    if (nh.dev) l += " dev " + word(*nh.dev);
    if (nh.onlink) l += " onlink";
    if (nh.weight) l += fmt::format(" weight {}", *nh.weight + 1);
    if (nh.realms) l += " realms " + realms(*nh.realms);
  }
  if (r.vrf) l += " vrf " + word(*r.vrf);
  if (r.append) l += " append";
  if (r.add) l += " add";
  if (r.no_track) l += " no_track";
  if (r.track_group) l += " track_group " + word(*r.track_group);
  return l;
}

std::string rule_line(const Rule& r) {
  std::string l;
  if (r.invert) l += "not ";
  if (r.from) l += "from " + r.from->to_string() + " ";
  if (r.to) l += "to " + r.to->to_string() + " ";
  if (r.family == Family::Inet6 && !r.from && !r.to) l += "inet6 ";
  // A table or goto target given beside another action stays in the model (and in the
  // netlink message), so it is written too, before the words of the rule's own action.
  if (r.goto_target && r.action != RuleAction::Goto) l += fmt::format("goto {} ", *r.goto_target);
  if (r.table && r.action != RuleAction::Table) l += fmt::format("table {} ", *r.table);
  switch (r.action) {
    case RuleAction::Table:
      if (r.table) l += fmt::format("table {} ", *r.table);
      break;
    case RuleAction::Goto: l += fmt::format("goto {} ", r.goto_target.value_or(0)); break;
    case RuleAction::Nop: l += "nop "; break;
    case RuleAction::Blackhole: l += "blackhole "; break;
    case RuleAction::Unreachable: l += "unreachable "; break;
    case RuleAction::Prohibit: l += "prohibit "; break;
  }
  if (r.iif) l += "iif " + word(*r.iif) + " ";
  if (r.oif) l += "oif " + word(*r.oif) + " ";
  if (r.tos) l += fmt::format("tos {} ", *r.tos);
  if (r.fwmark) l += r.fwmask ? fmt::format("fwmark {}/{} ", *r.fwmark, *r.fwmask) : fmt::format("fwmark {} ", *r.fwmark);
  if (r.preference) l += fmt::format("preference {} ", *r.preference);
  if (r.realms) l += "realms " + realms(*r.realms) + " ";
  if (r.l3mdev) l += "l3mdev ";
  if (r.uidrange) l += fmt::format("uidrange {}-{} ", r.uidrange->start, r.uidrange->end);
  if (r.protocol) l += fmt::format("protocol {} ", *r.protocol);
  if (r.ip_proto) l += fmt::format("ipproto {} ", *r.ip_proto);
  if (r.sport) l += fmt::format("sport {}-{} ", r.sport->start, r.sport->end);
  if (r.dport) l += fmt::format("dport {}-{} ", r.dport->start, r.dport->end);
  if (r.suppress_prefixlen) l += fmt::format("suppress_prefixlength {} ", *r.suppress_prefixlen);
  if (r.suppress_ifgroup) l += fmt::format("suppress_ifgroup {} ", *r.suppress_ifgroup);
  if (r.tunnel_id) l += fmt::format("tunnel-id {} ", *r.tunnel_id);
  if (r.no_track) l += "no_track ";
  if (r.track_group) l += "track_group " + word(*r.track_group) + " ";
  if (!l.empty()) l.pop_back();
  return l;
}

// --- VRRP --------------------------------------------------------------------------------------

void dump_tracking(Out& o, const Tracking& t) {
  if (!t.interfaces.empty()) {
    o.open("track_interface");
    for (const auto& i : t.interfaces) {
      std::string l = word(i.name);
      if (i.weight != 0) l += fmt::format(" weight {}", i.weight);
      if (i.reverse) l += " reverse";
      o.line(l);
    }
    o.close();
  }
  const auto refs = [&](std::string_view kw, const std::vector<TrackRef>& v) {
    if (v.empty()) return;
    o.open(kw);
    for (const auto& r : v) {
      std::string l = word(r.name);
      if (r.weight) l += fmt::format(" weight {}", *r.weight);
      if (r.reverse) l += " reverse";
      o.line(l);
    }
    o.close();
  };
  refs("track_script", t.scripts);
  refs("track_file", t.files);
  refs("track_process", t.processes);
  refs("track_bfd", t.bfds);
}

void dump_notify(Out& o, const VrrpNotify& n) {
  script_kw(o, "notify_master", n.master);
  script_kw(o, "notify_backup", n.backup);
  script_kw(o, "notify_fault", n.fault);
  script_kw(o, "notify_stop", n.stop);
  if (n.deleted_set) {
    if (n.deleted) script_kw(o, "notify_deleted", n.deleted);
    else o.line("notify_deleted");
  }
  script_kw(o, "notify_master_rx_lower_pri", n.master_rx_lower_pri);
  script_kw(o, "notify", n.any);
}

void dump_instance(Out& o, const VrrpInstance& v, const GlobalDefs& g) {
  o.open("vrrp_instance " + word(v.name));
  if (v.state) o.kv("state {}", to_string(*v.state));
  if (v.interface) o.kv("interface {}", word(*v.interface));
  if (v.vrf) o.kv("vrf {}", word(*v.vrf));
  if (v.use_vmac) {
    std::string l = "use_vmac";
    if (v.use_vmac->name) l += " " + word(*v.use_vmac->name);
    if (v.use_vmac->mac) {
      const auto& m = *v.use_vmac->mac;
      l += fmt::format(" {:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4]);
      if (!v.use_vmac->mac_from_vrid) l += fmt::format(":{:02x}", m[5]);
    }
    o.line(l);
  }
  if (v.use_vmac_addr) o.line("use_vmac_addr");
  if (v.vmac_xmit_base) o.line("vmac_xmit_base");
  if (v.use_ipvlan) {
    std::string l = "use_ipvlan";
    if (v.use_ipvlan->name) l += " " + word(*v.use_ipvlan->name);
    if (v.use_ipvlan->address) l += " " + v.use_ipvlan->address->to_string();
    l += v.use_ipvlan->mode == IpvlanMode::Private ? " private" : v.use_ipvlan->mode == IpvlanMode::Vepa ? " vepa" : " bridge";
    o.line(l);
  }
  if (v.native_ipv6) o.line("native_ipv6");
  if (v.dont_track_primary) o.line("dont_track_primary");
  if (v.source_ip) o.kv("unicast_src_ip {}", v.source_ip->to_string());
  if (v.mcast_dst_ip) o.kv("mcast_dst_ip {}", v.mcast_dst_ip->to_string());
  if (v.track_src_ip) o.line("track_src_ip");
  // Settings inherited from global_defs: written when they differ from what they would
  // inherit.
  const bool ipv6 = !v.virtual_ipaddress.empty() && v.virtual_ipaddress.front().address.address.is_v6();
  if (v.version != (ipv6 ? 3 : g.vrrp_version)) o.kv("version {}", v.version);
  if (v.check_unicast_src && !g.vrrp_check_unicast_src) o.line("check_unicast_src");
  if (v.unicast_peer_block || !v.unicast_peers.empty()) {
    o.open("unicast_peer");
    for (const auto& p : v.unicast_peers) {
      std::string l = p.address.to_string();
      if (p.min_ttl) l += fmt::format(" min_ttl {}", *p.min_ttl);
      if (p.max_ttl) l += fmt::format(" max_ttl {}", *p.max_ttl);
      o.line(l);
    }
    o.close();
  }
  if (v.unicast_fault_no_peer) o.line("unicast_fault_no_peer");
  if (v.unicast_ttl) o.kv("unicast_ttl {}", *v.unicast_ttl);
  if (v.old_unicast_checksum == OldUnicastChecksum::On) o.line("old_unicast_checksum");
  if (v.old_unicast_checksum == OldUnicastChecksum::Never) o.line("old_unicast_checksum never");
  if (v.garp_master_delay != g.vrrp_garp_master_delay) o.kv("garp_master_delay {}", v.garp_master_delay.count());
  if (v.garp_master_repeat != g.vrrp_garp_master_repeat) o.kv("garp_master_repeat {}", v.garp_master_repeat);
  if (v.garp_lower_prio_delay != g.vrrp_garp_lower_prio_delay.value_or(v.garp_master_delay))
    o.kv("garp_lower_prio_delay {}", v.garp_lower_prio_delay.count());
  if (v.garp_lower_prio_repeat != g.vrrp_garp_lower_prio_repeat.value_or(v.garp_master_repeat))
    o.kv("garp_lower_prio_repeat {}", v.garp_lower_prio_repeat);
  if (v.garp_master_refresh != g.vrrp_garp_master_refresh) o.kv("garp_master_refresh {}", v.garp_master_refresh.count());
  if (v.garp_master_refresh_repeat != g.vrrp_garp_master_refresh_repeat)
    o.kv("garp_master_refresh_repeat {}", v.garp_master_refresh_repeat);
  if (v.garp_extra_if != g.vrrp_garp_extra_if && v.garp_extra_if)
    o.kv("garp_extra_if {}{}", v.garp_extra_if->all ? "all " : "", v.garp_extra_if->interval.count());
  if (v.down_timer_adverts != g.vrrp_down_timer_adverts) o.kv("down_timer_adverts {}", v.down_timer_adverts);
  if (v.strict_mode != g.vrrp_strict) o.kv("strict_mode {}", boolean(v.strict_mode));
  if (v.lower_prio_no_advert != g.vrrp_lower_prio_no_advert.value_or(v.strict_mode))
    o.kv("lower_prio_no_advert {}", boolean(v.lower_prio_no_advert));
  if (v.higher_prio_send_advert != g.vrrp_higher_prio_send_advert.value_or(false))
    o.kv("higher_prio_send_advert {}", boolean(v.higher_prio_send_advert));
  if (v.skip_check_adv_addr != g.vrrp_skip_check_adv_addr) o.kv("skip_check_adv_addr {}", boolean(v.skip_check_adv_addr));
  if (v.notify_priority_changes != g.vrrp_notify_priority_changes)
    o.kv("notify_priority_changes {}", boolean(v.notify_priority_changes));
  if (v.virtual_router_id) o.kv("virtual_router_id {}", *v.virtual_router_id);
  if (v.priority != 100) o.kv("priority {}", v.priority);
  if (v.advert_int != centiseconds{100}) o.kv("advert_int {}", format_timer(v.advert_int));
  if (v.authentication) {
    o.open("authentication");
    if (v.authentication->type != AuthType::None) o.kv("auth_type {}", to_string(v.authentication->type));
    if (!v.authentication->password.empty()) o.kv("auth_pass {}", word(v.authentication->password));
    o.close();
  }
  if (!v.virtual_ipaddress.empty()) {
    o.open("virtual_ipaddress");
    for (const auto& a : v.virtual_ipaddress) o.line(address_line(a));
    o.close();
  }
  if (!v.virtual_ipaddress_excluded.empty()) {
    o.open("virtual_ipaddress_excluded");
    for (const auto& a : v.virtual_ipaddress_excluded) o.line(address_line(a));
    o.close();
  }
  if (v.promote_secondaries) o.line("promote_secondaries");
  if (!v.virtual_routes.empty()) {
    o.open("virtual_routes");
    for (const auto& r : v.virtual_routes) o.line(route_line(r));
    o.close();
  }
  if (!v.virtual_rules.empty()) {
    o.open("virtual_rules");
    for (const auto& r : v.virtual_rules) o.line(rule_line(r));
    o.close();
  }
  if (v.accept) o.line(*v.accept ? "accept" : "no_accept");
  if (v.nopreempt) o.line("nopreempt");
  if (v.preempt_delay.count() != 0) o.kv("preempt_delay {}", secs(v.preempt_delay));
  if (v.debug != 0) o.kv("debug {}", v.debug);
  dump_tracking(o, v.track);
  dump_notify(o, v.notify);
  if (v.smtp_alert) o.kv("smtp_alert {}", boolean(*v.smtp_alert));
  if (v.kernel_rx_buf_size) o.kv("kernel_rx_buf_size {}", *v.kernel_rx_buf_size);
  if (v.linkbeat_use_polling) o.line("linkbeat_use_polling");
  if (v.lvs_sync_daemon_interface) o.kv("lvs_sync_daemon_interface {}", word(*v.lvs_sync_daemon_interface));
  o.close();
}

}  // namespace stayalived::config::detail
