// The daemon's side of stayalivedctl: the control socket (control/server.hpp) with the
// verbs answered from the App and its subsystems, the event history, and the operator
// overrides (maintenance, disabled and drained real servers) kept in a state file beside
// the socket so that they survive a restart (a reload keeps them in the subsystems).
#pragma once

#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "stayalived/common/log.hpp"
#include "stayalived/control/history.hpp"
#include "stayalived/control/server.hpp"
#include "stayalived/daemon/app.hpp"

namespace stayalived::daemon {

/// The control socket's place: --control-socket, else keepalived's pid-file conventions
/// (/run/keepalived[/NAMESPACE]/stayalived[_INSTANCE].ctl).
struct ControlPaths {
  std::string socket;
  std::string state;               ///< the overrides, beside the socket
  std::vector<std::string> dirs;   ///< to create (and remove at exit when empty)
};
ControlPaths control_paths(const std::string& given, const std::optional<std::string>& instance,
                           const std::string& net_namespace);

class ControlService {
 public:
  ControlService(App& app, boost::asio::io_context& io, log::Logger& logger, ControlPaths paths,
                 control::ServerOptions server_options);
  ~ControlService();
  ControlService(const ControlService&) = delete;
  ControlService& operator=(const ControlService&) = delete;

  /// Opens the socket (a failure is logged: the daemon runs without it).
  void start();
  void stop();
  control::History& history() { return history_; }

 private:
  void handle(const control::Request& req, const control::Caller& caller,
              const std::shared_ptr<control::Session>& session);
  void dry_run(const control::Request& req, const std::shared_ptr<control::Session>& session);
  void operator_command(const control::Request& req, const control::Caller& caller,
                        const std::shared_ptr<control::Session>& session);
  void save_overrides();
  void restore_overrides();
  void apply_overrides(const boost::json::object& from, std::string_view what);

  App& app_;
  boost::asio::io_context& io_;
  log::Channel log_;
  ControlPaths paths_;
  control::History history_;
  control::Server server_;
  std::thread dry_run_;
  bool dry_running_ = false;
  /// verb -> target -> args, in the order given: replayed after a restart.
  boost::json::object overrides_;
};

}  // namespace stayalived::daemon
