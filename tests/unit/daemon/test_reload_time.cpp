#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "stayalived/daemon/reload_time.hpp"

using namespace stayalived;
using daemon::parse_reload_time;
using daemon::reload_due;
namespace fs = std::filesystem;

TEST_CASE("reload time formats are exactly keepalived's") {
  auto t = parse_reload_time("23:59:58");
  REQUIRE(t);
  CHECK_FALSE(t->date.has_value());
  CHECK(t->hour == 23);
  CHECK(t->minute == 59);
  CHECK(t->second == 58);
  CHECK_FALSE(t->utc);

  t = parse_reload_time("26-11-22 10:00:00Z");
  REQUIRE(t);
  CHECK(t->date == std::array<int, 3>{2026, 11, 22});
  CHECK(t->utc);
  t = parse_reload_time("2027-01-02 03:04:05");
  REQUIRE(t);
  CHECK(t->date == std::array<int, 3>{2027, 1, 2});

  std::string why;
  for (const char* bad : {" 10:00:00", "10:00:00 ", "10:00", "2026-11-22  10:00:00", "24:00:00",
                          "2026-13-01 10:00:00", "2026-11-22T10:00:00", "10:0a:00", "", "Z",
                          "10:00:00ZZ", "202-11-22 10:00:00"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(parse_reload_time(bad, &why).has_value());
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("a time alone is its next occurrence, a date is taken as written") {
  // 2026-11-22 12:00:00 UTC
  const std::time_t now = 1795348800;
  auto later = parse_reload_time("13:30:00Z");
  CHECK(reload_due(*later, now) == now + 5400);
  auto earlier = parse_reload_time("11:00:00Z");
  CHECK(reload_due(*earlier, now) == now + 23 * 3600);
  auto same = parse_reload_time("12:00:00Z");
  CHECK(reload_due(*same, now) == now + 24 * 3600);
  auto dated = parse_reload_time("2026-11-22 11:00:00Z");
  CHECK(reload_due(*dated, now) == now - 3600);  // in the past: the watcher ignores it
  auto short_year = parse_reload_time("26-11-23 12:00:00Z");
  CHECK(reload_due(*short_year, now) == now + 24 * 3600);
}

namespace {
std::string utc_hms(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return std::string(buf) + "Z";
}

// Runs the loop until `done` or 8 s have passed (the scheduled times are 1-2 s away).
void run_until(boost::asio::io_context& io, const bool& done) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(8);
  while (!done && std::chrono::steady_clock::now() < end) io.run_for(std::chrono::milliseconds(50));
}
}  // namespace

TEST_CASE("the watcher reloads at the time written, then removes the file") {
  const fs::path dir = fs::temp_directory_path() / ("sa-rt-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "reload.time";
  boost::asio::io_context io;
  log::Logger logger;
  bool reloaded = false;
  daemon::ReloadTimeWatcher w(io, log::Channel(logger, log::Source::Main), [&] { reloaded = true; });
  w.configure(file.string(), false);
  CHECK_FALSE(w.scheduled().has_value());

  // Created after the watch started: scheduled through inotify.
  const std::time_t when = std::time(nullptr) + 2;
  { std::ofstream(file) << utc_hms(when) << "\n"; }
  bool seen = false;
  boost::asio::steady_timer poll(io);
  std::function<void()> check = [&] {
    if (w.scheduled()) seen = true;
    if (!seen) {
      poll.expires_after(std::chrono::milliseconds(20));
      poll.async_wait([&](auto) { check(); });
    }
  };
  check();
  run_until(io, seen);
  REQUIRE(seen);
  CHECK(*w.scheduled() == when);
  run_until(io, reloaded);
  CHECK(reloaded);
  CHECK_FALSE(fs::exists(file));
  fs::remove_all(dir);
}

TEST_CASE("reload_repeat keeps the file, deleting it cancels, garbage and past times are ignored") {
  const fs::path dir = fs::temp_directory_path() / ("sa-rt2-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "reload.time";
  boost::asio::io_context io;
  log::Logger logger;
  int reloads = 0;
  daemon::ReloadTimeWatcher w(io, log::Channel(logger, log::Source::Main), [&] { ++reloads; });

  { std::ofstream(file) << "not a time\n"; }
  w.configure(file.string(), true);
  CHECK_FALSE(w.scheduled().has_value());

  { std::ofstream(file) << "2001-01-01 00:00:00Z\n"; }
  w.configure(file.string(), true);
  CHECK_FALSE(w.scheduled().has_value());

  // Scheduled, then the file is deleted: cancelled.
  { std::ofstream(file) << utc_hms(std::time(nullptr) + 2) << "\n"; }
  w.configure(file.string(), true);
  REQUIRE(w.scheduled().has_value());
  fs::remove(file);
  bool cancelled = false;
  boost::asio::steady_timer poll(io);
  std::function<void()> check = [&] {
    if (!w.scheduled()) cancelled = true;
    if (!cancelled) {
      poll.expires_after(std::chrono::milliseconds(20));
      poll.async_wait([&](auto) { check(); });
    }
  };
  check();
  run_until(io, cancelled);
  CHECK(cancelled);

  // With reload_repeat the file stays after the reload.
  { std::ofstream(file) << utc_hms(std::time(nullptr) + 1) << "\n"; }
  w.configure(file.string(), true);
  bool done = false;
  boost::asio::steady_timer t(io);
  std::function<void()> wait = [&] {
    if (reloads > 0) done = true;
    if (!done) {
      t.expires_after(std::chrono::milliseconds(20));
      t.async_wait([&](auto) { wait(); });
    }
  };
  wait();
  run_until(io, done);
  CHECK(reloads == 1);
  CHECK(fs::exists(file));
  fs::remove_all(dir);
}
