// The canonical dump: keepalived.conf text that loads back into an equal Config. Settings
// appear in a fixed order and only when they differ from what the loader would produce
// without them (keepalived's default, or the value inherited from global_defs / the
// virtual_server), so that two configs with the same meaning dump identically.
#include "stayalived/config/dump.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "addr_lines.hpp"
#include "values.hpp"

namespace stayalived::config {

namespace {

using detail::format_timer;

class Out {
 public:
  void open(std::string_view head) {
    line(fmt::format("{} {{", head));
    ++depth_;
  }
  void close() {
    --depth_;
    line("}");
  }
  void line(std::string_view text) {
    s_.append(static_cast<std::size_t>(depth_) * 2, ' ');
    s_.append(text);
    s_ += '\n';
  }
  template <class... A>
  void kv(fmt::format_string<A...> f, A&&... a) {
    line(fmt::format(f, std::forward<A>(a)...));
  }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
  int depth_ = 0;
};

bool needs_quotes(std::string_view w) {
  if (w.empty()) return true;
  for (char c : w)
    if (c == ' ' || c == '\t' || c == '{' || c == '}' || c == '#' || c == '!' || c == '"' || c == '\r' || c == '\v' ||
        c == '\f' || c == '\n')
      return true;
  return false;
}

// A config word: bare if possible, else in double quotes (a '"' cannot be quoted in
// keepalived.conf and is written as \x22, which only script keywords decode).
std::string word(std::string_view w) {
  if (!needs_quotes(w)) return std::string(w);
  std::string out = "\"";
  for (char c : w) {
    if (c == '"') out += "\\x22";
    else out += c;
  }
  return out + "\"";
}

// A script's command line, in the form split_command() splits back into the same argv.
std::string command(const std::vector<std::string>& argv) {
  std::string out;
  bool simple = argv.size() == 1;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && std::none_of(a.begin(), a.end(), [](char c) {
      return c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\' || c == '{' || c == '}' || c == '#' || c == '!' ||
             c == '\n' || c == '\r' || c == '\v' || c == '\f' || static_cast<unsigned char>(c) < 0x20;
    });
    if (plain) {
      out += a;
      continue;
    }
    simple = false;
    out += '\'';
    for (char c : a) {
      if (c == '\\' || c == '\'') {
        out += '\\';
        out += c;
      } else if (c == '"' || static_cast<unsigned char>(c) < 0x20 || c == '{' || c == '}' || c == '#' || c == '!') {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return simple ? out : "\"" + out + "\"";
}

std::string run_as(const std::optional<RunAs>& r) {
  if (!r) return {};
  return " " + word(r->user) + (r->group ? " " + word(*r->group) : "");
}

void script_kw(Out& o, std::string_view kw, const std::optional<Script>& s) {
  if (s) o.kv("{} {}{}", kw, command(s->argv), run_as(s->run_as));
}

std::string boolean(bool b) { return b ? "on" : "off"; }

std::string secs(microseconds us) { return format_timer(us); }

// --- global ----------------------------------------------------------------------------------

void dump_tuning(Out& o, std::string_view p, const ProcessTuning& t) {
  if (t.process_name) o.kv("{}_process_name {}", p == "checker" ? "checker" : p, word(*t.process_name));
  if (t.priority) o.kv("{}_priority {}", p, *t.priority);
  if (t.no_swap) o.kv("{}_no_swap", p);
  if (!t.cpu_affinity.empty()) o.kv("{}_cpu_affinity {}", p, fmt::join(t.cpu_affinity, " "));
  if (t.rt_priority) o.kv("{}_rt_priority {}", p, *t.rt_priority);
  if (t.rlimit_rttime) o.kv("{}_rlimit_rttime {}", p, t.rlimit_rttime->count());
}

void dump_rcv(Out& o, std::string_view kw, const RcvBufs& r) {
  if (r.bytes) o.kv("{} {}", kw, *r.bytes);
  if (r.force) o.kv("{}_force on", kw);
}

void dump_fifo(Out& o, std::string_view kw, const std::optional<Fifo>& f) {
  if (f) o.kv("{} {}{}", kw, word(f->path), run_as(f->run_as));
}

void dump_global(Out& o, const GlobalDefs& g) {
  const GlobalDefs d;
  // Top-level keywords.
  if (g.net_namespace) o.kv("net_namespace {}", word(*g.net_namespace));
  if (g.net_namespace_ipvs) o.line(g.net_namespace_ipvs->empty() ? "net_namespace_ipvs" : "net_namespace_ipvs " + word(*g.net_namespace_ipvs));
  if (g.namespace_with_ipsets) o.line("namespace_with_ipsets");
  if (g.instance) o.kv("instance {}", word(*g.instance));
  if (g.use_pid_dir) o.line("use_pid_dir");
  if (g.linkbeat_use_polling) o.line("linkbeat_use_polling");
  if (g.child_wait_time != d.child_wait_time) o.kv("child_wait_time {}", g.child_wait_time.count());

  Out b;  // the global_defs block, written only if not empty
  if (g.tmp_config_directory) b.kv("tmp_config_directory {}", word(*g.tmp_config_directory));
  if (g.config_save_dir) b.kv("config_save_dir {}", word(*g.config_save_dir));
  if (g.include_check != d.include_check) {
    std::string opts;
    const auto add = [&](bool on, std::string_view n) { opts += fmt::format(" {}{}", on ? "+" : "-", n); };
    add(g.include_check.readable, "readable");
    add(g.include_check.match, "match");
    add(g.include_check.wildcard_match, "wildcard_match");
    add(g.include_check.brace_match, "brace_match");
    b.line("include_check" + opts);
  }
  if (g.reload_check_config) b.line(g.reload_check_config->empty() ? "reload_check_config" : "reload_check_config " + word(*g.reload_check_config));
  if (g.reload_time_file) b.kv("reload_time_file {}", word(*g.reload_time_file));
  if (g.reload_repeat) b.line("reload_repeat");
  if (g.reload_file) b.line(g.reload_file->empty() ? "reload_file" : "reload_file " + word(*g.reload_file));
  if (g.data_use_instance) b.line("data_use_instance");
  if (g.random_seed) b.kv("random_seed {}", *g.random_seed);
  if (g.umask) b.kv("umask 0{:o}", *g.umask);
  if (g.process_names) b.line("process_names");
  if (g.process_name) b.kv("process_name {}", word(*g.process_name));
  dump_tuning(b, "vrrp", g.vrrp);
  dump_tuning(b, "checker", g.checker);
  dump_tuning(b, "bfd", g.bfd);
  if (g.max_auto_priority) b.kv("max_auto_priority {}", *g.max_auto_priority);
  if (g.min_auto_priority_delay) b.kv("min_auto_priority_delay {}", g.min_auto_priority_delay->count());
  script_kw(b, "startup_script", g.startup_script);
  if (g.startup_script_timeout != d.startup_script_timeout) b.kv("startup_script_timeout {}", g.startup_script_timeout.count());
  script_kw(b, "shutdown_script", g.shutdown_script);
  if (g.shutdown_script_timeout != d.shutdown_script_timeout) b.kv("shutdown_script_timeout {}", g.shutdown_script_timeout.count());
  if (!g.notification_email.empty()) {
    b.open("notification_email");
    for (const auto& e : g.notification_email) b.line(word(e));
    b.close();
  }
  if (g.notification_email_from) b.kv("notification_email_from {}", word(*g.notification_email_from));
  if (g.smtp_server) b.line(g.smtp_port != 25 ? fmt::format("smtp_server {} {}", word(*g.smtp_server), g.smtp_port) : "smtp_server " + word(*g.smtp_server));
  if (g.smtp_helo_name) b.kv("smtp_helo_name {}", word(*g.smtp_helo_name));
  if (g.smtp_connect_timeout != d.smtp_connect_timeout) b.kv("smtp_connect_timeout {}", g.smtp_connect_timeout.count());
  if (g.smtp_alert) b.kv("smtp_alert {}", boolean(*g.smtp_alert));
  if (g.smtp_alert_vrrp) b.kv("smtp_alert_vrrp {}", boolean(*g.smtp_alert_vrrp));
  if (g.smtp_alert_checker) b.kv("smtp_alert_checker {}", boolean(*g.smtp_alert_checker));
  if (g.no_email_faults) b.line("no_email_faults");
  if (g.no_checker_emails) b.line("no_checker_emails");
  if (g.checker_log_all_failures) b.line("checker_log_all_failures");
  if (g.router_id) b.kv("router_id {}", word(*g.router_id));
  if (g.script_user) b.kv("script_user{}", run_as(g.script_user));
  if (g.enable_script_security) b.line("enable_script_security");
  dump_fifo(b, "notify_fifo", g.notify_fifo);
  script_kw(b, "notify_fifo_script", g.notify_fifo_script);
  dump_fifo(b, "vrrp_notify_fifo", g.vrrp_notify_fifo);
  script_kw(b, "vrrp_notify_fifo_script", g.vrrp_notify_fifo_script);
  dump_fifo(b, "lvs_notify_fifo", g.lvs_notify_fifo);
  script_kw(b, "lvs_notify_fifo_script", g.lvs_notify_fifo_script);
  if (g.fifo_write_vrrp_states_on_reload) b.line("fifo_write_vrrp_states_on_reload");
  if (g.vrrp_mcast_group4 != d.vrrp_mcast_group4) b.kv("vrrp_mcast_group4 {}", g.vrrp_mcast_group4.to_string());
  if (g.vrrp_mcast_group6 != d.vrrp_mcast_group6) b.kv("vrrp_mcast_group6 {}", g.vrrp_mcast_group6.to_string());
  if (g.default_interface) b.kv("default_interface {}", word(*g.default_interface));
  if (g.vrrp_garp_master_delay != d.vrrp_garp_master_delay) b.kv("vrrp_garp_master_delay {}", g.vrrp_garp_master_delay.count());
  if (g.vrrp_garp_master_repeat != d.vrrp_garp_master_repeat) b.kv("vrrp_garp_master_repeat {}", g.vrrp_garp_master_repeat);
  if (g.vrrp_garp_lower_prio_delay) b.kv("vrrp_garp_lower_prio_delay {}", g.vrrp_garp_lower_prio_delay->count());
  if (g.vrrp_garp_lower_prio_repeat) b.kv("vrrp_garp_lower_prio_repeat {}", *g.vrrp_garp_lower_prio_repeat);
  if (g.vrrp_garp_master_refresh != d.vrrp_garp_master_refresh) b.kv("vrrp_garp_master_refresh {}", g.vrrp_garp_master_refresh.count());
  if (g.vrrp_garp_master_refresh_repeat != d.vrrp_garp_master_refresh_repeat)
    b.kv("vrrp_garp_master_refresh_repeat {}", g.vrrp_garp_master_refresh_repeat);
  if (g.vrrp_garp_interval != d.vrrp_garp_interval) b.kv("vrrp_garp_interval {}", secs(g.vrrp_garp_interval));
  if (g.vrrp_gna_interval != d.vrrp_gna_interval) b.kv("vrrp_gna_interval {}", secs(g.vrrp_gna_interval));
  if (g.vrrp_min_garp) b.line("vrrp_min_garp");
  if (g.vrrp_garp_extra_if) b.kv("vrrp_garp_extra_if {}{}", g.vrrp_garp_extra_if->all ? "all " : "", g.vrrp_garp_extra_if->interval.count());
  if (g.vrrp_down_timer_adverts != d.vrrp_down_timer_adverts) b.kv("vrrp_down_timer_adverts {}", g.vrrp_down_timer_adverts);
  if (g.vrrp_lower_prio_no_advert) b.kv("vrrp_lower_prio_no_advert {}", boolean(*g.vrrp_lower_prio_no_advert));
  if (g.vrrp_higher_prio_send_advert) b.kv("vrrp_higher_prio_send_advert {}", boolean(*g.vrrp_higher_prio_send_advert));
  if (g.vrrp_version != d.vrrp_version) b.kv("vrrp_version {}", g.vrrp_version);
  if (g.vrrp_check_unicast_src) b.line("vrrp_check_unicast_src");
  if (g.vrrp_skip_check_adv_addr) b.line("vrrp_skip_check_adv_addr");
  if (g.vrrp_strict) b.line("vrrp_strict");
  if (g.vrrp_notify_priority_changes) b.line("vrrp_notify_priority_changes");
  if (g.vrrp_startup_delay != d.vrrp_startup_delay) b.kv("vrrp_startup_delay {}", secs(g.vrrp_startup_delay));
  if (g.log_unknown_vrids) b.line("log_unknown_vrids");
  if (g.vmac_prefix) b.kv("vmac_prefix {}", word(*g.vmac_prefix));
  if (g.vmac_addr_prefix) b.kv("vmac_addr_prefix {}", word(*g.vmac_addr_prefix));
  if (g.disable_local_igmp) b.line("disable_local_igmp");
  switch (g.vrrp_rx_bufs_policy.kind) {
    case RxBufsPolicy::Kind::Mtu: b.line("vrrp_rx_bufs_policy MTU"); break;
    case RxBufsPolicy::Kind::Advert: b.line("vrrp_rx_bufs_policy ADVERT"); break;
    case RxBufsPolicy::Kind::Size: b.kv("vrrp_rx_bufs_policy {}", g.vrrp_rx_bufs_policy.size); break;
    case RxBufsPolicy::Kind::SystemDefault: break;
  }
  if (g.vrrp_rx_bufs_multiplier != d.vrrp_rx_bufs_multiplier) b.kv("vrrp_rx_bufs_multiplier {}", g.vrrp_rx_bufs_multiplier);
  if (g.dynamic_interfaces) b.line(g.allow_if_changes ? "dynamic_interfaces allow_if_changes" : "dynamic_interfaces");
  if (g.nftables) b.kv("nftables {}", word(*g.nftables));
  if (g.nftables_priority) b.kv("nftables_priority {}", *g.nftables_priority);
  if (g.nftables_counters) b.line("nftables_counters");
  if (g.nftables_ifindex) b.line("nftables_ifindex");
  if (g.nftables_ipvs) b.kv("nftables_ipvs {}", word(*g.nftables_ipvs));
  if (g.nftables_ipvs_priority) b.kv("nftables_ipvs_priority {}", *g.nftables_ipvs_priority);
  if (g.nftables_ipvs_start_fwmark != d.nftables_ipvs_start_fwmark) b.kv("nftables_ipvs_start_fwmark {}", g.nftables_ipvs_start_fwmark);
  dump_rcv(b, "vrrp_netlink_cmd_rcv_bufs", g.vrrp_netlink_cmd_rcv_bufs);
  dump_rcv(b, "vrrp_netlink_monitor_rcv_bufs", g.vrrp_netlink_monitor_rcv_bufs);
  dump_rcv(b, "lvs_netlink_cmd_rcv_bufs", g.lvs_netlink_cmd_rcv_bufs);
  dump_rcv(b, "lvs_netlink_monitor_rcv_bufs", g.lvs_netlink_monitor_rcv_bufs);
  dump_rcv(b, "process_monitor_rcv_bufs", g.process_monitor_rcv_bufs);
  if (const auto& s = g.lvs_sync_daemon) {
    std::string l = "lvs_sync_daemon " + word(s->interface);
    if (s->vrrp_instance) l += " inst " + word(*s->vrrp_instance);
    if (s->sync_id) l += fmt::format(" id {}", *s->sync_id);
    if (s->max_len) l += fmt::format(" maxlen {}", *s->max_len);
    if (s->port) l += fmt::format(" port {}", *s->port);
    if (s->ttl) l += fmt::format(" ttl {}", *s->ttl);
    if (s->group) l += " group " + s->group->to_string();
    b.line(l);
  }
  if (g.lvs_timeouts != d.lvs_timeouts) {
    std::string l = "lvs_timeouts";
    if (g.lvs_timeouts.tcp) l += fmt::format(" tcp {}", g.lvs_timeouts.tcp->count());
    if (g.lvs_timeouts.tcp_fin) l += fmt::format(" tcpfin {}", g.lvs_timeouts.tcp_fin->count());
    if (g.lvs_timeouts.udp) l += fmt::format(" udp {}", g.lvs_timeouts.udp->count());
    b.line(l);
  }
  if (g.lvs_flush) b.line("lvs_flush");
  if (g.lvs_flush_on_stop == LvsFlushOnStop::All) b.line("lvs_flush_on_stop");
  if (g.lvs_flush_on_stop == LvsFlushOnStop::VirtualServers) b.line("lvs_flush_on_stop VS");
  if (g.rs_init_notifies) b.line("rs_init_notifies");
  if (g.snmp_socket) b.kv("snmp_socket {}", word(*g.snmp_socket));
  if (g.enable_snmp_vrrp) b.line("enable_snmp_vrrp");
  if (g.enable_snmp_checker) b.line("enable_snmp_checker");
  if (g.enable_snmp_rfcv2) b.line("enable_snmp_rfcv2");
  if (g.enable_snmp_rfcv3) b.line("enable_snmp_rfcv3");
  if (g.enable_traps) b.line("enable_traps");
  if (g.enable_dbus) b.line("enable_dbus");
  if (g.dbus_service_name) b.kv("dbus_service_name {}", word(*g.dbus_service_name));
  std::string body = b.take();
  if (body.empty()) return;
  o.open("global_defs");
  std::size_t start = 0;
  while (start < body.size()) {
    const auto nl = body.find('\n', start);
    o.line(std::string_view(body).substr(start, nl - start));
    start = nl + 1;
  }
  o.close();
}

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

std::string realms(std::uint32_t r) { return fmt::format("{}/{}", r >> 16, r & 0xffff); }

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

// --- LVS ---------------------------------------------------------------------------------------

std::string forwarding(const Forwarding& f) {
  std::string l(to_string(f.method));
  if (f.method == ForwardingMethod::Tun) {
    if (f.tunnel_type != TunnelType::Ipip || f.tunnel_checksum != TunnelChecksum::NoCsum) {
      l += fmt::format(" type {}", to_string(f.tunnel_type));
      if (f.tunnel_type == TunnelType::Gue) l += fmt::format(" port {}", f.tunnel_port);
      if (f.tunnel_checksum != TunnelChecksum::NoCsum) l += fmt::format(" {}", to_string(f.tunnel_checksum));
    }
  }
  return l;
}

void dump_checker(Out& o, const Checker& c, const VirtualServer& vs) {
  const CheckerKind k = c.kind();
  o.open(to_string(k));
  const auto& n = c.connection;
  const bool has_conn = k != CheckerKind::Misc && k != CheckerKind::File && k != CheckerKind::Bfd;
  if (has_conn) {
    if (n.connect_ip) o.kv("connect_ip {}", n.connect_ip->to_string());
    if (n.connect_port) o.kv("connect_port {}", *n.connect_port);
    if (n.bindto) o.kv("bindto {}", n.bindto->to_string());
    if (n.bind_if) o.kv("bind_if {}", word(*n.bind_if));
    if (n.bind_port) o.kv("bind_port {}", *n.bind_port);
    if (n.fwmark) o.kv("fwmark {}", *n.fwmark);
    if (n.connect_timeout != vs.connect_timeout.value_or(seconds{5})) o.kv("connect_timeout {}", secs(n.connect_timeout));
  }
  // Effective timing, written when it differs from what the checker would inherit.
  if (k != CheckerKind::File) {
    if (c.alpha != vs.alpha) o.kv("alpha {}", boolean(c.alpha));
  }
  if (k != CheckerKind::File && k != CheckerKind::Bfd) {
    const std::uint32_t def_retry = k == CheckerKind::Dns ? 3 : k == CheckerKind::Misc ? 0 : 1;
    if (c.retry != vs.retry.value_or(def_retry)) o.kv("retry {}", c.retry);
    if (c.delay_loop != vs.delay_loop) o.kv("delay_loop {}", secs(c.delay_loop));
    const microseconds def_dbr = k == CheckerKind::Dns ? c.delay_loop
                                 : (k == CheckerKind::Http || k == CheckerKind::Ssl) ? microseconds{seconds{3}}
                                                                                      : microseconds{seconds{1}};
    if (c.delay_before_retry != vs.delay_before_retry.value_or(def_dbr)) o.kv("delay_before_retry {}", secs(c.delay_before_retry));
    if (c.warmup && c.warmup != vs.warmup) o.kv("warmup {}", secs(*c.warmup));
    if (c.log_all_failures) o.kv("log_all_failures {}", boolean(c.log_all_failures));
  }
  if (const auto* h = std::get_if<HttpCheck>(&c.spec)) {
    if (h->http_protocol != HttpProtocol::Http10) o.kv("http_protocol {}", to_string(h->http_protocol));
    if (h->fast_recovery) o.line("fast_recovery");
    if (h->enable_sni) o.line("enable_sni");
    if (h->virtualhost) o.kv("virtualhost {}", word(*h->virtualhost));
    for (const auto& u : h->urls) {
      o.open("url");
      o.kv("path {}", word(u.path));
      if (u.digest) {
        std::string hex;
        for (auto b : *u.digest) hex += fmt::format("{:02x}", b);
        o.kv("digest {}", hex);
      }
      if (!u.status_codes.empty()) {
        std::string l = "status_code";
        for (const auto& r : u.status_codes) l += r.low == r.high ? fmt::format(" {}", r.low) : fmt::format(" {}-{}", r.low, r.high);
        o.line(l);
      }
      if (u.virtualhost) o.kv("virtualhost {}", word(*u.virtualhost));
      if (u.regex) o.kv("regex {}", word(*u.regex));
      if (u.regex_no_match) o.line("regex_no_match");
      if (!u.regex_options.empty()) {
        std::string l = "regex_options";
        for (const auto& x : u.regex_options) l += " " + word(x);
        o.line(l);
      }
      if (u.regex_stack_start) o.kv("regex_stack {} {}", *u.regex_stack_start, u.regex_stack_max.value_or(0));
      if (u.regex_min_offset) o.kv("regex_min_offset {}", *u.regex_min_offset);
      if (u.regex_max_offset) o.kv("regex_max_offset {}", *u.regex_max_offset);
      o.close();
    }
  } else if (const auto* m = std::get_if<MiscCheck>(&c.spec)) {
    if (!m->path.argv.empty()) o.kv("misc_path {}", command(m->path.argv));
    if (m->path.run_as) o.kv("user{}", run_as(m->path.run_as));
    if (m->timeout) o.kv("misc_timeout {}", std::chrono::duration_cast<seconds>(*m->timeout).count());
    if (m->dynamic) o.line("misc_dynamic");
  } else if (const auto* s = std::get_if<SmtpCheck>(&c.spec)) {
    if (s->helo_name) o.kv("helo_name {}", word(*s->helo_name));
  } else if (const auto* d = std::get_if<DnsCheck>(&c.spec)) {
    if (d->type != DnsType::Soa) o.kv("type {}", to_string(d->type));
    if (d->name != ".") o.kv("name {}", word(d->name));
  } else if (const auto* u = std::get_if<UdpCheck>(&c.spec)) {
    const auto hex = [](const std::vector<std::uint8_t>& data, const std::vector<std::uint8_t>* mask) {
      std::string out;
      for (std::size_t i = 0; i < data.size(); ++i) {
        const std::uint8_t bits = mask && i < mask->size() ? (*mask)[i] : 0xff;
        out += (bits & 0xf0) ? fmt::format("{:x}", data[i] >> 4) : "x";
        out += (bits & 0x0f) ? fmt::format("{:x}", data[i] & 0xf) : "x";
      }
      return out;
    };
    if (!u->payload.empty()) o.kv("payload {}", hex(u->payload, nullptr));
    if (u->require_reply) o.line(u->reply_data.empty() ? "require_reply" : "require_reply " + hex(u->reply_data, &u->reply_mask));
    if (u->min_reply_length != 0) o.kv("min_reply_length {}", u->min_reply_length);
    if (u->max_reply_length != 255) o.kv("max_reply_length {}", u->max_reply_length);
  } else if (const auto* f = std::get_if<FileCheck>(&c.spec)) {
    o.kv("track_file {}", word(f->track_file));
    if (f->weight) o.kv("weight {}{}", *f->weight, f->reverse ? " reverse" : "");
  } else if (const auto* b = std::get_if<BfdCheck>(&c.spec)) {
    o.kv("name {}", word(b->name));
  }
  o.close();
}

void dump_virtual_server(Out& o, const VirtualServer& vs) {
  std::string head = "virtual_server ";
  if (const auto* a = std::get_if<VsAddress>(&vs.key)) head += fmt::format("{} {}", a->address.to_string(), a->port);
  else if (const auto* f = std::get_if<VsFwmark>(&vs.key)) head += fmt::format("fwmark {}", f->mark);
  else head += "group " + word(std::get<VsGroup>(vs.key).name);
  o.open(head);
  o.kv("lvs_sched {}", to_string(vs.scheduler));
  if (vs.sched_flag1) o.line("flag-1");
  if (vs.sched_flag2) o.line("flag-2");
  if (vs.sched_flag3) o.line("flag-3");
  if (vs.hashed) o.line("hashed");
  if (vs.ops) o.line("ops");
  o.kv("lvs_method {}", forwarding(vs.forwarding));
  if (vs.persistence_engine) o.kv("persistence_engine {}", word(*vs.persistence_engine));
  if (vs.persistence_timeout) o.kv("persistence_timeout {}", vs.persistence_timeout->count());
  if (vs.persistence_granularity) o.kv("persistence_granularity {}", vs.persistence_granularity->to_string());
  if (!std::holds_alternative<VsFwmark>(vs.key)) o.kv("protocol {}", to_string(vs.protocol));
  if (vs.ha_suspend) o.line("ha_suspend");
  if (vs.smtp_alert) o.kv("smtp_alert {}", boolean(*vs.smtp_alert));
  if (vs.virtualhost) o.kv("virtualhost {}", word(*vs.virtualhost));
  if (vs.snmp_name) o.kv("snmp_name {}", word(*vs.snmp_name));
  if (vs.alpha) o.line("alpha");
  if (vs.omega) o.line("omega");
  if (vs.quorum != 1) o.kv("quorum {}", vs.quorum);
  if (vs.hysteresis != 0) o.kv("hysteresis {}", vs.hysteresis);
  script_kw(o, "quorum_up", vs.quorum_up);
  script_kw(o, "quorum_down", vs.quorum_down);
  if (vs.ip_family) o.kv("ip_family {}", to_string(*vs.ip_family));
  if (vs.sorry_server) {
    o.kv("sorry_server {} {}", vs.sorry_server->address.to_string(), vs.sorry_server->port);
    if (vs.sorry_server_inhibit) o.line("sorry_server_inhibit");
    if (vs.sorry_server_forwarding) o.kv("sorry_server_lvs_method {}", forwarding(*vs.sorry_server_forwarding));
  }
  if (vs.weight) o.kv("weight {}", *vs.weight);
  if (vs.delay_loop != seconds{60}) o.kv("delay_loop {}", secs(vs.delay_loop));
  if (vs.connect_timeout) o.kv("connect_timeout {}", secs(*vs.connect_timeout));
  if (vs.retry) o.kv("retry {}", *vs.retry);
  if (vs.delay_before_retry) o.kv("delay_before_retry {}", secs(*vs.delay_before_retry));
  if (vs.warmup) o.kv("warmup {}", secs(*vs.warmup));
  if (vs.inhibit_on_failure) o.line("inhibit_on_failure");
  for (const auto& rs : vs.real_servers) {
    o.open(fmt::format("real_server {} {}", rs.address.to_string(), rs.port));
    if (rs.weight != vs.weight.value_or(1)) o.kv("weight {}", rs.weight);
    if (rs.forwarding != vs.forwarding) o.kv("lvs_method {}", forwarding(rs.forwarding));
    script_kw(o, "notify_up", rs.notify_up);
    script_kw(o, "notify_down", rs.notify_down);
    if (rs.uthreshold) o.kv("uthreshold {}", rs.uthreshold);
    if (rs.lthreshold) o.kv("lthreshold {}", rs.lthreshold);
    if (rs.smtp_alert) o.kv("smtp_alert {}", boolean(*rs.smtp_alert));
    if (rs.virtualhost) o.kv("virtualhost {}", word(*rs.virtualhost));
    if (rs.snmp_name) o.kv("snmp_name {}", word(*rs.snmp_name));
    if (rs.inhibit_on_failure != vs.inhibit_on_failure) o.kv("inhibit_on_failure {}", boolean(rs.inhibit_on_failure));
    for (const auto& c : rs.checkers) dump_checker(o, c, vs);
    o.close();
  }
  o.close();
}

}  // namespace

std::string dump(const Config& cfg) {
  Out o;
  dump_global(o, cfg.global);
  if (!cfg.linkbeat_interfaces.empty()) {
    o.open("linkbeat_interfaces");
    for (const auto& l : cfg.linkbeat_interfaces)
      o.line(word(l.name) + (l.type == LinkbeatType::Mii ? " MII" : l.type == LinkbeatType::Ethtool ? " ETHTOOL" : l.type == LinkbeatType::Ioctl ? " IOCTL" : ""));
    o.close();
  }
  if (!cfg.interface_up_down_delays.empty()) {
    o.open("interface_up_down_delays");
    for (const auto& d : cfg.interface_up_down_delays) o.kv("{} {} {}", word(d.name), secs(d.down_delay), secs(d.up_delay));
    o.close();
  }
  for (const auto& t : cfg.track_groups) {
    o.open("track_group " + word(t.name));
    o.open("group");
    for (const auto& n : t.group) o.line(word(n));
    o.close();
    o.close();
  }
  if (!cfg.static_ipaddresses.empty()) {
    o.open("static_ipaddress");
    for (const auto& a : cfg.static_ipaddresses) o.line(address_line(a));
    o.close();
  }
  if (!cfg.static_routes.empty()) {
    o.open("static_routes");
    for (const auto& r : cfg.static_routes) o.line(route_line(r));
    o.close();
  }
  if (!cfg.static_rules.empty()) {
    o.open("static_rules");
    for (const auto& r : cfg.static_rules) o.line(rule_line(r));
    o.close();
  }
  for (const auto& b : cfg.bfd_instances) {
    const BfdInstance d;
    o.open("bfd_instance " + word(b.name));
    if (b.neighbor_ip) o.kv("neighbor_ip {}", b.neighbor_ip->to_string());
    if (b.source_ip) o.kv("source_ip {}", b.source_ip->to_string());
    if (b.min_rx != d.min_rx) o.kv("min_rx {}", format_timer(b.min_rx * 1000));
    if (b.min_tx != d.min_tx) o.kv("min_tx {}", format_timer(b.min_tx * 1000));
    if (b.idle_tx != d.idle_tx) o.kv("idle_tx {}", format_timer(b.idle_tx * 1000));
    if (b.multiplier != d.multiplier) o.kv("multiplier {}", b.multiplier);
    if (b.passive) o.line("passive");
    if (b.ttl != d.ttl) o.kv("ttl {}", b.ttl);
    if (b.hoplimit != d.hoplimit) o.kv("hoplimit {}", b.hoplimit);
    if (b.max_hops != d.max_hops) o.kv("max_hops {}", b.max_hops);
    if (b.weight != 0 || b.weight_reverse) o.kv("weight {}{}", b.weight, b.weight_reverse ? " reverse" : "");
    if (b.vrrp) o.line("vrrp");
    if (b.checker) o.line("checker");
    o.close();
  }
  for (const auto& s : cfg.vrrp_scripts) {
    const VrrpScript d;
    o.open("vrrp_script " + word(s.name));
    if (!s.script.argv.empty()) o.kv("script {}", command(s.script.argv));
    if (s.script.run_as) o.kv("user{}", run_as(s.script.run_as));
    if (s.interval != d.interval) o.kv("interval {}", s.interval.count());
    if (s.timeout) o.kv("timeout {}", s.timeout->count());
    if (s.weight != 0 || s.weight_reverse) o.kv("weight {}{}", s.weight, s.weight_reverse ? " reverse" : "");
    if (s.rise != d.rise) o.kv("rise {}", s.rise);
    if (s.fall != d.fall) o.kv("fall {}", s.fall);
    if (s.init_fail) o.line("init_fail");
    o.close();
  }
  for (const auto& t : cfg.track_files) {
    o.open("track_file " + word(t.name));
    o.kv("file {}", word(t.file));
    if (t.weight != 1 || t.weight_reverse) o.kv("weight {}{}", t.weight, t.weight_reverse ? " reverse" : "");
    if (t.init_file) o.line(fmt::format("init_file {}{}", t.init_value, t.init_overwrite ? " overwrite" : ""));
    o.close();
  }
  for (const auto& t : cfg.track_processes) {
    o.open("vrrp_track_process " + word(t.name));
    std::string p = "process";
    for (const auto& a : t.process) p += " " + word(a);
    o.line(p);
    switch (t.param_match) {
      case ParamMatch::None: o.line("param_match"); break;
      case ParamMatch::Initial: o.line("param_match initial"); break;
      case ParamMatch::Partial: o.line("param_match partial"); break;
      case ParamMatch::Exact: break;
    }
    if (t.weight != 1 || t.weight_reverse) o.kv("weight {}{}", t.weight, t.weight_reverse ? " reverse" : "");
    if (t.quorum != 1) o.kv("quorum {}", t.quorum);
    if (t.quorum_max) o.kv("quorum_max {}", *t.quorum_max);
    if (t.fork_delay.count()) o.kv("fork_delay {}", secs(t.fork_delay));
    if (t.terminate_delay.count()) o.kv("terminate_delay {}", secs(t.terminate_delay));
    if (t.full_command) o.line("full_command");
    o.close();
  }
  for (const auto& g : cfg.garp_groups) {
    o.open("garp_group");
    if (g.garp_interval) o.kv("garp_interval {}", secs(*g.garp_interval));
    if (g.gna_interval) o.kv("gna_interval {}", secs(*g.gna_interval));
    if (g.interface) o.kv("interface {}", word(*g.interface));
    if (!g.interfaces.empty()) {
      o.open("interfaces");
      for (const auto& i : g.interfaces) o.line(word(i));
      o.close();
    }
    o.close();
  }
  for (const auto& sg : cfg.sync_groups) {
    o.open("vrrp_sync_group " + word(sg.name));
    o.open("group");
    for (const auto& m : sg.group) o.line(word(m));
    o.close();
    dump_tracking(o, sg.track);
    dump_notify(o, sg.notify);
    if (sg.notify_priority_changes) o.kv("notify_priority_changes {}", boolean(*sg.notify_priority_changes));
    if (sg.smtp_alert) o.kv("smtp_alert {}", boolean(*sg.smtp_alert));
    if (sg.global_tracking) o.line("global_tracking");
    if (sg.sync_group_tracking_weight) o.line("sync_group_tracking_weight");
    o.close();
  }
  for (const auto& v : cfg.vrrp_instances) dump_instance(o, v, cfg.global);
  if (cfg.ssl) {
    o.open("SSL");
    if (cfg.ssl->password) o.kv("password {}", word(*cfg.ssl->password));
    if (cfg.ssl->ca) o.kv("ca {}", word(*cfg.ssl->ca));
    if (cfg.ssl->certificate) o.kv("certificate {}", word(*cfg.ssl->certificate));
    if (cfg.ssl->key) o.kv("key {}", word(*cfg.ssl->key));
    o.close();
  }
  for (const auto& g : cfg.virtual_server_groups) {
    o.open("virtual_server_group " + word(g.name));
    for (const auto& a : g.addresses) {
      std::string l = a.first == a.last ? a.first.to_string() : a.first.to_string() + "-" + a.last.to_string();
      if (a.port) l += fmt::format(" {}", a.port);
      o.line(l);
    }
    for (const auto& f : g.fwmarks) o.line(fmt::format("fwmark {}{}", f.mark, f.family ? " " + std::string(to_string(*f.family)) : ""));
    o.close();
  }
  for (const auto& vs : cfg.virtual_servers) dump_virtual_server(o, vs);
  return o.take();
}

}  // namespace stayalived::config
