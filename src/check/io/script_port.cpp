// SpawnScriptPort: MISC_CHECK programs on the notify module's ScriptRunner (the one process
// launcher of the code base: fork/exec with a clean environment, own process group, pidfd,
// kill on timeout), for uses without the daemon's NotifyHub.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <string_view>

#include "stayalived/check/script.hpp"
#include "stayalived/notify/script_runner.hpp"
#include "stayalived/notify/script_security.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

ScriptExit script_exit_of(const notify::ScriptResult& r) {
  using Kind = ScriptExit::Kind;
  switch (r.outcome) {
    case notify::ScriptOutcome::Exited: return {Kind::Exited, r.exit_status};
    case notify::ScriptOutcome::Signaled: return {Kind::Signaled, r.signal};
    case notify::ScriptOutcome::TimedOut:
    case notify::ScriptOutcome::Cancelled: return {Kind::TimedOut, r.signal};
    case notify::ScriptOutcome::FailedToStart: return {Kind::SpawnFailed, r.error};
  }
  return {Kind::SpawnFailed, 0};
}

std::vector<std::string> exec_argv(std::vector<std::string> argv) {
  if (argv.empty() || argv.front().find('/') != std::string::npos) return argv;
  std::string_view path = notify::kScriptPath;
  while (!path.empty()) {
    const auto colon = path.find(':');
    std::string candidate = std::string(path.substr(0, colon)) + "/" + argv.front();
    if (::access(candidate.c_str(), X_OK) == 0) {
      argv.front() = std::move(candidate);
      break;
    }
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return argv;
}

SpawnScriptPort::SpawnScriptPort(std::string default_user, std::string default_group)
    : default_user_(std::move(default_user)), default_group_(std::move(default_group)) {}

SpawnScriptPort::~SpawnScriptPort() = default;

asio::awaitable<ScriptExit> SpawnScriptPort::run(const ScriptDef& script, Duration timeout) {
  if (!runner_) {
    auto ex = co_await asio::this_coro::executor;
    auto& io = static_cast<asio::io_context&>(asio::query(ex, asio::execution::context));
    runner_ = std::make_unique<notify::ScriptRunner>(io);
  }
  notify::ScriptSpec spec;
  spec.argv = exec_argv(script.argv);
  spec.timeout = timeout;
  const std::string& user = script.user.empty() ? default_user_ : script.user;
  const std::string& group = script.user.empty() ? default_group_ : script.group;
  if (!user.empty()) {
    notify::SystemUserDatabase users;
    auto who = notify::resolve_script_user(user, group.empty() ? std::nullopt : std::optional<std::string>(group), users);
    if (!who) co_return ScriptExit{ScriptExit::Kind::SpawnFailed, EINVAL};
    spec.run_as = *who;
  }
  const notify::ScriptResult r = co_await runner_->async_run(std::move(spec), asio::use_awaitable);
  co_return script_exit_of(r);
}

}  // namespace stayalived::check
