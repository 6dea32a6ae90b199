// The checkers' schedule: when each checker runs next, and when its running check times
// out. A data structure only (no timer, no clock read): the runtime asks it for the
// earliest live entry to arm its one timer, and hands it the time when the timer fires.
//
// Entries armed at now + d for one duration d are in time order, so each duration has a
// FIFO: the front is the earliest, in O(1) each way (a heap of 10,000 due times cost a
// tenth of a check's user time). Runs arm few distinct durations (delay_loop,
// delay_before_retry, connect_timeout...); past kMaxQueues of them, and for due times that
// are not now + a duration (first checks at a random offset), entries go to one binary heap.
//
// An entry that no longer means anything (a deadline of a run that has ended: most of them,
// a check usually ends long before its deadline; a due time replaced by a later one) is
// "stale": the runtime says which, and they are dropped when they reach a front rather than
// woken for. At 10,000 checks a second there are as many ended deadlines as checks, and a
// wakeup costs more than the check itself on a virtual machine.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "stayalived/common/time.hpp"

namespace stayalived::check {

class Schedule {
 public:
  /// The next check of a slot (deadline false) or the deadline of its run (true).
  struct Entry {
    TimePoint at;
    std::uint32_t slot;
    std::uint32_t token;  ///< which due time / run of the slot it belongs to
    bool deadline;
  };
  static constexpr std::size_t kMaxQueues = 32;

  /// An entry at any time (the heap).
  void add(const Entry& e) {
    heap_.push_back(e);
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }
  /// An entry at now + `d`, `now` being the clock's present: appended to the FIFO of `d`
  /// (in time order as long as `now` never goes back), or to the heap beyond kMaxQueues.
  void add_after(const Entry& e, Duration d) {
    std::vector<Fifo>& fifos = e.deadline ? deadlines_ : due_;
    if (std::deque<Entry>* q = fifo_of(fifos, d))
      q->push_back(e);
    else
      add(e);
  }

  /// The earliest entry for which `stale(entry)` is false, stale ones dropped on the way;
  /// TimePoint::max() if there is none.
  template <class Stale>
  TimePoint earliest(Stale&& stale) {
    TimePoint at = TimePoint::max();
    while (!heap_.empty() && stale(heap_.front())) pop_heap();
    if (!heap_.empty()) at = heap_.front().at;
    for (auto* fifos : {&due_, &deadlines_}) {
      for (Fifo& q : *fifos) {
        while (!q.entries.empty() && stale(q.entries.front())) q.entries.pop_front();
        if (!q.entries.empty()) at = std::min(at, q.entries.front().at);
      }
    }
    return at;
  }

  /// Takes what is due at `now`: deadlines at or before `now` first (on_deadline), then due
  /// times up to `now + early` (on_due: checks due within `early` share this wake-up, a
  /// little early; deadlines never fire early). Stale entries are dropped, not handed over.
  /// The callbacks may add entries.
  template <class Stale, class OnDue, class OnDeadline>
  void take(TimePoint now, Duration early, Stale&& stale, OnDue&& on_due, OnDeadline&& on_deadline) {
    for (Fifo& q : deadlines_) {
      while (!q.entries.empty() && (stale(q.entries.front()) || q.entries.front().at <= now)) {
        const Entry e = q.entries.front();
        q.entries.pop_front();
        if (!stale(e)) on_deadline(e);
      }
    }
    const TimePoint horizon = now + early;
    while (!heap_.empty()) {
      const Entry e = heap_.front();
      if (!stale(e) && e.at > (e.deadline ? now : horizon)) break;
      pop_heap();
      if (stale(e)) continue;
      if (e.deadline)
        on_deadline(e);
      else
        on_due(e);
    }
    for (Fifo& q : due_) {
      while (!q.entries.empty()) {
        const Entry e = q.entries.front();
        if (!stale(e) && e.at > horizon) break;
        q.entries.pop_front();
        if (!stale(e)) on_due(e);
      }
    }
  }

  /// Forgets everything.
  void clear() {
    heap_.clear();
    due_.clear();
    deadlines_.clear();
  }
  /// Entries held (stale ones included), for tests.
  std::size_t size() const {
    std::size_t n = heap_.size();
    for (const auto* fifos : {&due_, &deadlines_})
      for (const Fifo& q : *fifos) n += q.entries.size();
    return n;
  }
  /// Distinct durations with a FIFO of their own, for tests.
  std::size_t queues() const { return due_.size() + deadlines_.size(); }

 private:
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return a.at > b.at; }
  };
  struct Fifo {
    Duration duration;
    std::deque<Entry> entries;
  };
  static std::deque<Entry>* fifo_of(std::vector<Fifo>& fifos, Duration d) {
    auto q = std::find_if(fifos.begin(), fifos.end(), [d](const Fifo& x) { return x.duration == d; });
    if (q != fifos.end()) return &q->entries;
    if (fifos.size() >= kMaxQueues) return nullptr;
    fifos.push_back(Fifo{d, {}});
    return &fifos.back().entries;
  }
  void pop_heap() {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    heap_.pop_back();
  }

  std::vector<Entry> heap_;
  std::vector<Fifo> due_;
  std::vector<Fifo> deadlines_;
};

}  // namespace stayalived::check
