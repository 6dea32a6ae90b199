// The global section of the data dump matches keepalived 2.2.7's, line by line, on the
// reference captures in tests/data/daemon/keepalived-2.2.7 (taken from the real daemon).
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "stayalived/daemon/dump.hpp"

using namespace stayalived;

namespace {

// The "Global definitions" section of a keepalived dump file, one entry per line.
std::vector<std::string> global_section(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "missing reference " << path);
  std::vector<std::string> lines;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("------<")) {
      if (inside) break;
      inside = line == "------< Global definitions >------";
    }
    if (inside) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

// Lines keepalived prints that we do not, each for a stated reason.
const std::set<std::string> kNotOurs = {
    " nftables without counters",  // Debian's build adds nftables rules for vrrp_strict; we don't
    " libnftnl version 1.2.3",     // (see the man page's differences)
};

void compare(const std::vector<std::string>& theirs, const std::vector<std::string>& ours,
             const std::set<std::string>& expected_differences) {
  std::vector<std::string> t;
  for (const auto& l : theirs)
    if (!kNotOurs.contains(l) && !expected_differences.contains(l)) t.push_back(l);
  std::vector<std::string> o;
  for (const auto& l : ours)
    if (!expected_differences.contains(l)) o.push_back(l);
  const std::size_t n = std::min(t.size(), o.size());
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    CHECK(o[i] == t[i]);
  }
  CHECK(o.size() == t.size());
}

}  // namespace

TEST_CASE("global definitions of a default config match keepalived's") {
  config::Config cfg;
  cfg.global.router_id = "KD";
  daemon::DumpContext ctx;
  const auto ours = split_lines(daemon::dump_global_definitions(cfg, ctx));
  const auto theirs = global_section(std::string(STAYALIVED_TEST_DATA) +
                                     "/daemon/keepalived-2.2.7/keepalived.data");
  REQUIRE(theirs.size() > 60);
  compare(theirs, ours, {});
}

TEST_CASE("global definitions with every global option set match keepalived's") {
  // The settings of tests/data/daemon/keepalived-2.2.7/globals/keepalived.conf.
  config::Config cfg;
  auto& g = cfg.global;
  g.router_id = "KD2";
  g.notification_email = {"a@example.com", "b@example.com"};
  g.notification_email_from = "lb@example.com";
  g.smtp_server = "127.0.0.1";
  g.smtp_port = 2525;
  g.smtp_helo_name = "lb.example.com";
  g.smtp_connect_timeout = std::chrono::seconds(7);
  g.smtp_alert = true;
  g.smtp_alert_vrrp = false;
  g.script_user = config::RunAs{"nobody", std::nullopt};
  g.enable_script_security = true;
  g.lvs_flush = true;
  g.lvs_flush_on_stop = config::LvsFlushOnStop::VirtualServers;
  g.vrrp_garp_master_delay = std::chrono::seconds(3);
  g.vrrp_garp_master_repeat = 2;
  g.vrrp_garp_interval = std::chrono::milliseconds(1);
  g.vrrp_gna_interval = std::chrono::milliseconds(2);
  g.vrrp_version = 3;
  g.vrrp_strict = true;
  g.notify_fifo = config::Fifo{"/tmp/kd2/fifo", std::nullopt, {}};
  g.vrrp_notify_fifo = config::Fifo{"/tmp/kd2/vfifo", std::nullopt, {}};
  g.lvs_notify_fifo = config::Fifo{"/tmp/kd2/lfifo", std::nullopt, {}};
  g.reload_check_config = "/tmp/kd2/rc.log";
  g.checker_log_all_failures = true;
  g.max_auto_priority = 10;
  g.vrrp.priority = -5;
  g.checker.rt_priority = 5;
  g.lvs_timeouts = {std::chrono::seconds(100), std::chrono::seconds(10), std::chrono::seconds(20)};
  g.lvs_sync_daemon = config::LvsSyncDaemon{.interface = "eth0", .vrrp_instance = "VI_1", .sync_id = 5};
  g.data_use_instance = true;

  daemon::DumpContext ctx;
  ctx.resolve_user = [](const std::optional<config::RunAs>&) { return std::pair<uid_t, gid_t>{65534, 65534}; };
  const auto ours = split_lines(daemon::dump_global_definitions(cfg, ctx));
  const auto theirs = global_section(std::string(STAYALIVED_TEST_DATA) +
                                     "/daemon/keepalived-2.2.7/globals/keepalived_parent.data");
  REQUIRE(theirs.size() > 60);
  // Known differences, each deliberate:
  compare(theirs, ours,
          {
              // keepalived labels the UDP timeout "LVS TCP timeout"; we print what it is.
              " LVS TCP timeout = 20",
              " LVS UDP timeout = 20",
              // keepalived's parent process prints unresolved lower-priority GARP settings
              // (UINT_MAX = "inherit"); its VRRP process, and we, print the effective value.
              " Gratuitous ARP lower priority delay = 4294967295",
              " Gratuitous ARP lower priority repeat = 4294967295",
              " Gratuitous ARP lower priority delay = 3",
              " Gratuitous ARP lower priority repeat = 2",
              // Only keepalived's VRRP process prints the default interface.
              " Default interface = eth0",
              // vrrp_strict implies lower_prio_no_advert in the VRRP process; the parent
              // process, which took this dump, had not applied it.
              " Send advert after receive lower priority advert = true",
              " Send advert after receive lower priority advert = false",
          });
}
