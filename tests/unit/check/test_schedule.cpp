// The checkers' schedule on its own (src/check/io/schedule.hpp): order, the early window,
// deadlines that never fire early, stale entries dropped, the heap beyond kMaxQueues.
#include <doctest/doctest.h>

#include <set>
#include <vector>

#include "../../../src/check/io/schedule.hpp"

using namespace stayalived;
using stayalived::check::Schedule;

namespace {

const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
TimePoint at(int ms) { return t0 + std::chrono::milliseconds(ms); }

struct Taken {
  std::vector<std::uint32_t> due, deadlines;
};

Taken take(Schedule& s, int now_ms, int early_ms, const std::set<std::uint32_t>& stale = {}) {
  Taken t;
  s.take(
      at(now_ms), std::chrono::milliseconds(early_ms), [&](const Schedule::Entry& e) { return stale.contains(e.slot); },
      [&](const Schedule::Entry& e) { t.due.push_back(e.slot); },
      [&](const Schedule::Entry& e) { t.deadlines.push_back(e.slot); });
  return t;
}

auto none = [](const Schedule::Entry&) { return false; };

}  // namespace

TEST_CASE("schedule: due times in time order across FIFOs and the heap, the earliest arms the timer") {
  Schedule s;
  s.add_after({at(100), 1, 1, false}, std::chrono::milliseconds(100));  // now + delay_loop
  s.add_after({at(150), 2, 1, false}, std::chrono::milliseconds(100));
  s.add_after({at(30), 3, 1, false}, std::chrono::milliseconds(30));    // now + delay_before_retry
  s.add({at(10), 4, 1, false});                                         // a first check
  CHECK(s.queues() == 2);
  CHECK(s.earliest(none) == at(10));
  auto t = take(s, 35, 0);
  CHECK(t.due == std::vector<std::uint32_t>{4, 3});
  CHECK(s.earliest(none) == at(100));
  t = take(s, 200, 0);
  CHECK(t.due == std::vector<std::uint32_t>{1, 2});
  CHECK(s.earliest(none) == TimePoint::max());
}

TEST_CASE("schedule: checks due within the early window share a wake-up, deadlines never fire early") {
  Schedule s;
  s.add_after({at(105), 1, 1, false}, std::chrono::milliseconds(105));
  s.add_after({at(105), 2, 1, true}, std::chrono::milliseconds(105));   // a deadline at the same time
  s.add({at(109), 3, 1, true});                                         // a deadline in the heap
  auto t = take(s, 100, 10);
  CHECK(t.due == std::vector<std::uint32_t>{1});  // 5 ms early
  CHECK(t.deadlines.empty());                      // not before their time
  t = take(s, 105, 10);
  CHECK(t.deadlines == std::vector<std::uint32_t>{2});
  t = take(s, 109, 10);
  CHECK(t.deadlines == std::vector<std::uint32_t>{3});
}

TEST_CASE("schedule: stale entries are dropped at the front, never handed over or woken for") {
  Schedule s;
  for (std::uint32_t i = 1; i <= 5; ++i) s.add_after({at(static_cast<int>(i) * 10), i, 1, true}, std::chrono::milliseconds(i * 10));
  for (std::uint32_t i = 1; i <= 5; ++i) s.add_after({at(20), i + 10, 1, true}, std::chrono::milliseconds(20));
  // Runs 1-4 and 11-15 have ended: their deadlines are stale.
  const std::set<std::uint32_t> stale{1, 2, 3, 4, 11, 12, 13, 14, 15};
  CHECK(s.earliest([&](const Schedule::Entry& e) { return stale.contains(e.slot); }) == at(50));
  auto t = take(s, 60, 0, stale);
  CHECK(t.deadlines == std::vector<std::uint32_t>{5});
  CHECK(s.size() == 0);
}

TEST_CASE("schedule: beyond kMaxQueues distinct durations, entries go to the heap and still fire in order") {
  Schedule s;
  const std::size_t n = Schedule::kMaxQueues + 8;
  for (std::size_t i = 0; i < n; ++i) {
    const int d = 1000 - static_cast<int>(i);  // n distinct durations, later ones sooner
    s.add_after({at(d), static_cast<std::uint32_t>(i), 1, false}, std::chrono::milliseconds(d));
  }
  CHECK(s.queues() == Schedule::kMaxQueues);
  CHECK(s.size() == n);
  std::vector<std::uint32_t> order;
  for (int now = 900; now <= 1000; ++now) {
    auto t = take(s, now, 0);
    order.insert(order.end(), t.due.begin(), t.due.end());
  }
  REQUIRE(order.size() == n);
  for (std::size_t i = 0; i < n; ++i) CHECK(order[i] == n - 1 - i);  // earliest first
}
