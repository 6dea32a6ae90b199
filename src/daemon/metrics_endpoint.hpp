// Internal: the Prometheus endpoint of the daemon (--metrics, global_defs metrics_listen),
// off unless configured. Serves /metrics (the App's subsystems' samples, the event-stream
// counters, the loop's lag), /healthz (200 while the loop runs: it answered) and /readyz
// (200 once the subsystems started, 503 before and while stopping) on the one io_context.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "stayalived/common/log.hpp"
#include "stayalived/metrics/event_counters.hpp"
#include "stayalived/metrics/exposition.hpp"
#include "stayalived/metrics/http_server.hpp"

namespace stayalived::daemon {

class App;
struct Options;

/// Where the endpoint listens: --metrics wins over metrics_listen; nullopt: off. An
/// unusable value is logged and leaves the endpoint off.
std::optional<metrics::ListenAddress> metrics_listen_address(const Options& opts, const App& app, log::Channel& log);

class MetricsEndpoint {
 public:
  MetricsEndpoint(boost::asio::io_context& io, App& app, log::Logger& logger);
  ~MetricsEndpoint();
  MetricsEndpoint(const MetricsEndpoint&) = delete;
  MetricsEndpoint& operator=(const MetricsEndpoint&) = delete;

  /// Listens on `where` and starts measuring the loop's lag; false (logged) if it cannot.
  bool start(const metrics::ListenAddress& where);
  /// Closes the listener, its connections and the lag timer (the loop may then end).
  void stop();
  /// The text of /metrics.
  std::string scrape() const;

 private:
  metrics::Response answer(std::string_view path) const;
  void arm_lag_timer();

  boost::asio::io_context& io_;
  App& app_;
  log::Channel log_;
  std::shared_ptr<metrics::EventCounters> counters_;
  metrics::HttpServer server_;
  boost::asio::steady_timer lag_timer_;
  std::chrono::steady_clock::time_point lag_due_{};
  std::shared_ptr<metrics::Histogram> lag_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace stayalived::daemon
