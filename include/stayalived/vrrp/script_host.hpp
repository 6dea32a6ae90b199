// The daemon's ScriptHost for the VRRP runtime: notify scripts and vrrp_scripts run through
// the notify module's ScriptRunner (argv, credentials, clean environment, timeout, never
// blocking the loop), with keepalived's script_user / enable_script_security rules, and
// VRRP events written to the daemon's notify FIFOs (notify_fifo / vrrp_notify_fifo). The
// runner and the FIFOs belong to the daemon, which lends them (notify/notify.hpp).
#pragma once

#include <boost/asio/io_context.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/log.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/notify/fifo.hpp"
#include "stayalived/notify/script_runner.hpp"
#include "stayalived/notify/script_security.hpp"
#include "stayalived/vrrp/runtime.hpp"

namespace stayalived::vrrp {

/// ScriptHost on top of the notify module.
class NotifyScriptHost final : public ScriptHost {
 public:
  /// Notify scripts run on `notifies`, vrrp_scripts on `tracks` (separate budgets).
  /// `fifos` may be null (no FIFO); it must outlive the host.
  NotifyScriptHost(notify::ScriptRunner& notifies, notify::ScriptRunner& tracks, log::Logger& logger, const notify::NotifyFifos* fifos = nullptr,
                   std::shared_ptr<const notify::UserDatabase> users = nullptr,
                   std::shared_ptr<const notify::FileSystemView> fs = nullptr);

  /// Resolves the users and checks every VRRP script of `cfg` (user database and file
  /// system look-ups: call it when a config is loaded, not for each run) and logs
  /// keepalived's warnings. Call again on reload.
  void prepare(const config::Config& cfg);

  void notify(const config::Script& script, std::vector<std::string> extra_args) override;
  void check(const config::Script& script, Duration timeout,
             std::function<void(bool success, int status, std::string why)> done) override;
  void fifo(const std::string& line) override;

 private:
  struct Prepared {
    std::string exec_path;
    notify::Credentials who;
    bool usable = false;
  };
  static std::string key(const config::Script& s);
  void prepare_one(const config::Script& s, const std::string& what);
  const Prepared* find(const config::Script& s);

  notify::ScriptRunner& notifies_;
  notify::ScriptRunner& tracks_;
  log::Channel log_;
  std::shared_ptr<const notify::UserDatabase> users_;
  std::shared_ptr<const notify::FileSystemView> fs_;
  std::optional<notify::Credentials> default_user_;
  bool security_ = false;
  std::map<std::string, Prepared> scripts_;
  const notify::NotifyFifos* fifos_;
};

}  // namespace stayalived::vrrp
