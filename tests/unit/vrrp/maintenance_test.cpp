// The operator's maintenance (stayalivedctl maintenance / resume) in the pure state machine:
// a Master sends priority 0, keeps its VIPs until the new master advertises and then stays Backup; a Backup in maintenance never takes
// over; resume puts it back in the election. A sync group follows a member that hands over.
#include <doctest/doctest.h>

#include "sim.hpp"

using namespace vrrp_test;

TEST_CASE("maintenance: a Master sends priority 0 and keeps its VIPs until the new master advertises") {
  auto c = basic(2, 255);
  c.initial_state = State::Master;
  Sim s(c);
  s.start();
  REQUIRE(s.inst.state() == State::Master);
  auto a = s.feed(Maintenance{true});
  CHECK_FALSE(transition_of(a));  // still Master: the VIPs serve until someone takes over
  REQUIRE(first<SendAdvert>(a));
  CHECK(first<SendAdvert>(a)->priority == 0);
  CHECK_FALSE(has<RemoveAddresses>(a));
  CHECK(s.inst.maintenance());
  CHECK(s.inst.handing_over());
  CHECK(s.until(TimerId::Protocol) == Timing::master_down(2, 255, centiseconds(100)));
  // Another router's priority-0 advert is not a new master.
  CHECK(s.receive(0).empty());
  // The new master's first advert (any priority: ours counts as 0 now) ends the hand-over.
  auto b = s.receive(100);
  REQUIRE(transition_of(b));
  CHECK(*transition_of(b) == Transition{State::Master, State::Backup, Reason::Maintenance});
  CHECK(has<RemoveAddresses>(b));
  CHECK_FALSE(first<SendAdvert>(b));  // priority 0 was sent already
  CHECK_FALSE(s.inst.handing_over());
  CHECK(event_cause(Reason::Maintenance) == stayalived::events::VrrpCause::Maintenance);
  CHECK(name(Reason::Maintenance) == "maintenance");
}

TEST_CASE("maintenance: with nobody to take over, the VIPs go after a Master_Down_Interval") {
  Sim s(basic(2, 200));
  s.start();
  s.fire(TimerId::Protocol);
  REQUIRE(s.inst.state() == State::Master);
  auto a = s.feed(Maintenance{true});
  CHECK_FALSE(transition_of(a));
  auto t = s.fire(TimerId::Protocol);
  REQUIRE(transition_of(t));
  CHECK(*transition_of(t) == Transition{State::Master, State::Backup, Reason::Maintenance});
  CHECK(has<RemoveAddresses>(t));
  REQUIRE(first<SendAdvert>(t));  // priority 0 again: the first may have been lost
  CHECK(first<SendAdvert>(t)->priority == 0);
}

TEST_CASE("maintenance: resume during the hand-over makes it a master again, advertising its priority") {
  Sim s(basic(2, 200));
  s.start();
  s.fire(TimerId::Protocol);
  s.feed(Maintenance{true});
  auto r = s.feed(Maintenance{false});
  CHECK_FALSE(transition_of(r));
  REQUIRE(first<SendAdvert>(r));
  CHECK(first<SendAdvert>(r)->priority == 200);
  CHECK_FALSE(s.inst.handing_over());
  CHECK(s.until(TimerId::Protocol) == std::chrono::seconds(1));
  CHECK(s.inst.state() == State::Master);
}

TEST_CASE("maintenance: a Backup in maintenance never becomes Master, resume lets it") {
  Sim s(basic(2, 200));
  s.start();
  CHECK(s.feed(Maintenance{true}).empty());  // a Backup: nothing to hand over
  for (int i = 0; i < 5; ++i) {
    auto a = s.fire(TimerId::Protocol);
    CHECK_FALSE(transition_of(a));  // no master heard, and still no take-over
    CHECK(s.inst.state() == State::Backup);
    CHECK(s.inst.deadline(TimerId::Protocol) != TimePoint{});  // it keeps watching
  }
  // A lower-priority master does not make it preempt either.
  CHECK_FALSE(transition_of(s.receive(100)));
  auto r = s.feed(Maintenance{false});
  CHECK_FALSE(transition_of(r));
  CHECK(s.until(TimerId::Protocol) == Timing::master_down(2, 200, centiseconds(100)));
  auto a = s.fire(TimerId::Protocol);
  REQUIRE(transition_of(a));
  CHECK(transition_of(a)->to == State::Master);
}

TEST_CASE("maintenance: an owner started in maintenance starts as Backup") {
  auto c = basic(2, 255);
  c.initial_state = State::Master;
  Sim s(c);
  s.feed(Maintenance{true});
  auto a = s.start();
  CHECK(transition_of(a)->to == State::Backup);
}
