// stayalived-ipvs-apply: drives the IPVS module as the daemon does, without its checkers,
// for the VM tests and the benchmark. Reads a keepalived.conf (config::load_file), keeps
// each real server's health as the commands below set it, builds every pool with the
// checkers' rules (check::compute_pool: membership, quorum, sorry server) and the desired
// table from them (ipvs::build_desired), starts the Reconciler (adopt or lvs_flush),
// applies, and reports what it sent. With --hold it then reads commands on
// stdin, one per line, and answers each with one line:
//   down VS_INDEX ADDR:PORT | up VS_INDEX ADDR:PORT   a health flip of one real server
//   reload FILE                                       a new config (health carried over)
//   resync                                            re-read the table, report drift
//   vrrp master | vrrp backup                         the lvs_sync_daemon's instance changed
//   stop                                              shutdown (removes what we own)
//   state                                             print our desired table
// With --dump it only prints the kernel's table as our backend reads it, every field,
// one line per object (a second oracle beside ipvsadm, which hides some fields);
// --dump-netns DIR NS... does that for several network namespaces into DIR/NS.dump.
// Answer: "ok executed=N confirmed=C writes=W ... failures=F ms=T", or "error MESSAGE".
#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "stayalived/check/from_config.hpp"
#include "stayalived/check/health.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/ipvs/backend.hpp"
#include "stayalived/ipvs/desired.hpp"
#include "stayalived/ipvs/from_config.hpp"
#include "stayalived/ipvs/reconciler.hpp"
#include "stayalived/ipvs/sync_daemon.hpp"

namespace check = stayalived::check;
namespace ipvs = stayalived::ipvs;
namespace slog = stayalived::log;

namespace {

// What the tool runs from a configuration: the IPVS side, and the checkers' view of every
// virtual server (its quorum rules and real servers), in the same (config) order.
struct Loaded {
  ipvs::IpvsConfig ipvs;
  std::vector<check::VirtualServerDef> checks;
};

// config::load_file, then both conversions; the loader's warnings go to stderr, as the
// daemon logs them.
stayalived::Expected<Loaded, std::string> load(const std::string& path) {
  auto r = stayalived::config::load_file(path);
  for (const auto& d : r.diagnostics) std::fprintf(stderr, "%s\n", d.format().c_str());
  if (!r.config) return stayalived::Unexpected(path + ": the configuration has errors");
  auto ic = ipvs::from_config(*r.config);
  if (!ic) return stayalived::Unexpected(ic.error());
  return Loaded{std::move(*ic), check::from_config(*r.config).virtual_servers};
}

// Health as the checkers would start it: up, unless a checker starts with alpha.
std::vector<check::PoolEntry> initial_entries(const check::VirtualServerDef& vs) {
  std::vector<check::PoolEntry> out;
  for (const auto& rs : vs.real_servers) {
    bool alive = true;
    for (const auto& c : rs.checkers) alive = alive && !c.timing.alpha;
    out.push_back(check::PoolEntry{rs.endpoint, rs.inhibit_on_failure, check::RealServerStatus{alive, rs.weight}});
  }
  return out;
}

class Session {
 public:
  Session(ipvs::Backend& backend, slog::Channel log, Loaded cfg, bool release)
      : backend_(backend), log_(log), cfg_(std::move(cfg.ipvs)), defs_(std::move(cfg.checks)) {
    auto opts = cfg_.options;
    opts.release_on_stop = release;
    reconciler_.emplace(backend_, log_, opts);
    for (const auto& w : cfg_.warnings) log_.warning("{}", w);
    for (const auto& vs : defs_) health_.push_back(Health{initial_entries(vs), false});
    if (cfg_.sync_daemon) sync_.emplace(backend_, log_, *cfg_.sync_daemon);
  }

  std::string start() {
    auto t0 = std::chrono::steady_clock::now();
    auto before = backend_.counters();
    if (auto r = reconciler_->start(desired()); !r) return "error " + r.error().message;
    if (sync_) {
      if (auto r = sync_->start(); !r) return "error sync daemon: " + r.error().message;
    }
    ipvs::Progress p = run();
    return report(p, before, t0);
  }

  std::string command(const std::string& line) {
    std::istringstream in(line);
    std::string cmd;
    in >> cmd;
    auto t0 = std::chrono::steady_clock::now();
    auto before = backend_.counters();
    if (cmd == "down" || cmd == "up") {
      std::size_t vs = 0;
      std::string rs;
      in >> vs >> rs;
      if (vs >= health_.size()) return "error no such virtual server";
      bool found = false;
      for (auto& e : health_[vs].entries) {
        if (e.endpoint.to_string() == rs) {
          e.status.alive = cmd == "up";
          found = true;
        }
      }
      if (!found) return "error no such real server " + rs;
      reconciler_->set_desired(desired());
      return report(run(), before, t0);
    }
    if (cmd == "reload") {
      std::string path;
      in >> path;
      auto c = load(path);
      if (!c) return "error " + c.error();
      double config_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      auto t1 = std::chrono::steady_clock::now();
      reload(std::move(*c));
      reconciler_->set_desired(desired());
      // ms: the IPVS part (desired state, plan, writes); config_ms: reading the file.
      return report(run(), before, t1) + fmt::format(" config_ms={:.1f}", config_ms);
    }
    if (cmd == "resync") {
      auto n = reconciler_->resync();
      if (!n) return "error " + n.error().message;
      auto p = run();
      return report(p, before, t0) + fmt::format(" drift={}", *n);
    }
    if (cmd == "vrrp") {
      std::string state;
      in >> state;
      if (!sync_) return "error no lvs_sync_daemon";
      if (auto r = sync_->on_vrrp_state(state == "master"); !r) return "error " + r.error().message;
      return report(ipvs::Progress{}, before, t0);
    }
    if (cmd == "stop") {
      if (sync_) (void)sync_->stop();
      return report(reconciler_->shutdown(), before, t0);
    }
    if (cmd == "state") {
      std::string out;
      for (const auto& [k, e] : reconciler_->desired().services) {
        out += k.to_string();
        for (const auto& [dk, d] : e.dests) out += fmt::format(" {}w{}", dk.to_string(), d.weight);
        out += ";";
      }
      return out;
    }
    return "error unknown command " + cmd;
  }

 private:
  // The checkers' pools for the health as it stands (their quorum state moves on), and the
  // table they make.
  ipvs::State desired() {
    std::vector<check::DesiredPool> pools;
    for (std::size_t i = 0; i < defs_.size(); ++i) {
      auto step = check::compute_pool(defs_[i], health_[i].entries, health_[i].quorum_up);
      health_[i].quorum_up = step.quorum_up;
      pools.push_back(std::move(step.pool));
    }
    std::vector<std::string> errors;
    auto state = ipvs::build_desired(cfg_.virtual_servers, pools, &errors);
    for (const auto& e : errors) log_.error("IPVS: {}", e);
    return state;
  }

  ipvs::Progress run() {
    ipvs::Progress total;
    do total.merge(reconciler_->step(4096));
    while (total.more);
    return total;
  }

  // Health carries over to a real server with the same endpoint in a virtual server of the
  // same key, and the quorum state with it; everything new starts as keepalived starts it.
  void reload(Loaded next) {
    std::vector<Health> health;
    for (const auto& vs : next.checks) {
      Health h{initial_entries(vs), false};
      for (std::size_t o = 0; o < defs_.size(); ++o) {
        if (!(defs_[o].key == vs.key)) continue;
        h.quorum_up = health_[o].quorum_up;
        for (auto& e : h.entries)
          for (const auto& old : health_[o].entries)
            if (old.endpoint == e.endpoint) e.status.alive = old.status.alive;
      }
      health.push_back(std::move(h));
    }
    for (const auto& w : next.ipvs.warnings) log_.warning("{}", w);
    cfg_ = std::move(next.ipvs);
    defs_ = std::move(next.checks);
    health_ = std::move(health);
  }

  std::string report(const ipvs::Progress& p, const ipvs::Counters& before,
                     std::chrono::steady_clock::time_point t0) const {
    auto c = backend_.counters();
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    // confirmed: writes the kernel acknowledged with success (what the answer counts);
    // refused/lost: answered with an errno / never answered; overruns: ENOBUFS seen.
    return fmt::format(
        "ok executed={} confirmed={} writes={} sends={} reads={} failures={} unresolved={} refused={} lost={} "
        "overruns={} dump_misses={} ms={:.1f}",
        p.executed, p.confirmed, c.writes - before.writes, c.sends - before.sends, c.reads - before.reads,
        p.failures.size(), reconciler_->unresolved().size(), c.refused - before.refused, c.lost - before.lost,
        c.overruns - before.overruns, reconciler_->dump_misses(), ms);
  }

  ipvs::Backend& backend_;
  slog::Channel log_;
  struct Health {
    std::vector<check::PoolEntry> entries;
    bool quorum_up = false;
  };
  ipvs::IpvsConfig cfg_;
  std::vector<check::VirtualServerDef> defs_;
  std::vector<Health> health_;
  std::optional<ipvs::Reconciler> reconciler_;
  std::optional<ipvs::SyncDaemonController> sync_;
};

int usage() {
  std::fprintf(stderr, "usage: stayalived-ipvs-apply [-I] [--hold] [--batch N] CONFIG\n"
                       "       stayalived-ipvs-apply --dump\n"
                       "       stayalived-ipvs-apply --dump-netns DIR NETNS...\n");
  return 2;
}

// Prints the kernel's table (this network namespace's) as our backend reads it.
int dump(std::FILE* out) {
  auto backend = ipvs::make_netlink_backend();
  if (!backend) {
    std::fprintf(stderr, "%s\n", backend.error().message.c_str());
    return 1;
  }
  auto s = (*backend)->dump([](const ipvs::ServiceKey&) { return true; });
  if (!s) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return 1;
  }
  for (const auto& [k, e] : s->services) {
    const auto& v = e.service;
    std::fprintf(out, "%s sched=%s flags=%#x timeout=%u netmask=%#x pe=%s\n", k.to_string().c_str(),
                 v.scheduler.c_str(), v.flags, v.timeout, v.netmask, v.pe_name.c_str());
    for (const auto& [dk, d] : e.dests)
      std::fprintf(out, "  -> %s %s weight=%u uthreshold=%u lthreshold=%u tun=%u/%u/%u\n", dk.to_string().c_str(),
                   std::string(ipvs::to_string(d.forward)).c_str(), d.weight, d.upper_threshold, d.lower_threshold,
                   static_cast<unsigned>(d.tun_type), d.tun_port, d.tun_flags);
  }
  return 0;
}

// --dump-netns DIR NS...: the table of each named network namespace (ip netns) into
// DIR/NS.dump, from one process (process start-up is what costs in the VM).
int dump_netns(const std::string& dir, const std::vector<std::string>& names) {
  int rc = 0;
  for (const auto& name : names) {
    int fd = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
      std::fprintf(stderr, "cannot enter network namespace %s\n", name.c_str());
      if (fd >= 0) close(fd);
      rc = 1;
      continue;
    }
    close(fd);
    std::FILE* out = std::fopen((dir + "/" + name + ".dump").c_str(), "w");
    if (out == nullptr) return 1;
    rc |= dump(out);
    std::fclose(out);
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  bool release = true, hold = false;
  std::size_t batch = 128;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--dump") return dump(stdout);
    if (a == "--dump-netns" && i + 1 < argc)
      return dump_netns(argv[i + 1], std::vector<std::string>(argv + i + 2, argv + argc));
    if (a == "-I" || a == "--dont-release-ipvs") release = false;
    else if (a == "--hold") hold = true;
    else if (a == "--batch" && i + 1 < argc) batch = std::stoul(argv[++i]);
    else if (!a.empty() && a[0] == '-') return usage();
    else path = a;
  }
  if (path.empty()) return usage();

  slog::Logger logger(slog::Options{.to_console = true, .to_syslog = false});
  slog::Channel channel(logger, slog::Source::Check);
  auto t0 = std::chrono::steady_clock::now();
  auto cfg = load(path);
  if (!cfg) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), cfg.error().c_str());
    return 1;
  }
  double parse_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  auto backend = ipvs::make_netlink_backend(ipvs::NetlinkOptions{.batch = batch});
  if (!backend) {
    std::fprintf(stderr, "%s\n", backend.error().message.c_str());
    return 1;
  }
  Session session(**backend, channel, std::move(*cfg), release);
  std::string r = session.start();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%s config_ms=%.1f maxrss_kb=%ld\n", r.c_str(), parse_ms, ru.ru_maxrss);
  std::fflush(stdout);
  if (!hold) return r.rfind("ok", 0) == 0 ? 0 : 1;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    std::printf("%s\n", session.command(line).c_str());
    std::fflush(stdout);
    if (line == "stop") break;
  }
  return 0;
}
