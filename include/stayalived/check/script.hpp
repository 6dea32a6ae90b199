// Running MISC_CHECK programs. The interface is what the checkers need; the notify module's
// script runner stands behind it: the daemon lends its shared one, SpawnScriptPort makes its own.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "stayalived/check/definition.hpp"
#include "stayalived/common/time.hpp"

namespace stayalived::notify {
class ScriptRunner;
struct ScriptResult;
}  // namespace stayalived::notify

namespace stayalived::check {

/// How a program ended.
struct ScriptExit {
  enum class Kind : std::uint8_t {
    Exited,       ///< status = exit status
    Signaled,     ///< status = signal number
    TimedOut,     ///< killed after the timeout
    SpawnFailed,  ///< status = errno (fork, exec, unknown user)
  };
  Kind kind = Kind::Exited;
  int status = 0;
};

/// Runs programs for the checkers.
class ScriptPort {
 public:
  virtual ~ScriptPort() = default;
  /// Runs `script` and waits for it, at most `timeout` (then kills it).
  virtual boost::asio::awaitable<ScriptExit> run(const ScriptDef& script, Duration timeout) = 0;
};

/// For uses without the daemon (tools, tests): programs run on a notify::ScriptRunner of its
/// own, created on the io_context of the first run(); users resolved from the system's
/// database. The daemon instead lends its shared runner (daemon/notify_hub.cpp).
class SpawnScriptPort final : public ScriptPort {
 public:
  /// `default_user`/`default_group`: global script_user, used when a script names none
  /// (empty: run as ourselves).
  explicit SpawnScriptPort(std::string default_user = {}, std::string default_group = {});
  ~SpawnScriptPort() override;
  SpawnScriptPort(const SpawnScriptPort&) = delete;
  SpawnScriptPort& operator=(const SpawnScriptPort&) = delete;
  boost::asio::awaitable<ScriptExit> run(const ScriptDef& script, Duration timeout) override;

 private:
  std::string default_user_;
  std::string default_group_;
  std::unique_ptr<notify::ScriptRunner> runner_;
};

/// How a notify::ScriptRunner run ended, in the checkers' terms (a cancelled run counts as
/// timed out: the check's deadline ended it).
ScriptExit script_exit_of(const notify::ScriptResult& r);

/// argv with a bare program name looked up in the scripts' PATH (as execvp would).
std::vector<std::string> exec_argv(std::vector<std::string> argv);


}  // namespace stayalived::check
