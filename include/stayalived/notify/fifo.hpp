// notify_fifo, vrrp_notify_fifo and lvs_notify_fifo: lines (see events.hpp) written to a
// named pipe that some reader (often the *_fifo_script) consumes.
//
// Like keepalived we open the FIFO read-write, so opening never waits for a reader, and
// lines written while no reader is there wait in the pipe (64 KiB by default) for the next
// one; like keepalived we create the FIFO if it is missing and leave it on exit. Unlike
// keepalived we never block: each line is one non-blocking write(2) of at most PIPE_BUF
// bytes, which the kernel performs whole or not at all; when the pipe is full (reader slow
// or absent) the line is dropped and counted, and a rate-limited warning is logged.
// Writing costs one system call on the loop; no Asio needed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/common/rate_limit.hpp"
#include "stayalived/notify/script_security.hpp"

namespace stayalived::notify {

/// One notify FIFO.
class NotifyFifo {
 public:
  struct Options {
    std::string path;                    ///< FIFO_NAME
    std::optional<Credentials> owner;    ///< [username [groupname]]: owner of the FIFO
    mode_t create_mode = 0600;           ///< for mkfifo(3), before the umask
  };

  /// Counters since construction.
  struct Stats {
    std::uint64_t lines_written = 0;
    std::uint64_t bytes_written = 0;
    std::uint64_t lines_dropped_full = 0;      ///< the pipe was full (reader slow or absent)
    std::uint64_t lines_dropped_too_long = 0;  ///< longer than PIPE_BUF with its newline
    std::uint64_t lines_dropped_error = 0;     ///< not open, or another write error
  };

  /// Nothing is opened until open(). `log`, if given, receives drop warnings.
  explicit NotifyFifo(Options opts, std::optional<log::Channel> log = std::nullopt);
  ~NotifyFifo();
  NotifyFifo(NotifyFifo&& other) noexcept;
  NotifyFifo& operator=(NotifyFifo&& other) noexcept;
  NotifyFifo(const NotifyFifo&) = delete;
  NotifyFifo& operator=(const NotifyFifo&) = delete;

  /// Creates the FIFO if `path` does not exist, refuses anything that is not a FIFO, opens
  /// it (O_RDWR | O_NONBLOCK | O_CLOEXEC) and gives it to `owner` if set. Opening an open
  /// FIFO again is a no-op.
  Result<> open();

  /// Closes our descriptor (the FIFO stays in the file system, as with keepalived).
  void close();

  /// Writes `line` and a newline. Returns false if the line was dropped (see Stats).
  bool write_line(std::string_view line);

  /// Whether open() succeeded and close() was not called since.
  bool is_open() const { return fd_ >= 0; }
  /// FIFO_NAME.
  const std::string& path() const { return opts_.path; }
  /// Counters.
  const Stats& stats() const { return stats_; }

 private:
  void dropped(const char* why);

  Options opts_;
  std::optional<log::Channel> log_;
  int fd_ = -1;
  Stats stats_;
  RateLimiter drop_log_{0.1, 3};
};

/// The FIFOs of global_defs, routed as keepalived does: VRRP lines go to notify_fifo and
/// vrrp_notify_fifo, checker (LVS) lines to notify_fifo and lvs_notify_fifo. Null members are
/// FIFOs that are not configured (or failed to open). keepalived.conf(5): the names must all
/// be different.
struct NotifyFifos {
  NotifyFifo* notify = nullptr;  ///< notify_fifo
  NotifyFifo* vrrp = nullptr;    ///< vrrp_notify_fifo
  NotifyFifo* lvs = nullptr;     ///< lvs_notify_fifo

  /// Writes a line from vrrp_fifo_line().
  void vrrp_line(std::string_view line) const {
    if (notify) notify->write_line(line);
    if (vrrp) vrrp->write_line(line);
  }
  /// Writes a line from lvs_vs_fifo_line() / lvs_rs_fifo_line().
  void lvs_line(std::string_view line) const {
    if (notify) notify->write_line(line);
    if (lvs) lvs->write_line(line);
  }
};

/// argv of a *_fifo_script: its configured argv with the FIFO path appended ("The FIFO
/// name will be passed to the script as the last parameter").
std::vector<std::string> fifo_script_argv(std::vector<std::string> configured,
                                          const std::string& fifo_path);

}  // namespace stayalived::notify
