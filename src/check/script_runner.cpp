// ProcessRunner: fork/exec with a pidfd.
//
// Control flow of run(): resolve the user and the program path (before fork: the child only
// makes async-signal-safe calls), fork, open a pidfd for the child, then wait for the pidfd
// to become readable (the child exited) or for the timeout, whichever first. On timeout the
// child's process group is killed and the exit is awaited for a bounded grace period; a
// child that still does not go away is counted and left to the kernel (never blocks).
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cerrno>
#include <vector>

#include "stayalived/check/script.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

constexpr auto kKillGrace = std::chrono::seconds(2);
constexpr const char* kPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct Identity {
  bool change = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// getpwnam_r/getgrnam_r: user and group names to ids; false if unknown.
bool resolve_identity(const std::string& user, const std::string& group, Identity& id) {
  if (user.empty()) return true;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* pwp = nullptr;
  if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &pwp) != 0 || pwp == nullptr) return false;
  id.change = true;
  id.uid = pw.pw_uid;
  id.gid = pw.pw_gid;
  if (!group.empty()) {
    struct group gr{};
    struct group* grp = nullptr;
    if (::getgrnam_r(group.c_str(), &gr, buf.data(), buf.size(), &grp) != 0 || grp == nullptr) return false;
    id.gid = gr.gr_gid;
  }
  return true;
}

// Candidate paths for execve: the program itself if it has a '/', else each PATH entry.
std::vector<std::string> candidates(const std::string& prog) {
  if (prog.find('/') != std::string::npos) return {prog};
  std::vector<std::string> out;
  std::string_view path = kPath;
  while (!path.empty()) {
    const auto colon = path.find(':');
    out.push_back(std::string(path.substr(0, colon)) + "/" + prog);
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return out;
}

// The child reports a failure before exec through `err_fd` (close-on-exec: a successful
// exec closes it, so the parent reads nothing).
[[noreturn]] void child_failed(int err_fd, int err) {
  [[maybe_unused]] auto n = ::write(err_fd, &err, sizeof err);
  ::_exit(127);
}

[[noreturn]] void exec_child(const Identity& id, const std::vector<std::string>& paths,
                             char* const* argv, char* const* envp, int err_fd) {
  // Only async-signal-safe calls from here on.
  ::setpgid(0, 0);  // own process group: a timeout kills the script and its children
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  if (::dup2(err_fd, 3) != 3) ::_exit(127);
  ::fcntl(3, F_SETFD, FD_CLOEXEC);
  err_fd = 3;
  const int null = ::open("/dev/null", O_RDWR);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
  }
  ::close_range(4, ~0U, 0);
  if (id.change) {
    if (::setgroups(0, nullptr) != 0 && errno != EPERM) child_failed(err_fd, errno);
    if (::setgid(id.gid) != 0 || ::setuid(id.uid) != 0) child_failed(err_fd, errno);
  }
  int err = ENOENT;
  for (const auto& p : paths) {
    ::execve(p.c_str(), argv, envp);
    if (errno != ENOENT) err = errno;
  }
  child_failed(err_fd, err);
}

}  // namespace

asio::awaitable<ScriptExit> ProcessRunner::run(const ScriptDef& script, Duration timeout) {
  if (script.argv.empty()) co_return ScriptExit{ScriptExit::Kind::SpawnFailed, EINVAL};
  Identity id;
  const std::string& user = script.user.empty() ? default_user_ : script.user;
  const std::string& group = script.user.empty() ? default_group_ : script.group;
  if (!resolve_identity(user, group, id)) co_return ScriptExit{ScriptExit::Kind::SpawnFailed, ENOENT};

  const std::vector<std::string> paths = candidates(script.argv[0]);
  std::vector<char*> argv;
  for (const auto& a : script.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::string path_env = std::string("PATH=") + kPath;
  char* envp[] = {path_env.data(), nullptr};

  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    co_return ScriptExit{ScriptExit::Kind::SpawnFailed, errno};
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    co_return ScriptExit{ScriptExit::Kind::SpawnFailed, err};
  }
  if (pid == 0) exec_child(id, paths, argv.data(), envp, err_pipe[1]);
  ::close(err_pipe[1]);
  struct PipeCloser {
    int fd;
    ~PipeCloser() { ::close(fd); }
  } err_reader{err_pipe[0]};

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) {
    // No pidfd (kernel < 5.3): kill and reap synchronously rather than leak a zombie.
    const int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    co_return ScriptExit{ScriptExit::Kind::SpawnFailed, err};
  }
  auto ex = co_await asio::this_coro::executor;
  asio::posix::stream_descriptor pd(ex, pidfd);
  asio::steady_timer timer(ex);

  // Waits for the exit or the timer, whichever first; true if the child exited.
  auto wait_exit = [&](Duration limit) -> asio::awaitable<bool> {
    timer.expires_after(limit);
    auto [order, ec_exit, ec_timer] =
        co_await asio::experimental::make_parallel_group(
            pd.async_wait(asio::posix::stream_descriptor::wait_read, asio::deferred),
            timer.async_wait(asio::deferred))
            .async_wait(asio::experimental::wait_for_one(), asio::use_awaitable);
    (void)ec_timer;
    co_return order[0] == 0 && !ec_exit;
  };

  ScriptExit result;
  bool exited = co_await wait_exit(timeout);
  if (!exited) {
    // Like keepalived: SIGTERM to the process group (the script and what it started), then
    // SIGKILL to whatever is left after a grace period.
    result.kind = ScriptExit::Kind::TimedOut;
    ::kill(-pid, SIGTERM);
    exited = co_await wait_exit(kKillGrace);
    if (!exited) {
      ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
      ::kill(-pid, SIGKILL);
      exited = co_await wait_exit(kKillGrace);
    }
    if (!exited) {
      ++unreaped_;
      co_return result;  // the descriptor closes; the zombie stays until the kernel frees it
    } else {
      ::kill(-pid, SIGKILL);  // children of the script that ignored SIGTERM
    }
  }
  siginfo_t info{};
  if (::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED) != 0) {
    ++unreaped_;
    co_return ScriptExit{ScriptExit::Kind::SpawnFailed, errno};
  }
  if (result.kind == ScriptExit::Kind::TimedOut) co_return result;
  if (int err = 0; ::read(err_reader.fd, &err, sizeof err) == static_cast<ssize_t>(sizeof err))
    co_return ScriptExit{ScriptExit::Kind::SpawnFailed, err};  // exec or setuid failed
  if (info.si_code == CLD_EXITED) co_return ScriptExit{ScriptExit::Kind::Exited, info.si_status};
  co_return ScriptExit{ScriptExit::Kind::Signaled, info.si_status};
}

}  // namespace stayalived::check
