// From virtual servers and the checkers' pools to the IPVS table: groups, settings, each
// member's forwarding and thresholds, DR/TUN ports. (Who is in a pool, quorum and the
// sorry server are the checkers': tests/unit/check/test_health.cpp.)
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "stayalived/ipvs/desired.hpp"

using namespace ipvs_test;
using stayalived::check::DesiredPool;
using stayalived::check::PoolMember;

namespace {

VirtualServerSpec two_servers() {
  VirtualServerSpec vs;
  vs.services = {tcp("10.0.0.8", 80)};
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.1"), .port = 80, .weight = 2},
                     RealServerSpec{.address = ip("10.0.1.2"), .port = 80, .weight = 2}};
  return vs;
}

PoolMember member(const char* a, std::uint16_t port, std::uint32_t weight, bool sorry = false) {
  return PoolMember{.endpoint = {ip(a), port}, .weight = weight, .sorry = sorry};
}

// The pool the checkers publish for a virtual server whose real servers are all up.
DesiredPool all_up(const VirtualServerSpec& vs) {
  DesiredPool p;
  for (const auto& rs : vs.real_servers) p.members.push_back(PoolMember{.endpoint = {rs.address, rs.port}, .weight = rs.weight, .sorry = false});
  return p;
}

}  // namespace

TEST_CASE("desired: forwarding comes from the real server, else the virtual server") {
  auto vs = two_servers();
  vs.forward = ForwardSpec{.method = Forward::Route};
  vs.real_servers[1].forward = ForwardSpec{.method = Forward::Tunnel, .tun_type = TunnelType::Gue, .tun_port = 6080,
                                           .tun_flags = tun_flag::kCsum};
  vs.sorry_server = RealServerSpec{.address = ip("10.0.1.99"), .port = 80,
                                   .forward = ForwardSpec{.method = Forward::Masq}};
  const std::vector<PoolMember> sorry{member("10.0.1.99", 80, 1, true)};
  auto pool = pool_destinations(vs, sorry);
  REQUIRE(pool);
  REQUIRE(pool->size() == 1);
  CHECK((*pool)[0].forward == Forward::Masq);  // the sorry server's own lvs_method
  const auto up = all_up(vs);
  pool = pool_destinations(vs, up.members);
  REQUIRE(pool);
  REQUIRE(pool->size() == 2);
  CHECK((*pool)[0].forward == Forward::Route);
  CHECK((*pool)[0].tun_port == 0);
  CHECK((*pool)[1].forward == Forward::Tunnel);
  CHECK((*pool)[1].tun_type == TunnelType::Gue);
  CHECK((*pool)[1].tun_port == 6080);
  CHECK((*pool)[1].tun_flags == tun_flag::kCsum);
}

TEST_CASE("desired: build_desired gives every service of a group the same pool and settings") {
  auto vs = two_servers();
  vs.services = {tcp("10.0.2.1", 80), tcp("10.0.2.2", 80), ServiceKey::fwmark_service(9)};
  vs.settings.scheduler = "rr";
  vs.settings.flags = svc_flag::kPersistent;
  vs.settings.timeout = 360;
  std::vector<VirtualServerSpec> vss{vs};
  std::vector<DesiredPool> pools{all_up(vs)};
  State s = build_desired(vss, pools);
  REQUIRE(s.services.size() == 3);
  for (const auto& [k, e] : s.services) {
    CHECK(e.service.key == k);
    CHECK(e.service.scheduler == "rr");
    CHECK(e.service.timeout == 360);
    CHECK(e.dests.size() == 2);
  }
  // Without the checkers' pool, the virtual server is not wanted yet.
  CHECK(build_desired(vss, {}).services.empty());
}

TEST_CASE("desired: group ranges expand inclusively, IPv4 and IPv6, with bounds") {
  std::vector<GroupEntry> g{{.first = ip("10.0.2.254"), .last = ip("10.0.3.1"), .port = 80}};
  auto keys = expand_group(g, Protocol::Udp);
  REQUIRE(keys);
  REQUIRE(keys->size() == 4);
  CHECK((*keys)[0].to_string() == "UDP 10.0.2.254:80");
  CHECK((*keys)[3].to_string() == "UDP 10.0.3.1:80");
  g = {{.first = ip("2001:db8::ffff"), .last = ip("2001:db8::1:1"), .port = 53}};
  keys = expand_group(g, Protocol::Tcp);
  REQUIRE(keys);
  REQUIRE(keys->size() == 3);
  CHECK((*keys)[1].to_string() == "TCP [2001:db8::1:0]:53");
  g = {{.first = {}, .last = {}, .port = 0, .fwmark = 4, .family = Family::Inet6}};
  keys = expand_group(g, Protocol::Tcp);
  REQUIRE(keys);
  CHECK((*keys)[0] == ServiceKey::fwmark_service(4, Family::Inet6));
  CHECK_FALSE(expand_group(std::vector<GroupEntry>{{.first = ip("10.0.0.5"), .last = ip("10.0.0.1"), .port = 1}},
                           Protocol::Tcp));
  CHECK_FALSE(expand_group(std::vector<GroupEntry>{{.first = ip("10.0.0.1"), .last = ip("::1"), .port = 1}},
                           Protocol::Tcp));
  CHECK_FALSE(expand_group(std::vector<GroupEntry>{{.first = ip("10.0.0.0"), .last = ip("10.1.0.0"), .port = 1}},
                           Protocol::Tcp, Family::Inet, 1000));
  // The last address of the space ends the range instead of wrapping.
  keys = expand_group(std::vector<GroupEntry>{{.first = ip("255.255.255.254"), .last = ip("255.255.255.255"), .port = 1}},
                      Protocol::Tcp);
  REQUIRE(keys);
  CHECK(keys->size() == 2);
}

TEST_CASE("desired: DR and TUN destinations take each service's port, NAT keep theirs") {
  VirtualServerSpec vs;
  vs.services = {tcp("10.0.2.1", 80), tcp("10.0.2.2", 81), ServiceKey::fwmark_service(3)};
  vs.forward = ForwardSpec{.method = Forward::Route};
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.1"), .port = 8080},
                     RealServerSpec{.address = ip("10.0.1.2"), .port = 0,
                                    .forward = ForwardSpec{.method = Forward::Masq}}};
  std::vector<VirtualServerSpec> vss{vs};
  std::vector<DesiredPool> pools{all_up(vs)};
  State s = build_desired(vss, pools);
  auto ports = [&](const ServiceKey& k) {
    std::vector<std::string> out;
    for (const auto& [dk, d] : s.find(k)->dests) out.push_back(dk.to_string());
    return out;
  };
  CHECK(ports(tcp("10.0.2.1", 80)) == std::vector<std::string>{"10.0.1.1:80", "10.0.1.2:0"});
  CHECK(ports(tcp("10.0.2.2", 81)) == std::vector<std::string>{"10.0.1.1:81", "10.0.1.2:0"});
  CHECK(ports(ServiceKey::fwmark_service(3)) == std::vector<std::string>{"10.0.1.1:0", "10.0.1.2:0"});
}

TEST_CASE("desired: the checkers' pools map onto destinations with the spec's settings") {
  VirtualServerSpec vs;
  vs.name = "[10.0.0.1]:tcp:80";
  vs.services = {tcp("10.0.0.1", 80), tcp("10.0.0.2", 80)};
  vs.forward = ForwardSpec{.method = Forward::Route};
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.1"), .port = 80, .upper_threshold = 50},
                     RealServerSpec{.address = ip("10.0.1.2"), .port = 80},
                     RealServerSpec{.address = ip("10.0.1.3"), .port = 80,
                                    .forward = ForwardSpec{.method = Forward::Masq}}};
  vs.sorry_server = RealServerSpec{.address = ip("10.0.1.99"), .port = 80};
  std::vector<VirtualServerSpec> vss{vs};
  // 10.0.1.2 is down (absent), 10.0.1.3 inhibited; a DR member reported with its
  // configured port 8080 still finds its real server (the spec reset it to 80).
  std::vector<DesiredPool> pools{DesiredPool{.vs = {}, .members = {member("10.0.1.1", 8080, 3), member("10.0.1.3", 80, 0)},
                                             .quorum_up = true, .sorry_active = false}};
  std::vector<std::string> errors;
  State s = build_desired(vss, pools, &errors);
  CHECK(errors.empty());
  REQUIRE(s.services.size() == 2);
  for (const auto& [k, e] : s.services) {
    REQUIRE(e.dests.size() == 2);
    const auto& dr = e.dests.at(DestKey{ip("10.0.1.1"), k.port});
    CHECK(dr.forward == Forward::Route);
    CHECK(dr.weight == 3);
    CHECK(dr.upper_threshold == 50);
    CHECK(e.dests.at(DestKey{ip("10.0.1.3"), 80}).weight == 0);
  }
  // The sorry server standing in.
  pools[0].members = {member("10.0.1.99", 80, 1, true)};
  s = build_desired(vss, pools, &errors);
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.size() == 1);
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.begin()->second.weight == 1);
  // A member that is not in the config is named, and the rest still goes in.
  pools[0].members = {member("10.9.9.9", 80, 1), member("10.0.1.2", 80, 1)};
  s = build_desired(vss, pools, &errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "[10.0.0.1]:tcp:80: real server 10.9.9.9:80 is not one of its real servers");
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.size() == 1);
}
