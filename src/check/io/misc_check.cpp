// MISC_CHECK: run misc_path (as `user`, through the ScriptPort), up when it exits 0.
// misc_dynamic (keepalived.conf(5)): exit 1 means down; 2..255 mean up with weight
// status - 2; 0 means up with the weight unchanged. Without misc_dynamic any non-zero exit
// is a failure. A program that outlives misc_timeout (default delay_loop) is killed and
// the check fails.
#include <boost/asio/awaitable.hpp>

#include <chrono>

#include "probe_base.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

class MiscProbe final : public ProbeOf<MiscCheck> {
 public:
  using ProbeOf::ProbeOf;

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    const Duration timeout = spec_.timeout.value_or(ctx.timeout());
    // The runner enforces `timeout` itself (and kills); this deadline is the backstop that
    // keeps a misbehaving runner from holding the checker forever.
    ctx.arm(timeout + std::chrono::seconds(5));
    const ScriptExit e = co_await ctx.scripts().run(spec_.script, timeout);
    switch (e.kind) {
      case ScriptExit::Kind::TimedOut: co_return CheckResult::failure(Outcome::ScriptTimeout);
      case ScriptExit::Kind::SpawnFailed: co_return CheckResult::failure(Outcome::ScriptError, e.status);
      case ScriptExit::Kind::Signaled: co_return CheckResult::failure(Outcome::ScriptFailed, 128 + e.status);
      case ScriptExit::Kind::Exited: break;
    }
    if (ctx.expired()) co_return CheckResult::failure(Outcome::ScriptTimeout);
    if (e.status == 0) co_return CheckResult::success();
    if (!spec_.dynamic || e.status == 1) co_return CheckResult::failure(Outcome::ScriptFailed, e.status);
    CheckResult r = CheckResult::success();
    r.code = e.status;
    r.weight.misc_weight = e.status - 2;
    co_return r;
  }
};

}  // namespace

std::unique_ptr<Probe> make_misc_probe(const CheckerDef& d) { return std::make_unique<MiscProbe>(d); }

}  // namespace stayalived::check
