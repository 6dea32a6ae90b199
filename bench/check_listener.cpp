// check_listener: the real servers of the checker benchmark in one process. Listens on
// every address x port of a range (e.g. 100 loopback addresses x 100 ports = 10,000 real
// servers), accepts each connection and closes it (or, with --http, answers one HTTP/1.0
// request first). It is the neutral witness of both checkers under test: it counts the
// checks that reach it and measures, per real server, how regular they are.
//
// Raw epoll, accept4 until EAGAIN, close: the witness must cost as little as possible, or
// its accept queues overflow and both checkers see SYN retransmits instead of their own
// lateness. --threads N splits the listeners over N threads.
//
//   check_listener ADDR COUNT PORT NPORTS [--http] [--period S] [--threads N] [--report FILE]
//     SIGUSR1: append "accepts=N window_s=T rate=R servers_seen=S late_p50_ms=..
//              late_p99_ms=.. late_max_ms=.." for the window since the previous SIGUSR1 to
//              FILE (or stdout), then start a new window. "late" is the interval between two
//              checks of the same real server minus --period (default 1 s).
//     SIGTERM/SIGINT: exit.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
std::atomic<bool> g_report{false};

struct Shared {
  std::mutex mu;
  std::uint64_t accepts = 0;
  std::vector<float> late_ms;
  std::vector<Clock::time_point> last;   // per server
  std::vector<unsigned char> seen;       // per server
  double period_ms = 1000;
};

const char kHttpReply[] =
    "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";

void serve(Shared& sh, const std::vector<int>& fds, std::size_t first_index, bool http) {
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (std::size_t i = 0; i < fds.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = first_index + i;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
  }
  std::vector<epoll_event> events(512);
  std::vector<float> late;
  std::uint64_t accepts = 0;
  while (!g_stop.load(std::memory_order_relaxed)) {
    const int n = ::epoll_wait(ep, events.data(), static_cast<int>(events.size()), 200);
    const auto now = Clock::now();
    for (int e = 0; e < n; ++e) {
      const std::size_t idx = events[static_cast<std::size_t>(e)].data.u64;
      const int lfd = fds[idx - first_index];
      for (;;) {
        const int c = ::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) break;
        ++accepts;
        if (http) {
          char buf[2048];
          // Short wait for the request; the checkers send it right after connecting.
          const ssize_t r = ::recv(c, buf, sizeof buf, 0);
          if (r > 0) [[maybe_unused]] auto w = ::send(c, kHttpReply, sizeof kHttpReply - 1, MSG_NOSIGNAL);
        }
        ::close(c);
        std::lock_guard<std::mutex> lock(sh.mu);
        if (sh.last[idx] != Clock::time_point{} && sh.late_ms.size() < 4'000'000)
          sh.late_ms.push_back(static_cast<float>(std::chrono::duration<double, std::milli>(now - sh.last[idx]).count() - sh.period_ms));
        sh.last[idx] = now;
        sh.seen[idx] = 1;
      }
    }
    if (accepts > 0) {
      std::lock_guard<std::mutex> lock(sh.mu);
      sh.accepts += accepts;
      accepts = 0;
    }
  }
  ::close(ep);
}

std::string report(Shared& sh, Clock::time_point& window_start) {
  std::lock_guard<std::mutex> lock(sh.mu);
  const double window = std::chrono::duration<double>(Clock::now() - window_start).count();
  std::sort(sh.late_ms.begin(), sh.late_ms.end());
  auto pct = [&](double p) {
    return sh.late_ms.empty() ? 0.0 : sh.late_ms[std::min(sh.late_ms.size() - 1, static_cast<std::size_t>(p * sh.late_ms.size()))];
  };
  const auto n_seen = std::count(sh.seen.begin(), sh.seen.end(), 1);
  char line[512];
  std::snprintf(line, sizeof line,
                "accepts=%llu window_s=%.1f rate=%.0f servers_seen=%ld late_p50_ms=%.1f late_p99_ms=%.1f "
                "late_max_ms=%.1f\n",
                static_cast<unsigned long long>(sh.accepts), window, static_cast<double>(sh.accepts) / window,
                static_cast<long>(n_seen), pct(0.5), pct(0.99), sh.late_ms.empty() ? 0.0 : static_cast<double>(sh.late_ms.back()));
  sh.accepts = 0;
  sh.late_ms.clear();
  std::fill(sh.seen.begin(), sh.seen.end(), 0);
  window_start = Clock::now();
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: check_listener ADDR COUNT PORT NPORTS [--http] [--period S] [--threads N] [--report FILE]\n");
    return 2;
  }
  in_addr base{};
  if (::inet_pton(AF_INET, argv[1], &base) != 1) return 2;
  const int count = std::stoi(argv[2]);
  const int port = std::stoi(argv[3]);
  const int nports = std::stoi(argv[4]);
  bool http = false;
  int threads = 1;
  std::string report_file;
  Shared sh;
  for (int i = 5; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--http") http = true;
    else if (a == "--period" && i + 1 < argc) sh.period_ms = std::stod(argv[++i]) * 1000;
    else if (a == "--threads" && i + 1 < argc) threads = std::max(1, std::stoi(argv[++i]));
    else if (a == "--report" && i + 1 < argc) report_file = argv[++i];
  }
  rlimit rl{};
  ::getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);

  std::vector<int> fds;
  for (int a = 0; a < count; ++a) {
    for (int p = 0; p < nports; ++p) {
      const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      const int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in sin{};
      sin.sin_family = AF_INET;
      sin.sin_addr.s_addr = htonl(ntohl(base.s_addr) + static_cast<std::uint32_t>(a));
      sin.sin_port = htons(static_cast<std::uint16_t>(port + p));
      if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 || ::listen(fd, 4096) != 0) {
        std::perror("check_listener: listen");
        return 1;
      }
      fds.push_back(fd);
    }
  }
  sh.last.assign(fds.size(), {});
  sh.seen.assign(fds.size(), 0);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);  // the workers inherit the mask; main takes them

  std::vector<std::thread> workers;
  const std::size_t per = (fds.size() + static_cast<std::size_t>(threads) - 1) / static_cast<std::size_t>(threads);
  for (std::size_t start = 0; start < fds.size(); start += per) {
    std::vector<int> part(fds.begin() + static_cast<std::ptrdiff_t>(start),
                          fds.begin() + static_cast<std::ptrdiff_t>(std::min(fds.size(), start + per)));
    workers.emplace_back([&sh, part, start, http] { serve(sh, part, start, http); });
  }
  std::fprintf(stderr, "check_listener: %zu servers listening\n", fds.size());

  auto window_start = Clock::now();
  for (;;) {
    int sig = 0;
    sigwait(&set, &sig);
    if (sig == SIGUSR1) {
      const std::string r = report(sh, window_start);
      if (report_file.empty()) {
        std::fputs(r.c_str(), stdout);
        std::fflush(stdout);
      } else {
        std::ofstream(report_file, std::ios::app) << r;
      }
      continue;
    }
    break;
  }
  g_stop = true;
  for (auto& w : workers) w.join();
  for (int fd : fds) ::close(fd);
  return 0;
}
