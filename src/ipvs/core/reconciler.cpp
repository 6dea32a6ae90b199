#include "stayalived/ipvs/reconciler.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>

namespace stayalived::ipvs {

namespace {
// lvs_timeouts over `base`: the timeouts given (non-zero) replace base's.
Timeouts over(Timeouts base, const Timeouts& given) {
  if (given.tcp) base.tcp = given.tcp;
  if (given.tcp_fin) base.tcp_fin = given.tcp_fin;
  if (given.udp) base.udp = given.udp;
  return base;
}
}  // namespace

std::string Failure::message() const {
  std::string reason = error == kLost ? std::string("acknowledgement lost") : std::string(std::strerror(error));
  std::string m = fmt::format("{}: {}", op.object(), reason);
  // The kernel answers ENOENT when it cannot find (or load) the scheduler or the
  // persistence engine of a service.
  if (error == ENOENT && (op.kind == OpKind::AddService || op.kind == OpKind::EditService)) {
    if (op.service.pe_name.empty())
      m += fmt::format(" (scheduler '{}' not available)", op.service.scheduler);
    else
      m += fmt::format(" (scheduler '{}' or persistence engine '{}' not available)", op.service.scheduler,
                       op.service.pe_name);
  }
  return m;
}

Reconciler::Reconciler(Backend& backend, log::Channel log, ReconcilerOptions opts)
    : backend_(backend), log_(log), opts_(opts) {
  if (opts_.rounds == 0) opts_.rounds = 1;
}

Result<void> Reconciler::start(State desired) {
  if (opts_.timeouts && !saved_timeouts_) {  // (a reload that set them already keeps the originals)
    // keepalived puts the previous timeouts back when it stops (even with -I).
    if (auto before = backend_.timeouts(); before)
      saved_timeouts_ = *before;
    else
      log_.error("IPVS: cannot read the connection timeouts: {}", before.error().message);
    if (auto r = backend_.set_timeouts(*opts_.timeouts); !r) {
      log_.error("IPVS: cannot set lvs_timeouts: {}", r.error().message);
    } else if (saved_timeouts_) {
      applied_timeouts_ = over(*saved_timeouts_, *opts_.timeouts);  // what the kernel now holds
    }
  }
  if (opts_.flush_at_start) {
    if (auto r = backend_.flush(); !r) return Unexpected(Error{"IPVS: flush failed: " + r.error().message, r.error().code});
    observed_ = State{};
    log_.info("IPVS: flushed the table (lvs_flush)");
  } else {
    auto s = read_table(desired);
    if (!s) return Unexpected(Error{"IPVS: cannot read the table: " + s.error().message, s.error().code});
    observed_ = std::move(*s);
    for (const auto& [k, e] : desired.services)
      if (observed_.find(k) != nullptr) log_.info("IPVS: adopting existing service {}", k.to_string());
  }
  set_desired(std::move(desired));
  return {};
}

void Reconciler::set_desired(State desired) {
  desired_ = std::move(desired);
  owned_.claim(desired_);
  round_ = 1;
  round_failed_ = false;
  round_failures_.clear();
  replan();
}

void Reconciler::replan() {
  pending_ = plan(desired_, observed_, owned_);
  next_ = 0;
}

Result<State> Reconciler::read_table(const State& wanted) {
  auto relevant = [&](const ServiceKey& k) { return wanted.services.contains(k) || owned_.owns(k); };
  auto s = backend_.dump(relevant);
  if (!s) return Unexpected(s.error());
  auto confirm = [&](const ServiceKey& k) -> Result<void> {
    if (s->find(k) != nullptr) return {};
    auto e = backend_.lookup(k);
    if (!e) return Unexpected(e.error());
    if (!*e) return {};
    ++dump_misses_;
    log_.debug("IPVS: the table dump left out {}; read it by key", k.to_string());
    s->services.emplace(k, std::move(**e));
    return {};
  };
  // Only what we believe is there is confirmed: a wanted service that the kernel never
  // had would cost a request each (all of them, at a start from empty).
  for (const auto& k : owned_.services)
    if (auto r = confirm(k); !r) return Unexpected(r.error());
  for (const auto& [k, e] : observed_.services)
    if (!owned_.owns(k))
      if (auto r = confirm(k); !r) return Unexpected(r.error());
  return s;
}

Result<void> Reconciler::redump() {
  auto s = read_table(desired_);
  if (!s) return Unexpected(s.error());
  report_drift(observed_, *s);
  observed_ = std::move(*s);
  return {};
}

std::size_t Reconciler::report_drift(const State& before, const State& after) {
  std::size_t n = 0;
  for (const auto& k : owned_.services) {
    const ServiceEntry* b = before.find(k);
    const ServiceEntry* a = after.find(k);
    if (b != nullptr && a == nullptr) {
      log_.warning("IPVS: {} was removed outside stayalived", k.to_string());
      ++n;
      continue;
    }
    if (a == nullptr) continue;
    if (b == nullptr) {
      if (desired_.find(k) != nullptr) {
        log_.warning("IPVS: {} was created outside stayalived; adopting it", k.to_string());
        ++n;
      }
      continue;
    }
    if (!a->service.same_settings(b->service)) {
      log_.warning("IPVS: {} was changed outside stayalived (scheduler {}, flags {:#x}, timeout {}; expected {}, "
                   "{:#x}, {})",
                   k.to_string(), a->service.scheduler, a->service.flags, a->service.timeout, b->service.scheduler,
                   b->service.flags, b->service.timeout);
      ++n;
    }
    for (const auto& [dk, bd] : b->dests) {
      if (!owned_.owns(k, dk)) continue;
      auto it = a->dests.find(dk);
      if (it == a->dests.end()) {
        log_.warning("IPVS: {} -> {} was removed outside stayalived", k.to_string(), dk.to_string());
        ++n;
      } else if (!it->second.same_settings(bd)) {
        log_.warning("IPVS: {} -> {} was changed outside stayalived ({} weight {}; expected {} weight {})",
                     k.to_string(), dk.to_string(), to_string(it->second.forward), it->second.weight,
                     to_string(bd.forward), bd.weight);
        ++n;
      }
    }
    for (const auto& [dk, ad] : a->dests) {
      if (!b->dests.contains(dk) && owned_.owns(k, dk)) {
        log_.warning("IPVS: {} -> {} was created outside stayalived; adopting it", k.to_string(), dk.to_string());
        ++n;
      }
    }
  }
  return n;
}

void Reconciler::record(const Op& op, OpError err, Progress& p) {
  bool is_delete = op.kind == OpKind::DeleteService || op.kind == OpKind::DeleteDest;
  // A delete of something already gone reached its goal: someone removed it under us.
  if (err != 0 && is_delete && (err == ENOENT || err == ESRCH)) {
    log_.warning("IPVS: {} was already removed outside stayalived", op.object());
    err = 0;
  }
  if (err == 0) {
    ++p.confirmed;
    apply_to(observed_, op);
    if (op.kind == OpKind::DeleteService) owned_.release(op.service.key);
    if (op.kind == OpKind::DeleteDest) owned_.dests.erase({op.service.key, op.dest.key});
    return;
  }
  Failure f{op, err};
  bool last_round = round_ >= opts_.rounds;
  // A destination of a service that could not be created fails too (ESRCH); report the
  // cause once, not once per destination.
  bool consequence =
      op.is_dest() && err == ESRCH && std::any_of(round_failures_.begin(), round_failures_.end(), [&](const Failure& x) {
        return !x.op.is_dest() && x.op.service.key == op.service.key;
      });
  if (consequence)
    log_.debug("IPVS: {} failed: {}", to_string(op.kind), f.message());
  else if (last_round)
    log_.error("IPVS: {} failed: {}", to_string(op.kind), f.message());
  else
    log_.warning("IPVS: {} failed: {}; re-reading the table", to_string(op.kind), f.message());
  round_failed_ = true;
  round_failures_.push_back(f);
  p.failures.push_back(std::move(f));
}

Progress Reconciler::step(std::size_t max_ops) {
  Progress p;
  // No further round: what failed in this one stays unresolved until the next apply.
  const auto give_up = [this] {
    unresolved_ = std::move(round_failures_);
    round_failures_.clear();
    round_failed_ = false;
    pending_.clear();
    next_ = 0;
  };
  for (;;) {
    if (next_ >= pending_.size()) {
      if (!round_failed_) {
        unresolved_.clear();
        break;
      }
      if (round_ >= opts_.rounds) {
        give_up();
        break;
      }
      if (auto r = redump(); !r) {
        log_.error("IPVS: cannot re-read the table: {}", r.error().message);
        give_up();
        break;
      }
      ++round_;
      round_failed_ = false;
      round_failures_.clear();
      replan();
      continue;
    }
    if (p.executed >= max_ops) {
      p.more = true;
      return p;
    }
    std::size_t n = std::min(max_ops - p.executed, pending_.size() - next_);
    std::span<const Op> batch(pending_.data() + next_, n);
    std::vector<OpError> errs = backend_.execute(batch);
    for (std::size_t i = 0; i < n; ++i) record(batch[i], i < errs.size() ? errs[i] : kLost, p);
    next_ += n;
    p.executed += n;
  }
  return p;
}

void Progress::merge(Progress&& later) {
  executed += later.executed;
  confirmed += later.confirmed;
  std::move(later.failures.begin(), later.failures.end(), std::back_inserter(failures));
  more = later.more;
}

Progress Reconciler::apply(State desired) {
  set_desired(std::move(desired));
  Progress total;
  do total.merge(step());
  while (total.more);
  return total;
}

Result<std::size_t> Reconciler::resync() {
  auto s = read_table(desired_);
  if (!s) return Unexpected(s.error());
  std::size_t n = report_drift(observed_, *s);
  observed_ = std::move(*s);
  round_ = 1;
  round_failed_ = false;
  round_failures_.clear();
  replan();
  return n;
}

void Reconciler::reload_timeouts(const std::optional<Timeouts>& timeouts) {
  opts_.timeouts = timeouts;
  if (!saved_timeouts_) {
    if (!timeouts) return;  // never set, nothing to put back
    if (auto before = backend_.timeouts(); before) {
      saved_timeouts_ = *before;
    } else {
      log_.error("IPVS: cannot read the connection timeouts: {}", before.error().message);
      return;
    }
  }
  const Timeouts t = timeouts ? over(*saved_timeouts_, *timeouts) : *saved_timeouts_;
  if (t == applied_timeouts_) return;  // a reload that leaves them alone writes nothing
  if (auto r = backend_.set_timeouts(t); !r)
    log_.error("IPVS: cannot set lvs_timeouts: {}", r.error().message);
  else
    applied_timeouts_ = t;
}

Progress Reconciler::shutdown() {
  Progress p;
  pending_.clear();
  next_ = 0;
  if (saved_timeouts_) {
    if (auto r = backend_.set_timeouts(*saved_timeouts_); !r)
      log_.error("IPVS: cannot restore the connection timeouts: {}", r.error().message);
    saved_timeouts_.reset();
    applied_timeouts_.reset();
  }
  if (!opts_.release_on_stop) {
    log_.info("IPVS: leaving the rules in place (--dont-release-ipvs)");
    return p;
  }
  if (opts_.stop_mode == StopMode::FlushAll) {
    if (auto r = backend_.flush(); !r) {
      log_.error("IPVS: flush failed: {}", r.error().message);
    } else {
      observed_ = State{};
      owned_ = Ownership{};
    }
    p.executed = 1;
    return p;
  }
  std::vector<Op> ops;
  for (const auto& [k, e] : observed_.services) {
    if (!owned_.owns(k)) continue;
    if (opts_.stop_mode == StopMode::RemoveEach) {
      for (const auto& [dk, d] : e.dests)
        if (owned_.owns(k, dk)) ops.push_back(Op{.kind = OpKind::DeleteDest, .service = e.service, .dest = d});
    }
    ops.push_back(Op{.kind = OpKind::DeleteService, .service = e.service, .dest = {}});
  }
  round_ = opts_.rounds;  // no re-planning at shutdown: report failures as final
  round_failures_.clear();
  std::vector<OpError> errs = backend_.execute(ops);
  for (std::size_t i = 0; i < ops.size(); ++i) record(ops[i], i < errs.size() ? errs[i] : kLost, p);
  p.executed = ops.size();
  unresolved_ = std::move(round_failures_);
  round_failures_.clear();
  round_failed_ = false;
  desired_ = State{};
  return p;
}

}  // namespace stayalived::ipvs
