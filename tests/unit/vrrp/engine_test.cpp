// Sync groups on a fake clock: members move together as keepalived 2.2.7 moves them.
#include <doctest/doctest.h>

#include "sim.hpp"
#include "stayalived/vrrp/engine.hpp"

using namespace vrrp_test;

namespace {

struct Pair {
  Engine e;
  InstanceId a, b;
  GroupId g;
  TimePoint now = t0();

  Pair() {
    auto ca = basic();
    ca.name = "VI_1";
    auto cb = basic();
    cb.name = "VI_2";
    cb.vrid = 52;
    cb.addresses = {ip("192.0.2.200")};
    a = e.add(ca);
    b = e.add(cb);
    e.instance(a).set_source(ip("192.0.2.1"));
    e.instance(b).set_source(ip("192.0.2.1"));
    g = e.add_group("G1", {a, b});
  }
  EngineOutput start() {
    auto o = e.handle(a, Start{}, now);
    auto p = e.handle(b, Start{}, now);
    o.insert(o.end(), p.begin(), p.end());
    return o;
  }
  EngineOutput fire(InstanceId i) {
    now = std::max(now, e.instance(i).deadline(TimerId::Protocol));
    return e.handle(i, TimerExpired{TimerId::Protocol}, now);
  }
};

std::vector<Transition> transitions(const EngineOutput& o, InstanceId id) {
  std::vector<Transition> v;
  for (const auto& item : o)
    if (const auto* ia = std::get_if<InstanceAction>(&item); ia && ia->instance == id)
      if (const auto* t = std::get_if<Transition>(&ia->action)) v.push_back(*t);
  return v;
}
std::vector<GroupTransition> group_transitions(const EngineOutput& o) {
  std::vector<GroupTransition> v;
  for (const auto& item : o)
    if (const auto* g = std::get_if<GroupTransition>(&item)) v.push_back(*g);
  return v;
}
int syncing(const EngineOutput& o, State target) {
  int n = 0;
  for (const auto& item : o)
    if (const auto* g = std::get_if<GroupSyncing>(&item); g && g->target == target) ++n;
  return n;
}

}  // namespace

TEST_CASE("sync group: startup puts the group in BACKUP") {
  Pair p;
  auto o = p.start();
  auto g = group_transitions(o);
  REQUIRE(g.size() == 1);  // "GROUP G1 BACKUP 0" once, as keepalived
  CHECK(g.back().from == State::Init);
  CHECK(g.back().to == State::Backup);
  CHECK(p.e.group_state(p.g) == State::Backup);
  CHECK(p.e.instance(p.a).config().sync_group_member);
}

TEST_CASE("sync group: the group goes Master only when every member's timer fired") {
  Pair p;
  p.start();
  auto first = p.fire(p.a);
  CHECK(transitions(first, p.a).empty());  // VI_1 waits for VI_2
  CHECK(p.e.instance(p.a).wants_master());
  auto second = p.fire(p.b);
  // VI_2 goes Master on its own timer, then the group takes VI_1 along.
  auto tb = transitions(second, p.b);
  REQUIRE(tb.size() == 1);
  CHECK(tb[0] == Transition{State::Backup, State::Master, Reason::MasterDown});
  auto ta = transitions(second, p.a);
  REQUIRE(ta.size() == 1);
  CHECK(ta[0] == Transition{State::Backup, State::Master, Reason::SyncGroup});
  CHECK(syncing(second, State::Master) == 1);
  CHECK(p.e.group_state(p.g) == State::Master);
  CHECK(group_transitions(second).back().to == State::Master);
  // The log order keepalived has: VI_2 first, then "Syncing", then VI_1.
  std::size_t ib = 99, is = 99, ia = 99;
  for (std::size_t i = 0; i < second.size(); ++i) {
    if (const auto* x = std::get_if<InstanceAction>(&second[i]); x && std::holds_alternative<Transition>(x->action))
      (x->instance == p.b ? ib : ia) = std::min(x->instance == p.b ? ib : ia, i);
    if (std::holds_alternative<GroupSyncing>(second[i])) is = std::min(is, i);
  }
  CHECK(ib < is);
  CHECK(is < ia);
}

TEST_CASE("sync group: an advert from a live master cancels a member's wish") {
  Pair p;
  p.start();
  p.fire(p.a);
  Sim helper(p.e.instance(p.a).config());
  Received rx = helper.advert(200);
  p.e.handle(p.a, AdvertReceived{rx, std::nullopt}, p.now);
  CHECK_FALSE(p.e.instance(p.a).wants_master());
  auto o = p.fire(p.b);  // VI_2 alone cannot take the group
  CHECK(transitions(o, p.b).empty());
  CHECK(p.e.group_state(p.g) == State::Backup);
}

TEST_CASE("sync group: one member falling back to Backup takes the others") {
  Pair p;
  p.start();
  p.fire(p.a);
  p.fire(p.b);
  REQUIRE(p.e.group_state(p.g) == State::Master);
  Sim helper(p.e.instance(p.a).config());
  auto o = p.e.handle(p.a, AdvertReceived{helper.advert(200), std::nullopt}, p.now);
  CHECK(transitions(o, p.a).at(0) == Transition{State::Master, State::Backup, Reason::HigherPriority});
  CHECK(transitions(o, p.b).at(0) == Transition{State::Master, State::Backup, Reason::SyncGroup});
  CHECK(syncing(o, State::Backup) == 1);
  CHECK(p.e.group_state(p.g) == State::Backup);
}

TEST_CASE("sync group: a tracking fault of one member faults the group until it clears") {
  Pair p;
  p.start();
  p.fire(p.a);
  p.fire(p.b);
  auto o = p.e.handle(p.a, TrackingUpdate{true, 100}, p.now);
  CHECK(transitions(o, p.a).at(0).to == State::Fault);
  CHECK(transitions(o, p.b).at(0) == Transition{State::Master, State::Fault, Reason::SyncGroup});
  CHECK(syncing(o, State::Fault) == 1);
  CHECK(p.e.group_state(p.g) == State::Fault);
  // Both members also sent priority 0 (each was Master).
  int zeros = 0;
  for (const auto& item : o)
    if (const auto* x = std::get_if<InstanceAction>(&item))
      if (const auto* s = std::get_if<SendAdvert>(&x->action); s && s->priority == 0) ++zeros;
  CHECK(zeros == 2);
  // VI_2's own tracking fault and recovery while the group is faulted changes nothing.
  p.e.handle(p.b, TrackingUpdate{true, 100}, p.now);
  auto still = p.e.handle(p.a, TrackingUpdate{false, 100}, p.now);
  CHECK(transitions(still, p.a).empty());
  CHECK(p.e.group_state(p.g) == State::Fault);
  auto cleared = p.e.handle(p.b, TrackingUpdate{false, 100}, p.now);
  CHECK(transitions(cleared, p.b).at(0) == Transition{State::Fault, State::Backup, Reason::FaultCleared});
  CHECK(transitions(cleared, p.a).at(0) == Transition{State::Fault, State::Backup, Reason::SyncGroup});
  CHECK(syncing(cleared, State::Backup) == 1);
  CHECK(p.e.group_state(p.g) == State::Backup);
}

TEST_CASE("sync group: shutdown of every member puts the group in Init (notify STOP)") {
  Pair p;
  p.start();
  p.e.handle(p.a, Shutdown{}, p.now);
  CHECK(p.e.group_state(p.g) == State::Backup);
  auto o = p.e.handle(p.b, Shutdown{}, p.now);
  CHECK(group_transitions(o).back().to == State::Init);
}

TEST_CASE("sync group: stopping a Master group goes straight to STOP") {
  Pair p;
  p.start();
  p.fire(p.a);
  p.fire(p.b);
  REQUIRE(p.e.group_state(p.g) == State::Master);
  auto first = p.e.handle(p.a, Shutdown{}, p.now);
  CHECK(group_transitions(first).empty());  // VI_2 still Master: no BACKUP in between
  auto second = p.e.handle(p.b, Shutdown{}, p.now);
  REQUIRE(group_transitions(second).size() == 1);
  CHECK(group_transitions(second)[0].from == State::Master);
  CHECK(group_transitions(second)[0].to == State::Init);
}

TEST_CASE("engine: find, remove, instances outside groups") {
  Engine e;
  auto x = e.add(basic());
  auto cfg = basic();
  cfg.name = "VI_2";
  auto y = e.add(cfg);
  CHECK(e.find("VI_2") == y);
  CHECK_FALSE(e.group_of(x));
  e.instance(x).set_source(ip("192.0.2.1"));
  e.handle(x, Start{}, t0());
  auto o = e.handle(x, TimerExpired{TimerId::Protocol}, t0() + seconds(4));
  CHECK(transitions(o, x).at(0).to == State::Master);
  e.remove(x);
  CHECK_FALSE(e.exists(x));
  CHECK(e.ids() == std::vector<InstanceId>{y});
  CHECK(e.handle(x, Start{}, t0()).empty());
}

TEST_CASE("sync group: a member put in maintenance takes the group to Backup, and holds it there") {
  Pair p;
  p.start();
  p.fire(p.a);
  p.fire(p.b);
  REQUIRE(p.e.group_state(p.g) == State::Master);
  p.e.handle(p.a, Maintenance{true}, p.now);
  CHECK(p.e.instance(p.a).handing_over());  // keeps the VIPs while a peer takes over
  CHECK(p.e.instance(p.a).state() == State::Master);
  p.fire(p.a);  // no peer here: after a Master_Down_Interval it lets go
  CHECK(p.e.instance(p.a).state() == State::Backup);
  CHECK(p.e.instance(p.b).state() == State::Backup);  // the group follows
  CHECK(p.e.group_state(p.g) == State::Backup);
  // VI_2's timer fires again and again: the group waits for VI_1, which never wants it.
  for (int i = 0; i < 3; ++i) {
    p.fire(p.b);
    p.fire(p.a);
  }
  CHECK(p.e.instance(p.a).state() == State::Backup);
  CHECK(p.e.instance(p.b).state() == State::Backup);
  p.e.handle(p.a, Maintenance{false}, p.now);
  p.fire(p.a);
  p.fire(p.b);
  CHECK(p.e.group_state(p.g) == State::Master);
}
