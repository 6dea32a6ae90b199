// stayalived: entry point. Parses keepalived's command line, answers the one-shot requests
// (--help, --version, --signum, -t), then daemonizes, takes the pid files and runs the loop.
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netdb.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/log.hpp"
#include "stayalived/config/dump.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/daemon/app.hpp"
#include "stayalived/daemon/cli.hpp"
#include "stayalived/daemon/control_service.hpp"
#include "stayalived/daemon/daemon.hpp"
#include "stayalived/daemon/pidfile.hpp"
#include "stayalived/daemon/signals.hpp"
#include "stayalived/daemon/version.hpp"
#include "stayalived/tools/genhash.hpp"
#include "metrics_endpoint.hpp"

namespace sd = stayalived::daemon;
namespace slog = stayalived::log;

namespace {

// -s NAME: join the network namespace NAME (as created by `ip netns add`).
bool enter_namespace(const std::string& name) {
  const std::string path = "/run/netns/" + name;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "Unable to open network namespace %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  const bool ok = ::setns(fd, CLONE_NEWNET) == 0;
  if (!ok) std::fprintf(stderr, "Unable to enter network namespace %s: %s\n", name.c_str(), std::strerror(errno));
  ::close(fd);
  return ok;
}

// Classic daemonization: the parent returns to the shell once the child is on its own.
// Returns false in the parent (which must exit 0) and true in the child.
bool daemonize(bool keep_stderr) {
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "fork: %s\n", std::strerror(errno));
    std::exit(2);
  }
  if (pid > 0) return false;
  ::setsid();
  if (::chdir("/") != 0) { /* "/" always exists; nothing sensible to do otherwise */ }
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null >= 0) {
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    if (!keep_stderr) ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
  }
  return true;
}

// -t/--config-test[=FILE]: check the configuration, report every diagnostic (to stderr,
// or to FILE) and exit with keepalived 2.2.7's status (0 clean, 5 warnings, 6 script
// security or include checks, 2 fatal). With -d the canonical dump follows on stdout.
int config_test(const sd::Options& opts) {
  const auto result = stayalived::config::load_file(opts.use_file, sd::system_load_options(opts));
  std::FILE* out = stderr;
  if (!opts.config_test_file.empty()) {
    out = std::fopen(opts.config_test_file.c_str(), "we");
    if (!out) {
      std::fprintf(stderr, "Unable to open %s for the config test report: %s\n", opts.config_test_file.c_str(),
                   std::strerror(errno));
      out = stderr;
    }
  }
  for (const auto& d : result.diagnostics) std::fprintf(out, "%s\n", d.format().c_str());
  if (out != stderr) std::fclose(out);
  if (opts.dump_conf && result.config) std::fputs(stayalived::config::dump(*result.config).c_str(), stdout);
  return result.config_test_exit_code();
}

std::optional<gid_t> group_id(const std::string& name, const char* what, slog::Channel& log) {
  if (name.empty()) return std::nullopt;
  std::vector<char> buf(16384);
  group gr{};
  group* found = nullptr;
  if (::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found != nullptr) return gr.gr_gid;
  log.error("{} {}: no such group; ignored", what, name);
  return std::nullopt;
}

// The control socket's groups: the --control-* options, else global_defs' control_group
// and control_admin_group (read at start; a reload does not change them).
stayalived::control::ServerOptions control_server_options(const sd::Options& opts, const stayalived::config::GlobalDefs& g,
                                                          slog::Channel& log) {
  stayalived::control::ServerOptions so;
  if (!opts.control_group.empty()) so.group = group_id(opts.control_group, "--control-group", log);
  else if (g.control_group) so.group = group_id(*g.control_group, "control_group", log);
  if (!opts.control_admin_group.empty())
    so.admin_group = group_id(opts.control_admin_group, "--control-admin-group", log);
  else if (g.control_admin_group)
    so.admin_group = group_id(*g.control_admin_group, "control_admin_group", log);
  return so;
}

std::string command_line(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "'" : " '") + a + "'";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv, argv + argc);

  auto parsed = sd::parse_command_line(args);
  if (!parsed) {
    std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
    return 1;
  }
  sd::Options& opts = *parsed;
  for (const auto& w : opts.warnings) std::fprintf(stderr, "%s\n", w.c_str());
  if (!opts.unexpected_args.empty()) {
    std::string msg = "Unexpected argument(s): ";
    for (const auto& a : opts.unexpected_args) msg += a + " ";
    std::fprintf(stderr, "%s\n", msg.c_str());
  }

  if (opts.help) {
    std::cerr << sd::usage("stayalived");
    return 0;
  }
  if (opts.version) {
    std::cerr << sd::version_text();
    return 0;
  }
  if (opts.signum) {
    const auto n = sd::signal_number(*opts.signum);
    if (!n) {
      std::fprintf(stderr, "Unknown sigfunc %s\n", opts.signum->c_str());
      return 1;
    }
    std::printf("%d\n", *n);
    return 0;
  }
  if (opts.genhash) {
    return stayalived::tools::genhash_main(args[0], opts.genhash_args,
                                           stayalived::tools::GenhashInvocation::DaemonFlag);
  }
  if (opts.umask) ::umask(*opts.umask);
  if (opts.core_dump) {
    const rlimit unlimited{RLIM_INFINITY, RLIM_INFINITY};
    ::setrlimit(RLIMIT_CORE, &unlimited);
  }
  if (!opts.net_namespace.empty() && !enter_namespace(opts.net_namespace)) return 2;

  if (opts.config_test) return config_test(opts);

  // The daemon changes directory to /: a relative -f must keep naming the same file on
  // reload.
  if (!opts.use_file.empty() && opts.use_file[0] != '/') {
    std::error_code ec;
    const auto abs = std::filesystem::absolute(opts.use_file, ec);
    if (!ec) opts.use_file = abs.string();
  }
  // keepalived creates its files (dumps, FIFOs) with umask 0177 unless told otherwise.
  if (!opts.umask) ::umask(0177);

  // Until the loop takes charge of them, the signals the daemon handles are held back
  // rather than left to their default actions: a HUP while the configuration loads (or a
  // TERM) must not kill the daemon; it is handled once the loop runs.
  sigset_t handled, previous_mask;
  ::sigemptyset(&handled);
  for (int s : sd::handled_signals()) ::sigaddset(&handled, s);
  ::pthread_sigmask(SIG_BLOCK, &handled, &previous_mask);

  slog::Logger logger(opts.log);
  slog::Channel log(logger, slog::Source::Main);

  // Load the configuration before forking, so that a broken one is reported where the
  // operator is looking and the start fails (exit 2, as keepalived).
  const auto load = [&] { return stayalived::config::load_file(opts.use_file, sd::system_load_options(opts)); };
  const auto refused = [&](const stayalived::config::LoadResult& r) {
    if (!r.has_errors() && r.config) return false;
    for (const auto& d : r.diagnostics) {
      if (!opts.log.to_console) std::fprintf(stderr, "%s\n", d.format().c_str());
      logger.write(slog::Source::Main, d.severity == stayalived::config::Severity::Error
                                           ? slog::Level::Err : slog::Level::Warning, d.format());
    }
    log.error("Configuration file {} has errors: not starting", opts.use_file);
    return true;
  };
  auto initial = load();
  if (refused(initial)) return 2;
  // net_namespace in the file is -s (which wins): enter it, and read the file again there,
  // where its interfaces are.
  if (opts.net_namespace.empty() && initial.config->global.net_namespace) {
    opts.net_namespace = *initial.config->global.net_namespace;
    if (!enter_namespace(opts.net_namespace)) return 2;
    initial = load();
    if (refused(initial)) return 2;
  }

  // The pid files' places, keepalived's (instance, use_pid_dir, the namespace); the
  // directories are created, and removed at exit if empty.
  const auto& g = initial.config->global;
  const auto paths =
      sd::pid_paths(opts.pid, opts.vrrp_pid, opts.checkers_pid, opts.bfd_pid, g.instance, g.use_pid_dir, opts.net_namespace);
  opts.pid = paths.parent_file;
  opts.vrrp_pid = paths.vrrp_file;
  opts.checkers_pid = paths.checkers_file;
  opts.bfd_pid = paths.bfd_file;
  for (const auto& d : paths.dirs)
    if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST)
      std::fprintf(stderr, "cannot create %s: %s\n", d.c_str(), std::strerror(errno));
  struct RemoveDirs {
    std::vector<std::string> dirs;
    ~RemoveDirs() {
      for (auto it = dirs.rbegin(); it != dirs.rend(); ++it) ::rmdir(it->c_str());  // only if empty
    }
  } remove_dirs{paths.dirs};
  // stayalivedctl's socket, by the same conventions (control_service.hpp).
  const auto control_paths = sd::control_paths(
      !opts.control_socket.empty() ? opts.control_socket : g.control_socket.value_or(""), g.instance, opts.net_namespace);
  const auto control_options = control_server_options(opts, g, log);
  for (const auto& d : control_paths.dirs) {
    if (std::find(remove_dirs.dirs.begin(), remove_dirs.dirs.end(), d) != remove_dirs.dirs.end()) continue;
    if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST)
      std::fprintf(stderr, "cannot create %s: %s\n", d.c_str(), std::strerror(errno));
    remove_dirs.dirs.push_back(d);
  }

  // Take the pid files before forking, so that "already running" reaches the terminal.
  auto pid_file = sd::PidFile::acquire(opts.pid);
  if (!pid_file) {
    std::fprintf(stderr, "%s\n", pid_file.error().message.c_str());
    return 1;
  }
  // -M: keepalived writes the pattern to /proc/sys/kernel/core_pattern while it runs and
  // puts the previous one back when it stops (measured with keepalived 2.2.7).
  struct CorePattern {
    std::optional<std::string> saved;
    const char* const path = "/proc/sys/kernel/core_pattern";
    bool write(const std::string& text) const {
      const int fd = ::open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
      if (fd < 0) return false;
      const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
      ::close(fd);
      return ok;
    }
    ~CorePattern() {
      if (saved) (void)write(*saved);
    }
  } core_pattern;
  if (opts.core_dump_pattern) {
    char buf[256];  // the kernel's limit for the pattern is 128 bytes
    const int fd = ::open(core_pattern.path, O_RDONLY | O_CLOEXEC);
    const ssize_t n = fd >= 0 ? ::read(fd, buf, sizeof buf) : -1;
    if (fd >= 0) ::close(fd);
    if (n >= 0 && core_pattern.write(*opts.core_dump_pattern))
      core_pattern.saved = std::string(buf, static_cast<std::size_t>(n));
    else
      log.error("cannot set {} to '{}': {}", core_pattern.path, *opts.core_dump_pattern, std::strerror(errno));
  }
  // keepalived's monitoring scripts also look at the subsystems' pid files; we are one
  // process, so they all name us. Only those of the subsystems that run, as keepalived: a
  // -P daemon and a -C daemon (two instances) each take their own, and keepalived starts
  // no VRRP process without VRRP instances, no checker process without virtual servers.
  std::vector<sd::PidFile> subsystem_pid_files;
  const bool vrrp_process = opts.runs_vrrp() && !initial.config->vrrp_instances.empty();
  const bool checker_process = opts.runs_checkers() && !initial.config->virtual_servers.empty();
  for (const std::string* p : {vrrp_process ? &opts.vrrp_pid : nullptr, checker_process ? &opts.checkers_pid : nullptr}) {
    if (p == nullptr) continue;
    auto f = sd::PidFile::acquire(*p);
    if (!f) {
      std::fprintf(stderr, "%s\n", f.error().message.c_str());
      return 1;
    }
    subsystem_pid_files.push_back(std::move(*f));
  }

  // The parent leaves with _exit: its destructors must not remove the pid files the child
  // now holds (the flock is shared with the child through the inherited descriptor).
  if (!opts.dont_fork && !daemonize(opts.log.to_console)) ::_exit(0);

  if (auto r = pid_file->write(::getpid()); !r) std::fprintf(stderr, "%s\n", r.error().message.c_str());
  for (auto& f : subsystem_pid_files)
    if (auto r = f.write(::getpid()); !r) std::fprintf(stderr, "%s\n", r.error().message.c_str());

  log.info("Starting Stayalived v{} ({}), keepalived {} compatible", sd::kVersion, sd::kBuildDate,
           sd::kKeepalivedCompat);
  log.info("Command line: {}", command_line(args));

  int status = 0;
  {
    sd::Daemon daemon(opts, logger);
    // The daemon's handlers are installed: what arrived meanwhile is delivered now and waits
    // for the loop (a reload requested before the start runs after it).
    ::pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    sd::App app(daemon, opts, logger);
    app.adopt_initial(std::move(initial));
    sd::add_subsystems(app, daemon.io(), logger, opts);
    sd::ControlService control(app, daemon.io(), logger, control_paths, control_options);
    control.start();
    // --metrics / metrics_listen: the Prometheus endpoint, off unless configured.
    std::unique_ptr<sd::MetricsEndpoint> metrics_endpoint;
    if (const auto where = sd::metrics_listen_address(opts, app, log)) {
      metrics_endpoint = std::make_unique<sd::MetricsEndpoint>(daemon.io(), app, logger);
      if (!metrics_endpoint->start(*where)) metrics_endpoint.reset();
    }
    daemon.on_start([&] { app.start(); });
    daemon.on(sd::SignalFunction::Reload, [&] { app.reload(); });
    daemon.on(sd::SignalFunction::Data, [&] { app.write_data(); });
    daemon.on(sd::SignalFunction::Stats, [&] { app.write_stats(false); });
    daemon.on(sd::SignalFunction::StatsClear, [&] { app.write_stats(true); });
    daemon.on(sd::SignalFunction::Json, [&] { app.write_json(); });
    // The metrics endpoint answers /readyz 503 while the subsystems stop, then closes; so
    // does the control socket.
    daemon.on_stop([&] {
      app.stop([&] {
        if (metrics_endpoint) metrics_endpoint->stop();
        control.stop();
      });
    });
    daemon.status_provider([&] { return app.status_line(); });
    status = daemon.run();
    // The loop is over: from here to exit (pid files, the sanitizers' leak check) a late HUP
    // or TERM must not kill us with its default action once the handlers are gone: hold them.
    ::pthread_sigmask(SIG_BLOCK, &handled, nullptr);
  }

  for (auto& f : subsystem_pid_files) f.release();
  pid_file->release();
  log.info("Stopped Stayalived v{} ({})", sd::kVersion, sd::kBuildDate);
  return status;
}
