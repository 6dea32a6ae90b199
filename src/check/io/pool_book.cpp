// The checkers' pool book: each real server's status from the states of its checkers,
// each virtual server's pool and quorum (check::compute_pool, the one place they are
// decided), ha_suspend; every change is reported as a value (changes.hpp).
#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>

#include "runtime_impl.hpp"
#include "stayalived/check/notify.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {
bool contains(const std::vector<IpAddress>& v, const IpAddress& a) { return std::find(v.begin(), v.end(), a) != v.end(); }
}  // namespace

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
  if (alive_changed)
    rs_transition(ri, st.alive, cause != nullptr ? cause->probe->kind() : std::string_view("CHECK"), result,
                  ChangeCause::Check);
  else
    report(WeightChange{.vs = vs_[r.vs].def.key, .rs = entry.endpoint, .weight = st.weight});
}

void Runtime::Impl::rs_transition(std::uint32_t ri, bool up, std::string_view checker, const CheckResult& result,
                                  ChangeCause cause) {
  const RsRec& r = rs_[ri];
  const PoolEntry& entry = rs_pool_[ri];
  const std::uint32_t script = up ? r.notify_up : r.notify_down;
  report(RealServerTransition{.vs = vs_[r.vs].def.key,
                              .rs = entry.endpoint,
                              .up = up,
                              .inhibit_on_failure = entry.inhibit_on_failure,
                              .cause = cause,
                              .checker = std::string(checker),
                              .outcome = result.outcome,
                              .message = checker_message(checker, up, result, entry.endpoint),
                              .script = script != kNoScript ? &scripts_[script] : nullptr,
                              .smtp_alert = r.smtp_alert,
                              .router_id = globals_.router_id});
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
  if (step.change)
    report(QuorumTransition{.vs = v.def.key,
                            .change = *step.change,
                            .starting = !v.published,
                            .cause = ChangeCause::Check,
                            .script = step.change->up ? &v.def.quorum_up : &v.def.quorum_down,
                            .smtp_alert = v.def.smtp_alert,
                            .router_id = globals_.router_id});
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

}  // namespace stayalived::check
