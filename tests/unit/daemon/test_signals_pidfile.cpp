#include <doctest/doctest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stayalived/daemon/pidfile.hpp"
#include "stayalived/daemon/signals.hpp"

using namespace stayalived::daemon;
namespace fs = std::filesystem;

TEST_CASE("--signum numbers are keepalived's") {
  CHECK(signal_number("RELOAD") == 1);
  CHECK(signal_number("STOP") == 15);
  CHECK(signal_number("DATA") == 10);
  CHECK(signal_number("STATS") == 12);
  CHECK(signal_number("STATS_CLEAR") == 63);
  CHECK(signal_number("JSON") == 36);
  CHECK_FALSE(signal_number("TDATA").has_value());
  CHECK_FALSE(signal_number("reload").has_value());
}

TEST_CASE("every handled signal maps to a function, and back") {
  for (int s : handled_signals()) {
    CAPTURE(s);
    const auto f = function_of(s);
    REQUIRE(f.has_value());
    if (s != SIGINT) CHECK(signal_number(name(*f)) == s);
  }
  CHECK(function_of(SIGINT) == SignalFunction::Stop);
  CHECK_FALSE(function_of(SIGPIPE).has_value());
}

namespace {
fs::path temp_pid_path(const char* tag) {
  return fs::temp_directory_path() / (std::string("sa-test-") + tag + "-" + std::to_string(getpid()) + ".pid");
}
}  // namespace

TEST_CASE("a pid file is written, refused to a second holder, and removed") {
  const auto path = temp_pid_path("a");
  fs::remove(path);
  {
    auto first = PidFile::acquire(path.string());
    REQUIRE(first.has_value());
    REQUIRE(first->write(getpid()).has_value());
    CHECK(read_pid(path.string()) == getpid());

    auto second = PidFile::acquire(path.string());
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().message.find("already running") != std::string::npos);
    CHECK(second.error().message.find(path.string()) != std::string::npos);
    CHECK(fs::exists(path));  // the refused attempt must not remove the holder's file
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a stale pid file is taken over") {
  const auto path = temp_pid_path("b");
  {
    std::ofstream(path) << "999999999\n";  // no such process
  }
  auto f = PidFile::acquire(path.string());
  REQUIRE(f.has_value());
  REQUIRE(f->write(getpid()).has_value());
  CHECK(read_pid(path.string()) == getpid());
  f->release();
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a pid file naming a live non-daemon process is stale") {
  // Our own pid is live, but a daemon never refuses itself; pid 1 is live but not keepalived.
  const auto path = temp_pid_path("c");
  { std::ofstream(path) << "1\n"; }
  auto f = PidFile::acquire(path.string());
  CHECK(f.has_value());
  CHECK_FALSE(is_live_daemon(getpid()));
}

TEST_CASE("the lock survives a fork and is held by the child") {
  const auto path = temp_pid_path("d");
  fs::remove(path);
  auto f = PidFile::acquire(path.string());
  REQUIRE(f.has_value());
  int pipefd[2];
  REQUIRE(pipe(pipefd) == 0);
  const pid_t child = fork();
  if (child == 0) {
    char c;
    (void)!read(pipefd[0], &c, 1);  // wait until the parent has tried
    _exit(0);
  }
  // The parent gives up its descriptor without unlinking, as main() does with _exit.
  // Simulate by checking that another acquisition fails while the child lives.
  auto other = PidFile::acquire(path.string());
  CHECK_FALSE(other.has_value());
  (void)!write(pipefd[1], "x", 1);
  int st = 0;
  waitpid(child, &st, 0);
  close(pipefd[0]);
  close(pipefd[1]);
}

TEST_CASE("pid paths: keepalived 2.2.7's names and places, by instance, use_pid_dir and namespace") {
  using stayalived::daemon::pid_paths;
  const auto plain = pid_paths("", "", "", "", std::nullopt, false, "");
  CHECK(plain.parent_file == "/run/keepalived.pid");
  CHECK(plain.vrrp_file == "/run/vrrp.pid");
  CHECK(plain.checkers_file == "/run/checkers.pid");
  CHECK(plain.bfd_file == "/run/bfd.pid");
  CHECK(plain.dirs.empty());
  const auto inst = pid_paths("", "", "", "", std::string("inst1"), false, "");
  CHECK(inst.parent_file == "/run/keepalived/keepalived_inst1.pid");
  CHECK(inst.vrrp_file == "/run/keepalived/vrrp_inst1.pid");
  CHECK(inst.dirs == std::vector<std::string>{"/run/keepalived"});
  const auto dir = pid_paths("", "", "", "", std::nullopt, true, "");
  CHECK(dir.parent_file == "/run/keepalived/keepalived.pid");
  CHECK(dir.checkers_file == "/run/keepalived/checkers.pid");
  const auto ns = pid_paths("", "", "", "", std::string("i5"), false, "blue");
  CHECK(ns.parent_file == "/run/keepalived/blue/keepalived_i5.pid");
  CHECK(ns.vrrp_file == "/run/keepalived/blue/vrrp_i5.pid");
  CHECK(ns.dirs == std::vector<std::string>{"/run/keepalived", "/run/keepalived/blue"});
  // What the command line gives is used as given.
  const auto given = pid_paths("/tmp/k.pid", "", "/tmp/c.pid", "", std::string("x"), false, "");
  CHECK(given.parent_file == "/tmp/k.pid");
  CHECK(given.vrrp_file == "/run/keepalived/vrrp_x.pid");
  CHECK(given.checkers_file == "/tmp/c.pid");
}
