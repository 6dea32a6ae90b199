// FILE_CHECK: the number in a track_file decides (keepalived.conf(5) "Track files").
// With weight 0, a non-zero value means down. Otherwise value x weight (negated with
// `reverse`) is the status: with `dynamic` it is added to the real server's weight and the
// checker stays up; without, a negative status means down. A missing or unreadable file
// reads as 0. The runtime runs this probe when the file changes (inotify), not on a timer.
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/awaitable.hpp>

#include <array>
#include <cctype>
#include <limits>

#include "probe_base.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

// Reads the leading integer of the file (at most 64 bytes are read; no blocking on FIFOs).
std::int64_t read_value(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return 0;
  std::array<char, 64> buf{};
  const ssize_t n = ::read(fd, buf.data(), buf.size() - 1);
  ::close(fd);
  if (n <= 0) return 0;
  std::size_t i = 0;
  const auto len = static_cast<std::size_t>(n);
  while (i < len && std::isspace(static_cast<unsigned char>(buf[i]))) ++i;
  bool neg = false;
  if (i < len && (buf[i] == '-' || buf[i] == '+')) neg = buf[i++] == '-';
  std::int64_t v = 0;
  constexpr std::int64_t kLimit = std::numeric_limits<std::int32_t>::max();
  for (; i < len && std::isdigit(static_cast<unsigned char>(buf[i])); ++i) {
    v = v * 10 + (buf[i] - '0');
    if (v > kLimit) v = kLimit;  // keepalived's range is 32-bit
  }
  return neg ? -v : v;
}

class FileProbe final : public ProbeOf<FileCheck> {
 public:
  using ProbeOf::ProbeOf;
  bool event_driven() const override { return true; }
  std::string_view tracked_path() const override { return spec_.path; }

  asio::awaitable<CheckResult> run(ProbeContext&) override {
    const std::int64_t value = read_value(spec_.path);
    if (spec_.weight == 0)
      co_return value == 0 ? CheckResult::success()
                           : CheckResult::failure(Outcome::FileFault, static_cast<std::int32_t>(value));
    const std::int64_t status = value * spec_.weight * (spec_.reverse ? -1 : 1);
    if (spec_.dynamic) {
      CheckResult r = CheckResult::success();
      r.weight.delta = status;
      co_return r;
    }
    co_return status < 0 ? CheckResult::failure(Outcome::FileFault, static_cast<std::int32_t>(value))
                         : CheckResult::success();
  }
};

}  // namespace

std::unique_ptr<Probe> make_file_probe(const CheckerDef& d) { return std::make_unique<FileProbe>(d); }

}  // namespace stayalived::check
