// Structure of the language: braces, statements, quoting, unknown keywords, skipped blocks,
// missing parameters; each case is what keepalived 2.2.7 does with the same text.
#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace stayalived::config;
using testcfg::has;
using testcfg::load;

TEST_CASE("braces are tokens even inside a word, blocks may open on the next line or be one line") {
  const auto r = load("virtual_server 192.0.2.1 80{\n protocol TCP\n lb_algo rr\n lb_kind DR\n"
                      " real_server 192.0.2.2 80\n {\n  TCP_CHECK { connect_timeout 3 }\n }\n}\n"
                      "vrrp_instance V { interface eth0 virtual_router_id 1 }\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  for (const auto& d : r.diagnostics) CHECK(d.loc.line >= 10);  // the virtual_server is clean
  const auto& rs = r.config->virtual_servers.at(0).real_servers.at(0);
  CHECK(rs.checkers.at(0).connection.connect_timeout == std::chrono::seconds{3});
  // "interface eth0 virtual_router_id 1" is one statement (interface with extra words), so
  // the instance has no VRID, as in keepalived.
  CHECK(has(r, 10, "virtual_router_id is not set"));
  CHECK(r.config->vrrp_instances.empty());
}

TEST_CASE("a '{' after a word that opens no block is ignored, and '}' closes the current block") {
  // keepalived: "Unexpected '{' - ignoring"; the lines that follow belong to the current
  // block, and the next '}' closes it (024's ${VAR:-x} lines show this at length).
  const auto r = load("vrrp_instance X {\n interface eth0\n virtual_router_id 5\n foo bar {\n   baz 1\n }\n"
                      " priority 100\n}\n");
  CHECK(has(r, 4, "unknown keyword 'foo'"));
  CHECK(has(r, 4, "unexpected '{'"));
  CHECK(has(r, 5, "unknown keyword 'baz'"));
  CHECK(has(r, 7, "unknown keyword 'priority' in the top level"));
  CHECK(has(r, 8, "unexpected '}' at the top level"));
  REQUIRE(r.config);
  CHECK(r.config->vrrp_instances.at(0).priority == 100);  // the priority line was outside
}

TEST_CASE("Git conflict markers are unknown keywords, as in keepalived, named as such") {
  // keepalived 2.2.7 -t: "(Line 2) Unknown keyword '<<<<<<<'" for each marker, exit 5; the
  // lines of both sides are read (here router_id B, the later one, wins).
  const auto r = load("global_defs {\n<<<<<<< HEAD\n router_id A\n=======\n router_id B\n>>>>>>> branch\n}\n");
  INFO(testcfg::all(r));
  CHECK(has(r, 2, "unknown keyword '<<<<<<<' in global_defs; line ignored (a Git conflict marker"));
  CHECK(has(r, 4, "'=======' in global_defs; line ignored (a Git conflict marker"));
  CHECK(has(r, 6, "'>>>>>>>' in global_defs; line ignored (a Git conflict marker"));
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "B");
  CHECK(r.config_test_exit_code() == 5);
}

TEST_CASE("${VAR:-default} (shell syntax, not keepalived's) splits at the braces as in keepalived") {
  const auto r = load("vrrp_script chk {\n script /bin/true\n interval ${CHECK_INTERVAL:-2}\n weight -1\n}\n");
  CHECK(has(r, 3, "not a whole number"));        // interval $
  CHECK(has(r, 3, "unexpected '{'"));
  CHECK(has(r, 3, "unknown keyword 'CHECK_INTERVAL:-2'"));
  CHECK(has(r, 4, "unknown keyword 'weight' in the top level"));  // the '}' closed vrrp_script
  CHECK(has(r, 5, "unexpected '}' at the top level"));
}

TEST_CASE("a block keyword without '{' still opens its block (warning)") {
  const auto r = load("vrrp_instance X {\n interface eth0\n virtual_router_id 5\n virtual_ipaddress\n  192.0.2.1\n }\n"
                      " priority 50\n}\n");
  CHECK(has(r, 5, "missing '{' after 'virtual_ipaddress'"));
  REQUIRE(r.config);
  const auto& v = r.config->vrrp_instances.at(0);
  CHECK(v.virtual_ipaddress.size() == 1);
  CHECK(v.priority == 50);
}

TEST_CASE("blocks left open at the end are closed with a warning, stray braces are warnings") {
  const auto r = load("global_defs {\n router_id a\n");
  CHECK(has(r, 1, "not closed at the end of the input"));
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "a");
  const auto s = load("}\n{\n");
  CHECK(has(s, 1, "unexpected '}'"));
  CHECK(has(s, 2, "unexpected '{'"));
  CHECK(s.config_test_exit_code() == 5);
}

TEST_CASE("quoted strings keep spaces, braces and comment characters, quotes split words") {
  const auto r = load("global_defs {\n router_id \"a b {c} #d !e\"\n smtp_helo_name x\"y z\"w\n"
                      " notification_email_from \"unterminated x\n}\n");
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "a b {c} #d !e");
  CHECK(r.config->global.smtp_helo_name == "x");  // x, "y z", w: the first word is taken
  CHECK(has(r, 4, "unterminated double quote"));
  CHECK(r.config->global.notification_email_from == "unterminated x");
  // A quoted word is never a keyword.
  CHECK(has(load("\"global_defs\" {\n}\n"), 1, "unknown keyword 'global_defs'"));
}

TEST_CASE("unknown keywords are warned about at their line, with the block they are in") {
  const auto r = load("global_defs {\n lvs_id LVS1\n}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n"
                      " lb_kind NAT\n nat_mask 255.255.255.0\n real_server 192.0.2.2 80 {\n  TCP_CHECK {\n"
                      "   nb_get_retry 3\n  }\n }\n}\n");
  CHECK(has(r, 2, "unknown keyword 'lvs_id' in global_defs"));
  CHECK(has(r, 8, "unknown keyword 'nat_mask' in virtual_server 192.0.2.1 80"));
  CHECK(has(r, 11, "unknown keyword 'nb_get_retry' in TCP_CHECK"));
  CHECK(r.config);
  CHECK(r.config_test_exit_code() == 5);
}

TEST_CASE("a keyword missing its parameter is fatal (exit 2), and loading goes on to report the rest") {
  const auto r = load("vrrp_instance X {\n interface\n virtual_router_id 5\n priority\n bogus\n}\n");
  CHECK(has(r, 2, "'interface' is missing its parameter"));
  CHECK(has(r, 4, "'priority' is missing its parameter"));
  CHECK(has(r, 5, "unknown keyword 'bogus'"));
  CHECK(r.config == nullptr);
  CHECK(r.config_test_exit_code() == 2);
  // Diagnostics come in file order with FILE:LINE:COL.
  bool seen = false;
  for (const auto& d : r.diagnostics)
    if (d.severity == Severity::Error && !seen) {
      seen = true;
      CHECK(d.format() == "/etc/keepalived/keepalived.conf:2:2: error: 'interface' is missing its parameter");
    }
  for (std::size_t i = 1; i < r.diagnostics.size(); ++i) CHECK(r.diagnostics[i - 1].order <= r.diagnostics[i].order);
}

TEST_CASE("blocks keepalived rejects are skipped up to their matching '}'") {
  const auto r = load("virtual_server x.x.x.x 53 {\n real_server 192.0.2.9 53 {\n  bogus1\n }\n bogus2\n}\n"
                      "vrrp_instance {\n bogus3\n}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n"
                      " lb_kind DR\n real_server 192.0.2.300 80 {\n  bogus4 { nested }\n }\n real_server 192.0.2.2 80 {\n }\n}\n");
  CHECK(has(r, 1, "virtual_server address 'x.x.x.x' is not an IP address; block skipped"));
  CHECK(has(r, 7, "vrrp_instance needs a name; block skipped"));
  CHECK(has(r, 14, "block skipped"));
  for (const auto* w : {"bogus1", "bogus2", "bogus3", "bogus4"}) CHECK_FALSE(has(r, w));
  REQUIRE(r.config);
  REQUIRE(r.config->virtual_servers.size() == 1);
  CHECK(r.config->virtual_servers[0].real_servers.size() == 1);
}

TEST_CASE("nesting deeper than the limit is reported, not recursed into") {
  // keepalived's blocks do not recurse (at most virtual_server > real_server > HTTP_GET >
  // url), so the limit is there for safety; a small one shows it at work.
  auto opts = testcfg::options();
  opts.limits.max_block_depth = 2;
  const auto r = load("virtual_server 192.0.2.1 80 {\n real_server 192.0.2.2 80 {\n  HTTP_GET {\n   url {\n    path /\n"
                      "   }\n  }\n }\n}\n",
                      opts);
  CHECK(has(r, 3, "nested more than 2 deep"));
  CHECK(r.has_errors());
}

TEST_CASE("a script or FIFO keyword given twice in one block: the first is kept, with keepalived's warning") {
  // keepalived 2.2.7: "(VI_1) notify_master script already specified - ignoring /bin/false";
  // the same for the sync group's, the real server's and the virtual server's scripts, the
  // FIFOs and their scripts, startup and shutdown scripts (measured with keepalived -t).
  const auto r = load("global_defs {\n notify_fifo /tmp/a\n notify_fifo /tmp/b\n startup_script /bin/true\n"
                      " startup_script /bin/false\n}\n"
                      "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n notify_master /bin/true\n"
                      " notify_master /bin/false\n notify_deleted\n notify_deleted /bin/false\n"
                      " virtual_ipaddress {\n  192.0.2.100\n }\n}\n"
                      "virtual_server 192.0.2.1 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n quorum_up /bin/true\n"
                      " quorum_up /bin/false\n real_server 192.0.2.2 80 {\n  notify_down /bin/true\n  notify_down /bin/false\n"
                      " }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(has(r, 3, "'notify_fifo' already specified; '/tmp/b' ignored (the first is kept"));
  CHECK(has(r, 5, "'startup_script' already specified; '/bin/false' ignored"));
  CHECK(has(r, 11, "vrrp_instance VI_1: 'notify_master' already specified; '/bin/false' ignored"));
  CHECK(has(r, 13, "vrrp_instance VI_1: 'notify_deleted' already specified; '/bin/false' ignored"));
  CHECK(has(r, 23, "virtual_server 192.0.2.1 80: 'quorum_up' already specified"));
  CHECK(has(r, 26, "real_server 192.0.2.2: 'notify_down' already specified"));
  const auto& g = r.config->global;
  CHECK(g.notify_fifo->path == "/tmp/a");
  CHECK(g.startup_script->argv == std::vector<std::string>{"/bin/true"});
  const auto& vi = r.config->vrrp_instances.at(0);
  CHECK(vi.notify.master->argv == std::vector<std::string>{"/bin/true"});
  CHECK(vi.notify.deleted_set);
  CHECK(!vi.notify.deleted);  // the bare one came first
  const auto& vs = r.config->virtual_servers.at(0);
  CHECK(vs.quorum_up->argv == std::vector<std::string>{"/bin/true"});
  CHECK(vs.real_servers.at(0).notify_down->argv == std::vector<std::string>{"/bin/true"});
  // A value keepalived silently takes the last of stays so (priority: last wins, no word).
  const auto p = load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n priority 100\n priority 120\n}\n");
  REQUIRE(p.config);
  CHECK(p.config->vrrp_instances.at(0).priority == 120);
}

TEST_CASE("the other single-valued keywords keepalived keeps the first of, or replaces with a word, given twice") {
  // Measured with keepalived 2.2.7 -t, one keyword doubled at a time (and exit codes):
  // "Duplicate instance definition two - ignoring" (5), "Duplicate net_namespace definition
  // two - ignoring" (logged only: 0), "tmp_config_directory already specified - ignoring",
  // "nftables already specified", "SNMP socket already set to X - ignoring", "vmac prefix
  // has already been specified - ignoring bb", "lvs_sync_daemon has already been specified
  // as eth0 VI_1 - ignoring", "(VI_1) use_ipvlan already specified", "VMAC interface name
  // already specified", "garp_group already specified for eth0 - ignoring", "Weight already
  // set for track file tf - ignoring 7" (after a weight other than 1), "Weight already set
  // for track process tp - ignoring 20" (after a weight other than 0), "SSL password already
  // specified - replacing", "BFD_CHECK - BFD b2 already specified as b1", "DNS_CHECK name
  // already specified - ignoring", "Digest 'fff...' is a duplicate".
  const auto top = load("instance one\ninstance two\nnet_namespace_ipvs a\nnet_namespace_ipvs b\n");
  INFO(testcfg::all(top));
  CHECK(top.config->global.instance == "one");
  CHECK(has(top, 2, "'instance' already specified; 'two' ignored"));
  CHECK(top.config->global.net_namespace_ipvs == "a");
  CHECK(has(top, 4, "'net_namespace_ipvs' already specified"));
  const auto ns = load("net_namespace one\nnet_namespace two\n");
  CHECK(ns.config->global.net_namespace == "one");
  CHECK(has(ns, 2, "'net_namespace' already specified"));
  CHECK(ns.config_test_exit_code() == 0);  // keepalived only logs it

  const auto g = load("global_defs {\n tmp_config_directory /tmp/a\n tmp_config_directory /tmp/b\n nftables one\n nftables two\n"
                      " nftables_ipvs three\n nftables_ipvs four\n snmp_socket udp:127.0.0.1:705\n snmp_socket udp:127.0.0.2:705\n"
                      " vmac_prefix aa\n vmac_prefix bb\n vmac_addr_prefix cc\n vmac_addr_prefix dd\n"
                      " lvs_sync_daemon eth0 inst VI_1\n lvs_sync_daemon eth0 inst VI_2\n}\n");
  INFO(testcfg::all(g));
  REQUIRE(g.config);
  const auto& gd = g.config->global;
  CHECK(gd.tmp_config_directory == "/tmp/a");
  CHECK(gd.nftables == "one");
  CHECK(gd.nftables_ipvs == "three");
  CHECK(gd.snmp_socket == "udp:127.0.0.1:705");
  CHECK(gd.vmac_prefix == "aa");
  CHECK(gd.vmac_addr_prefix == "cc");
  CHECK(gd.lvs_sync_daemon->vrrp_instance == "VI_1");
  for (unsigned line : {3u, 5u, 7u, 9u, 11u, 13u, 15u}) CHECK(has(g, line, "already specified"));
  // An instance's lvs_sync_daemon_interface is read after global_defs by keepalived: a
  // global one given later still replaces it, without a word.
  const auto sync = load("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n lvs_sync_daemon_interface eth0\n"
                         " virtual_ipaddress {\n  192.0.2.1\n }\n}\nglobal_defs {\n lvs_sync_daemon lo inst V\n}\n");
  CHECK(sync.config->global.lvs_sync_daemon->interface == "lo");
  CHECK_FALSE(has(sync, 10, "already specified"));
  // A second one (in the same instance or another) is ignored with keepalived's warning.
  const auto twice = load("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n lvs_sync_daemon_interface eth0\n"
                          " lvs_sync_daemon_interface lo\n virtual_ipaddress {\n  192.0.2.1\n }\n}\n");
  CHECK(twice.config->global.lvs_sync_daemon->interface == "eth0");
  CHECK(has(twice, 5, "lvs_sync_daemon is already specified as eth0 V; this one ignored"));

  const auto vi = load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n use_vmac v1\n use_vmac v2\n"
                       " use_ipvlan i1\n use_ipvlan i2\n virtual_ipaddress {\n  192.0.2.100\n }\n}\n"
                       "garp_group {\n garp_interval 1\n interfaces {\n  eth0\n  eth0\n }\n}\n"
                       "garp_group {\n garp_interval 2\n interface eth0\n}\n"
                       "track_file tf {\n file /tmp/x\n weight 1\n weight 5\n weight 7\n}\n"
                       "vrrp_track_process tp {\n process haproxy\n weight 0\n weight 20\n weight 30\n}\n");
  INFO(testcfg::all(vi));
  REQUIRE(vi.config);
  const auto& v = vi.config->vrrp_instances.at(0);
  CHECK(v.use_vmac->name == "v1");
  CHECK(has(vi, 5, "the VMAC interface name is already specified ('v1'); 'v2' ignored"));
  CHECK(v.use_ipvlan->name == "i1");
  CHECK(has(vi, 7, "'use_ipvlan' already specified"));
  CHECK(has(vi, 16, "interface eth0 is already in a garp_group"));
  CHECK(has(vi, 21, "interface eth0 is already in a garp_group"));
  CHECK(vi.config->garp_groups.at(0).interfaces == std::vector<std::string>{"eth0"});
  CHECK_FALSE(vi.config->garp_groups.at(1).interface.has_value());
  CHECK(vi.config->track_files.at(0).weight == 5);  // 1 is the default: 5 replaces it, 7 does not
  CHECK(has(vi, 27, "track_file tf: weight already set; '7' ignored"));
  CHECK_FALSE(has(vi, 26, "already set"));
  CHECK(vi.config->track_processes.at(0).weight == 20);  // 0 counts as not set
  CHECK(has(vi, 33, "vrrp_track_process tp: weight already set; '30' ignored"));
  CHECK_FALSE(has(vi, 32, "already set"));

  const auto lvs = load("SSL {\n password a\n password b\n}\n"
                        "virtual_server 192.0.2.9 53 {\n protocol UDP\n real_server 192.0.2.10 53 {\n"
                        "  DNS_CHECK {\n   name www.example.com\n   name www.example.org\n  }\n"
                        "  BFD_CHECK {\n   name b1\n   name b2\n  }\n"
                        "  HTTP_GET {\n   url {\n    path /\n    digest 00000000000000000000000000000000\n"
                        "    digest ffffffffffffffffffffffffffffffff\n   }\n  }\n }\n}\n"
                        "bfd_instance b1 {\n neighbor_ip 192.0.2.10\n}\n");
  INFO(testcfg::all(lvs));
  REQUIRE(lvs.config);
  CHECK(lvs.config->ssl->password == "b");  // replaced, with a word
  CHECK(has(lvs, 3, "SSL: 'password' already specified ('a'); replaced by 'b'"));
  CHECK(has(lvs, 10, "DNS_CHECK: name already specified ('www.example.com'); 'www.example.org' ignored"));
  CHECK(has(lvs, 14, "BFD_CHECK: bfd_instance already specified as 'b1'; 'b2' ignored"));
  CHECK(has(lvs, 20, "a digest is already given"));
  const auto& checkers = lvs.config->virtual_servers.at(0).real_servers.at(0).checkers;
  CHECK(std::get<DnsCheck>(checkers.at(0).spec).name == "www.example.com");
  CHECK(std::get<BfdCheck>(checkers.at(1).spec).name == "b1");
  CHECK(std::get<HttpCheck>(checkers.at(2).spec).urls.at(0).digest->at(0) == 0);
}

TEST_CASE("an address where keepalived takes a socket address: '/prefix' or '-range' is dropped, with a note") {
  // keepalived's inet_stosockaddr cuts the word at the first '-' or '/': unicast_src_ip,
  // mcast_src_ip, unicast_peer, virtual_server, real_server, connect_ip and bindto all take
  // 10.0.0.1/24 as 10.0.0.1 without a word (measured with keepalived -t: exit 0).
  const auto r = load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n unicast_src_ip 10.0.0.1/24\n"
                      " unicast_peer {\n  10.0.0.2/24\n  10.0.0.3-5\n }\n virtual_ipaddress {\n  192.0.2.100\n }\n}\n"
                      "virtual_server 192.0.2.1/32 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n"
                      " real_server 192.0.2.2/24 80 {\n  TCP_CHECK {\n   connect_ip 192.0.2.7/24\n  }\n }\n}\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(r.config_test_exit_code() == 0);  // notes only
  CHECK(has(r, 4, "'/24' after the address is ignored"));
  CHECK(has(r, 7, "'-5' after the address is ignored"));
  const auto& vi = r.config->vrrp_instances.at(0);
  CHECK(vi.source_ip->to_string() == "10.0.0.1");
  REQUIRE(vi.unicast_peers.size() == 2);
  CHECK(vi.unicast_peers[0].address.to_string() == "10.0.0.2");
  CHECK(vi.unicast_peers[1].address.to_string() == "10.0.0.3");
  const auto& vs = r.config->virtual_servers.at(0);
  CHECK(std::get<VsAddress>(vs.key).address.to_string() == "192.0.2.1");
  CHECK(vs.real_servers.at(0).address.to_string() == "192.0.2.2");
  CHECK(vs.real_servers.at(0).checkers.at(0).connection.connect_ip->to_string() == "192.0.2.7");
  // Not an address before the cut: still refused.
  CHECK(has(load("vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n unicast_src_ip foo/24\n}\n"), 4,
            "is not an IP address; ignored"));
}
