// The canonical dump: keepalived.conf text that loads back into an equal Config. Settings
// appear in a fixed order and only when they differ from what the loader would produce
// without them (keepalived's default, or the value inherited from global_defs / the
// virtual_server), so that two configs with the same meaning dump identically.
// This file writes global_defs and the blocks in their order; the VRRP side is in
// dump_vrrp.cpp, the LVS side in dump_lvs.cpp.
#include "stayalived/config/dump.hpp"

#include <fmt/format.h>

#include "dump_util.hpp"

namespace stayalived::config {

namespace detail {
namespace {

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
  if (g.metrics_listen) b.kv("metrics_listen {}", word(*g.metrics_listen));
  if (g.control_socket) b.kv("control_socket {}", word(*g.control_socket));
  if (g.control_group) b.kv("control_group {}", word(*g.control_group));
  if (g.control_admin_group) b.kv("control_admin_group {}", word(*g.control_admin_group));
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

}  // namespace
}  // namespace detail

std::string dump(const Config& cfg) {
  using namespace detail;
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
