// The operator's maintenance (stayalivedctl maintenance / resume) in the pure state machine:
// a Master hands over as on shutdown and stays Backup; a Backup in maintenance never takes
// over; resume puts it back in the election. A sync group follows a member that hands over.
#include <doctest/doctest.h>

#include "sim.hpp"

using namespace vrrp_test;

TEST_CASE("maintenance: a Master sends priority 0, removes its VIPs and becomes Backup") {
  auto c = basic(2, 255);
  c.initial_state = State::Master;
  Sim s(c);
  s.start();
  REQUIRE(s.inst.state() == State::Master);
  auto a = s.feed(Maintenance{true});
  REQUIRE(transition_of(a));
  CHECK(*transition_of(a) == Transition{State::Master, State::Backup, Reason::Maintenance});
  REQUIRE(first<SendAdvert>(a));
  CHECK(first<SendAdvert>(a)->priority == 0);
  CHECK(has<RemoveAddresses>(a));
  CHECK(s.inst.maintenance());
  CHECK(event_cause(Reason::Maintenance) == stayalived::events::VrrpCause::Maintenance);
  CHECK(name(Reason::Maintenance) == "maintenance");
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
