#include "stayalived/common/file_watcher.hpp"

#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace stayalived {

namespace {
// "dir/name" -> {"dir", "name"}; a bare name lives in "."; "/name" in "/".
std::pair<std::string, std::string> split_path(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}
}  // namespace

FileWatcher::FileWatcher(boost::asio::io_context& io) : sd_(io) {}
FileWatcher::~FileWatcher() { close(); }

Result<> FileWatcher::watch(const std::string& path) {
  if (!sd_.is_open()) {
    const int fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) return Unexpected(Error{std::string("inotify_init1: ") + std::strerror(errno), errno});
    sd_.assign(fd);
    wait();
  }
  auto [dir, base] = split_path(path);
  const int wd = ::inotify_add_watch(sd_.native_handle(), dir.c_str(),
                                     IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE |
                                         IN_DELETE_SELF | IN_MOVE_SELF);
  if (wd < 0) return Unexpected(Error{"cannot watch " + dir + ": " + std::strerror(errno), errno});
  dirs_[wd] = dir;
  if (paths_.insert(path).second) files_.emplace(dir, std::make_pair(base, path));
  return {};
}

void FileWatcher::wait() {
  sd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;  // closed: touch nothing
    drain();
    if (sd_.is_open()) wait();
  });
}

void FileWatcher::drain() {
  alignas(inotify_event) char buf[4096];
  std::set<std::string> changed, lost;
  for (int i = 0; i < 16; ++i) {
    const auto n = ::read(sd_.native_handle(), buf, sizeof buf);
    if (n <= 0) break;
    for (char* p = buf; p < buf + n;) {
      auto* ev = reinterpret_cast<inotify_event*>(p);
      p += sizeof(inotify_event) + ev->len;
      if (ev->mask & IN_Q_OVERFLOW) {
        changed.insert(paths_.begin(), paths_.end());
        continue;
      }
      const auto d = dirs_.find(ev->wd);
      if (d == dirs_.end()) continue;
      if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) lost.insert(d->second);
      if (ev->len == 0) continue;
      const std::string base(ev->name);
      auto [first, last] = files_.equal_range(d->second);
      for (auto it = first; it != last; ++it)
        if (it->second.first == base) changed.insert(it->second.second);
    }
  }
  for (const auto& path : changed)
    if (handler_) handler_(path);
  for (const auto& dir : lost)
    if (lost_) lost_(dir);
}

void FileWatcher::close() {
  if (!sd_.is_open()) return;
  boost::system::error_code ec;
  sd_.cancel(ec);
  sd_.close(ec);
  dirs_.clear();
  files_.clear();
  paths_.clear();
}

}  // namespace stayalived
