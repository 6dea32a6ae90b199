#include "stayalived/notify/script_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>

#include <fmt/format.h>

#include "spawn.hpp"

namespace stayalived::notify {

namespace asio = boost::asio;
using Handler = asio::any_completion_handler<void(ScriptResult)>;

std::string ScriptResult::describe() const {
  switch (outcome) {
    case ScriptOutcome::Exited:
      return fmt::format("exited with status {}", exit_status);
    case ScriptOutcome::Signaled:
      return fmt::format("killed by signal {} ({})", signal, ::strsignal(signal));
    case ScriptOutcome::TimedOut:
      return "timed out";
    case ScriptOutcome::Cancelled:
      return "cancelled";
    case ScriptOutcome::FailedToStart:
      return fmt::format("failed to start: {}", std::strerror(error));
  }
  return "unknown";
}

std::vector<std::string> ScriptRunner::clean_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env{std::string("PATH=") + kScriptPath};
  for (const auto& e : extra) {
    const auto eq = e.find('=');
    const std::string_view name(e.data(), eq == std::string::npos ? e.size() : eq + 1);
    bool replaced = false;
    for (auto& have : env) {
      if (std::string_view(have).substr(0, name.size()) == name) {
        have = e;
        replaced = true;
        break;
      }
    }
    if (!replaced) env.push_back(e);
  }
  return env;
}

struct ScriptRunner::Pending {
  ScriptSpec spec;
  Handler handler;
};

// A running child. Shared with the handlers of its pending operations; `runner` is cleared
// when the runner goes away, after which those handlers do nothing.
struct ScriptRunner::Child : std::enable_shared_from_this<Child> {
  Child(asio::io_context& io, std::unique_ptr<Pending> p)
      : req(std::move(p)), pidfd(io), out(io), timeout_timer(io), grace_timer(io) {}

  ScriptRunner* runner = nullptr;
  std::unique_ptr<Pending> req;
  pid_t pid = 0;
  asio::posix::stream_descriptor pidfd;
  asio::posix::stream_descriptor out;
  asio::steady_timer timeout_timer;
  asio::steady_timer grace_timer;
  TimePoint started{};
  std::string output;
  bool truncated = false;
  std::array<char, 4096> buf{};
  bool reaped = false;
  bool timed_out = false;
  bool cancelled = false;
  int kill_signal = 0;

  void append(std::size_t n) {
    const std::size_t limit = req->spec.capture_limit;
    const std::size_t room = output.size() < limit ? limit - output.size() : 0;
    output.append(buf.data(), n < room ? n : room);
    if (n > room) truncated = true;
  }

  // Signals the whole process group. After the leader is reaped the group may still hold
  // grandchildren; its id cannot be reused while they exist, so this stays safe.
  void signal_group(int signo) {
    if (pid > 0) ::kill(-pid, signo);
  }

  // Timeout or cancellation: SIGTERM now, SIGKILL to whatever is left after the grace time.
  void terminate(int signo, Duration grace) {
    if (kill_signal != 0) return;
    kill_signal = signo;
    signal_group(signo);
    grace_timer.expires_after(grace);
    grace_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      self->signal_group(SIGKILL);
    });
  }
};

struct ScriptRunner::State {
  std::vector<std::shared_ptr<Child>> running;
  std::deque<std::unique_ptr<Pending>> queue;
  int devnull = -1;
};

ScriptRunner::ScriptRunner(asio::io_context& io, Options opts)
    : io_(io), opts_(opts), state_(std::make_shared<State>()) {}

namespace {

void complete(asio::io_context& io, Handler handler, ScriptResult result) {
  auto slot = asio::get_associated_cancellation_slot(handler);
  if (slot.is_connected()) slot.clear();
  // Through the handler's own executor, never inline.
  asio::post(io, asio::append(std::move(handler), std::move(result)));
}

ScriptResult failed(int err) {
  ScriptResult r;
  r.outcome = ScriptOutcome::FailedToStart;
  r.error = err;
  return r;
}

}  // namespace

ScriptRunner::~ScriptRunner() {
  for (auto& p : state_->queue) complete(io_, std::move(p->handler), failed(ECANCELED));
  state_->queue.clear();
  for (auto& c : state_->running) {
    c->runner = nullptr;
    c->signal_group(SIGKILL);
    ScriptResult r;
    r.outcome = ScriptOutcome::Cancelled;
    r.signal = SIGKILL;
    r.pid = c->pid;
    if (c->pidfd.is_open()) {
      // Blocking wait for a SIGKILLed child (a non-blocking pidfd would answer EAGAIN).
      const int fd = c->pidfd.native_handle();
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
      siginfo_t si{};
      while (::waitid(P_PIDFD, static_cast<id_t>(fd), &si, WEXITED) != 0 && errno == EINTR) {
      }
    }
    boost::system::error_code ignored;
    c->pidfd.close(ignored);
    c->out.close(ignored);
    c->timeout_timer.cancel();
    c->grace_timer.cancel();
    r.elapsed = Clock::now() - c->started;
    r.output = std::move(c->output);
    complete(io_, std::move(c->req->handler), std::move(r));
  }
  state_->running.clear();
  if (state_->devnull >= 0) ::close(state_->devnull);
}

void ScriptRunner::start(ScriptSpec spec, Handler handler) {
  auto p = std::make_unique<Pending>(Pending{std::move(spec), std::move(handler)});
  if (state_->running.size() < opts_.max_running) {
    launch(std::move(p));
    return;
  }
  if (state_->queue.size() >= opts_.max_queued) {
    ++stats_.failed_to_start;
    complete(io_, std::move(p->handler), failed(EAGAIN));
    return;
  }
  // A queued request can be cancelled before it starts.
  auto slot = asio::get_associated_cancellation_slot(p->handler);
  if (slot.is_connected()) {
    Pending* raw = p.get();
    slot.assign([this, raw](asio::cancellation_type) {
      auto& q = state_->queue;
      for (auto it = q.begin(); it != q.end(); ++it) {
        if (it->get() != raw) continue;
        auto mine = std::move(*it);
        q.erase(it);
        stats_.queued = q.size();
        ++stats_.cancelled;
        ScriptResult r;
        r.outcome = ScriptOutcome::Cancelled;
        complete(io_, std::move(mine->handler), std::move(r));
        return;
      }
    });
  }
  const bool was_full = !state_->queue.empty();
  state_->queue.push_back(std::move(p));
  stats_.queued = state_->queue.size();
  ++stats_.waited;
  if (!was_full) {
    ++stats_.full_episodes;
    if (opts_.on_full) opts_.on_full(true, stats_);
  }
}

void ScriptRunner::launch(std::unique_ptr<Pending> p) {
  const ScriptSpec& spec = p->spec;
  if (spec.argv.empty() || spec.argv.front().empty()) {
    ++stats_.failed_to_start;
    complete(io_, std::move(p->handler), failed(EINVAL));
    return;
  }
  if (state_->devnull < 0) {
    state_->devnull = detail::move_above_stdio(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (state_->devnull < 0) {
      ++stats_.failed_to_start;
      complete(io_, std::move(p->handler), failed(errno));
      return;
    }
  }
  int pipe_rd = -1;
  int pipe_wr = -1;
  if (spec.capture_limit > 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      ++stats_.failed_to_start;
      complete(io_, std::move(p->handler), failed(errno));
      return;
    }
    pipe_rd = detail::move_above_stdio(fds[0]);
    pipe_wr = detail::move_above_stdio(fds[1]);
    if (pipe_rd < 0 || pipe_wr < 0) {
      const int err = errno;
      if (pipe_rd >= 0) ::close(pipe_rd);
      if (pipe_wr >= 0) ::close(pipe_wr);
      ++stats_.failed_to_start;
      complete(io_, std::move(p->handler), failed(err));
      return;
    }
    ::fcntl(pipe_rd, F_SETFL, ::fcntl(pipe_rd, F_GETFL) | O_NONBLOCK);
  }

  std::vector<char*> argv;
  argv.reserve(spec.argv.size() + 1);
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto env_strings = clean_environment(spec.env);
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (const auto& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  detail::SpawnRequest req;
  req.path = spec.argv.front().c_str();
  req.argv = argv.data();
  req.envp = envp.data();
  req.stdin_fd = state_->devnull;
  req.stdout_fd = pipe_wr >= 0 ? pipe_wr : state_->devnull;
  req.stderr_fd = pipe_wr >= 0 ? pipe_wr : state_->devnull;
  if (spec.run_as) {
    req.switch_credentials = true;
    req.uid = spec.run_as->uid;
    req.gid = spec.run_as->gid;
  }
  const TimePoint t0 = Clock::now();
  auto spawned = detail::spawn_child(req);
  if (pipe_wr >= 0) ::close(pipe_wr);
  if (!spawned) {
    if (pipe_rd >= 0) ::close(pipe_rd);
    ++stats_.failed_to_start;
    complete(io_, std::move(p->handler), failed(spawned.error()));
    return;
  }
  ++stats_.started;

  auto c = std::make_shared<Child>(io_, std::move(p));
  c->runner = this;
  c->pid = spawned->pid;
  c->started = t0;
  c->pidfd.assign(spawned->pidfd);
  if (pipe_rd >= 0) c->out.assign(pipe_rd);
  state_->running.push_back(c);
  stats_.running = state_->running.size();
  if (stats_.running > stats_.max_running_seen) stats_.max_running_seen = stats_.running;

  c->pidfd.async_wait(asio::posix::stream_descriptor::wait_read,
                      [c](const boost::system::error_code& ec) {
                        if (ec || !c->runner) return;
                        c->runner->finished(*c);
                      });

  if (c->out.is_open()) {
    // Capture loop: runs until EOF, an error, or the child is reaped (then the rest is
    // drained synchronously and the descriptor closed).
    struct Reader {
      std::shared_ptr<Child> c;
      void operator()(const boost::system::error_code& ec, std::size_t n) {
        if (!c->runner || c->reaped) return;
        if (n > 0) c->append(n);
        if (ec) {
          boost::system::error_code ignored;
          c->out.close(ignored);
          return;
        }
        c->out.async_read_some(asio::buffer(c->buf), std::move(*this));
      }
    };
    c->out.async_read_some(asio::buffer(c->buf), Reader{c});
  }

  const Duration timeout = c->req->spec.timeout;
  if (timeout > Duration::zero()) {
    c->timeout_timer.expires_after(timeout);
    c->timeout_timer.async_wait([c, grace = opts_.kill_grace](const boost::system::error_code& ec) {
      if (ec || !c->runner || c->reaped) return;
      c->timed_out = true;
      c->terminate(SIGTERM, grace);
    });
  }

  auto slot = asio::get_associated_cancellation_slot(c->req->handler);
  if (slot.is_connected()) {
    std::weak_ptr<Child> weak = c;
    slot.assign([weak, grace = opts_.kill_grace](asio::cancellation_type) {
      auto child = weak.lock();
      if (!child || !child->runner || child->reaped) return;
      child->cancelled = true;
      child->terminate(SIGTERM, grace);
    });
  }
}

void ScriptRunner::finished(Child& c) {
  siginfo_t si{};
  si.si_pid = 0;
  const int rc = ::waitid(P_PIDFD, static_cast<id_t>(c.pidfd.native_handle()), &si, WEXITED | WNOHANG);
  if (rc == 0 && si.si_pid == 0) {
    // Spurious readiness: wait again.
    auto self = c.shared_from_this();
    c.pidfd.async_wait(asio::posix::stream_descriptor::wait_read,
                       [self](const boost::system::error_code& ec) {
                         if (ec || !self->runner) return;
                         self->runner->finished(*self);
                       });
    return;
  }
  c.reaped = true;
  ScriptResult r;
  r.pid = c.pid;
  r.elapsed = Clock::now() - c.started;
  if (rc != 0) {
    // Cannot happen for our own child short of a bug; report it rather than hang.
    r.outcome = ScriptOutcome::FailedToStart;
    r.error = errno;
  } else if (si.si_code == CLD_EXITED) {
    r.outcome = ScriptOutcome::Exited;
    r.exit_status = si.si_status;
  } else {
    r.outcome = ScriptOutcome::Signaled;
    r.signal = si.si_status;
  }
  if (c.timed_out || c.cancelled) {
    if (r.outcome == ScriptOutcome::Signaled || r.outcome == ScriptOutcome::Exited) {
      if (r.outcome == ScriptOutcome::Signaled) r.signal = si.si_status;
      r.outcome = c.timed_out ? ScriptOutcome::TimedOut : ScriptOutcome::Cancelled;
    }
  }
  switch (r.outcome) {
    case ScriptOutcome::Exited: ++stats_.exited; break;
    case ScriptOutcome::Signaled: ++stats_.signaled; break;
    case ScriptOutcome::TimedOut: ++stats_.timed_out; break;
    case ScriptOutcome::Cancelled: ++stats_.cancelled; break;
    case ScriptOutcome::FailedToStart: ++stats_.failed_to_start; break;
  }

  // What the child wrote before it exited is in the pipe: take it now, bounded, and stop
  // listening (a grandchild may keep the pipe open for ever).
  if (c.out.is_open()) {
    const int fd = c.out.native_handle();
    for (int i = 0; i < 64; ++i) {
      const ssize_t n = ::read(fd, c.buf.data(), c.buf.size());
      if (n <= 0) break;
      c.append(static_cast<std::size_t>(n));
    }
    boost::system::error_code ignored;
    c.out.close(ignored);
  }
  r.output = std::move(c.output);
  r.output_truncated = c.truncated;

  boost::system::error_code ignored;
  c.pidfd.close(ignored);
  c.timeout_timer.cancel();
  // The grace timer stays armed after a timeout/cancel: it kills what is left of the group.

  auto self = c.shared_from_this();
  auto& running = state_->running;
  for (auto it = running.begin(); it != running.end(); ++it) {
    if (it->get() == &c) {
      running.erase(it);
      break;
    }
  }
  stats_.running = running.size();
  complete(io_, std::move(self->req->handler), std::move(r));
  self->runner = nullptr;
  start_queued();
}

void ScriptRunner::start_queued() {
  const bool was_full = !state_->queue.empty();
  while (!state_->queue.empty() && state_->running.size() < opts_.max_running) {
    auto p = std::move(state_->queue.front());
    state_->queue.pop_front();
    stats_.queued = state_->queue.size();
    auto slot = asio::get_associated_cancellation_slot(p->handler);
    if (slot.is_connected()) slot.clear();
    launch(std::move(p));
  }
  if (was_full && state_->queue.empty() && opts_.on_full) opts_.on_full(false, stats_);
}

void ScriptRunner::stop(int signo) {
  while (!state_->queue.empty()) {
    auto p = std::move(state_->queue.front());
    state_->queue.pop_front();
    ++stats_.failed_to_start;
    complete(io_, std::move(p->handler), failed(ECANCELED));
  }
  stats_.queued = 0;
  for (auto& c : state_->running) {
    c->cancelled = true;
    c->terminate(signo, opts_.kill_grace);
  }
}

}  // namespace stayalived::notify
