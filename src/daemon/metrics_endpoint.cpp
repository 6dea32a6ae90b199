#include "metrics_endpoint.hpp"

#include <chrono>

#include "stayalived/daemon/app.hpp"
#include "stayalived/daemon/cli.hpp"
#include "stayalived/daemon/version.hpp"

namespace stayalived::daemon {

namespace {

// The lag timer: how late a periodic wake-up runs says how long the loop was held.
constexpr std::chrono::milliseconds kLagPeriod{250};

double epoch_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::optional<metrics::ListenAddress> metrics_listen_address(const Options& opts, const App& app, log::Channel& log) {
  std::optional<std::string> text = opts.metrics;
  if (!text && app.config()) text = app.config()->global.metrics_listen;
  if (!text) return std::nullopt;
  auto a = metrics::parse_listen_address(*text);
  if (!a) {
    log.error("Metrics: cannot listen on '{}': {}; the endpoint is off", *text, a.error());
    return std::nullopt;
  }
  return *a;
}

MetricsEndpoint::MetricsEndpoint(boost::asio::io_context& io, App& app, log::Logger& logger)
    : io_(io),
      app_(app),
      log_(logger, log::Source::Main),
      counters_(std::make_shared<metrics::EventCounters>(epoch_now)),
      server_(io, [this](std::string_view path) { return answer(path); }),
      lag_timer_(io),
      lag_(std::make_shared<metrics::Histogram>(
          std::vector<double>{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})) {
  // The subscription holds the counters: the bus may outlive this object.
  app.events().subscribe([c = counters_](const events::Event& e) { c->count(e); });
}

MetricsEndpoint::~MetricsEndpoint() { stop(); }

void MetricsEndpoint::stop() {
  *alive_ = false;
  lag_timer_.cancel();
  server_.stop();
}

bool MetricsEndpoint::start(const metrics::ListenAddress& where) {
  if (auto r = server_.listen(where); !r) {
    log_.error("Metrics: {}; the endpoint is off", r.error().message);
    return false;
  }
  log_.info("Metrics: serving Prometheus metrics on http://{}/metrics", metrics::to_string(where));
  lag_due_ = std::chrono::steady_clock::now() + kLagPeriod;
  arm_lag_timer();
  return true;
}

void MetricsEndpoint::arm_lag_timer() {
  lag_timer_.expires_at(lag_due_);
  lag_timer_.async_wait([this, alive = alive_](const boost::system::error_code& ec) {
    if (ec || !*alive) return;
    const auto now = std::chrono::steady_clock::now();
    lag_->observe(std::chrono::duration<double>(now - lag_due_).count());
    lag_due_ = now + kLagPeriod;
    arm_lag_timer();
  });
}

metrics::Response MetricsEndpoint::answer(std::string_view path) const {
  if (path == "/metrics") return {200, std::string(metrics::kContentType), scrape()};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/readyz") {
    if (app_.ready()) return {200, "text/plain; charset=utf-8", "ready\n"};
    return {503, "text/plain; charset=utf-8", "not ready\n"};
  }
  return {404, "text/plain; charset=utf-8", "not found; try /metrics, /healthz or /readyz\n"};
}

std::string MetricsEndpoint::scrape() const {
  metrics::Exposition x;
  // keepalived-exporter's: 1 while the daemon answers (the exporter's own meaning: it could
  // read keepalived's state).
  x.gauge("keepalived_up", "Status", {}, 1);
  app_.write_metrics(x);
  counters_->write(x);
  x.histogram("stayalived_event_loop_lag_seconds", "How late a periodic timer on the event loop ran", {}, *lag_);
  x.gauge("stayalived_ready", "1 once the subsystems started, 0 before and while stopping", {}, app_.ready() ? 1 : 0);
  x.counter("stayalived_events_published_total", "Events published on the event stream", {},
            static_cast<double>(app_.events().published()));
  x.gauge("stayalived_build_info", "Version of stayalived", {{"version", kVersion}, {"keepalived", kKeepalivedCompat}}, 1);
  auto& hub = app_.notify_hub();
  for (const auto& [cls, runner] : {std::pair<std::string_view, const notify::ScriptRunner*>{"notify", &hub.notify_runner()},
                                    {"vrrp_script", &hub.track_runner()},
                                    {"misc_check", &hub.check_runner()}}) {
    const auto& s = runner->stats();
    x.counter("stayalived_script_runs_total", "Scripts started, by class", {{"class", cls}}, static_cast<double>(s.started));
    x.counter("stayalived_script_timeouts_total", "Scripts ended by their timeout, by class", {{"class", cls}},
              static_cast<double>(s.timed_out));
    x.counter("stayalived_script_start_failures_total", "Scripts that could not start (exec failed, queue full)",
              {{"class", cls}}, static_cast<double>(s.failed_to_start));
    x.gauge("stayalived_scripts_running", "Scripts running now, by class", {{"class", cls}}, static_cast<double>(s.running));
  }
  const auto& hs = server_.stats();
  x.counter("stayalived_metrics_http_requests_total", "Requests the metrics endpoint answered", {},
            static_cast<double>(hs.requests));
  x.counter("stayalived_metrics_http_refused_total", "Connections closed at once: the connection cap was reached", {},
            static_cast<double>(hs.refused));
  x.counter("stayalived_metrics_http_timeouts_total", "Connections closed at their deadline", {},
            static_cast<double>(hs.timeouts));
  return x.text();
}

}  // namespace stayalived::daemon
