// global_defs keywords, after keepalived.conf(5) "GLOBAL CONFIGURATION" and keepalived
// 2.2.7's reactions (which keyword needs a parameter, which values it rejects). The
// top-level keywords and the static blocks are in keywords_static.cpp.
#include <fmt/format.h>

#include "handler_util.hpp"

namespace stayalived::config::detail {

namespace {

using G = GlobalDefs;

// --- global_defs ---------------------------------------------------------------------------

ProcessTuning& tuning(Builder& b, const Stmt& s) {
  const auto& k = s.head.text;
  if (k.starts_with("checker") || k.starts_with("lvs")) return b.cfg.global.checker;
  if (k.starts_with("bfd")) return b.cfg.global.bfd;
  return b.cfg.global.vrrp;
}
void h_process_name(Builder& b, const Stmt& s) { tuning(b, s).process_name = s.args[0].text; }
void h_proc_priority(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a nice value -20..19; ignored", s.head.text));
  if (auto v = b.integer(s, 0, -20, 19)) tuning(b, s).priority = static_cast<int>(*v);
}
void h_proc_no_swap(Builder& b, const Stmt& s) { tuning(b, s).no_swap = true; }
void h_cpu_affinity(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs CPU numbers; ignored", s.head.text));
  std::vector<unsigned> cpus;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    auto v = b.integer(s, i, 0, 4095);
    if (!v) return;
    cpus.push_back(static_cast<unsigned>(*v));
  }
  tuning(b, s).cpu_affinity = std::move(cpus);
}
void h_rt_priority(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a real-time priority 1..99; ignored", s.head.text));
  std::int64_t v = 0;
  switch (parse_int(s.args[0].text, INT32_MIN, INT32_MAX, v)) {
    case NumError::Ok: break;
    default:
      return b.warn(s, 0, fmt::format("'{}' value '{}' is not a whole number (1..99); ignored", s.head.text, s.args[0].text));
  }
  if (v < 1) {
    b.warn(s, 0, fmt::format("'{}' {} is below the minimum 1; 1 is used", s.head.text, v));
    v = 1;
  } else if (v > 99) {
    b.warn(s, 0, fmt::format("'{}' {} is above the maximum 99; 99 is used", s.head.text, v));
    v = 99;
  }
  tuning(b, s).rt_priority = static_cast<int>(v);
}
void h_rlimit_rttime(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 1, kU32)) tuning(b, s).rlimit_rttime = microseconds{*v};
}
void h_max_auto_priority(Builder& b, const Stmt& s) {
  if (s.args.empty()) {
    b.cfg.global.max_auto_priority = 99;
    return;
  }
  if (auto v = b.integer(s, 0, -1, 99)) b.cfg.global.max_auto_priority = static_cast<int>(*v);
}
void h_min_auto_priority_delay(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, "'min_auto_priority_delay' needs a delay in microseconds; ignored");
  if (auto v = b.integer(s, 0, 1, 10000000)) b.cfg.global.min_auto_priority_delay = microseconds{*v};
}

template <std::optional<std::string> G::*M>
void opt_string_warn(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a value; ignored", s.head.text));
  b.cfg.global.*M = s.args[0].text;
}
template <std::optional<std::string> G::*M>
void opt_string_required(Builder& b, const Stmt& s) {
  b.cfg.global.*M = s.args[0].text;
}
// The same, for a keyword whose repeat keepalived ignores ("already specified - ignoring").
template <std::optional<std::string> G::*M>
void opt_string_first(Builder& b, const Stmt& s) {
  if (b.repeated(s, (b.cfg.global.*M).has_value())) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a value; ignored", s.head.text));
  b.cfg.global.*M = s.args[0].text;
}
template <std::optional<std::string> G::*M>
void opt_string_or_empty(Builder& b, const Stmt& s) {
  b.cfg.global.*M = s.args.empty() ? std::string() : s.args[0].text;
}

// The FIFOs, their scripts and the startup/shutdown scripts: the first one given is kept.
template <std::optional<Script> G::*M>
void g_script(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a script; ignored", s.head.text));
  if (b.repeated(s, (b.cfg.global.*M).has_value())) return;
  if (auto sc = b.script(s, 0)) b.cfg.global.*M = std::move(*sc);
}
template <std::optional<Fifo> G::*M>
void g_fifo(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a FIFO path; ignored", s.head.text));
  if (b.repeated(s, (b.cfg.global.*M).has_value())) return;
  Fifo f;
  f.path = s.args[0].text;
  f.loc = s.loc;
  if (s.args.size() > 1) f.run_as = RunAs{s.args[1].text, s.args.size() > 2 ? std::optional(s.args[2].text) : std::nullopt, s.arg_loc(1)};
  b.cfg.global.*M = std::move(f);
}
template <seconds G::*M>
void script_timeout(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a value 1..1000; ignored", s.head.text));
  if (auto v = b.integer(s, 0, 1, 1000)) b.cfg.global.*M = seconds{*v};
}
template <RcvBufs G::*M>
void rcv_bufs(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("'{}' needs a size in bytes; ignored", s.head.text));
  if (auto v = b.integer(s, 0, 0, kU32)) (b.cfg.global.*M).bytes = static_cast<std::uint32_t>(*v);
}
template <RcvBufs G::*M>
void rcv_bufs_force(Builder& b, const Stmt& s) {
  if (auto v = b.boolean(s, 0)) (b.cfg.global.*M).force = *v;
}

void h_dynamic_interfaces(Builder& b, const Stmt& s) {
  b.cfg.global.dynamic_interfaces = true;
  if (s.args.empty()) return;
  if (s.args[0].text == "allow_if_changes") b.cfg.global.allow_if_changes = true;
  else b.warn(s, 0, fmt::format("unknown dynamic_interfaces option '{}' (only allow_if_changes); ignored", s.args[0].text));
}
void h_include_check(Builder& b, const Stmt& s) {
  IncludeCheck c = b.hooks.include_check ? b.hooks.include_check() : IncludeCheck{};
  if (s.args.empty()) {
    c = IncludeCheck{true, true, true, true};
  } else {
    for (std::size_t i = 0; i < s.args.size(); ++i) {
      std::string_view w = s.args[i].text;
      bool set = true;
      if (!w.empty() && (w[0] == '+' || w[0] == '-')) {
        set = w[0] == '+';
        w.remove_prefix(1);
      }
      // match, wildcard_match and brace_match include the readable check.
      if (w == "readable") c.readable = set;
      else if (w == "match") c.match = set, c.readable = c.readable || set;
      else if (w == "wildcard_match") c.wildcard_match = set, c.readable = c.readable || set;
      else if (w == "brace_match") c.brace_match = set, c.readable = c.readable || set;
      else b.warn(s, i, fmt::format("unknown include_check type '{}' (readable, match, wildcard_match, brace_match); ignored", s.args[i].text));
    }
  }
  b.cfg.global.include_check = c;
  if (b.hooks.set_include_check) b.hooks.set_include_check(c);
}
void h_lvs_flush_on_stop(Builder& b, const Stmt& s) {
  if (s.args.empty()) {
    b.cfg.global.lvs_flush_on_stop = LvsFlushOnStop::All;
  } else if (s.args[0].text == "VS") {
    b.cfg.global.lvs_flush_on_stop = LvsFlushOnStop::VirtualServers;
  } else {
    b.warn(s, 0, fmt::format("unknown lvs_flush_on_stop type '{}' (only VS, or nothing); ignored", s.args[0].text));
  }
}
void h_lvs_sync_daemon(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, "'lvs_sync_daemon' needs an interface; ignored");
  // keepalived reads an instance's lvs_sync_daemon_interface after global_defs: the global
  // one replaces it; a second global one is a repeat.
  if (b.repeated(s, b.cfg.global.lvs_sync_daemon.has_value() && !b.lvs_sync_from_instance)) return;
  b.lvs_sync_from_instance = false;
  LvsSyncDaemon d;
  d.interface = s.args[0].text;
  d.loc = s.loc;
  for (std::size_t i = 1; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    const bool has_value = i + 1 < s.args.size();
    if (w == "inst" && has_value) {
      d.vrrp_instance = s.args[++i].text;
    } else if (w == "id" && has_value) {
      if (auto v = b.integer(s, ++i, 0, 255)) d.sync_id = static_cast<std::uint8_t>(*v);
    } else if (w == "maxlen" && has_value) {
      if (auto v = b.integer(s, ++i, 1, 65507)) d.max_len = static_cast<std::uint16_t>(*v);
    } else if (w == "port" && has_value) {
      if (auto v = b.integer(s, ++i, 1, 65535)) d.port = static_cast<Port>(*v);
    } else if (w == "ttl" && has_value) {
      if (auto v = b.integer(s, ++i, 1, 255)) d.ttl = static_cast<std::uint8_t>(*v);
    } else if (w == "group" && has_value) {
      if (auto a = b.address(s, ++i, "a multicast group")) d.group = a;
    } else if (i == 1 && !d.vrrp_instance) {
      d.vrrp_instance = w;  // `inst` may be omitted (keepalived.conf(5))
    } else {
      b.warn(s, i, fmt::format("unknown lvs_sync_daemon option '{}'; ignored", w));
    }
  }
  b.cfg.global.lvs_sync_daemon = std::move(d);
}
void h_lvs_timeouts(Builder& b, const Stmt& s) {
  LvsTimeouts t = b.cfg.global.lvs_timeouts;
  bool any = false;
  for (std::size_t i = 0; i + 1 < s.args.size(); i += 2) {
    const auto& w = s.args[i].text;
    auto v = b.integer(s, i + 1, 0, 86400 * 31);
    if (!v) continue;
    if (w == "tcp") t.tcp = seconds{*v}, any = true;
    else if (w == "tcpfin") t.tcp_fin = seconds{*v}, any = true;
    else if (w == "udp") t.udp = seconds{*v}, any = true;
    else b.warn(s, i, fmt::format("unknown lvs_timeouts option '{}' (tcp, tcpfin, udp); ignored", w));
  }
  if (!any) return b.warn(s, 0, "'lvs_timeouts' needs at least one of tcp SECS, tcpfin SECS, udp SECS; ignored");
  b.cfg.global.lvs_timeouts = t;
}
void h_notification_email(Builder& b, const Stmt& s) { b.extra_args(s, 0); }
void h_email_item(Builder& b, const Stmt& s) {
  b.cfg.global.notification_email.push_back(s.head.text);
  for (const auto& a : s.args) b.cfg.global.notification_email.push_back(a.text);
}
void h_random_seed(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 0, kU32)) {
    b.cfg.global.random_seed = static_cast<std::uint32_t>(*v);
    if (b.hooks.seed_random) b.hooks.seed_random(static_cast<std::uint32_t>(*v));
  }
}
void h_script_user(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, "'script_user' needs a user name; ignored");
  b.cfg.global.script_user = RunAs{s.args[0].text, s.args.size() > 1 ? std::optional(s.args[1].text) : std::nullopt, s.arg_loc(0)};
}
template <std::optional<bool> G::*M>
void g_boolopt(Builder& b, const Stmt& s) {
  if (auto v = b.boolean(s, 0)) b.cfg.global.*M = *v;
}
template <bool G::*M>
void g_bool(Builder& b, const Stmt& s) {
  if (auto v = b.boolean(s, 0)) b.cfg.global.*M = *v;
}
void h_smtp_connect_timeout(Builder& b, const Stmt& s) {
  auto v = b.integer(s, 0, 0, kU32);
  if (!v) return;
  if (*v == 0) {
    b.warn(s, 0, "'smtp_connect_timeout' must be greater than 0; 1 is used");
    v = 1;
  }
  b.cfg.global.smtp_connect_timeout = seconds{*v};
}
void h_smtp_helo_name(Builder& b, const Stmt& s) {
  if (!s.args.empty()) b.cfg.global.smtp_helo_name = s.args[0].text;
}
void h_smtp_server(Builder& b, const Stmt& s) {
  // smtp_server HOST [PORT]: an address, or a name keepalived resolves at start-up.
  Port port = 25;
  if (s.args.size() > 1) {
    auto p = b.port(s, 1);
    if (!p) return;
    port = *p;
  }
  const auto& host = s.args[0].text;
  if (!IpAddress::parse(host) && b.opts.host_resolves && !b.opts.host_resolves(host))
    return b.warn(s, 0, fmt::format("smtp_server '{}' is neither an IP address nor a host name that resolves; ignored", host));
  b.cfg.global.smtp_server = host;
  b.cfg.global.smtp_port = port;
}
void h_vrrp_garp_extra_if(Builder& b, const Stmt& s) {
  if (s.head.text == "vrrp_vmac_garp_intvl") b.warn(s, 0, "'vrrp_vmac_garp_intvl' is deprecated; use 'vrrp_garp_extra_if'");
  GarpExtraIf g;
  std::size_t i = 0;
  if (i < s.args.size() && s.args[i].text == "all") {
    g.all = true;
    ++i;
  }
  if (i >= s.args.size()) return b.warn(s, i, fmt::format("'{}' needs a time in seconds; ignored", s.head.text));
  auto v = b.integer(s, i, 1, 86400);
  if (!v) return;
  g.interval = seconds{*v};
  b.cfg.global.vrrp_garp_extra_if = g;
}
void h_garp_interval(Builder& b, const Stmt& s) {
  // 0 is rejected (keepalived: number outside range [0.000001, 4294.967295]).
  auto v = b.timer(s, 0, microseconds{1}, microseconds{kU32});
  if (!v) return;
  (s.head.text == "vrrp_garp_interval" ? b.cfg.global.vrrp_garp_interval : b.cfg.global.vrrp_gna_interval) = *v;
}
template <seconds G::*M>
void g_seconds(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 0, kU32)) b.cfg.global.*M = seconds{*v};
}
void h_garp_lower_prio_delay(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 0, kU32)) b.cfg.global.vrrp_garp_lower_prio_delay = seconds{*v};
}
void h_garp_lower_prio_repeat(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 0, kU32)) b.cfg.global.vrrp_garp_lower_prio_repeat = static_cast<std::uint32_t>(*v);
}
template <std::uint32_t G::*M>
void repeat_at_least_1(Builder& b, const Stmt& s) {
  auto v = b.integer(s, 0, 0, kU32);
  if (!v) return;
  if (*v == 0) {
    b.warn(s, 0, fmt::format("'{}' must be greater than 0; 1 is used", s.head.text));
    v = 1;
  }
  b.cfg.global.*M = static_cast<std::uint32_t>(*v);
}
void h_vrrp_iptables(Builder& b, const Stmt& s) {
  // Debian's keepalived 2.2.7 is built without iptables: it switches to nftables.
  b.warn(s, 0, "iptables is not supported: nftables is used instead (replace 'vrrp_iptables' with 'nftables')");
  if (!b.cfg.global.nftables) b.cfg.global.nftables = std::string("keepalived");
}
void h_mcast_group(Builder& b, const Stmt& s) {
  const bool v6 = s.head.text == "vrrp_mcast_group6";
  auto a = IpAddress::parse(s.args[0].text);
  if (!a || a->is_v6() != v6 || !a->is_multicast())
    return b.warn(s, 0, fmt::format("'{}' value '{}' is not an IPv{} multicast address; ignored", s.head.text, s.args[0].text,
                                    v6 ? 6 : 4));
  (v6 ? b.cfg.global.vrrp_mcast_group6 : b.cfg.global.vrrp_mcast_group4) = *a;
}
void h_rx_bufs_multiplier(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, "'vrrp_rx_bufs_multiplier' needs a number; ignored");
  if (auto v = b.integer(s, 0, 1, kU32)) b.cfg.global.vrrp_rx_bufs_multiplier = static_cast<std::uint32_t>(*v);
}
void h_rx_bufs_policy(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, "'vrrp_rx_bufs_policy' needs MTU, ADVERT or a size; ignored");
  const auto& w = s.args[0].text;
  if (w == "MTU") b.cfg.global.vrrp_rx_bufs_policy = RxBufsPolicy{RxBufsPolicy::Kind::Mtu, 0};
  else if (w == "ADVERT") b.cfg.global.vrrp_rx_bufs_policy = RxBufsPolicy{RxBufsPolicy::Kind::Advert, 0};
  else if (auto v = b.integer(s, 0, 0, kU32))
    b.cfg.global.vrrp_rx_bufs_policy = RxBufsPolicy{RxBufsPolicy::Kind::Size, static_cast<std::uint32_t>(*v)};
}
void h_vrrp_startup_delay(Builder& b, const Stmt& s) {
  if (auto v = b.timer(s, 0, microseconds{1000}, microseconds{kU32})) b.cfg.global.vrrp_startup_delay = *v;
}
void h_vrrp_version(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 2, 3)) b.cfg.global.vrrp_version = static_cast<std::uint8_t>(*v);
}
void h_down_timer_adverts(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 1, 100)) b.cfg.global.vrrp_down_timer_adverts = static_cast<std::uint32_t>(*v);
}
void h_nftables(Builder& b, const Stmt& s) {
  if (b.repeated(s, b.cfg.global.nftables.has_value())) return;
  b.cfg.global.nftables = s.args.empty() ? std::string("keepalived") : s.args[0].text;
}
void h_nftables_ipvs(Builder& b, const Stmt& s) {
  if (b.repeated(s, b.cfg.global.nftables_ipvs.has_value())) return;
  b.cfg.global.nftables_ipvs = s.args.empty() ? std::string("keepalived_ipvs") : s.args[0].text;
}
void h_nftables_priority(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, INT32_MIN, INT32_MAX))
    (s.head.text == "nftables_priority" ? b.cfg.global.nftables_priority : b.cfg.global.nftables_ipvs_priority) =
        static_cast<int>(*v);
}
void h_nftables_start_fwmark(Builder& b, const Stmt& s) {
  if (auto v = b.integer(s, 0, 1, kU32)) b.cfg.global.nftables_ipvs_start_fwmark = static_cast<std::uint32_t>(*v);
}
void h_snmp_socket(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, "'snmp_socket' needs a socket name; ignored");
  if (b.repeated(s, b.cfg.global.snmp_socket.has_value())) return;
  b.cfg.global.snmp_socket = s.args[0].text;
}
void h_enable_snmp_rfc(Builder& b, const Stmt&) { b.cfg.global.enable_snmp_rfcv2 = b.cfg.global.enable_snmp_rfcv3 = true; }
void h_umask(Builder& b, const Stmt& s) {
  // umask NUMBER (hex, octal or decimal) or BITS: IRUSR|IWGRP|...
  if (s.args.empty()) return b.warn(s, 0, "'umask' needs a value; ignored");
  std::string_view w = s.args[0].text;
  std::uint32_t mask = 0;
  if (!w.empty() && w[0] >= '0' && w[0] <= '9') {
    const char* p = w.data();
    char* end = nullptr;
    const std::string tmp(w);
    const unsigned long v = std::strtoul(tmp.c_str(), &end, 0);
    (void)p;
    if (*end != '\0' || v > 0777) return b.warn(s, 0, fmt::format("invalid umask '{}'; ignored", w));
    mask = static_cast<std::uint32_t>(v);
  } else {
    static constexpr std::pair<std::string_view, std::uint32_t> kBits[] = {
        {"IRUSR", 0400}, {"IWUSR", 0200}, {"IXUSR", 0100}, {"IRGRP", 040}, {"IWGRP", 020},
        {"IXGRP", 010},  {"IROTH", 04},   {"IWOTH", 02},   {"IXOTH", 01}};
    std::string all;
    for (const auto& a : s.args) all += a.text;
    std::size_t start = 0;
    while (start <= all.size()) {
      const auto bar = std::min(all.find('|', start), all.size());
      const auto name = std::string_view(all).substr(start, bar - start);
      bool found = false;
      for (const auto& [n, v] : kBits)
        if (n == name) mask |= v, found = true;
      if (!found) return b.warn(s, 0, fmt::format("invalid umask bit '{}'; ignored", name));
      start = bar + 1;
    }
  }
  b.cfg.global.umask = mask;
}

// metrics_listen [ADDR:]PORT (a stayalived extension): PORT alone is on 127.0.0.1, an IPv6
// address in brackets. The daemon reads the text again when it opens the endpoint.
void h_metrics_listen(Builder& b, const Stmt& s) {
  const std::string& t = s.args[0].text;
  std::string addr = "127.0.0.1", port = t;
  const bool bracket = t.starts_with('[');
  if (bracket) {
    const auto c = t.find("]:");
    if (c == std::string::npos) addr.clear();
    else addr = t.substr(1, c - 1), port = t.substr(c + 2);
  } else if (const auto c = t.find(':'); c != std::string::npos) {
    addr = t.substr(0, c), port = t.substr(c + 1);
  }
  const auto ip = IpAddress::parse(addr);
  std::int64_t p = 0;
  if (!ip || addr.find('/') != std::string::npos || ip->is_v6() != bracket || parse_int(port, 1, 65535, p) != NumError::Ok)
    return b.warn(s, 0, fmt::format("'metrics_listen' needs [ADDR:]PORT (PORT, 192.0.2.1:PORT or [::1]:PORT), not '{}'; ignored", t));
  b.cfg.global.metrics_listen = t;
}

// control_socket PATH (a stayalived extension): an absolute path, as the pid files'.
void h_control_socket(Builder& b, const Stmt& s) {
  const std::string& t = s.args[0].text;
  if (!t.starts_with('/') || t.ends_with('/'))
    return b.warn(s, 0, fmt::format("'control_socket' needs an absolute file path, not '{}'; ignored", t));
  b.cfg.global.control_socket = t;
}

const KeywordDef kGlobal[] = {
    {"tmp_config_directory", KwKind::Leaf, Ctx::Top, opt_string_first<&G::tmp_config_directory>, 0},
    {"config_save_dir", KwKind::Leaf, Ctx::Top, opt_string_required<&G::config_save_dir>, 1},
    {"metrics_listen", KwKind::Leaf, Ctx::Top, h_metrics_listen, 1},
    {"control_socket", KwKind::Leaf, Ctx::Top, h_control_socket, 1},
    {"control_group", KwKind::Leaf, Ctx::Top, opt_string_required<&G::control_group>, 1},
    {"control_admin_group", KwKind::Leaf, Ctx::Top, opt_string_required<&G::control_admin_group>, 1},
    {"process_names", KwKind::Leaf, Ctx::Top, flag<&G::process_names>, 0},
    {"process_name", KwKind::Leaf, Ctx::Top, opt_string_required<&G::process_name>, 1},
    {"vrrp_process_name", KwKind::Leaf, Ctx::Top, h_process_name, 1},
    {"checker_process_name", KwKind::Leaf, Ctx::Top, h_process_name, 1},
    {"lvs_process_name", KwKind::Leaf, Ctx::Top, h_process_name, 1},
    {"bfd_process_name", KwKind::Leaf, Ctx::Top, h_process_name, 1},
    {"startup_script", KwKind::Leaf, Ctx::Top, g_script<&G::startup_script>, 0},
    {"startup_script_timeout", KwKind::Leaf, Ctx::Top, script_timeout<&G::startup_script_timeout>, 0},
    {"shutdown_script", KwKind::Leaf, Ctx::Top, g_script<&G::shutdown_script>, 0},
    {"shutdown_script_timeout", KwKind::Leaf, Ctx::Top, script_timeout<&G::shutdown_script_timeout>, 0},
    {"notification_email", KwKind::Block, Ctx::NotificationEmail, h_notification_email, 0},
    {"notification_email_from", KwKind::Leaf, Ctx::Top, opt_string_warn<&G::notification_email_from>, 0},
    {"smtp_server", KwKind::Leaf, Ctx::Top, h_smtp_server, 1},
    {"smtp_helo_name", KwKind::Leaf, Ctx::Top, h_smtp_helo_name, 0},
    {"smtp_connect_timeout", KwKind::Leaf, Ctx::Top, h_smtp_connect_timeout, 1},
    {"smtp_alert", KwKind::Leaf, Ctx::Top, g_boolopt<&G::smtp_alert>, 0},
    {"smtp_alert_vrrp", KwKind::Leaf, Ctx::Top, g_boolopt<&G::smtp_alert_vrrp>, 0},
    {"smtp_alert_checker", KwKind::Leaf, Ctx::Top, g_boolopt<&G::smtp_alert_checker>, 0},
    {"checker_log_all_failures", KwKind::Leaf, Ctx::Top, g_bool<&G::checker_log_all_failures>, 0},
    {"no_email_faults", KwKind::Leaf, Ctx::Top, flag<&G::no_email_faults>, 0},
    {"router_id", KwKind::Leaf, Ctx::Top, opt_string_warn<&G::router_id>, 0},
    {"vrrp_mcast_group4", KwKind::Leaf, Ctx::Top, h_mcast_group, 1},
    {"vrrp_mcast_group6", KwKind::Leaf, Ctx::Top, h_mcast_group, 1},
    {"default_interface", KwKind::Leaf, Ctx::Top, opt_string_warn<&G::default_interface>, 0},
    {"lvs_sync_daemon", KwKind::Leaf, Ctx::Top, h_lvs_sync_daemon, 0},
    {"lvs_timeouts", KwKind::Leaf, Ctx::Top, h_lvs_timeouts, 0},
    {"lvs_flush", KwKind::Leaf, Ctx::Top, flag<&G::lvs_flush>, 0},
    {"lvs_flush_on_stop", KwKind::Leaf, Ctx::Top, h_lvs_flush_on_stop, 0},
    {"lvs_flush_onstop", KwKind::Leaf, Ctx::Top, h_lvs_flush_on_stop, 0},
    {"vrrp_garp_master_delay", KwKind::Leaf, Ctx::Top, g_seconds<&G::vrrp_garp_master_delay>, 1},
    {"vrrp_garp_master_repeat", KwKind::Leaf, Ctx::Top, repeat_at_least_1<&G::vrrp_garp_master_repeat>, 1},
    {"vrrp_garp_lower_prio_delay", KwKind::Leaf, Ctx::Top, h_garp_lower_prio_delay, 1},
    {"vrrp_garp_lower_prio_repeat", KwKind::Leaf, Ctx::Top, h_garp_lower_prio_repeat, 1},
    {"vrrp_garp_master_refresh", KwKind::Leaf, Ctx::Top, g_seconds<&G::vrrp_garp_master_refresh>, 1},
    {"vrrp_garp_master_refresh_repeat", KwKind::Leaf, Ctx::Top, repeat_at_least_1<&G::vrrp_garp_master_refresh_repeat>, 1},
    {"vrrp_garp_interval", KwKind::Leaf, Ctx::Top, h_garp_interval, 1},
    {"vrrp_gna_interval", KwKind::Leaf, Ctx::Top, h_garp_interval, 1},
    {"vrrp_min_garp", KwKind::Leaf, Ctx::Top, g_bool<&G::vrrp_min_garp>, 0},
    {"vrrp_garp_extra_if", KwKind::Leaf, Ctx::Top, h_vrrp_garp_extra_if, 0},
    {"vrrp_vmac_garp_intvl", KwKind::Leaf, Ctx::Top, h_vrrp_garp_extra_if, 0},
    {"vrrp_down_timer_adverts", KwKind::Leaf, Ctx::Top, h_down_timer_adverts, 1},
    {"vrrp_lower_prio_no_advert", KwKind::Leaf, Ctx::Top, g_boolopt<&G::vrrp_lower_prio_no_advert>, 0},
    {"vrrp_higher_prio_send_advert", KwKind::Leaf, Ctx::Top, g_boolopt<&G::vrrp_higher_prio_send_advert>, 0},
    {"vrrp_version", KwKind::Leaf, Ctx::Top, h_vrrp_version, 1},
    {"vrrp_iptables", KwKind::Leaf, Ctx::Top, h_vrrp_iptables, 0},
    {"nftables", KwKind::Leaf, Ctx::Top, h_nftables, 0},
    {"nftables_priority", KwKind::Leaf, Ctx::Top, h_nftables_priority, 1},
    {"nftables_counters", KwKind::Leaf, Ctx::Top, flag<&G::nftables_counters>, 0},
    {"nftables_ifindex", KwKind::Leaf, Ctx::Top, flag<&G::nftables_ifindex>, 0},
    {"nftables_ipvs", KwKind::Leaf, Ctx::Top, h_nftables_ipvs, 0},
    {"nftables_ipvs_priority", KwKind::Leaf, Ctx::Top, h_nftables_priority, 1},
    {"nftables_ipvs_start_fwmark", KwKind::Leaf, Ctx::Top, h_nftables_start_fwmark, 1},
    {"disable_local_igmp", KwKind::Leaf, Ctx::Top, flag<&G::disable_local_igmp>, 0},
    {"vrrp_check_unicast_src", KwKind::Leaf, Ctx::Top, flag<&G::vrrp_check_unicast_src>, 0},
    {"vrrp_skip_check_adv_addr", KwKind::Leaf, Ctx::Top, flag<&G::vrrp_skip_check_adv_addr>, 0},
    {"vrrp_strict", KwKind::Leaf, Ctx::Top, flag<&G::vrrp_strict>, 0},
    {"vrrp_notify_priority_changes", KwKind::Leaf, Ctx::Top, g_bool<&G::vrrp_notify_priority_changes>, 0},
    {"max_auto_priority", KwKind::Leaf, Ctx::Top, h_max_auto_priority, 0},
    {"min_auto_priority_delay", KwKind::Leaf, Ctx::Top, h_min_auto_priority_delay, 0},
    {"vrrp_priority", KwKind::Leaf, Ctx::Top, h_proc_priority, 0},
    {"checker_priority", KwKind::Leaf, Ctx::Top, h_proc_priority, 0},
    {"bfd_priority", KwKind::Leaf, Ctx::Top, h_proc_priority, 0},
    {"vrrp_no_swap", KwKind::Leaf, Ctx::Top, h_proc_no_swap, 0},
    {"checker_no_swap", KwKind::Leaf, Ctx::Top, h_proc_no_swap, 0},
    {"bfd_no_swap", KwKind::Leaf, Ctx::Top, h_proc_no_swap, 0},
    {"vrrp_cpu_affinity", KwKind::Leaf, Ctx::Top, h_cpu_affinity, 0},
    {"checker_cpu_affinity", KwKind::Leaf, Ctx::Top, h_cpu_affinity, 0},
    {"bfd_cpu_affinity", KwKind::Leaf, Ctx::Top, h_cpu_affinity, 0},
    {"vrrp_rt_priority", KwKind::Leaf, Ctx::Top, h_rt_priority, 0},
    {"checker_rt_priority", KwKind::Leaf, Ctx::Top, h_rt_priority, 0},
    {"bfd_rt_priority", KwKind::Leaf, Ctx::Top, h_rt_priority, 0},
    {"vrrp_rlimit_rttime", KwKind::Leaf, Ctx::Top, h_rlimit_rttime, 1},
    {"vrrp_rlimit_rtime", KwKind::Leaf, Ctx::Top, h_rlimit_rttime, 1},
    {"checker_rlimit_rttime", KwKind::Leaf, Ctx::Top, h_rlimit_rttime, 1},
    {"checker_rlimit_rtime", KwKind::Leaf, Ctx::Top, h_rlimit_rttime, 1},
    {"bfd_rlimit_rttime", KwKind::Leaf, Ctx::Top, h_rlimit_rttime, 1},
    {"bfd_rlimit_rtime", KwKind::Leaf, Ctx::Top, h_rlimit_rttime, 1},
    {"snmp_socket", KwKind::Leaf, Ctx::Top, h_snmp_socket, 0},
    {"enable_snmp_vrrp", KwKind::Leaf, Ctx::Top, flag<&G::enable_snmp_vrrp>, 0},
    {"enable_snmp_keepalived", KwKind::Leaf, Ctx::Top, flag<&G::enable_snmp_vrrp>, 0},
    {"enable_snmp_checker", KwKind::Leaf, Ctx::Top, flag<&G::enable_snmp_checker>, 0},
    {"enable_snmp_rfc", KwKind::Leaf, Ctx::Top, h_enable_snmp_rfc, 0},
    {"enable_snmp_rfcv2", KwKind::Leaf, Ctx::Top, flag<&G::enable_snmp_rfcv2>, 0},
    {"enable_snmp_rfcv3", KwKind::Leaf, Ctx::Top, flag<&G::enable_snmp_rfcv3>, 0},
    {"enable_traps", KwKind::Leaf, Ctx::Top, flag<&G::enable_traps>, 0},
    {"enable_dbus", KwKind::Leaf, Ctx::Top, flag<&G::enable_dbus>, 0},
    {"dbus_service_name", KwKind::Leaf, Ctx::Top, opt_string_warn<&G::dbus_service_name>, 0},
    {"script_user", KwKind::Leaf, Ctx::Top, h_script_user, 0},
    {"enable_script_security", KwKind::Leaf, Ctx::Top, flag<&G::enable_script_security>, 0},
    {"notify_fifo", KwKind::Leaf, Ctx::Top, g_fifo<&G::notify_fifo>, 0},
    {"notify_fifo_script", KwKind::Leaf, Ctx::Top, g_script<&G::notify_fifo_script>, 0},
    {"vrrp_notify_fifo", KwKind::Leaf, Ctx::Top, g_fifo<&G::vrrp_notify_fifo>, 0},
    {"vrrp_notify_fifo_script", KwKind::Leaf, Ctx::Top, g_script<&G::vrrp_notify_fifo_script>, 0},
    {"lvs_notify_fifo", KwKind::Leaf, Ctx::Top, g_fifo<&G::lvs_notify_fifo>, 0},
    {"lvs_notify_fifo_script", KwKind::Leaf, Ctx::Top, g_script<&G::lvs_notify_fifo_script>, 0},
    {"fifo_write_vrrp_states_on_reload", KwKind::Leaf, Ctx::Top, flag<&G::fifo_write_vrrp_states_on_reload>, 0},
    {"dynamic_interfaces", KwKind::Leaf, Ctx::Top, h_dynamic_interfaces, 0},
    {"vrrp_netlink_cmd_rcv_bufs", KwKind::Leaf, Ctx::Top, rcv_bufs<&G::vrrp_netlink_cmd_rcv_bufs>, 0},
    {"vrrp_netlink_cmd_rcv_bufs_force", KwKind::Leaf, Ctx::Top, rcv_bufs_force<&G::vrrp_netlink_cmd_rcv_bufs>, 0},
    {"vrrp_netlink_monitor_rcv_bufs", KwKind::Leaf, Ctx::Top, rcv_bufs<&G::vrrp_netlink_monitor_rcv_bufs>, 0},
    {"vrrp_netlink_monitor_rcv_bufs_force", KwKind::Leaf, Ctx::Top, rcv_bufs_force<&G::vrrp_netlink_monitor_rcv_bufs>, 0},
    {"lvs_netlink_cmd_rcv_bufs", KwKind::Leaf, Ctx::Top, rcv_bufs<&G::lvs_netlink_cmd_rcv_bufs>, 0},
    {"lvs_netlink_cmd_rcv_bufs_force", KwKind::Leaf, Ctx::Top, rcv_bufs_force<&G::lvs_netlink_cmd_rcv_bufs>, 0},
    {"lvs_netlink_monitor_rcv_bufs", KwKind::Leaf, Ctx::Top, rcv_bufs<&G::lvs_netlink_monitor_rcv_bufs>, 0},
    {"lvs_netlink_monitor_rcv_bufs_force", KwKind::Leaf, Ctx::Top, rcv_bufs_force<&G::lvs_netlink_monitor_rcv_bufs>, 0},
    {"process_monitor_rcv_bufs", KwKind::Leaf, Ctx::Top, rcv_bufs<&G::process_monitor_rcv_bufs>, 0},
    {"process_monitor_rcv_bufs_force", KwKind::Leaf, Ctx::Top, rcv_bufs_force<&G::process_monitor_rcv_bufs>, 0},
    {"vrrp_rx_bufs_policy", KwKind::Leaf, Ctx::Top, h_rx_bufs_policy, 0},
    {"vrrp_rx_bufs_multiplier", KwKind::Leaf, Ctx::Top, h_rx_bufs_multiplier, 0},
    {"rs_init_notifies", KwKind::Leaf, Ctx::Top, g_bool<&G::rs_init_notifies>, 0},
    {"no_checker_emails", KwKind::Leaf, Ctx::Top, g_bool<&G::no_checker_emails>, 0},
    {"umask", KwKind::Leaf, Ctx::Top, h_umask, 0},
    {"vrrp_startup_delay", KwKind::Leaf, Ctx::Top, h_vrrp_startup_delay, 1},
    {"log_unknown_vrids", KwKind::Leaf, Ctx::Top, flag<&G::log_unknown_vrids>, 0},
    {"vmac_prefix", KwKind::Leaf, Ctx::Top, opt_string_first<&G::vmac_prefix>, 1},
    {"vmac_addr_prefix", KwKind::Leaf, Ctx::Top, opt_string_first<&G::vmac_addr_prefix>, 1},
    {"random_seed", KwKind::Leaf, Ctx::Top, h_random_seed, 1},
    {"reload_check_config", KwKind::Leaf, Ctx::Top, opt_string_or_empty<&G::reload_check_config>, 0},
    {"include_check", KwKind::Leaf, Ctx::Top, h_include_check, 0},
    {"reload_time_file", KwKind::Leaf, Ctx::Top, opt_string_warn<&G::reload_time_file>, 0},
    {"reload_repeat", KwKind::Leaf, Ctx::Top, flag<&G::reload_repeat>, 0},
    {"reload_file", KwKind::Leaf, Ctx::Top, opt_string_or_empty<&G::reload_file>, 0},
    {"data_use_instance", KwKind::Leaf, Ctx::Top, g_bool<&G::data_use_instance>, 0},
};

}  // namespace

std::span<const KeywordDef> global_keywords() { return kGlobal; }

Handler global_list_handler(Ctx c) { return c == Ctx::NotificationEmail ? h_email_item : nullptr; }

}  // namespace stayalived::config::detail
