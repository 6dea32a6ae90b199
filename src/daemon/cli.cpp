#include "stayalived/daemon/cli.hpp"

#include <sys/utsname.h>
#include <syslog.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <functional>
#include <string_view>

#include "stayalived/daemon/version.hpp"

namespace stayalived::daemon {

namespace {

enum class Arg { None, Required, Optional };

struct Spec {
  char short_name;             // 0: long only
  std::string_view long_name;
  Arg arg;
  // Applies the option; `value` is empty for Arg::None and for an absent optional argument.
  void (*apply)(Options&, const std::optional<std::string>& value);
  std::string_view help_arg;   // for --help
  std::string_view help;
};

void set_facility(Options& o, const std::optional<std::string>& v) {
  if (auto f = parse_log_facility(*v))
    o.log.facility = *f;
  else
    o.warnings.push_back("Invalid log facility '" + *v + "'");
}

void set_umask(Options& o, const std::optional<std::string>& v) {
  char* end = nullptr;
  const unsigned long m = std::strtoul(v->c_str(), &end, 0);
  if (v->empty() || *end != '\0' || m > 0777)
    o.warnings.push_back("Invalid --umask option " + *v);
  else
    o.umask = static_cast<mode_t>(m);
}

// The order is keepalived's --help order.
const std::array<Spec, 42> kSpecs{{
    {'f', "use-file", Arg::Required, [](Options& o, const auto& v) { o.use_file = *v; }, "=FILE",
     "Use the specified configuration file\n default '/etc/keepalived/keepalived.conf'"},
    {'P', "vrrp", Arg::None, [](Options& o, const auto&) { o.vrrp = true; }, "",
     "Only run with VRRP subsystem"},
    {'C', "check", Arg::None, [](Options& o, const auto&) { o.check = true; }, "",
     "Only run with Health-checker subsystem"},
    {'B', "no_bfd", Arg::None, [](Options& o, const auto&) { o.no_bfd = true; }, "",
     "Don't run BFD subsystem (accepted; BFD is not implemented)"},
    {0, "all", Arg::None, [](Options& o, const auto&) { o.all = true; }, "",
     "Force all subsystems to run, even if have no configuration"},
    {'l', "log-console", Arg::None, [](Options& o, const auto&) { o.log.to_console = true; }, "",
     "Log messages to local console"},
    {'D', "log-detail", Arg::None, [](Options& o, const auto&) { o.log.detail = true; }, "",
     "Detailed log messages"},
    {'S', "log-facility", Arg::Required, set_facility, "=([0-7]|local[0-7]|user|daemon)",
     "Set syslog facility to LOG_LOCAL[0-7], user or daemon (default)"},
    {'g', "log-file", Arg::Required, [](Options& o, const auto& v) { o.log.file = *v; }, "=FILE",
     "Also log to FILE (subsystems get _vrrp, _healthcheckers inserted before the last '.')"},
    {0, "flush-log-file", Arg::None, [](Options& o, const auto&) { o.log.flush_file = true; }, "",
     "Flush the log file after each write"},
    {'G', "no-syslog", Arg::None, [](Options& o, const auto&) { o.log.to_syslog = false; }, "",
     "Don't log via syslog"},
    {'u', "umask", Arg::Required, set_umask, "=MASK", "umask for file creation (in numeric form)"},
    {'X', "release-vips", Arg::None, [](Options& o, const auto&) { o.release_vips = true; }, "",
     "Drop VIP on transition from signal."},
    {'V', "dont-release-vrrp", Arg::None,
     [](Options& o, const auto&) { o.dont_release_vrrp = true; }, "",
     "Don't remove VRRP VIPs and VROUTEs on daemon stop"},
    {'I', "dont-release-ipvs", Arg::None,
     [](Options& o, const auto&) { o.dont_release_ipvs = true; }, "",
     "Don't remove IPVS topology on daemon stop"},
    {'R', "dont-respawn", Arg::None, [](Options& o, const auto&) { o.dont_respawn = true; }, "",
     "Don't respawn child processes (accepted; stayalived runs one process)"},
    {'n', "dont-fork", Arg::None, [](Options& o, const auto&) { o.dont_fork = true; }, "",
     "Don't fork the daemon process"},
    {'d', "dump-conf", Arg::None, [](Options& o, const auto&) { o.dump_conf = true; }, "",
     "Dump the configuration data"},
    {'p', "pid", Arg::Required, [](Options& o, const auto& v) { o.pid = *v; }, "=FILE",
     "Use specified pidfile for parent process"},
    {'r', "vrrp_pid", Arg::Required, [](Options& o, const auto& v) { o.vrrp_pid = *v; }, "=FILE",
     "Use specified pidfile for VRRP subsystem"},
    {'T', "genhash", Arg::None, [](Options& o, const auto&) { o.genhash = true; }, "",
     "Enter into genhash utility mode (this should be the first option used)."},
    {'c', "checkers_pid", Arg::Required, [](Options& o, const auto& v) { o.checkers_pid = *v; },
     "=FILE", "Use specified pidfile for checkers subsystem"},
    {'a', "address-monitoring", Arg::None,
     [](Options& o, const auto&) { o.address_monitoring = true; }, "",
     "Report all address additions/deletions notified via netlink"},
    {'b', "bfd_pid", Arg::Required, [](Options& o, const auto& v) { o.bfd_pid = *v; }, "=FILE",
     "Use specified pidfile for BFD subsystem (accepted; BFD is not implemented)"},
    {'x', "snmp", Arg::None, [](Options& o, const auto&) { o.snmp = true; }, "",
     "Enable SNMP subsystem (accepted; SNMP is not implemented)"},
    {'A', "snmp-agent-socket", Arg::Required,
     [](Options& o, const auto& v) { o.snmp_agent_socket = *v; }, "=FILE",
     "Use the specified socket for master agent (accepted; SNMP is not implemented)"},
    {'s', "namespace", Arg::Required, [](Options& o, const auto& v) { o.net_namespace = *v; },
     "=NAME", "Run in network namespace NAME (overrides config)"},
    {'m', "core-dump", Arg::None, [](Options& o, const auto&) { o.core_dump = true; }, "",
     "Produce core dump if terminate abnormally"},
    {'M', "core-dump-pattern", Arg::Optional,
     [](Options& o, const auto& v) {
       o.core_dump = true;
       o.core_dump_pattern = v.value_or("core");
     },
     "[=PATN]", "Also set /proc/sys/kernel/core_pattern to PATN (default 'core')"},
    {'e', "all-config", Arg::None, [](Options& o, const auto&) { o.all_config = true; }, "",
     "Error if any configuration file missing (same as includet)"},
    {'i', "config-id", Arg::Required, [](Options& o, const auto& v) { o.config_id = *v; }, " id",
     "Skip any configuration lines beginning '@' that don't match id\n"
     " or any lines beginning @^ that do match.\n"
     " The config-id defaults to the node name if option not used"},
    {0, "control-socket", Arg::Required, [](Options& o, const auto& v) { o.control_socket = *v; }, "=PATH",
     "stayalived: the control socket of stayalivedctl\n default '/run/keepalived/stayalived.ctl'"},
    {0, "control-group", Arg::Required, [](Options& o, const auto& v) { o.control_group = *v; }, "=GROUP",
     "stayalived: the group that may read status and history"},
    {0, "control-admin-group", Arg::Required, [](Options& o, const auto& v) { o.control_admin_group = *v; },
     "=GROUP", "stayalived: the group that may also change state (reload, maintenance, drain)"},
    {0, "signum", Arg::Required, [](Options& o, const auto& v) { o.signum = *v; }, "=SIGFUNC",
     "Return signal number for STOP, RELOAD, DATA, STATS, STATS_CLEAR, JSON"},
    {'t', "config-test", Arg::Optional,
     [](Options& o, const auto& v) {
       o.config_test = true;
       o.config_test_file = v.value_or("");
     },
     "[=LOG_FILE]", "Check the configuration for obvious errors, output to\n stderr by default"},
    {0, "perf", Arg::Optional, [](Options& o, const auto& v) { o.perf = v.value_or("run"); },
     "[={all|run|end}]", "Accepted for compatibility; no effect"},
    {0, "debug", Arg::Optional, [](Options& o, const auto& v) { o.debug = v.value_or(""); },
     "[=debug-options]", "Accepted for compatibility; no effect"},
    {0, "no-mem-check", Arg::None, [](Options& o, const auto&) { o.no_mem_check = true; }, "",
     "Accepted for compatibility; no effect"},
    {0, "metrics", Arg::Required, [](Options& o, const auto& v) { o.metrics = *v; }, "=[ADDR:]PORT",
     "Serve Prometheus metrics on ADDR:PORT (default address\n 127.0.0.1; [::1]:PORT for IPv6); overrides metrics_listen"},
    {'v', "version", Arg::None, [](Options& o, const auto&) { o.version = true; }, "",
     "Display the version number"},
    {'h', "help", Arg::None, [](Options& o, const auto&) { o.help = true; }, "",
     "Display this help message"},
}};

const Spec* find_short(char c) {
  for (const auto& s : kSpecs)
    if (s.short_name == c) return &s;
  return nullptr;
}

// Exact match first, then a unique prefix, as getopt_long does.
Expected<const Spec*, CliError> find_long(std::string_view name, const std::string& shown) {
  std::vector<const Spec*> candidates;
  for (const auto& s : kSpecs) {
    if (s.long_name == name) return &s;
    if (s.long_name.starts_with(name)) candidates.push_back(&s);
  }
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty()) return Unexpected(CliError{"Unknown option " + shown});
  std::string msg = "Ambiguous option " + shown + " (could be";
  for (const auto* c : candidates) msg += " --" + std::string(c->long_name);
  return Unexpected(CliError{msg + ")"});
}

// -T / --genhash: keepalived hands every later argument to genhash, and warns when options
// came before it.
Options enter_genhash(Options& o, const std::vector<std::string>& argv, std::size_t i) {
  if (i != 1) o.warnings.emplace_back("Warning -- `-T` not used as first option, previous options ignored");
  o.genhash_args.assign(argv.begin() + static_cast<std::ptrdiff_t>(i) + 1, argv.end());
  return std::move(o);
}

}  // namespace

std::optional<int> parse_log_facility(const std::string& s) {
  if (s.size() == 1 && s[0] >= '0' && s[0] <= '7') return LOG_LOCAL0 + ((s[0] - '0') << 3);
  if (s.size() == 6 && s.starts_with("local") && s[5] >= '0' && s[5] <= '7')
    return LOG_LOCAL0 + ((s[5] - '0') << 3);
  if (s == "user") return LOG_USER;
  if (s == "daemon") return LOG_DAEMON;
  return std::nullopt;
}

Expected<Options, CliError> parse_command_line(const std::vector<std::string>& argv) {
  Options o;
  bool options_done = false;
  for (std::size_t i = 1; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      o.unexpected_args.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    if (a.starts_with("--")) {
      const auto eq = a.find('=');
      const std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
      auto spec = find_long(name, a);
      if (!spec) return Unexpected(spec.error());
      const Spec& s = **spec;
      std::optional<std::string> value;
      if (eq != std::string::npos) {
        if (s.arg == Arg::None) return Unexpected(CliError{"Unknown option " + a});
        value = a.substr(eq + 1);
      } else if (s.arg == Arg::Required) {
        if (i + 1 >= argv.size())
          return Unexpected(CliError{"Missing parameter for option --" + std::string(s.long_name)});
        value = argv[++i];
      }
      s.apply(o, value);
      if (o.genhash) return enter_genhash(o, argv, i);
      continue;
    }
    // A bundle of short options: -lDn, -fFILE, -f FILE, -tFILE.
    for (std::size_t j = 1; j < a.size(); ++j) {
      const Spec* s = find_short(a[j]);
      if (s == nullptr) return Unexpected(CliError{std::string("Unknown option -") + a[j]});
      if (s->arg == Arg::None) {
        s->apply(o, std::nullopt);
        if (o.genhash) return enter_genhash(o, argv, i);
        continue;
      }
      std::optional<std::string> value;
      if (j + 1 < a.size())
        value = a.substr(j + 1);
      else if (s->arg == Arg::Required) {
        if (i + 1 >= argv.size())
          return Unexpected(CliError{std::string("Missing parameter for option -") + a[j]});
        value = argv[++i];
      }
      s->apply(o, value);
      break;  // the rest of the word was the argument
    }
  }
  return o;
}

std::string usage(const std::string& prog) {
  std::string out = "Usage: " + prog + " [OPTION...]\n";
  for (const auto& s : kSpecs) {
    std::string left = s.short_name != 0 ? std::string("  -") + s.short_name + ", " : "      ";
    left += "--" + std::string(s.long_name) + std::string(s.help_arg);
    std::string_view help = s.help;
    bool first = true;
    while (!help.empty()) {
      const auto nl = help.find('\n');
      const std::string_view line = help.substr(0, nl);
      if (first) {
        if (left.size() < 31)
          out += left + std::string(31 - left.size(), ' ') + std::string(line) + "\n";
        else
          out += left + "\n" + std::string(31, ' ') + std::string(line) + "\n";
        first = false;
      } else {
        out += std::string(31, ' ') + std::string(line) + "\n";
      }
      help = nl == std::string_view::npos ? std::string_view{} : help.substr(nl + 1);
    }
  }
  return out;
}

std::string version_text() {
  utsname u{};
  uname(&u);
  return fmt::format(
      "Stayalived v{} ({})\n\n"
      "A keepalived v{} compatible high-availability daemon (VRRP, health checks, IPVS).\n\n"
      "Running on {} {} {}\n\n"
      "Config options:  LVS VRRP VRRP_AUTH JSON REGEX\n",
      kVersion, kBuildDate, kKeepalivedCompat, u.sysname, u.release, u.version);
}

}  // namespace stayalived::daemon
