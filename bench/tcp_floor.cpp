// tcp_floor: what a TCP_CHECK cannot cost less than on this machine. The same work as one
// TCP_CHECK (socket, non-blocking connect, wait for writability through epoll, close
// gracefully) in a plain loop without any framework: no scheduler, no state, no logging.
// check_scale.sh runs it against the same listener as the checkers under test; the CPU it
// spends per connection is the kernel's work for both ends of a loopback connection (which
// lands in the connecting process) plus the least possible user-space work.
//
//   tcp_floor ADDR COUNT PORT NPORTS RATE SECONDS
//     connects RATE times a second, for SECONDS, round-robin over the COUNT x NPORTS real
//     servers from ADDR:PORT (the listener's layout), in batches every 10 ms; prints
//     "floor connects=N failed=F user_us_per_check=U sys_us_per_check=S cpu_us_per_check=T".
//     The measurement starts after a warm-up of 2 s; every loop is bounded by SECONDS.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: tcp_floor ADDR COUNT PORT NPORTS RATE SECONDS\n");
    return 2;
  }
  in_addr base{};
  if (::inet_pton(AF_INET, argv[1], &base) != 1) {
    std::fprintf(stderr, "tcp_floor: bad address %s\n", argv[1]);
    return 2;
  }
  const unsigned naddr = static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10));
  const unsigned port0 = static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10));
  const unsigned nports = static_cast<unsigned>(std::strtoul(argv[4], nullptr, 10));
  const double rate = std::strtod(argv[5], nullptr);
  const double seconds = std::strtod(argv[6], nullptr);
  if (naddr == 0 || nports == 0 || rate <= 0 || seconds <= 2 || seconds > 3600) {
    std::fprintf(stderr, "tcp_floor: bad arguments\n");
    return 2;
  }
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return 1;

  const auto tick = std::chrono::milliseconds(10);
  const auto start = Clock::now();
  const auto measure_from = start + std::chrono::seconds(2);
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  const unsigned total = naddr * nports;
  unsigned next = 0;
  double owed = 0;
  unsigned long connects = 0, failed = 0;
  bool measuring = false;
  rusage r0{};
  auto next_tick = start;
  epoll_event events[256];
  while (Clock::now() < end) {
    if (!measuring && Clock::now() >= measure_from) {
      measuring = true;
      connects = failed = 0;
      ::getrusage(RUSAGE_SELF, &r0);
    }
    // A batch: this tick's share of RATE.
    owed += rate * std::chrono::duration<double>(tick).count();
    for (; owed >= 1; owed -= 1) {
      const unsigned i = next++ % total;
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_addr.s_addr = htonl(ntohl(base.s_addr) + i / nports);
      sa.sin_port = htons(static_cast<std::uint16_t>(port0 + i % nports));
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
      if (fd < 0) {
        ++failed;
        continue;
      }
      ++connects;
      if (::connect(fd, reinterpret_cast<const sockaddr*>(&sa), sizeof sa) == 0) {
        ::close(fd);
        continue;
      }
      if (errno != EINPROGRESS) {
        ++failed;
        ::close(fd);
        continue;
      }
      epoll_event ev{};
      ev.events = EPOLLOUT | EPOLLET | EPOLLONESHOT;
      ev.data.fd = fd;
      ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    // Harvest completions until the next tick (the kernel wakes us when one is ready).
    next_tick += tick;
    for (;;) {
      const auto now = Clock::now();
      if (now >= next_tick) break;
      const int wait_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(next_tick - now).count());
      const int n = ::epoll_wait(ep, events, 256, wait_ms);
      for (int k = 0; k < n; ++k) {
        if ((events[k].events & (EPOLLERR | EPOLLHUP)) != 0) ++failed;
        ::close(events[k].data.fd);
      }
      if (n == 0) {
        const auto left = next_tick - Clock::now();
        if (left > Clock::duration::zero()) std::this_thread::sleep_for(left);
      }
    }
  }
  rusage r1{};
  ::getrusage(RUSAGE_SELF, &r1);
  const double user = cpu_seconds(r1.ru_utime) - cpu_seconds(r0.ru_utime);
  const double sys = cpu_seconds(r1.ru_stime) - cpu_seconds(r0.ru_stime);
  const double n = connects > 0 ? static_cast<double>(connects) : 1;
  std::printf("floor connects=%lu failed=%lu user_us_per_check=%.1f sys_us_per_check=%.1f cpu_us_per_check=%.1f\n",
              connects, failed, user / n * 1e6, sys / n * 1e6, (user + sys) / n * 1e6);
  return 0;
}
