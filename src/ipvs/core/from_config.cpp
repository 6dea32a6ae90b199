#include "stayalived/ipvs/from_config.hpp"

#include <fmt/format.h>

namespace stayalived::ipvs {

std::string_view scheduler_name(config::Scheduler s) {
  using S = config::Scheduler;
  switch (s) {
    case S::Rr: return "rr";
    case S::Wrr: return "wrr";
    case S::Lc: return "lc";
    case S::Wlc: return "wlc";
    case S::Lblc: return "lblc";
    case S::Sh: return "sh";
    case S::Mh: return "mh";
    case S::Dh: return "dh";
    case S::Fo: return "fo";
    case S::Ovf: return "ovf";
    case S::Lblcr: return "lblcr";
    case S::Sed: return "sed";
    case S::Nq: return "nq";
    case S::Twos: return "twos";
  }
  return "wlc";
}

namespace {

ForwardSpec to_forward(const config::Forwarding& f) {
  ForwardSpec out;
  switch (f.method) {
    case config::ForwardingMethod::Nat: out.method = Forward::Masq; break;
    case config::ForwardingMethod::Dr: out.method = Forward::Route; break;
    case config::ForwardingMethod::Tun: out.method = Forward::Tunnel; break;
  }
  if (out.method == Forward::Tunnel) {
    switch (f.tunnel_type) {
      case config::TunnelType::Ipip: out.tun_type = TunnelType::Ipip; break;
      case config::TunnelType::Gue: out.tun_type = TunnelType::Gue; break;
      case config::TunnelType::Gre: out.tun_type = TunnelType::Gre; break;
    }
    out.tun_port = out.tun_type == TunnelType::Gue ? f.tunnel_port : 0;
    switch (f.tunnel_checksum) {
      case config::TunnelChecksum::NoCsum: out.tun_flags = tun_flag::kNoCsum; break;
      case config::TunnelChecksum::Csum: out.tun_flags = tun_flag::kCsum; break;
      case config::TunnelChecksum::RemCsum: out.tun_flags = tun_flag::kRemCsum; break;
    }
  }
  return out;
}

// keepalived.conf(5): a fwmark service takes ip_family if given; else the family of its
// non-tunnelled real/sorry servers; else, all tunnelled, their common family, or IPv4.
Family fwmark_family(const config::VirtualServer& vs) {
  if (vs.ip_family) return *vs.ip_family;
  std::optional<Family> direct, any;
  bool mixed = false;
  auto see = [&](const config::IpAddress& a, bool tunnelled) {
    const Family f = a.family;
    if (!tunnelled && !direct) direct = f;
    if (any && *any != f) mixed = true;
    if (!any) any = f;
  };
  for (const auto& rs : vs.real_servers) see(rs.address, rs.forwarding.method == config::ForwardingMethod::Tun);
  if (vs.sorry_server) {
    const config::Forwarding& f = vs.sorry_server_forwarding ? *vs.sorry_server_forwarding : vs.forwarding;
    see(vs.sorry_server->address, f.method == config::ForwardingMethod::Tun);
  }
  if (direct) return *direct;
  if (any && !mixed) return *any;
  return Family::Inet;
}

std::string vs_name(const config::VirtualServer& vs) {
  std::string proto(config::to_string(vs.protocol));
  for (auto& ch : proto) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (const auto* a = std::get_if<config::VsAddress>(&vs.key))
    return fmt::format("[{}]:{}:{}", a->address.to_string(), proto, a->port);
  if (const auto* f = std::get_if<config::VsFwmark>(&vs.key)) return fmt::format("FWM {}", f->mark);
  return fmt::format("[{}]:0", std::get<config::VsGroup>(vs.key).name);
}

RealServerSpec real_server(const config::RealServer& rs) {
  RealServerSpec out;
  out.address = rs.address;
  out.port = rs.port;
  out.weight = rs.weight < 0 ? 0u : static_cast<std::uint32_t>(rs.weight);
  out.forward = to_forward(rs.forwarding);
  out.upper_threshold = rs.uthreshold;
  out.lower_threshold = rs.lthreshold;
  return out;
}

}  // namespace

Expected<IpvsConfig, std::string> from_config(const config::Config& c) {
  IpvsConfig out;
  const auto& g = c.global;
  out.options.flush_at_start = g.lvs_flush;
  switch (g.lvs_flush_on_stop) {
    case config::LvsFlushOnStop::No: out.options.stop_mode = StopMode::RemoveEach; break;
    case config::LvsFlushOnStop::All: out.options.stop_mode = StopMode::FlushAll; break;
    case config::LvsFlushOnStop::VirtualServers: out.options.stop_mode = StopMode::RemoveServices; break;
  }
  const auto& t = g.lvs_timeouts;
  if (t.tcp || t.tcp_fin || t.udp) {
    out.options.timeouts = Timeouts{.tcp = t.tcp ? static_cast<std::uint32_t>(t.tcp->count()) : 0u,
                                    .tcp_fin = t.tcp_fin ? static_cast<std::uint32_t>(t.tcp_fin->count()) : 0u,
                                    .udp = t.udp ? static_cast<std::uint32_t>(t.udp->count()) : 0u};
  }
  if (g.lvs_sync_daemon) {
    const auto& s = *g.lvs_sync_daemon;
    SyncDaemonConfig sd;
    sd.interface = s.interface;
    sd.vrrp_instance = s.vrrp_instance;
    if (s.sync_id) {
      sd.sync_id = *s.sync_id;
    } else if (s.vrrp_instance) {
      // "syncid (0 to 255) for lvs syncd, default is the VRID of vrrp instance"
      const auto* inst = c.find_vrrp_instance(*s.vrrp_instance);
      if (inst != nullptr && inst->virtual_router_id) sd.sync_id = *inst->virtual_router_id;
    }
    sd.max_len = s.max_len.value_or(0);
    sd.port = s.port.value_or(0);
    sd.ttl = s.ttl.value_or(0);
    if (s.group) sd.group = *s.group;
    out.sync_daemon = sd;
  }

  for (const auto& vs : c.virtual_servers) {
    VirtualServerSpec spec;
    spec.name = vs_name(vs);
    Protocol proto = vs.protocol;
    const Family fwm_family = fwmark_family(vs);
    if (const auto* a = std::get_if<config::VsAddress>(&vs.key)) {
      spec.services.push_back(ServiceKey::make(proto, a->address, a->port));
    } else if (const auto* f = std::get_if<config::VsFwmark>(&vs.key)) {
      spec.services.push_back(ServiceKey::fwmark_service(f->mark, fwm_family));
    } else {
      const auto& name = std::get<config::VsGroup>(vs.key).name;
      const config::VirtualServerGroup* grp = c.find_virtual_server_group(name);
      if (grp == nullptr) return Unexpected(fmt::format("virtual_server group {}: no such virtual_server_group", name));
      std::vector<GroupEntry> entries;
      for (const auto& r : grp->addresses)
        entries.push_back(GroupEntry{.first = r.first, .last = r.last, .port = r.port});
      for (const auto& m : grp->fwmarks) {
        GroupEntry e;
        e.fwmark = m.mark;
        e.family = m.family;
        entries.push_back(e);
      }
      auto keys = expand_group(entries, proto, fwm_family);
      if (!keys) return Unexpected(fmt::format("virtual_server_group {}: {}", name, keys.error()));
      spec.services = std::move(*keys);
    }

    Service& s = spec.settings;
    s.scheduler = std::string(scheduler_name(vs.scheduler));
    if (vs.sched_flag1) s.flags |= svc_flag::kSched1;
    if (vs.sched_flag2) s.flags |= svc_flag::kSched2;
    if (vs.sched_flag3) s.flags |= svc_flag::kSched3;
    // "one packet scheduling requires UDP - resetting" (keepalived 2.2.7).
    if (vs.ops && vs.protocol == config::Protocol::Udp && !std::holds_alternative<config::VsFwmark>(vs.key))
      s.flags |= svc_flag::kOnePacket;
    else if (vs.ops)
      out.warnings.push_back(fmt::format("Virtual server {}: one packet scheduling requires UDP - resetting", spec.name));
    if (vs.hashed && vs.scheduler != config::Scheduler::Sh)
      out.warnings.push_back(fmt::format("{}: hashed only applies to sh scheduler - ignoring", spec.name));
    // Persistence: a granularity (or engine) without a timeout still makes the service
    // persistent, with keepalived's default timeout of 360 s.
    if (vs.persistence_timeout || vs.persistence_granularity) {
      s.flags |= svc_flag::kPersistent;
      s.timeout = vs.persistence_timeout ? static_cast<std::uint32_t>(vs.persistence_timeout->count()) : 360u;
    }
    // A persistence engine only takes effect on a persistent service (keepalived 2.2.7
    // programs none without persistence_timeout or _granularity).
    if (vs.persistence_engine && (s.flags & svc_flag::kPersistent)) s.pe_name = *vs.persistence_engine;
    const Family family = spec.services.empty() ? Family::Inet : spec.services.front().family;
    s.netmask = Service::default_netmask(family);
    if (vs.persistence_granularity) {
      const auto& m = *vs.persistence_granularity;
      if (family == Family::Inet6) {
        // For IPv6 services the kernel takes a prefix length.
        s.netmask = config::netmask_to_prefix(m).value_or(128);
      } else if (m.is_v4()) {
        s.netmask = m.v4_host_order();
      }
    }
    spec.forward = to_forward(vs.forwarding);
    const auto* vs_addr = std::get_if<config::VsAddress>(&vs.key);
    for (const auto& rs : vs.real_servers) {
      RealServerSpec r = real_server(rs);
      bool direct = r.forward->method != Forward::Masq;
      if (vs_addr != nullptr) {
        // keepalived: a real server without a port takes the virtual server's; DR and TUN
        // cannot translate ports, so a different one is reset.
        if (r.port == 0) {
          r.port = vs_addr->port;
        } else if (direct && r.port != vs_addr->port) {
          out.warnings.push_back(fmt::format("WARNING - virtual server {} and real server {} ports don't match - "
                                             "resetting",
                                             spec.name, r.key().to_string()));
          r.port = vs_addr->port;
        }
      } else if (std::holds_alternative<config::VsFwmark>(vs.key) && direct && r.port != 0) {
        out.warnings.push_back(fmt::format("WARNING - fwmark virtual server {}, real server {} has port specified - "
                                           "clearing",
                                           spec.name, r.key().to_string()));
        r.port = 0;
      }
      spec.real_servers.push_back(r);
    }
    if (vs.sorry_server) {
      RealServerSpec sorry;
      sorry.address = vs.sorry_server->address;
      sorry.port = vs.sorry_server->port;
      sorry.forward = to_forward(vs.sorry_server_forwarding ? *vs.sorry_server_forwarding : vs.forwarding);
      spec.sorry_server = sorry;
    }
    out.virtual_servers.push_back(std::move(spec));
  }
  return out;
}

}  // namespace stayalived::ipvs
