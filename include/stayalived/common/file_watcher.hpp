// The one file watcher: files watched by path through their directories, so that a file
// created later, replaced by a rename or deleted is seen as well as one written in place
// (track_file, FILE_CHECK, reload_time_file). One inotify descriptor; Asio reports it
// readable, the events are read (a bounded number of reads per wake-up) and every watched
// path whose directory entry changed is reported once per batch, on the loop. An event
// overflow (IN_Q_OVERFLOW) reports every path: what changed is no longer known. (Asio: for
// the I/O shells only; the pure cores never include this.)
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "stayalived/common/expected.hpp"

namespace stayalived {

class FileWatcher {
 public:
  using Handler = std::function<void(const std::string& path)>;

  explicit FileWatcher(boost::asio::io_context& io);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  /// Watches `path` (its directory: the file need not exist yet).
  Result<> watch(const std::string& path);
  /// Called with each watched path that changed.
  void on_change(Handler h) { handler_ = std::move(h); }
  /// Called with a watched directory that was deleted or moved away (its paths are no
  /// longer watched).
  void on_lost(Handler h) { lost_ = std::move(h); }
  /// Stops watching everything; pending reports are dropped.
  void close();

 private:
  void wait();
  void drain();

  boost::asio::posix::stream_descriptor sd_;
  std::map<int, std::string> dirs_;                   // watch descriptor -> directory
  std::multimap<std::string, std::pair<std::string, std::string>> files_;  // directory -> (base name, path)
  std::set<std::string> paths_;
  Handler handler_;
  Handler lost_;
};

}  // namespace stayalived
