// The daemon's notification plumbing, one of each per process and lent to the subsystems:
// the script runners, the notify FIFOs with their reader scripts, and the SMTP alerter.
// Scripts run in three budgets, one runner each, so that one class can never starve
// another: notify scripts (and the FIFO readers), vrrp_script tracking, and MISC_CHECK. Reconfigured from global_defs at start and on
// reload; what did not change (an open FIFO, a running FIFO script) is kept.
#pragma once

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <optional>
#include <string>

#include "stayalived/check/notify.hpp"
#include "stayalived/check/script.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/common/event_stream.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/notify/fifo.hpp"
#include "stayalived/notify/script_runner.hpp"
#include "stayalived/notify/smtp.hpp"

namespace stayalived::daemon {

class NotifyHub {
 public:
  NotifyHub(boost::asio::io_context& io, log::Logger& logger);
  ~NotifyHub();
  NotifyHub(const NotifyHub&) = delete;
  NotifyHub& operator=(const NotifyHub&) = delete;

  /// Takes global_defs: FIFOs (and their scripts), SMTP settings, the default script user.
  void configure(const config::Config& cfg);
  /// Ends FIFO scripts and running scripts, drops queued mail (at shutdown).
  void stop();
  /// Runs global_defs' startup_script or shutdown_script (`what`) once, as its user or the
  /// default script user, killed after `timeout`; `done` runs on the loop once it has
  /// ended, failed to start or been cancelled by stop(). The outcome is logged.
  void run_once(const config::Script& script, std::chrono::seconds timeout, std::string what,
                std::function<void()> done);

  /// notify_* scripts of VRRP and the checkers, and the FIFO reader scripts.
  notify::ScriptRunner& notify_runner() { return notify_runner_; }
  /// vrrp_script.
  notify::ScriptRunner& track_runner() { return track_runner_; }
  /// MISC_CHECK.
  notify::ScriptRunner& check_runner() { return check_runner_; }
  /// The configured FIFOs (null members: not configured).
  notify::NotifyFifos fifos() const;
  /// Queues an alert when smtp_server and notification_email are configured.
  void alert(notify::AlertMail mail);
  /// Mails VRRP transitions from the event stream as keepalived 2.2.7 does: an instance's
  /// (smtp_alert, else smtp_alert_vrrp, else smtp_alert) and a sync group's (the same
  /// defaults) on entering BACKUP, MASTER and FAULT (not with no_email_faults); none on stop.
  void mail_vrrp_transitions(events::Bus& bus);
  /// router_id, or the host name.
  const std::string& router_id() const { return router_id_; }
  /// Credentials for a script's `user [group]` (empty user: the default script user);
  /// nullopt when it cannot run as anyone (keepalived drops such scripts).
  std::optional<notify::Credentials> credentials(const std::string& user, const std::string& group) const;

  /// The checkers' view of the hub.
  std::shared_ptr<check::Notifier> check_notifier();
  std::shared_ptr<check::ScriptPort> check_script_runner();

 private:
  struct FifoSlot {
    std::optional<config::Fifo> cfg;
    std::optional<config::Script> script_cfg;
    std::unique_ptr<notify::NotifyFifo> fifo;
    std::unique_ptr<boost::asio::cancellation_signal> script_cancel;
  };
  void configure_fifo(FifoSlot& slot, const std::optional<config::Fifo>& f,
                      const std::optional<config::Script>& script);
  void stop_fifo_script(FifoSlot& slot);

  boost::asio::io_context& io_;
  log::Logger& logger_;
  log::Channel log_;
  notify::ScriptRunner notify_runner_;
  notify::ScriptRunner track_runner_;
  notify::ScriptRunner check_runner_;
  FifoSlot notify_, vrrp_, lvs_;
  std::unique_ptr<notify::SmtpAlerter> alerter_;
  std::optional<notify::SmtpSettings> smtp_settings_;
  std::optional<notify::Credentials> default_credentials_;
  std::string router_id_;
  std::set<std::string> vrrp_mail_instances_;  // instances and groups whose transitions are mailed
  std::set<std::string> vrrp_mail_groups_;
  bool no_email_faults_ = false;
};

}  // namespace stayalived::daemon
