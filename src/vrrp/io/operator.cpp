// What the operator's control plane (stayalivedctl) asks of the VRRP runtime: maintenance,
// and the tracked objects behind an instance's priority, for explain.
#include <fmt/format.h>


#include "runtime_impl.hpp"

namespace stayalived::vrrp {

bool Runtime::set_maintenance(std::string_view instance, bool on) {
  auto* in = impl_->inst_named(instance);
  if (in == nullptr || !impl_->engine.exists(in->id)) return false;
  if (impl_->engine.instance(in->id).maintenance() == on) return true;
  impl_->log.info("({}) {} by the operator", in->name(), on ? "entering maintenance" : "leaving maintenance");
  impl_->deliver(in->id, Maintenance{on});
  return true;
}

std::vector<std::string> Runtime::group_members(std::string_view group) const {
  std::vector<std::string> out;
  for (const auto& p : impl_->insts)
    if (p && impl_->engine.exists(p->id) && p->setup.sync_group && *p->setup.sync_group == group)
      out.push_back(p->name());
  return out;
}

std::vector<TrackedView> Runtime::tracked(std::string_view instance) const {
  std::vector<TrackedView> out;
  const auto* in = impl_->inst_named(instance);
  if (in == nullptr) return out;
  const auto observed = impl_->observe(*in);
  for (std::size_t i = 0; i < observed.size() && i < in->setup.tracks.size(); ++i) {
    const auto& t = in->setup.tracks[i];
    const auto& o = observed[i];
    TrackedView v;
    v.kind = std::string(name(t.kind));
    v.name = t.name;
    v.up = o.input.up;
    v.weight = t.weight;
    v.reverse = t.reverse;
    const auto e = effect(o.input);
    v.fault = e.fault;
    v.delta = e.delta;
    switch (t.kind) {
      case TrackKind::Script: {
        auto it = impl_->scripts.find(t.name);
        if (it != impl_->scripts.end() && it->second.last_result.time_since_epoch().count() != 0) {
          const auto& s = it->second;
          const std::string at = clock_time(s.last_result);
          v.detail = s.last_why.empty() ? fmt::format("exit status {} at {}", s.last_status, at)
                                        : fmt::format("{} at {}", s.last_why, at);
        } else {
          v.detail = "not run yet";
        }
        break;
      }
      case TrackKind::File:
        v.detail = fmt::format("value {}", o.input.value);
        break;
      case TrackKind::Interface:
      case TrackKind::Process:
        if (!v.up) v.detail = o.failing;
        break;
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace stayalived::vrrp
