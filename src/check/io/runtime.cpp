// The checker runtime's lifecycle, views and dumps, and the public Runtime (see
// runtime_impl.hpp for the rooms and the control flow).
#include "stayalived/check/runtime.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "runtime_impl.hpp"

namespace stayalived::check {

namespace {
bool contains(const std::vector<IpAddress>& v, const IpAddress& a) { return std::find(v.begin(), v.end(), a) != v.end(); }
}  // namespace

Runtime::Impl::Impl(boost::asio::io_context& io, log::Logger& logger, Hooks hooks)
    : io_(io), log_(logger, log::Source::Check), hooks_(std::move(hooks)), timer_(io), files_(io, log_),
      rng_(std::random_device{}()) {
  runner_ = hooks_.scripts ? hooks_.scripts : std::make_shared<SpawnScriptPort>();
  files_.on_change([this](std::uint32_t id) { trigger(id); });
}

Runtime::Impl::~Impl() {
  stop_checks();
  for (Slot& s : slots_) {
    if (s.running && s.run != nullptr) {
      s.run->owner = nullptr;
      s.run->orphan = std::move(s.probe);  // the coroutine still runs the probe's code
    }
  }
}

std::vector<DesiredPool> Runtime::Impl::pools() const {
  std::vector<DesiredPool> out;
  for (const auto& v : vs_) out.push_back(v.last);
  return out;
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
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) {
    const VsRec& v = vs_[vi];
    if (!v.def.omega) continue;
    for (std::uint32_t ri = v.rs_begin; ri < v.rs_begin + v.rs_count; ++ri)
      if (rs_pool_[ri].status.alive) rs_transition(ri, false, "CHECK", CheckResult::success(), ChangeCause::Shutdown);
    if (v.quorum_up)
      report(QuorumTransition{.vs = v.def.key,
                              .change = QuorumChange{.up = false, .quorum = v.def.quorum, .hysteresis = v.def.hysteresis,
                                                     .alive_weight = 0},
                              .starting = false,
                              .cause = ChangeCause::Shutdown,
                              .script = &v.def.quorum_down,
                              .smtp_alert = false,
                              .router_id = globals_.router_id});
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

std::vector<CheckerView> Runtime::Impl::checkers(std::size_t vi, std::size_t ri) const {
  std::vector<CheckerView> out;
  if (vi >= vs_.size() || ri >= vs_[vi].rs_count) return out;
  const RsRec& r = rs_[vs_[vi].rs_begin + ri];
  const TimePoint now = Clock::now();
  for (std::uint32_t k = 0; k < r.nslots; ++k) {
    const Slot& s = slots_[rs_slots_[r.slots_begin + k]];
    CheckerView c;
    c.kind = std::string(s.probe->kind());
    c.up = s.state.up;
    c.running = s.running;
    c.has_result = s.has_result;
    if (s.has_result) {
      c.last = std::string(to_string(s.last_outcome));
      if (s.last_code != 0) c.last += fmt::format(" (code {})", s.last_code);
      if (s.last_detail != nullptr) c.last += fmt::format(": {}", s.last_detail);
      c.age = now - s.last_at;
    }
    c.retries_used = s.state.retries_used;
    c.retry = s.timing->retry;
    c.delay_loop = s.timing->delay_loop;
    c.connect_timeout = s.timing->connect_timeout;
    out.push_back(std::move(c));
  }
  return out;
}

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

Runtime::Runtime(boost::asio::io_context& io, log::Logger& logger, Hooks hooks)
    : impl_(std::make_unique<Impl>(io, logger, std::move(hooks))) {}
Runtime::~Runtime() = default;
ApplyReport Runtime::apply(Definition def) { return impl_->apply(std::move(def)); }
void Runtime::start() { impl_->start(); }
void Runtime::stop() { impl_->stop(); }
void Runtime::set_address_present(const IpAddress& addr, bool present) { impl_->set_address_present(addr, present); }
std::vector<DesiredPool> Runtime::pools() const { return impl_->pools(); }
std::vector<RealServerView> Runtime::real_servers(std::size_t vs_index) const { return impl_->real_servers(vs_index); }
bool Runtime::suspended(std::size_t vs_index) const { return impl_->suspended(vs_index); }
std::vector<CheckerView> Runtime::checkers(std::size_t vs_index, std::size_t rs_index) const {
  return impl_->checkers(vs_index, rs_index);
}
Stats Runtime::stats() const { return impl_->stats(); }
std::string Runtime::dump() const { return impl_->dump(); }

}  // namespace stayalived::check
