// Command line of the stayalived daemon: keepalived 2.2.7's flags (keepalived(8)), with the
// same defaults. Parsing is pure: no I/O, no globals (unlike getopt), so every flag is
// unit-tested.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"

namespace stayalived::daemon {

/// Where keepalived puts things by default.
inline constexpr const char* kDefaultConfigFile = "/etc/keepalived/keepalived.conf";
// The pid files' names and places: see pid_paths() in pidfile.hpp (keepalived(8) says
// /run/keepalived_vrrp.pid; keepalived 2.2.7 writes /run/vrrp.pid, measured with strace).

/// Every option of keepalived(8). Fields are named after the long option.
struct Options {
  std::string use_file = kDefaultConfigFile;          ///< -f
  bool vrrp = false;                                  ///< -P: only the VRRP subsystem
  bool check = false;                                 ///< -C: only the checkers
  bool no_bfd = false;                                ///< -B (BFD is not implemented)
  bool all = false;                                   ///< --all
  log::Options log;                                   ///< -l -D -S -g --flush-log-file -G
  std::optional<mode_t> umask;                        ///< -u
  bool release_vips = false;                          ///< -X
  bool dont_release_vrrp = false;                     ///< -V
  bool dont_release_ipvs = false;                     ///< -I
  bool dont_respawn = false;                          ///< -R (one process: no effect)
  bool dont_fork = false;                             ///< -n
  bool dump_conf = false;                             ///< -d
  std::string pid;                                    ///< -p ("": the default, pid_paths())
  std::string vrrp_pid;                               ///< -r ("": the default)
  std::string checkers_pid;                           ///< -c ("": the default)
  std::string bfd_pid;                                ///< -b ("": the default)
  bool genhash = false;                               ///< -T (must come first)
  std::vector<std::string> genhash_args;              ///< -T: every argument after it, for genhash
  bool address_monitoring = false;                    ///< -a
  bool snmp = false;                                  ///< -x (SNMP is not implemented)
  std::string snmp_agent_socket;                      ///< -A
  std::string net_namespace;                          ///< -s
  bool all_config = false;                            ///< -e
  std::optional<std::string> config_id;               ///< -i (default: host name)
  bool core_dump = false;                             ///< -m
  std::optional<std::string> core_dump_pattern;       ///< -M[=PATTERN] ("core" if empty)
  std::optional<std::string> signum;                  ///< --signum=SIGFUNC
  bool config_test = false;                           ///< -t[=FILE]
  std::string config_test_file;                       ///< the FILE of -t, if any
  std::optional<std::string> perf;                    ///< --perf[=all|run|end]
  std::optional<std::string> debug;                   ///< --debug[=options]
  bool no_mem_check = false;                          ///< --no-mem-check
  std::string control_socket;                         ///< --control-socket ("": the default)
  std::string control_group;                          ///< --control-group
  std::string control_admin_group;                    ///< --control-admin-group
  std::optional<std::string> metrics;                 ///< --metrics=[ADDR:]PORT (Prometheus endpoint)
  bool version = false;                               ///< -v
  bool help = false;                                  ///< -h

  std::vector<std::string> unexpected_args;           ///< operands (keepalived warns)
  std::vector<std::string> warnings;                  ///< e.g. an invalid -S value

  /// The subsystems that run: -P only VRRP, -C only the checkers, neither flag (or both) both.
  bool runs_vrrp() const { return !check || vrrp; }
  bool runs_checkers() const { return !vrrp || check; }
};

/// What went wrong on the command line; the daemon prints it and exits 1, as keepalived.
struct CliError {
  std::string message;
};

/// Parses argv (argv[0] is skipped). Accepts keepalived's spellings: bundled short flags
/// (-lDn), attached or separate arguments (-fFILE, -f FILE, --use-file=FILE,
/// --use-file FILE), optional arguments only when attached (-t/-tFILE/--config-test=FILE),
/// unambiguous prefixes of long options (--vers) and operands anywhere.
Expected<Options, CliError> parse_command_line(const std::vector<std::string>& argv);

/// keepalived's syslog facility names: 0-7 and local0-7 are LOG_LOCALn, then user and
/// daemon. Returns the facility code (already shifted, as LOG_LOCAL0 is).
std::optional<int> parse_log_facility(const std::string& s);

/// The --help text.
std::string usage(const std::string& prog);

/// The --version text.
std::string version_text();

}  // namespace stayalived::daemon
