// Small builders shared by the ipvs unit tests.
#pragma once

#include <string>

#include "stayalived/ipvs/model.hpp"

namespace ipvs_test {

using namespace stayalived::ipvs;

inline IpAddress ip(const std::string& s) { return *IpAddress::parse(s); }

inline ServiceKey tcp(const std::string& addr, std::uint16_t port) {
  return ServiceKey::make(Protocol::Tcp, ip(addr), port);
}

inline Service service(const ServiceKey& k, const std::string& sched = "wlc") {
  Service s;
  s.key = k;
  s.scheduler = sched;
  s.netmask = Service::default_netmask(k.family);
  return s;
}

inline Destination dest(const std::string& addr, std::uint16_t port, std::uint32_t weight = 1,
                        Forward fwd = Forward::Masq) {
  Destination d;
  d.key = DestKey{ip(addr), port};
  d.weight = weight;
  d.forward = fwd;
  return d;
}

}  // namespace ipvs_test

// The checkers' side of a pool, for tests that go from health to the IPVS plan through the
// one place that decides membership and quorum (check::compute_pool).
#include "stayalived/check/health.hpp"
#include "stayalived/ipvs/desired.hpp"

namespace ipvs_test {

struct PoolRules {
  std::int64_t quorum = 1;
  std::int64_t hysteresis = 0;
  std::vector<bool> inhibit{};  ///< inhibit_on_failure per real server (default: none)
  bool sorry_inhibit = false;
};

/// compute_pool over `vs`'s real servers, alive as given; `quorum_was_up` is the quorum
/// state before (false at start).
inline stayalived::check::PoolStep checker_pool(const VirtualServerSpec& vs, const std::vector<bool>& alive,
                                                bool quorum_was_up, const PoolRules& rules = {}) {
  namespace check = stayalived::check;
  check::VirtualServerDef def;
  def.quorum = rules.quorum;
  def.hysteresis = rules.hysteresis;
  if (vs.sorry_server)
    def.sorry_server = check::SorryServerDef{{vs.sorry_server->address, vs.sorry_server->port}, rules.sorry_inhibit};
  std::vector<check::PoolEntry> entries;
  for (std::size_t i = 0; i < vs.real_servers.size(); ++i) {
    const auto& rs = vs.real_servers[i];
    entries.push_back(check::PoolEntry{
        .endpoint = {rs.address, rs.port},
        .inhibit_on_failure = i < rules.inhibit.size() && rules.inhibit[i],
        .status = check::RealServerStatus{.alive = i < alive.size() ? alive[i] : true, .weight = rs.weight}});
  }
  return check::compute_pool(def, entries, quorum_was_up);
}

}  // namespace ipvs_test
