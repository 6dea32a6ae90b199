// Block by block: what the builder puts in the model (typed values, aliases, defaults,
// inheritance), and keepalived's reaction to bad values.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "stayalived/config/dump.hpp"

using namespace stayalived::config;
using namespace std::chrono_literals;
using testcfg::has;
using testcfg::load;

namespace {
const char* kVs = "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n";
}

TEST_CASE("global_defs: typed values, <BOOL>, timers with microseconds, bad values ignored") {
  const auto r = load("global_defs {\n vrrp_garp_interval 0.0015\n vrrp_version 3\n smtp_alert off\n"
                      " smtp_connect_timeout 0\n vrrp_garp_interval 0\n vrrp_mcast_group4 10.0.0.1\n"
                      " checker_log_all_failures 1\n lvs_timeouts tcp 60 udp 5\n umask 027\n}\n");
  REQUIRE(r.config);
  const auto& g = r.config->global;
  CHECK(g.vrrp_garp_interval == 1500us);  // the second, invalid, value is ignored
  CHECK(g.vrrp_version == 3);
  CHECK(g.smtp_alert == false);
  CHECK(g.smtp_connect_timeout == 1s);  // keepalived: "must be greater than 0, setting to 1"
  CHECK(has(r, 5, "greater than 0"));
  CHECK(has(r, 6, "out of range 0.000001..4294.967295"));  // vrrp_garp_interval 0 (the case)
  CHECK(has(r, 7, "not an IPv4 multicast address"));
  CHECK(g.vrrp_mcast_group4.to_string() == "224.0.0.18");
  CHECK(has(r, 8, "not one of on|off|true|false|yes|no"));  // 1 is not a <BOOL> for keepalived
  CHECK(g.lvs_timeouts.tcp == 60s);
  CHECK_FALSE(g.lvs_timeouts.tcp_fin);
  CHECK(g.umask == 027u);
}

TEST_CASE("global_defs: metrics_listen (a stayalived extension) takes [ADDR:]PORT, and dumps back") {
  for (const char* ok : {"9650", "192.0.2.1:9650", "[::1]:9650"}) {
    const auto r = load(std::string("global_defs {\n metrics_listen ") + ok + "\n}\n");
    REQUIRE(r.config);
    CHECK(r.config->global.metrics_listen == std::string(ok));
    CHECK(dump(*r.config).find(std::string("metrics_listen ") + ok + "\n") != std::string::npos);
  }
  for (const char* bad : {"::1:9650", "[192.0.2.1]:9650", "192.0.2.1:0", "192.0.2.1:70000", "host:9650", "9650x"}) {
    const auto r = load(std::string("global_defs {\n metrics_listen ") + bad + "\n}\n");
    CAPTURE(bad);
    REQUIRE(r.config);
    CHECK_FALSE(r.config->global.metrics_listen);
    CHECK(has(r, 2, "'metrics_listen' needs [ADDR:]PORT"));
  }
}

TEST_CASE("global_defs: control_socket, control_group, control_admin_group (stayalived extensions) dump back") {
  const auto r = load("global_defs {\n control_socket /run/sa/ctl.sock\n control_group adm\n control_admin_group sudo\n}\n");
  REQUIRE(r.config);
  CHECK(r.config->global.control_socket == std::string("/run/sa/ctl.sock"));
  CHECK(r.config->global.control_group == std::string("adm"));
  CHECK(r.config->global.control_admin_group == std::string("sudo"));
  const auto d = dump(*r.config);
  CHECK(d.find("control_socket /run/sa/ctl.sock\n") != std::string::npos);
  CHECK(d.find("control_group adm\n") != std::string::npos);
  CHECK(d.find("control_admin_group sudo\n") != std::string::npos);
  for (const char* bad : {"ctl.sock", "run/ctl", "/run/sa/"}) {
    const auto b = load(std::string("global_defs {\n control_socket ") + bad + "\n}\n");
    CAPTURE(bad);
    REQUIRE(b.config);
    CHECK_FALSE(b.config->global.control_socket);
    CHECK(has(b, 2, "'control_socket' needs an absolute file path"));
  }
}

TEST_CASE("vrrp_instance: every setting inherits from global_defs unless given, wherever global_defs is") {
  const auto r = load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n garp_master_delay 2\n"
                      " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
                      "global_defs {\n vrrp_garp_master_delay 9\n vrrp_garp_master_repeat 4\n vrrp_version 3\n"
                      " vrrp_strict\n vrrp_skip_check_adv_addr\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& v = r.config->vrrp_instances.at(0);
  CHECK(v.garp_master_delay == 2s);        // own
  CHECK(v.garp_master_repeat == 4);        // from global_defs, given later in the file
  CHECK(v.garp_lower_prio_delay == 2s);    // defaults to the instance's garp_master_delay
  CHECK(v.version == 3);
  CHECK(v.strict_mode);
  CHECK(v.lower_prio_no_advert);           // implied by vrrp_strict
  CHECK(v.skip_check_adv_addr);
  CHECK(v.accept == false);                // strict: no accept unless address owner
}

TEST_CASE("vrrp_instance: state, priority, VRID, advert_int rounding by version, auth_pass truncation") {
  const auto r = load("vrrp_instance A {\n interface eth0\n state BOGUS\n virtual_router_id 256\n priority 0\n"
                      " advert_int 2.4\n authentication {\n  auth_type AH\n  auth_pass 123456789\n }\n"
                      " virtual_ipaddress {\n  192.0.2.1\n }\n}\n"
                      "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n version 3\n advert_int 0.555\n"
                      " virtual_ipaddress {\n  192.0.2.2\n }\n}\n");
  CHECK(has(r, 3, "unknown state 'BOGUS'"));
  CHECK(has(r, 4, "out of range 1..255"));
  CHECK(has(r, 5, "the default 100 is used"));
  CHECK(has(r, 6, "VRRPv2 advert_int must be whole seconds; 2 s"));
  CHECK(has(r, 9, "only '12345678' is used"));
  CHECK(has(r, 19, "VRRPv3 advert_int is in units of 10 ms; 0.56"));
  REQUIRE(r.config);
  // A has no VRID left: keepalived drops it ("the virtual router id must be set").
  REQUIRE(r.config->vrrp_instances.size() == 1);
  const auto& b = r.config->vrrp_instances[0];
  CHECK(b.name == "B");
  CHECK(b.advert_int == stayalived::centiseconds{56});
}

TEST_CASE("vrrp_instance: VIP, route and rule lines are typed") {
  const auto r = load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n"
                      "  192.0.2.10/24 brd - dev eth0 scope link label eth0:vip\n  192.0.2.11/33 foo\n  x.y.z.w\n }\n"
                      " virtual_routes {\n  default via 192.0.2.1 dev eth0 table main\n  192.0.2.0/24 via 192.0.2.1 bogus\n }\n"
                      " virtual_rules {\n  from 192.0.2.0/24 table 7 preference 5\n  to 198.51.100.0/24 table 8\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& v = r.config->vrrp_instances.at(0);
  REQUIRE(v.virtual_ipaddress.size() == 2);
  const auto& a = v.virtual_ipaddress[0];
  CHECK(a.address.to_string() == "192.0.2.10/24");
  CHECK(a.broadcast_mode == BroadcastMode::ClearHost);
  CHECK(a.scope == 253);
  CHECK(a.label == "eth0:vip");
  CHECK(v.virtual_ipaddress[1].address.length == 32);  // invalid /33: full width, as keepalived
  CHECK(has(r, 6, "invalid prefix length"));
  CHECK(has(r, 6, "unknown option 'foo'"));
  CHECK(has(r, 7, "'x.y.z.w' is not a valid IP address"));
  REQUIRE(v.virtual_routes.size() == 1);  // the route with an unknown word is dropped
  CHECK(v.virtual_routes[0].destination.length == 0);
  CHECK(v.virtual_routes[0].table == 254u);
  CHECK(has(r, 11, "route ignored"));
  REQUIRE(v.virtual_rules.size() == 2);
  CHECK(v.virtual_rules[0].preference == 5u);
  CHECK(has(r, 15, "rule without 'preference'"));
}

TEST_CASE("a rule whose words were all ignored is skipped, not installed as match-everything") {
  // Found by the fuzzer: an unclosed virtual_rules block swallowed the lines that followed,
  // each becoming an empty rule (which the dump cannot write back).
  const auto r = load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n"
                      " virtual_rules {\n  from 192.168\n  bogus words\n  from 192.0.2.0/24 table 7 preference 5\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& v = r.config->vrrp_instances.at(0);
  REQUIRE(v.virtual_rules.size() == 1);
  CHECK(v.virtual_rules[0].table == 7u);
  CHECK(has(r, 8, "invalid rule address '192.168'"));
  CHECK(has(r, 9, "rule with nothing to match or do; ignored"));
}

TEST_CASE("tracking lists: weights, reverse, duplicates, ranges") {
  const auto r = load("vrrp_script s {\n script /bin/true\n}\nvrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
                      " track_interface {\n  eth0 weight 254\n  lo weight -10 reverse\n  lo\n }\n"
                      " track_script {\n  s weight 300\n }\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& t = r.config->vrrp_instances.at(0).track;
  CHECK(has(r, 8, "+/-253 is used"));
  CHECK(has(r, 10, "duplicate track_interface 'lo'"));
  CHECK(has(r, 13, "must be in -253..253"));
  // eth0 is the instance's own interface: dropped by the validator.
  REQUIRE(t.interfaces.size() == 1);
  CHECK(t.interfaces[0].weight == -10);
  CHECK(t.interfaces[0].reverse);
  REQUIRE(t.scripts.size() == 1);
  CHECK_FALSE(t.scripts[0].weight);  // the bad weight is ignored, the entry kept
}

TEST_CASE("vrrp_script script: the first word is the command, further words ignored as keepalived 2.2.7 does") {
  // Observed with keepalived 2.2.7 in a namespace: `script "/bin/test -e F" nobody` runs test
  // -e F as the default script user; `script /bin/test -e F` runs /bin/test alone.
  const auto r = load("vrrp_script a {\n script \"/bin/test -e /etc/hostname\" root\n}\n"
                      "vrrp_script b {\n script /bin/test -e /etc/hostname\n}\n"
                      "vrrp_script c {\n user nobody\n script \"/bin/true x\"\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& s = r.config->vrrp_scripts;
  REQUIRE(s.size() == 3);
  CHECK(s[0].script.argv == std::vector<std::string>{"/bin/test", "-e", "/etc/hostname"});
  CHECK_FALSE(s[0].script.run_as);
  CHECK(has(r, 2, "words after the script are ignored"));
  CHECK(s[1].script.argv == std::vector<std::string>{"/bin/test"});
  CHECK(has(r, 5, "words after the script are ignored"));
  CHECK(s[2].script.argv == std::vector<std::string>{"/bin/true", "x"});
  REQUIRE(s[2].script.run_as);
  CHECK(s[2].script.run_as->user == "nobody");
}

TEST_CASE("virtual_server: settings flow virtual_server -> real_server -> checker") {
  const auto r = load(std::string(kVs) +
                      " delay_loop 10\n connect_timeout 4\n retry 5\n weight 3\n inhibit_on_failure\n"
                      " real_server 192.0.2.2 80 {\n  delay_before_retry 7\n  TCP_CHECK {\n   retry 0\n  }\n"
                      "  HTTP_GET {\n   url {\n    path /\n   }\n  }\n  DNS_CHECK {\n  }\n }\n"
                      " real_server 192.0.2.3 80 {\n  weight 1\n  lvs_method NAT\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& vs = r.config->virtual_servers.at(0);
  const auto& rs1 = vs.real_servers.at(0);
  CHECK(rs1.weight == 3);  // the virtual server's weight
  CHECK(rs1.inhibit_on_failure);
  CHECK(rs1.forwarding.method == ForwardingMethod::Dr);
  const auto& tcp = rs1.checkers.at(0);
  CHECK(tcp.retry == 0);                                   // its own
  CHECK(tcp.delay_loop == 10s);                            // virtual server
  CHECK(tcp.connection.connect_timeout == 4s);             // virtual server
  CHECK(tcp.delay_before_retry == 7s);                     // real server
  CHECK(rs1.checkers.at(1).retry == 5);                    // virtual server's retry
  CHECK(rs1.checkers.at(2).kind() == CheckerKind::Dns);
  const auto& rs2 = vs.real_servers.at(1);
  CHECK(rs2.weight == 1);
  CHECK(rs2.forwarding.method == ForwardingMethod::Nat);
  const auto& misc = rs2.checkers.at(0);
  CHECK(misc.retry == 5);
  CHECK(std::get<MiscCheck>(misc.spec).path.argv == std::vector<std::string>{"/bin/true"});
  // Defaults per checker kind when nothing is set (keepalived.conf(5)).
  const auto d = load(std::string(kVs) + " real_server 192.0.2.2 80 {\n  HTTP_GET {\n   url {\n    path /\n   }\n  }\n"
                                         "  DNS_CHECK {\n  }\n  MISC_CHECK {\n   misc_path /bin/true\n  }\n }\n}\n");
  const auto& cks = d.config->virtual_servers.at(0).real_servers.at(0).checkers;
  CHECK(cks.at(0).delay_before_retry == 3s);
  CHECK(cks.at(1).retry == 3);
  CHECK(cks.at(1).delay_before_retry == 60s);  // DNS_CHECK: delay_loop
  CHECK(cks.at(2).retry == 0);
  CHECK(cks.at(2).connection.connect_timeout == 5s);
}

TEST_CASE("virtual_server: keys, scheduler flags, forwarding, persistence, missing settings") {
  const auto r = load("virtual_server fwmark 12 {\n lb_algo sh\n sh-port\n lb_kind TUN type gue port 5555 csum\n"
                      " persistence_timeout\n real_server 192.0.2.2 {\n }\n}\n"
                      "virtual_server 192.0.2.1 80 {\n sh-port\n real_server 192.0.2.3 80 {\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& fw = r.config->virtual_servers.at(0);
  CHECK(std::get<VsFwmark>(fw.key).mark == 12);
  CHECK(fw.sched_flag2);
  CHECK(fw.forwarding.method == ForwardingMethod::Tun);
  CHECK(fw.forwarding.tunnel_type == TunnelType::Gue);
  CHECK(fw.forwarding.tunnel_port == 5555);
  CHECK(fw.forwarding.tunnel_checksum == TunnelChecksum::Csum);
  CHECK(fw.persistence_timeout == 360s);
  const auto& ip = r.config->virtual_servers.at(1);
  CHECK(has(r, 10, "only applies to the sh scheduler"));
  // keepalived 2.2.7 fills these in with warnings (and picks UDP!).
  CHECK(has(r, 9, "no protocol set"));
  CHECK(has(r, 9, "no lvs_sched set"));
  CHECK(has(r, 9, "no lvs_method set"));
  CHECK(ip.protocol == Protocol::Udp);
  CHECK(ip.scheduler == Scheduler::Wlc);
}

TEST_CASE("virtual_server_group ranges and checkers' specific settings") {
  const auto r = load("virtual_server_group g {\n 192.0.2.1-9 80\n 192.0.2.64/30\n 2001:db8::1-f 443\n fwmark 3 inet6\n"
                      " 192.0.2.9-1\n}\n" +
                      std::string(kVs) +
                      " real_server 192.0.2.2 80 {\n  UDP_CHECK {\n   payload Ab12f 3\n   require_reply 0aXx\n  }\n"
                      "  HTTP_GET {\n   url {\n    path /x\n    digest 00112233445566778899aabbccddeeff\n"
                      "    status_code 200-204 301\n   }\n   http_protocol 1.0C\n  }\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& g = r.config->virtual_server_groups.at(0);
  REQUIRE(g.addresses.size() == 3);
  CHECK(g.addresses[0].last.to_string() == "192.0.2.9");
  CHECK(g.addresses[1].first.to_string() == "192.0.2.64");
  CHECK(g.addresses[1].last.to_string() == "192.0.2.67");
  CHECK(g.addresses[2].last.to_string() == "2001:db8::f");
  CHECK(g.fwmarks.at(0).family == Family::Inet6);
  CHECK(has(r, 6, "is not an address, range or prefix"));
  const auto& cks = r.config->virtual_servers.at(0).real_servers.at(0).checkers;
  const auto& u = std::get<UdpCheck>(cks.at(0).spec);
  CHECK(u.payload == std::vector<std::uint8_t>{0xab, 0x12, 0x0f, 0x03});  // keepalived.conf(5)'s example
  CHECK(u.reply_data == std::vector<std::uint8_t>{0x0a, 0x00});
  CHECK(u.reply_mask == std::vector<std::uint8_t>{0xff, 0x00});
  const auto& h = std::get<HttpCheck>(cks.at(1).spec);
  CHECK(h.http_protocol == HttpProtocol::Http10Close);
  CHECK(h.urls.at(0).digest->at(15) == 0xff);
  CHECK(h.urls.at(0).status_codes.size() == 2);
}

TEST_CASE("scripts: quoting splits arguments, user and group follow") {
  const auto r = load("vrrp_instance A {\n interface eth0\n virtual_router_id 1\n"
                      " notify_master \"/bin/sh -c 'echo a b' x\\\\y\" nobody nogroup\n notify_backup /bin/echo\n"
                      " virtual_ipaddress {\n  192.0.2.1\n }\n}\n");
  REQUIRE(r.config);
  const auto& n = r.config->vrrp_instances.at(0).notify;
  REQUIRE(n.master);
  CHECK(n.master->argv == std::vector<std::string>{"/bin/sh", "-c", "echo a b", "x\\y"});
  CHECK(n.master->run_as->user == "nobody");
  CHECK(n.master->run_as->group == "nogroup");
  CHECK(n.backup->argv == std::vector<std::string>{"/bin/echo"});
  CHECK_FALSE(n.backup->run_as);
}
