#include "stayalived/ipvs/desired.hpp"

#include <fmt/format.h>

namespace stayalived::ipvs {

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

Expected<std::vector<Destination>, std::string> pool_destinations(const VirtualServerSpec& vs,
                                                                  std::span<const check::PoolMember> pool) {
  std::vector<Destination> out;
  for (const auto& m : pool) {
    const RealServerSpec* spec = nullptr;
    if (m.sorry) {
      if (vs.sorry_server) spec = &*vs.sorry_server;
    } else {
      const RealServerSpec* by_address = nullptr;
      int same_address = 0;
      for (const auto& rs : vs.real_servers) {
        if (rs.address != m.endpoint.address) continue;
        if (rs.port == m.endpoint.port) {
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
                                    m.endpoint.to_string(), m.sorry ? "settings" : "real servers"));
    out.push_back(make_dest(*spec, vs.forward, m.weight));
  }
  return out;
}

State build_desired(std::span<const VirtualServerSpec> vss, std::span<const check::DesiredPool> pools,
                    std::vector<std::string>* errors) {
  State out;
  for (std::size_t i = 0; i < vss.size() && i < pools.size(); ++i) {
    std::vector<Destination> dests;
    for (const auto& m : pools[i].members) {
      auto d = pool_destinations(vss[i], std::span<const check::PoolMember>(&m, 1));
      if (d)
        dests.push_back(d->front());
      else if (errors != nullptr)
        errors->push_back(d.error());
    }
    put_services(out, vss[i], dests);
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
