// Running MISC_CHECK programs. The interface is what the checkers need; the notify module's
// script runner can stand behind it (the daemon chooses), and ProcessRunner is a standalone
// implementation: fork/exec of argv as the configured user, clean environment, its own
// process group, exit awaited through a pidfd on the io_context (no SIGCHLD handler, so it
// cannot steal another module's children), killed on timeout.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

#include "stayalived/check/definition.hpp"
#include "stayalived/common/time.hpp"

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
class ScriptRunner {
 public:
  virtual ~ScriptRunner() = default;
  /// Runs `script` and waits for it, at most `timeout` (then kills it).
  virtual boost::asio::awaitable<ScriptExit> run(const ScriptDef& script, Duration timeout) = 0;
};

/// Standalone implementation (see the file comment).
class ProcessRunner final : public ScriptRunner {
 public:
  /// `default_user`/`default_group`: global script_user, used when a script names none
  /// (empty: run as ourselves).
  explicit ProcessRunner(std::string default_user = {}, std::string default_group = {})
      : default_user_(std::move(default_user)), default_group_(std::move(default_group)) {}
  boost::asio::awaitable<ScriptExit> run(const ScriptDef& script, Duration timeout) override;

  /// Programs started and still not reaped (a killed child stuck in the kernel).
  std::uint64_t unreaped() const { return unreaped_; }

 private:
  std::string default_user_;
  std::string default_group_;
  std::uint64_t unreaped_ = 0;
};

}  // namespace stayalived::check
