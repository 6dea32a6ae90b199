// LVS keywords: virtual_server_group, virtual_server, real_server, the checkers, url and
// the SSL block, after keepalived.conf(5) "LVS CONFIGURATION" and keepalived 2.2.7's
// reactions. Settings given at virtual_server or real_server level are recorded here and
// handed down to the checkers when the virtual_server block closes (builder.cpp).
#include <fmt/format.h>

#include <cctype>

#include "handler_util.hpp"

namespace stayalived::config::detail {

namespace {

using VS = VirtualServer;
using RS = RealServer;

// --- virtual_server_group ------------------------------------------------------------------

void h_vsg(Builder& b, const Stmt& s) {
  VirtualServerGroup g;
  if (!s.args.empty()) g.name = s.args[0].text;
  g.loc = s.loc;
  b.extra_args(s, 1);
  b.cfg.virtual_server_groups.push_back(std::move(g));
  b.vsg = &b.cfg.virtual_server_groups.back();
}

// Parses "A", "A.B.C.D-E", "A-B" (IPv4 or IPv6) or "A/nn" into [first, last].
bool parse_vsg_range(std::string_view w, IpAddress& first, IpAddress& last) {
  if (const auto slash = w.find('/'); slash != std::string_view::npos) {
    auto p = IpPrefix::parse(w);
    if (!p) return false;
    first = p->network();
    last = first;
    for (std::size_t i = 0; i < last.size(); ++i) {
      const int host_bits = static_cast<int>(i + 1) * 8 - p->length;
      if (host_bits <= 0) continue;
      last.bytes[i] = static_cast<std::uint8_t>(last.bytes[i] | (host_bits >= 8 ? 0xff : (0xff >> (8 - host_bits))));
    }
    return true;
  }
  const auto dash = w.find('-');
  auto a = IpAddress::parse(w.substr(0, dash));
  if (!a) return false;
  first = last = *a;
  if (dash == std::string_view::npos) return true;
  const auto end = w.substr(dash + 1);
  if (auto full = IpAddress::parse(end)) {
    if (full->family != a->family || *full < *a) return false;
    last = *full;
    return true;
  }
  // Short form: the last byte (IPv4) or the last 16-bit group in hex (IPv6).
  std::int64_t v = 0;
  if (a->is_v4()) {
    if (parse_int(end, 0, 255, v) != NumError::Ok || v < a->bytes[3]) return false;
    last.bytes[3] = static_cast<std::uint8_t>(v);
    return true;
  }
  unsigned h = 0;
  if (end.empty() || end.size() > 4) return false;
  for (char c : end) {
    const int d = std::isxdigit(static_cast<unsigned char>(c)) ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10)) : -1;
    if (d < 0) return false;
    h = h * 16 + static_cast<unsigned>(d);
  }
  const unsigned cur = (unsigned{a->bytes[14]} << 8) | a->bytes[15];
  if (h < cur) return false;
  last.bytes[14] = static_cast<std::uint8_t>(h >> 8);
  last.bytes[15] = static_cast<std::uint8_t>(h & 0xff);
  return true;
}

void h_vsg_item(Builder& b, const Stmt& s) {
  if (!b.vsg) return;
  if (s.head.text == "fwmark") {
    VsgFwmark f;
    f.loc = s.loc;
    auto v = b.integer(s, 0, 0, kU32);
    if (!v) return;
    f.mark = static_cast<std::uint32_t>(*v);
    if (s.args.size() > 1) {
      if (s.args[1].text == "inet") f.family = Family::Inet;
      else if (s.args[1].text == "inet6") f.family = Family::Inet6;
      else b.warn(s, 1, fmt::format("virtual_server_group {}: fwmark family '{}' is not inet or inet6; ignored", b.vsg->name, s.args[1].text));
    }
    b.vsg->fwmarks.push_back(std::move(f));
    return;
  }
  VsgRange r;
  r.loc = s.loc;
  if (!parse_vsg_range(s.head.text, r.first, r.last))
    return b.diags.warn(s.loc, fmt::format("virtual_server_group {}: '{}' is not an address, range or prefix; ignored", b.vsg->name, s.head.text));
  if (!s.args.empty()) {
    std::int64_t p = 0;
    if (parse_int(s.args[0].text, 0, 65535, p) != NumError::Ok)
      return b.warn(s, 0, fmt::format("virtual_server_group {}: port '{}' is not in 0..65535; entry ignored", b.vsg->name, s.args[0].text));
    r.port = static_cast<Port>(p);
  }
  b.vsg->addresses.push_back(std::move(r));
}

// --- virtual_server ------------------------------------------------------------------------

void h_virtual_server(Builder& b, const Stmt& s) {
  VirtualServer v;
  v.loc = s.loc;
  const auto skip = [&](std::string msg) {
    b.warn(s, 0, std::move(msg));
    b.skip_block();
  };
  if (s.args.empty()) return skip("'virtual_server' needs an address [port], 'fwmark N' or 'group NAME'; block skipped");
  const auto& first = s.args[0].text;
  if (first == "fwmark") {
    std::int64_t m = 0;
    if (s.args.size() < 2 || parse_int(s.args[1].text, 0, kU32, m) != NumError::Ok)
      return skip(fmt::format("virtual_server fwmark '{}' is not a number 0..4294967295; block skipped",
                              s.args.size() > 1 ? s.args[1].text : std::string()));
    v.key = VsFwmark{static_cast<std::uint32_t>(m)};
  } else if (first == "group") {
    if (s.args.size() < 2) return skip("'virtual_server group' needs a virtual_server_group name; block skipped");
    v.key = VsGroup{s.args[1].text};
  } else {
    auto a = IpAddress::parse(first);
    std::int64_t port = 0;
    if (!a) return skip(fmt::format("virtual_server address '{}' is not an IP address; block skipped", first));
    if (s.args.size() > 1 && parse_int(s.args[1].text, 0, 65535, port) != NumError::Ok)
      return skip(fmt::format("virtual_server {} port '{}' is not in 0..65535; block skipped", first, s.args[1].text));
    v.key = VsAddress{*a, static_cast<Port>(port)};
  }
  b.cfg.virtual_servers.push_back(std::move(v));
  b.vs = &b.cfg.virtual_servers.back();
  b.vs_bits_ = 0;
  b.rs_defaults_.clear();
  b.ck_bits_.clear();
}

std::optional<Forwarding> parse_forwarding(Builder& b, const Stmt& s, std::string_view where) {
  Forwarding f;
  const auto& m = s.args[0].text;
  if (m == "NAT") f.method = ForwardingMethod::Nat;
  else if (m == "DR") f.method = ForwardingMethod::Dr;
  else if (m == "TUN") f.method = ForwardingMethod::Tun;
  else {
    b.warn(s, 0, fmt::format("{}: unknown forwarding method '{}' (NAT, DR or TUN); ignored", where, m));
    return std::nullopt;
  }
  for (std::size_t i = 1; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    if (f.method != ForwardingMethod::Tun) {
      b.warn(s, i, fmt::format("{}: '{}' after {} is only for TUN; ignored", where, w, m));
      break;
    }
    if (w == "type" && i + 1 < s.args.size()) {
      const auto& t = s.args[++i].text;
      if (t == "ipip") f.tunnel_type = TunnelType::Ipip;
      else if (t == "gre") f.tunnel_type = TunnelType::Gre;
      else if (t == "gue") {
        f.tunnel_type = TunnelType::Gue;
        if (i + 2 < s.args.size() && s.args[i + 1].text == "port") {
          auto p = b.port(s, i + 2);
          if (!p) return std::nullopt;
          f.tunnel_port = *p;
          i += 2;
        } else {
          b.warn(s, i, fmt::format("{}: tunnel type gue needs 'port NUM'; ignored", where));
          return std::nullopt;
        }
      } else {
        b.warn(s, i, fmt::format("{}: unknown tunnel type '{}' (ipip, gue or gre); ignored", where, t));
        return std::nullopt;
      }
    } else if (w == "nocsum") {
      f.tunnel_checksum = TunnelChecksum::NoCsum;
    } else if (w == "csum") {
      f.tunnel_checksum = TunnelChecksum::Csum;
    } else if (w == "remcsum") {
      f.tunnel_checksum = TunnelChecksum::RemCsum;
    } else {
      b.warn(s, i, fmt::format("{}: unknown TUN option '{}'; ignored", where, w));
    }
  }
  return f;
}

void h_vs_sched(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  auto sc = parse_scheduler(s.args[0].text);
  if (!sc)
    return b.warn(s, 0, fmt::format("{}: unknown scheduler '{}' (rr wrr lc wlc lblc sh mh dh fo ovf lblcr sed nq twos); ignored",
                                    b.block_label(), s.args[0].text));
  b.vs->scheduler = *sc;
  b.vs_bits_ |= kScheduler;
}
void h_vs_flag(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  const auto& k = s.head.text;
  // sh-*/mh-* name the scheduler's flags: keepalived checks the scheduler set so far.
  if ((k.starts_with("sh-") && b.vs->scheduler != Scheduler::Sh) ||
      (k.starts_with("mh-") && b.vs->scheduler != Scheduler::Mh && b.vs->scheduler != Scheduler::Sh) ||
      (k == "hashed" && b.vs->scheduler != Scheduler::Sh))
    return b.warn(s, 0, fmt::format("{}: '{}' only applies to the {} scheduler (set lvs_sched first); ignored", b.block_label(), k,
                                    k.starts_with("mh-") ? "mh" : "sh"));
  if (k == "flag-1" || k == "sh-fallback" || k == "mh-fallback") b.vs->sched_flag1 = true;
  else if (k == "flag-2" || k == "sh-port" || k == "mh-port") b.vs->sched_flag2 = true;
  else if (k == "flag-3") b.vs->sched_flag3 = true;
  else if (k == "hashed") b.vs->hashed = true;
  else if (k == "ops") b.vs->ops = true;
  else if (k == "ha_suspend") b.vs->ha_suspend = true;
  else if (k == "alpha") b.vs->alpha = true;
  else if (k == "omega") b.vs->omega = true;
  else if (k == "inhibit_on_failure") b.vs->inhibit_on_failure = true;
  else if (k == "sorry_server_inhibit") {
    if (!b.vs->sorry_server)
      return b.warn(s, 0, fmt::format("{}: sorry_server_inhibit before (or without) sorry_server; ignored", b.block_label()));
    b.vs->sorry_server_inhibit = true;
  }
}
void h_vs_method(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  if (auto f = parse_forwarding(b, s, b.block_label())) b.vs->forwarding = *f, b.vs_bits_ |= kForwarding;
}
void h_vs_persistence_timeout(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  if (s.args.empty()) {
    b.vs->persistence_timeout = seconds{360};  // keepalived.conf(5): default 6 minutes
    return;
  }
  if (auto v = b.integer(s, 0, 1, 2678400)) b.vs->persistence_timeout = seconds{*v};
}
void h_vs_persistence_granularity(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  const auto& w = s.args[0].text;
  if (auto a = IpAddress::parse(w)) {
    b.vs->persistence_granularity = a;
    return;
  }
  std::int64_t len = 0;
  if (parse_int(w, 0, 128, len) == NumError::Ok) {
    // A prefix length: the mask of that many leading ones (IPv4 up to 32).
    IpAddress m = len <= 32 ? IpAddress{} : IpAddress::v6({});
    for (std::size_t i = 0; i < m.size(); ++i) {
      const int bits = static_cast<int>(len) - static_cast<int>(i) * 8;
      m.bytes[i] = static_cast<std::uint8_t>(bits >= 8 ? 0xff : bits <= 0 ? 0 : (0xff << (8 - bits)));
    }
    b.vs->persistence_granularity = m;
    return;
  }
  b.warn(s, 0, fmt::format("{}: persistence_granularity '{}' is not a netmask; ignored", b.block_label(), w));
}
void h_vs_protocol(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  const auto& w = s.args[0].text;
  if (w == "TCP") b.vs->protocol = Protocol::Tcp;
  else if (w == "UDP") b.vs->protocol = Protocol::Udp;
  else if (w == "SCTP") b.vs->protocol = Protocol::Sctp;
  else return b.warn(s, 0, fmt::format("{}: unknown protocol '{}' (TCP, UDP or SCTP); ignored", b.block_label(), w));
  b.vs_bits_ |= kProtocol;
}
void h_vs_u32(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  if (s.head.text == "quorum") {
    if (auto v = b.integer(s, 0, 1, kU32)) b.vs->quorum = static_cast<std::uint32_t>(*v);
  } else if (auto v = b.integer(s, 0, 0, kU32)) {
    b.vs->hysteresis = static_cast<std::uint32_t>(*v);
  }
}
void h_vs_ip_family(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  if (s.args[0].text == "inet") b.vs->ip_family = Family::Inet;
  else if (s.args[0].text == "inet6") b.vs->ip_family = Family::Inet6;
  else b.warn(s, 0, fmt::format("{}: unknown ip_family '{}' (inet or inet6); ignored", b.block_label(), s.args[0].text));
}
void h_vs_sorry_server(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  auto a = IpAddress::parse(s.args[0].text);
  if (!a) return b.warn(s, 0, fmt::format("{}: sorry_server '{}' is not an IP address; ignored", b.block_label(), s.args[0].text));
  SorryServer ss;
  ss.address = *a;
  ss.loc = s.loc;
  if (s.args.size() > 1) {
    auto p = b.integer(s, 1, 0, 65535);
    if (!p) return;
    ss.port = static_cast<Port>(*p);
  }
  b.vs->sorry_server = ss;
}
void h_vs_sorry_method(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  if (!b.vs->sorry_server)
    return b.warn(s, 0, fmt::format("{}: sorry_server_lvs_method before (or without) sorry_server; ignored", b.block_label()));
  if (s.args.empty()) return b.warn(s, 0, fmt::format("{}: sorry_server_lvs_method needs NAT, DR or TUN; ignored", b.block_label()));
  if (auto f = parse_forwarding(b, s, b.block_label())) b.vs->sorry_server_forwarding = *f;
}
void h_vs_weight(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  if (auto v = b.integer(s, 0, 1, 2147483647)) b.vs->weight = static_cast<int>(*v);
}
void h_vs_string(Builder& b, const Stmt& s) {
  // virtualhost, snmp_name, persistence_engine at virtual_server or real_server level.
  const auto& k = s.head.text;
  if (s.args.empty() || (k == "snmp_name" && s.args.size() > 1))
    return b.warn(s, 0, fmt::format("{}: '{}' needs exactly one value; ignored", b.block_label(), k));
  const auto& v = s.args[0].text;
  if (b.rs) {
    if (k == "virtualhost") b.rs->virtualhost = v;
    else if (k == "snmp_name") b.rs->snmp_name = v;
  } else if (b.vs) {
    if (k == "virtualhost") b.vs->virtualhost = v;
    else if (k == "snmp_name") b.vs->snmp_name = v;
    else if (k == "persistence_engine") b.vs->persistence_engine = v;
  }
}
void h_smtp_alert(Builder& b, const Stmt& s) {
  auto v = b.boolean(s, 0);
  if (!v) return;
  if (b.rs) b.rs->smtp_alert = *v;
  else if (b.vs) b.vs->smtp_alert = *v;
}
void h_vs_script(Builder& b, const Stmt& s) {
  if (!b.vs) return;
  auto sc = b.script(s, 0);
  if (!sc) return;
  (s.head.text == "quorum_up" ? b.vs->quorum_up : b.vs->quorum_down) = std::move(sc);
}

// Timing keywords valid in virtual_server, real_server and checkers: each level records
// its own value; inheritance is resolved when the virtual_server closes.
void h_timing(Builder& b, const Stmt& s) {
  const auto& k = s.head.text;
  const bool in_ck = b.ck != nullptr;
  const bool in_rs = !in_ck && b.rs != nullptr;
  if (k == "retry" || k == "nb_get_retry") {
    if (k == "nb_get_retry") b.warn(s, 0, "'nb_get_retry' is deprecated; use 'retry'");
    // keepalived: 0 is allowed in a checker, not at real/virtual server level.
    auto v = b.integer(s, 0, in_ck ? 0 : 1, kU32);
    if (!v) return;
    const auto n = static_cast<std::uint32_t>(*v);
    if (in_ck) b.ck->retry = n, b.mark(kRetry);
    else if (in_rs) b.rs_defaults_.back().retry = n;
    else if (b.vs) b.vs->retry = n;
    return;
  }
  if (k == "alpha" && (in_ck || in_rs)) {
    auto v = b.boolean(s, 0);
    if (!v) return;
    if (in_ck) b.ck->alpha = *v, b.mark(kAlpha);
    else b.rs_defaults_.back().alpha = *v;
    return;
  }
  if (k == "log_all_failures") {
    if (!in_ck) return;
    if (auto v = b.boolean(s, 0)) b.ck->log_all_failures = *v, b.mark(kLogAllFailures);
    return;
  }
  if (k == "inhibit_on_failure") {
    if (!in_rs) return;
    if (auto v = b.boolean(s, 0)) b.rs->inhibit_on_failure = *v, b.rs_defaults_.back().bits |= kInhibit;
    return;
  }
  microseconds lo{0};
  microseconds hi{INT64_MAX / 2};
  if (k == "connect_timeout") lo = microseconds{1}, hi = microseconds{kU32};
  if (k == "delay_loop") lo = microseconds{1};
  auto v = b.timer(s, 0, lo, hi);
  if (!v) return;
  if (in_ck) {
    if (k == "connect_timeout") {
      if (b.smtp_host) b.smtp_host->connect_timeout = *v;
      else b.ck->connection.connect_timeout = *v, b.mark(kConnectTimeout);
    } else if (k == "delay_before_retry") b.ck->delay_before_retry = *v, b.mark(kDelayBeforeRetry);
    else if (k == "warmup") b.ck->warmup = *v, b.mark(kWarmup);
    else if (k == "delay_loop") b.ck->delay_loop = *v, b.mark(kDelayLoop);
  } else if (in_rs) {
    auto& d = b.rs_defaults_.back();
    if (k == "connect_timeout") d.connect_timeout = *v;
    else if (k == "delay_before_retry") d.delay_before_retry = *v;
    else if (k == "warmup") d.warmup = *v;
    else if (k == "delay_loop") d.delay_loop = *v;
  } else if (b.vs) {
    if (k == "connect_timeout") b.vs->connect_timeout = *v;
    else if (k == "delay_before_retry") b.vs->delay_before_retry = *v;
    else if (k == "warmup") b.vs->warmup = *v;
    else if (k == "delay_loop") b.vs->delay_loop = *v;
  }
}

// --- real_server -------------------------------------------------------------------------

void h_real_server(Builder& b, const Stmt& s) {
  if (!b.vs) return b.skip_block();
  auto a = IpAddress::parse(s.args.empty() ? std::string() : s.args[0].text);
  std::int64_t port = 0;
  if (!a || (s.args.size() > 1 && parse_int(s.args[1].text, 0, 65535, port) != NumError::Ok)) {
    b.warn(s, 0, fmt::format("real_server '{}{}{}' is not an IP address [and port 0..65535]; block skipped",
                             s.args.empty() ? std::string() : s.args[0].text, s.args.size() > 1 ? " " : "",
                             s.args.size() > 1 ? s.args[1].text : std::string()));
    return b.skip_block();
  }
  RealServer r;
  r.address = *a;
  r.port = static_cast<Port>(port);
  r.loc = s.loc;
  b.vs->real_servers.push_back(std::move(r));
  b.rs = &b.vs->real_servers.back();
  b.rs_defaults_.emplace_back();
  b.ck_bits_.emplace_back();
}
void h_rs_weight(Builder& b, const Stmt& s) {
  if (!b.rs) return;
  if (auto v = b.integer(s, 0, 0, 2147483647)) b.rs->weight = static_cast<int>(*v), b.rs_defaults_.back().bits |= kWeight;
}
void h_rs_method(Builder& b, const Stmt& s) {
  if (!b.rs) return;
  if (auto f = parse_forwarding(b, s, b.block_label())) b.rs->forwarding = *f, b.rs_defaults_.back().bits |= kForwarding;
}
void h_rs_script(Builder& b, const Stmt& s) {
  if (!b.rs) return;
  auto sc = b.script(s, 0);
  if (!sc) return;
  (s.head.text == "notify_up" ? b.rs->notify_up : b.rs->notify_down) = std::move(sc);
}
void h_rs_threshold(Builder& b, const Stmt& s) {
  if (!b.rs) return;
  if (auto v = b.integer(s, 0, 0, kU32)) (s.head.text == "uthreshold" ? b.rs->uthreshold : b.rs->lthreshold) = static_cast<std::uint32_t>(*v);
}

// --- checkers ----------------------------------------------------------------------------

template <class Spec>
void open_checker(Builder& b, const Stmt& s, Spec spec) {
  (void)s;  // keepalived ignores words after this block keyword
  if (!b.rs) return b.skip_block();
  Checker c;
  c.spec = std::move(spec);
  c.loc = s.loc;
  b.rs->checkers.push_back(std::move(c));
  b.ck = &b.rs->checkers.back();
  b.ck_bits_.back().push_back(0);
}
void h_tcp_check(Builder& b, const Stmt& s) { open_checker(b, s, TcpCheck{}); }
void h_http_get(Builder& b, const Stmt& s) { open_checker(b, s, HttpCheck{}); }
void h_ssl_get(Builder& b, const Stmt& s) {
  HttpCheck h;
  h.ssl = true;
  open_checker(b, s, h);
}
void h_misc_check(Builder& b, const Stmt& s) { open_checker(b, s, MiscCheck{}); }
void h_smtp_check(Builder& b, const Stmt& s) { open_checker(b, s, SmtpCheck{}); }
void h_dns_check(Builder& b, const Stmt& s) { open_checker(b, s, DnsCheck{}); }
void h_udp_check(Builder& b, const Stmt& s) { open_checker(b, s, UdpCheck{}); }
void h_ping_check(Builder& b, const Stmt& s) { open_checker(b, s, PingCheck{}); }
void h_file_check(Builder& b, const Stmt& s) { open_checker(b, s, FileCheck{}); }
void h_bfd_check(Builder& b, const Stmt& s) { open_checker(b, s, BfdCheck{}); }

void h_conn(Builder& b, const Stmt& s) {
  auto* c = cur<CheckConnection>(b);
  if (!c) return;
  const auto& k = s.head.text;
  if (k == "connect_ip" || k == "bindto") {
    auto a = IpAddress::parse(s.args[0].text);
    if (!a) return b.warn(s, 0, fmt::format("{}: {} '{}' is not an IP address; ignored", b.block_label(), k, s.args[0].text));
    (k == "connect_ip" ? c->connect_ip : c->bindto) = a;
  } else if (k == "connect_port" || k == "bind_port") {
    if (auto p = b.port(s, 0)) (k == "connect_port" ? c->connect_port : c->bind_port) = p;
  } else if (k == "bind_if") {
    c->bind_if = s.args[0].text;
  } else if (k == "fwmark") {
    if (auto v = b.integer(s, 0, 0, kU32)) c->fwmark = static_cast<std::uint32_t>(*v);
  }
}
void h_smtp_host(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  if (!b.ck) return b.skip_block();
  b.smtp_hosts_.emplace_back();
  b.smtp_host = &b.smtp_hosts_.back();
}
void h_helo_name(Builder& b, const Stmt& s) {
  auto* m = cur<SmtpCheck>(b);
  if (!m) return;
  if (s.args.empty()) return b.warn(s, 0, "SMTP_CHECK: 'helo_name' needs a name; ignored");
  m->helo_name = s.args[0].text;
}
void h_http_protocol(Builder& b, const Stmt& s) {
  auto* h = cur<HttpCheck>(b);
  if (!h) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("{}: 'http_protocol' needs 1.0, 1.0C or 1.1; ignored", b.block_label()));
  const auto& w = s.args[0].text;
  if (w == "1.0") h->http_protocol = HttpProtocol::Http10;
  else if (w == "1.0C" || w == "1.0c") h->http_protocol = HttpProtocol::Http10Close;
  else if (w == "1.1") h->http_protocol = HttpProtocol::Http11;
  else b.warn(s, 0, fmt::format("{}: http_protocol '{}' is not 1.0, 1.0C or 1.1; ignored", b.block_label(), w));
}
void h_http_bool(Builder& b, const Stmt& s) {
  auto* h = cur<HttpCheck>(b);
  if (!h) return;
  auto v = b.boolean(s, 0);
  if (!v) return;
  (s.head.text == "fast_recovery" ? h->fast_recovery : h->enable_sni) = *v;
}
void h_http_virtualhost(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("{}: 'virtualhost' needs a name; ignored", b.block_label()));
  if (b.url) b.url->virtualhost = s.args[0].text;
  else if (auto* h = cur<HttpCheck>(b)) h->virtualhost = s.args[0].text;
}
void h_url(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  auto* h = cur<HttpCheck>(b);
  if (!h) return b.skip_block();
  Url u;
  u.loc = s.loc;
  h->urls.push_back(std::move(u));
  b.url = &h->urls.back();
}
void h_url_path(Builder& b, const Stmt& s) {
  if (b.url) b.url->path = s.args[0].text;
}
void h_url_digest(Builder& b, const Stmt& s) {
  if (!b.url) return;
  const auto& d = s.args[0].text;
  if (d.size() != 32)
    return b.warn(s, 0, fmt::format("url digest '{}' must be 32 hex characters (an MD5), not {}; ignored", d, d.size()));
  std::array<std::uint8_t, 16> md{};
  for (std::size_t i = 0; i < 16; ++i) {
    const auto hex = parse_hex_string(d.substr(i * 2, 2), false);
    if (!hex || hex->data.size() != 1) return b.warn(s, 0, fmt::format("url digest '{}' is not hexadecimal; ignored", d));
    md[i] = hex->data[0];
  }
  b.url->digest = md;
}
void h_url_status(Builder& b, const Stmt& s) {
  if (!b.url) return;
  std::vector<StatusRange> ranges;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const std::string_view w = s.args[i].text;
    const auto dash = w.find('-');
    std::int64_t lo = 0, hi = 0;
    const bool ok = dash == std::string_view::npos
                        ? parse_int(w, 100, 599, lo) == NumError::Ok && (hi = lo, true)
                        : parse_int(w.substr(0, dash), 100, 599, lo) == NumError::Ok &&
                              parse_int(w.substr(dash + 1), 100, 599, hi) == NumError::Ok && lo <= hi;
    if (!ok) {
      b.warn(s, i, fmt::format("url status_code '{}' is not a code or range within 100..599; ignored", w));
      continue;
    }
    ranges.push_back(StatusRange{static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)});
  }
  b.url->status_codes.insert(b.url->status_codes.end(), ranges.begin(), ranges.end());
}
void h_url_regex(Builder& b, const Stmt& s) {
  if (!b.url) return;
  const auto& k = s.head.text;
  if (k == "regex_no_match") {
    b.url->regex_no_match = true;
  } else if (k == "regex") {
    if (!s.args.empty()) b.url->regex = s.args[0].text;
  } else if (k == "regex_options") {
    for (const auto& a : s.args) b.url->regex_options.push_back(a.text);
  } else if (k == "regex_stack") {
    if (s.args.size() < 2) return b.warn(s, 0, "url regex_stack needs START and MAX; ignored");
    auto st = b.integer(s, 0, 0, kU32);
    auto mx = b.integer(s, 1, 0, kU32);
    if (st && mx) b.url->regex_stack_start = static_cast<std::uint32_t>(*st), b.url->regex_stack_max = static_cast<std::uint32_t>(*mx);
  } else if (!s.args.empty()) {
    if (auto v = b.integer(s, 0, 0, kU32)) (k == "regex_min_offset" ? b.url->regex_min_offset : b.url->regex_max_offset) = static_cast<std::uint32_t>(*v);
  }
}
void h_misc_path(Builder& b, const Stmt& s) {
  auto* m = cur<MiscCheck>(b);
  if (!m || s.args.empty()) return;
  Script sc;
  sc.loc = s.loc;
  auto argv = split_command(s.args[0].text);
  if (!argv || argv->empty()) return b.warn(s, 0, fmt::format("MISC_CHECK: invalid misc_path '{}'; ignored", s.args[0].text));
  sc.argv = std::move(*argv);
  for (std::size_t i = 1; i < s.args.size(); ++i) sc.argv.push_back(s.args[i].text);
  sc.run_as = m->path.run_as;
  m->path = std::move(sc);
}
void h_misc_timeout(Builder& b, const Stmt& s) {
  auto* m = cur<MiscCheck>(b);
  if (!m) return;
  if (auto v = b.integer(s, 0, 0, kU32)) m->timeout = microseconds{seconds{*v}};
}
void h_misc_user(Builder& b, const Stmt& s) {
  auto* m = cur<MiscCheck>(b);
  if (!m) return;
  if (s.args.empty()) return b.warn(s, 0, "MISC_CHECK: 'user' needs a user name; ignored");
  m->path.run_as = RunAs{s.args[0].text, s.args.size() > 1 ? std::optional(s.args[1].text) : std::nullopt, s.arg_loc(0)};
}
void h_dns_type(Builder& b, const Stmt& s) {
  auto* d = cur<DnsCheck>(b);
  if (!d) return;
  auto t = parse_dns_type(s.args[0].text);
  if (!t) return b.warn(s, 0, fmt::format("DNS_CHECK: unknown type '{}' (A NS CNAME SOA MX TXT AAAA); ignored", s.args[0].text));
  d->type = *t;
}
void h_dns_name(Builder& b, const Stmt& s) {
  auto* d = cur<DnsCheck>(b);
  if (!d) return;
  const auto& n = s.args[0].text;
  if (n != "." && (n.find("..") != std::string::npos || n.front() == '.'))
    return b.warn(s, 0, fmt::format("DNS_CHECK: name '{}' has an empty label; ignored", n));
  d->name = n;
}
void h_udp_hex(Builder& b, const Stmt& s) {
  auto* u = cur<UdpCheck>(b);
  if (!u) return;
  const bool reply = s.head.text == "require_reply";
  if (s.args.empty()) {
    if (reply) u->require_reply = true;
    else b.warn(s, 0, "UDP_CHECK: 'payload' needs a hex string; ignored");
    return;
  }
  std::string all;
  for (const auto& a : s.args) all += a.text + " ";
  auto hex = parse_hex_string(all, reply);
  if (!hex) return b.warn(s, 0, fmt::format("UDP_CHECK: '{}' is not a hex string; ignored", s.head.text));
  if (reply) {
    u->require_reply = true;
    u->reply_data = std::move(hex->data);
    u->reply_mask = std::move(hex->mask);
  } else {
    u->payload = std::move(hex->data);
  }
}
void h_udp_len(Builder& b, const Stmt& s) {
  auto* u = cur<UdpCheck>(b);
  if (!u) return;
  if (auto v = b.integer(s, 0, 0, 65535)) (s.head.text == "min_reply_length" ? u->min_reply_length : u->max_reply_length) = static_cast<std::uint16_t>(*v);
}
void h_file_track(Builder& b, const Stmt& s) {
  if (auto* f = cur<FileCheck>(b)) f->track_file = s.args[0].text;
}
void h_file_weight(Builder& b, const Stmt& s) {
  auto* f = cur<FileCheck>(b);
  if (!f) return;
  if (s.args.empty()) return b.warn(s, 0, "FILE_CHECK: 'weight' needs a number; ignored");
  if (auto v = b.integer(s, 0, -2147483647, 2147483647)) f->weight = static_cast<int>(*v);
  if (s.args.size() > 1 && s.args[1].text == "reverse") f->reverse = true;
}
void h_bfd_name(Builder& b, const Stmt& s) {
  if (auto* f = cur<BfdCheck>(b)) f->name = s.args[0].text;
}

// --- SSL -----------------------------------------------------------------------------------

void h_ssl(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  if (!b.cfg.ssl) b.cfg.ssl = SslConfig{};
  b.cfg.ssl->loc = s.loc;
  b.ssl = &*b.cfg.ssl;
}
void h_ssl_field(Builder& b, const Stmt& s) {
  if (!b.ssl) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("SSL: '{}' needs a value; ignored", s.head.text));
  const auto& k = s.head.text;
  const auto& v = s.args[0].text;
  if (k == "password") b.ssl->password = v;
  else if (k == "ca") b.ssl->ca = v;
  else if (k == "certificate") b.ssl->certificate = v;
  else b.ssl->key = v;
}

const KeywordDef kTop[] = {
    {"virtual_server_group", KwKind::Block, Ctx::VirtualServerGroup, h_vsg, 1},
    {"virtual_server", KwKind::Block, Ctx::VirtualServer, h_virtual_server, 1},
    {"SSL", KwKind::Block, Ctx::Ssl, h_ssl, 0},
};

const KeywordDef kVs[] = {
    {"lvs_sched", KwKind::Leaf, Ctx::Top, h_vs_sched, 1},
    {"lb_algo", KwKind::Leaf, Ctx::Top, h_vs_sched, 1},
    {"flag-1", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"flag-2", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"flag-3", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"sh-port", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"sh-fallback", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"mh-port", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"mh-fallback", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"hashed", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"ops", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"lvs_method", KwKind::Leaf, Ctx::Top, h_vs_method, 1},
    {"lb_kind", KwKind::Leaf, Ctx::Top, h_vs_method, 1},
    {"persistence_engine", KwKind::Leaf, Ctx::Top, h_vs_string, 1},
    {"persistence_timeout", KwKind::Leaf, Ctx::Top, h_vs_persistence_timeout, 0},
    {"persistence_granularity", KwKind::Leaf, Ctx::Top, h_vs_persistence_granularity, 1},
    {"protocol", KwKind::Leaf, Ctx::Top, h_vs_protocol, 1},
    {"ha_suspend", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"smtp_alert", KwKind::Leaf, Ctx::Top, h_smtp_alert, 0},
    {"virtualhost", KwKind::Leaf, Ctx::Top, h_vs_string, 0},
    {"snmp_name", KwKind::Leaf, Ctx::Top, h_vs_string, 0},
    {"alpha", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"omega", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"quorum", KwKind::Leaf, Ctx::Top, h_vs_u32, 1},
    {"hysteresis", KwKind::Leaf, Ctx::Top, h_vs_u32, 1},
    {"quorum_up", KwKind::Leaf, Ctx::Top, h_vs_script, 1},
    {"quorum_down", KwKind::Leaf, Ctx::Top, h_vs_script, 1},
    {"ip_family", KwKind::Leaf, Ctx::Top, h_vs_ip_family, 1},
    {"sorry_server", KwKind::Leaf, Ctx::Top, h_vs_sorry_server, 1},
    {"sorry_server_inhibit", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"sorry_server_lvs_method", KwKind::Leaf, Ctx::Top, h_vs_sorry_method, 0},
    {"connect_timeout", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"retry", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"delay_before_retry", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"warmup", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"delay_loop", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"inhibit_on_failure", KwKind::Leaf, Ctx::Top, h_vs_flag, 0},
    {"weight", KwKind::Leaf, Ctx::Top, h_vs_weight, 1},
    {"real_server", KwKind::Block, Ctx::RealServer, h_real_server, 1},
};

#define SA_CHECKERS                                                              \
  {"TCP_CHECK", KwKind::Block, Ctx::TcpCheck, h_tcp_check, 0},                 \
      {"HTTP_GET", KwKind::Block, Ctx::HttpCheck, h_http_get, 0},              \
      {"SSL_GET", KwKind::Block, Ctx::SslCheck, h_ssl_get, 0},                 \
      {"MISC_CHECK", KwKind::Block, Ctx::MiscCheck, h_misc_check, 0},          \
      {"SMTP_CHECK", KwKind::Block, Ctx::SmtpCheck, h_smtp_check, 0},          \
      {"DNS_CHECK", KwKind::Block, Ctx::DnsCheck, h_dns_check, 0},             \
      {"UDP_CHECK", KwKind::Block, Ctx::UdpCheck, h_udp_check, 0},             \
      {"PING_CHECK", KwKind::Block, Ctx::PingCheck, h_ping_check, 0},          \
      {"FILE_CHECK", KwKind::Block, Ctx::FileCheck, h_file_check, 0},          \
      {"BFD_CHECK", KwKind::Block, Ctx::BfdCheck, h_bfd_check, 0}

const KeywordDef kRs[] = {
    SA_CHECKERS,
    {"weight", KwKind::Leaf, Ctx::Top, h_rs_weight, 1},
    {"lvs_method", KwKind::Leaf, Ctx::Top, h_rs_method, 1},
    {"notify_up", KwKind::Leaf, Ctx::Top, h_rs_script, 1},
    {"notify_down", KwKind::Leaf, Ctx::Top, h_rs_script, 1},
    {"uthreshold", KwKind::Leaf, Ctx::Top, h_rs_threshold, 1},
    {"lthreshold", KwKind::Leaf, Ctx::Top, h_rs_threshold, 1},
    {"smtp_alert", KwKind::Leaf, Ctx::Top, h_smtp_alert, 0},
    {"virtualhost", KwKind::Leaf, Ctx::Top, h_vs_string, 0},
    {"snmp_name", KwKind::Leaf, Ctx::Top, h_vs_string, 0},
    {"alpha", KwKind::Leaf, Ctx::Top, h_timing, 0},
    {"connect_timeout", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"retry", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"delay_before_retry", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"warmup", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"delay_loop", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"inhibit_on_failure", KwKind::Leaf, Ctx::Top, h_timing, 0},
};
#undef SA_CHECKERS

#define SA_CHECK_TIMING                                                          \
  {"alpha", KwKind::Leaf, Ctx::Top, h_timing, 0},                              \
      {"retry", KwKind::Leaf, Ctx::Top, h_timing, 1},                          \
      {"delay_before_retry", KwKind::Leaf, Ctx::Top, h_timing, 1},             \
      {"warmup", KwKind::Leaf, Ctx::Top, h_timing, 1},                         \
      {"delay_loop", KwKind::Leaf, Ctx::Top, h_timing, 1},                     \
      {"log_all_failures", KwKind::Leaf, Ctx::Top, h_timing, 0}
#define SA_CHECK_CONN                                                            \
  {"connect_ip", KwKind::Leaf, Ctx::Top, h_conn, 1},                           \
      {"connect_port", KwKind::Leaf, Ctx::Top, h_conn, 1},                     \
      {"bindto", KwKind::Leaf, Ctx::Top, h_conn, 1},                           \
      {"bind_if", KwKind::Leaf, Ctx::Top, h_conn, 1},                          \
      {"bind_port", KwKind::Leaf, Ctx::Top, h_conn, 1},                        \
      {"fwmark", KwKind::Leaf, Ctx::Top, h_conn, 1},                           \
      {"connect_timeout", KwKind::Leaf, Ctx::Top, h_timing, 1}

const KeywordDef kTcp[] = {SA_CHECK_TIMING, SA_CHECK_CONN};
const KeywordDef kPing[] = {SA_CHECK_TIMING, SA_CHECK_CONN};
const KeywordDef kHttp[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"http_protocol", KwKind::Leaf, Ctx::Top, h_http_protocol, 0},
    {"fast_recovery", KwKind::Leaf, Ctx::Top, h_http_bool, 0},
    {"enable_sni", KwKind::Leaf, Ctx::Top, h_http_bool, 0},
    {"virtualhost", KwKind::Leaf, Ctx::Top, h_http_virtualhost, 0},
    {"nb_get_retry", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"url", KwKind::Block, Ctx::Url, h_url, 0},
};
const KeywordDef kMisc[] = {
    SA_CHECK_TIMING,
    {"misc_path", KwKind::Leaf, Ctx::Top, h_misc_path, 0},
    {"misc_timeout", KwKind::Leaf, Ctx::Top, h_misc_timeout, 1},
    {"misc_dynamic", KwKind::Leaf, Ctx::Top, flag<&MiscCheck::dynamic>, 0},
    {"user", KwKind::Leaf, Ctx::Top, h_misc_user, 0},
};
const KeywordDef kSmtp[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"helo_name", KwKind::Leaf, Ctx::Top, h_helo_name, 0},
    {"host", KwKind::Block, Ctx::SmtpHost, h_smtp_host, 0},
};
const KeywordDef kSmtpHost[] = {SA_CHECK_CONN};
const KeywordDef kDns[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"type", KwKind::Leaf, Ctx::Top, h_dns_type, 1},
    {"name", KwKind::Leaf, Ctx::Top, h_dns_name, 1},
};
const KeywordDef kUdp[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"payload", KwKind::Leaf, Ctx::Top, h_udp_hex, 0},
    {"require_reply", KwKind::Leaf, Ctx::Top, h_udp_hex, 0},
    {"min_reply_length", KwKind::Leaf, Ctx::Top, h_udp_len, 1},
    {"max_reply_length", KwKind::Leaf, Ctx::Top, h_udp_len, 1},
};
const KeywordDef kFile[] = {
    {"track_file", KwKind::Leaf, Ctx::Top, h_file_track, 1},
    {"weight", KwKind::Leaf, Ctx::Top, h_file_weight, 0},
};
const KeywordDef kBfd[] = {
    {"alpha", KwKind::Leaf, Ctx::Top, h_timing, 0},
    {"name", KwKind::Leaf, Ctx::Top, h_bfd_name, 1},
};
#undef SA_CHECK_TIMING
#undef SA_CHECK_CONN

const KeywordDef kUrl[] = {
    {"path", KwKind::Leaf, Ctx::Top, h_url_path, 1},
    {"digest", KwKind::Leaf, Ctx::Top, h_url_digest, 1},
    {"status_code", KwKind::Leaf, Ctx::Top, h_url_status, 0},
    {"virtualhost", KwKind::Leaf, Ctx::Top, h_http_virtualhost, 0},
    {"regex", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_no_match", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_options", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_stack", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_min_offset", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_max_offset", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
};

const KeywordDef kSsl[] = {
    {"password", KwKind::Leaf, Ctx::Top, h_ssl_field, 0},
    {"ca", KwKind::Leaf, Ctx::Top, h_ssl_field, 0},
    {"certificate", KwKind::Leaf, Ctx::Top, h_ssl_field, 0},
    {"key", KwKind::Leaf, Ctx::Top, h_ssl_field, 0},
};

}  // namespace

std::span<const KeywordDef> lvs_keywords(Ctx c) {
  switch (c) {
    case Ctx::Top: return kTop;
    case Ctx::VirtualServer: return kVs;
    case Ctx::RealServer: return kRs;
    case Ctx::TcpCheck: return kTcp;
    case Ctx::HttpCheck:
    case Ctx::SslCheck: return kHttp;
    case Ctx::MiscCheck: return kMisc;
    case Ctx::SmtpCheck: return kSmtp;
    case Ctx::SmtpHost: return kSmtpHost;
    case Ctx::DnsCheck: return kDns;
    case Ctx::UdpCheck: return kUdp;
    case Ctx::PingCheck: return kPing;
    case Ctx::FileCheck: return kFile;
    case Ctx::BfdCheck: return kBfd;
    case Ctx::Url: return kUrl;
    case Ctx::Ssl: return kSsl;
    default: return {};
  }
}

Handler lvs_list_handler(Ctx c) { return c == Ctx::VirtualServerGroup ? h_vsg_item : nullptr; }

}  // namespace stayalived::config::detail
