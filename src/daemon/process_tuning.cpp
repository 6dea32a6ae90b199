// keepalived's process settings on stayalived's one process (process_tuning.hpp).
#include "stayalived/daemon/process_tuning.hpp"

#include <sched.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace stayalived::daemon {

std::string ProcessSettings::describe() const {
  std::vector<std::string> parts;
  if (nice) parts.push_back(fmt::format("nice {}", *nice));
  if (rt_priority)
    parts.push_back(fmt::format("SCHED_RR priority {} (RLIMIT_RTTIME {} us)", *rt_priority, rttime_usec.value_or(kDefaultRtTime)));
  if (lock_memory) parts.push_back("memory locked");
  if (!cpus.empty()) parts.push_back(fmt::format("CPUs {}", fmt::join(cpus, ",")));
  return fmt::format("{}", fmt::join(parts, ", "));
}

ProcessSettings merge_process_settings(const config::GlobalDefs& g, bool vrrp, bool checkers) {
  ProcessSettings s;
  std::vector<const config::ProcessTuning*> runs;
  if (vrrp) runs.push_back(&g.vrrp);
  if (checkers) runs.push_back(&g.checker);
  for (const auto* t : runs) {
    if (t->priority) s.nice = std::min(s.nice.value_or(*t->priority), *t->priority);
    if (t->rt_priority) s.rt_priority = std::max(s.rt_priority.value_or(*t->rt_priority), *t->rt_priority);
    if (t->rlimit_rttime) {
      const auto us = static_cast<std::uint64_t>(t->rlimit_rttime->count());
      s.rttime_usec = std::max(s.rttime_usec.value_or(us), us);
    }
    s.lock_memory = s.lock_memory || t->no_swap;
    s.cpus.insert(s.cpus.end(), t->cpu_affinity.begin(), t->cpu_affinity.end());
  }
  std::sort(s.cpus.begin(), s.cpus.end());
  s.cpus.erase(std::unique(s.cpus.begin(), s.cpus.end()), s.cpus.end());
  // RLIMIT_RTTIME only bounds a real-time process.
  if (!s.rt_priority) s.rttime_usec.reset();
  return s;
}

void apply_process_settings(const ProcessSettings& s, log::Channel log) {
  if (s.empty()) return;
  ProcessSettings done;  // what took effect, for the log line
  const auto fail = [&](const char* what) { log.warning("cannot set {}: {}", what, std::strerror(errno)); };
  if (s.nice) {
    if (::setpriority(PRIO_PROCESS, 0, *s.nice) == 0) done.nice = s.nice;
    else fail("the process priority (nice)");
  }
  if (s.rt_priority) {
    // The limit first: a real-time loop that never blocks is then stopped by SIGXCPU rather
    // than freezing the CPU it runs on.
    const rlim_t us = s.rttime_usec.value_or(kDefaultRtTime);
    const rlimit lim{us, us};
    if (::setrlimit(RLIMIT_RTTIME, &lim) != 0) {
      fail("RLIMIT_RTTIME; real-time scheduling is not used without it");
    } else {
      sched_param p{};
      p.sched_priority = *s.rt_priority;
      if (::sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &p) == 0) {
        done.rt_priority = s.rt_priority;
        done.rttime_usec = s.rttime_usec;
      } else {
        fail("real-time scheduling (SCHED_RR)");
      }
    }
  }
  if (s.lock_memory) {
    // Fails where the address space is larger than RLIMIT_MEMLOCK allows: the daemon runs
    // unlocked and says so. (AddressSanitizer makes it a no-op that succeeds.)
    if (::mlockall(MCL_CURRENT | MCL_FUTURE) == 0) done.lock_memory = true;
    else fail("memory locking (mlockall)");
  }
  if (!s.cpus.empty()) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (unsigned c : s.cpus)
      if (c < CPU_SETSIZE) CPU_SET(c, &set);
    if (::sched_setaffinity(0, sizeof set, &set) == 0) done.cpus = s.cpus;
    else fail("the CPU affinity");
  }
  if (!done.empty()) log.info("Process settings: {}", done.describe());
}

void set_process_name(const std::string& name, log::Channel log) {
  // The kernel keeps 15 characters and a NUL.
  if (::prctl(PR_SET_NAME, name.substr(0, 15).c_str(), 0, 0, 0) != 0)
    log.warning("cannot set the process name: {}", std::strerror(errno));
}

}  // namespace stayalived::daemon
