// Keywords accepted without effect (src/config/no_effect.cpp): each one used is a warning
// with its line, the exit status of -t is 5 (keepalived's, which acts on them, is what
// keepalived_exit_code() says), and stayalived.conf(5)'s IMPLEMENTATION STATUS lists exactly
// these keywords.
#include <doctest/doctest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "../../../src/config/no_effect.hpp"
#include "helpers.hpp"

using namespace stayalived::config;
using stayalived::config::detail::find_keyword;
using stayalived::config::detail::no_effect_keywords;

namespace {

std::string instance(const std::string& name, int vrid) {
  return "vrrp_instance " + name + " {\n interface eth0\n virtual_router_id " + std::to_string(vrid) +
         "\n virtual_ipaddress {\n  192.0.2." + std::to_string(vrid) + "\n }\n}\n";
}

std::size_t no_effect_count(const LoadResult& r) {
  std::size_t n = 0;
  for (const auto& d : r.diagnostics)
    if (d.klass == DiagClass::NoEffect) ++n;
  return n;
}

// The words of `.Ic` macros between ".Sh IMPLEMENTATION STATUS" and the next ".Sh".
std::set<std::string> man_status_keywords() {
  std::ifstream in(STAYALIVED_SOURCE_DIR "/man/stayalived.conf.5");
  REQUIRE(in.good());
  std::set<std::string> out;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(".Sh ", 0) == 0) inside = line == ".Sh IMPLEMENTATION STATUS";
    if (!inside || line.rfind(".Ic ", 0) != 0) continue;
    std::istringstream words(line.substr(4));
    std::string w;
    words >> w;
    out.insert(w);
  }
  return out;
}

}  // namespace

TEST_CASE("no effect: every listed keyword is a keyword of its block, listed once") {
  std::set<std::pair<int, std::string_view>> seen;
  for (const auto& e : no_effect_keywords()) {
    INFO(e.keyword);
    CHECK(find_keyword(e.ctx, e.keyword) != nullptr);
    CHECK(seen.insert({static_cast<int>(e.ctx), e.keyword}).second);
    CHECK_FALSE(e.why.empty());
  }
  CHECK(seen.size() > 50);
}

TEST_CASE("no effect: the man page's IMPLEMENTATION STATUS lists exactly these keywords") {
  std::set<std::string> listed;
  for (const auto& e : no_effect_keywords()) listed.insert(std::string(e.keyword));
  const auto page = man_status_keywords();
  for (const auto& k : listed) CHECK_MESSAGE(page.count(k), "missing from the man page: ", k);
  for (const auto& k : page) CHECK_MESSAGE(listed.count(k), "on the man page but it works (or is no keyword): ", k);
}

TEST_CASE("no effect: a keyword without effect is a warning on its line, and -t exits 5 where keepalived exits 0") {
  const auto r = testcfg::load(
      "global_defs {\n"
      " router_id A\n"
      " enable_snmp_vrrp\n"
      " log_unknown_vrids\n enable_traps\n"
      "}\n"
      "vrrp_instance V {\n"
      " interface eth0\n"
      " virtual_router_id 1\n"
      " priority 100\n"
      " use_vmac\n"
      " virtual_ipaddress {\n"
      "  192.0.2.1/24 use_vmac\n"
      " }\n"
      "}\n");
  INFO(testcfg::all(r));
  CHECK(testcfg::has(r, 3, "'enable_snmp_vrrp' is accepted but has no effect in stayalived: SNMP is not implemented"));
  CHECK(testcfg::has(r, 5, "'enable_traps' is accepted but has no effect in stayalived"));
  CHECK(testcfg::has(r, 11, "'use_vmac' is accepted but has no effect in stayalived"));
  CHECK(testcfg::has(r, 13, "'use_vmac' on the address line of 192.0.2.1/24 is accepted but has no effect"));
  CHECK(no_effect_count(r) == 4);
  CHECK(r.config != nullptr);
  CHECK(r.config_test_exit_code() == 5);
  CHECK(r.keepalived_exit_code() == 0);
}

TEST_CASE("no effect: keywords that work say nothing, and a block without effect warns once") {
  // startup_script, global_tracking and reload_check_config without a file work.
  auto fs = std::make_shared<testcfg::MemFiles>();
  fs->add("/usr/bin/true", "", 0755);
  const auto works = testcfg::load(
      "global_defs {\n script_user nobody\n startup_script /usr/bin/true\n shutdown_script /usr/bin/true\n"
      " reload_check_config\n}\n"
      "vrrp_sync_group G {\n group {\n  V\n  W\n }\n global_tracking\n}\n" +
          instance("V", 1) + instance("W", 2),
      testcfg::options(fs));
  INFO(testcfg::all(works));
  CHECK(no_effect_count(works) == 0);
  REQUIRE(works.config);
  CHECK(works.config->sync_groups.at(0).sync_group_tracking_weight);


  // The keywords inside a bfd_instance block are not each reported: the block is.
  const auto bfd = testcfg::load("bfd_instance B {\n neighbor_ip 192.0.2.1\n min_rx 10\n}\n");
  INFO(testcfg::all(bfd));
  CHECK(no_effect_count(bfd) == 1);
  CHECK(testcfg::has(bfd, 1, "'bfd_instance' is accepted but has no effect in stayalived: BFD is not implemented"));
}

TEST_CASE("lvs_sync_daemon_interface in an instance is global_defs lvs_sync_daemon for that instance, unless that is given") {
  const std::string vi = "vrrp_instance V {\n interface eth0\n virtual_router_id 1\n lvs_sync_daemon_interface eth0\n"
                         " virtual_ipaddress {\n  192.0.2.1\n }\n}\n";
  const auto r = testcfg::load(vi);
  REQUIRE(r.config);
  REQUIRE(r.config->global.lvs_sync_daemon);
  CHECK(r.config->global.lvs_sync_daemon->interface == "eth0");
  CHECK(r.config->global.lvs_sync_daemon->vrrp_instance == "V");
  CHECK(testcfg::has(r, 4, "deprecated"));
  const auto g = testcfg::load(vi + "global_defs {\n lvs_sync_daemon lo V2\n}\n");
  REQUIRE(g.config);
  CHECK(g.config->global.lvs_sync_daemon->interface == "lo");
}
