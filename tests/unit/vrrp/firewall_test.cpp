// The nft commands of the VRRP firewall: the tables keepalived 2.2.7 builds (measured with
// `nft list ruleset` in a namespace; tests/netns/vrrp/firewall.interop.sh compares the two
// daemons' tables in the kernel).
#include <doctest/doctest.h>

#include "stayalived/config/load.hpp"
#include "stayalived/vrrp/firewall.hpp"

using namespace stayalived;
using namespace stayalived::vrrp;

TEST_CASE("firewall: the IPv4 table, its set and two chains that drop the set") {
  const std::string s = nft_create_table(Family::Inet, FirewallOptions{});
  CHECK(s ==
        "add table ip keepalived\ndelete table ip keepalived\nadd table ip keepalived\n"
        "add set ip keepalived vips { type ipv4_addr; }\n"
        "add chain ip keepalived out { type filter hook output priority -1; policy accept; }\n"
        "add chain ip keepalived in { type filter hook input priority -1; policy accept; }\n"
        "add rule ip keepalived out ip saddr @vips drop\n"
        "add rule ip keepalived in ip daddr @vips drop\n");
}

TEST_CASE("firewall: the IPv6 table lets neighbour discovery through and sends link-local traffic to its chains") {
  const std::string s = nft_create_table(Family::Inet6, FirewallOptions{.table = "ka2", .priority = -5, .counters = true});
  CHECK(s.find("add set ip6 ka2 vips { type ipv6_addr; }\n") != std::string::npos);
  CHECK(s.find("add set ip6 ka2 neighbor-discovery { type icmpv6_type; flags constant; elements = { "
               "nd-neighbor-solicit, nd-neighbor-advert }; }\n") != std::string::npos);
  CHECK(s.find("add chain ip6 ka2 in { type filter hook input priority -5; policy accept; }\n") != std::string::npos);
  CHECK(s.find("add rule ip6 ka2 in icmpv6 type @neighbor-discovery counter accept\n"
               "add rule ip6 ka2 in ip6 daddr fe80::/10 counter goto in_link_local\n"
               "add rule ip6 ka2 in ip6 daddr @vips counter drop\n") != std::string::npos);
  // The link-local chains exist before the rules that jump to them, and drop the link-local
  // VIPs by address and interface index (keepalived 2.2.7's vips_link_local, measured).
  CHECK(s.find("add chain ip6 ka2 out_link_local") < s.find("goto out_link_local"));
  CHECK(s.find("add set ip6 ka2 vips_link_local { type ipv6_addr . iface_index; }\n") != std::string::npos);
  CHECK(s.find("add rule ip6 ka2 in_link_local ip6 daddr . iif @vips_link_local counter drop\n") != std::string::npos);
  CHECK(s.find("add rule ip6 ka2 out_link_local ip6 saddr . oif @vips_link_local counter drop\n") != std::string::npos);
}

TEST_CASE("firewall: elements are added and deleted in one command, and nothing for no address") {
  const std::vector<DroppedAddress> a{{*IpAddress::parse("192.0.2.1"), ""}, {*IpAddress::parse("192.0.2.2"), ""}};
  CHECK(nft_elements(Family::Inet, FirewallOptions{}, true, a) == "add element ip keepalived vips { 192.0.2.1, 192.0.2.2 }\n");
  CHECK(nft_elements(Family::Inet6, FirewallOptions{}, false, {{*IpAddress::parse("2001:db8::1"), ""}}) ==
        "delete element ip6 keepalived vips { 2001:db8::1 }\n");
  // A link-local address goes to the set of address . interface, in the same batch.
  CHECK(nft_elements(Family::Inet6, FirewallOptions{}, true,
                     {{*IpAddress::parse("2001:db8::1"), ""}, {*IpAddress::parse("fe80::100"), "eth0"},
                      {*IpAddress::parse("fe80::101"), "eth1"}}) ==
        "add element ip6 keepalived vips { 2001:db8::1 }\n"
        "add element ip6 keepalived vips_link_local { fe80::100 . \"eth0\", fe80::101 . \"eth1\" }\n");
  CHECK(nft_elements(Family::Inet, FirewallOptions{}, true, {}).empty());
  CHECK(nft_delete_table(Family::Inet6, FirewallOptions{.table = "x"}) == "delete table ip6 x\n");
}

TEST_CASE("firewall: an instance is filtered when it does not accept, strict mode making VRRPv2 non-accepting") {
  const auto load = [](const std::string& global, const std::string& inst) {
    auto r = config::load_string("global_defs {\n" + global + "}\nvrrp_instance V {\n interface lo\n virtual_router_id 1\n"
                                 " priority 100\n" + inst + " virtual_ipaddress {\n  192.0.2.1\n }\n}\n",
                                 "t.conf");
    REQUIRE(r.config);
    return r.config->vrrp_instances.at(0);
  };
  CHECK_FALSE(firewalled(load("", "")));
  CHECK(firewalled(load("", " no_accept\n")));
  CHECK(firewalled(load(" vrrp_strict\n", "")));
  CHECK(firewalled(load(" vrrp_strict\n", " accept\n")));  // VRRPv2: accept is cleared
  CHECK_FALSE(firewalled(load(" vrrp_strict\n vrrp_version 3\n", " accept\n")));
  CHECK(firewall_options(config::GlobalDefs{}) == FirewallOptions{});
}
