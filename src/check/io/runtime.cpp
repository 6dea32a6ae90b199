// The checker runtime: scheduling, deadlines, results, real-server and virtual-server state.
//
// Control flow
//   - Every checker that actually runs is a Slot (identical checkers of several virtual
//     servers share one). Its next check time is an entry of a FIFO per interval
//     (delay_loop, delay_before_retry), or of one binary heap for the first checks (random
//     offsets) and for intervals beyond kMaxQueues; while it runs, its deadline is an entry
//     of a FIFO per timeout duration. One steady_timer is armed for the earliest live
//     entry, and checks due within kEarly share a wakeup.
//   - When a check is due, launch() co_spawns the probe's coroutine with a RunState (the
//     probe's ProbeContext, holding the cancellation signal). When a deadline entry expires
//     first, the signal fires and the pending socket operation completes with
//     operation_aborted.
//   - finished() feeds the result to the pure reducer (health.hpp), schedules the next check
//     and, on an up/down or weight change, recomputes the real servers that use the checker.
//   - Real-server changes log, notify (scripts, FIFO, SMTP) and mark their virtual server
//     dirty; one posted flush per loop turn recomputes dirty pools (quorum, sorry server)
//     and publishes those that changed.
#include "stayalived/check/runtime.hpp"

#include <malloc.h>
#include <sys/inotify.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <random>
#include <unordered_map>

#include <fmt/format.h>

#include "stayalived/check/probe.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

constexpr std::uint32_t kNoSlot = ~0u;

// A timer entry: the next check of a slot (deadline = false, in the heap or a due FIFO) or
// the deadline of its run (in a deadline FIFO).
struct Entry {
  TimePoint at;
  std::uint32_t slot;
  std::uint32_t token;
  bool deadline;
};
struct Later {
  bool operator()(const Entry& a, const Entry& b) const { return a.at > b.at; }
};

std::size_t def_hash(const CheckerDef& d) {
  std::size_t h = hash_value(d.connect.target);
  h ^= (d.kind.index() + 1) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<std::size_t>(d.timing.delay_loop.count()) * 0xC2B2AE3D27D4EB4FULL;
  return h;
}

bool contains(const std::vector<IpAddress>& v, const IpAddress& a) {
  return std::find(v.begin(), v.end(), a) != v.end();
}

}  // namespace

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
  Duration connect_timeout{};
  Probe* probe = nullptr;               // owned by the slot, which outlives the run...
  std::unique_ptr<Probe> orphan;        // ...unless the runtime went first: then here
  std::shared_ptr<ScriptPort> runner;
  std::minstd_rand rng;
  asio::cancellation_signal signal;

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
  Impl(asio::io_context& io, log::Logger& logger, Hooks hooks)
      : io_(io), log_(logger, log::Source::Check), hooks_(std::move(hooks)), timer_(io),
        inotify_(io), rng_(std::random_device{}()) {
    runner_ = hooks_.scripts ? hooks_.scripts : std::make_shared<SpawnScriptPort>();
  }

  ~Impl() {
    stop_checks();
    for (Slot& s : slots_) {
      if (s.running && s.run != nullptr) {
        s.run->owner = nullptr;
        s.run->orphan = std::move(s.probe);  // the coroutine still runs the probe's code
      }
    }
  }

  ApplyReport apply(Definition def);
  void start();
  void stop();
  void set_address_present(const IpAddress& addr, bool present);

  void arm_deadline(RunState& run, Duration d) override;
  void finished(RunState& run, std::exception_ptr e, const CheckResult& r) override;

  std::vector<DesiredPool> pools() const {
    std::vector<DesiredPool> out;
    for (const auto& v : vs_) out.push_back(v.last);
    return out;
  }
  std::vector<RealServerView> real_servers(std::size_t vi) const;
  bool suspended(std::size_t vi) const { return vi < vs_.size() && vs_[vi].suspended; }
  Stats stats() const;
  std::string dump() const;

 private:
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
    bool scheduled = false;              // a valid due entry is in the heap
    bool retired = false;                // removed by a reload; freed when its run ends
    bool rerun = false;                  // event-driven: input changed while running
    RunState* run = nullptr;
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
  static constexpr std::uint32_t kNoScript = ~0u;
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
  const CheckTiming* intern(const CheckTiming& t);

  void push(const Entry& e);
  bool stale(const Entry& e) const;
  void pop_front();
  TimePoint earliest();
  void arm_timer();
  void on_timer();
  void schedule(std::uint32_t id, TimePoint at);
  void schedule_after(std::uint32_t id, TimePoint now, Duration d);
  void launch_due(const Entry& e, TimePoint now);
  void fire_deadline(const Entry& e);
  void schedule_first(std::uint32_t id, TimePoint now);
  void launch(std::uint32_t id);
  void retire(std::uint32_t id);
  void free_slot(std::uint32_t id);
  std::uint32_t new_slot();
  void stop_checks();

  void checker_changed(std::uint32_t id, const Step& step, const CheckResult& r);
  void update_rs(std::uint32_t ri, const Slot* cause, const CheckResult& result);
  void rs_transition(std::uint32_t ri, bool up, const std::string& message);
  void mark_dirty(std::uint32_t vi);
  void flush();
  void flush_vs(std::uint32_t vi);
  void set_suspended(std::uint32_t vi, bool suspended, TimePoint now);
  bool vs_suspended(const VirtualServerDef& d) const;
  RealServerStatus compute_status(std::uint32_t ri) const;

  void watch_files();
  void read_inotify();
  void trigger(std::uint32_t id);

  std::string service_of(std::uint32_t id) const;
  void log_change(std::uint32_t id, const Step& step, const CheckResult& r);

  asio::io_context& io_;
  log::Channel log_;
  Hooks hooks_;
  std::shared_ptr<ScriptPort> runner_;
  CheckGlobals globals_;
  ProbeEnv env_;
  TlsSettings tls_settings_;

  std::deque<Slot> slots_;  // stable addresses: a RunState points at nothing in here
  std::vector<std::uint32_t> free_;
  // Entries armed at now + `duration` for one duration: in time order, the front is the
  // earliest, in O(1) each way (a heap of 10,000 due times cost a tenth of a check's user
  // time). Runs arm few distinct durations; past kMaxQueues, due times go to the heap.
  struct Fifo {
    Duration duration;
    std::deque<Entry> entries;
  };
  static constexpr std::size_t kMaxQueues = 32;
  std::vector<Entry> heap_;               // due times at any time (Entry::deadline false)
  std::vector<Fifo> due_;                 // due times at now + an interval
  std::vector<Fifo> deadlines_;
  static std::deque<Entry>* fifo_of(std::vector<Fifo>& fifos, Duration d);
  asio::steady_timer timer_;
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

  asio::posix::stream_descriptor inotify_;
  std::map<int, std::string> watch_dirs_;
  std::array<char, 4096> inotify_buf_{};

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

void RunState::arm(Duration d) {
  if (owner != nullptr) owner->arm_deadline(*this, d);
}

// --- scheduling -------------------------------------------------------------------------

void Runtime::Impl::push(const Entry& e) {
  heap_.push_back(e);
  std::push_heap(heap_.begin(), heap_.end(), Later{});
  // Inside on_timer() the timer is armed once, at its end.
  if (!in_timer_ && e.at < armed_) arm_timer();
}

// An entry that no longer means anything: the deadline of a run that has ended (most of
// them: a check usually ends long before its deadline), or a due time that was replaced.
bool Runtime::Impl::stale(const Entry& e) const {
  const Slot& s = slots_[e.slot];
  if (e.deadline) return !(s.running && s.run != nullptr && s.run_token == e.token && s.deadline == e.at && !s.run->hit);
  return !s.scheduled || s.due_token != e.token || s.running;
}

void Runtime::Impl::pop_front() {
  std::pop_heap(heap_.begin(), heap_.end(), Later{});
  heap_.pop_back();
}

// The earliest entry that still means something, stale ones dropped on the way: they are
// dropped rather than woken for. At 10,000 checks a second there are as many ended
// deadlines as checks, and a wakeup (a timerfd reprogramming, a context switch) costs more
// than the check itself on a virtual machine.
TimePoint Runtime::Impl::earliest() {
  TimePoint at = TimePoint::max();
  while (!heap_.empty() && stale(heap_.front())) pop_front();
  if (!heap_.empty()) at = heap_.front().at;
  for (auto* fifos : {&due_, &deadlines_}) {
    for (Fifo& q : *fifos) {
      while (!q.entries.empty() && stale(q.entries.front())) q.entries.pop_front();
      if (!q.entries.empty()) at = std::min(at, q.entries.front().at);
    }
  }
  return at;
}

std::deque<Entry>* Runtime::Impl::fifo_of(std::vector<Fifo>& fifos, Duration d) {
  auto q = std::find_if(fifos.begin(), fifos.end(), [d](const Fifo& x) { return x.duration == d; });
  if (q != fifos.end()) return &q->entries;
  if (fifos.size() >= kMaxQueues) return nullptr;
  fifos.push_back(Fifo{d, {}});
  return &fifos.back().entries;
}

void Runtime::Impl::arm_timer() {
  const TimePoint at = stopped_ ? TimePoint::max() : earliest();
  if (at == TimePoint::max()) {
    armed_ = TimePoint::max();  // a pending wait, if any, finds nothing to do
    return;
  }
  if (at == armed_) return;  // the pending wait already ends there
  armed_ = at;
  timer_.expires_at(armed_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    // Aborted: re-armed or destroyed; `this` may be gone, touch nothing.
    if (ec) return;
    on_timer();
  });
}

// Checks due within kEarly of now start in this wakeup, a little early, rather than each in
// its own wakeup: at 10,000 checks per second that turns 10,000 timer reprogrammings and
// wakeups per second into at most 1/kEarly, which is most of the checker's CPU cost on a
// virtual machine. Deadlines never fire early.
constexpr Duration kEarly = std::chrono::milliseconds(10);

void Runtime::Impl::on_timer() {
  armed_ = TimePoint::max();
  in_timer_ = true;
  const TimePoint now = Clock::now();
  // Deadlines first: a run cancelled now completes (posted) with its deadline's verdict.
  for (Fifo& q : deadlines_) {
    while (!q.entries.empty() && (stale(q.entries.front()) || q.entries.front().at <= now)) {
      const Entry e = q.entries.front();
      q.entries.pop_front();
      fire_deadline(e);
    }
  }
  const TimePoint horizon = now + kEarly;
  while (!heap_.empty()) {
    const Entry e = heap_.front();
    // Deadlines (here beyond kMaxQueues durations) never fire early.
    if (!stale(e) && e.at > (e.deadline ? now : horizon)) break;
    pop_front();
    if (e.deadline)
      fire_deadline(e);
    else
      launch_due(e, now);
  }
  for (Fifo& q : due_) {
    while (!q.entries.empty()) {
      const Entry e = q.entries.front();
      if (!stale(e) && e.at > horizon) break;
      q.entries.pop_front();
      launch_due(e, now);
    }
  }
  in_timer_ = false;
  arm_timer();
}

// A deadline entry taken off its queue: cancels its run unless it is stale.
void Runtime::Impl::fire_deadline(const Entry& e) {
  if (stale(e)) return;
  RunState& run = *slots_[e.slot].run;
  ++stats_.deadlines_hit;
  run.hit = true;
  run.signal.emit(asio::cancellation_type::terminal);
}

// A due entry taken off its queue: launches its check unless it is stale.
void Runtime::Impl::launch_due(const Entry& e, TimePoint now) {
  if (stale(e)) return;
  Slot& s = slots_[e.slot];
  s.scheduled = false;
  if (s.active == 0 || stopped_ || s.retired) return;
  const Duration late = now > e.at ? now - e.at : Duration::zero();
  if (late < std::chrono::milliseconds(1))
    ++stats_.late_under_1ms;
  else if (late < std::chrono::milliseconds(10))
    ++stats_.late_under_10ms;
  else if (late < std::chrono::milliseconds(100))
    ++stats_.late_under_100ms;
  else
    ++stats_.late_over_100ms;
  stats_.max_lateness = std::max(stats_.max_lateness, late);
  stats_.total_lateness += late;
  launch(e.slot);
}

void Runtime::Impl::schedule(std::uint32_t id, TimePoint at) {
  Slot& s = slots_[id];
  s.scheduled = true;
  push(Entry{at, id, ++s.due_token, false});
}

// The next check at `now` + `d`, `now` being the clock's present: the FIFO of `d` stays in
// time order.
void Runtime::Impl::schedule_after(std::uint32_t id, TimePoint now, Duration d) {
  std::deque<Entry>* q = fifo_of(due_, d);
  if (q == nullptr) return schedule(id, now + d);
  Slot& s = slots_[id];
  s.scheduled = true;
  q->push_back(Entry{now + d, id, ++s.due_token, false});
  if (!in_timer_ && now + d < armed_) arm_timer();
}

// The first check of a checker: at a random point of its warmup (keepalived.conf(5): "random
// delay to start the initial check for maximum N seconds"), which spreads thousands of
// checkers over the interval instead of firing them at once.
void Runtime::Impl::schedule_first(std::uint32_t id, TimePoint now) {
  Slot& s = slots_[id];
  if (s.probe->event_driven()) {
    trigger(id);
    return;
  }
  const auto span = warmup_of(*s.timing).count();
  Duration offset{};
  if (span > 0) offset = Duration(std::uniform_int_distribution<Duration::rep>(0, span)(rng_));
  schedule(id, now + offset);
}

// Deadlines go to the FIFO of their duration (the heap only beyond kMaxQueues durations):
// runs arm few distinct durations (connect_timeout, misc_timeout, ...). Most are stale by
// the time they reach the front (their run has ended) and are dropped there.
void Runtime::Impl::arm_deadline(RunState& run, Duration d) {
  Slot& s = slots_[run.slot];
  if (!s.running || s.run != &run) return;
  s.deadline = Clock::now() + d;
  const Entry e{s.deadline, run.slot, run.token, true};
  if (std::deque<Entry>* q = fifo_of(deadlines_, d)) {
    q->push_back(e);
  } else {  // beyond kMaxQueues durations
    push(e);
    return;
  }
  if (!in_timer_ && s.deadline < armed_) arm_timer();
}

namespace {

asio::awaitable<CheckResult> run_probe(std::shared_ptr<RunState> run) {
  // Cancellation by the deadline must reach the probe as operation_aborted results, never as
  // an exception from its next co_await.
  co_await asio::this_coro::throw_if_cancelled(false);
  co_return co_await run->probe->run(*run);
}

}  // namespace

void Runtime::Impl::launch(std::uint32_t id) {
  Slot& s = slots_[id];
  auto run = std::make_shared<RunState>();
  run->owner = this;
  run->slot = id;
  run->token = ++s.run_token;
  run->connect_timeout = s.timing->connect_timeout;
  run->probe = s.probe.get();
  run->runner = runner_;
  run->rng.seed(static_cast<std::minstd_rand::result_type>(rng_()));
  s.running = true;
  s.run = run.get();
  s.deadline = TimePoint::max();
  ++stats_.checks_started;
  stats_.max_in_flight = std::max(++stats_.in_flight, stats_.max_in_flight);
  RunState& ref = *run;
  asio::co_spawn(io_, run_probe(run),
                 asio::bind_cancellation_slot(ref.signal.slot(),
                                              [run](std::exception_ptr e, CheckResult r) {
                                                if (run->owner != nullptr) run->owner->finished(*run, e, r);
                                              }));
}

void Runtime::Impl::finished(RunState& run, std::exception_ptr e, const CheckResult& result_in) {
  Slot& s = slots_[run.slot];
  const std::uint32_t id = run.slot;
  s.running = false;
  s.run = nullptr;
  --stats_.in_flight;
  ++stats_.checks_completed;
  CheckResult result = result_in;
  if (e) {
    // A probe must not throw; if one does, it is our bug: count it as a local failure.
    result = CheckResult::failure(Outcome::LocalError);
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log_.error("{} on {}: unexpected exception: {}", s.probe->kind(), service_of(id), ex.what());
    } catch (...) {
      log_.error("{} on {}: unexpected exception", s.probe->kind(), service_of(id));
    }
  }
  if (!result.ok()) ++stats_.checks_failed;
  if (s.retired) {
    free_slot(id);
    return;
  }
  if (stopped_) return;
  const TimePoint now = Clock::now();
  const Step step = reduce(s.state, *s.timing, result, now);
  if (step.retrying) {
    ++stats_.retries;
    if (s.timing->log_all_failures)
      log_.info("{} on service {} failed ({}), retry {} of {}.", s.probe->kind(), service_of(id),
                to_string(result.outcome), step.state.retries_used, s.timing->retry);
  } else if (!result.ok() && !step.state.up && s.timing->log_all_failures && step.change == Change::None) {
    log_.info("{} on service {} failed ({}).", s.probe->kind(), service_of(id), to_string(result.outcome));
  }
  s.state = step.state;
  if (s.probe->event_driven()) {
    if (s.rerun) {
      s.rerun = false;
      launch(id);
    }
  } else if (s.active > 0) {
    schedule_after(id, now, step.next_check - now);
  }
  if (step.change != Change::None) {
    checker_changed(id, step, result);
  } else if (step.first && result.ok()) {
    // keepalived confirms the first success of a checker that started up.
    if (s.probe->kind() == "TCP_CHECK")
      log_.info("TCP connection to {} success.", service_of(id));
    else
      log_.info("{} on service {} success.", s.probe->kind(), service_of(id));
  }
}

std::uint32_t Runtime::Impl::new_slot() {
  if (!free_.empty()) {
    const std::uint32_t id = free_.back();
    free_.pop_back();
    return id;
  }
  slots_.emplace_back();
  return static_cast<std::uint32_t>(slots_.size() - 1);
}

void Runtime::Impl::free_slot(std::uint32_t id) {
  Slot& s = slots_[id];
  s.probe.reset();
  if (id < sub_count_.size()) sub_count_[id] = 0;
  s.retired = false;
  s.scheduled = false;
  s.rerun = false;
  s.active = 0;
  ++s.due_token;
  free_.push_back(id);
}

void Runtime::Impl::retire(std::uint32_t id) {
  Slot& s = slots_[id];
  if (s.running) {
    s.retired = true;
    if (s.run != nullptr) {
      s.run->hit = true;
      s.run->signal.emit(asio::cancellation_type::terminal);
    }
    return;
  }
  free_slot(id);
}

void Runtime::Impl::stop_checks() {
  boost::system::error_code ignored;
  timer_.cancel();
  armed_ = TimePoint::max();
  heap_.clear();
  due_.clear();
  deadlines_.clear();
  inotify_.close(ignored);
  for (Slot& s : slots_) {
    s.scheduled = false;
    if (s.running && s.run != nullptr && !s.run->hit) {
      s.run->hit = true;
      s.run->signal.emit(asio::cancellation_type::terminal);
    }
  }
}

// --- state changes ----------------------------------------------------------------------

std::string Runtime::Impl::service_of(std::uint32_t id) const {
  const Slot& s = slots_[id];
  if (const auto path = s.probe->tracked_path(); !path.empty()) return std::string(path);
  const auto subs = subs_of(id);
  if (subs.empty()) return "?";
  const std::uint32_t ri = subs.front();
  Protocol p = vs_[rs_[ri].vs].def.key.protocol;
  const std::string_view k = s.probe->kind();
  if (k == "DNS_CHECK" || k == "UDP_CHECK") p = Protocol::Udp;
  if (k == "TCP_CHECK" || k == "SMTP_CHECK" || k == "HTTP_GET" || k == "SSL_GET") p = Protocol::Tcp;
  // The log names the (first subscribing) real server, as keepalived does, even when
  // connect_ip/connect_port point elsewhere.
  return format_service(rs_pool_[ri].endpoint, p);
}

void Runtime::Impl::log_change(std::uint32_t id, const Step& step, const CheckResult& r) {
  const Slot& s = slots_[id];
  const std::string svc = service_of(id);
  const std::string_view kind = s.probe->kind();
  if (step.change == Change::Up) {
    if (kind == "TCP_CHECK")
      log_.info("TCP connection to {} success.", svc);
    else
      log_.info("{} on service {} success.", kind, svc);
  } else if (step.change == Change::Down) {
    if (step.retries > 0)
      log_.info("{} on service {} failed after {} retries.", kind, svc, step.retries);
    else
      log_.info("{} on service {} failed.", kind, svc);
    log_.debug("{} on service {}: {} (code {})", kind, svc, to_string(r.outcome), r.code);
  }
}

void Runtime::Impl::checker_changed(std::uint32_t id, const Step& step, const CheckResult& r) {
  ++stats_.transitions;
  log_change(id, step, r);
  for (std::uint32_t ri : subs_of(id)) update_rs(ri, &slots_[id], r);
}

RealServerStatus Runtime::Impl::compute_status(std::uint32_t ri) const {
  const RsRec& r = rs_[ri];
  std::array<const CheckerState*, 8> small{};
  std::vector<const CheckerState*> many;
  std::span<const CheckerState* const> states;
  if (r.nslots <= small.size()) {
    for (std::uint32_t i = 0; i < r.nslots; ++i) small[i] = &slots_[rs_slots_[r.slots_begin + i]].state;
    states = std::span<const CheckerState* const>(small.data(), r.nslots);
  } else {
    for (std::uint32_t i = 0; i < r.nslots; ++i) many.push_back(&slots_[rs_slots_[r.slots_begin + i]].state);
    states = many;
  }
  return real_server_status(r.weight, states);
}

void Runtime::Impl::update_rs(std::uint32_t ri, const Slot* cause, const CheckResult& result) {
  const RealServerStatus st = compute_status(ri);
  PoolEntry& entry = rs_pool_[ri];
  if (st == entry.status) return;
  const bool alive_changed = st.alive != entry.status.alive;
  entry.status = st;
  const RsRec& r = rs_[ri];
  mark_dirty(r.vs);
  if (alive_changed) {
    const std::string_view kind = cause != nullptr ? cause->probe->kind() : std::string_view("CHECK");
    rs_transition(ri, st.alive, checker_message(kind, st.alive, result, entry.endpoint));
  } else {
    const VsRec& v = vs_[r.vs];
    log_.info("Changing weight of service {} in VS {} to {}", format_rs(entry.endpoint, v.def.key),
              format_vs(v.def.key), st.weight);
  }
}

void Runtime::Impl::rs_transition(std::uint32_t ri, bool up, const std::string& message) {
  const RsRec& r = rs_[ri];
  const VsRec& v = vs_[r.vs];
  const PoolEntry& entry = rs_pool_[ri];
  const std::string rs_text = format_rs(entry.endpoint, v.def.key);
  const std::string vs_text = format_vs(v.def.key);
  // Observed on keepalived 2.2.7: "Adding service X to VS Y", "Removing service X from VS Y",
  // and with inhibit_on_failure "Enabling service X of VS Y", "Disabling service X of VS Y".
  if (entry.inhibit_on_failure)
    log_.info("{} service {} of VS {}", up ? "Enabling" : "Disabling", rs_text, vs_text);
  else if (up)
    log_.info("Adding service {} to VS {}", rs_text, vs_text);
  else
    log_.info("Removing service {} from VS {}", rs_text, vs_text);
  const std::uint32_t script = up ? r.notify_up : r.notify_down;
  Notifier* n = hooks_.notifier.get();
  if (script != kNoScript) {
    log_.info("Executing [{}] for service {} in VS {}", script_text(scripts_[script]), rs_text, vs_text);
    if (n != nullptr) n->run_script(scripts_[script]);
  }
  if (n != nullptr) {
    n->fifo_line(fifo_rs_line(entry.endpoint, v.def.key, up));
    if (r.smtp_alert) n->alert(rs_alert(globals_.router_id, entry.endpoint, v.def.key, up, message));
  }
}

void Runtime::Impl::mark_dirty(std::uint32_t vi) {
  vs_[vi].dirty = true;
  if (flush_posted_) return;
  flush_posted_ = true;
  // One recomputation per loop turn, however many results arrived in it.
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_token_)] {
    if (alive.expired()) return;
    flush();
  });
}

void Runtime::Impl::flush() {
  flush_posted_ = false;
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi)
    if (vs_[vi].dirty) flush_vs(vi);
}

void Runtime::Impl::flush_vs(std::uint32_t vi) {
  VsRec& v = vs_[vi];
  v.dirty = false;
  const std::span<const PoolEntry> entries(rs_pool_.data() + v.rs_begin, v.rs_count);
  PoolStep step = compute_pool(v.def, entries, v.quorum_up);
  v.quorum_up = step.quorum_up;
  if (step.change) {
    const QuorumChange& q = *step.change;
    const std::string vs_text = format_vs(v.def.key);
    if (q.up)
      log_.info("Gained quorum {}+{}={} <= {} for VS {}", q.quorum, q.hysteresis, q.quorum + q.hysteresis,
                q.alive_weight, vs_text);
    else
      log_.info("Lost quorum {}-{}={} > {} for VS {}", q.quorum, q.hysteresis, q.quorum - q.hysteresis,
                q.alive_weight, vs_text);
    const ScriptDef& script = q.up ? v.def.quorum_up : v.def.quorum_down;
    Notifier* n = hooks_.notifier.get();
    if (!script.empty()) {
      log_.info("Executing [{}] for VS {}", script_text(script), vs_text);
      if (n != nullptr) n->run_script(script);
    }
    if (n != nullptr) {
      n->fifo_line(fifo_vs_line(v.def.key, q.up));
      const QuorumEvent ev = !q.up ? QuorumEvent::Lost : v.published ? QuorumEvent::Gained : QuorumEvent::StartingUp;
      if (v.def.smtp_alert) n->alert(quorum_alert(globals_.router_id, v.def.key, ev, q.quorum, q.hysteresis, q.alive_weight));
    }
  }
  if (!v.published || !(step.pool == v.last)) {
    v.last = std::move(step.pool);
    v.published = true;
    ++stats_.pools_published;
    if (hooks_.on_pool) hooks_.on_pool(v.last);
  }
}

bool Runtime::Impl::vs_suspended(const VirtualServerDef& d) const {
  if (!d.ha_suspend || d.suspend_addresses.empty()) return false;
  for (const auto& a : d.suspend_addresses)
    if (contains(present_, a)) return false;
  return true;
}

void Runtime::Impl::set_suspended(std::uint32_t vi, bool suspended, TimePoint now) {
  VsRec& v = vs_[vi];
  if (v.suspended == suspended) return;
  v.suspended = suspended;
  log_.info("{} healthchecking for VS {}", suspended ? "Suspending" : "Resuming", format_vs(v.def.key));
  for (std::uint32_t ri = v.rs_begin; ri < v.rs_begin + v.rs_count; ++ri) {
    const RsRec& r = rs_[ri];
    for (std::uint32_t k = 0; k < r.nslots; ++k) {
      const std::uint32_t id = rs_slots_[r.slots_begin + k];
      Slot& s = slots_[id];
      if (suspended) {
        --s.active;
      } else if (s.active++ == 0 && started_ && !stopped_ && !s.running && !s.scheduled) {
        schedule_first(id, now);
      }
    }
  }
}

// --- FILE_CHECK inputs ------------------------------------------------------------------

void Runtime::Impl::trigger(std::uint32_t id) {
  Slot& s = slots_[id];
  if (s.active == 0 || stopped_ || !started_) return;
  if (s.running) {
    s.rerun = true;
    return;
  }
  launch(id);
}

void Runtime::Impl::watch_files() {
  boost::system::error_code ignored;
  inotify_.close(ignored);
  watch_dirs_.clear();
  std::vector<std::string> dirs;
  for (const Slot& s : slots_) {
    if (!s.probe || s.retired) continue;
    const std::string path(s.probe->tracked_path());
    if (path.empty()) continue;
    const auto slash = path.rfind('/');
    dirs.push_back(slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash)));
  }
  if (dirs.empty()) return;
  const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd < 0) {
    log_.error("track_file: inotify_init1 failed: {}", std::strerror(errno));
    return;
  }
  inotify_.assign(fd);
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  for (const auto& d : dirs) {
    const int wd = ::inotify_add_watch(fd, d.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM);
    if (wd < 0)
      log_.error("track_file: cannot watch {}: {}", d, std::strerror(errno));
    else
      watch_dirs_[wd] = d;
  }
  read_inotify();
}

void Runtime::Impl::read_inotify() {
  inotify_.async_read_some(asio::buffer(inotify_buf_), [this](const boost::system::error_code& ec, std::size_t n) {
    if (ec) return;  // closed (reload, stop, destruction): touch nothing
    std::size_t off = 0;
    while (off + sizeof(inotify_event) <= n) {
      inotify_event ev;
      std::memcpy(&ev, inotify_buf_.data() + off, sizeof ev);
      const std::size_t rec = sizeof(inotify_event) + ev.len;
      if (off + rec > n) break;
      std::string name;
      if (ev.len > 0) name.assign(inotify_buf_.data() + off + sizeof(inotify_event));
      off += rec;
      const auto dir = watch_dirs_.find(ev.wd);
      if (dir == watch_dirs_.end() || name.empty()) continue;
      const std::string path = dir->second == "/" ? "/" + name : dir->second + "/" + name;
      for (std::uint32_t id = 0; id < slots_.size(); ++id)
        if (slots_[id].probe && !slots_[id].retired && slots_[id].probe->tracked_path() == path) trigger(id);
    }
    read_inotify();
  });
}

// --- configuration ----------------------------------------------------------------------

const CheckTiming* Runtime::Impl::intern(const CheckTiming& t) {
  std::size_t h = static_cast<std::size_t>(t.delay_loop.count()) * 31 + static_cast<std::size_t>(t.connect_timeout.count());
  h = h * 31 + static_cast<std::size_t>(t.delay_before_retry.count()) + t.retry * 7 + (t.alpha ? 1 : 0);
  for (auto [it, end] = timing_index_.equal_range(h); it != end; ++it)
    if (*it->second == t) return it->second;
  timings_.push_back(t);
  timing_index_.emplace(h, &timings_.back());
  return &timings_.back();
}

ApplyReport Runtime::Impl::apply(Definition def) {
  ApplyReport rep;
  const TimePoint now = Clock::now();
  globals_ = def.globals;

  // What the old configuration knew: real-server liveness and virtual-server state by key.
  std::map<VirtualServerKey, std::uint32_t> old_vs;
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) old_vs.emplace(vs_[vi].def.key, vi);
  auto old_rs_alive = [&](const VirtualServerKey& k, const Endpoint& ep) -> std::optional<bool> {
    const auto it = old_vs.find(k);
    if (it == old_vs.end()) return std::nullopt;
    const VsRec& v = vs_[it->second];
    for (std::uint32_t i = 0; i < v.rs_count; ++i)
      if (rs_pool_[v.rs_begin + i].endpoint == ep) return rs_pool_[v.rs_begin + i].status.alive;
    return std::nullopt;
  };

  // SSL_GET's client context, built from the SSL { } block when some checker needs it.
  bool need_tls = false;
  for (const auto& v : def.virtual_servers)
    for (const auto& r : v.real_servers)
      for (const auto& c : r.checkers)
        if (const auto* h = std::get_if<HttpCheck>(&c.kind); h != nullptr && h->tls) need_tls = true;
  if (need_tls && (!env_.tls || !(tls_settings_ == globals_.ssl))) {
    if (auto env = make_probe_env(globals_.ssl)) {
      env_ = *env;
      tls_settings_ = globals_.ssl;
    } else {
      log_.error("SSL_GET: {}", env.error().message);
    }
  }

  // Existing slots, by the hash of their definition.
  std::unordered_multimap<std::size_t, std::uint32_t> index;
  const std::size_t old_count = slots_.size();
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    const Slot& s = slots_[id];
    if (s.probe && !s.retired) index.emplace(s.key, id);
  }
  std::vector<bool> used(old_count, false);

  std::vector<VsRec> vs;
  std::vector<RsRec> rs;
  std::vector<PoolEntry> pool;
  std::vector<std::uint32_t> rs_slots;
  std::vector<ScriptDef> scripts;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> subscriptions;  // (slot, real server)
  std::vector<std::uint32_t> fresh;  // new slots, scheduled below
  vs.reserve(def.virtual_servers.size());
  for (auto& vdef : def.virtual_servers) {
    const auto vi = static_cast<std::uint32_t>(vs.size());
    VsRec v;
    v.rs_begin = static_cast<std::uint32_t>(rs.size());
    v.rs_count = static_cast<std::uint32_t>(vdef.real_servers.size());
    for (RealServerDef& rdef : vdef.real_servers) {
      RsRec r{.weight = rdef.weight, .vs = vi, .slots_begin = static_cast<std::uint32_t>(rs_slots.size())};
      r.smtp_alert = rdef.smtp_alert;
      if (!rdef.notify_up.empty()) {
        r.notify_up = static_cast<std::uint32_t>(scripts.size());
        scripts.push_back(std::move(rdef.notify_up));
      }
      if (!rdef.notify_down.empty()) {
        r.notify_down = static_cast<std::uint32_t>(scripts.size());
        scripts.push_back(std::move(rdef.notify_down));
      }
      const auto ri = static_cast<std::uint32_t>(rs.size());
      std::optional<bool> carried;
      bool carried_looked = false;
      for (const CheckerDef& c : rdef.checkers) {
        const std::size_t h = def_hash(c);
        std::uint32_t found = kNoSlot;
        for (auto [it, end] = index.equal_range(h); it != end; ++it) {
          const Slot& s = slots_[it->second];
          if (*s.timing == c.timing && s.probe->same(c)) {
            found = it->second;
            break;
          }
        }
        if (found == kNoSlot) {
          std::unique_ptr<Probe> probe = make_probe(c, env_);
          if (!probe) {
            ++rep.skipped;
            log_.error("{} for service {} in VS {} is not available in this build: checker ignored",
                       kind_name(c.kind), format_rs(rdef.endpoint, vdef.key), format_vs(vdef.key));
            continue;
          }
          found = new_slot();
          Slot& s = slots_[found];
          s.probe = std::move(probe);
          s.timing = intern(c.timing);
          s.key = h;
          s.state = CheckerState::initial(c.timing);
          if (!carried_looked) {
            carried = old_rs_alive(vdef.key, rdef.endpoint);
            carried_looked = true;
          }
          if (carried) s.state.up = *carried;  // no flap on reload
          index.emplace(h, found);
          fresh.push_back(found);
          ++rep.added;
          if (found < used.size()) used[found] = true;
        } else if (found < used.size() && !used[found]) {
          used[found] = true;
          ++rep.kept;
        }
        if (std::find(rs_slots.begin() + r.slots_begin, rs_slots.end(), found) == rs_slots.end()) {
          rs_slots.push_back(found);
          ++r.nslots;
          subscriptions.emplace_back(found, ri);
        }
        log_.debug("Activating healthchecker for service {} for VS {}", format_rs(rdef.endpoint, vdef.key),
                   format_vs(vdef.key));
      }
      pool.push_back(PoolEntry{rdef.endpoint, rdef.inhibit_on_failure, {}});
      rs.push_back(r);
    }
    // The runtime keeps compact records, not the definitions (the checkers live in their
    // probes): bytes per real server, not kilobytes.
    vdef.real_servers.clear();
    vdef.real_servers.shrink_to_fit();
    v.def = std::move(vdef);
    vs.push_back(std::move(v));
  }
  // Everything old that this configuration does not use ends.
  for (std::uint32_t id = 0; id < old_count; ++id) {
    if (!used[id] && slots_[id].probe && !slots_[id].retired &&
        std::find(fresh.begin(), fresh.end(), id) == fresh.end()) {
      retire(id);
      ++rep.removed;
    }
  }

  // Subscribers of every slot, flat (counting sort by slot).
  sub_begin_.assign(slots_.size(), 0);
  sub_count_.assign(slots_.size(), 0);
  for (const auto& [slot, ri] : subscriptions) ++sub_count_[slot];
  std::uint32_t acc = 0;
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    sub_begin_[id] = acc;
    acc += sub_count_[id];
  }
  subs_.assign(acc, 0);
  {
    std::vector<std::uint32_t> fill(slots_.size(), 0);
    for (const auto& [slot, ri] : subscriptions) subs_[sub_begin_[slot] + fill[slot]++] = ri;
  }

  std::vector<VsRec> old = std::move(vs_);
  vs_ = std::move(vs);
  rs_ = std::move(rs);
  rs_pool_ = std::move(pool);
  rs_slots_ = std::move(rs_slots);
  scripts_ = std::move(scripts);
  for (std::uint32_t ri = 0; ri < rs_.size(); ++ri) rs_pool_[ri].status = compute_status(ri);
  stats_.checkers = rs_slots_.size();

  // Virtual-server state: carried by key, else initial.
  for (auto& v : vs_) {
    if (auto it = old_vs.find(v.def.key); it != old_vs.end()) {
      VsRec& o = old[it->second];
      v.quorum_up = o.quorum_up;
      v.published = o.published;
      v.last = std::move(o.last);
      old_vs.erase(it);
    } else {
      v.quorum_up = false;  // gained at the first evaluation if the weight is there
    }
    v.dirty = true;
  }
  for (const auto& [key, vi] : old_vs)
    if (hooks_.on_pool_removed) hooks_.on_pool_removed(key);

  // Suspension and the active count of every slot.
  for (Slot& s : slots_) s.active = 0;
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) vs_[vi].suspended = vs_suspended(vs_[vi].def);
  for (const auto& r : rs_) {
    if (vs_[r.vs].suspended) continue;
    for (std::uint32_t k = 0; k < r.nslots; ++k) ++slots_[rs_slots_[r.slots_begin + k]].active;
  }

  if (first_apply_ && globals_.rs_init_notifies) {
    // rs_init_notifies: "Send notifies at startup for real servers that are starting up".
    for (std::uint32_t ri = 0; ri < rs_.size(); ++ri) {
      const RsRec& r = rs_[ri];
      const std::string_view kind = r.nslots > 0 ? slots_[rs_slots_[r.slots_begin]].probe->kind() : "CHECK";
      const bool up = rs_pool_[ri].status.alive;
      rs_transition(ri, up, checker_message(kind, up, CheckResult::success(), rs_pool_[ri].endpoint));
    }
  }
  first_apply_ = false;

  watch_files();
  if (started_ && !stopped_) {
    for (std::uint32_t id : fresh)
      if (slots_[id].active > 0) schedule_first(id, now);
    // Kept slots that were idle (suspended before) and are active now.
    for (std::uint32_t id = 0; id < slots_.size(); ++id) {
      Slot& s = slots_[id];
      if (s.probe && !s.retired && s.active > 0 && !s.running && !s.scheduled &&
          std::find(fresh.begin(), fresh.end(), id) == fresh.end())
        schedule_first(id, now);
    }
  }
  stats_.unique_checkers = 0;
  for (const Slot& s : slots_)
    if (s.probe && !s.retired) ++stats_.unique_checkers;
  stats_.real_servers = rs_.size();
  stats_.virtual_servers = vs_.size();
  flush();
  log_.info("Checkers: {} kept, {} added, {} removed, {} unique for {} real servers", rep.kept, rep.added,
            rep.removed, stats_.unique_checkers, rs_.size());
  // The definition (and, on reload, the previous records) were large and are gone: give the
  // memory back to the system rather than keep it in the heap for good.
  ::malloc_trim(0);
  return rep;
}

void Runtime::Impl::start() {
  if (started_) return;
  started_ = true;
  stopped_ = false;
  const TimePoint now = Clock::now();
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    Slot& s = slots_[id];
    if (s.probe && !s.retired && s.active > 0 && !s.running && !s.scheduled) schedule_first(id, now);
  }
}

void Runtime::Impl::stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_checks();
  // omega: "On daemon shutdown consider quorum and RS down notifiers for execution".
  Notifier* n = hooks_.notifier.get();
  for (auto& v : vs_) {
    if (!v.def.omega) continue;
    for (std::uint32_t ri = v.rs_begin; ri < v.rs_begin + v.rs_count; ++ri) {
      if (!rs_pool_[ri].status.alive) continue;
      const Endpoint& ep = rs_pool_[ri].endpoint;
      if (rs_[ri].notify_down != kNoScript) {
        const ScriptDef& script = scripts_[rs_[ri].notify_down];
        log_.info("Executing [{}] for service {} in VS {}", script_text(script), format_rs(ep, v.def.key),
                  format_vs(v.def.key));
        if (n != nullptr) n->run_script(script);
      }
      if (n != nullptr) n->fifo_line(fifo_rs_line(ep, v.def.key, false));
    }
    if (v.quorum_up && !v.def.quorum_down.empty()) {
      log_.info("Executing [{}] for VS {}", script_text(v.def.quorum_down), format_vs(v.def.key));
      if (n != nullptr) n->run_script(v.def.quorum_down);
    }
  }
}

void Runtime::Impl::set_address_present(const IpAddress& addr, bool present) {
  const auto it = std::find(present_.begin(), present_.end(), addr);
  if (present && it == present_.end()) present_.push_back(addr);
  if (!present && it != present_.end()) present_.erase(it);
  const TimePoint now = Clock::now();
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) {
    if (!vs_[vi].def.ha_suspend || !contains(vs_[vi].def.suspend_addresses, addr)) continue;
    set_suspended(vi, vs_suspended(vs_[vi].def), now);
  }
}

// --- views ------------------------------------------------------------------------------

std::vector<RealServerView> Runtime::Impl::real_servers(std::size_t vi) const {
  std::vector<RealServerView> out;
  if (vi >= vs_.size()) return out;
  const VsRec& v = vs_[vi];
  for (std::uint32_t ri = v.rs_begin; ri < v.rs_begin + v.rs_count; ++ri) {
    const RsRec& r = rs_[ri];
    RealServerView view{.endpoint = rs_pool_[ri].endpoint, .alive = rs_pool_[ri].status.alive,
                        .weight = rs_pool_[ri].status.weight, .checkers = r.nslots, .checkers_up = 0};
    for (std::uint32_t k = 0; k < r.nslots; ++k)
      if (slots_[rs_slots_[r.slots_begin + k]].state.up) ++view.checkers_up;
    out.push_back(view);
  }
  return out;
}

Stats Runtime::Impl::stats() const { return stats_; }

std::string Runtime::Impl::dump() const {
  std::string out;
  out += fmt::format("------< Health checkers >------\n");
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) {
    const VsRec& v = vs_[vi];
    out += fmt::format(" VS {}: quorum {} ({}, hysteresis {}){}{}\n", format_vs(v.def.key),
                       v.quorum_up ? "up" : "down", v.def.quorum, v.def.hysteresis,
                       v.last.sorry_active ? ", sorry server active" : "", v.suspended ? ", suspended" : "");
    for (std::uint32_t ri = v.rs_begin; ri < v.rs_begin + v.rs_count; ++ri) {
      const RsRec& r = rs_[ri];
      out += fmt::format("   RS {}: {} weight {}\n", format_rs(rs_pool_[ri].endpoint, v.def.key),
                         rs_pool_[ri].status.alive ? "alive" : "down", rs_pool_[ri].status.weight);
      for (std::uint32_t k = 0; k < r.nslots; ++k) {
        const Slot& s = slots_[rs_slots_[r.slots_begin + k]];
        out += fmt::format("     {}: {}{}, delay_loop {} ms, retry {} ({} used), connect_timeout {} ms\n",
                           s.probe->kind(), s.state.up ? "up" : "down", s.running ? " (running)" : "",
                           std::chrono::duration_cast<std::chrono::milliseconds>(s.timing->delay_loop).count(),
                           s.timing->retry, s.state.retries_used,
                           std::chrono::duration_cast<std::chrono::milliseconds>(s.timing->connect_timeout).count());
      }
    }
  }
  return out;
}

// --- Runtime ----------------------------------------------------------------------------

Runtime::Runtime(asio::io_context& io, log::Logger& logger, Hooks hooks)
    : impl_(std::make_unique<Impl>(io, logger, std::move(hooks))) {}
Runtime::~Runtime() = default;
ApplyReport Runtime::apply(Definition def) { return impl_->apply(std::move(def)); }
void Runtime::start() { impl_->start(); }
void Runtime::stop() { impl_->stop(); }
void Runtime::set_address_present(const IpAddress& addr, bool present) { impl_->set_address_present(addr, present); }
std::vector<DesiredPool> Runtime::pools() const { return impl_->pools(); }
std::vector<RealServerView> Runtime::real_servers(std::size_t vs_index) const { return impl_->real_servers(vs_index); }
bool Runtime::suspended(std::size_t vs_index) const { return impl_->suspended(vs_index); }
Stats Runtime::stats() const { return impl_->stats(); }
std::string Runtime::dump() const { return impl_->dump(); }

}  // namespace stayalived::check
