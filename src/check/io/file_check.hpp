// FILE_CHECK's input (private to src/check/io): the files its checkers read, watched with
// the common FileWatcher; a change of one triggers every checker that reads it. The probe
// itself is in file_check.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "stayalived/common/file_watcher.hpp"
#include "stayalived/common/log.hpp"

namespace stayalived::check {

class FileCheckWatch {
 public:
  FileCheckWatch(boost::asio::io_context& io, log::Channel log) : watcher_(io), log_(log) {}

  /// Watches exactly these (path, checker) pairs from now on.
  void watch(const std::vector<std::pair<std::string, std::uint32_t>>& files) {
    watcher_.close();
    by_path_.clear();
    for (const auto& [path, id] : files) {
      if (by_path_.count(path) == 0)
        if (auto r = watcher_.watch(path); !r) log_.error("track_file {}: {}", path, r.error().message);
      by_path_.emplace(path, id);
    }
    watcher_.on_change([this](const std::string& path) {
      auto [first, last] = by_path_.equal_range(path);
      for (auto it = first; it != last; ++it)
        if (on_change_) on_change_(it->second);
    });
  }
  /// Called with each checker whose file changed.
  void on_change(std::function<void(std::uint32_t id)> f) { on_change_ = std::move(f); }
  void close() { watcher_.close(); }

 private:
  FileWatcher watcher_;
  log::Channel log_;
  std::multimap<std::string, std::uint32_t> by_path_;
  std::function<void(std::uint32_t)> on_change_;
};

}  // namespace stayalived::check
