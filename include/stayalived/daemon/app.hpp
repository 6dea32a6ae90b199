// The application: the running configuration and the subsystems built from it.
//
// Start: the configuration is loaded before the loop runs; an Error diagnostic stops the
// daemon (exit 2, as keepalived). Reload (SIGHUP, reload_time_file): the new configuration
// is loaded and validated on a worker thread — a large file must not hold the loop, where
// VRRP adverts are due every advert_int — then, back on the loop, either every diagnostic
// is logged and the running configuration stays as it is (any Error), or each subsystem
// applies the difference. HUPs arriving during a reload are folded into one more reload.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stayalived/common/event_stream.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/daemon/cli.hpp"
#include "stayalived/daemon/daemon.hpp"
#include "stayalived/daemon/notify_hub.hpp"
#include "stayalived/daemon/reload_time.hpp"
#include "stayalived/daemon/subsystem.hpp"

namespace stayalived::daemon {

/// keepalived's dump file names in `dir` ($TMPDIR, default /tmp); with data_use_instance
/// the instance name and network namespace are part of the names.
struct DumpFiles {
  std::string parent_data, vrrp_data, check_data, stats, json, check_json;
};
DumpFiles dump_files(const std::string& dir, const config::GlobalDefs& g);

/// The load options the daemon uses: real interfaces, users, files (see main.cpp).
config::LoadOptions system_load_options(const Options& opts);

class App;
/// Creates the subsystems the command line asks for (-P: VRRP only, -C: checkers and IPVS
/// only) and adds them to `app` (subsystems.cpp: the one place that knows them all).
void add_subsystems(App& app, boost::asio::io_context& io, log::Logger& logger, const Options& opts);

class App {
 public:
  /// Makes subsystems with the App's loop and logger; called once per subsystem at start.
  using SubsystemFactory = std::function<std::unique_ptr<Subsystem>(boost::asio::io_context&,
                                                                    log::Logger&, const Options&)>;

  App(Daemon& daemon, const Options& opts, log::Logger& logger);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Adds a subsystem; its start() runs in start(), in the order added.
  void add(std::unique_ptr<Subsystem> subsystem) { subsystems_.push_back(std::move(subsystem)); }

  /// Takes the first configuration, loaded (and found free of errors) before the loop
  /// started; logs its diagnostics (warnings).
  void adopt_initial(config::LoadResult initial);
  /// Runs startup_script (if any) and, once it has ended, starts the subsystems from the
  /// loaded configuration. Runs on the loop.
  void start();
  /// Starts a reload (see the file comment).
  void reload();
  /// Stops every subsystem, in reverse order, then runs shutdown_script (if any); `done`
  /// when all are finished.
  void stop(std::function<void()> done);

  /// SIGUSR1: keepalived_parent.data, keepalived.data (VRRP) and keepalived_check.data.
  void write_data();
  /// SIGUSR2 / STATS_CLEAR: keepalived.stats.
  void write_stats(bool clear);
  /// JSON signal: keepalived.json (keepalived's array of VRRP instances) and
  /// keepalived_check.json (virtual servers, real servers, IPVS).
  void write_json();
  /// One line for systemd's STATUS=.
  std::string status_line() const;

  const std::shared_ptr<const config::Config>& config() const { return config_; }
  /// Scripts, FIFOs and SMTP alerts, shared by the subsystems.
  NotifyHub& notify_hub() { return hub_; }
  /// The event stream: the subsystems publish their state changes on it, their subscribers
  /// (logging, notify, alerts, dumps, each other) react.
  events::Bus& events() { return bus_; }
  /// Completed reloads (successful or not), for tests and config_save_dir names.
  unsigned reloads() const { return reloads_; }
  /// The metrics endpoint's /readyz: the subsystems started and the daemon is not stopping.
  bool ready() const { return started_ && !stopping_; }
  /// Adds every subsystem's samples to a Prometheus scrape.
  void write_metrics(metrics::Exposition& out) const;

  // --- for the control socket -------------------------------------------------------------
  /// What a reload did, for whoever asked for it.
  struct ReloadReport {
    bool applied = false;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::vector<std::string> diagnostics;  ///< as -t prints them
  };
  /// Starts a reload (as reload()) and calls `done` once a reload that read the file after
  /// this call has ended (or with applied = false if the daemon stops first).
  void reload(std::function<void(const ReloadReport&)> done);
  /// The daemon's part of `status` and every subsystem's.
  void describe(boost::json::object& root) const;
  bool explain(std::string_view name, boost::json::object& out) const;
  void preview(const std::shared_ptr<const config::Config>& new_cfg, boost::json::object& out) const;
  std::optional<Subsystem::CommandOutcome> command(std::string_view verb, std::string_view target,
                                                   const boost::json::object& args,
                                                   std::function<void(Subsystem::CommandOutcome)> done);
  /// Called once the subsystems have started (after startup_script).
  void on_started(std::function<void()> f) { on_started_.push_back(std::move(f)); }
  bool started() const { return started_; }
  const Options& options() const { return opts_; }

 private:
  void log_diagnostics(const config::LoadResult& r) const;
  void start_subsystems();
  void finish_stop(std::function<void()> done);
  void finish_reload(config::LoadResult result);
  void write_reload_check(const config::LoadResult& result, std::size_t errors, std::size_t warnings);
  /// Replaces the held configuration by its copy without real servers (after start/reload).
  void keep_lean();
  void save_config_state(const char* phase);
  void apply_global_runtime(const config::Config& cfg);
  std::string reload_file_path(const config::GlobalDefs& g) const;

  Daemon& daemon_;
  const Options& opts_;
  log::Logger& logger_;
  log::Channel log_;
  std::shared_ptr<const config::Config> config_;
  events::Bus bus_;  // before the hub and the subsystems, which subscribe to it
  NotifyHub hub_;
  std::vector<std::unique_ptr<Subsystem>> subsystems_;
  ReloadTimeWatcher reload_timer_;
  std::thread loader_;
  /// Set by stop(): a reload still reading stops at its next line.
  std::shared_ptr<std::atomic<bool>> cancel_load_ = std::make_shared<std::atomic<bool>>(false);
  bool reloading_ = false;
  bool reload_pending_ = false;
  bool started_ = false;  // start() ran: a HUP before it waits for it
  bool stopping_ = false;
  unsigned reloads_ = 0;
  std::chrono::system_clock::time_point created_at_ = std::chrono::system_clock::now();
  std::chrono::system_clock::time_point loaded_at_ = created_at_;
  std::vector<std::function<void(const ReloadReport&)>> reload_waiting_;  // for the next reload
  std::vector<std::function<void(const ReloadReport&)>> reload_running_;  // for the one reading
  std::vector<std::function<void()>> on_started_;
};

}  // namespace stayalived::daemon
