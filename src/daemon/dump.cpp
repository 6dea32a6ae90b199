#include "stayalived/daemon/dump.hpp"

#include <fmt/format.h>

#include <chrono>

namespace stayalived::daemon {

namespace {

const char* tf(bool b) { return b ? "true" : "false"; }

// keepalived prints <TIMER> settings as seconds with six decimals.
std::string secs6(std::chrono::microseconds us) {
  return fmt::format("{:.6f}", static_cast<double>(us.count()) / 1e6);
}

std::string tristate(const std::optional<bool>& b) {
  if (!b) return "unset";
  return *b ? "on" : "off";
}

void process_lines(std::string& out, const char* name, const config::ProcessTuning& p) {
  out += fmt::format(" {} process priority = {}\n", name, p.priority.value_or(0));
  out += fmt::format(" {} don't swap = {}\n", name, tf(p.no_swap));
  out += fmt::format(" {} realtime priority = {}\n", name, p.rt_priority.value_or(0));
  out += fmt::format(" {} realtime limit = {}\n", name,
                     p.rlimit_rttime ? p.rlimit_rttime->count() : 10000);
}

void rcvbufs(std::string& out, const char* name, const config::RcvBufs& b) {
  out += fmt::format(" {} = {}\n", name, b.bytes.value_or(0));
  out += fmt::format(" {}_force = {}\n", name, b.force ? 1 : 0);
}

}  // namespace

std::string dump_global_definitions(const config::Config& cfg, const DumpContext& ctx) {
  const config::GlobalDefs& g = cfg.global;
  std::string out = "------< Global definitions >------\n";
  if (g.config_save_dir) out += fmt::format(" Config save dir = {}\n", *g.config_save_dir);
  out += fmt::format(" Network namespace = {}\n", g.net_namespace.value_or("(default)"));
  out += fmt::format(" Network namespace ipvs = {}\n",
                     !g.net_namespace_ipvs         ? std::string("(main namespace)")
                     : g.net_namespace_ipvs->empty() ? std::string("(default)")
                                                     : *g.net_namespace_ipvs);
  out += fmt::format(" Router ID = {}\n", g.router_id.value_or(ctx.router_id_default));
  if (g.smtp_server) {
    out += fmt::format(" Smtp server = {}\n", *g.smtp_server);
    out += fmt::format(" Smtp server port = {}\n", g.smtp_port);
  }
  if (g.smtp_helo_name) out += fmt::format(" Smtp HELO name = {}\n", *g.smtp_helo_name);
  if (g.smtp_server)
    out += fmt::format(" Smtp server connection timeout = {}\n", g.smtp_connect_timeout.count());
  if (g.notification_email_from)
    out += fmt::format(" Email notification from = {}\n", *g.notification_email_from);
  if (!g.notification_email.empty()) {
    out += " Email notification to:\n";
    for (const auto& e : g.notification_email) out += fmt::format("   {}\n", e);
  }
  out += fmt::format(" Default smtp_alert = {}\n", tristate(g.smtp_alert));
  out += fmt::format(" Default smtp_alert_vrrp = {}\n", tristate(g.smtp_alert_vrrp));
  out += fmt::format(" Default smtp_alert_checker = {}\n", tristate(g.smtp_alert_checker));
  out += fmt::format(" Checkers log all failures = {}\n", tf(g.checker_log_all_failures));
  if (!g.reload_check_config)
    out += " No test config before reload\n";
  else if (g.reload_check_config->empty())
    out += " Test config before reload\n";
  else
    out += fmt::format(" Test config before reload, log to {}\n", *g.reload_check_config);
  if (g.reload_file) out += fmt::format(" Reload_file = {}\n", *g.reload_file);
  if (g.data_use_instance) out += " Use instance name in data dumps\n";
  out += fmt::format(" Dynamic interfaces = {}\n", tf(g.dynamic_interfaces));
  if (g.lvs_timeouts.tcp) out += fmt::format(" LVS TCP timeout = {}\n", g.lvs_timeouts.tcp->count());
  if (g.lvs_timeouts.tcp_fin)
    out += fmt::format(" LVS TCP FIN timeout = {}\n", g.lvs_timeouts.tcp_fin->count());
  // keepalived 2.2.7 labels this one "LVS TCP timeout" too; we say what it is.
  if (g.lvs_timeouts.udp) out += fmt::format(" LVS UDP timeout = {}\n", g.lvs_timeouts.udp->count());
  out += fmt::format(" Default interface = {}\n", g.default_interface.value_or("eth0"));
  out += fmt::format(" Disable local IGMP = {}\n", g.disable_local_igmp ? "yes" : "no");
  if (g.lvs_sync_daemon) {
    const auto& s = *g.lvs_sync_daemon;
    if (s.vrrp_instance) out += fmt::format(" LVS syncd vrrp name = {}\n", *s.vrrp_instance);
    out += fmt::format(" LVS syncd interface = {}\n", s.interface);
    if (s.sync_id) out += fmt::format(" LVS syncd syncid = {}\n", *s.sync_id);
    if (s.max_len) out += fmt::format(" LVS syncd maxlen = {}\n", *s.max_len);
    if (s.port) out += fmt::format(" LVS syncd port = {}\n", *s.port);
    if (s.ttl) out += fmt::format(" LVS syncd ttl = {}\n", *s.ttl);
    if (s.group) out += fmt::format(" LVS syncd group = {}\n", s.group->to_string());
  }
  out += fmt::format(" LVS flush = {}\n", tf(g.lvs_flush));
  out += fmt::format(" LVS flush on stop = {}\n",
                     g.lvs_flush_on_stop == config::LvsFlushOnStop::No    ? "disabled"
                     : g.lvs_flush_on_stop == config::LvsFlushOnStop::All ? "all"
                                                                           : "VS");
  const auto fifo_line = [&](const char* label, const std::optional<config::Fifo>& f) {
    if (!f) return;
    const auto [uid, gid] = ctx.resolve_user(f->run_as);
    out += fmt::format(" {} = {}, uid:gid {}:{}\n", label, f->path, uid, gid);
  };
  fifo_line("Global notify fifo", g.notify_fifo);
  fifo_line("VRRP notify fifo", g.vrrp_notify_fifo);
  fifo_line("LVS notify fifo", g.lvs_notify_fifo);
  out += fmt::format(" FIFO write vrrp states on reload = {}\n", tf(g.fifo_write_vrrp_states_on_reload));
  out += fmt::format(" VRRP notify priority changes = {}\n", tf(g.vrrp_notify_priority_changes));
  out += fmt::format(" VRRP IPv4 mcast group = {}\n", g.vrrp_mcast_group4.to_string());
  out += fmt::format(" VRRP IPv6 mcast group = {}\n", g.vrrp_mcast_group6.to_string());
  out += fmt::format(" Gratuitous ARP delay = {}\n", g.vrrp_garp_master_delay.count());
  out += fmt::format(" Gratuitous ARP repeat = {}\n", g.vrrp_garp_master_repeat);
  out += fmt::format(" Gratuitous ARP refresh timer = {}\n", g.vrrp_garp_master_refresh.count());
  out += fmt::format(" Gratuitous ARP refresh repeat = {}\n", g.vrrp_garp_master_refresh_repeat);
  out += fmt::format(" Gratuitous ARP lower priority delay = {}\n",
                     g.vrrp_garp_lower_prio_delay.value_or(g.vrrp_garp_master_delay).count());
  out += fmt::format(" Gratuitous ARP lower priority repeat = {}\n",
                     g.vrrp_garp_lower_prio_repeat.value_or(g.vrrp_garp_master_repeat));
  out += fmt::format(" Num adverts before down = {}\n", g.vrrp_down_timer_adverts);
  out += fmt::format(" Gratuitous ARP for each secondary VMAC = {}s\n",
                     g.vrrp_garp_extra_if ? g.vrrp_garp_extra_if->interval.count() : 0);
  out += fmt::format(" Send advert after receive lower priority advert = {}\n",
                     tf(!g.vrrp_lower_prio_no_advert.value_or(g.vrrp_strict)));
  out += fmt::format(" Send advert after receive higher priority advert = {}\n",
                     tf(g.vrrp_higher_prio_send_advert.value_or(false)));
  out += fmt::format(" Gratuitous ARP interval = {}\n", secs6(g.vrrp_garp_interval));
  out += fmt::format(" Gratuitous NA interval = {}\n", secs6(g.vrrp_gna_interval));
  out += fmt::format(" VRRP default protocol version = {}\n", g.vrrp_version);
  out += fmt::format(" VRRP check unicast_src = {}\n", tf(g.vrrp_check_unicast_src));
  out += fmt::format(" VRRP skip check advert addresses = {}\n", tf(g.vrrp_skip_check_adv_addr));
  out += fmt::format(" VRRP strict mode = {}\n", tf(g.vrrp_strict));
  out += fmt::format(" Max auto priority = {}\n", g.max_auto_priority.value_or(0));
  out += fmt::format(" Min auto priority delay = {} usecs\n",
                     g.min_auto_priority_delay.value_or(std::chrono::seconds(1)).count());
  process_lines(out, "VRRP", g.vrrp);
  process_lines(out, "Checker", g.checker);
  process_lines(out, "BFD", g.bfd);
  out += fmt::format(" SNMP vrrp {}\n", g.enable_snmp_vrrp ? "enabled" : "disabled");
  out += fmt::format(" SNMP checker {}\n", g.enable_snmp_checker ? "enabled" : "disabled");
  out += fmt::format(" SNMP RFCv2 {}\n", g.enable_snmp_rfcv2 ? "enabled" : "disabled");
  out += fmt::format(" SNMP RFCv3 {}\n", g.enable_snmp_rfcv3 ? "enabled" : "disabled");
  out += fmt::format(" SNMP traps {}\n", g.enable_traps ? "enabled" : "disabled");
  out += fmt::format(" SNMP socket = {}\n", g.snmp_socket.value_or("default (unix:/var/agentx/master)"));
  out += fmt::format(" DBus {}\n", g.enable_dbus ? "enabled" : "disabled");
  out += fmt::format(" DBus service name = {}\n", g.dbus_service_name.value_or(""));
  out += fmt::format(" Script security {}\n", g.enable_script_security ? "enabled" : "disabled");
  const auto [uid, gid] = ctx.resolve_user(g.script_user);
  out += fmt::format(" Default script uid:gid {}:{}\n", uid, gid);
  rcvbufs(out, "vrrp_netlink_cmd_rcv_bufs", g.vrrp_netlink_cmd_rcv_bufs);
  rcvbufs(out, "vrrp_netlink_monitor_rcv_bufs", g.vrrp_netlink_monitor_rcv_bufs);
  rcvbufs(out, "process_monitor_rcv_bufs", g.process_monitor_rcv_bufs);
  rcvbufs(out, "lvs_netlink_cmd_rcv_bufs", g.lvs_netlink_cmd_rcv_bufs);
  rcvbufs(out, "lvs_netlink_monitor_rcv_bufs", g.lvs_netlink_monitor_rcv_bufs);
  out += fmt::format(" rs_init_notifies = {}\n", g.rs_init_notifies ? 1 : 0);
  out += fmt::format(" no_checker_emails = {}\n", g.no_checker_emails ? 1 : 0);
  out += fmt::format(" rx_bufs_multiples = {}\n", g.vrrp_rx_bufs_multiplier);
  out += fmt::format(" umask = {:04o}\n", g.umask.value_or(ctx.umask));
  return out;
}

}  // namespace stayalived::daemon
