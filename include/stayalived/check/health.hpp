// The health reducer and the desired pool: pure functions of values. No Asio,
// no clock (the time of a result comes in as an argument), no logging.
//
//   checker:         reduce(state, timing, result, now) -> {state', change, next check}
//   real server:     alive = every checker up; weight = configured + dynamic reports
//   virtual server:  compute_pool(def, real servers, quorum state) -> {pool, quorum'}
//
// The desired pool is what the IPVS layer applies: which real servers are in the service
// and with which weight, and whether the sorry server stands in for them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stayalived/check/address.hpp"
#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"
#include "stayalived/common/time.hpp"

namespace stayalived::check {

/// Debounce state of one checker.
struct CheckerState {
  bool up = true;               ///< what the checker currently reports
  bool has_run = false;         ///< at least one result arrived
  unsigned retries_used = 0;    ///< failures absorbed since the last success while up
  WeightReport weight{};          ///< last dynamic weight reported while up

  /// The state before the first check: up, or down with alpha.
  static CheckerState initial(const CheckTiming& t) {
    CheckerState s;
    s.up = !t.alpha;
    return s;
  }
  friend bool operator==(const CheckerState&, const CheckerState&) = default;
};

/// What a result changed.
enum class Change : std::uint8_t {
  None,
  Up,      ///< down -> up
  Down,    ///< up -> down (retries exhausted)
  Weight,  ///< still up, dynamic weight changed
};

/// The reducer's answer.
struct Step {
  CheckerState state{};
  Change change = Change::None;
  TimePoint next_check{};   ///< when to run the checker again
  bool retrying = false;    ///< a failure absorbed by `retry` (the server stays up)
  bool first = false;       ///< the checker's first result (keepalived logs its success)
  unsigned retries = 0;     ///< Change::Down: the retries that preceded it
};

/// Applies one result. Semantics (keepalived.conf(5)):
///  - success: brings a down checker up; resets the retry count; next check after
///    delay_loop. A dynamic weight in the result replaces the previous one (no report keeps
///    it: misc_dynamic exit 0 leaves the weight unchanged); a change while up is
///    Change::Weight.
///  - failure of an up checker: while fewer than `retry` failures were absorbed, stays up and
///    checks again after delay_before_retry; the failure after that takes it down. The very
///    first check is not retried: a server that fails it goes down at once (observed on
///    keepalived 2.2.7: "TCP_CHECK on service ... failed." one delay after start).
///  - failure of a down checker: stays down; next check after delay_loop.
///  - Cancelled: changes nothing.
Step reduce(const CheckerState& state, const CheckTiming& timing, const CheckResult& result,
            TimePoint now);

/// The latest word on one real server of one virtual server.
struct RealServerStatus {
  bool alive = true;
  std::int64_t weight = 1;   ///< effective weight (configured + dynamic), >= 0
  friend bool operator==(const RealServerStatus&, const RealServerStatus&) = default;
};

/// A real server is alive when each of its checkers is up (a real server without checkers is
/// always alive). Its weight is the configured one adjusted by dynamic reports of up
/// checkers: MISC_CHECK misc_dynamic sets it to exit status - 2, FILE_CHECK dynamic adds
/// value x weight; the result is clamped to IPVS's range [0, 2^31 - 1].
RealServerStatus real_server_status(std::int64_t configured_weight,
                                    std::span<const CheckerState* const> checkers);

/// One destination of the desired pool.
struct PoolMember {
  Endpoint endpoint{};
  std::uint32_t weight = 0;   ///< 0: kept but inhibited (inhibit_on_failure)
  bool sorry = false;         ///< the sorry server
  friend bool operator==(const PoolMember&, const PoolMember&) = default;
};

/// The desired state of one virtual service: the value the IPVS layer applies.
struct DesiredPool {
  VirtualServerKey vs{};
  std::vector<PoolMember> members{};   ///< in configuration order, sorry server last
  bool quorum_up = true;
  bool sorry_active = false;
  friend bool operator==(const DesiredPool&, const DesiredPool&) = default;
};

/// A quorum transition, with the figures keepalived logs.
struct QuorumChange {
  bool up = false;
  std::int64_t quorum = 0;
  std::int64_t hysteresis = 0;
  std::int64_t alive_weight = 0;
};

/// compute_pool's answer.
struct PoolStep {
  DesiredPool pool{};
  bool quorum_up = true;
  std::int64_t alive_weight = 0;
  std::optional<QuorumChange> change{};
};

/// One real server as the pool computation sees it.
struct PoolEntry {
  Endpoint endpoint{};
  bool inhibit_on_failure = false;
  RealServerStatus status{};
  friend bool operator==(const PoolEntry&, const PoolEntry&) = default;
};

/// Computes the desired pool of `vs` (its key, quorum, hysteresis and sorry server; its
/// real_servers are not looked at) from its real servers, in configuration order, and the
/// previous quorum state. A virtual server starts without quorum:
/// its first evaluation gains it when the weight is there (keepalived logs "Gained quorum"
/// and runs quorum_up at start). Quorum (keepalived.conf(5) `quorum`,
/// `hysteresis`): lost when the alive weight drops below quorum - hysteresis, gained when it
/// reaches quorum + hysteresis. While quorum is lost and a sorry server is configured, the
/// real servers leave the pool (inhibit_on_failure ones stay at weight 0) and the sorry
/// server enters; otherwise a down real server leaves (or stays at weight 0 with
/// inhibit_on_failure) and the sorry server, if sorry_server_inhibit, stays at weight 0.
PoolStep compute_pool(const VirtualServerDef& vs, std::span<const PoolEntry> rs, bool quorum_was_up);

}  // namespace stayalived::check
