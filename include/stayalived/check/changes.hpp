// The checker runtime's state changes, as values: a real server entering or leaving its
// pool, its weight changing, a virtual server's quorum changing. The runtime hands each to
// its one subscriber (Hooks::on_change) and calls nothing else: keepalived's log lines,
// notify scripts, FIFO lines, SMTP alerts and the daemon's event stream all come from the
// subscriber (check::Announcer, announcer.hpp). Pure values; a script is named by
// pointer, valid while the change is being delivered.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "stayalived/check/address.hpp"
#include "stayalived/check/definition.hpp"
#include "stayalived/check/health.hpp"
#include "stayalived/check/outcome.hpp"

namespace stayalived::check {

/// Why a change is reported.
enum class ChangeCause : std::uint8_t {
  Check,     ///< a check result (or the first evaluation at start)
  Startup,   ///< rs_init_notifies: the initial state of every real server
  Shutdown,  ///< omega: the daemon stops with the server up / the quorum up
};

/// A real server joined (up) or left its pool; with inhibit_on_failure it stays at weight 0
/// instead (keepalived: "Enabling"/"Disabling service").
struct RealServerTransition {
  VirtualServerKey vs{};
  Endpoint rs{};
  bool up = false;
  bool inhibit_on_failure = false;
  ChangeCause cause = ChangeCause::Check;
  std::string checker{};            ///< the kind that decided ("TCP_CHECK"), or "CHECK"
  Outcome outcome = Outcome::Ok;     ///< its result
  std::string message{};            ///< keepalived's alert words (checker_message)
  const ScriptDef* script = nullptr;   ///< notify_up / notify_down, if configured
  bool smtp_alert = false;
  std::string router_id{};          ///< for the alert subject
};

/// A real server's effective weight changed while it stays in (misc_dynamic, FILE_CHECK).
struct WeightChange {
  VirtualServerKey vs{};
  Endpoint rs{};
  std::int64_t weight = 0;
};

/// A virtual server gained or lost its quorum.
struct QuorumTransition {
  VirtualServerKey vs{};
  QuorumChange change{};
  bool starting = false;            ///< the first evaluation after start (keepalived: "Starting with quorum up")
  ChangeCause cause = ChangeCause::Check;
  const ScriptDef* script = nullptr;   ///< quorum_up / quorum_down, if configured
  bool smtp_alert = false;
  std::string router_id{};
};

using PoolChange = std::variant<RealServerTransition, WeightChange, QuorumTransition>;

}  // namespace stayalived::check
