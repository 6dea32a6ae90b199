#include "stayalived/ipvs/desired.hpp"

#include <fmt/format.h>

namespace stayalived::ipvs {

EffectiveQuorum effective_quorum(const VirtualServerSpec& vs) {
  std::uint64_t total = 0;
  for (const auto& rs : vs.real_servers) total += rs.weight;
  EffectiveQuorum q{vs.quorum, vs.hysteresis};
  if (q.quorum > total) q.quorum = static_cast<std::uint32_t>(total);
  if (q.hysteresis >= q.quorum) q.hysteresis = q.quorum - 1u;  // wraps for quorum 0, as keepalived
  return q;
}

std::uint64_t live_weight(const VirtualServerSpec& vs, std::span<const RealServerHealth> health) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < vs.real_servers.size(); ++i) {
    RealServerHealth h = i < health.size() ? health[i] : RealServerHealth{};
    if (h.alive) sum += h.weight.value_or(vs.real_servers[i].weight);
  }
  return sum;
}

bool next_quorum(const VirtualServerSpec& vs, std::span<const RealServerHealth> health, bool was_up) {
  EffectiveQuorum q = effective_quorum(vs);
  std::uint64_t sum = live_weight(vs, health);
  // keepalived computes both thresholds in unsigned 32-bit arithmetic.
  std::uint32_t gain = q.quorum + q.hysteresis;
  std::uint32_t loss = q.quorum - q.hysteresis;
  return was_up ? sum >= loss : sum >= gain;
}

VirtualServerStatus initial_status(const VirtualServerSpec& vs) {
  VirtualServerStatus s;
  for (const auto& rs : vs.real_servers) s.real_servers.push_back(RealServerHealth{.alive = !rs.alpha, .weight = {}});
  s.quorum_up = next_quorum(vs, s.real_servers, false);
  return s;
}

namespace {

Destination make_dest(const RealServerSpec& rs, const ForwardSpec& vs_forward, std::uint32_t weight) {
  const ForwardSpec& f = rs.forward ? *rs.forward : vs_forward;
  Destination d;
  d.key = rs.key();
  d.forward = f.method;
  d.weight = weight;
  d.upper_threshold = rs.upper_threshold;
  d.lower_threshold = rs.lower_threshold;
  if (f.method == Forward::Tunnel) {
    d.tun_type = f.tun_type;
    d.tun_port = f.tun_type == TunnelType::Gue ? f.tun_port : 0;
    d.tun_flags = f.tun_flags;
  }
  return d;
}

}  // namespace

std::vector<Destination> desired_pool(const VirtualServerSpec& vs, const VirtualServerStatus& status) {
  std::vector<Destination> out;
  bool sorry_active = vs.sorry_server && !status.quorum_up;
  for (std::size_t i = 0; i < vs.real_servers.size(); ++i) {
    const auto& rs = vs.real_servers[i];
    RealServerHealth h = i < status.real_servers.size() ? status.real_servers[i] : RealServerHealth{};
    // "If a sorry server is configured, all real servers will be brought down when the
    // quorum is not achieved and be replaced with the sorry server" (keepalived.conf(5)).
    if (h.alive && !sorry_active)
      out.push_back(make_dest(rs, vs.forward, h.weight.value_or(rs.weight)));
    else if (rs.inhibit_on_failure)
      out.push_back(make_dest(rs, vs.forward, 0));
  }
  if (vs.sorry_server) {
    if (sorry_active)
      out.push_back(make_dest(*vs.sorry_server, vs.forward, 1));
    else if (vs.sorry_server_inhibit)
      out.push_back(make_dest(*vs.sorry_server, vs.forward, 0));
  }
  return out;
}

namespace {

// Puts a virtual server's services, each with the pool, into `out`.
void put_services(State& out, const VirtualServerSpec& vs, const std::vector<Destination>& pool) {
  for (const auto& key : vs.services) {
    Service s = vs.settings;
    s.key = key;
    auto& e = out.put(s);
    e.dests.clear();
    for (auto d : pool) {
      // Direct routing and tunnels cannot change the port: keepalived gives such a
      // destination the service's port (0 for a fwmark service), per group entry.
      if (d.forward != Forward::Masq) d.key.port = key.is_fwmark() ? 0 : key.port;
      e.dests[d.key] = d;
    }
  }
}

}  // namespace

State build_desired(std::span<const VirtualServerSpec> vss, std::span<const VirtualServerStatus> status) {
  State out;
  for (std::size_t i = 0; i < vss.size(); ++i) {
    const auto& vs = vss[i];
    VirtualServerStatus st = i < status.size() ? status[i] : initial_status(vs);
    put_services(out, vs, desired_pool(vs, st));
  }
  return out;
}

Expected<std::vector<Destination>, std::string> pool_destinations(const VirtualServerSpec& vs,
                                                                  std::span<const PoolMember> pool) {
  std::vector<Destination> out;
  for (const auto& m : pool) {
    const RealServerSpec* spec = nullptr;
    if (m.sorry) {
      if (vs.sorry_server) spec = &*vs.sorry_server;
    } else {
      const RealServerSpec* by_address = nullptr;
      int same_address = 0;
      for (const auto& rs : vs.real_servers) {
        if (rs.address != m.address) continue;
        if (rs.port == m.port) {
          spec = &rs;
          break;
        }
        by_address = &rs;
        ++same_address;
      }
      if (spec == nullptr && same_address == 1) spec = by_address;
    }
    if (spec == nullptr)
      return Unexpected(fmt::format("{}: {} {} is not one of its {}", vs.name, m.sorry ? "sorry server" : "real server",
                                    m.address.to_string_with_port(m.port), m.sorry ? "settings" : "real servers"));
    out.push_back(make_dest(*spec, vs.forward, m.weight));
  }
  return out;
}

State build_desired_from_pools(std::span<const VirtualServerSpec> vss, std::span<const std::vector<PoolMember>> pools,
                               std::vector<std::string>* errors) {
  State out;
  for (std::size_t i = 0; i < vss.size(); ++i) {
    const auto& vs = vss[i];
    if (i >= pools.size()) {
      put_services(out, vs, desired_pool(vs, initial_status(vs)));
      continue;
    }
    std::vector<Destination> dests;
    for (const auto& m : pools[i]) {
      auto d = pool_destinations(vs, std::span<const PoolMember>(&m, 1));
      if (d)
        dests.push_back(d->front());
      else if (errors != nullptr)
        errors->push_back(d.error());
    }
    put_services(out, vs, dests);
  }
  return out;
}

namespace {

// Adds 1 to a big-endian address of `n` bytes; false on overflow.
bool increment(IpAddress& a) {
  for (std::size_t i = a.size(); i-- > 0;) {
    if (++a.bytes[i] != 0) return true;
  }
  return false;
}

}  // namespace

Expected<std::vector<ServiceKey>, std::string> expand_group(std::span<const GroupEntry> entries, Protocol protocol,
                                                            Family fwmark_family, std::uint32_t max_per_range) {
  std::vector<ServiceKey> out;
  for (const auto& e : entries) {
    if (e.fwmark != 0) {
      out.push_back(ServiceKey::fwmark_service(e.fwmark, e.family.value_or(fwmark_family)));
      continue;
    }
    if (e.first.family != e.last.family)
      return Unexpected(fmt::format("range {}-{} mixes address families", e.first.to_string(), e.last.to_string()));
    if (e.last < e.first)
      return Unexpected(fmt::format("range {}-{} ends before it starts", e.first.to_string(), e.last.to_string()));
    IpAddress a = e.first;
    std::uint32_t n = 0;
    for (;;) {
      if (++n > max_per_range)
        return Unexpected(fmt::format("range {}-{} has more than {} addresses", e.first.to_string(),
                                      e.last.to_string(), max_per_range));
      out.push_back(ServiceKey::make(protocol, a, e.port));
      if (a == e.last || !increment(a)) break;
    }
  }
  return out;
}

}  // namespace stayalived::ipvs
