// Pid files: written when the daemon starts, removed when it stops, and a guard against two
// daemons sharing one pid file.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"

namespace stayalived::daemon {

/// An exclusively held pid file. The holder keeps an flock(2) on it for its whole life, so
/// a second daemon is refused without any race and without trusting a possibly reused pid.
/// A pid file without a lock (a crashed daemon, or one written by keepalived) is refused
/// only if the pid in it is a live keepalived or stayalived process other than us.
class PidFile {
 public:
  /// Takes `path`. Fails, naming the live daemon, if another one holds it.
  static Result<PidFile> acquire(const std::string& path);

  PidFile(PidFile&& other) noexcept;
  PidFile& operator=(PidFile&& other) noexcept;
  PidFile(const PidFile&) = delete;
  PidFile& operator=(const PidFile&) = delete;
  ~PidFile();

  /// Writes `pid` (after a fork, the child's) into the file.
  Result<> write(pid_t pid);

  /// Removes the file if it still is ours, and drops the lock.
  void release();

  const std::string& path() const { return path_; }

 private:
  PidFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_ = -1;
};

/// Where the pid files go, as keepalived 2.2.7 puts them (measured): in /run, named
/// keepalived.pid, vrrp.pid, checkers.pid and bfd.pid; with `instance NAME`, `use_pid_dir`
/// or a network namespace (-s or net_namespace), in the directory /run/keepalived (its
/// subdirectory NAMESPACE with a namespace), and with `instance NAME` named
/// keepalived_NAME.pid, vrrp_NAME.pid... A file given on the command line (-p, -r, -c, -b)
/// is used as given.
struct PidPaths {
  std::string parent_file, vrrp_file, checkers_file, bfd_file;
  /// The directories to create, outermost first ("/run/keepalived", then the namespace's);
  /// removed at exit when empty.
  std::vector<std::string> dirs;
};
PidPaths pid_paths(const std::string& given_parent, const std::string& given_vrrp, const std::string& given_checkers,
                   const std::string& given_bfd, const std::optional<std::string>& instance, bool use_pid_dir,
                   const std::string& net_namespace);

/// The pid recorded in `path`, if the file exists and holds a number.
std::optional<pid_t> read_pid(const std::string& path);

/// True if `pid` is a live process whose command is keepalived or stayalived.
bool is_live_daemon(pid_t pid);

}  // namespace stayalived::daemon
