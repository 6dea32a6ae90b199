#include "stayalived/vrrp/tracking.hpp"

#include <algorithm>

namespace stayalived::vrrp {

namespace {
constexpr std::int64_t kFaultBelow = -253;  // track_file: "less than -253" means FAULT
constexpr std::int64_t kMaxDelta = 253;
}  // namespace

std::string_view name(TrackKind k) {
  switch (k) {
    case TrackKind::Interface: return "interface";
    case TrackKind::Script: return "script";
    case TrackKind::File: return "file";
    case TrackKind::Process: return "process";
  }
  return "unknown";
}

TrackEffect effect(const TrackInput& in) {
  if (in.kind == TrackKind::File) {
    if (in.weight == 0) return {in.reverse ? in.value == 0 : in.value != 0, 0};
    std::int64_t d = in.value * in.weight;
    if (in.reverse) d = -d;
    if (d < kFaultBelow) return {true, 0};
    return {false, std::min(d, kMaxDelta)};
  }
  if (in.weight == 0) return {in.reverse ? in.up : !in.up, 0};
  const std::int64_t w = in.reverse ? -std::int64_t{in.weight} : in.weight;
  if (in.weight > 0) return {false, in.up ? w : 0};
  return {false, in.up ? 0 : w};
}

TrackingUpdate evaluate(std::uint8_t base, std::span<const TrackInput> inputs) {
  bool fault = false;
  std::int64_t sum = 0;
  for (const auto& in : inputs) {
    const auto e = effect(in);
    fault = fault || e.fault;
    sum += e.delta;
  }
  if (base == kPriorityOwner) return {fault, kPriorityOwner};
  const auto p = std::clamp<std::int64_t>(std::int64_t{base} + sum, 1, 254);
  return {fault, static_cast<std::uint8_t>(p)};
}

bool ScriptDebounce::apply(bool success) {
  if (success == ok_) {
    run_ = 0;
    return false;
  }
  ++run_;
  if (run_ >= (success ? rise_ : fall_)) {
    ok_ = success;
    run_ = 0;
    return true;
  }
  return false;
}

}  // namespace stayalived::vrrp
