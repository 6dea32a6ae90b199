#include "stayalived/ipvs/model.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

namespace stayalived::ipvs {

std::string_view to_string(Forward f) {
  switch (f) {
    case Forward::Masq: return "Masq";
    case Forward::Local: return "Local";
    case Forward::Tunnel: return "Tunnel";
    case Forward::Route: return "Route";
    case Forward::Bypass: return "Bypass";
  }
  return "?";
}

ServiceKey ServiceKey::make(Protocol p, const IpAddress& a, std::uint16_t port) {
  ServiceKey k;
  k.family = a.family;
  k.protocol = p;
  k.address = a;
  k.port = port;
  return k;
}

ServiceKey ServiceKey::fwmark_service(std::uint32_t mark, Family family) {
  ServiceKey k;
  k.family = family;
  k.fwmark = mark;
  k.address.family = family;
  return k;
}

std::string ServiceKey::to_string() const {
  if (is_fwmark()) return family == Family::Inet6 ? fmt::format("FWM {} IPv6", fwmark) : fmt::format("FWM {}", fwmark);
  return fmt::format("{} {}", ipvs::to_string(protocol), address.to_string_with_port(port));
}

bool Destination::same_settings(const Destination& o) const {
  if (forward != o.forward || weight != o.weight || upper_threshold != o.upper_threshold ||
      lower_threshold != o.lower_threshold)
    return false;
  if (forward != Forward::Tunnel) return true;
  return tun_type == o.tun_type && tun_port == o.tun_port && tun_flags == o.tun_flags;
}

ServiceEntry& State::put(const Service& s) {
  auto& e = services[s.key];
  e.service = s;
  return e;
}

bool State::put(const ServiceKey& svc, const Destination& d) {
  auto it = services.find(svc);
  if (it == services.end()) return false;
  it->second.dests[d.key] = d;
  return true;
}

const ServiceEntry* State::find(const ServiceKey& k) const {
  auto it = services.find(k);
  return it == services.end() ? nullptr : &it->second;
}

std::size_t State::dest_count() const {
  std::size_t n = 0;
  for (const auto& [k, e] : services) n += e.dests.size();
  return n;
}

}  // namespace stayalived::ipvs
