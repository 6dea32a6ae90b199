// The script runner against real processes: exit codes, signals, exec failures, timeouts
// that kill the whole process group, the clean environment, descriptors, signal state,
// credentials, concurrency, cancellation.
#include <doctest/doctest.h>

#include "../skip.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "stayalived/notify/script_runner.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;
using stayalived::notify::Credentials;
using stayalived::notify::ScriptOutcome;
using stayalived::notify::ScriptResult;
using stayalived::notify::ScriptRunner;
using stayalived::notify::ScriptSpec;

namespace {

ScriptSpec sh(const std::string& script, std::size_t capture = 0) {
  ScriptSpec s;
  s.argv = {"/bin/sh", "-c", script};
  s.capture_limit = capture;
  return s;
}

// Runs one spec to completion on a fresh loop.
ScriptResult run_one(ScriptSpec spec, ScriptRunner::Options opts = {}) {
  asio::io_context io;
  ScriptRunner runner(io, opts);
  std::optional<ScriptResult> got;
  runner.async_run(std::move(spec), [&](ScriptResult r) { got = std::move(r); });
  io.run();
  REQUIRE(got.has_value());
  return *got;
}

bool process_gone(pid_t pid) {
  // Gone, or a zombie waiting for init: either way it no longer runs.
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// The group was signalled when the run ended; a grandchild may take a moment to be
// scheduled and die on a loaded machine. Polls for at most 5 s.
bool gone_soon(pid_t pid) {
  for (int i = 0; i < 100; ++i) {
    if (process_gone(pid)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("runner: exit status, signals and exec failures are values") {
  auto ok = run_one(sh("exit 0"));
  CHECK(ok.outcome == ScriptOutcome::Exited);
  CHECK(ok.exit_status == 0);
  CHECK(ok.succeeded());
  CHECK(ok.pid > 0);

  auto three = run_one(sh("exit 3"));
  CHECK(three.outcome == ScriptOutcome::Exited);
  CHECK(three.exit_status == 3);
  CHECK_FALSE(three.succeeded());
  CHECK(three.describe() == "exited with status 3");

  auto killed = run_one(sh("kill -KILL $$"));
  CHECK(killed.outcome == ScriptOutcome::Signaled);
  CHECK(killed.signal == SIGKILL);

  ScriptSpec missing;
  missing.argv = {"/nonexistent/script.sh", "arg"};
  auto m = run_one(missing);
  CHECK(m.outcome == ScriptOutcome::FailedToStart);
  CHECK(m.error == ENOENT);
  CHECK(m.describe() == "failed to start: No such file or directory");

  char dir[] = "/tmp/sa_runner_XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string noexec = std::string(dir) + "/noexec.sh";
  std::ofstream(noexec) << "#!/bin/sh\nexit 0\n";
  ::chmod(noexec.c_str(), 0644);
  ScriptSpec ne;
  ne.argv = {noexec};
  auto n = run_one(ne);
  CHECK(n.outcome == ScriptOutcome::FailedToStart);
  // Root may "execute" a file without x bits only if some x bit is set: EACCES either way.
  CHECK(n.error == EACCES);
  ::unlink(noexec.c_str());
  ::rmdir(dir);

  ScriptSpec empty;
  auto e = run_one(empty);
  CHECK(e.outcome == ScriptOutcome::FailedToStart);
  CHECK(e.error == EINVAL);
}

TEST_CASE("runner: argv is passed verbatim, no shell involved") {
  ScriptSpec s;
  s.argv = {"/usr/bin/printf", "[%s]\\n", "a b", "$HOME", "*", "", "it's"};
  s.capture_limit = 4096;
  auto r = run_one(s);
  REQUIRE(r.succeeded());
  CHECK(r.output == "[a b]\n[$HOME]\n[*]\n[]\n[it's]\n");
}

TEST_CASE("runner: bounded capture of stdout and stderr") {
  auto r = run_one(sh("echo out; echo err >&2; echo out2", 4096));
  CHECK(r.succeeded());
  CHECK(r.output == "out\nerr\nout2\n");
  CHECK_FALSE(r.output_truncated);

  // 200 kB written, 100 bytes kept; the child is never blocked on a full pipe.
  auto big = run_one(sh("head -c 200000 /dev/zero | tr '\\0' x; echo done", 100));
  CHECK(big.succeeded());
  CHECK(big.output == std::string(100, 'x'));
  CHECK(big.output_truncated);

  // Without capture the output goes to /dev/null.
  auto none = run_one(sh("echo lost"));
  CHECK(none.output.empty());
}

TEST_CASE("runner: the environment is clean") {
  ::setenv("SA_SECRET_FROM_PARENT", "leak", 1);
  ScriptSpec s;
  s.argv = {"/usr/bin/env"};
  s.capture_limit = 4096;
  s.env = {"FOO=bar"};
  auto r = run_one(s);
  ::unsetenv("SA_SECRET_FROM_PARENT");
  REQUIRE(r.succeeded());
  CHECK(lines(r.output) ==
        std::vector<std::string>{std::string("PATH=") + stayalived::notify::kScriptPath, "FOO=bar"});

  CHECK(ScriptRunner::clean_environment({"PATH=/x", "A=1"}) ==
        std::vector<std::string>{"PATH=/x", "A=1"});
}

TEST_CASE("runner: no descriptor of ours leaks into the child") {
  // A descriptor opened without O_CLOEXEC, as a careless library would.
  const int leaky = ::open("/dev/null", O_RDONLY);
  REQUIRE(leaky >= 0);
  ScriptSpec s;
  s.argv = {"/bin/ls", "-1", "/proc/self/fd"};
  s.capture_limit = 4096;
  auto r = run_one(s);
  ::close(leaky);
  REQUIRE(r.succeeded());
  // 0, 1, 2 and the descriptor ls itself opened on /proc/self/fd.
  CHECK(lines(r.output) == std::vector<std::string>{"0", "1", "2", "3"});

  // stdin is /dev/null, stdout and stderr are the capture pipe.
  auto t = run_one(sh("readlink /proc/self/fd/0; readlink /proc/self/fd/1 | cut -c1-5", 4096));
  CHECK(lines(t.output) == std::vector<std::string>{"/dev/null", "pipe:"});
}

TEST_CASE("runner: signal mask and dispositions are not inherited, own process group") {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigaddset(&block, SIGHUP);
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  struct sigaction ign {};
  struct sigaction old_pipe {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old_pipe);

  ScriptSpec s;
  s.argv = {"/bin/grep", "-E", "^Sig(Blk|Ign):", "/proc/self/status"};
  s.capture_limit = 4096;
  auto r = run_one(s);
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  REQUIRE(r.succeeded());
  CHECK(lines(r.output) ==
        std::vector<std::string>{"SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"});

  // The script leads its own process group (keepalived: setpgid(0, 0)).
  ScriptSpec g;
  g.argv = {"/bin/cat", "/proc/self/stat"};
  g.capture_limit = 4096;
  auto gr = run_one(g);
  REQUIRE(gr.succeeded());
  const auto close = gr.output.rfind(')');
  std::istringstream fields(gr.output.substr(close + 2));
  std::string state, ppid, pgrp;
  fields >> state >> ppid >> pgrp;
  CHECK(pgrp == std::to_string(gr.pid));
  CHECK(ppid == std::to_string(::getpid()));
}

TEST_CASE("runner: timeout kills the process group, grandchildren included") {
  ScriptRunner::Options opts;
  opts.kill_grace = 300ms;
  // The script starts a background grandchild, prints its pid and waits. The timeout leaves
  // the shell ample time to get there even on a loaded machine (with 200 ms the test raced
  // the shell's own start-up under load).
  auto s = sh("sleep 60 & echo $!; sleep 60", 4096);
  s.timeout = 2s;
  auto r = run_one(s, opts);
  CHECK(r.outcome == ScriptOutcome::TimedOut);
  CHECK(r.signal == SIGTERM);
  CHECK(r.describe() == "timed out");
  const auto out = lines(r.output);
  REQUIRE(out.size() == 1);
  const pid_t grandchild = std::stoi(out[0]);
  CHECK(gone_soon(grandchild));

  // A group that ignores SIGTERM gets SIGKILL after the grace time, grandchildren too
  // (the ignored disposition is inherited by `sleep`).
  auto stubborn = sh("trap '' TERM; sleep 60 & echo $!; sleep 60", 4096);
  stubborn.timeout = 2s;
  auto k = run_one(stubborn, opts);
  CHECK(k.outcome == ScriptOutcome::TimedOut);
  CHECK(k.signal == SIGKILL);
  const auto kout = lines(k.output);
  REQUIRE(kout.size() == 1);
  CHECK(gone_soon(std::stoi(kout[0])));
}

TEST_CASE("runner: a script that exits in time leaves its background children alone") {
  auto s = sh("sleep 30 & echo $!", 4096);
  s.timeout = 5s;
  auto r = run_one(s);
  REQUIRE(r.succeeded());
  const pid_t bg = std::stoi(lines(r.output).at(0));
  CHECK_FALSE(process_gone(bg));
  ::kill(bg, SIGKILL);
}

TEST_CASE("runner: runs as another user (nobody)") {
  if (::geteuid() != 0) SA_SKIP("not root: credential switching not tested");
  auto s = sh("id -u; id -g; id -G", 4096);
  s.run_as = Credentials{65534, 65534};
  auto r = run_one(s);
  REQUIRE(r.succeeded());
  CHECK(lines(r.output) == std::vector<std::string>{"65534", "65534", "65534"});

  // A group other than the user's own, as `user nobody daemon`.
  s.run_as = Credentials{65534, 1};
  auto g = run_one(s);
  REQUIRE(g.succeeded());
  CHECK(lines(g.output) == std::vector<std::string>{"65534", "1", "1"});
}

TEST_CASE("runner: many scripts at once, bounded concurrency") {
  asio::io_context io;
  ScriptRunner::Options opts;
  opts.max_running = 8;
  ScriptRunner runner(io, opts);
  constexpr int kRuns = 200;
  int done = 0;
  int ok = 0;
  std::set<int> statuses;
  for (int i = 0; i < kRuns; ++i) {
    ScriptSpec s;
    s.argv = {"/bin/sh", "-c", "exit $1", "sh", std::to_string(i % 7)};
    runner.async_run(s, [&, i](ScriptResult r) {
      ++done;
      if (r.outcome == ScriptOutcome::Exited && r.exit_status == i % 7) ++ok;
      statuses.insert(r.exit_status);
    });
  }
  CHECK(runner.stats().running == 8);
  CHECK(runner.stats().queued == kRuns - 8);
  io.run();
  CHECK(done == kRuns);
  CHECK(ok == kRuns);
  CHECK(statuses.size() == 7);
  CHECK(runner.stats().started == kRuns);
  CHECK(runner.stats().max_running_seen == 8);
  CHECK(runner.stats().running == 0);
  CHECK(runner.stats().queued == 0);
}

TEST_CASE("runner: saturation is reported once when it starts and once when it ends, and counted") {
  asio::io_context io;
  ScriptRunner::Options opts;
  opts.max_running = 2;
  std::vector<std::pair<bool, std::size_t>> events;  // (full, running at the time)
  opts.on_full = [&](bool full, const stayalived::notify::ScriptRunnerStats& s) { events.emplace_back(full, s.running); };
  ScriptRunner runner(io, opts);
  int done = 0;
  for (int i = 0; i < 6; ++i) runner.async_run(sh("exit 0"), [&](ScriptResult) { ++done; });
  REQUIRE(events.size() == 1);
  CHECK(events[0] == std::make_pair(true, std::size_t{2}));
  io.run();
  CHECK(done == 6);
  REQUIRE(events.size() == 2);
  CHECK_FALSE(events[1].first);
  CHECK(runner.stats().waited == 4);
  CHECK(runner.stats().full_episodes == 1);
}

TEST_CASE("runner: a full queue refuses at once") {
  asio::io_context io;
  ScriptRunner::Options opts;
  opts.max_running = 1;
  opts.max_queued = 1;
  ScriptRunner runner(io, opts);
  std::vector<ScriptResult> results(3);
  for (int i = 0; i < 3; ++i)
    runner.async_run(sh("exit 0"), [&, i](ScriptResult r) { results[i] = r; });
  io.run();
  CHECK(results[0].succeeded());
  CHECK(results[1].succeeded());
  CHECK(results[2].outcome == ScriptOutcome::FailedToStart);
  CHECK(results[2].error == EAGAIN);
}

TEST_CASE("runner: awaitable form and cancellation") {
  asio::io_context io;
  ScriptRunner::Options opts;
  opts.kill_grace = 300ms;
  ScriptRunner runner(io, opts);
  std::optional<ScriptResult> first;
  std::optional<ScriptResult> raced;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        first = co_await runner.async_run(sh("echo hi", 64), asio::use_awaitable);
        // A script racing a timer: the timer wins, the script is cancelled and killed.
        using namespace asio::experimental::awaitable_operators;
        asio::steady_timer t(io, 100ms);
        auto r = co_await (runner.async_run(sh("sleep 60"), asio::use_awaitable) ||
                           t.async_wait(asio::use_awaitable));
        CHECK(r.index() == 1);
        co_return;
      },
      asio::detached);
  // Cancellation through a signal bound to a callback.
  asio::cancellation_signal cancel;
  runner.async_run(sh("sleep 60"),
                   asio::bind_cancellation_slot(cancel.slot(), [&](ScriptResult r) { raced = r; }));
  asio::steady_timer t(io, 50ms);
  t.async_wait([&](const boost::system::error_code&) { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  REQUIRE(first.has_value());
  CHECK(first->output == "hi\n");
  REQUIRE(raced.has_value());
  CHECK(raced->outcome == ScriptOutcome::Cancelled);
  CHECK(raced->signal == SIGTERM);
  CHECK(process_gone(raced->pid));
  CHECK(runner.stats().cancelled == 2);
}

TEST_CASE("runner: the loop keeps running while a script runs") {
  // The script can only finish after a handler on the loop has run: it waits for a file
  // that a timer handler creates. If running the script held the loop, this would end by
  // the script's timeout instead.
  char dir[] = "/tmp/sa_loop_XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string flag = std::string(dir) + "/go";
  asio::io_context io;
  ScriptRunner runner(io);
  std::vector<std::string> order;
  std::optional<ScriptResult> result;
  auto s = sh("while [ ! -e \"$1\" ]; do sleep 0.01; done", 0);
  s.argv.push_back("sh");
  s.argv.push_back(flag);
  s.timeout = 20s;
  runner.async_run(s, [&](ScriptResult r) {
    order.push_back("script");
    result = r;
  });
  asio::steady_timer t(io, 20ms);
  t.async_wait([&](const boost::system::error_code&) {
    order.push_back("timer");
    std::ofstream(flag) << "go";
  });
  io.run();
  ::unlink(flag.c_str());
  ::rmdir(dir);
  CHECK(order == std::vector<std::string>{"timer", "script"});
  REQUIRE(result.has_value());
  CHECK(result->succeeded());
}

TEST_CASE("runner: stop() terminates running scripts and drops queued ones") {
  asio::io_context io;
  ScriptRunner::Options opts;
  opts.max_running = 1;
  opts.kill_grace = 300ms;
  ScriptRunner runner(io, opts);
  std::vector<ScriptResult> results(2);
  runner.async_run(sh("sleep 60"), [&](ScriptResult r) { results[0] = r; });
  runner.async_run(sh("sleep 60"), [&](ScriptResult r) { results[1] = r; });
  asio::steady_timer t(io, 50ms);
  t.async_wait([&](const boost::system::error_code&) { runner.stop(); });
  io.run();
  CHECK(results[0].outcome == ScriptOutcome::Cancelled);
  CHECK(results[0].signal == SIGTERM);
  CHECK(results[1].outcome == ScriptOutcome::FailedToStart);
  CHECK(results[1].error == ECANCELED);
}

TEST_CASE("runner: destruction kills and reaps what still runs") {
  asio::io_context io;
  std::optional<ScriptResult> got;
  pid_t pid = 0;
  {
    ScriptRunner runner(io);
    runner.async_run(sh("sleep 60"), [&](ScriptResult r) { got = r; });
    io.run_for(50ms);
    REQUIRE(runner.stats().running == 1);
  }
  io.restart();
  io.run();
  REQUIRE(got.has_value());
  CHECK(got->outcome == ScriptOutcome::Cancelled);
  pid = got->pid;
  CHECK(pid > 0);
  // Reaped: not even a zombie of ours is left.
  CHECK(::kill(pid, 0) != 0);
}
