#include "stayalived/daemon/pidfile.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace stayalived::daemon {

std::optional<pid_t> read_pid(const std::string& path) {
  std::ifstream in(path);
  long pid = 0;
  if (!(in >> pid) || pid <= 0) return std::nullopt;
  return static_cast<pid_t>(pid);
}

bool is_live_daemon(pid_t pid) {
  if (pid <= 0 || pid == getpid()) return false;
  if (kill(pid, 0) != 0 && errno != EPERM) return false;
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  // keepalived's children rename themselves (Keepalived_vrrp...), hence the prefix match.
  return name.starts_with("stayalived") || name.starts_with("keepalived") ||
         name.starts_with("Keepalived");
}

Result<PidFile> PidFile::acquire(const std::string& path) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return Unexpected(Error{fmt::format("cannot open pid file {}: {}", path, std::strerror(errno)),
                              errno});
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        const auto pid = read_pid(path);
        return Unexpected(Error{
            fmt::format("daemon is already running: pid {} holds the pid file {}",
                        pid ? std::to_string(*pid) : std::string("?"), path),
            EEXIST});
      }
      return Unexpected(Error{fmt::format("cannot lock pid file {}: {}", path, std::strerror(err)), err});
    }
    // The file may have been unlinked by its previous holder between our open and our lock;
    // then we locked an orphan inode: try again with the new file.
    struct stat by_fd {}, by_path {};
    if (::fstat(fd, &by_fd) != 0 || ::stat(path.c_str(), &by_path) != 0 ||
        by_fd.st_ino != by_path.st_ino || by_fd.st_dev != by_path.st_dev) {
      ::close(fd);
      continue;
    }
    // Not locked: a stale file, unless a daemon that does not lock (keepalived) lives.
    if (const auto pid = read_pid(path); pid && is_live_daemon(*pid)) {
      ::close(fd);
      return Unexpected(Error{
          fmt::format("daemon is already running: pid {} holds the pid file {}", *pid, path), EEXIST});
    }
    return PidFile(path, fd);
  }
  return Unexpected(Error{fmt::format("pid file {} keeps changing under us", path), EAGAIN});
}

PidFile::PidFile(PidFile&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
  other.fd_ = -1;
}

PidFile& PidFile::operator=(PidFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

PidFile::~PidFile() { release(); }

Result<> PidFile::write(pid_t pid) {
  const std::string text = std::to_string(pid) + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, text.data(), text.size(), 0) !=
                                      static_cast<ssize_t>(text.size()))
    return Unexpected(Error{fmt::format("cannot write pid file {}: {}", path_, std::strerror(errno)),
                            errno});
  return {};
}

void PidFile::release() {
  if (fd_ < 0) return;
  // Unlink while still holding the lock, so nobody sees our file without our lock.
  struct stat by_fd {}, by_path {};
  if (::fstat(fd_, &by_fd) == 0 && ::stat(path_.c_str(), &by_path) == 0 &&
      by_fd.st_ino == by_path.st_ino && by_fd.st_dev == by_path.st_dev)
    ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

PidPaths pid_paths(const std::string& given_parent, const std::string& given_vrrp, const std::string& given_checkers,
                   const std::string& given_bfd, const std::optional<std::string>& instance, bool use_pid_dir,
                   const std::string& net_namespace) {
  PidPaths p;
  std::string dir = "/run/";
  if (instance || use_pid_dir || !net_namespace.empty()) {
    dir = "/run/keepalived/";
    p.dirs.push_back("/run/keepalived");
    if (!net_namespace.empty()) {
      dir += net_namespace + "/";
      p.dirs.push_back("/run/keepalived/" + net_namespace);
    }
  }
  const std::string suffix = instance ? "_" + *instance : "";
  const auto path = [&](const std::string& given, const char* name) {
    return given.empty() ? dir + name + suffix + ".pid" : given;
  };
  p.parent_file = path(given_parent, "keepalived");
  p.vrrp_file = path(given_vrrp, "vrrp");
  p.checkers_file = path(given_checkers, "checkers");
  p.bfd_file = path(given_bfd, "bfd");
  return p;
}

}  // namespace stayalived::daemon
