// The mapping from the config model to the core's settings, and the trackers' pure parts.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "trackers.hpp"
#include "fixtures.hpp"
#include "stayalived/vrrp/from_config.hpp"

using namespace stayalived;
using namespace stayalived::vrrp;

namespace {
config::VirtualAddress vip(const char* p) {
  config::VirtualAddress v;
  v.address = *config::IpPrefix::parse(p);
  return v;
}
config::VrrpInstance base() {
  config::VrrpInstance vi;
  vi.name = "VI_1";
  vi.interface = "eth0";
  vi.virtual_router_id = 51;
  vi.priority = 150;
  vi.virtual_ipaddress = {vip("192.0.2.100/24"), vip("2001:db8::1/64"), vip("192.0.2.101")};
  return vi;
}
}  // namespace

TEST_CASE("core_config: family, VIPs, intervals, preempt, auth, peers, garp") {
  config::Config cfg;
  auto vi = base();
  vi.advert_int = centiseconds(150);  // v2: rounded up to 2 s
  vi.nopreempt = true;
  vi.preempt_delay = std::chrono::microseconds(2500000);
  vi.authentication = config::Authentication{config::AuthType::Pass, "secret", {}};
  vi.state = config::VrrpState::Master;
  auto c = core_config(vi, cfg, false);
  CHECK(c.name == "VI_1");
  CHECK(c.vrid == 51);
  CHECK(c.family == Family::Inet);
  CHECK(c.version == 2);
  CHECK(c.priority == 150);
  CHECK(c.advert_interval == centiseconds(200));
  CHECK(c.addresses == std::vector{vrrp_test::ip("192.0.2.100"), vrrp_test::ip("192.0.2.101")});  // IPv6 one left out
  CHECK_FALSE(c.preempt);
  CHECK(c.preempt_delay == std::chrono::milliseconds(2500));
  CHECK(c.auth_type == AuthType::Pass);
  CHECK(c.initial_state == State::Master);
  CHECK(c.garp.master_repeat == 5);

  vi.version = 3;
  vi.advert_int = centiseconds(10);
  vi.authentication.reset();
  vi.unicast_peers = {config::UnicastPeer{*config::IpAddress::parse("192.0.2.2"), std::uint8_t{250}, std::nullopt, {}}};
  c = core_config(vi, cfg, true);
  CHECK(c.version == 3);
  CHECK(c.advert_interval == centiseconds(10));
  CHECK(c.sync_group_member);
  REQUIRE(c.peers.size() == 1);
  CHECK(c.peers[0].min_ttl == std::uint8_t{250});

  auto v6 = base();
  v6.virtual_ipaddress = {vip("2001:db8::1/64")};
  v6.version = 2;
  c = core_config(v6, cfg, false);
  CHECK(c.family == Family::Inet6);
  CHECK(c.version == 3);  // IPv6 runs VRRPv3

  cfg.global.vrrp_min_garp = true;
  c = core_config(base(), cfg, false);
  CHECK(c.garp.master_repeat == 1);
  CHECK(c.garp.master_delay == Duration{0});

  auto strict = base();
  strict.strict_mode = true;
  strict.higher_prio_send_advert = true;
  c = core_config(strict, config::Config{}, false);
  CHECK(c.lower_prio_no_advert);
  CHECK_FALSE(c.higher_prio_send_advert);
}

TEST_CASE("tracking_of: own lists, the primary interface, script/file defaults, sync groups") {
  config::Config cfg;
  config::VrrpScript s;
  s.name = "chk";
  s.weight = -20;
  cfg.vrrp_scripts.push_back(s);
  config::TrackFile f;
  f.name = "tf";
  f.weight = 3;
  f.weight_reverse = true;
  cfg.track_files.push_back(f);
  auto vi = base();
  vi.track.scripts = {{"chk", std::nullopt, false, {}}, {"missing", std::nullopt, false, {}}};
  vi.track.files = {{"tf", std::nullopt, false, {}}};
  vi.track.interfaces = {{"eth1", 10, false, {}}};
  cfg.vrrp_instances.push_back(vi);
  auto t = tracking_of(vi, cfg);
  REQUIRE(t.size() == 4);
  CHECK(t[0] == TrackSpec{TrackKind::Interface, "eth1", 10, false});
  CHECK(t[1] == TrackSpec{TrackKind::Script, "chk", -20, false});  // the script's own weight
  CHECK(t[2] == TrackSpec{TrackKind::File, "tf", 3, true});
  CHECK(t[3] == TrackSpec{TrackKind::Interface, "eth0", 0, false});  // its own interface
  vi.dont_track_primary = true;
  CHECK(tracking_of(vi, cfg).size() == 3);

  // In a sync group, members' weights become 0; the group's own lists apply to all.
  config::VrrpSyncGroup g;
  g.name = "G";
  g.group = {"VI_1"};
  g.track.scripts = {{"chk", 5, false, {}}};
  cfg.sync_groups.push_back(g);
  t = tracking_of(vi, cfg);
  REQUIRE(t.size() == 4);
  CHECK(t[0].weight == 0);
  CHECK(t[1].weight == 0);
  CHECK(t[3] == TrackSpec{TrackKind::Script, "chk", 5, false});
  cfg.sync_groups[0].sync_group_tracking_weight = true;
  CHECK(tracking_of(vi, cfg)[1].weight == -20);
  CHECK(sync_group_of(cfg, "VI_1") != nullptr);
  CHECK(sync_group_of(cfg, "VI_9") == nullptr);
}

TEST_CASE("read_track_file: a leading integer, missing or junk reads as 0") {
  const std::string path = std::string("/tmp/sa_track_file_test_") + std::to_string(::getpid());
  CHECK(read_track_file(path) == 0);
  std::ofstream(path) << "  -42\n";
  CHECK(read_track_file(path) == -42);
  std::ofstream(path) << "17 trailing words\n";
  CHECK(read_track_file(path) == 17);
  std::ofstream(path) << "junk\n";
  CHECK(read_track_file(path) == 0);
  std::remove(path.c_str());
}

TEST_CASE("process_matches: name, full command, parameter matching") {
  config::TrackProcess tp;
  tp.process = {"haproxy"};
  CHECK(process_matches(tp, "haproxy", {}));
  CHECK_FALSE(process_matches(tp, "haproxy-wrap", {}));
  tp.process = {"a-very-long-process-name"};
  CHECK(process_matches(tp, "a-very-long-pro", {}));  // comm holds 15 characters
  tp.process = {"/usr/sbin/nginx", "-c", "/etc/nginx.conf"};
  const std::vector<std::string> argv{"/usr/sbin/nginx", "-c", "/etc/nginx.conf"};
  CHECK(process_matches(tp, "nginx", argv));
  CHECK_FALSE(process_matches(tp, "nginx", {"/usr/sbin/nginx", "-c", "/etc/other.conf"}));
  CHECK_FALSE(process_matches(tp, "nginx", {"/usr/sbin/nginx", "-c", "/etc/nginx.conf", "-g"}));
  tp.param_match = config::ParamMatch::Partial;
  CHECK(process_matches(tp, "nginx", {"/usr/sbin/nginx", "-c", "/etc/nginx.conf", "-g"}));
  tp.param_match = config::ParamMatch::Initial;
  tp.process = {"/usr/sbin/nginx", "-c", "/etc/ng"};
  CHECK(process_matches(tp, "nginx", argv));
  CHECK_FALSE(process_matches(tp, "nginx", {"/usr/sbin/nginx", "-d", "/etc/nginx.conf"}));
  tp.param_match = config::ParamMatch::None;
  tp.process = {"/bin/sleep"};
  CHECK(process_matches(tp, "sleep", {"/bin/sleep"}));
  CHECK_FALSE(process_matches(tp, "sleep", {"/bin/sleep", "10"}));
  tp.param_match = config::ParamMatch::Exact;
  tp.full_command = true;
  CHECK(process_matches(tp, "sleep", {"/bin/sleep"}));
  CHECK_FALSE(process_matches(tp, "sleep", {"sleep"}));
}
