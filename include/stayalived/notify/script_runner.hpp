// Runs scripts (notify_*, vrrp_script, MISC_CHECK, FIFO readers) asynchronously on the one
// io_context, never blocking it.
//
// How a run goes:
//   1. async_run() queues the request; at most Options::max_running children run at once,
//      the rest wait in FIFO order (at most Options::max_queued, beyond that the request
//      fails at once with FailedToStart/EAGAIN).
//   2. The child is created with clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD), as
//      posix_spawn does: no copy of our address space, and the loop only waits for the
//      exec itself. Before exec the child resets every signal disposition to default and
//      unblocks all signals, puts itself in a new process group (setpgid(0, 0), like
//      keepalived), switches to the requested credentials (setgroups({gid}), setresgid,
//      setresuid), connects stdin to /dev/null and stdout/stderr to /dev/null or to the
//      capture pipe, and closes every other descriptor (close_range). The environment is
//      the clean one below, never ours. An exec failure is reported as FailedToStart with
//      its errno.
//   3. The pidfd is watched through an Asio descriptor (readable when the child exits), and
//      the child is reaped with waitid(P_PIDFD); nothing else reaps our children, and the
//      daemon's signal_set is not involved (no SIGCHLD handler). Nothing in the process may
//      call wait()/waitpid(-1), which would steal these children, and SIGCHLD must not be
//      set to SIG_IGN (the kernel would reap them itself).
//   4. On timeout the whole process group gets SIGTERM (scripts that start children are
//      covered), then SIGKILL after Options::kill_grace if anything of the group is left;
//      the result says TimedOut.
//   5. The completion handler receives a ScriptResult. With `use_awaitable` the same call
//      is a coroutine step: `ScriptResult r = co_await runner.async_run(spec, use_awaitable);`.
//      Per-operation cancellation (e.g. `||` of awaitable_operators, a cancellation_signal)
//      kills the process group the same way as a timeout and reports Cancelled.
#pragma once

#include <sys/types.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/time.hpp"
#include "stayalived/notify/script_security.hpp"

namespace stayalived::notify {

/// The PATH of the clean environment scripts get (systemd's default for services).
inline constexpr const char* kScriptPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// One script to run.
struct ScriptSpec {
  /// argv[0] is the file executed: an absolute path, normally check_script()'s exec_path.
  /// Never a shell string: split configured strings with split_command_line().
  std::vector<std::string> argv;
  /// Credentials to switch to in the child (script_user or the script's own user/group).
  /// nullopt: keep ours.
  std::optional<Credentials> run_as;
  /// Time allowed; zero means none (keepalived's notify scripts have none).
  Duration timeout{};
  /// Bytes of stdout+stderr to keep in ScriptResult::output (merged, in order). Zero: both go
  /// to /dev/null. Output beyond the limit is read and discarded, so the child never blocks.
  std::size_t capture_limit = 0;
  /// "NAME=value" entries added to the clean environment (which is only PATH=kScriptPath).
  std::vector<std::string> env;
};

/// How a run ended.
enum class ScriptOutcome {
  Exited,         ///< exit_status is valid
  Signaled,       ///< killed by `signal` (not by us)
  TimedOut,       ///< we killed it after ScriptSpec::timeout; `signal` says with what
  Cancelled,      ///< the operation was cancelled (or the runner stopped) and we killed it
  FailedToStart,  ///< fork/exec/credentials failed: `error` is the errno
};

/// The result of one run.
struct ScriptResult {
  ScriptOutcome outcome = ScriptOutcome::FailedToStart;
  int exit_status = -1;  ///< Exited: the status
  int signal = 0;        ///< Signaled/TimedOut/Cancelled: the signal that ended the process
  int error = 0;         ///< FailedToStart: errno (EAGAIN: queue full, ECANCELED: stopped)
  pid_t pid = 0;         ///< the child's pid (0 if none was created)
  Duration elapsed{};    ///< from start (not queueing) to reaping
  std::string output;    ///< captured stdout+stderr (ScriptSpec::capture_limit)
  bool output_truncated = false;

  /// Exited with status 0.
  bool succeeded() const { return outcome == ScriptOutcome::Exited && exit_status == 0; }
  /// A short description for logs: "exited with status 1", "timed out", "killed by signal 9
  /// (Killed)", "failed to start: Permission denied".
  std::string describe() const;
};

/// A ScriptRunner's counters since construction.
struct ScriptRunnerStats {
  std::uint64_t started = 0;          ///< children created
  std::uint64_t failed_to_start = 0;  ///< includes exec failures and a full queue
  std::uint64_t exited = 0;           ///< reaped after exit(), any status
  std::uint64_t signaled = 0;
  std::uint64_t timed_out = 0;
  std::uint64_t cancelled = 0;
  std::size_t running = 0;            ///< now
  std::size_t queued = 0;             ///< now
  std::size_t max_running_seen = 0;
  std::uint64_t waited = 0;           ///< requests that had to wait for a slot
  std::uint64_t full_episodes = 0;    ///< times the runner became full
};

/// Runs scripts; one per daemon, living as long as the io_context it uses.
class ScriptRunner {
 public:
  struct Options {
    std::size_t max_running = 256;    ///< children alive at once
    std::size_t max_queued = 100000;  ///< requests waiting for a slot
    Duration kill_grace = std::chrono::seconds(2);  ///< SIGTERM -> SIGKILL of a group
    /// Called (on the loop) when the runner becomes full (a request has to wait: `true`)
    /// and when its queue has drained again (`false`): for a log line.
    std::function<void(bool full, const ScriptRunnerStats&)> on_full;
  };

  /// Counters since construction.
  using Stats = ScriptRunnerStats;

  /// A runner with default options on `io` (which must outlive it).
  explicit ScriptRunner(boost::asio::io_context& io) : ScriptRunner(io, Options{}) {}
  /// A runner with `opts` on `io` (which must outlive it).
  ScriptRunner(boost::asio::io_context& io, Options opts);
  /// Kills (SIGKILL) and reaps every child still running, completes queued and running
  /// requests with Cancelled/FailedToStart(ECANCELED) (posted, never inline).
  ~ScriptRunner();
  ScriptRunner(const ScriptRunner&) = delete;
  ScriptRunner& operator=(const ScriptRunner&) = delete;

  /// Runs `spec`; completes with `void(ScriptResult)`. Any Asio completion token: a
  /// callback, `boost::asio::use_awaitable`, `deferred`... The handler is never called from
  /// inside async_run().
  template <class CompletionToken>
  auto async_run(ScriptSpec spec, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(ScriptResult)>(
        [this](auto handler, ScriptSpec s) {
          start(std::move(s), boost::asio::any_completion_handler<void(ScriptResult)>(
                                  std::move(handler)));
        },
        token, std::move(spec));
  }

  /// Sends `signo` to the process group of every running child (keepalived sends SIGTERM to
  /// its scripts when it stops) and fails every queued request with ECANCELED. Running
  /// children complete as they exit; after kill_grace the survivors get SIGKILL.
  void stop(int signo = 15 /* SIGTERM */);

  /// Counters.
  const Stats& stats() const { return stats_; }

  /// The environment every script gets: PATH=kScriptPath, then `extra`.
  static std::vector<std::string> clean_environment(const std::vector<std::string>& extra);

 private:
  struct Child;
  struct Pending;
  void start(ScriptSpec spec, boost::asio::any_completion_handler<void(ScriptResult)> handler);
  void launch(std::unique_ptr<Pending> p);
  void finished(Child& c);
  void start_queued();

  boost::asio::io_context& io_;
  Options opts_;
  Stats stats_;
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace stayalived::notify
