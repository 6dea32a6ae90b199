// bench_config_parse FILE [RUNS]: parses and validates FILE (and its includes) RUNS times
// (default 5) with the daemon's options, and prints the fastest wall time, the peak RSS of
// this process and the number of diagnostics. Figures only: no pass/fail.
#include <net/if.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "stayalived/config/load.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE [RUNS]\n", argv[0]);
    return 2;
  }
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  stayalived::config::LoadOptions opts;
  opts.interface_exists = [](std::string_view n) { return ::if_nametoindex(std::string(n).c_str()) != 0; };
  const auto cpu = [] {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  };
  double best = 1e9, best_cpu = 1e9;
  std::size_t diags = 0, vs_count = 0;
  for (int i = 0; i < runs; ++i) {
    const double c0 = cpu();
    const auto t0 = std::chrono::steady_clock::now();
    const auto r = stayalived::config::load_file(argv[1], opts);
    const auto t1 = std::chrono::steady_clock::now();
    best_cpu = std::min(best_cpu, cpu() - c0);
    best = std::min(best, std::chrono::duration<double>(t1 - t0).count());
    diags = r.diagnostics.size();
    vs_count = r.config ? r.config->virtual_servers.size() : 0;
    if (i == 0 && r.config)
      std::printf("loaded: %zu virtual servers, %zu vrrp instances\n", r.config->virtual_servers.size(),
                  r.config->vrrp_instances.size());
  }
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  std::printf("stayalived parse+validate: %.3f s wall, %.3f s CPU (best of %d), peak RSS %.1f MB, %zu diagnostics\n", best,
              best_cpu, runs, static_cast<double>(ru.ru_maxrss) / 1024.0, diags);
  return vs_count ? 0 : 1;
}
