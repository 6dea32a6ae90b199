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
