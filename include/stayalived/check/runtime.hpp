// The checker runtime the daemon owns: every checker of every real server of every virtual
// server, scheduled on the daemon's single io_context, and the desired pools that follow
// from their results.
//
//   Runtime rt(io, logger, hooks);
//   rt.apply(definition);        // first start and reload alike (hitless: see apply())
//   rt.start();
//   rt.set_address_present(vip, true);   // ha_suspend input (VRRP master owns the VIP)
//   ... hooks.on_pool(pool) whenever a virtual server's desired pool changes ...
//   rt.stop();
//
// Scheduling: one schedule (FIFOs per interval and a heap, driven by one steady_timer)
// holds the next check time and the deadline of every checker, so the cost per real server
// is an entry and a few dozen bytes of state, not a timer object or a parked coroutine. Identical
// checkers (same kind, target, options and timing) of the same real server in several
// virtual servers run once and feed every virtual server (keepalived issues #2358, #2111).
#pragma once

#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stayalived/check/changes.hpp"
#include "stayalived/check/definition.hpp"
#include "stayalived/check/health.hpp"
#include "stayalived/check/notify.hpp"
#include "stayalived/check/script.hpp"
#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"

namespace stayalived::check {

/// What the runtime reports to, and uses from, the rest of the daemon.
struct Hooks {
  /// A virtual server's desired pool changed (also called once per virtual server after the
  /// first apply). The IPVS layer applies it.
  std::function<void(const DesiredPool&)> on_pool{};
  /// A virtual server left the configuration on reload.
  std::function<void(const VirtualServerKey&)> on_pool_removed{};
  /// Every real-server, weight and quorum change, as a value (changes.hpp); its subscriber
  /// (check::Announcer) logs them and sends the notify scripts, FIFO lines and alerts.
  std::function<void(const PoolChange&)> on_change{};
  /// Runs MISC_CHECK programs; null: a SpawnScriptPort of our own.
  std::shared_ptr<ScriptPort> scripts{};
};

/// Counters for the stats dump (SIGUSR2 / JSON) and the benchmark.
struct Stats {
  std::uint64_t checks_started = 0;
  std::uint64_t checks_completed = 0;
  std::uint64_t checks_failed = 0;      ///< results other than success
  std::uint64_t deadlines_hit = 0;      ///< checks ended by their deadline
  std::uint64_t retries = 0;            ///< failures absorbed by `retry`
  std::uint64_t transitions = 0;        ///< checker up/down changes
  std::uint64_t pools_published = 0;
  std::size_t checkers = 0;             ///< checker subscriptions in the configuration
  std::size_t unique_checkers = 0;      ///< checkers actually run (after deduplication)
  std::size_t real_servers = 0;
  std::size_t virtual_servers = 0;
  std::size_t in_flight = 0;
  std::size_t max_in_flight = 0;
  /// Lateness of scheduled checks (start time - due time).
  std::uint64_t late_under_1ms = 0, late_under_10ms = 0, late_under_100ms = 0, late_over_100ms = 0;
  Duration max_lateness{};
  Duration total_lateness{};
  /// Completed checks by outcome (index: Outcome; Cancelled is never counted).
  std::array<std::uint64_t, kOutcomes> by_outcome{};
  /// How long completed checks took (launch to result): under 1 ms, 10 ms, 100 ms, 1 s,
  /// and the rest (kDurationBounds are the bounds); their total.
  static constexpr std::array<Duration, 4> kDurationBounds{std::chrono::milliseconds(1), std::chrono::milliseconds(10),
                                                           std::chrono::milliseconds(100), std::chrono::seconds(1)};
  std::array<std::uint64_t, 5> duration_buckets{};
  Duration total_duration{};
};

/// The state of one real server in one virtual server, for dumps and tests.
struct RealServerView {
  Endpoint endpoint{};
  bool alive = false;
  std::int64_t weight = 0;
  std::size_t checkers = 0;
  std::size_t checkers_up = 0;
};

/// One checker of one real server as it stands (stayalivedctl explain).
struct CheckerView {
  std::string kind;              ///< "TCP_CHECK", "HTTP_GET", ...
  bool up = false;
  bool running = false;
  bool has_result = false;       ///< it has run at least once
  std::string last;              ///< its last result in words ("success", "connection refused (errno 111)")
  Duration age{};                ///< how long ago that result came
  std::uint32_t retries_used = 0;
  std::uint32_t retry = 0;
  Duration delay_loop{};
  Duration connect_timeout{};
};

/// What apply() did, for the reload log line and tests.
struct ApplyReport {
  std::size_t kept = 0;      ///< checkers whose state and schedule carried over
  std::size_t added = 0;     ///< new checkers
  std::size_t removed = 0;   ///< checkers that ended
  std::size_t skipped = 0;   ///< checkers that cannot run (kind not available)
};

/// The checker runtime (see the file comment).
class Runtime {
 public:
  Runtime(boost::asio::io_context& io, log::Logger& logger, Hooks hooks);
  /// Cancels whatever runs. Destroy it before the io_context; checks still in flight end
  /// when the io_context next runs (or with it) and no longer touch the runtime.
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Takes a new definition: at start, or on reload. A checker whose definition (kind,
  /// target, options, timing) is unchanged keeps its up/down state, its retry count and
  /// its schedule; a real server that stays keeps its status, a virtual server its quorum
  /// state. New checkers of a real server that was already known start in that server's
  /// state (no flap on reload); other new checkers start up, or down with alpha. Pools are
  /// republished where they changed.
  ApplyReport apply(Definition def);

  /// Starts scheduling (first checks spread over `warmup`).
  void start();
  /// Stops: cancels every check and timer. With omega, runs the down notifications of alive
  /// real servers and of quorums that were up.
  void stop();

  /// ha_suspend input: an address (a VIP) is now present on, or gone from, this host (VRRP
  /// took or released it). Virtual servers with ha_suspend check only while their address
  /// is present.
  void set_address_present(const IpAddress& addr, bool present);

  /// The current desired pool of every virtual server, in configuration order.
  std::vector<DesiredPool> pools() const;
  /// Real servers of the virtual server at `vs_index` (configuration order).
  std::vector<RealServerView> real_servers(std::size_t vs_index) const;
  /// The checkers of real server `rs_index` (as real_servers() lists them) of the virtual
  /// server at `vs_index`.
  std::vector<CheckerView> checkers(std::size_t vs_index, std::size_t rs_index) const;
  /// True while the virtual server at `vs_index` is suspended (ha_suspend).
  bool suspended(std::size_t vs_index) const;
  /// Counters.
  Stats stats() const;
  /// A human-readable dump (virtual servers, real servers, checkers), for SIGUSR1.
  std::string dump() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stayalived::check
