// From the config model to virtual server specs and the start/stop policy.
#include <doctest/doctest.h>

#include <algorithm>

#include "helpers.hpp"
#include "stayalived/ipvs/from_config.hpp"

using namespace ipvs_test;
namespace cfg = stayalived::config;

namespace {

cfg::IpAddress cip(const std::string& s) { return *cfg::IpAddress::parse(s); }

cfg::RealServer rs(const std::string& a, std::uint16_t port, int weight = 1) {
  cfg::RealServer r;
  r.address = cip(a);
  r.port = port;
  r.weight = weight;
  return r;
}

}  // namespace

TEST_CASE("from_config: an address virtual server with keepalived's settings") {
  cfg::Config c;
  cfg::VirtualServer vs;
  vs.key = cfg::VsAddress{cip("10.0.0.3"), 0};
  vs.protocol = cfg::Protocol::Tcp;
  vs.scheduler = cfg::Scheduler::Mh;
  vs.sched_flag2 = true;
  vs.forwarding.method = cfg::ForwardingMethod::Tun;
  vs.persistence_granularity = cip("255.255.255.0");
  vs.real_servers = {rs("10.0.1.1", 0), rs("10.0.1.3", 0, 2)};
  vs.real_servers[0].forwarding = vs.forwarding;
  vs.real_servers[1].forwarding = cfg::Forwarding{.method = cfg::ForwardingMethod::Tun,
                                                  .tunnel_type = cfg::TunnelType::Gue,
                                                  .tunnel_port = 6080,
                                                  .tunnel_checksum = cfg::TunnelChecksum::Csum};
  vs.real_servers[1].uthreshold = 100;
  vs.real_servers[1].lthreshold = 10;
  c.virtual_servers.push_back(vs);
  auto r = from_config(c);
  REQUIRE(r);
  REQUIRE(r->virtual_servers.size() == 1);
  const auto& spec = r->virtual_servers[0];
  CHECK(spec.name == "[10.0.0.3]:tcp:0");
  REQUIRE(spec.services.size() == 1);
  CHECK(spec.services[0] == tcp("10.0.0.3", 0));
  CHECK(spec.settings.scheduler == "mh");
  // A granularity alone makes the service persistent for keepalived's default 360 s.
  CHECK(spec.settings.flags == (svc_flag::kSched2 | svc_flag::kPersistent));
  CHECK(spec.settings.timeout == 360);
  CHECK(spec.settings.netmask == 0xffffff00u);
  REQUIRE(spec.real_servers.size() == 2);
  CHECK(spec.real_servers[1].forward->tun_type == TunnelType::Gue);
  CHECK(spec.real_servers[1].forward->tun_port == 6080);
  CHECK(spec.real_servers[1].forward->tun_flags == tun_flag::kCsum);
  CHECK(spec.real_servers[1].weight == 2);
  CHECK(spec.real_servers[1].upper_threshold == 100);
  CHECK(spec.real_servers[1].lower_threshold == 10);
}

TEST_CASE("from_config: IPv6 granularity is a prefix length, persistence engine") {
  cfg::Config c;
  cfg::VirtualServer vs;
  vs.key = cfg::VsAddress{cip("fd00::1"), 443};
  vs.protocol = cfg::Protocol::Sctp;
  vs.persistence_timeout = std::chrono::seconds(30);
  vs.persistence_granularity = cip("ffff:ffff:ffff:ffff::");
  vs.persistence_engine = "sip";
  c.virtual_servers.push_back(vs);
  auto r = from_config(c);
  REQUIRE(r);
  const auto& s = r->virtual_servers[0].settings;
  CHECK(s.timeout == 30);
  CHECK(s.netmask == 64);
  CHECK(s.pe_name == "sip");
  CHECK(r->virtual_servers[0].services[0] == ServiceKey::make(Protocol::Sctp, ip("fd00::1"), 443));
}

TEST_CASE("from_config: groups expand, fwmark family follows the real servers or ip_family") {
  cfg::Config c;
  cfg::VirtualServerGroup g;
  g.name = "G1";
  g.addresses.push_back(cfg::VsgRange{.first = cip("10.0.2.1"), .last = cip("10.0.2.3"), .port = 80});
  g.fwmarks.push_back(cfg::VsgFwmark{.mark = 9});
  c.virtual_server_groups.push_back(g);
  cfg::VirtualServer vs;
  vs.key = cfg::VsGroup{"G1"};
  vs.protocol = cfg::Protocol::Udp;
  vs.real_servers = {rs("10.0.1.6", 80)};
  c.virtual_servers.push_back(vs);
  cfg::VirtualServer fw;
  fw.key = cfg::VsFwmark{7};
  fw.real_servers = {rs("2001:db8::5", 0)};
  c.virtual_servers.push_back(fw);
  fw.ip_family = cfg::Family::Inet;
  fw.key = cfg::VsFwmark{8};
  fw.real_servers[0].forwarding.method = cfg::ForwardingMethod::Tun;
  c.virtual_servers.push_back(fw);
  auto r = from_config(c);
  REQUIRE(r);
  const auto& keys = r->virtual_servers[0].services;
  REQUIRE(keys.size() == 4);
  CHECK(keys[0].to_string() == "UDP 10.0.2.1:80");
  CHECK(keys[2].to_string() == "UDP 10.0.2.3:80");
  CHECK(keys[3] == ServiceKey::fwmark_service(9));
  CHECK(r->virtual_servers[0].name == "[G1]:0");
  CHECK(r->virtual_servers[1].services[0] == ServiceKey::fwmark_service(7, Family::Inet6));
  CHECK(r->virtual_servers[1].name == "FWM 7");
  CHECK(r->virtual_servers[2].services[0] == ServiceKey::fwmark_service(8, Family::Inet));

  c.virtual_servers[0].key = cfg::VsGroup{"nope"};
  CHECK_FALSE(from_config(c));
}

TEST_CASE("from_config: the sorry server's own forwarding") {
  cfg::Config c;
  cfg::VirtualServer vs;
  vs.key = cfg::VsAddress{cip("10.0.0.9"), 80};
  vs.sorry_server = cfg::SorryServer{.address = cip("10.0.1.99"), .port = 80};
  vs.sorry_server_forwarding = cfg::Forwarding{.method = cfg::ForwardingMethod::Dr};
  vs.real_servers = {rs("10.0.1.7", 80)};
  c.virtual_servers.push_back(vs);
  auto r = from_config(c);
  REQUIRE(r);
  const auto& spec = r->virtual_servers[0];
  REQUIRE(spec.sorry_server);
  CHECK(spec.sorry_server->forward->method == Forward::Route);
  CHECK(r->warnings.empty());  // the quorum rule is the config validator's (one place)
}

TEST_CASE("from_config: global LVS settings") {
  cfg::Config c;
  c.global.lvs_flush = true;
  c.global.lvs_flush_on_stop = cfg::LvsFlushOnStop::VirtualServers;
  c.global.lvs_timeouts.tcp = std::chrono::seconds(7200);
  c.global.lvs_timeouts.udp = std::chrono::seconds(60);
  c.global.lvs_sync_daemon = cfg::LvsSyncDaemon{.interface = "eth1", .vrrp_instance = "VI_1"};
  cfg::VrrpInstance vi;
  vi.name = "VI_1";
  vi.virtual_router_id = 51;
  c.vrrp_instances.push_back(vi);
  auto r = from_config(c);
  REQUIRE(r);
  CHECK(r->options.flush_at_start);
  CHECK(r->options.stop_mode == StopMode::RemoveServices);
  REQUIRE(r->options.timeouts);
  CHECK(*r->options.timeouts == Timeouts{7200, 0, 60});
  REQUIRE(r->sync_daemon);
  CHECK(r->sync_daemon->interface == "eth1");
  CHECK(r->sync_daemon->sync_id == 51);  // the instance's VRID
  CHECK(r->sync_daemon->vrrp_instance == std::optional<std::string>("VI_1"));
}

TEST_CASE("from_config: keepalived's real server ports (observed with keepalived 2.2.7)") {
  cfg::Config c;
  cfg::VirtualServer vs;
  vs.key = cfg::VsAddress{cip("10.0.0.1"), 80};
  vs.forwarding.method = cfg::ForwardingMethod::Dr;
  vs.real_servers = {rs("10.0.1.1", 8080), rs("10.0.1.2", 8081), rs("10.0.1.4", 0)};
  for (auto& r : vs.real_servers) r.forwarding = vs.forwarding;
  vs.real_servers[1].forwarding.method = cfg::ForwardingMethod::Nat;
  c.virtual_servers.push_back(vs);
  cfg::VirtualServer fw;
  fw.key = cfg::VsFwmark{5};
  fw.real_servers = {rs("10.0.1.6", 8080), rs("10.0.1.7", 8080)};
  fw.real_servers[0].forwarding.method = cfg::ForwardingMethod::Dr;
  c.virtual_servers.push_back(fw);
  auto r = from_config(c);
  REQUIRE(r);
  const auto& a = r->virtual_servers[0].real_servers;
  CHECK(a[0].port == 80);    // DR: reset to the virtual server's port
  CHECK(a[1].port == 8081);  // NAT translates: kept
  CHECK(a[2].port == 80);    // no port: the virtual server's
  const auto& f = r->virtual_servers[1].real_servers;
  CHECK(f[0].port == 0);     // DR behind a fwmark: cleared
  CHECK(f[1].port == 8080);  // NAT behind a fwmark: kept
  REQUIRE(r->warnings.size() == 2);
  CHECK(r->warnings[0] ==
        "WARNING - virtual server [10.0.0.1]:tcp:80 and real server 10.0.1.1:8080 ports don't match - resetting");
  CHECK(r->warnings[1] == "WARNING - fwmark virtual server FWM 5, real server 10.0.1.6:8080 has port specified - clearing");
}

TEST_CASE("from_config: ops only on UDP, a persistence engine only when persistent") {
  cfg::Config c;
  cfg::VirtualServer vs;
  vs.key = cfg::VsAddress{cip("10.0.0.1"), 80};
  vs.ops = true;
  vs.persistence_engine = "sip";
  c.virtual_servers.push_back(vs);
  vs.protocol = cfg::Protocol::Udp;
  vs.persistence_timeout = std::chrono::seconds(60);
  c.virtual_servers.push_back(vs);
  auto r = from_config(c);
  REQUIRE(r);
  CHECK(r->virtual_servers[0].settings.flags == 0);
  CHECK(r->virtual_servers[0].settings.pe_name.empty());
  CHECK(r->virtual_servers[1].settings.flags == (svc_flag::kOnePacket | svc_flag::kPersistent));
  CHECK(r->virtual_servers[1].settings.pe_name == "sip");
  // (Also two quorum warnings: no real servers, total weight 0.)
  CHECK(std::count(r->warnings.begin(), r->warnings.end(),
                   "Virtual server [10.0.0.1]:tcp:80: one packet scheduling requires UDP - resetting") == 1);
}
