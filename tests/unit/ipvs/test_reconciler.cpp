// The Reconciler against the in-memory kernel: start-up adoption and flush, minimal
// writes, failures named precisely, re-dump and re-plan, drift, shutdown policies.
#include <doctest/doctest.h>

#include <algorithm>

#include "helpers.hpp"
#include "stayalived/ipvs/desired.hpp"
#include "stayalived/ipvs/fake_backend.hpp"
#include "stayalived/ipvs/reconciler.hpp"

using namespace ipvs_test;
using stayalived::log::Level;
using stayalived::log::Logger;
using stayalived::log::MemorySink;
using stayalived::log::Source;

namespace {

struct Fixture {
  Logger logger;
  MemorySink* sink;
  FakeBackend kernel;

  Fixture() {
    auto s = std::make_unique<MemorySink>();
    sink = s.get();
    logger.add_sink(std::move(s));
  }
  stayalived::log::Channel channel() { return stayalived::log::Channel(logger, Source::Check); }

  bool logged(Level level, const std::string& text) const {
    return std::any_of(sink->lines.begin(), sink->lines.end(),
                       [&](const auto& l) { return l.level == level && l.text.find(text) != std::string::npos; });
  }
};

State one_service(std::vector<Destination> dests, const std::string& sched = "wlc") {
  State s;
  auto svc = service(tcp("10.0.0.1", 80), sched);
  s.put(svc);
  for (const auto& d : dests) s.put(svc.key, d);
  return s;
}

}  // namespace

TEST_CASE("reconciler: start from empty, then a reload changing one real server is one write") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  State want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80)});
  REQUIRE(r.start(want));
  auto p = r.step();
  CHECK(p.executed == 3);
  CHECK(p.failures.empty());
  CHECK_FALSE(p.more);
  CHECK(f.kernel.table == want);
  CHECK(r.observed() == want);
  auto before = f.kernel.counters().writes;
  auto reads_before = f.kernel.counters().reads;
  want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80, 5)});
  p = r.apply(want);
  CHECK(p.executed == 1);
  CHECK(f.kernel.counters().writes - before == 1);
  CHECK(f.kernel.counters().reads == reads_before);  // no dump on the happy path
  CHECK(f.kernel.table == want);
}

TEST_CASE("reconciler: step() honours its budget and finishes the plan across calls") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  std::vector<Destination> ds;
  for (int i = 1; i <= 9; ++i) ds.push_back(dest("10.0.1." + std::to_string(i), 80));
  State want = one_service(ds);
  REQUIRE(r.start(want));
  int steps = 0;
  std::size_t total = 0;
  for (;;) {
    auto p = r.step(4);
    CHECK(p.executed <= 4);
    total += p.executed;
    ++steps;
    if (!p.more) break;
  }
  CHECK(total == 10);
  CHECK(steps == 3);
  CHECK(f.kernel.table == want);
}

TEST_CASE("reconciler: start-up adopts existing rules and leaves foreign ones alone") {
  Fixture f;
  auto ours = service(tcp("10.0.0.1", 80), "rr");
  f.kernel.table.put(ours);
  f.kernel.table.put(ours.key, dest("10.0.1.1", 80, 9));
  f.kernel.table.put(ours.key, dest("10.0.9.9", 80));  // added by hand: not in our config
  auto foreign = service(tcp("192.0.2.1", 443));
  f.kernel.table.put(foreign);
  f.kernel.table.put(foreign.key, dest("192.0.2.2", 443));
  State foreign_only;
  foreign_only.put(foreign);
  foreign_only.put(foreign.key, dest("192.0.2.2", 443));

  Reconciler r(f.kernel, f.channel());
  State want = one_service({dest("10.0.1.1", 80)}, "wrr");
  REQUIRE(r.start(want));
  auto p = r.step();
  CHECK(p.failures.empty());
  // One edit of the service, one edit of the weight; no add, no delete.
  REQUIRE(f.kernel.log.size() == 2);
  CHECK(f.kernel.log[0].kind == OpKind::EditService);
  CHECK(f.kernel.log[1].kind == OpKind::EditDest);
  CHECK(f.logged(Level::Info, "adopting existing service TCP 10.0.0.1:80"));
  CHECK(f.kernel.table.find(ours.key)->service.scheduler == "wrr");
  CHECK(f.kernel.table.find(ours.key)->dests.contains(DestKey{ip("10.0.9.9"), 80}));
  CHECK(*f.kernel.table.find(foreign.key) == *foreign_only.find(foreign.key));

  // Shutdown removes ours (with the hand-added destination, as deleting a service does)
  // and nothing else.
  p = r.shutdown();
  CHECK(p.failures.empty());
  CHECK(f.kernel.table == foreign_only);
}

TEST_CASE("reconciler: lvs_flush empties the table at start") {
  Fixture f;
  f.kernel.table.put(service(tcp("192.0.2.1", 443)));
  Reconciler r(f.kernel, f.channel(), ReconcilerOptions{.flush_at_start = true});
  REQUIRE(r.start(one_service({dest("10.0.1.1", 80)})));
  CHECK(r.step().failures.empty());
  CHECK(f.kernel.table == one_service({dest("10.0.1.1", 80)}));
  CHECK(f.logged(Level::Info, "flushed"));
}

TEST_CASE("reconciler: lvs_timeouts are set at start and restored at stop, even with -I") {
  for (bool release : {true, false}) {
    Fixture f;
    f.kernel.current_timeouts = Timeouts{100, 101, 102};
    Reconciler r(f.kernel, f.channel(),
                 ReconcilerOptions{.release_on_stop = release, .timeouts = Timeouts{.tcp = 7200, .tcp_fin = 0, .udp = 60}});
    REQUIRE(r.start(State{}));
    CHECK(f.kernel.current_timeouts == Timeouts{7200, 101, 60});
    (void)r.shutdown();
    CHECK(f.kernel.current_timeouts == Timeouts{100, 101, 102});
  }
}

TEST_CASE("reconciler: a reload's lvs_timeouts go over the original timeouts, as keepalived's do") {
  // keepalived 2.2.7 in the VM (tests/vm/scenarios/lvs_timeouts.sh): start with tcp 100
  // tcpfin 11 udp 12, reload to tcp 200 alone: 200 120 300 (the kernel's own values back
  // under it); reload without lvs_timeouts: the originals; stop: the originals.
  Fixture f;
  f.kernel.current_timeouts = Timeouts{900, 120, 300};
  Reconciler r(f.kernel, f.channel(), ReconcilerOptions{.timeouts = Timeouts{.tcp = 100, .tcp_fin = 11, .udp = 12}});
  REQUIRE(r.start(State{}));
  CHECK(f.kernel.current_timeouts == Timeouts{100, 11, 12});
  const auto writes = f.kernel.counters().writes;
  r.reload_timeouts(Timeouts{.tcp = 100, .tcp_fin = 11, .udp = 12});  // unchanged: nothing written
  CHECK(f.kernel.counters().writes == writes);
  r.reload_timeouts(Timeouts{.tcp = 200, .tcp_fin = 0, .udp = 0});
  CHECK(f.kernel.current_timeouts == Timeouts{200, 120, 300});
  CHECK(f.kernel.counters().writes == writes + 1);
  r.reload_timeouts(std::nullopt);
  CHECK(f.kernel.current_timeouts == Timeouts{900, 120, 300});
  (void)r.shutdown();
  CHECK(f.kernel.current_timeouts == Timeouts{900, 120, 300});
  // First given by a reload: the values found then are the originals.
  Fixture g;
  g.kernel.current_timeouts = Timeouts{900, 120, 300};
  Reconciler q(g.kernel, g.channel());
  REQUIRE(q.start(State{}));
  q.reload_timeouts(std::nullopt);  // nothing to do, nothing written
  CHECK(g.kernel.current_timeouts == Timeouts{900, 120, 300});
  q.reload_timeouts(Timeouts{.tcp = 0, .tcp_fin = 0, .udp = 30});
  CHECK(g.kernel.current_timeouts == Timeouts{900, 120, 30});
  (void)q.shutdown();
  CHECK(g.kernel.current_timeouts == Timeouts{900, 120, 300});
}

TEST_CASE("reconciler: a missing scheduler is named once, the rest continues") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  State want = one_service({dest("10.0.1.1", 80)}, "twos");
  auto other = service(tcp("10.0.0.2", 80));
  want.put(other);
  want.put(other.key, dest("10.0.1.2", 80));
  REQUIRE(r.start(want));
  auto p = r.step();
  // Round 1 and round 2 (after a re-dump) both fail for the same reason.
  CHECK(f.kernel.dumps == 2);
  REQUIRE(r.unresolved().size() == 2);
  CHECK(r.unresolved()[0].message() ==
        "TCP 10.0.0.1:80: No such file or directory (scheduler 'twos' not available)");
  CHECK(r.unresolved()[1].message() == "TCP 10.0.0.1:80 -> 10.0.1.1:80: No such process");
  CHECK(f.logged(Level::Err, "add service failed: TCP 10.0.0.1:80: No such file or directory (scheduler 'twos'"));
  // The destination failure follows from the service's: not reported as a second error.
  CHECK_FALSE(f.logged(Level::Err, "TCP 10.0.0.1:80 -> 10.0.1.1:80"));
  // The other service went in.
  CHECK(f.kernel.table.find(other.key) != nullptr);
  CHECK(f.kernel.table.find(other.key)->dests.size() == 1);
  // Once the module is there, the next target (any reload or health change) fixes it.
  f.kernel.schedulers.insert("twos");
  p = r.apply(want);
  CHECK(p.failures.empty());
  CHECK(r.unresolved().empty());
  CHECK(f.kernel.table == want);
}

TEST_CASE("reconciler: a kernel error names the object exactly") {
  Fixture f;
  Reconciler r(f.kernel, f.channel(), ReconcilerOptions{.rounds = 1});
  REQUIRE(r.start(one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80)})));
  f.kernel.inject = [](const Op& op) -> OpError {
    return op.kind == OpKind::AddDest && op.dest.key.address == ip("10.0.1.2") ? ENOENT : 0;
  };
  auto p = r.step();
  REQUIRE(p.failures.size() == 1);
  CHECK(p.failures[0].message() == "TCP 10.0.0.1:80 -> 10.0.1.2:80: No such file or directory");
  CHECK(f.logged(Level::Err, "IPVS: add destination failed: TCP 10.0.0.1:80 -> 10.0.1.2:80: No such file or directory"));
  // The rest continued.
  CHECK(f.kernel.table.find(tcp("10.0.0.1", 80))->dests.contains(DestKey{ip("10.0.1.1"), 80}));
}

TEST_CASE("reconciler: a transient failure is retried after a re-dump") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  int failures_left = 1;
  f.kernel.inject = [&](const Op& op) -> OpError {
    if (op.kind == OpKind::AddDest && failures_left > 0) {
      --failures_left;
      return kLost;  // the ack never came: unknown
    }
    return 0;
  };
  State want = one_service({dest("10.0.1.1", 80)});
  REQUIRE(r.start(want));
  auto p = r.step();
  CHECK(p.failures.size() == 1);
  CHECK(p.failures[0].message() == "TCP 10.0.0.1:80 -> 10.0.1.1:80: acknowledgement lost");
  CHECK(f.logged(Level::Warning, "re-reading the table"));
  CHECK(r.unresolved().empty());
  CHECK(f.kernel.table == want);
  CHECK(f.kernel.dumps == 2);  // start + one re-dump
}

TEST_CASE("reconciler: rules changed under us are reported and reconciled") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  State want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80)});
  auto p = r.start(want);
  REQUIRE(p);
  CHECK(r.step().failures.empty());
  // Someone deletes one destination and re-weights the other.
  auto& e = f.kernel.table.services.begin()->second;
  e.dests.erase(DestKey{ip("10.0.1.2"), 80});
  e.dests[DestKey{ip("10.0.1.1"), 80}].weight = 42;
  // A health change makes us edit the deleted one: ENOENT, re-dump, re-plan, fixed.
  want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80, 3)});
  auto prog = r.apply(want);
  CHECK(prog.failures.size() == 1);
  CHECK(f.logged(Level::Warning, "TCP 10.0.0.1:80 -> 10.0.1.2:80 was removed outside stayalived"));
  CHECK(f.logged(Level::Warning, "TCP 10.0.0.1:80 -> 10.0.1.1:80 was changed outside stayalived (Masq weight 42"));
  CHECK(f.kernel.table == want);
  CHECK(r.unresolved().empty());

  // resync() finds drift without any failure and plans the repair.
  f.kernel.table.services.begin()->second.service.scheduler = "rr";
  auto n = r.resync();
  REQUIRE(n);
  CHECK(*n == 1);
  CHECK(f.logged(Level::Warning, "TCP 10.0.0.1:80 was changed outside stayalived (scheduler rr"));
  CHECK(r.step().executed == 1);
  CHECK(f.kernel.table == want);
}

TEST_CASE("reconciler: deleting something already gone is not an error") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  REQUIRE(r.start(one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80)})));
  CHECK(r.step().failures.empty());
  f.kernel.table.services.begin()->second.dests.erase(DestKey{ip("10.0.1.2"), 80});
  auto p = r.apply(one_service({dest("10.0.1.1", 80)}));
  CHECK(p.failures.empty());
  CHECK(f.logged(Level::Warning, "TCP 10.0.0.1:80 -> 10.0.1.2:80 was already removed outside stayalived"));
}

TEST_CASE("reconciler: an existing service appearing under us is adopted after EEXIST") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  REQUIRE(r.start(State{}));
  // Someone creates the service between our start and our apply.
  f.kernel.table.put(service(tcp("10.0.0.1", 80), "rr"));
  State want = one_service({dest("10.0.1.1", 80)});
  auto p = r.apply(want);
  REQUIRE(p.failures.size() >= 1);
  CHECK(p.failures[0].error == EEXIST);
  CHECK(f.kernel.table == want);
  CHECK(r.unresolved().empty());
}

TEST_CASE("reconciler: shutdown modes and -I") {
  State want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80)});
  auto foreign = service(tcp("192.0.2.1", 443));

  SUBCASE("default: each destination, then the service") {
    Fixture f;
    f.kernel.table.put(foreign);
    Reconciler r(f.kernel, f.channel());
    REQUIRE(r.start(want));
    CHECK(r.step().failures.empty());
    f.kernel.log.clear();
    auto p = r.shutdown();
    CHECK(p.executed == 3);
    REQUIRE(f.kernel.log.size() == 3);
    CHECK(f.kernel.log[0].kind == OpKind::DeleteDest);
    CHECK(f.kernel.log[2].kind == OpKind::DeleteService);
    CHECK(f.kernel.table.services.size() == 1);
    CHECK(f.kernel.table.find(foreign.key) != nullptr);
  }
  SUBCASE("lvs_flush_on_stop VS: only the services") {
    Fixture f;
    Reconciler r(f.kernel, f.channel(), ReconcilerOptions{.stop_mode = StopMode::RemoveServices});
    REQUIRE(r.start(want));
    CHECK(r.step().failures.empty());
    f.kernel.log.clear();
    CHECK(r.shutdown().executed == 1);
    REQUIRE(f.kernel.log.size() == 1);
    CHECK(f.kernel.log[0].kind == OpKind::DeleteService);
    CHECK(f.kernel.table.services.empty());
  }
  SUBCASE("lvs_flush_on_stop: flush") {
    Fixture f;
    f.kernel.table.put(foreign);
    Reconciler r(f.kernel, f.channel(), ReconcilerOptions{.stop_mode = StopMode::FlushAll});
    REQUIRE(r.start(want));
    CHECK(r.step().failures.empty());
    auto writes = f.kernel.counters().writes;
    (void)r.shutdown();
    CHECK(f.kernel.counters().writes == writes + 1);
    CHECK(f.kernel.table.services.empty());
  }
  SUBCASE("-I leaves everything") {
    Fixture f;
    Reconciler r(f.kernel, f.channel(), ReconcilerOptions{.release_on_stop = false});
    REQUIRE(r.start(want));
    CHECK(r.step().failures.empty());
    auto writes = f.kernel.counters().writes;
    CHECK(r.shutdown().executed == 0);
    CHECK(f.kernel.counters().writes == writes);
    CHECK(f.kernel.table == want);
    CHECK(f.logged(Level::Info, "--dont-release-ipvs"));
  }
}

TEST_CASE("reconciler: a failed start-up dump is reported, not fatal") {
  Fixture f;
  f.kernel.dump_error = stayalived::Error{"Operation not permitted", EPERM};
  Reconciler r(f.kernel, f.channel());
  auto s = r.start(one_service({}));
  REQUIRE_FALSE(s);
  CHECK(s.error().message.find("cannot read the table") != std::string::npos);
  CHECK(s.error().code == EPERM);
}

TEST_CASE("reconciler: confirmed counts only what the kernel acknowledged, a lost ack is re-read") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  // Two destinations' acks are lost, although the kernel made the change.
  f.kernel.lose_ack = [](const Op& op) {
    return op.kind == OpKind::AddDest && (op.dest.key.address == ip("10.0.1.2") || op.dest.key.address == ip("10.0.1.4"));
  };
  State want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80), dest("10.0.1.3", 80), dest("10.0.1.4", 80)});
  REQUIRE(r.start(want));
  auto p = r.step();
  CHECK(p.executed == 5);
  CHECK(p.confirmed == 3);  // the service and two destinations; two acks lost
  CHECK(p.failures.size() == 2);
  CHECK(f.kernel.counters().lost == 2);
  // The re-read found the two in the kernel: nothing is re-sent, nothing is unresolved.
  CHECK(f.kernel.dumps == 2);
  CHECK(f.kernel.counters().writes == 5);
  CHECK(r.unresolved().empty());
  CHECK(r.observed() == want);
}

TEST_CASE("reconciler: a dump that leaves out services we own is checked by key, not taken as drift") {
  Fixture f;
  Reconciler r(f.kernel, f.channel());
  State want;
  for (int v = 1; v <= 20; ++v) {
    auto s = service(tcp("10.0.0." + std::to_string(v), 80));
    want.put(s);
    want.put(s.key, dest("10.0.1." + std::to_string(v), 80));
  }
  REQUIRE(r.start(want));
  CHECK(r.step().failures.empty());
  REQUIRE(f.kernel.table == want);
  // The kernel's dump skips three of our services (another namespace removed services
  // while it ran); one more really is gone.
  auto skipped = [](const ServiceKey& k) {
    return k == tcp("10.0.0.3", 80) || k == tcp("10.0.0.7", 80) || k == tcp("10.0.0.11", 80);
  };
  f.kernel.dump_skips = skipped;
  f.kernel.table.services.erase(tcp("10.0.0.15", 80));
  auto drift = r.resync();
  REQUIRE(drift);
  CHECK(*drift == 1);
  CHECK(f.logged(Level::Warning, "TCP 10.0.0.15:80 was removed outside stayalived"));
  CHECK_FALSE(f.logged(Level::Warning, "TCP 10.0.0.3:80 was removed"));
  CHECK(r.dump_misses() == 3);
  CHECK(f.kernel.lookups == 4);  // the three skipped and the one removed
  auto before = f.kernel.counters().writes;
  auto p = r.step();
  CHECK(p.failures.empty());
  CHECK(f.kernel.counters().writes - before == 2);  // only the removed service and its destination
  f.kernel.dump_skips = nullptr;
  CHECK(f.kernel.table == want);
}

TEST_CASE("reconciler: a start-up dump missing a service adopts it after EEXIST and a look-up") {
  Fixture f;
  auto s = service(tcp("10.0.0.1", 80));
  f.kernel.table.put(s);
  f.kernel.table.put(s.key, dest("10.0.1.1", 80));
  f.kernel.dump_skips = [&](const ServiceKey& k) { return k == s.key; };
  Reconciler r(f.kernel, f.channel());
  State want = one_service({dest("10.0.1.1", 80), dest("10.0.1.2", 80)});
  REQUIRE(r.start(want));
  auto p = r.apply(want);
  // AddService fails with EEXIST (the dump did not show it); the re-read looks it up and
  // the second round adds only the missing destination.
  REQUIRE(p.failures.size() >= 1);
  CHECK(p.failures[0].error == EEXIST);
  CHECK(r.unresolved().empty());
  CHECK(r.dump_misses() == 1);
  CHECK(f.kernel.table == want);
}

TEST_CASE("fake kernel: stats reports every service and, where asked, its destinations with their counters") {
  FakeBackend kernel;
  kernel.table = one_service({dest("192.168.1.1", 80, 2), dest("192.168.1.2", 80, 3)});
  kernel.table.put(service(tcp("10.0.0.2", 443)));
  const auto k = tcp("10.0.0.1", 80);
  kernel.service_traffic[k] = TrafficStats{9, 90, 80, 9000, 8000};
  kernel.dest_traffic[{k, dest("192.168.1.2", 80, 3).key}] = TrafficStats{4, 40, 30, 4000, 3000};
  auto s = kernel.stats([&](const ServiceKey& x) { return x == k; });
  REQUIRE(s);
  REQUIRE(s->size() == 2);
  const auto& mine = (*s)[0].key == k ? (*s)[0] : (*s)[1];
  const auto& other = (*s)[0].key == k ? (*s)[1] : (*s)[0];
  CHECK(mine.traffic.connections == 9);
  REQUIRE(mine.dests.size() == 2);
  CHECK(mine.dests[0].weight == 2);
  CHECK(mine.dests[0].traffic == TrafficStats{});
  CHECK(mine.dests[1].traffic == TrafficStats{4, 40, 30, 4000, 3000});
  CHECK(other.dests.empty());  // not asked for
  kernel.dump_error = stayalived::Error{"gone", EIO};
  CHECK_FALSE(kernel.stats(nullptr));
}
