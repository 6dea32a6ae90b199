// The daemon: one io_context on one thread runs everything. Signals arrive through an Asio
// signal_set and are turned into SignalFunction events handled on the loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <functional>
#include <map>

#include "stayalived/common/log.hpp"
#include "stayalived/daemon/cli.hpp"
#include "stayalived/daemon/sd_notify.hpp"
#include "stayalived/daemon/signals.hpp"

namespace stayalived::daemon {

class Daemon {
 public:
  Daemon(const Options& opts, log::Logger& logger);

  /// Runs the loop until a stop; returns the process exit status.
  int run();

  /// Asks the loop to stop, as SIGTERM does.
  void request_stop();

  boost::asio::io_context& io() { return io_; }

  /// Installs what a signal function does (reload, dumps...). Stop is built in.
  void on(SignalFunction f, std::function<void()> handler) { handlers_[f] = std::move(handler); }

  /// Called once when a stop is requested, before the loop ends.
  void on_stop(std::function<void()> handler) { stop_handler_ = std::move(handler); }

  /// Called on the loop before READY=1: applies the first configuration.
  void on_start(std::function<void()> handler) { start_handler_ = std::move(handler); }

  /// The one-line summary for systemd's STATUS= (instances and states, real servers up).
  void status_provider(std::function<std::string()> f) { status_ = std::move(f); }

  SystemdNotifier& systemd() { return notifier_; }

 private:
  void wait_for_signal();
  void dispatch(int signo);

  const Options& opts_;
  log::Channel log_;
  boost::asio::io_context io_{1};
  boost::asio::signal_set signals_;
  std::map<SignalFunction, std::function<void()>> handlers_;
  std::function<void()> stop_handler_;
  std::function<void()> start_handler_;
  std::function<std::string()> status_;
  SystemdNotifier notifier_{io_};
  bool stopping_ = false;
};

}  // namespace stayalived::daemon
