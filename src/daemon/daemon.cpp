#include "stayalived/daemon/daemon.hpp"

#include <boost/asio/post.hpp>

#include <csignal>

namespace stayalived::daemon {

Daemon::Daemon(const Options& opts, log::Logger& logger)
    : opts_(opts), log_(logger, log::Source::Main), signals_(io_) {
  for (int s : handled_signals()) signals_.add(s);
}

int Daemon::run() {
  wait_for_signal();
  boost::asio::post(io_, [this] {
    if (stopping_) return;  // a TERM held back during start-up came first: nothing to start
    if (start_handler_) start_handler_();
    if (stopping_) return;
    notifier_.ready(status_ ? status_() : std::string("running"));
    notifier_.start_watchdog();
  });
  io_.run();
  return 0;
}

void Daemon::request_stop() {
  boost::asio::post(io_, [this] { dispatch(SIGTERM); });
}

void Daemon::wait_for_signal() {
  signals_.async_wait([this](const boost::system::error_code& ec, int signo) {
    if (ec) return;  // cancelled: we are stopping
    dispatch(signo);
    if (!stopping_) wait_for_signal();
  });
}

void Daemon::dispatch(int signo) {
  const auto f = function_of(signo);
  if (!f) return;
  if (*f == SignalFunction::Stop) {
    // A second TERM while stopping is harmless: the first one is already being handled.
    if (stopping_) return;
    stopping_ = true;
    log_.info("Stopping");
    notifier_.stopping();
    notifier_.stop_watchdog();
    if (stop_handler_) stop_handler_();
    signals_.cancel();
    // Work the stop handler queued (last adverts, cleanup) still runs; then run() returns
    // because nothing is left to do. Subsystems must close their sockets and timers.
    return;
  }
  if (stopping_) {
    log_.info("Ignoring {} signal while stopping", name(*f));
    return;
  }
  if (auto it = handlers_.find(*f); it != handlers_.end() && it->second) {
    // A reload handler reads the configuration apart from the loop: it says RELOADING=1
    // when it starts reading and READY=1 once the outcome is applied (once per reload).
    it->second();
  } else if (*f == SignalFunction::Reload) {
    notifier_.reloading();
    log_.info("Reloading");
    notifier_.ready(status_ ? status_() : std::string("running"));
  } else
    log_.info("{} requested, but it is not implemented yet", name(*f));
}

}  // namespace stayalived::daemon
