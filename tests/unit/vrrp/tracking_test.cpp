// Tracking rules as keepalived.conf(5) describes them, and the vrrp_script debounce.
#include <doctest/doctest.h>

#include <vector>

#include "stayalived/vrrp/tracking.hpp"

using namespace stayalived::vrrp;

namespace {
TrackInput iface(int w, bool up, bool reverse = false) { return {TrackKind::Interface, w, reverse, up, 0}; }
TrackInput script(int w, bool ok, bool reverse = false) { return {TrackKind::Script, w, reverse, ok, 0}; }
TrackInput file(int w, std::int64_t v, bool reverse = false) { return {TrackKind::File, w, reverse, true, v}; }
}  // namespace

TEST_CASE("weight 0: down means FAULT, reverse: up means FAULT") {
  CHECK(effect(iface(0, true)) == TrackEffect{false, 0});
  CHECK(effect(iface(0, false)) == TrackEffect{true, 0});
  CHECK(effect(iface(0, true, true)) == TrackEffect{true, 0});
  CHECK(effect(iface(0, false, true)) == TrackEffect{false, 0});
  CHECK(effect(script(0, false)) == TrackEffect{true, 0});
}

TEST_CASE("positive weights add while up, negative ones subtract while down") {
  CHECK(effect(script(10, true)) == TrackEffect{false, 10});
  CHECK(effect(script(10, false)) == TrackEffect{false, 0});
  CHECK(effect(script(-10, true)) == TrackEffect{false, 0});
  CHECK(effect(script(-10, false)) == TrackEffect{false, -10});
  // reverse flips the direction of the adjustment
  CHECK(effect(script(10, true, true)) == TrackEffect{false, -10});
  CHECK(effect(script(-10, false, true)) == TrackEffect{false, 10});
}

TEST_CASE("track_file: value x weight, FAULT below -253, weight 0 means non-zero is FAULT") {
  CHECK(effect(file(0, 0)) == TrackEffect{false, 0});
  CHECK(effect(file(0, 5)) == TrackEffect{true, 0});
  CHECK(effect(file(0, 0, true)) == TrackEffect{true, 0});
  CHECK(effect(file(1, 20)) == TrackEffect{false, 20});
  CHECK(effect(file(-2, 20)) == TrackEffect{false, -40});
  CHECK(effect(file(2, 20, true)) == TrackEffect{false, -40});
  CHECK(effect(file(1, -253)) == TrackEffect{false, -253});
  CHECK(effect(file(1, -254)) == TrackEffect{true, 0});
  CHECK(effect(file(254, 1000)) == TrackEffect{false, 253});
}

TEST_CASE("effective priority is clamped to [1, 254], an owner keeps 255") {
  std::vector<TrackInput> in{script(20, true), iface(-30, false), file(2, 5)};
  CHECK(evaluate(100, in) == TrackingUpdate{false, 100});
  std::vector<TrackInput> up{script(200, true)};
  CHECK(evaluate(100, up).priority == 254);
  std::vector<TrackInput> down{script(-200, false)};
  CHECK(evaluate(100, down).priority == 1);
  CHECK(evaluate(255, down).priority == 255);
  std::vector<TrackInput> fault{script(20, true), iface(0, false)};
  CHECK(evaluate(100, fault).fault);
  CHECK(evaluate(255, fault).fault);  // an owner still goes to FAULT
  CHECK(evaluate(100, {}) == TrackingUpdate{false, 100});
}

TEST_CASE("vrrp_script rise and fall debounce") {
  ScriptDebounce d(2, 3);
  CHECK(d.ok());
  CHECK_FALSE(d.apply(false));
  CHECK_FALSE(d.apply(false));
  CHECK_FALSE(d.apply(true));  // the run of failures restarts
  CHECK_FALSE(d.apply(false));
  CHECK_FALSE(d.apply(false));
  CHECK(d.apply(false));  // 3 in a row
  CHECK_FALSE(d.ok());
  CHECK_FALSE(d.apply(true));
  CHECK(d.apply(true));  // rise 2
  CHECK(d.ok());
  ScriptDebounce init_fail(1, 1, true);
  CHECK_FALSE(init_fail.ok());
  CHECK(init_fail.apply(true));
  ScriptDebounce zero(0, 0);  // treated as 1
  CHECK(zero.apply(false));
}
