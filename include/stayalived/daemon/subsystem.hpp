// A part of the daemon with its own life cycle: VRRP, the checkers, IPVS. The App starts
// them from the first configuration, hands them each new configuration on reload, asks
// them for their parts of the dumps, and stops them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "stayalived/config/model.hpp"

namespace stayalived::metrics {
class Exposition;
}  // namespace stayalived::metrics

namespace stayalived::daemon {

/// A loaded configuration; subsystems may keep it as long as they need it.
using ConfigPtr = std::shared_ptr<const config::Config>;

class Subsystem {
 public:
  virtual ~Subsystem() = default;

  /// Short name for logs ("VRRP", "checkers", "IPVS").
  virtual std::string_view name() const = 0;

  /// Starts from the first configuration (never null). Runs on the loop.
  virtual void start(const ConfigPtr& cfg) = 0;

  /// Applies a new, already validated configuration: only what changed may change
  /// (instances and checkers whose identity is unchanged keep their state and timers).
  virtual void reload(const ConfigPtr& old_cfg, const ConfigPtr& new_cfg) = 0;

  /// Stops; `done` is called (possibly later, on the loop) once nothing of the subsystem
  /// needs the loop any more (last adverts sent, VIPs and rules removed as configured).
  virtual void stop(std::function<void()> done) = 0;

  /// Appends the subsystem's sections of keepalived's data dump (SIGUSR1).
  virtual void write_data(std::string& /*out*/) const {}
  /// Appends the subsystem's statistics (SIGUSR2); clears the counters if `clear`.
  virtual void write_stats(std::string& /*out*/, bool /*clear*/) {}
  /// Adds the subsystem's state to the JSON dump.
  virtual void write_json(boost::json::object& /*root*/) const {}
  /// Adds the subsystem's samples to a Prometheus scrape (metrics/exposition.hpp).
  virtual void write_metrics(metrics::Exposition& /*out*/) const {}
  /// A few words for systemd's STATUS= line ("VI_1 MASTER", "real servers 5/6 up").
  virtual std::string status() const { return {}; }

  // --- the control socket (stayalivedctl) ------------------------------------------------
  /// Adds the subsystem's part of `stayalivedctl status` to `root`.
  virtual void describe(boost::json::object& /*root*/) const {}
  /// `explain NAME`: if NAME is one of the subsystem's objects, fills `out` with the reasons
  /// behind its state ("reasons": lines of words) and returns true.
  virtual bool explain(std::string_view /*name*/, boost::json::object& /*out*/) const { return false; }
  /// `reload --dry-run`: adds to `out` what applying `new_cfg` would change.
  virtual void preview(const ConfigPtr& /*new_cfg*/, boost::json::object& /*out*/) const {}
  /// An operator command (maintenance, resume, disable, enable, drain) on `target`.
  /// Returns nullopt if `target` is none of the subsystem's objects; otherwise the outcome:
  /// a sentence, or an error. A command that takes time (drain) answers `pending` and
  /// later calls `done` once with its final outcome; no other calls `done`.
  struct CommandOutcome {
    bool ok = true;
    std::string text;
    bool pending = false;
  };
  virtual std::optional<CommandOutcome> command(std::string_view /*verb*/, std::string_view /*target*/,
                                                const boost::json::object& /*args*/,
                                                std::function<void(CommandOutcome)> /*done*/) {
    return std::nullopt;
  }
};

}  // namespace stayalived::daemon
