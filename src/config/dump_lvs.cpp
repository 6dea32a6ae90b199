// The canonical dump, LVS side: the virtual_server block with its real servers and
// checkers. What is written and what is left out follows the rules at the top of dump.cpp.
#include <fmt/format.h>

#include "dump_util.hpp"

namespace stayalived::config::detail {

namespace {

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

}  // namespace

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

}  // namespace stayalived::config::detail
