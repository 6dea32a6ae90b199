// Watchers for track_file and vrrp_track_process.
//
// TrackFiles: the common FileWatcher (common/file_watcher.hpp) reports a tracked file that
// changed; it is read again and its value reported if it differs (keepalived: a number in
// text; a missing or unreadable file reads as 0).
//
// ProcessWatcher: keepalived's approach (keepalived.conf(5) "VRRP track processes"): one scan
// of /proc at start, then the kernel's process-events connector (NETLINK_CONNECTOR,
// CN_IDX_PROC) tells about exec, comm changes and exits, so only the process concerned is
// looked at. Each tracker counts its matching processes; the count against quorum and
// quorum_max, debounced by fork_delay / terminate_delay, gives up/down. If the connector
// cannot be used (no privilege, old kernel), /proc is rescanned every second instead.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/file_watcher.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::vrrp {

/// Reads a track_file value: the leading integer of the file, 0 if missing or unreadable.
std::int64_t read_track_file(const std::string& path);

/// track_file values, read again whenever their file changes (the common FileWatcher).
class TrackFiles {
 public:
  using Handler = std::function<void(const std::string& name, std::int64_t value)>;
  explicit TrackFiles(boost::asio::io_context& io) : watcher_(io) {}

  /// Starts watching `path` under `name`; returns its current value.
  Result<std::int64_t> add(const std::string& name, const std::string& path);
  /// Called with a track_file's new value when it changes.
  void on_change(Handler h) { handler_ = std::move(h); }
  void close() { watcher_.close(); }

 private:
  stayalived::FileWatcher watcher_;
  std::multimap<std::string, std::string> names_;  // path -> track_file names
  std::map<std::string, std::int64_t> last_;       // name -> last value reported
  Handler handler_;
};

/// Does the process `comm` / `argv` match a vrrp_track_process? (pure, for tests)
bool process_matches(const config::TrackProcess& tp, const std::string& comm, const std::vector<std::string>& argv);

/// Watches processes for vrrp_track_process blocks.
class ProcessWatcher {
 public:
  using Handler = std::function<void(const std::string& name, bool up)>;
  /// `bufs`: process_monitor_rcv_bufs[_force] for the connector socket.
  ProcessWatcher(boost::asio::io_context& io, config::RcvBufs bufs = {});
  ~ProcessWatcher();
  ProcessWatcher(const ProcessWatcher&) = delete;
  ProcessWatcher& operator=(const ProcessWatcher&) = delete;

  /// Sets the trackers (before start()).
  void add(const config::TrackProcess& tp);
  /// Scans /proc and starts listening; returns a warning text if it fell back to polling.
  std::optional<std::string> start();
  void on_change(Handler h) { handler_ = std::move(h); }
  /// Current status of a tracker.
  bool up(const std::string& name) const;
  std::size_t count(const std::string& name) const;
  void close();

 private:
  struct Tracker {
    config::TrackProcess cfg;
    std::set<pid_t> pids;
    bool up = false;
    bool pending = false;  // a delayed change is armed
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  void scan_all();
  void look_at(pid_t pid);
  void forget(pid_t pid);
  void evaluate(Tracker& t);
  void wait();
  void drain();
  void poll();

  boost::asio::io_context& io_;
  boost::asio::posix::stream_descriptor sd_;
  boost::asio::steady_timer poll_timer_;
  config::RcvBufs bufs_;
  std::vector<std::unique_ptr<Tracker>> trackers_;
  bool need_cmdline_ = false;
  bool polling_ = false;
  Handler handler_;
};

}  // namespace stayalived::vrrp
