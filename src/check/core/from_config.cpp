// config::Config -> check::Definition.
#include "stayalived/check/from_config.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "stayalived/common/digest.hpp"

namespace stayalived::check {

namespace {

constexpr std::size_t kMaxSuspendAddressesPerRange = 256;

Duration dur(std::chrono::microseconds us) { return std::chrono::duration_cast<Duration>(us); }

ScriptDef script_of(const std::optional<config::Script>& s) {
  ScriptDef out;
  if (!s) return out;
  out.argv = s->argv;
  if (s->run_as) {
    out.user = s->run_as->user;
    out.group = s->run_as->group.value_or("");
  }
  return out;
}

DnsType dns_type_of(config::DnsType t) {
  switch (t) {
    case config::DnsType::A: return DnsType::A;
    case config::DnsType::Ns: return DnsType::NS;
    case config::DnsType::Cname: return DnsType::CNAME;
    case config::DnsType::Soa: return DnsType::SOA;
    case config::DnsType::Mx: return DnsType::MX;
    case config::DnsType::Txt: return DnsType::TXT;
    case config::DnsType::Aaaa: return DnsType::AAAA;
  }
  return DnsType::SOA;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

// The addresses of a range, in order, at most `limit` of them.
void expand(const config::IpAddress& first, const config::IpAddress& last, std::vector<IpAddress>& out,
            std::size_t limit) {
  config::IpAddress a = first;
  for (std::size_t n = 0; n < limit; ++n) {
    out.push_back(a);
    if (a == last) return;
    // Increment as a big-endian number over the family's bytes.
    for (std::size_t i = a.size(); i-- > 0;)
      if (++a.bytes[i] != 0) break;
  }
}

struct Builder {
  const config::Config& cfg;
  std::vector<std::string>* warnings;

  void warn(std::string w) {
    if (warnings != nullptr) warnings->push_back(std::move(w));
  }

  std::optional<CheckKind> kind_of(const config::Checker& c, const config::RealServer& rs,
                                   const config::VirtualServer& vs, const std::string& where) {
    struct Visit {
      Builder& b;
      const config::Checker& c;
      const config::RealServer& rs;
      const config::VirtualServer& vs;
      const std::string& where;
      std::optional<CheckKind> operator()(const config::TcpCheck&) const { return TcpCheck{}; }
      std::optional<CheckKind> operator()(const config::HttpCheck& h) const {
        HttpCheck out;
        out.tls = h.ssl;
        out.enable_sni = h.enable_sni;
        out.fast_recovery = h.fast_recovery;
        out.http_protocol = std::string(config::to_string(h.http_protocol));
        for (const auto& u : h.urls) {
          HttpUrl url;
          url.path = u.path;
          if (u.digest) url.digest = to_hex(*u.digest);
          for (const auto& r : u.status_codes) url.status_ranges.emplace_back(r.low, r.high);
          url.virtualhost = u.virtualhost.value_or(h.virtualhost.value_or(rs.virtualhost.value_or(vs.virtualhost.value_or(""))));
          url.regex = u.regex.value_or("");
          url.regex_no_match = u.regex_no_match;
          url.regex_options = u.regex_options;
          url.regex_stack_start = u.regex_stack_start.value_or(0);
          url.regex_stack_max = u.regex_stack_max.value_or(0);
          url.regex_min_offset = u.regex_min_offset.value_or(0);
          if (u.regex_max_offset) url.regex_max_offset = *u.regex_max_offset;
          out.urls.push_back(std::move(url));
        }
        return out;
      }
      std::optional<CheckKind> operator()(const config::MiscCheck& m) const {
        MiscCheck out;
        out.script = script_of(m.path);
        out.timeout = dur(m.timeout.value_or(c.delay_loop));
        out.dynamic = m.dynamic;
        return out;
      }
      std::optional<CheckKind> operator()(const config::SmtpCheck& s) const {
        return SmtpCheck{.helo_name = s.helo_name.value_or("")};
      }
      std::optional<CheckKind> operator()(const config::DnsCheck& d) const {
        return DnsCheck{.type = dns_type_of(d.type), .name = d.name};
      }
      std::optional<CheckKind> operator()(const config::UdpCheck& u) const {
        UdpCheck out;
        out.payload = u.payload;
        out.require_reply = u.require_reply;
        out.min_reply_length = u.min_reply_length;
        out.max_reply_length = u.max_reply_length;
        for (std::size_t i = 0; i < u.reply_data.size(); ++i) {
          const std::uint8_t mask = i < u.reply_mask.size() ? u.reply_mask[i] : 0xFF;
          out.reply_pattern.push_back({static_cast<std::uint8_t>(u.reply_data[i] >> 4), (mask & 0xF0) == 0});
          out.reply_pattern.push_back({static_cast<std::uint8_t>(u.reply_data[i] & 0xF), (mask & 0x0F) == 0});
        }
        return out;
      }
      std::optional<CheckKind> operator()(const config::PingCheck&) const { return PingCheck{}; }
      std::optional<CheckKind> operator()(const config::FileCheck& f) const {
        const config::TrackFile* tf = b.cfg.find_track_file(f.track_file);
        if (tf == nullptr) {
          b.warn(fmt::format("FILE_CHECK for {}: unknown track_file {}: checker ignored", where, f.track_file));
          return std::nullopt;
        }
        FileCheck out;
        out.track_name = f.track_file;
        out.path = tf->file;
        out.weight = f.weight.value_or(tf->weight);
        out.reverse = f.weight ? f.reverse : tf->weight_reverse;
        out.dynamic = f.dynamic;
        return out;
      }
      std::optional<CheckKind> operator()(const config::BfdCheck& bfd) const {
        b.warn(fmt::format("BFD_CHECK {} for {}: BFD is not supported: checker ignored", bfd.name, where));
        return std::nullopt;
      }
    };
    return std::visit(Visit{*this, c, rs, vs, where}, c.spec);
  }

  RealServerDef real_server(const config::RealServer& rs, const config::VirtualServer& vs,
                            const VirtualServerKey& key) {
    RealServerDef out;
    std::uint16_t port = rs.port;
    if (port == 0 && key.kind == VirtualServerKey::Kind::Address) port = key.endpoint.port;
    out.endpoint = Endpoint{rs.address, port};
    out.weight = rs.weight;
    out.inhibit_on_failure = rs.inhibit_on_failure;
    out.notify_up = script_of(rs.notify_up);
    out.notify_down = script_of(rs.notify_down);
    // keepalived.conf(5): real_server smtp_alert "default yes, unless global
    // smtp_alert/smtp_alert_checker set".
    out.smtp_alert = rs.smtp_alert.value_or(cfg.global.smtp_alert_checker.value_or(cfg.global.smtp_alert.value_or(true)));
    const std::string where = fmt::format("{} in VS {}", format_service(out.endpoint, key.protocol), format_vs(key));
    for (const config::Checker& c : rs.checkers) {
      auto kind = kind_of(c, rs, vs, where);
      if (!kind) continue;
      CheckerDef d;
      d.kind = std::move(*kind);
      const config::CheckConnection& cc = c.connection;
      d.connect.target = Endpoint{cc.connect_ip ? *cc.connect_ip : out.endpoint.address,
                                  cc.connect_port.value_or(out.endpoint.port)};
      if (cc.bindto) d.connect.bindto = *cc.bindto;
      d.connect.bind_port = cc.bind_port.value_or(0);
      d.connect.bind_if = cc.bind_if.value_or("");
      d.connect.fwmark = cc.fwmark.value_or(0);
      d.timing.delay_loop = dur(c.delay_loop);
      d.timing.delay_before_retry = dur(c.delay_before_retry);
      d.timing.connect_timeout = dur(cc.connect_timeout);
      if (c.warmup) d.timing.warmup = dur(*c.warmup);
      d.timing.retry = c.retry;
      d.timing.alpha = c.alpha;
      d.timing.log_all_failures = c.log_all_failures || cfg.global.checker_log_all_failures;
      out.checkers.push_back(std::move(d));
    }
    return out;
  }

  VirtualServerDef virtual_server(const config::VirtualServer& vs) {
    VirtualServerDef out;
    out.key = key_of(vs);
    out.quorum = vs.quorum;
    out.hysteresis = vs.hysteresis;
    out.quorum_up = script_of(vs.quorum_up);
    out.quorum_down = script_of(vs.quorum_down);
    out.ha_suspend = vs.ha_suspend;
    out.omega = vs.omega;
    // virtual_server smtp_alert: "default no, unless global smtp_alert/smtp_alert_checker set".
    out.smtp_alert = vs.smtp_alert.value_or(cfg.global.smtp_alert_checker.value_or(cfg.global.smtp_alert.value_or(false)));
    if (vs.sorry_server) {
      std::uint16_t port = vs.sorry_server->port;
      if (port == 0 && out.key.kind == VirtualServerKey::Kind::Address) port = out.key.endpoint.port;
      out.sorry_server = SorryServerDef{Endpoint{vs.sorry_server->address, port}, vs.sorry_server_inhibit};
    }
    if (vs.ha_suspend) {
      if (const auto* a = std::get_if<config::VsAddress>(&vs.key)) {
        out.suspend_addresses.push_back(a->address);
      } else if (const auto* g = std::get_if<config::VsGroup>(&vs.key)) {
        if (const auto* group = cfg.find_virtual_server_group(g->name))
          for (const auto& r : group->addresses) expand(r.first, r.last, out.suspend_addresses, kMaxSuspendAddressesPerRange);
      }
    }
    for (const auto& rs : vs.real_servers) out.real_servers.push_back(real_server(rs, vs, out.key));
    return out;
  }
};

}  // namespace


VirtualServerKey key_of(const config::VirtualServer& vs) {
  VirtualServerKey k;
  k.protocol = vs.protocol;
  if (const auto* a = std::get_if<config::VsAddress>(&vs.key)) {
    k.kind = VirtualServerKey::Kind::Address;
    k.endpoint = Endpoint{a->address, a->port};
    k.family = k.endpoint.address.family;
  } else if (const auto* f = std::get_if<config::VsFwmark>(&vs.key)) {
    k.kind = VirtualServerKey::Kind::Fwmark;
    k.fwmark = f->mark;
    k.family = vs.ip_family == config::Family::Inet6 ? Family::Inet6 : Family::Inet;
  } else if (const auto* g = std::get_if<config::VsGroup>(&vs.key)) {
    k.kind = VirtualServerKey::Kind::Group;
    k.group = g->name;
  }
  return k;
}

Definition from_config(const config::Config& cfg, std::vector<std::string>* warnings) {
  Definition def;
  def.globals.router_id = cfg.global.router_id.value_or(host_name());
  def.globals.rs_init_notifies = cfg.global.rs_init_notifies;
  def.globals.no_checker_emails = cfg.global.no_checker_emails;
  if (cfg.ssl) {
    def.globals.ssl.password = cfg.ssl->password.value_or("");
    def.globals.ssl.ca = cfg.ssl->ca.value_or("");
    def.globals.ssl.certificate = cfg.ssl->certificate.value_or("");
    def.globals.ssl.key = cfg.ssl->key.value_or("");
  }
  Builder b{cfg, warnings};
  for (const auto& vs : cfg.virtual_servers) def.virtual_servers.push_back(b.virtual_server(vs));
  return def;
}

}  // namespace stayalived::check
