// The checker runtime's state and its rooms (private to src/check/io). One Impl, its member
// functions defined by topic:
//   runtime.cpp     lifecycle (start, stop, ha_suspend input), views and dumps, the public
//                   Runtime
//   runs.cpp        the schedule's timer, launching checks, their deadlines and results
//   pool_book.cpp   real-server and virtual-server state: statuses from checker states,
//                   pools and quorums (check::compute_pool), the changes they report
//   apply.cpp       apply(): a new definition, hitless for unchanged checkers
// The schedule itself is a data structure of its own (schedule.hpp), FILE_CHECK's input
// its watcher (file_check.hpp).
//
// Control flow
//   - Every checker that actually runs is a Slot (identical checkers of several virtual
//     servers share one). Its next check time is an entry of the schedule; while it runs,
//     so is its deadline. One steady_timer is armed for the earliest live entry, and
//     checks due within kEarly share a wakeup.
//   - When a check is due, launch() co_spawns the probe's coroutine with a RunState (the
//     probe's ProbeContext, holding the cancellation signal). When a deadline entry expires
//     first, the signal fires and the pending socket operation completes with
//     operation_aborted.
//   - finished() feeds the result to the pure reducer (health.hpp), schedules the next check
//     and, on an up/down or weight change, recomputes the real servers that use the checker.
//   - Real-server changes are reported (Hooks::on_change) and mark their virtual server
//     dirty; one posted flush per loop turn recomputes dirty pools (quorum, sorry server),
//     reports quorum changes and publishes the pools that changed (Hooks::on_pool).
#pragma once

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <memory>
#include <random>
#include <span>
#include <unordered_map>
#include <vector>

#include "file_check.hpp"
#include "schedule.hpp"
#include "stayalived/check/changes.hpp"
#include "stayalived/check/probe.hpp"
#include "stayalived/check/runtime.hpp"

namespace stayalived::check {

struct RunState;

// What a run reports to (the runtime, while it exists).
class RunOwner {
 public:
  virtual void arm_deadline(RunState& run, Duration d) = 0;
  virtual void finished(RunState& run, std::exception_ptr e, const CheckResult& r) = 0;

 protected:
  ~RunOwner() = default;
};

// One run of one checker. Shared by the coroutine and its completion handler, so that it
// outlives both even when the runtime goes first (owner is then null).
struct RunState final : ProbeContext {
  RunOwner* owner = nullptr;
  std::uint32_t slot = 0;
  std::uint32_t token = 0;
  bool hit = false;
  TimePoint launched{};  // for the duration in Stats
  Duration connect_timeout{};
  Probe* probe = nullptr;               // owned by the slot, which outlives the run...
  std::unique_ptr<Probe> orphan;        // ...unless the runtime went first: then here
  std::shared_ptr<ScriptPort> runner;
  std::minstd_rand rng;
  boost::asio::cancellation_signal signal;

  void arm(Duration d) override;
  bool expired() const override { return hit; }
  Duration timeout() const override { return connect_timeout; }
  ScriptPort& scripts() override { return *runner; }
  std::uint32_t random() override {
    return static_cast<std::uint32_t>(rng()) ^ (static_cast<std::uint32_t>(rng()) << 16);
  }
};

class Runtime::Impl final : public RunOwner {
 public:
  Impl(boost::asio::io_context& io, log::Logger& logger, Hooks hooks);
  ~Impl();

  ApplyReport apply(Definition def);
  void start();
  void stop();
  void set_address_present(const IpAddress& addr, bool present);

  void arm_deadline(RunState& run, Duration d) override;
  void finished(RunState& run, std::exception_ptr e, const CheckResult& r) override;

  std::vector<DesiredPool> pools() const;
  std::vector<RealServerView> real_servers(std::size_t vi) const;
  std::vector<CheckerView> checkers(std::size_t vi, std::size_t ri) const;
  bool suspended(std::size_t vi) const { return vi < vs_.size() && vs_[vi].suspended; }
  Stats stats() const { return stats_; }
  std::string dump() const;

 private:
  static constexpr std::uint32_t kNoSlot = ~0u;
  static constexpr std::uint32_t kNoScript = ~0u;

  // Per checker actually run: about a hundred bytes, plus its probe.
  struct Slot {
    std::unique_ptr<Probe> probe;        // null: free
    const CheckTiming* timing = nullptr; // interned: real servers share a few timings
    CheckerState state;
    std::size_t key = 0;                 // def_hash of its definition
    TimePoint deadline{};
    std::uint32_t due_token = 0;
    std::uint32_t run_token = 0;
    std::uint32_t active = 0;            // subscribers whose virtual server is not suspended
    bool running = false;
    bool scheduled = false;              // a valid due entry is in the schedule
    bool retired = false;                // removed by a reload; freed when its run ends
    bool rerun = false;                  // event-driven: input changed while running
    RunState* run = nullptr;
    // The last result, for stayalivedctl explain (not the reducer's input).
    Outcome last_outcome = Outcome::Ok;
    bool has_result = false;
    std::int32_t last_code = 0;
    const char* last_detail = nullptr;
    TimePoint last_at{};
  };
  struct VsRec {
    VirtualServerDef def;                // real_servers moved out (see RsRec, rs_pool_)
    bool quorum_up = false;
    bool suspended = false;
    bool dirty = false;
    bool published = false;
    DesiredPool last;
    std::uint32_t rs_begin = 0;
    std::uint32_t rs_count = 0;
  };
  // Per real server of a virtual server; its endpoint and status live in rs_pool_.
  struct RsRec {
    std::int64_t weight = 1;             // configured
    std::uint32_t vs = 0;
    std::uint32_t slots_begin = 0;       // into rs_slots_
    std::uint32_t nslots = 0;
    std::uint32_t notify_up = kNoScript; // into scripts_
    std::uint32_t notify_down = kNoScript;
    bool smtp_alert = false;
  };

  std::span<const std::uint32_t> subs_of(std::uint32_t id) const {
    if (id >= sub_begin_.size()) return {};
    return std::span<const std::uint32_t>(subs_.data() + sub_begin_[id], sub_count_[id]);
  }

  // runs.cpp
  bool stale(const Schedule::Entry& e) const;
  void arm_timer();
  void on_timer();
  void schedule(std::uint32_t id, TimePoint at);
  void schedule_after(std::uint32_t id, TimePoint now, Duration d);
  void schedule_first(std::uint32_t id, TimePoint now);
  void launch_due(const Schedule::Entry& e, TimePoint now);
  void count_result(const RunState& run, const CheckResult& result, TimePoint now);
  void fire_deadline(const Schedule::Entry& e);
  void launch(std::uint32_t id);
  void trigger(std::uint32_t id);
  void retire(std::uint32_t id);
  void free_slot(std::uint32_t id);
  std::uint32_t new_slot();
  void stop_checks();
  std::string service_of(std::uint32_t id) const;
  void log_change(std::uint32_t id, const Step& step, const CheckResult& r);

  // pool_book.cpp
  void checker_changed(std::uint32_t id, const Step& step, const CheckResult& r);
  RealServerStatus compute_status(std::uint32_t ri) const;
  void update_rs(std::uint32_t ri, const Slot* cause, const CheckResult& result);
  void rs_transition(std::uint32_t ri, bool up, std::string_view checker, const CheckResult& result,
                     ChangeCause cause);
  void mark_dirty(std::uint32_t vi);
  void flush();
  void flush_vs(std::uint32_t vi);
  bool vs_suspended(const VirtualServerDef& d) const;
  void set_suspended(std::uint32_t vi, bool suspended, TimePoint now);
  void report(PoolChange c) {
    if (hooks_.on_change) hooks_.on_change(c);
  }

  // apply.cpp
  const CheckTiming* intern(const CheckTiming& t);
  void watch_files();

  boost::asio::io_context& io_;
  log::Channel log_;
  Hooks hooks_;
  std::shared_ptr<ScriptPort> runner_;
  CheckGlobals globals_;
  ProbeEnv env_;
  TlsSettings tls_settings_;

  std::deque<Slot> slots_;  // stable addresses: a RunState points at nothing in here
  std::vector<std::uint32_t> free_;
  Schedule schedule_;
  boost::asio::steady_timer timer_;
  TimePoint armed_ = TimePoint::max();  // when the pending wait ends (max: none)
  bool in_timer_ = false;

  std::vector<VsRec> vs_;
  std::vector<RsRec> rs_;
  std::vector<PoolEntry> rs_pool_;        // parallel to rs_, contiguous per virtual server
  std::vector<std::uint32_t> rs_slots_;
  std::vector<ScriptDef> scripts_;        // notify_up/notify_down that are configured
  std::vector<std::uint32_t> sub_begin_;  // per slot: its subscribers in subs_
  std::vector<std::uint32_t> sub_count_;
  std::vector<std::uint32_t> subs_;       // real servers (indices into rs_)
  std::deque<CheckTiming> timings_;       // interned, stable addresses
  std::unordered_multimap<std::size_t, const CheckTiming*> timing_index_;
  std::vector<IpAddress> present_;
  FileCheckWatch files_;

  std::minstd_rand rng_;
  bool started_ = false;
  bool stopped_ = false;
  bool flush_posted_ = false;
  bool first_apply_ = true;
  Stats stats_;
  // Posted handlers hold a weak reference: a flush that runs after the runtime is gone
  // does nothing.
  std::shared_ptr<int> alive_token_ = std::make_shared<int>(0);
};

}  // namespace stayalived::check
