// Test helpers for the VRRP unit tests: the fixture table captured from keepalived
// (tests/data/vrrp/*.fixtures, see tests/netns/vrrp/lib/pcap2fixtures.py), hex conversion,
// and a fake clock.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "stayalived/common/time.hpp"
#include "stayalived/vrrp/ip.hpp"

namespace vrrp_test {

inline std::vector<std::uint8_t> unhex(const std::string& s) {
  if (s.size() % 2) throw std::invalid_argument("odd hex length");
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i < s.size(); i += 2) v.push_back(static_cast<std::uint8_t>(std::stoul(s.substr(i, 2), nullptr, 16)));
  return v;
}

inline std::string hex(const std::vector<std::uint8_t>& v) {
  static constexpr char k[] = "0123456789abcdef";
  std::string s;
  for (auto b : v) {
    s += k[b >> 4];
    s += k[b & 15];
  }
  return s;
}

/// One captured advert.
struct Fixture {
  std::string name;
  stayalived::vrrp::Family family;
  stayalived::vrrp::IpAddress source;
  stayalived::vrrp::IpAddress destination;
  int ttl;
  std::vector<std::uint8_t> bytes;  // IPv4 packet, or the IPv6 payload
};

inline std::vector<Fixture> load_fixtures(const std::string& file) {
  std::ifstream in(std::string(STAYALIVED_TEST_DATA) + "/vrrp/" + file);
  if (!in) throw std::runtime_error("cannot open fixture file " + file);
  std::vector<Fixture> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name, fam, src, dst, h;
    int ttl = 0;
    ls >> name >> fam >> src >> dst >> ttl >> h;
    out.push_back({name, fam == "inet6" ? stayalived::vrrp::Family::Inet6 : stayalived::vrrp::Family::Inet,
                   *stayalived::vrrp::IpAddress::parse(src), *stayalived::vrrp::IpAddress::parse(dst), ttl, unhex(h)});
  }
  return out;
}

inline stayalived::vrrp::IpAddress ip(const char* s) { return *stayalived::vrrp::IpAddress::parse(s); }

/// The time origin of fake-clock scenarios (any fixed point works; the core reads no clock).
inline stayalived::TimePoint t0() { return stayalived::TimePoint{} + std::chrono::hours(1000); }

}  // namespace vrrp_test
