// The checkers' runs: the schedule's one timer, launching checks, their deadlines and
// their results (see runtime_impl.hpp for the control flow).
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

#include "runtime_impl.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

void RunState::arm(Duration d) {
  if (owner != nullptr) owner->arm_deadline(*this, d);
}

// An entry that no longer means anything: the deadline of a run that has ended (most of
// them: a check usually ends long before its deadline), or a due time that was replaced.
bool Runtime::Impl::stale(const Schedule::Entry& e) const {
  const Slot& s = slots_[e.slot];
  if (e.deadline) return !(s.running && s.run != nullptr && s.run_token == e.token && s.deadline == e.at && !s.run->hit);
  return !s.scheduled || s.due_token != e.token || s.running;
}

void Runtime::Impl::arm_timer() {
  const TimePoint at = stopped_ ? TimePoint::max() : schedule_.earliest([this](const Schedule::Entry& e) { return stale(e); });
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
  schedule_.take(
      now, kEarly, [this](const Schedule::Entry& e) { return stale(e); },
      [this, now](const Schedule::Entry& e) { launch_due(e, now); },
      [this](const Schedule::Entry& e) { fire_deadline(e); });
  in_timer_ = false;
  arm_timer();
}

// A deadline entry taken off the schedule: cancels its run.
void Runtime::Impl::fire_deadline(const Schedule::Entry& e) {
  RunState& run = *slots_[e.slot].run;
  ++stats_.deadlines_hit;
  run.hit = true;
  run.signal.emit(asio::cancellation_type::terminal);
}

// A due entry taken off the schedule: launches its check.
void Runtime::Impl::launch_due(const Schedule::Entry& e, TimePoint now) {
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
  schedule_.add(Schedule::Entry{at, id, ++s.due_token, false});
  // Inside on_timer() the timer is armed once, at its end.
  if (!in_timer_ && at < armed_) arm_timer();
}

// The next check at `now` + `d`, `now` being the clock's present.
void Runtime::Impl::schedule_after(std::uint32_t id, TimePoint now, Duration d) {
  Slot& s = slots_[id];
  s.scheduled = true;
  schedule_.add_after(Schedule::Entry{now + d, id, ++s.due_token, false}, d);
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

// A run's deadline: in the schedule's FIFO of its duration. Most are stale by the time they
// reach the front (their run has ended) and are dropped there.
void Runtime::Impl::arm_deadline(RunState& run, Duration d) {
  Slot& s = slots_[run.slot];
  if (!s.running || s.run != &run) return;
  s.deadline = Clock::now() + d;
  schedule_.add_after(Schedule::Entry{s.deadline, run.slot, run.token, true}, d);
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
  run->launched = Clock::now();
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

// Stats by outcome and duration (the metrics endpoint's histogram).
void Runtime::Impl::count_result(const RunState& run, const CheckResult& result, TimePoint now) {
  if (result.outcome == Outcome::Cancelled) return;
  ++stats_.by_outcome[static_cast<std::size_t>(result.outcome)];
  const Duration took = now > run.launched ? now - run.launched : Duration::zero();
  std::size_t b = 0;
  while (b < Stats::kDurationBounds.size() && took >= Stats::kDurationBounds[b]) ++b;
  ++stats_.duration_buckets[b];
  stats_.total_duration += took;
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
  s.has_result = true;
  s.last_outcome = result.outcome;
  s.last_code = result.code;
  s.last_detail = result.detail;
  s.last_at = now;
  count_result(run, result, now);
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
    log_.info("{}", s.probe->success_line(service_of(id)));
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
  timer_.cancel();
  armed_ = TimePoint::max();
  schedule_.clear();
  files_.close();
  for (Slot& s : slots_) {
    s.scheduled = false;
    if (s.running && s.run != nullptr && !s.run->hit) {
      s.run->hit = true;
      s.run->signal.emit(asio::cancellation_type::terminal);
    }
  }
}

std::string Runtime::Impl::service_of(std::uint32_t id) const {
  const Slot& s = slots_[id];
  if (const auto path = s.probe->tracked_path(); !path.empty()) return std::string(path);
  const auto subs = subs_of(id);
  if (subs.empty()) return "?";
  const std::uint32_t ri = subs.front();
  const Protocol p = s.probe->transport().value_or(vs_[rs_[ri].vs].def.key.protocol);
  // The log names the (first subscribing) real server, as keepalived does, even when
  // connect_ip/connect_port point elsewhere.
  return format_service(rs_pool_[ri].endpoint, p);
}

void Runtime::Impl::log_change(std::uint32_t id, const Step& step, const CheckResult& r) {
  const Slot& s = slots_[id];
  const std::string svc = service_of(id);
  const std::string_view kind = s.probe->kind();
  if (step.change == Change::Up) {
    log_.info("{}", s.probe->success_line(svc));
  } else if (step.change == Change::Down) {
    if (step.retries > 0)
      log_.info("{} on service {} failed after {} retries.", kind, svc, step.retries);
    else
      log_.info("{} on service {} failed.", kind, svc);
    // keepalived's line above does not say why; this one does (the last attempt's outcome).
    if (r.detail != nullptr)
      log_.info("{} on service {} is down: {} ({})", kind, svc, to_string(r.outcome), r.detail);
    else if (r.code != 0)
      log_.info("{} on service {} is down: {} (code {})", kind, svc, to_string(r.outcome), r.code);
    else
      log_.info("{} on service {} is down: {}", kind, svc, to_string(r.outcome));
  }
}

void Runtime::Impl::trigger(std::uint32_t id) {
  Slot& s = slots_[id];
  if (s.active == 0 || stopped_ || !started_) return;
  if (s.running) {
    s.rerun = true;
    return;
  }
  launch(id);
}

}  // namespace stayalived::check
