// keepalived's per-process settings merged for stayalived's one process.
#include <doctest/doctest.h>

#include "stayalived/config/load.hpp"
#include "stayalived/daemon/process_tuning.hpp"

using namespace stayalived;
using stayalived::daemon::merge_process_settings;
using stayalived::daemon::ProcessSettings;

namespace {
config::GlobalDefs global(const std::string& lines) {
  auto r = config::load_string("global_defs {\n" + lines + "}\n", "t.conf");
  REQUIRE(r.config);
  return r.config->global;
}
}  // namespace

TEST_CASE("process settings: the subsystems that run are merged toward the more demanding") {
  const auto g = global(
      " vrrp_priority -5\n checker_priority 3\n vrrp_rt_priority 10\n checker_rt_priority 20\n"
      " checker_rlimit_rttime 30000\n vrrp_no_swap\n vrrp_cpu_affinity 1\n checker_cpu_affinity 0 1\n"
      " bfd_priority -20\n bfd_cpu_affinity 3\n");
  const auto both = merge_process_settings(g, true, true);
  CHECK(both.nice == -5);
  CHECK(both.rt_priority == 20);
  CHECK(both.rttime_usec == 30000u);
  CHECK(both.lock_memory);
  CHECK(both.cpus == std::vector<unsigned>{0, 1});
  CHECK(both.describe() == "nice -5, SCHED_RR priority 20 (RLIMIT_RTTIME 30000 us), memory locked, CPUs 0,1");
  // -C: the checkers' settings only.
  const auto checkers = merge_process_settings(g, false, true);
  CHECK(checkers.nice == 3);
  CHECK_FALSE(checkers.lock_memory);
  CHECK(checkers.cpus == std::vector<unsigned>{0, 1});
  // -P: VRRP's; no RLIMIT_RTTIME given: keepalived's default applies.
  const auto vrrp = merge_process_settings(g, true, false);
  CHECK(vrrp.rt_priority == 10);
  CHECK_FALSE(vrrp.rttime_usec);
  CHECK(vrrp.describe() == "nice -5, SCHED_RR priority 10 (RLIMIT_RTTIME 10000 us), memory locked, CPUs 1");
}

TEST_CASE("process settings: none given, nothing to do, and RLIMIT_RTTIME alone does nothing") {
  CHECK(merge_process_settings(global(""), true, true).empty());
  CHECK(merge_process_settings(global(" vrrp_rlimit_rttime 5000\n"), true, true).empty());
}
