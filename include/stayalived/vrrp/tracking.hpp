// Tracking: what tracked interfaces, vrrp_scripts, track_files and track_processes do to an
// instance, computed as keepalived 2.2.7 does (keepalived.conf(5) "track_interface",
// "vrrp_script", "track_file", "vrrp_track_process"). Pure functions and reducers: the I/O
// shell observes interfaces, runs scripts, reads files and watches /proc, then feeds the
// results here and hands the outcome to the instance as a TrackingUpdate.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "stayalived/vrrp/instance.hpp"

namespace stayalived::vrrp {

/// What is tracked.
enum class TrackKind : std::uint8_t { Interface, Script, File, Process };

/// keepalived's name of a kind in its log lines ("tracked file").
std::string_view name(TrackKind k);

/// One tracked object as seen by one instance, with its current status.
struct TrackInput {
  TrackKind kind = TrackKind::Interface;
  int weight = 0;        ///< 0: failure means FAULT; otherwise priority adjustment
  bool reverse = false;  ///< reverse the direction of the adjustment (or of the fault)
  bool up = true;        ///< interface up / script OK / process quorum met
  std::int64_t value = 0;  ///< track_file: the number read from the file
};

/// The adjustment one tracked object makes: fault, or a priority delta.
struct TrackEffect {
  bool fault = false;
  std::int64_t delta = 0;
  friend bool operator==(const TrackEffect&, const TrackEffect&) = default;
};

/// keepalived's rules for one object:
///  - weight 0: down (or, reversed, up) means FAULT; for a file, a non-zero value (reversed:
///    zero) means FAULT;
///  - weight > 0 adds the weight while up, weight < 0 subtracts it while down; reverse flips
///    the sign of what is added;
///  - a file adds value x weight (negated if reversed); a result below -253 means FAULT.
TrackEffect effect(const TrackInput& in);

/// Effective priority and fault for an instance with base priority `base`: the sum of the
/// deltas added to `base` and clamped to [1, 254]; an address owner (255) keeps 255.
TrackingUpdate evaluate(std::uint8_t base, std::span<const TrackInput> inputs);

/// vrrp_script's rise/fall debounce: a pure reducer over the exit statuses of the script.
class ScriptDebounce {
 public:
  /// `init_fail` starts in the failed state; otherwise in the OK state.
  ScriptDebounce(unsigned rise = 1, unsigned fall = 1, bool init_fail = false)
      : rise_(rise == 0 ? 1 : rise), fall_(fall == 0 ? 1 : fall), ok_(!init_fail) {}

  /// Feeds one result (true: exit status 0). Returns true if the OK/failed status changed.
  bool apply(bool success);

  bool ok() const { return ok_; }

 private:
  unsigned rise_;
  unsigned fall_;
  bool ok_;
  unsigned run_ = 0;  // consecutive results that disagree with ok_
};

}  // namespace stayalived::vrrp
