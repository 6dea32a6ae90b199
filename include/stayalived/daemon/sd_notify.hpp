// systemd readiness and watchdog (sd_notify(3)). Without NOTIFY_SOCKET (not started by
// systemd with Type=notify) every call is a no-op.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace stayalived::daemon {

class SystemdNotifier {
 public:
  explicit SystemdNotifier(boost::asio::io_context& io);

  /// True when systemd (or a test) listens on NOTIFY_SOCKET.
  bool enabled() const { return enabled_; }

  /// READY=1 with a STATUS= line: the first configuration is applied.
  void ready(std::string_view status);
  /// RELOADING=1 (with MONOTONIC_USEC, as systemd 253+ wants for Type=notify-reload).
  void reloading();
  /// STOPPING=1.
  void stopping();
  /// STATUS=<one line>.
  void status(std::string_view status);

  /// Starts pinging WATCHDOG=1 at half the interval systemd asked for (WATCHDOG_USEC).
  /// The pings run on the event loop itself: when the loop stalls, they stop, and systemd
  /// restarts the service. No-op when no watchdog is configured.
  void start_watchdog();
  void stop_watchdog();
  std::chrono::microseconds watchdog_interval() const { return watchdog_; }

 private:
  void send(const std::string& msg);
  void schedule_ping();

  boost::asio::steady_timer timer_;
  bool enabled_ = false;
  bool watchdog_running_ = false;
  std::chrono::microseconds watchdog_{0};
};

}  // namespace stayalived::daemon
