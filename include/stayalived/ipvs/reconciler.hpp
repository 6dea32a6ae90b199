// The Reconciler drives the kernel's IPVS table toward the desired state: start-up
// (adopt or flush, as keepalived's lvs_flush), incremental apply through plan(), recovery
// after failures (re-dump, re-plan), drift reports, and shutdown (remove what we own unless
// -I, or flush with lvs_flush_on_stop).
//
// Control flow, for the daemon (one io_context, one thread):
//   start(desired)            once, after the config is loaded
//   set_desired(new)          on reload and on every pool change from the checkers
//   while (step(budget).more) post the next step() on the loop, so that a large plan
//                             (thousands of writes) never holds the loop for long
//   shutdown()                on SIGTERM
// step() runs the current plan in order; failed writes don't stop the others. When the
// plan is exhausted and something failed, it re-reads the table (dump) and plans again,
// at most `rounds` times per target; what still fails is reported and left for the next
// target or resync().
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/ipvs/backend.hpp"
#include "stayalived/ipvs/model.hpp"
#include "stayalived/ipvs/plan.hpp"

namespace stayalived::ipvs {

/// What shutdown does with the rules we own (keepalived.conf lvs_flush_on_stop).
enum class StopMode {
  RemoveEach,      ///< default: delete each owned destination, then each owned service
  RemoveServices,  ///< "lvs_flush_on_stop VS": delete each owned service only
  FlushAll,        ///< "lvs_flush_on_stop": flush the whole table
};

/// Start-up and shutdown policy.
struct ReconcilerOptions {
  bool flush_at_start = false;          ///< lvs_flush
  StopMode stop_mode = StopMode::RemoveEach;
  bool release_on_stop = true;          ///< false with -I, --dont-release-ipvs
  std::optional<Timeouts> timeouts{};     ///< lvs_timeouts: set at start(), the previous
                                          ///< values restored at shutdown() (even with -I)
  unsigned rounds = 2;                  ///< plan executions per target (1 + re-plans)
};

/// A write the kernel refused.
struct Failure {
  Op op{};
  OpError error = 0;
  /// The object and the reason, e.g. "TCP 10.0.0.1:80 -> 10.0.0.2:80: No such file or
  /// directory"; for a service the kernel could not give a scheduler or persistence
  /// engine, the names are added.
  std::string message() const;
};

/// The result of step(), apply() or shutdown().
struct Progress {
  std::size_t executed = 0;             ///< writes sent
  std::size_t confirmed = 0;            ///< of those, the ones the kernel acknowledged with success
  std::vector<Failure> failures{};      ///< writes refused or unanswered (all rounds)
  bool more = false;                    ///< work remains: call step() again

  /// Adds the counts and failures of a later step.
  void merge(Progress&& later);
};

/// Keeps the kernel's IPVS table equal to the desired state for what we own.
class Reconciler {
 public:
  /// `backend` must outlive the Reconciler.
  Reconciler(Backend& backend, log::Channel log, ReconcilerOptions opts = {});

  /// Start-up: sets lvs_timeouts, then flushes (lvs_flush) or reads the table and adopts
  /// the existing services and destinations that `desired` names; then targets `desired`.
  [[nodiscard]] Result<void> start(State desired);
  /// Sets a new target; the next step() plans toward it from the cached kernel state.
  void set_desired(State desired);
  /// Executes up to `max_ops` writes toward the target (see the file comment).
  [[nodiscard]] Progress step(std::size_t max_ops = std::numeric_limits<std::size_t>::max());
  /// set_desired() and step() until done.
  [[nodiscard]] Progress apply(State desired);
  /// Re-reads the table, logs every difference in what we own ("changed outside
  /// stayalived") and re-plans; returns the number of differences.
  [[nodiscard]] Result<std::size_t> resync();
  /// A reload's lvs_timeouts, as keepalived 2.2.7 applies them (measured in the VM): the
  /// timeouts found before the first lvs_timeouts come back, with the new ones over them
  /// (a reload to `tcp 200` alone gives tcp 200 and the original tcp_fin and udp; a reload
  /// without lvs_timeouts gives the originals).
  void reload_timeouts(const std::optional<Timeouts>& timeouts);
  /// Removes what we own as `stop_mode` says, unless release_on_stop is false; puts back
  /// the connection timeouts that lvs_timeouts replaced.
  [[nodiscard]] Progress shutdown();

  /// The failures of the last round that could not be resolved by re-planning.
  const std::vector<Failure>& unresolved() const { return unresolved_; }
  const State& desired() const { return desired_; }
  /// Our model of the kernel table (what we have read and written).
  const State& observed() const { return observed_; }
  const Ownership& owned() const { return owned_; }
  /// Services that a dump left out although the kernel had them (found by lookup()).
  std::uint64_t dump_misses() const { return dump_misses_; }

 private:
  /// The kernel's table, with the destinations of what `wanted` names or we own: a dump,
  /// then every service we own or have seen that the dump did not list, looked up by key
  /// (see Backend::dump).
  Result<State> read_table(const State& wanted);
  Result<void> redump();
  void replan();
  void record(const Op& op, OpError err, Progress& p);
  std::size_t report_drift(const State& before, const State& after);

  Backend& backend_;
  log::Channel log_;
  ReconcilerOptions opts_;
  State desired_{};
  State observed_{};
  Ownership owned_;
  std::vector<Op> pending_{};
  std::size_t next_ = 0;
  unsigned round_ = 1;
  bool round_failed_ = false;
  std::vector<Failure> round_failures_{};
  std::vector<Failure> unresolved_{};
  std::optional<Timeouts> saved_timeouts_;
  std::optional<Timeouts> applied_timeouts_;  // what lvs_timeouts last set (reloads skip an equal write)
  std::uint64_t dump_misses_ = 0;
};

}  // namespace stayalived::ipvs
