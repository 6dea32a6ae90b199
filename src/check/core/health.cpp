#include "stayalived/check/health.hpp"

#include <algorithm>
#include <limits>

namespace stayalived::check {

Step reduce(const CheckerState& state, const CheckTiming& timing, const CheckResult& result,
            TimePoint now) {
  Step step{.state = state, .next_check = now + timing.delay_loop};
  if (result.outcome == Outcome::Cancelled) return step;
  CheckerState& s = step.state;
  step.first = !state.has_run;
  s.has_run = true;

  if (result.ok()) {
    s.retries_used = 0;
    // A report replaces the previous one; no report (misc_dynamic exit 0) keeps it.
    if (result.weight.misc_weight) s.weight.misc_weight = result.weight.misc_weight;
    if (result.weight.delta) s.weight.delta = result.weight.delta;
    if (!state.up) {
      s.up = true;
      step.change = Change::Up;
    } else if (!(s.weight == state.weight)) {
      step.change = Change::Weight;
    }
    return step;
  }

  if (!state.up) return step;  // down stays down; checked every delay_loop
  if (state.has_run && s.retries_used < timing.retry) {
    ++s.retries_used;
    step.retrying = true;
    step.next_check = now + timing.delay_before_retry;
    return step;
  }
  s.up = false;
  step.retries = s.retries_used;
  s.retries_used = 0;
  s.weight = {};
  step.change = Change::Down;
  return step;
}

RealServerStatus real_server_status(std::int64_t configured_weight,
                                    std::span<const CheckerState* const> checkers) {
  RealServerStatus st{.alive = true, .weight = configured_weight};
  std::int64_t weight = configured_weight;
  for (const CheckerState* c : checkers) {
    if (!c->up) {
      st.alive = false;
      continue;
    }
    // misc_dynamic: "the RS weight is increased by (exit status - 2 - rs configured weight)".
    if (c->weight.misc_weight) weight += *c->weight.misc_weight - configured_weight;
    if (c->weight.delta) weight += *c->weight.delta;
  }
  constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
  st.weight = std::clamp<std::int64_t>(weight, 0, kMax);
  return st;
}

namespace {

std::int64_t alive_weight(std::span<const PoolEntry> rs) {
  std::int64_t sum = 0;
  for (const auto& r : rs)
    if (r.status.alive) sum += r.status.weight;
  return sum;
}

std::uint32_t ipvs_weight(std::int64_t w) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(w, 0, std::numeric_limits<std::int32_t>::max()));
}

}  // namespace

PoolStep compute_pool(const VirtualServerDef& vs, std::span<const PoolEntry> rs, bool quorum_was_up) {
  PoolStep out;
  out.alive_weight = alive_weight(rs);
  bool up = quorum_was_up;
  if (quorum_was_up && out.alive_weight < vs.quorum - vs.hysteresis) up = false;
  if (!quorum_was_up && out.alive_weight >= vs.quorum + vs.hysteresis) up = true;
  if (up != quorum_was_up)
    out.change = QuorumChange{.up = up, .quorum = vs.quorum, .hysteresis = vs.hysteresis,
                              .alive_weight = out.alive_weight};
  out.quorum_up = up;

  DesiredPool& pool = out.pool;
  pool.vs = vs.key;
  pool.quorum_up = up;
  const bool sorry = !up && vs.sorry_server.has_value();
  pool.sorry_active = sorry;
  pool.members.reserve(rs.size() + (vs.sorry_server ? 1 : 0));
  for (const PoolEntry& r : rs) {
    if (r.status.alive && !sorry)
      pool.members.push_back({r.endpoint, ipvs_weight(r.status.weight), false});
    else if (r.inhibit_on_failure)
      pool.members.push_back({r.endpoint, 0, false});
  }
  if (vs.sorry_server) {
    if (sorry)
      pool.members.push_back({vs.sorry_server->endpoint, 1, true});
    else if (vs.sorry_server->inhibit)
      pool.members.push_back({vs.sorry_server->endpoint, 0, true});
  }
  return out;
}

}  // namespace stayalived::check
