// The instance state machine on a fake clock, row by row against RFC 5798 section 6.4 (and
// RFC 3768 section 6.4 for VRRPv2), with keepalived 2.2.7's extensions.
#include <doctest/doctest.h>

#include "sim.hpp"

using namespace vrrp_test;
using std::chrono::milliseconds;

TEST_CASE("Timing: Skew_Time and Master_Down_Interval, v2 and v3 formulas") {
  // RFC 3768: Skew_Time = (256 - Priority) / 256 seconds.
  CHECK(Timing::skew(2, 100, centiseconds(100)) == microseconds(609375));
  CHECK(Timing::master_down(2, 100, centiseconds(100)) == microseconds(3609375));
  CHECK(Timing::skew(2, 254, centiseconds(300)) == microseconds(7812));  // v2 skew ignores the interval
  CHECK(Timing::master_down(2, 254, centiseconds(300)) == microseconds(9007812));
  // RFC 5798: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256, computed in
  // microseconds as keepalived does (not rounded to centiseconds).
  CHECK(Timing::skew(3, 100, centiseconds(100)) == microseconds(609375));
  CHECK(Timing::skew(3, 101, centiseconds(100)) == microseconds(605468));  // 100 and 101 differ
  CHECK(Timing::master_down(3, 100, centiseconds(100)) == microseconds(3609375));
  CHECK(Timing::skew(3, 100, centiseconds(10)) == microseconds(60937));
  CHECK(Timing::master_down(3, 100, centiseconds(10)) == microseconds(360937));  // advert_int 0.1: < 400 ms
  CHECK(Timing::master_down(3, 200, centiseconds(100), 5) == microseconds(5218750));  // down_timer_adverts
}

TEST_CASE("6.4.1 Initialize: Startup as a backup arms Master_Down_Timer") {
  Sim s(basic());
  auto a = s.start();
  REQUIRE(transition_of(a));
  CHECK(*transition_of(a) == Transition{State::Init, State::Backup, Reason::Startup});
  CHECK(s.inst.state() == State::Backup);
  CHECK(has<RemoveAddresses>(a));  // keepalived clears left-over VIPs at startup
  CHECK_FALSE(has<SendAdvert>(a));
  CHECK_FALSE(has<AddAddresses>(a));
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));
  CHECK(s.inst.master_adver_interval() == centiseconds(100));
  // A second Start changes nothing.
  CHECK(s.start().empty());
}

TEST_CASE("6.4.1 Initialize: 'state MASTER' without priority 255 still starts as Backup") {
  auto c = basic(2, 150);
  c.initial_state = State::Master;
  Sim s(c);
  auto a = s.start();
  CHECK(transition_of(a)->to == State::Backup);
  CHECK(s.until(TimerId::Protocol) == microseconds(3000000 + 106 * 1000000 / 256));
}

TEST_CASE("6.4.1 Initialize: the address owner becomes Master at once") {
  auto c = basic(2, 255);
  c.initial_state = State::Master;
  Sim s(c);
  auto a = s.start();
  CHECK(*transition_of(a) == Transition{State::Init, State::Master, Reason::AddressOwner});
  REQUIRE(first<SendAdvert>(a));
  CHECK(first<SendAdvert>(a)->priority == 255);
  CHECK(has<AddAddresses>(a));
  CHECK(first<SendGratuitous>(a)->repeat == 5);
  CHECK(s.until(TimerId::Protocol) == seconds(1));
  CHECK(s.until(TimerId::GarpDelayed) == seconds(5));
}

TEST_CASE("6.4.2 Backup: Master_Down_Timer fires -> advert, VIPs, gratuitous ARP, Master") {
  Sim s(basic());
  s.start();
  auto a = s.fire(TimerId::Protocol);
  CHECK(has_note(a, Note::Kind::MasterDownTimeout));
  CHECK(*transition_of(a) == Transition{State::Backup, State::Master, Reason::MasterDown});
  // Order: transition, the advert, then the VIPs and their announcement.
  std::size_t t = 99, adv = 99, add = 99, garp = 99;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::holds_alternative<Transition>(a[i])) t = i;
    if (std::holds_alternative<SendAdvert>(a[i]) && adv == 99) adv = i;
    if (std::holds_alternative<AddAddresses>(a[i])) add = i;
    if (std::holds_alternative<SendGratuitous>(a[i])) garp = i;
  }
  CHECK(t < adv);
  CHECK(adv < add);
  CHECK(add < garp);
  CHECK(first<SendAdvert>(a)->priority == 100);
  CHECK(s.until(TimerId::Protocol) == seconds(1));  // Adver_Timer
  CHECK(s.inst.stats().became_master == 1);
}

TEST_CASE("6.4.2 Backup: an advert with priority >= ours resets Master_Down_Timer") {
  Sim s(basic());
  s.start();
  s.advance(seconds(2));
  auto a = s.receive(100, "192.0.2.2");  // equal priority is accepted in Backup
  CHECK_FALSE(transition_of(a));
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));
  CHECK(s.inst.master_address() == ip("192.0.2.2"));
  s.advance(seconds(3));
  s.receive(200, "192.0.2.3");
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));
  CHECK(s.inst.state() == State::Backup);
}

TEST_CASE("6.4.2 Backup: preempt discards a lower priority advert, so the backup takes over") {
  Sim s(basic(2, 150));
  s.start();
  const auto deadline = s.inst.deadline(TimerId::Protocol);
  s.advance(seconds(1));
  auto a = s.receive(100);
  CHECK(has_note(a, Note::Kind::LowerPriorityDiscarded));
  CHECK(s.inst.deadline(TimerId::Protocol) == deadline);  // not reset
  auto b = s.fire(TimerId::Protocol);
  CHECK(transition_of(b)->to == State::Master);
}

TEST_CASE("6.4.2 Backup: nopreempt accepts a lower priority master") {
  auto c = basic(2, 150);
  c.preempt = false;
  Sim s(c);
  s.start();
  for (int i = 0; i < 10; ++i) {
    s.advance(seconds(1));
    auto a = s.receive(100);
    CHECK_FALSE(has_note(a, Note::Kind::LowerPriorityDiscarded));
  }
  CHECK(s.inst.state() == State::Backup);
  CHECK(s.until(TimerId::Protocol) == Timing::master_down(2, 150, centiseconds(100)));
}

TEST_CASE("6.4.2 Backup: priority 0 sets Master_Down_Timer to Skew_Time") {
  Sim s(basic());
  s.start();
  s.advance(seconds(1));
  s.receive(200);
  auto a = s.receive(0);
  CHECK(has_note(a, Note::Kind::PriorityZeroReceived));
  CHECK(s.until(TimerId::Protocol) == microseconds(609375));
  CHECK(s.inst.stats().priority_zero_received == 1);
  auto b = s.fire(TimerId::Protocol);
  CHECK(transition_of(b)->to == State::Master);
}

TEST_CASE("6.4.2 Backup, VRRPv3: learns the master's advert interval") {
  auto c = basic(3, 100);
  c.advert_interval = centiseconds(50);
  Sim s(c);
  s.start();
  CHECK(s.until(TimerId::Protocol) == microseconds(1500000 + 304687));  // 3 x 0.5 s + (156 x 0.5 s)/256
  auto a = s.receive(200, "192.0.2.2", centiseconds(100));
  CHECK(has_note(a, Note::Kind::IntervalLearned));
  CHECK(s.inst.master_adver_interval() == centiseconds(100));
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));
  // Priority 0: Skew_Time with the learned interval.
  s.receive(0, "192.0.2.2", centiseconds(100));
  CHECK(s.until(TimerId::Protocol) == microseconds(609375));
  // On becoming Master it goes back to its own interval.
  auto b = s.fire(TimerId::Protocol);
  CHECK(has_note(b, Note::Kind::IntervalRestored));
  CHECK(s.inst.master_adver_interval() == centiseconds(50));
  CHECK(s.until(TimerId::Protocol) == centiseconds(50));
}

TEST_CASE("6.4.2 Backup, VRRPv3 advert_int 0.1 fails over in 361 ms") {
  auto c = basic(3, 100);
  c.advert_interval = centiseconds(10);
  Sim s(c);
  s.start();
  s.receive(200, "192.0.2.2", centiseconds(10));
  CHECK(s.until(TimerId::Protocol) == microseconds(360937));
}

TEST_CASE("6.4.2 Backup: Shutdown cancels the timer and goes to Initialize") {
  Sim s(basic());
  s.start();
  auto a = s.feed(Shutdown{});
  CHECK(*transition_of(a) == Transition{State::Backup, State::Init, Reason::Shutdown});
  CHECK(has<CancelTimer>(a));
  CHECK_FALSE(has<SendAdvert>(a));
  CHECK(has<RemoveAddresses>(a));
  CHECK(s.inst.deadline(TimerId::Protocol) == TimePoint{});
}

TEST_CASE("6.4.3 Master: Adver_Timer fires -> advert, timer again, no drift") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  const auto first_deadline = s.inst.deadline(TimerId::Protocol);
  for (int i = 1; i <= 5; ++i) {
    auto a = s.fire(TimerId::Protocol);
    CHECK(first<SendAdvert>(a)->priority == 100);
    CHECK(s.inst.deadline(TimerId::Protocol) == first_deadline + seconds(i));
  }
  // Late by more than an interval: no burst of catch-up adverts.
  s.advance(seconds(10));
  auto late = s.feed(TimerExpired{TimerId::Protocol});
  CHECK(all_of_type<SendAdvert>(late).size() == 1);
  CHECK(s.until(TimerId::Protocol) == seconds(1));
}

TEST_CASE("6.4.3 Master: a stale timer event changes nothing") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  CHECK(s.feed(TimerExpired{TimerId::Protocol}).empty());     // not due yet
  CHECK(s.feed(TimerExpired{TimerId::GarpRefresh}).empty());  // never armed
}

TEST_CASE("6.4.3 Master: priority 0 -> send an advert and reset Adver_Timer") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  s.advance(milliseconds(300));
  auto a = s.receive(0);
  CHECK(first<SendAdvert>(a)->priority == 100);
  CHECK(s.until(TimerId::Protocol) == seconds(1));
  CHECK(s.inst.state() == State::Master);
}

TEST_CASE("6.4.3 Master: a higher priority advert -> Backup") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  auto a = s.receive(150, "192.0.2.2");
  CHECK(has_note(a, Note::Kind::HigherPriorityReceived));
  CHECK(*transition_of(a) == Transition{State::Master, State::Backup, Reason::HigherPriority});
  CHECK(has<RemoveAddresses>(a));
  CHECK_FALSE(has<SendAdvert>(a));
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));
  CHECK(s.inst.deadline(TimerId::GarpDelayed) == TimePoint{});
  CHECK(s.inst.stats().released_master == 1);
}

TEST_CASE("6.4.3 Master: equal priority, the higher primary address wins") {
  Sim s(basic(), "192.0.2.5");
  s.start();
  s.fire(TimerId::Protocol);
  auto lower_addr = s.receive(100, "192.0.2.4");
  CHECK_FALSE(transition_of(lower_addr));
  CHECK(has_note(lower_addr, Note::Kind::LowerPriorityReceived));
  auto higher_addr = s.receive(100, "192.0.2.10");  // numerically, not as text
  CHECK(transition_of(higher_addr)->to == State::Backup);
}

TEST_CASE("6.4.3 Master, VRRPv3: a higher priority advert teaches its interval") {
  Sim s(basic(3));
  s.start();
  s.fire(TimerId::Protocol);
  s.receive(200, "192.0.2.2", centiseconds(20));
  CHECK(s.inst.state() == State::Backup);
  CHECK(s.inst.master_adver_interval() == centiseconds(20));
  CHECK(s.until(TimerId::Protocol) == Timing::master_down(3, 100, centiseconds(20)));
}

TEST_CASE("6.4.3 Master: a lower priority advert forces a new election (keepalived)") {
  Sim s(basic(2, 150));
  s.start();
  s.fire(TimerId::Protocol);
  s.advance(milliseconds(400));
  auto a = s.receive(100);
  CHECK(has_note(a, Note::Kind::LowerPriorityReceived));
  CHECK(first<MasterRxLowerPriority>(a)->priority == 100);
  CHECK(first<SendAdvert>(a)->priority == 150);
  CHECK(s.until(TimerId::Protocol) == seconds(1));
  CHECK(first<SendGratuitous>(a)->repeat == 5);
  CHECK(s.until(TimerId::GarpDelayed) == seconds(5));
  CHECK(s.inst.state() == State::Master);
}

TEST_CASE("6.4.3 Master: a flood of lower priority adverts is answered at most once per 3/4 interval") {
  Sim s(basic(2, 150));
  s.start();
  s.fire(TimerId::Protocol);
  const auto sent0 = s.inst.stats().adverts_sent;
  // 1,000 spoofed adverts in one second, from as many sources: before, each got an advert,
  // five gratuitous ARPs and a log line.
  int answered = 0, garps = 0, notes = 0;
  for (int i = 0; i < 1000; ++i) {
    s.advance(milliseconds(1));
    const std::string src = "192.0.2." + std::to_string(10 + i % 200);
    auto a = s.receive(100, src.c_str());
    answered += has<SendAdvert>(a) ? 1 : 0;
    garps += has<SendGratuitous>(a) ? 1 : 0;
    notes += has_note(a, Note::Kind::LowerPriorityReceived) ? 1 : 0;
  }
  CHECK(answered == 2);  // at 1 ms and 751 ms
  CHECK(garps == 2);
  CHECK(notes == 2);
  CHECK(s.inst.stats().lower_priority_unanswered == 998);
  // A real lower-priority peer at our interval is answered every time.
  s.advance(seconds(1));
  for (int i = 0; i < 5; ++i) {
    auto a = s.receive(100);
    CHECK(has<SendAdvert>(a));
    s.advance(milliseconds(990));
  }
  CHECK(s.inst.state() == State::Master);
  CHECK(s.inst.stats().adverts_sent >= sent0 + 7);
}

TEST_CASE("6.4.2 Backup: the 'discarding' line for lower priority adverts is bounded the same way") {
  Sim s(basic(2, 150));
  s.start();
  int notes = 0;
  for (int i = 0; i < 1000; ++i) {
    s.advance(milliseconds(1));
    notes += has_note(s.receive(100), Note::Kind::LowerPriorityDiscarded) ? 1 : 0;
  }
  CHECK(notes == 2);
  CHECK(s.inst.stats().lower_priority_unlogged == 998);
}

TEST_CASE("6.4.3 Master: lower_prio_no_advert keeps to the RFC (discard)") {
  auto c = basic(2, 150);
  c.lower_prio_no_advert = true;
  c.garp.lower_prio_repeat = 0;
  Sim s(c);
  s.start();
  s.fire(TimerId::Protocol);
  const auto deadline = s.inst.deadline(TimerId::Protocol);
  auto a = s.receive(100);
  CHECK_FALSE(has<SendAdvert>(a));
  CHECK_FALSE(has<SendGratuitous>(a));
  CHECK(s.inst.deadline(TimerId::Protocol) == deadline);
}

TEST_CASE("6.4.3 Master: higher_prio_send_advert sends one last advert before Backup") {
  auto c = basic();
  c.higher_prio_send_advert = true;
  Sim s(c);
  s.start();
  s.fire(TimerId::Protocol);
  auto a = s.receive(200);
  CHECK(first<SendAdvert>(a)->priority == 100);
  CHECK(transition_of(a)->to == State::Backup);
}

TEST_CASE("6.4.3 Master: Shutdown sends priority 0 and removes the VIPs") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  auto a = s.feed(Shutdown{});
  CHECK(*transition_of(a) == Transition{State::Master, State::Init, Reason::Shutdown});
  CHECK(first<SendAdvert>(a)->priority == 0);
  CHECK(has_note(a, Note::Kind::PriorityZeroSent));
  CHECK(all_of_type<RemoveAddresses>(a).size() == 1);
  for (std::size_t i = 0; i < kTimers; ++i) CHECK(s.inst.deadline(static_cast<TimerId>(i)) == TimePoint{});
  CHECK(s.inst.stats().priority_zero_sent == 1);
  // Nothing happens after Shutdown.
  CHECK(s.receive(200).size() == 0);
}

TEST_CASE("Gratuitous ARP: second burst after garp_master_delay, periodic refresh") {
  auto c = basic();
  c.garp.master_refresh = seconds(60);
  c.garp.master_refresh_repeat = 2;
  Sim s(c);
  s.start();
  s.fire(TimerId::Protocol);
  CHECK(s.until(TimerId::GarpDelayed) == seconds(5));
  CHECK(s.until(TimerId::GarpRefresh) == seconds(60));
  auto d = s.fire(TimerId::GarpDelayed);
  CHECK(first<SendGratuitous>(d)->repeat == 5);
  CHECK(s.inst.deadline(TimerId::GarpDelayed) == TimePoint{});
  auto r = s.fire(TimerId::GarpRefresh);
  CHECK(first<SendGratuitous>(r)->repeat == 2);
  CHECK(s.until(TimerId::GarpRefresh) == seconds(60));
}

TEST_CASE("Gratuitous ARP: vrrp_min_garp (one message, no second burst)") {
  auto c = basic();
  c.garp.master_repeat = 1;
  c.garp.master_delay = Duration{0};
  Sim s(c);
  s.start();
  auto a = s.fire(TimerId::Protocol);
  CHECK(first<SendGratuitous>(a)->repeat == 1);
  CHECK(s.inst.deadline(TimerId::GarpDelayed) == TimePoint{});
}

TEST_CASE("preempt_delay holds back the take-over at startup") {
  auto c = basic(2, 128);
  c.preempt_delay = seconds(2);
  Sim s(c);
  s.start();
  // man keepalived.conf: "advert_int 1, priority 128 ... approximately 5.5 seconds".
  CHECK(s.until(TimerId::Protocol) == seconds(3) + microseconds(500000) + seconds(2));
}

TEST_CASE("preempt_delay: a lower priority master is followed for preempt_delay, then preempted") {
  auto c = basic(2, 150);
  c.preempt_delay = seconds(5);
  Sim s(c);
  s.start();
  s.receive(200);  // a higher master first
  // It dies; the lower one takes over and advertises.
  for (int i = 0; i < 5; ++i) {
    s.advance(seconds(1));
    auto a = s.receive(100);
    CHECK_FALSE(has_note(a, Note::Kind::LowerPriorityDiscarded));  // still followed
  }
  s.advance(seconds(1));
  auto a = s.receive(100);  // 5 s after the first lower advert: no more
  CHECK(has_note(a, Note::Kind::LowerPriorityDiscarded));
  auto b = s.fire(TimerId::Protocol);
  CHECK(transition_of(b)->to == State::Master);
  // A higher priority advert meanwhile resets the window.
  Sim t(c);
  t.start();
  t.receive(100);
  t.advance(seconds(3));
  t.receive(200);
  t.advance(seconds(3));
  auto x = t.receive(100);
  CHECK_FALSE(has_note(x, Note::Kind::LowerPriorityDiscarded));
}

TEST_CASE("Fault: a tracking fault leaves Master with priority 0 and comes back as Backup") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  auto a = s.feed(TrackingUpdate{true, 100});
  CHECK(*transition_of(a) == Transition{State::Master, State::Fault, Reason::Fault});
  CHECK(first<SendAdvert>(a)->priority == 0);  // as keepalived: the backup takes over fast
  CHECK(has<RemoveAddresses>(a));
  CHECK(s.inst.deadline(TimerId::Protocol) == TimePoint{});
  // In Fault, adverts and timers do nothing.
  CHECK_FALSE(transition_of(s.receive(50)));
  auto b = s.feed(TrackingUpdate{false, 100});
  CHECK(*transition_of(b) == Transition{State::Fault, State::Backup, Reason::FaultCleared});
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));
}

TEST_CASE("Fault: from Backup, and at startup") {
  Sim s(basic());
  s.start();
  auto a = s.feed(TrackingUpdate{true, 100});
  CHECK(transition_of(a)->to == State::Fault);
  CHECK_FALSE(has<SendAdvert>(a));
  Sim t(basic());
  t.feed(TrackingUpdate{true, 100});
  auto b = t.start();
  CHECK(*transition_of(b) == Transition{State::Init, State::Fault, Reason::Fault});
  CHECK(t.inst.deadline(TimerId::Protocol) == TimePoint{});
}

TEST_CASE("Tracking: the effective priority is used in adverts, skew and elections") {
  Sim s(basic(2, 100));
  s.start();
  auto a = s.feed(TrackingUpdate{false, 120});
  CHECK(has_note(a, Note::Kind::PriorityChanged));
  CHECK(s.inst.priority() == 120);
  s.receive(110);  // lower than our effective priority: discarded (preempt)
  auto b = s.fire(TimerId::Protocol);
  CHECK(first<SendAdvert>(b)->priority == 120);
  s.feed(TrackingUpdate{false, 90});
  auto c = s.receive(110);
  CHECK(transition_of(c)->to == State::Backup);
  CHECK(s.until(TimerId::Protocol) == Timing::master_down(2, 90, centiseconds(100)));
}

TEST_CASE("Tracking cannot move an address owner off 255") {
  auto c = basic(2, 255);
  c.initial_state = State::Master;
  Sim s(c);
  s.start();
  s.feed(TrackingUpdate{false, 200});
  CHECK(s.inst.priority() == 255);
}

TEST_CASE("Instance checks: adverts this instance must refuse") {
  auto c = basic(2);
  c.addresses = {ip("192.0.2.100"), ip("192.0.2.101")};
  Sim s(c);
  s.start();
  const auto deadline = s.inst.deadline(TimerId::Protocol);
  auto refused = [&](const Received& rx, DropReason r, std::optional<DropReason> auth = std::nullopt) {
    auto a = s.receive(rx, auth);
    CAPTURE(name(r));
    if (r == DropReason::OwnAdvert) {
      CHECK(a.empty());  // counted, not logged
    } else {
      REQUIRE(first<Dropped>(a));
      CHECK(first<Dropped>(a)->reason == r);
    }
    CHECK(s.inst.stats().drops[r] >= 1);
    CHECK(s.inst.deadline(TimerId::Protocol) == deadline);  // no state change
  };
  auto rx = s.advert(200);
  rx.advert.version = 3;
  refused(rx, DropReason::VersionMismatch);
  refused(s.advert(200), DropReason::AuthFailure, DropReason::AuthFailure);
  refused(s.advert(200), DropReason::AuthTypeMismatch, DropReason::AuthTypeMismatch);
  refused(s.advert(200, "192.0.2.2", centiseconds(200)), DropReason::IntervalMismatch);
  refused(s.advert(200, "192.0.2.2", centiseconds(100), {ip("192.0.2.100")}), DropReason::AddressCount);
  refused(s.advert(200, "192.0.2.2", centiseconds(100), {ip("192.0.2.100"), ip("192.0.2.102")}),
          DropReason::AddressList);
  refused(s.advert(200, "192.0.2.1"), DropReason::OwnAdvert);
  auto d = s.receive(s.advert(200, "192.0.2.2", centiseconds(100), {ip("192.0.2.100"), ip("192.0.2.199")}));
  REQUIRE(first<Dropped>(d));
  CHECK(first<Dropped>(d)->missing == ip("192.0.2.101"));
  CHECK(s.inst.stats().adverts_received == 0);  // keepalived counts valid adverts only
  // The same addresses in another order are fine.
  s.advance(seconds(1));
  auto ok = s.receive(s.advert(200, "192.0.2.2", centiseconds(100), {ip("192.0.2.101"), ip("192.0.2.100")}));
  CHECK(s.inst.stats().adverts_received == 1);
  CHECK_FALSE(has<Dropped>(ok));
  CHECK(s.inst.deadline(TimerId::Protocol) != deadline);
}

TEST_CASE("Instance checks: priority 0 adverts are checked like the others") {
  auto c = basic(2);
  c.addresses = {ip("192.0.2.100"), ip("192.0.2.101")};
  Sim s(c);
  s.start();
  auto a = s.receive(s.advert(0, "192.0.2.2", centiseconds(100), {ip("192.0.2.100")}));
  CHECK(first<Dropped>(a)->reason == DropReason::AddressCount);
  CHECK(s.until(TimerId::Protocol) > seconds(3));
}

TEST_CASE("Instance checks: VRRPv3 accepts another interval (and learns it)") {
  Sim s(basic(3));
  s.start();
  auto a = s.receive(200, "192.0.2.2", centiseconds(300));
  CHECK_FALSE(has<Dropped>(a));
}

TEST_CASE("skip_check_adv_addr trusts the address list of the known master") {
  auto c = basic();
  c.skip_check_adv_addr = true;
  Sim s(c);
  s.start();
  auto wrong = s.advert(200, "192.0.2.2", centiseconds(100), {ip("192.0.2.200")});
  CHECK(first<Dropped>(s.receive(wrong))->reason == DropReason::AddressList);  // unknown master: checked
  s.receive(200, "192.0.2.2");                                                  // now it is the master
  CHECK_FALSE(has<Dropped>(s.receive(wrong)));                                  // skipped
  auto other = s.advert(200, "192.0.2.3", centiseconds(100), {ip("192.0.2.200")});
  CHECK(has<Dropped>(s.receive(other)));  // another source is still checked
}

TEST_CASE("Unicast: check_unicast_src and per-peer TTL ranges") {
  auto c = basic(3);
  c.peers = {UnicastPeer{ip("192.0.2.2"), std::nullopt, std::nullopt},
             UnicastPeer{ip("192.0.2.3"), std::uint8_t{250}, std::uint8_t{255}}};
  Sim s(c);
  s.start();
  // min_ttl/max_ttl on any peer turns on check_unicast_src.
  auto stranger = s.advert(200, "192.0.2.9");
  CHECK(first<Dropped>(s.receive(stranger))->reason == DropReason::NotAPeer);
  auto routed = s.advert(200, "192.0.2.3");
  routed.ttl = 64;
  CHECK(first<Dropped>(s.receive(routed))->reason == DropReason::TtlOutOfRange);
  auto direct = s.advert(200, "192.0.2.3");
  CHECK_FALSE(has<Dropped>(s.receive(direct)));
  auto any_ttl = s.advert(200, "192.0.2.2");
  any_ttl.ttl = 1;
  CHECK_FALSE(has<Dropped>(s.receive(any_ttl)));
  // Without the option and without TTL ranges, any source is accepted.
  auto d = basic(3);
  d.peers = {UnicastPeer{ip("192.0.2.2"), std::nullopt, std::nullopt}};
  Sim t(d);
  t.start();
  CHECK_FALSE(has<Dropped>(t.receive(t.advert(200, "192.0.2.9"))));
  d.check_unicast_src = true;
  Sim u(d);
  u.start();
  CHECK(first<Dropped>(u.receive(u.advert(200, "192.0.2.9")))->reason == DropReason::NotAPeer);
}

TEST_CASE("A flood of hostile adverts never changes the state") {
  Sim s(basic(2, 150));
  s.start();
  s.fire(TimerId::Protocol);
  REQUIRE(s.inst.state() == State::Master);
  for (int i = 0; i < 10000; ++i) {
    auto rx = s.advert(255, "192.0.2.66", centiseconds(100), {ip("192.0.2.1")});  // wrong list
    s.receive(rx);
  }
  CHECK(s.inst.state() == State::Master);
  CHECK(s.inst.stats().drops[DropReason::AddressList] == 10000);
}

TEST_CASE("Sync group member: Master_Down_Timer asks the group instead of going Master") {
  auto c = basic();
  c.sync_group_member = true;
  Sim s(c);
  s.start();
  auto a = s.fire(TimerId::Protocol);
  CHECK(has<WantMaster>(a));
  CHECK_FALSE(transition_of(a));
  CHECK(s.inst.wants_master());
  CHECK(s.until(TimerId::Protocol) == microseconds(3609375));  // asks again later
  auto b = s.feed(SyncCommand{SyncCommand::Kind::ToMaster, Reason::MasterDown});
  CHECK(*transition_of(b) == Transition{State::Backup, State::Master, Reason::MasterDown});
  CHECK_FALSE(s.inst.wants_master());
}

TEST_CASE("Sync commands: group fault holds the member in Fault until cleared") {
  Sim s(basic());
  s.start();
  auto a = s.feed(SyncCommand{SyncCommand::Kind::Fault});
  CHECK(*transition_of(a) == Transition{State::Backup, State::Fault, Reason::SyncGroup});
  s.feed(TrackingUpdate{false, 100});
  CHECK(s.inst.state() == State::Fault);
  auto b = s.feed(SyncCommand{SyncCommand::Kind::FaultCleared});
  CHECK(transition_of(b)->to == State::Backup);
  // ToMaster in Fault does nothing; ToBackup of a Backup does nothing.
  s.feed(TrackingUpdate{true, 100});
  CHECK(s.feed(SyncCommand{SyncCommand::Kind::ToMaster}).empty());
  s.feed(TrackingUpdate{false, 100});
  CHECK(s.feed(SyncCommand{SyncCommand::Kind::ToBackup}).empty());
}

TEST_CASE("reconfigure keeps state and timers, and re-advertises a changed Master") {
  Sim s(basic());
  s.start();
  s.fire(TimerId::Protocol);
  s.advance(milliseconds(200));
  auto c = basic(2, 120);
  c.advert_interval = centiseconds(200);
  auto a = s.inst.reconfigure(c, s.now);
  CHECK(s.inst.state() == State::Master);
  CHECK(first<SendAdvert>(a)->priority == 120);
  CHECK(s.until(TimerId::Protocol) == seconds(2));
  // A Backup keeps its Master_Down_Timer.
  Sim b(basic());
  b.start();
  const auto d = b.inst.deadline(TimerId::Protocol);
  CHECK(b.inst.reconfigure(basic(2, 90), b.now).empty());
  CHECK(b.inst.deadline(TimerId::Protocol) == d);
  CHECK(b.inst.state() == State::Backup);
}

TEST_CASE("A VIP deleted behind a Master's back: priority 0, Backup, new election after Skew_Time") {
  Sim s(basic(2, 150));
  s.start();
  s.fire(TimerId::Protocol);
  auto a = s.feed(AddressLost{});
  CHECK(*transition_of(a) == Transition{State::Master, State::Backup, Reason::AddressLost});
  CHECK(first<SendAdvert>(a)->priority == 0);
  CHECK(has<RemoveAddresses>(a));
  CHECK(s.until(TimerId::Protocol) == Timing::skew(2, 150, centiseconds(100)));
  auto b = s.fire(TimerId::Protocol);  // nobody better answered: Master again
  CHECK(transition_of(b)->to == State::Master);
  CHECK(has<AddAddresses>(b));
  // In Backup it means nothing.
  Sim t(basic());
  t.start();
  CHECK(t.feed(AddressLost{}).empty());
}

TEST_CASE("names of states and reasons") {
  CHECK(name(State::Master) == "MASTER");
  CHECK(name(State::Backup) == "BACKUP");
  CHECK(name(State::Fault) == "FAULT");
  CHECK(name(Reason::MasterDown) == "master_down");
}
