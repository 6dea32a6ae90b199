// LVS keywords: virtual_server_group, virtual_server, real_server (and the checker blocks
// it opens) and the SSL block, after keepalived.conf(5) "LVS CONFIGURATION" and keepalived
// 2.2.7's reactions. Settings given at virtual_server or real_server level are recorded here
// and handed down to the checkers when the virtual_server block closes (builder.cpp). The
// checkers' own keywords and the timing keywords are in keywords_lvs_check.cpp.
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
    auto a = b.sockaddr(first, s.arg_loc(0));
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
  auto& slot = s.head.text == "quorum_up" ? b.vs->quorum_up : b.vs->quorum_down;
  if (b.repeated(s, slot.has_value())) return;
  if (auto sc = b.script(s, 0)) slot = std::move(sc);
}

// --- real_server -------------------------------------------------------------------------

void h_real_server(Builder& b, const Stmt& s) {
  if (!b.vs) return b.skip_block();
  auto a = s.args.empty() ? std::nullopt : b.sockaddr(s.args[0].text, s.arg_loc(0));
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
  auto& slot = s.head.text == "notify_up" ? b.rs->notify_up : b.rs->notify_down;
  if (b.repeated(s, slot.has_value())) return;
  if (auto sc = b.script(s, 0)) slot = std::move(sc);
}
void h_rs_threshold(Builder& b, const Stmt& s) {
  if (!b.rs) return;
  if (auto v = b.integer(s, 0, 0, kU32)) (s.head.text == "uthreshold" ? b.rs->uthreshold : b.rs->lthreshold) = static_cast<std::uint32_t>(*v);
}

// --- checkers ----------------------------------------------------------------------------
// The checker blocks open here; their keywords are in keywords_lvs_check.cpp.

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
  auto& field = k == "password" ? b.ssl->password : k == "ca" ? b.ssl->ca : k == "certificate" ? b.ssl->certificate : b.ssl->key;
  // keepalived 2.2.7 (measured): "SSL password already specified - replacing", the last wins.
  if (field) b.warn(s, 0, fmt::format("SSL: '{}' already specified ('{}'); replaced by '{}'", k, *field, s.args[0].text));
  field = s.args[0].text;
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
    case Ctx::Ssl: return kSsl;
    default: return {};
  }
}

Handler lvs_list_handler(Ctx c) { return c == Ctx::VirtualServerGroup ? h_vsg_item : nullptr; }

}  // namespace stayalived::config::detail
