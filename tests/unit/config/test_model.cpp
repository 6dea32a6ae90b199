// The typed model: defaults, equality ignoring locations, address value types.
#include <doctest/doctest.h>

#include "stayalived/config/model.hpp"

using namespace stayalived::config;

TEST_CASE("IpAddress parses and prints IPv4 and IPv6, and rejects garbage") {
  const auto a = IpAddress::parse("192.0.2.1");
  REQUIRE(a);
  CHECK(a->is_v4());
  CHECK(*a == IpAddress::v4(192, 0, 2, 1));
  CHECK(a->to_string() == "192.0.2.1");
  CHECK(a->v4_host_order() == 0xc0000201u);

  const auto b = IpAddress::parse("2001:db8::1");
  REQUIRE(b);
  CHECK(b->is_v6());
  CHECK(b->to_string() == "2001:db8::1");
  CHECK(IpAddress::parse("fe80::1")->is_link_local());
  CHECK(IpAddress::parse("224.0.0.18")->is_multicast());
  CHECK(IpAddress::parse("ff02::12")->is_multicast());

  CHECK_FALSE(IpAddress::parse(""));
  CHECK_FALSE(IpAddress::parse("192.0.2"));
  CHECK_FALSE(IpAddress::parse("192.0.2.256"));
  CHECK_FALSE(IpAddress::parse("x.x.x.x"));
  CHECK_FALSE(IpAddress::parse("1.2.3.4/24"));
  CHECK(*IpAddress::parse("10.0.0.1") < *IpAddress::parse("10.0.0.2"));
}

TEST_CASE("IpPrefix: default length is the full width, host bits are kept, bad lengths fail") {
  const auto p = IpPrefix::parse("10.1.2.3/24");
  REQUIRE(p);
  CHECK(p->length == 24);
  CHECK(p->address.to_string() == "10.1.2.3");
  CHECK(p->network().to_string() == "10.1.2.0");
  CHECK(p->contains(*IpAddress::parse("10.1.2.200")));
  CHECK_FALSE(p->contains(*IpAddress::parse("10.1.3.1")));
  CHECK(IpPrefix::parse("10.1.2.3")->length == 32);
  CHECK(IpPrefix::parse("2001:db8::1")->length == 128);
  CHECK(IpPrefix::parse("2001:db8::/33")->network().to_string() == "2001:db8::");
  CHECK_FALSE(IpPrefix::parse("10.0.0.1/33"));
  CHECK_FALSE(IpPrefix::parse("10.0.0.1/"));
  CHECK_FALSE(IpPrefix::parse("10.0.0.1/2x"));
  CHECK(netmask_to_prefix(*IpAddress::parse("255.255.255.0")) == 24);
  CHECK_FALSE(netmask_to_prefix(*IpAddress::parse("255.0.255.0")));
}

TEST_CASE("model defaults are keepalived's") {
  const VrrpInstance vi;
  CHECK(vi.priority == 100);
  CHECK(vi.advert_int == stayalived::centiseconds{100});
  CHECK(vi.version == 2);
  CHECK_FALSE(vi.virtual_router_id);
  const GlobalDefs g;
  CHECK(g.vrrp_mcast_group4.to_string() == "224.0.0.18");
  CHECK(g.vrrp_mcast_group6.to_string() == "ff02::12");
  CHECK(g.smtp_connect_timeout == std::chrono::seconds{30});
  const VirtualServer vs;
  CHECK(vs.scheduler == Scheduler::Wlc);
  CHECK(vs.delay_loop == std::chrono::seconds{60});
  CHECK(vs.quorum == 1);
}

TEST_CASE("equality ignores source locations but sees every value") {
  Config a;
  VrrpInstance vi;
  vi.name = "VI_1";
  vi.loc = Loc{0, 10, 1};
  VirtualAddress vip;
  vip.address = *IpPrefix::parse("192.0.2.10/24");
  vip.loc = Loc{0, 12, 5};
  vi.virtual_ipaddress.push_back(vip);
  a.vrrp_instances.push_back(vi);
  a.files.names = {"a.conf"};

  Config b = a;
  b.vrrp_instances[0].loc = Loc{3, 99, 7};
  b.vrrp_instances[0].virtual_ipaddress[0].loc = Loc{1, 1, 1};
  b.files.names = {"other.conf", "x.conf"};
  CHECK(a == b);  // moved lines, other file names: same config

  b.vrrp_instances[0].virtual_ipaddress[0].address.length = 25;
  CHECK_FALSE(a == b);
  b = a;
  b.vrrp_instances[0].priority = 101;
  CHECK_FALSE(a == b);
}

TEST_CASE("Checker::kind follows the spec alternative and the ssl flag") {
  Checker c;
  CHECK(c.kind() == CheckerKind::Tcp);
  c.spec = HttpCheck{};
  CHECK(c.kind() == CheckerKind::Http);
  std::get<HttpCheck>(c.spec).ssl = true;
  CHECK(c.kind() == CheckerKind::Ssl);
  c.spec = FileCheck{};
  CHECK(c.kind() == CheckerKind::File);
  CHECK(to_string(CheckerKind::Ssl) == "SSL_GET");
  CHECK(to_string(CheckerKind::Bfd) == "BFD_CHECK");
}

TEST_CASE("enum names round-trip") {
  for (auto s : {Scheduler::Rr, Scheduler::Wlc, Scheduler::Twos, Scheduler::Mh})
    CHECK(parse_scheduler(to_string(s)) == s);
  CHECK_FALSE(parse_scheduler("foo"));
  CHECK(parse_dns_type("aaaa") == DnsType::Aaaa);
  CHECK(parse_dns_type("SOA") == DnsType::Soa);
  CHECK_FALSE(parse_dns_type("PTR"));
  Config c;
  VrrpScript s;
  s.name = "chk";
  c.vrrp_scripts.push_back(s);
  CHECK(c.find_vrrp_script("chk") == &c.vrrp_scripts[0]);
  CHECK(c.find_vrrp_script("nope") == nullptr);
}

TEST_CASE("without_real_servers keeps every other part of a config") {
  Config c;
  c.global.router_id = "lb1";
  c.linkbeat_interfaces.emplace_back();
  c.interface_up_down_delays.emplace_back();
  c.track_groups.emplace_back();
  c.static_ipaddresses.emplace_back();
  c.static_routes.emplace_back();
  c.static_rules.emplace_back();
  c.bfd_instances.emplace_back();
  c.vrrp_scripts.emplace_back();
  c.track_files.emplace_back();
  c.track_processes.emplace_back();
  c.garp_groups.emplace_back();
  c.sync_groups.emplace_back();
  c.vrrp_instances.emplace_back();
  c.ssl.emplace();
  c.virtual_server_groups.emplace_back();
  VirtualServer& vs = c.virtual_servers.emplace_back();
  vs.quorum = 3;
  vs.real_servers.resize(2);
  vs.real_servers[1].checkers.emplace_back();

  const Config lean = c.without_real_servers();
  CHECK(lean.virtual_servers.size() == 1);
  CHECK(lean.virtual_servers[0].quorum == 3);
  CHECK(lean.virtual_servers[0].real_servers.empty());
  CHECK_FALSE(lean == c);
  // Every member but the real servers: a member left out of the copy would be empty here.
  Config expected = c;
  expected.virtual_servers[0].real_servers.clear();
  CHECK(lean == expected);
}
