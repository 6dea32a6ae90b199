#include "stayalived/notify/fifo.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace stayalived::notify {

NotifyFifo::NotifyFifo(Options opts, std::optional<log::Channel> log)
    : opts_(std::move(opts)), log_(log) {}

NotifyFifo::~NotifyFifo() { close(); }

NotifyFifo::NotifyFifo(NotifyFifo&& other) noexcept
    : opts_(std::move(other.opts_)),
      log_(other.log_),
      fd_(std::exchange(other.fd_, -1)),
      stats_(other.stats_),
      drop_log_(other.drop_log_) {}

NotifyFifo& NotifyFifo::operator=(NotifyFifo&& other) noexcept {
  if (this != &other) {
    close();
    opts_ = std::move(other.opts_);
    log_ = other.log_;
    fd_ = std::exchange(other.fd_, -1);
    stats_ = other.stats_;
    drop_log_ = other.drop_log_;
  }
  return *this;
}

Result<> NotifyFifo::open() {
  if (fd_ >= 0) return {};
  const char* path = opts_.path.c_str();
  if (opts_.path.empty()) return Unexpected{Error{"notify FIFO with an empty name", EINVAL}};
  struct stat st {};
  if (::lstat(path, &st) != 0) {
    if (errno != ENOENT)
      return Unexpected{Error{fmt::format("Cannot stat notify FIFO {}: {}", opts_.path,
                                          std::strerror(errno)), errno}};
    if (::mkfifo(path, opts_.create_mode) != 0 && errno != EEXIST)
      return Unexpected{Error{fmt::format("Unable to create notify FIFO {}: {}", opts_.path,
                                          std::strerror(errno)), errno}};
  }
  // O_NONBLOCK also makes open() refuse to wait; the fstat below rejects anything but a FIFO
  // (a symlink to one is followed, as keepalived does).
  const int fd = ::open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return Unexpected{Error{fmt::format("Unable to open notify FIFO {}: {}", opts_.path,
                                        std::strerror(errno)), errno}};
  if (::fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
    ::close(fd);
    return Unexpected{Error{fmt::format("Notify FIFO {} exists and is not a FIFO", opts_.path), EEXIST}};
  }
  if (opts_.owner && (st.st_uid != opts_.owner->uid || st.st_gid != opts_.owner->gid) &&
      ::fchown(fd, opts_.owner->uid, opts_.owner->gid) != 0) {
    const int err = errno;
    ::close(fd);
    return Unexpected{Error{fmt::format("Unable to set the owner of notify FIFO {}: {}",
                                        opts_.path, std::strerror(err)), err}};
  }
  fd_ = fd;
  return {};
}

void NotifyFifo::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

void NotifyFifo::dropped(const char* why) {
  if (!log_ || !drop_log_.allow(Clock::now())) return;
  const auto earlier = drop_log_.take_suppressed();
  if (earlier > 0)
    log_->warning("Notify FIFO {}: line dropped ({}); {} more drops not logged", opts_.path, why,
                  earlier);
  else
    log_->warning("Notify FIFO {}: line dropped ({})", opts_.path, why);
}

bool NotifyFifo::write_line(std::string_view line) {
  if (fd_ < 0) {
    ++stats_.lines_dropped_error;
    dropped("not open");
    return false;
  }
  if (line.size() + 1 > PIPE_BUF) {
    // Longer writes may be split by the kernel and torn by a concurrent writer or a full
    // pipe: a reader must only ever see whole lines.
    ++stats_.lines_dropped_too_long;
    dropped("line too long");
    return false;
  }
  char buf[PIPE_BUF];
  std::memcpy(buf, line.data(), line.size());
  buf[line.size()] = '\n';
  const std::size_t n = line.size() + 1;
  ssize_t rc;
  do {
    rc = ::write(fd_, buf, n);
  } while (rc < 0 && errno == EINTR);
  if (rc == static_cast<ssize_t>(n)) {
    ++stats_.lines_written;
    stats_.bytes_written += n;
    return true;
  }
  if (rc < 0 && errno == EAGAIN) {  // EWOULDBLOCK is EAGAIN on Linux
    ++stats_.lines_dropped_full;
    dropped("the FIFO is full: its reader is slow or absent");
  } else {
    ++stats_.lines_dropped_error;
    dropped(rc < 0 ? std::strerror(errno) : "short write");
  }
  return false;
}

std::vector<std::string> fifo_script_argv(std::vector<std::string> configured,
                                          const std::string& fifo_path) {
  configured.push_back(fifo_path);
  return configured;
}

}  // namespace stayalived::notify
