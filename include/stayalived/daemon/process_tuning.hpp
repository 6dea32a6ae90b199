// keepalived's per-process scheduling settings (global_defs vrrp_*, checker_*: priority,
// rt_priority, rlimit_rttime, no_swap, cpu_affinity) applied to stayalived's one process.
// keepalived gives each of its processes its own; we run the subsystems of both in one, so
// the settings of those that run (VRRP unless -C, the checkers unless -P) are merged, each
// toward what the more demanding one asked: the lower nice value, the higher real-time
// priority with the longer RLIMIT_RTTIME, memory locked if either asks, and the union of
// the CPUs. The bfd_* settings have no process here (BFD is not implemented).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/log.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::daemon {

/// What is applied to the process.
struct ProcessSettings {
  std::optional<int> nice;                   ///< setpriority(PRIO_PROCESS)
  std::optional<int> rt_priority;            ///< SCHED_RR at this priority
  std::optional<std::uint64_t> rttime_usec;  ///< RLIMIT_RTTIME, with rt_priority
  bool lock_memory = false;                  ///< mlockall(MCL_CURRENT | MCL_FUTURE)
  std::vector<unsigned> cpus;                ///< sched_setaffinity, sorted; empty: unchanged
  friend bool operator==(const ProcessSettings&, const ProcessSettings&) = default;
  bool empty() const { return *this == ProcessSettings{}; }
  /// "nice -5, SCHED_RR priority 10 (RLIMIT_RTTIME 10000 us), memory locked, CPUs 0,1".
  std::string describe() const;
};

/// keepalived's RLIMIT_RTTIME for a real-time process when none is given (microseconds).
inline constexpr std::uint64_t kDefaultRtTime = 10000;

/// The merged settings of the subsystems that run.
ProcessSettings merge_process_settings(const config::GlobalDefs& g, bool vrrp, bool checkers);

/// process_name: the process's name (its comm, at most 15 characters, as ps and pgrep show).
void set_process_name(const std::string& name, log::Channel log);

/// Applies `s` to the calling process; each failure is logged (the daemon goes on).
void apply_process_settings(const ProcessSettings& s, log::Channel log);

}  // namespace stayalived::daemon
