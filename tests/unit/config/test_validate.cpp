// The validation pass: references, duplicates, families, interfaces, strict mode, scripts
// and enable_script_security, and the -t exit codes.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace stayalived::config;
using testcfg::has;
using testcfg::load;

namespace {
std::string instance(const std::string& name, int vrid, const std::string& extra = "", const std::string& vip = "192.0.2.1") {
  return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " + std::to_string(vrid) + "\n" + extra +
         " virtual_ipaddress {\n  " + vip + "\n }\n}\n";
}
}  // namespace

TEST_CASE("missing interfaces are warnings and do not hide the other diagnostics") {
  const auto r = load("vrrp_instance A {\n interface eth9\n virtual_router_id 1\n priority 300\n"
                      " track_interface {\n  eth8\n }\n virtual_ipaddress {\n  192.0.2.1 dev eth7\n  2001:db8::1\n }\n}\n");
  CHECK(has(r, 2, "interface eth9 does not exist"));
  CHECK(has(r, 4, "priority '300' is not in 1..255"));
  CHECK(has(r, 6, "tracked interface eth8 does not exist"));
  CHECK(has(r, 9, "interface eth7 for address 192.0.2.1/32 does not exist"));
  CHECK(has(r, 10, "not of the instance's address family"));
  CHECK(r.config);
  CHECK(r.config_test_exit_code() == 5);
  // dynamic_interfaces: interfaces may appear later, nothing to say.
  const auto d = load("global_defs {\n dynamic_interfaces\n}\n" + instance("A", 1, " track_interface {\n  eth8\n }\n"));
  CHECK(testcfg::problems(d) == 0);
  CHECK(has(load("vrrp_instance A {\n interface lo\n virtual_router_id 1\n}\n"), 2, "loopback"));
}

TEST_CASE("duplicate VRID on one interface and family, same VRID on another family is fine") {
  const auto r = load(instance("A", 7) + instance("B", 7) + instance("C", 7, "", "2001:db8::1"));
  CHECK(has(r, 8, "vrrp_instance A and B both use virtual_router_id 7 with inet on interface eth0"));
  CHECK_FALSE(has(r, "and C"));
  const auto dup = load(instance("A", 1) + instance("A", 2));
  CHECK(has(dup, "defined twice"));
  REQUIRE(dup.config);
  REQUIRE(dup.config->vrrp_instances.size() == 1);  // the second definition is dropped
  CHECK(dup.config->vrrp_instances[0].virtual_router_id == 1);
}

TEST_CASE("track_script must name a vrrp_script defined above it (keepalived resolves it in place)") {
  const auto r = load(instance("A", 1, " track_script {\n  later\n  nowhere\n }\n") +
                      "vrrp_script later {\n script /bin/true\n}\n");
  CHECK(has(r, 5, "'later' is defined further down (line 12)"));
  CHECK(has(r, 6, "'nowhere' is not defined"));
  REQUIRE(r.config);
  CHECK(r.config->vrrp_instances.at(0).track.scripts.empty());
  // Files, processes, BFD instances the same way.
  const auto t = load(instance("A", 1, " track_file {\n  tf\n }\n track_process {\n  tp\n }\n track_bfd {\n  tb\n }\n"));
  CHECK(has(t, 5, "track_file 'tf' is not defined"));
  CHECK(has(t, 8, "track_process 'tp' is not defined"));
  CHECK(has(t, 11, "track_bfd 'tb' is not defined"));
}

TEST_CASE("sync groups: members must exist, one group per instance, more than one member") {
  const auto r = load("vrrp_sync_group G {\n group {\n  A B ghost\n }\n}\nvrrp_sync_group H {\n group {\n  A\n }\n}\n" +
                      instance("A", 1) + instance("B", 2));
  CHECK(has(r, 3, "vrrp_instance ghost does not exist"));
  CHECK(has(r, 8, "already in sync group G"));
  CHECK(has(r, 6, "has no existing member; group ignored"));
  REQUIRE(r.config);
  REQUIRE(r.config->sync_groups.size() == 1);
  CHECK(r.config->sync_groups[0].group == std::vector<std::string>{"A", "B"});
  CHECK(has(load("vrrp_sync_group G {\n group {\n  A\n }\n}\n" + instance("A", 1)), 1, "only one member"));
}

TEST_CASE("a sync group member dropped by the instance checks leaves the group too") {
  // Found by the fuzzer: the group was checked before strict mode dropped its member, so the
  // model named an instance it did not have.
  const auto r = load("vrrp_sync_group G {\n group {\n  A\n  S\n }\n}\n" + instance("A", 1) +
                      "vrrp_instance S {\n interface eth0\n virtual_router_id 2\n strict_mode\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(has(r, 4, "vrrp_instance S was ignored; member removed"));
  REQUIRE(r.config->sync_groups.size() == 1);
  CHECK(r.config->sync_groups[0].group == std::vector<std::string>{"A"});
}

TEST_CASE("initial state MASTER: nopreempt and AH are cleared, strict mode conflicts") {
  const auto r = load(instance("A", 1, " state MASTER\n nopreempt\n authentication {\n  auth_type AH\n  auth_pass x\n }\n"));
  CHECK(has(r, 1, "nopreempt does not work with state MASTER"));
  CHECK(has(r, 1, "incompatible with AH"));
  REQUIRE(r.config);
  const auto& a = r.config->vrrp_instances[0];
  CHECK_FALSE(a.nopreempt);
  CHECK(a.state == VrrpState::Backup);
  const auto s = load("global_defs {\n vrrp_strict\n}\n" +
                      instance("S", 1, " state MASTER\n preempt_delay 3\n authentication {\n  auth_type PASS\n  auth_pass x\n }\n") +
                      "vrrp_instance E {\n interface eth0\n virtual_router_id 2\n}\n");
  CHECK(has(s, 4, "state MASTER requires priority 255"));
  CHECK(has(s, 4, "does not support preempt_delay"));
  CHECK(has(s, 9, "does not support authentication"));
  CHECK(has(s, 17, "strict mode requires at least one virtual_ipaddress; instance ignored"));
  REQUIRE(s.config);
  REQUIRE(s.config->vrrp_instances.size() == 1);
  CHECK_FALSE(s.config->vrrp_instances[0].authentication);
  // keepalived 2.2.7 (measured): strict mode turns state MASTER below 255 into BACKUP first
  // ("State MASTER must match being address owner"), so nopreempt then stays, silently.
  CHECK(s.config->vrrp_instances[0].state == VrrpState::Backup);
  const auto n = load("global_defs {\n vrrp_strict\n}\n" + instance("N", 1, " state MASTER\n nopreempt\n"));
  CHECK(has(n, 4, "state MASTER requires priority 255 (address owner); BACKUP is used"));
  CHECK_FALSE(has(n, "nopreempt does not work"));
  REQUIRE(n.config);
  CHECK(n.config->vrrp_instances[0].nopreempt);
  CHECK(n.config->vrrp_instances[0].state == VrrpState::Backup);
  // The owner may start as MASTER.
  const auto o = load("global_defs {\n vrrp_strict\n}\n" + instance("O", 1, " state MASTER\n priority 255\n"));
  REQUIRE(o.config);
  CHECK(o.config->vrrp_instances[0].state == VrrpState::Master);
}

TEST_CASE("real servers are compared with the port IPVS gives them: a fwmark service's 443 and no port are one") {
  // Found by the fuzzer's round trip: the repeat was looked for before the port was reset,
  // so both were kept, and the dump (two equal lines) loaded back as one.
  const auto r = load("virtual_server fwmark 1 {\n lb_algo rr\n lb_kind NAT\n real_server 192.0.2.2 {\n }\n"
                      " real_server 192.0.2.2 443 {\n }\n}\n"
                      "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind NAT\n real_server 192.0.2.3 {\n }\n"
                      " real_server 192.0.2.3 80 {\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(has(r, 6, "the port of real_server 192.0.2.2 is ignored"));
  CHECK(has(r, 6, "real_server 192.0.2.2 0 is listed twice; the second is ignored"));
  CHECK(has(r, 15, "real_server 192.0.2.3 80 is listed twice; the second is ignored"));
  CHECK(r.config->virtual_servers.at(0).real_servers.size() == 1);
  CHECK(r.config->virtual_servers.at(1).real_servers.size() == 1);
}

TEST_CASE("virtual servers: group reference, real server family, fwmark ports, quorum, hysteresis") {
  const auto r = load("virtual_server group nope {\n protocol TCP\n lb_algo rr\n lb_kind DR\n real_server 192.0.2.2 80 {\n }\n}\n"
                      "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n quorum 5\n hysteresis 7\n"
                      " real_server 2001:db8::2 80 {\n }\n real_server 192.0.2.3 80 {\n }\n real_server 192.0.2.3 80 {\n }\n}\n"
                      "virtual_server fwmark 1 {\n lb_algo rr\n lb_kind DR\n real_server 192.0.2.4 80 {\n  FILE_CHECK {\n"
                      "   track_file missing\n  }\n }\n}\n"
                      "virtual_server 192.0.2.9 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n}\n");
  CHECK(has(r, 1, "virtual_server_group nope is not defined"));
  // keepalived lowers the quorum to the total weight first, then the hysteresis below it.
  CHECK(has(r, 8, "quorum 5 exceeds the total weight 1 of the real servers; 1 is used"));
  CHECK(has(r, 8, "hysteresis 7 must be below quorum 1; 0 is used"));
  CHECK(has(r, 14, "not of the virtual server's address family"));
  CHECK(has(r, 18, "listed twice"));
  CHECK(has(r, 24, "a fwmark service has no ports"));
  CHECK(has(r, 25, "track_file 'missing' is not defined"));
  CHECK(has(r, 30, "has no real servers"));
  REQUIRE(r.config);
  CHECK(r.config->virtual_servers.size() == 2);
  // The model holds the values keepalived uses: the checkers' quorum works with them.
  CHECK(r.config->virtual_servers[0].quorum == 1);
  CHECK(r.config->virtual_servers[0].hysteresis == 0);
}

TEST_CASE("scripts: root without enable_script_security is exit 6, missing scripts, users") {
  auto fs = std::make_shared<testcfg::MemFiles>();
  fs->add("/usr/bin/true", "", 0755);
  fs->add("/opt/open/check.sh", "", 0777);
  fs->modes["/opt/open"] = 0777;
  auto opts = testcfg::options(fs);
  const std::string tracked = instance("A", 1, " track_script {\n  chk\n }\n notify_master /usr/bin/true\n");

  // Runs as root (no script_user, no keepalived_script user): keepalived's "SECURITY
  // VIOLATION", exit status 6.
  const auto root = load("vrrp_script chk {\n script true\n}\n" + tracked, opts);
  CHECK(has(root, "scripts run as root but enable_script_security is not set"));
  CHECK(root.config_test_exit_code() == 6);
  // A non-root script_user: fine.
  const auto user = load("global_defs {\n script_user nobody\n}\nvrrp_script chk {\n script true\n}\n" + tracked, opts);
  CHECK(user.config_test_exit_code() == 0);
  // A script_user that does not exist, under enable_script_security: scripts are removed
  // and their trackers lose them (keepalived: "Unable to set default user ... removing").
  const auto bad = load("global_defs {\n enable_script_security\n script_user ghost\n}\nvrrp_script chk {\n script true\n}\n" +
                            tracked,
                        opts);
  CHECK(has(bad, 3, "script_user ghost: no such user"));
  CHECK(has(bad, 7, "no user to run it as; script removed"));
  CHECK(has(bad, "track_script 'chk' is not defined"));
  // Not found: a tracked vrrp_script is disabled (keepalived: "Disabling track script").
  const auto missing = load("global_defs {\n script_user nobody\n}\nvrrp_script chk {\n script /opt/none.sh\n}\n" + tracked, opts);
  CHECK(has(missing, 6, "not found or not executable; the script is disabled"));
  // enable_script_security with a root script in a world-writable directory.
  const auto unsafe = load("global_defs {\n enable_script_security\n script_user root\n}\nvrrp_script chk {\n script /opt/open/check.sh\n}\n" +
                               tracked,
                           opts);
  CHECK(has(unsafe, 6, "unsafe permissions"));
  CHECK(has(unsafe, 6, "'/opt/open/check.sh' is writable by non-root users (mode 0777)"));
  CHECK(unsafe.config_test_exit_code() == 6);
}

TEST_CASE("a missing interface ends the VRRP side's checks before its script-security summary, as keepalived's does") {
  // keepalived 2.2.7, measured with keepalived -t: a root vrrp_script tracked by an instance
  // on eth0 is exit 6 ("SECURITY VIOLATION"); the same with any interface the VRRP side
  // names missing (the instance's, a tracked one, an address's dev, a static address's) is
  // "Non-existent interface specified in configuration" and exit 5, but the checker
  // side's scripts are still counted; with dynamic_interfaces nothing is missing.
  auto fs = std::make_shared<testcfg::MemFiles>();
  fs->add("/usr/bin/true", "", 0755);
  auto opts = testcfg::options(fs);
  const std::string script = "vrrp_script chk {\n script /usr/bin/true\n}\n";
  const std::string track = " track_script {\n  chk\n }\n";
  const auto present = load(script + instance("A", 1, track), opts);
  CHECK(has(present, "scripts run as root but enable_script_security is not set"));
  CHECK_FALSE(has(present, "Non-existent interface"));
  CHECK(present.config_test_exit_code() == 6);
  const auto on_eth9 = [&](const std::string& text) {
    const auto r = load(text, opts);
    INFO(testcfg::all(r));
    CHECK(has(r, "Non-existent interface specified in configuration"));
    CHECK_FALSE(has(r, "scripts run as root"));
    CHECK(r.config_test_exit_code() == 5);
  };
  std::string own = instance("A", 1, track);
  own.replace(own.find("eth0"), 4, "eth9");
  on_eth9(script + own);
  on_eth9(script + instance("A", 1, track + " track_interface {\n  eth9\n }\n"));
  on_eth9(script + instance("A", 1, track, "192.0.2.1 dev eth9"));
  on_eth9("static_ipaddress {\n 192.0.2.77 dev eth9\n}\n" + script + instance("A", 1, track));
  const auto dynamic = load("global_defs {\n dynamic_interfaces\n}\n" + script + own, opts);
  CHECK_FALSE(has(dynamic, "Non-existent interface"));
  CHECK(dynamic.config_test_exit_code() == 6);
  // The checker side is another process: its MISC_CHECK as root still counts.
  const auto misc = load(script + own +
                             "virtual_server 192.0.2.9 80 {\n protocol TCP\n real_server 192.0.2.10 80 {\n  MISC_CHECK {\n"
                             "   misc_path /usr/bin/true\n  }\n }\n}\n",
                         opts);
  CHECK(has(misc, "Non-existent interface specified in configuration"));
  CHECK(has(misc, "checker scripts run as root but enable_script_security is not set"));
  CHECK(misc.config_test_exit_code() == 6);
}

TEST_CASE("scripts: FIFO and startup/shutdown scripts count towards keepalived's script-security summary") {
  // keepalived 2.2.7, measured with keepalived -t: a FIFO's script counts in the process that
  // runs it (VRRP with an instance, checkers with a virtual server), FIFO or not; startup and
  // shutdown scripts have their own summary line. All run as root here: exit status 6.
  auto fs = std::make_shared<testcfg::MemFiles>();
  fs->add("/usr/bin/true", "", 0755);
  auto opts = testcfg::options(fs);
  const std::string vs =
      "virtual_server 192.0.2.9 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n real_server 192.0.2.2 80 {\n }\n}\n";
  const auto g = [](const std::string& lines) { return "global_defs {\n" + lines + "}\n"; };
  CHECK(load(g(" vrrp_notify_fifo_script /usr/bin/true\n") + instance("A", 1), opts).config_test_exit_code() == 6);
  CHECK(load(g(" notify_fifo_script /usr/bin/true\n") + instance("A", 1), opts).config_test_exit_code() == 6);
  CHECK(load(g(" vrrp_notify_fifo /tmp/f\n vrrp_notify_fifo_script /usr/bin/true\n"), opts).config_test_exit_code() == 0);
  const auto lvs = load(g(" lvs_notify_fifo_script /usr/bin/true\n") + vs, opts);
  CHECK(has(lvs, "checker scripts run as root but enable_script_security is not set"));
  CHECK(lvs.config_test_exit_code() == 6);
  CHECK(load(g(" notify_fifo_script /usr/bin/true\n") + vs, opts).config_test_exit_code() == 6);
  CHECK(load(g(" lvs_notify_fifo_script /usr/bin/true\n") + instance("A", 1), opts).config_test_exit_code() == 0);
  const auto start = load(g(" startup_script /usr/bin/true\n"), opts);
  CHECK(has(start, "startup/shutdown scripts run as root but enable_script_security is not set"));
  CHECK(start.config_test_exit_code() == 6);
  CHECK(load(g(" shutdown_script /usr/bin/true\n"), opts).config_test_exit_code() == 6);
  CHECK(load(g(" script_user nobody\n startup_script /usr/bin/true\n"), opts).config_test_exit_code() == 0);
}

TEST_CASE("exit codes: 0 clean, 5 warnings, 6 security, 2 fatal, notes do not count") {
  CHECK(load(instance("A", 1)).config_test_exit_code() == 0);
  CHECK(load(instance("A", 1) + "bogus\n").config_test_exit_code() == 5);
  CHECK(load(instance("A", 1) + "include /none/x.conf\n").config_test_exit_code() == 0);
  CHECK(load(instance("A", 1, " priority\n")).config_test_exit_code() == 2);
}

TEST_CASE("a vrrp_script without a script is removed, and static routes name their interface") {
  // keepalived 2.2.7 (measured): "No script set for vrrp_script chk - removing", and the
  // instance's "track script chk not found, ignoring"; "cannot track route ... with no
  // interface specified", "interface X for VROUTE nexthop doesn't exist": exit status 5.
  const auto r = load("vrrp_script chk {\n interval 2\n}\n" + instance("A", 1, " track_script {\n  chk\n }\n") +
                      "static_routes {\n 10.8.0.0/16 via 192.0.2.1\n 10.9.0.0/16 via 192.0.2.1 dev nosuch\n"
                      " 10.4.0.0/16 dev eth0 nexthop via 192.0.2.1 dev nosuch2\n 10.3.0.0/16 dev eth0\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(has(r, 3, "vrrp_script chk: no script set; removed"));
  CHECK(r.config->vrrp_scripts.empty());
  CHECK(has(r, "track_script 'chk' is not defined"));
  CHECK(has(r, 15, "static route 10.8.0.0/16: no 'dev'"));
  CHECK(has(r, 16, "static route 10.9.0.0/16: interface nosuch does not exist"));
  CHECK(has(r, 17, "interface nosuch2 of a nexthop does not exist"));
  for (const auto& d : r.diagnostics) CHECK(d.loc.line != 18);  // a route with its interface: clean
  CHECK(r.config_test_exit_code() == 5);
}
