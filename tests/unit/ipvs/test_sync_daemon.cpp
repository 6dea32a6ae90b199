// The sync daemon follows the VRRP state as keepalived does (lvs_sync_daemon).
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "stayalived/ipvs/fake_backend.hpp"
#include "stayalived/ipvs/sync_daemon.hpp"

using namespace ipvs_test;

namespace {
std::vector<SyncRole> roles(const FakeBackend& k) {
  std::vector<SyncRole> out;
  for (const auto& d : k.daemons) out.push_back(d.role);
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

TEST_CASE("sync daemon: with a VRRP instance, master only while MASTER, backup otherwise") {
  stayalived::log::Logger logger;
  FakeBackend k;
  SyncDaemonConfig c{.interface = "eth1", .vrrp_instance = "VI_1", .sync_id = 51};
  SyncDaemonController ctl(k, stayalived::log::Channel(logger, stayalived::log::Source::Check), c);
  REQUIRE(ctl.start());
  CHECK(roles(k) == std::vector{SyncRole::Backup});
  CHECK(k.daemons[0].interface == "eth1");
  CHECK(k.daemons[0].sync_id == 51);
  REQUIRE(ctl.on_vrrp_state(true));
  CHECK(roles(k) == std::vector{SyncRole::Master});
  auto writes = k.counters().writes;
  REQUIRE(ctl.on_vrrp_state(true));  // no change, no write
  CHECK(k.counters().writes == writes);
  REQUIRE(ctl.on_vrrp_state(false));
  CHECK(roles(k) == std::vector{SyncRole::Backup});
  REQUIRE(ctl.stop());
  CHECK(k.daemons.empty());
}

TEST_CASE("sync daemon: without a VRRP instance both run all the time") {
  stayalived::log::Logger logger;
  FakeBackend k;
  SyncDaemonController ctl(k, stayalived::log::Channel(logger, stayalived::log::Source::Check),
                           SyncDaemonConfig{.interface = "eth1"});
  REQUIRE(ctl.start());
  CHECK(roles(k) == std::vector{SyncRole::Master, SyncRole::Backup});
  REQUIRE(ctl.on_vrrp_state(true));
  CHECK(roles(k) == std::vector{SyncRole::Master, SyncRole::Backup});
}

TEST_CASE("sync daemon: kernel defaults match, other daemons are not ours") {
  SyncDaemonConfig c{.interface = "eth1", .sync_id = 5};
  SyncDaemon running{.role = SyncRole::Backup, .interface = "eth1", .sync_id = 5, .max_len = 1472, .port = 8848,
                     .ttl = 1, .group = ip("224.0.0.81")};
  CHECK(sync_daemon_matches(c, running));
  c.port = 9000;
  CHECK_FALSE(sync_daemon_matches(c, running));

  stayalived::log::Logger logger;
  FakeBackend k;
  k.daemons.push_back(SyncDaemon{.role = SyncRole::Master, .interface = "eth9", .sync_id = 7});
  SyncDaemonController ctl(k, stayalived::log::Channel(logger, stayalived::log::Source::Check),
                           SyncDaemonConfig{.interface = "eth1", .vrrp_instance = "VI_1", .sync_id = 5});
  REQUIRE(ctl.start());  // backup wanted; the foreign master stays
  CHECK(roles(k) == std::vector{SyncRole::Master, SyncRole::Backup});
  REQUIRE(ctl.stop());
  REQUIRE(k.daemons.size() == 1);
  CHECK(k.daemons[0].interface == "eth9");
}
