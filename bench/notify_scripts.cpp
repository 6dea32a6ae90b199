// How fast the script runner starts and reaps scripts, and what a start costs the event
// loop. Prints figures; asserts nothing (timing goals live here, not in unit tests).
//
//   build/release/bin/bench_notify_scripts [scripts] [concurrency] [resident MiB]
//
// 1. loop cost: wall time of one async_run() that starts a child (clone+exec), i.e. how long
//    the loop is held per script, compared with fork()+exec+_exit in the same process;
// 2. throughput: /bin/true scripts per second with bounded concurrency, and CPU per script.
// The resident size matters for fork() (page tables are copied), not for our clone(CLONE_VM).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "stayalived/notify/script_runner.hpp"

using namespace stayalived::notify;
using Clock = std::chrono::steady_clock;

namespace {

double cpu_seconds() {
  rusage self{};
  rusage kids{};
  ::getrusage(RUSAGE_SELF, &self);
  ::getrusage(RUSAGE_CHILDREN, &kids);
  auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return s(self.ru_utime) + s(self.ru_stime) + s(kids.ru_utime) + s(kids.ru_stime);
}

double self_cpu_seconds() {
  rusage self{};
  ::getrusage(RUSAGE_SELF, &self);
  auto s = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return s(self.ru_utime) + s(self.ru_stime);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size())))];
}

}  // namespace

int main(int argc, char** argv) {
  const int scripts = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int concurrency = argc > 2 ? std::atoi(argv[2]) : 32;
  const int resident_mib = argc > 3 ? std::atoi(argv[3]) : 256;

  // A daemon with a realistic resident size (touched, so the pages are really mapped).
  std::vector<char> ballast(static_cast<std::size_t>(resident_mib) << 20);
  for (std::size_t i = 0; i < ballast.size(); i += 4096) ballast[i] = 1;

  boost::asio::io_context io;
  ScriptSpec spec;
  spec.argv = {"/bin/true"};

  // 1. Loop cost of one start, ours versus fork().
  {
    ScriptRunner runner(io);
    std::vector<double> ours;
    for (int i = 0; i < 200; ++i) {
      const auto t0 = Clock::now();
      runner.async_run(spec, [](ScriptResult) {});
      ours.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      io.run();
      io.restart();
    }
    std::vector<double> forked;
    for (int i = 0; i < 200; ++i) {
      const auto t0 = Clock::now();
      const pid_t pid = ::fork();
      if (pid == 0) {
        char* const args[] = {const_cast<char*>("/bin/true"), nullptr};
        ::execv("/bin/true", args);
        ::_exit(127);
      }
      forked.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
    std::printf("resident ballast: %d MiB\n", resident_mib);
    std::printf("loop held per start: runner (clone+exec) median %.0f us, p99 %.0f us; "
                "fork() alone median %.0f us, p99 %.0f us\n",
                median(ours), percentile(ours, 0.99), median(forked), percentile(forked, 0.99));
  }

  // 2. Throughput.
  {
    ScriptRunner::Options opts;
    opts.max_running = static_cast<std::size_t>(concurrency);
    ScriptRunner runner(io, opts);
    int ok = 0;
    const double cpu0 = cpu_seconds();
    const double self0 = self_cpu_seconds();
    const auto t0 = Clock::now();
    for (int i = 0; i < scripts; ++i)
      runner.async_run(spec, [&](ScriptResult r) { ok += r.succeeded() ? 1 : 0; });
    io.run();
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    const double cpu = cpu_seconds() - cpu0;
    const double self = self_cpu_seconds() - self0;
    std::printf("%d scripts (/bin/true), concurrency %d: %.2f s, %.0f scripts/s, %d ok; "
                "CPU per script %.0f us total, %.0f us in the daemon\n",
                scripts, concurrency, wall, scripts / wall, ok, cpu / scripts * 1e6,
                self / scripts * 1e6);
  }
  return 0;
}
