// make_probe (one factory per kind file) and run_once (a probe outside the runtime).
#include "stayalived/check/probe.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

#include <fmt/format.h>

#include "probe_base.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

std::string Probe::success_line(std::string_view service) const {
  return fmt::format("{} on service {} success.", kind(), service);
}

std::unique_ptr<Probe> make_probe(const CheckerDef& def, const ProbeEnv& env) {
  struct Make {
    const CheckerDef& d;
    const ProbeEnv& env;
    std::unique_ptr<Probe> operator()(const TcpCheck&) const { return make_tcp_probe(d); }
    std::unique_ptr<Probe> operator()(const HttpCheck&) const { return make_http_probe(d, env.tls); }
    std::unique_ptr<Probe> operator()(const SmtpCheck&) const { return make_smtp_probe(d); }
    std::unique_ptr<Probe> operator()(const DnsCheck&) const { return make_dns_probe(d); }
    std::unique_ptr<Probe> operator()(const UdpCheck&) const { return make_udp_probe(d); }
    std::unique_ptr<Probe> operator()(const PingCheck&) const { return make_ping_probe(d); }
    std::unique_ptr<Probe> operator()(const MiscCheck&) const { return make_misc_probe(d); }
    std::unique_ptr<Probe> operator()(const FileCheck&) const { return make_file_probe(d); }
  };
  return std::visit(Make{def, env}, def.kind);
}

namespace {

// Deadline state shared with the timer's handler, so that a handler that runs after the
// check ended touches nothing that is gone.
struct OnceShared {
  asio::cancellation_signal signal;
  bool hit = false;
  bool done = false;
};

class OnceContext final : public ProbeContext {
 public:
  OnceContext(asio::any_io_executor ex, std::shared_ptr<OnceShared> shared, ScriptPort& scripts,
              Duration timeout)
      : timer_(ex), shared_(std::move(shared)), scripts_(scripts), timeout_(timeout),
        rng_(std::random_device{}()) {}
  ~OnceContext() override { timer_.cancel(); }
  OnceContext(const OnceContext&) = delete;
  OnceContext& operator=(const OnceContext&) = delete;

  void arm(Duration d) override {
    timer_.expires_after(d);
    timer_.async_wait([s = shared_](const boost::system::error_code& ec) {
      if (ec || s->done || s->hit) return;
      s->hit = true;
      s->signal.emit(asio::cancellation_type::terminal);
    });
  }
  bool expired() const override { return shared_->hit; }
  Duration timeout() const override { return timeout_; }
  ScriptPort& scripts() override { return scripts_; }
  std::uint32_t random() override { return static_cast<std::uint32_t>(rng_()); }

 private:
  asio::steady_timer timer_;
  std::shared_ptr<OnceShared> shared_;
  ScriptPort& scripts_;
  Duration timeout_;
  std::mt19937 rng_;
};

asio::awaitable<CheckResult> run_probe(Probe& probe, ProbeContext& ctx) {
  co_await asio::this_coro::throw_if_cancelled(false);
  co_return co_await probe.run(ctx);
}

}  // namespace

asio::awaitable<CheckResult> run_once(Probe& probe, ScriptPort& scripts, Duration timeout) {
  auto ex = co_await asio::this_coro::executor;
  auto shared = std::make_shared<OnceShared>();
  OnceContext ctx(ex, shared, scripts, timeout);
  CheckResult r = co_await asio::co_spawn(
      ex, run_probe(probe, ctx), asio::bind_cancellation_slot(shared->signal.slot(), asio::use_awaitable));
  shared->done = true;
  co_return r;
}

}  // namespace stayalived::check
