#include "stayalived/daemon/sd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <ctime>

#include "stayalived/common/text.hpp"

namespace stayalived::daemon {

SystemdNotifier::SystemdNotifier(boost::asio::io_context& io) : timer_(io) {
  const char* sock = std::getenv("NOTIFY_SOCKET");
  enabled_ = sock != nullptr && *sock != '\0';
  uint64_t usec = 0;
  // unset_environment=0: scripts we start must not see it either, but the script runner
  // gives them a clean environment anyway.
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0) watchdog_ = std::chrono::microseconds(usec);
}

void SystemdNotifier::send(const std::string& msg) {
  if (enabled_) sd_notify(0, msg.c_str());
}

void SystemdNotifier::ready(std::string_view status) {
  send("READY=1\nSTATUS=" + one_line(status));
}

void SystemdNotifier::reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const auto usec = static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void SystemdNotifier::stopping() { send("STOPPING=1"); }

void SystemdNotifier::status(std::string_view status) { send("STATUS=" + one_line(status)); }

void SystemdNotifier::start_watchdog() {
  if (!enabled_ || watchdog_.count() == 0 || watchdog_running_) return;
  watchdog_running_ = true;
  send("WATCHDOG=1");
  schedule_ping();
}

void SystemdNotifier::stop_watchdog() {
  watchdog_running_ = false;
  timer_.cancel();
}

void SystemdNotifier::schedule_ping() {
  timer_.expires_after(watchdog_ / 2);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !watchdog_running_) return;
    send("WATCHDOG=1");
    schedule_ping();
  });
}

}  // namespace stayalived::daemon
