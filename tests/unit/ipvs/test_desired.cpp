// keepalived's rules from virtual servers + health to destinations: inhibit_on_failure,
// quorum with hysteresis, sorry server, alpha, groups.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "stayalived/ipvs/desired.hpp"

using namespace ipvs_test;

namespace {

VirtualServerSpec two_servers() {
  VirtualServerSpec vs;
  vs.services = {tcp("10.0.0.8", 80)};
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.1"), .port = 80, .weight = 2},
                     RealServerSpec{.address = ip("10.0.1.2"), .port = 80, .weight = 2}};
  return vs;
}

std::vector<RealServerHealth> health(std::initializer_list<bool> alive) {
  std::vector<RealServerHealth> h;
  for (bool a : alive) h.push_back(RealServerHealth{.alive = a, .weight = {}});
  return h;
}

}  // namespace

TEST_CASE("desired: keepalived lowers quorum to the total weight and hysteresis below quorum") {
  auto vs = two_servers();
  vs.quorum = 5;
  CHECK(effective_quorum(vs).quorum == 4);
  vs.quorum = 2;
  vs.hysteresis = 2;
  CHECK(effective_quorum(vs).hysteresis == 1);
  vs.real_servers[0].weight = vs.real_servers[1].weight = 0;
  vs.hysteresis = 0;
  auto q = effective_quorum(vs);
  CHECK(q.quorum == 0);
  CHECK(q.hysteresis == 4294967295u);  // as keepalived logs it
}

TEST_CASE("desired: quorum with hysteresis, as keepalived counts it") {
  auto vs = two_servers();  // total weight 4
  vs.quorum = 3;
  vs.hysteresis = 1;
  // Start: up only if live weight >= quorum + hysteresis (4).
  CHECK(next_quorum(vs, health({true, true}), false));
  CHECK_FALSE(next_quorum(vs, health({true, false}), false));
  // Up: stays up until below quorum - hysteresis (2).
  CHECK(next_quorum(vs, health({true, false}), true));
  CHECK_FALSE(next_quorum(vs, health({false, false}), true));
  // A checker-set weight counts instead of the configured one.
  auto h = health({true, false});
  h[0].weight = 4;
  CHECK(next_quorum(vs, h, false));
  CHECK(live_weight(vs, h) == 4);
}

TEST_CASE("desired: alpha servers start down; initial quorum follows") {
  auto vs = two_servers();
  vs.quorum = 2;
  vs.hysteresis = 1;
  vs.real_servers[0].alpha = true;
  auto st = initial_status(vs);
  CHECK_FALSE(st.real_servers[0].alive);
  CHECK(st.real_servers[1].alive);
  CHECK_FALSE(st.quorum_up);  // 2 < 2 + 1, keepalived: "Starting with quorum down"
}

TEST_CASE("desired: dead servers leave, or stay at weight 0 with inhibit_on_failure") {
  auto vs = two_servers();
  vs.real_servers[1].inhibit_on_failure = true;
  VirtualServerStatus st{.real_servers = health({false, false}), .quorum_up = true};
  auto pool = desired_pool(vs, st);
  REQUIRE(pool.size() == 1);
  CHECK(pool[0].key == DestKey{ip("10.0.1.2"), 80});
  CHECK(pool[0].weight == 0);
  st.real_servers = health({true, true});
  st.real_servers[0].weight = 7;
  pool = desired_pool(vs, st);
  REQUIRE(pool.size() == 2);
  CHECK(pool[0].weight == 7);
  CHECK(pool[1].weight == 2);
}

TEST_CASE("desired: sorry server replaces every real server while the quorum is down") {
  auto vs = two_servers();
  vs.real_servers[1].inhibit_on_failure = true;
  vs.sorry_server = RealServerSpec{.address = ip("10.0.1.99"), .port = 80, .weight = 50};
  VirtualServerStatus st{.real_servers = health({true, true}), .quorum_up = false};
  auto pool = desired_pool(vs, st);
  // The live, non-inhibit one leaves; the inhibit one stays at 0; sorry at weight 1.
  REQUIRE(pool.size() == 2);
  CHECK(pool[0].key == DestKey{ip("10.0.1.2"), 80});
  CHECK(pool[0].weight == 0);
  CHECK(pool[1].key == DestKey{ip("10.0.1.99"), 80});
  CHECK(pool[1].weight == 1);
  st.quorum_up = true;
  pool = desired_pool(vs, st);
  CHECK(pool.size() == 2);
  for (const auto& d : pool) CHECK(d.key.address != ip("10.0.1.99"));
  // sorry_server_inhibit: present at weight 0 while not needed.
  vs.sorry_server_inhibit = true;
  pool = desired_pool(vs, st);
  REQUIRE(pool.size() == 3);
  CHECK(pool[2].weight == 0);
}

TEST_CASE("desired: without a sorry server a lost quorum changes nothing in the pool") {
  auto vs = two_servers();
  VirtualServerStatus st{.real_servers = health({true, false}), .quorum_up = false};
  auto pool = desired_pool(vs, st);
  REQUIRE(pool.size() == 1);
  CHECK(pool[0].weight == 2);
}

TEST_CASE("desired: forwarding comes from the real server, else the virtual server") {
  auto vs = two_servers();
  vs.forward = ForwardSpec{.method = Forward::Route};
  vs.real_servers[1].forward = ForwardSpec{.method = Forward::Tunnel, .tun_type = TunnelType::Gue, .tun_port = 6080,
                                           .tun_flags = tun_flag::kCsum};
  vs.sorry_server = RealServerSpec{.address = ip("10.0.1.99"), .port = 80,
                                   .forward = ForwardSpec{.method = Forward::Masq}};
  auto pool = desired_pool(vs, VirtualServerStatus{.real_servers = health({true, true}), .quorum_up = false});
  REQUIRE(pool.size() == 1);
  CHECK(pool[0].forward == Forward::Masq);  // the sorry server's own lvs_method
  pool = desired_pool(vs, initial_status(vs));
  REQUIRE(pool.size() == 2);
  CHECK(pool[0].forward == Forward::Route);
  CHECK(pool[0].tun_port == 0);
  CHECK(pool[1].forward == Forward::Tunnel);
  CHECK(pool[1].tun_type == TunnelType::Gue);
  CHECK(pool[1].tun_port == 6080);
  CHECK(pool[1].tun_flags == tun_flag::kCsum);
}

TEST_CASE("desired: build_desired gives every service of a group the same pool and settings") {
  auto vs = two_servers();
  vs.services = {tcp("10.0.2.1", 80), tcp("10.0.2.2", 80), ServiceKey::fwmark_service(9)};
  vs.settings.scheduler = "rr";
  vs.settings.flags = svc_flag::kPersistent;
  vs.settings.timeout = 360;
  std::vector<VirtualServerSpec> vss{vs};
  State s = build_desired(vss, {});
  REQUIRE(s.services.size() == 3);
  for (const auto& [k, e] : s.services) {
    CHECK(e.service.key == k);
    CHECK(e.service.scheduler == "rr");
    CHECK(e.service.timeout == 360);
    CHECK(e.dests.size() == 2);
  }
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
  State s = build_desired(vss, {});
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
  std::vector<std::vector<PoolMember>> pools{{{.address = ip("10.0.1.1"), .port = 8080, .weight = 3},
                                              {.address = ip("10.0.1.3"), .port = 80, .weight = 0}}};
  std::vector<std::string> errors;
  State s = build_desired_from_pools(vss, pools, &errors);
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
  pools = {{{.address = ip("10.0.1.99"), .port = 80, .weight = 1, .sorry = true}}};
  s = build_desired_from_pools(vss, pools, &errors);
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.size() == 1);
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.begin()->second.weight == 1);
  // A member that is not in the config is named, and the rest still goes in.
  pools = {{{.address = ip("10.9.9.9"), .port = 80, .weight = 1}, {.address = ip("10.0.1.2"), .port = 80, .weight = 1}}};
  s = build_desired_from_pools(vss, pools, &errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "[10.0.0.1]:tcp:80: real server 10.9.9.9:80 is not one of its real servers");
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.size() == 1);
  // Without a pool yet: keepalived's start-up state.
  s = build_desired_from_pools(vss, {});
  CHECK(s.find(tcp("10.0.0.1", 80))->dests.size() == 3);
}
