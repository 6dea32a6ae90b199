// reload_time_file (keepalived.conf(5), global_defs): a reload scheduled for a time written
// in a file the daemon watches. The parser is pure; the watcher follows the file through
// the common FileWatcher (its directory) and arms a wall-clock timer.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/system_timer.hpp>

#include <array>
#include <chrono>
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "stayalived/common/file_watcher.hpp"
#include "stayalived/common/log.hpp"

namespace stayalived::daemon {

/// The first line of a reload time file: `HH:MM:SS`, `YY-MM-DD HH:MM:SS` or
/// `YYYY-MM-DD HH:MM:SS`, each optionally followed by `Z` (UTC; else local time). Exactly
/// these forms: no leading or trailing blanks, one space between date and time.
struct ReloadTimeSpec {
  std::optional<std::array<int, 3>> date;  ///< year (full), month 1-12, day 1-31
  int hour = 0, minute = 0, second = 0;
  bool utc = false;                        ///< trailing Z
};

/// Parses the first line; nullopt (with `error` set) if it is not exactly one of the forms.
std::optional<ReloadTimeSpec> parse_reload_time(std::string_view line, std::string* error = nullptr);

/// When the reload is due, seen at `now`: a date/time as written (possibly in the past,
/// which keepalived ignores); a time alone is its next occurrence (today if still ahead,
/// else tomorrow).
std::time_t reload_due(const ReloadTimeSpec& spec, std::time_t now);

/// Watches one reload time file and calls `on_reload` when its time comes. Creating or
/// changing the file (re)schedules, deleting it cancels. After the reload the file is
/// removed, unless `repeat` (reload_repeat). A file with a time in the past is ignored.
class ReloadTimeWatcher {
 public:
  ReloadTimeWatcher(boost::asio::io_context& io, log::Channel log, std::function<void()> on_reload);
  ~ReloadTimeWatcher();
  ReloadTimeWatcher(const ReloadTimeWatcher&) = delete;
  ReloadTimeWatcher& operator=(const ReloadTimeWatcher&) = delete;

  /// Starts watching `path` (absolute), or stops with nullopt. Called at start and after
  /// each reload with the configuration's reload_time_file and reload_repeat.
  void configure(const std::optional<std::string>& path, bool repeat);

  /// The time a reload is scheduled for, if any.
  std::optional<std::time_t> scheduled() const { return scheduled_; }

 private:
  void stop();
  void read_file();
  void arm(std::time_t when);

  boost::asio::io_context& io_;
  log::Channel log_;
  std::function<void()> on_reload_;
  FileWatcher watcher_;
  boost::asio::system_timer timer_;
  std::string path_;
  bool repeat_ = false;
  std::optional<std::time_t> scheduled_;
};

}  // namespace stayalived::daemon
