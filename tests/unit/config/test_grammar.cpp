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
