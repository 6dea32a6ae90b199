// Every keepalived(8) flag parses to the documented option, in each spelling getopt_long
// accepts, and the errors read like keepalived's.
#include <doctest/doctest.h>
#include <syslog.h>

#include "stayalived/daemon/cli.hpp"

using namespace stayalived::daemon;

namespace {
Options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "stayalived");
  auto r = parse_command_line(args);
  REQUIRE_MESSAGE(r.has_value(), (r.has_value() ? "" : r.error().message));
  return *r;
}
std::string error_of(std::vector<std::string> args) {
  args.insert(args.begin(), "stayalived");
  auto r = parse_command_line(args);
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}
}  // namespace

TEST_CASE("-P and -C choose the subsystems that run (and whose pid files are taken)") {
  CHECK(parse({}).runs_vrrp());
  CHECK(parse({}).runs_checkers());
  CHECK(parse({"-P"}).runs_vrrp());
  CHECK_FALSE(parse({"-P"}).runs_checkers());
  CHECK_FALSE(parse({"--check"}).runs_vrrp());
  CHECK(parse({"--check"}).runs_checkers());
  CHECK(parse({"-P", "-C"}).runs_vrrp());
  CHECK(parse({"-P", "-C"}).runs_checkers());
}

TEST_CASE("defaults are keepalived's") {
  const Options o = parse({});
  CHECK(o.use_file == "/etc/keepalived/keepalived.conf");
  // The pid files: unset, pid_paths() places them (test_signals_pidfile.cpp).
  CHECK(o.pid.empty());
  CHECK(o.vrrp_pid.empty());
  CHECK(o.checkers_pid.empty());
  CHECK(o.bfd_pid.empty());
  CHECK(o.log.to_syslog);
  CHECK_FALSE(o.log.to_console);
  CHECK(o.log.facility == LOG_DAEMON);
  CHECK_FALSE(o.dont_fork);
  CHECK_FALSE(o.config_test);
  CHECK_FALSE(o.config_id.has_value());
  CHECK_FALSE(o.umask.has_value());
}

TEST_CASE("flags without arguments, short and long") {
  struct Case {
    const char* short_flag;
    const char* long_flag;
    bool Options::*field;
  };
  const Case cases[] = {
      {"-P", "--vrrp", &Options::vrrp},
      {"-C", "--check", &Options::check},
      {"-B", "--no_bfd", &Options::no_bfd},
      {"-X", "--release-vips", &Options::release_vips},
      {"-V", "--dont-release-vrrp", &Options::dont_release_vrrp},
      {"-I", "--dont-release-ipvs", &Options::dont_release_ipvs},
      {"-R", "--dont-respawn", &Options::dont_respawn},
      {"-n", "--dont-fork", &Options::dont_fork},
      {"-d", "--dump-conf", &Options::dump_conf},
      {"-T", "--genhash", &Options::genhash},
      {"-a", "--address-monitoring", &Options::address_monitoring},
      {"-x", "--snmp", &Options::snmp},
      {"-m", "--core-dump", &Options::core_dump},
      {"-e", "--all-config", &Options::all_config},
      {"-t", "--config-test", &Options::config_test},
      {"-v", "--version", &Options::version},
      {"-h", "--help", &Options::help},
  };
  for (const auto& c : cases) {
    CAPTURE(c.long_flag);
    CHECK(parse({c.short_flag}).*c.field);
    CHECK(parse({c.long_flag}).*c.field);
    CHECK_FALSE(parse({}).*c.field);
  }
  CHECK(parse({"--all"}).all);
  CHECK(parse({"--no-mem-check"}).no_mem_check);
}

TEST_CASE("logging flags") {
  CHECK(parse({"-l"}).log.to_console);
  CHECK(parse({"--log-console"}).log.to_console);
  CHECK(parse({"-D"}).log.detail);
  CHECK(parse({"--log-detail"}).log.detail);
  CHECK_FALSE(parse({"-G"}).log.to_syslog);
  CHECK_FALSE(parse({"--no-syslog"}).log.to_syslog);
  CHECK(parse({"-g", "/var/log/k.log"}).log.file == "/var/log/k.log");
  CHECK(parse({"--log-file=/tmp/x.log"}).log.file == "/tmp/x.log");
  CHECK(parse({"--flush-log-file"}).log.flush_file);
  CHECK(parse({"-S", "3"}).log.facility == LOG_LOCAL3);
  CHECK(parse({"-S7"}).log.facility == LOG_LOCAL7);
  CHECK(parse({"--log-facility=local0"}).log.facility == LOG_LOCAL0);
  CHECK(parse({"--log-facility", "user"}).log.facility == LOG_USER);
  CHECK(parse({"-S", "daemon"}).log.facility == LOG_DAEMON);
  const Options bad = parse({"-S", "9"});
  CHECK(bad.log.facility == LOG_DAEMON);
  REQUIRE(bad.warnings.size() == 1);
  CHECK(bad.warnings[0] == "Invalid log facility '9'");
}

TEST_CASE("flags with a required argument, in every spelling") {
  struct Case {
    char short_name;
    const char* long_name;
    std::string Options::*field;
  };
  const Case cases[] = {
      {'f', "use-file", &Options::use_file},
      {'p', "pid", &Options::pid},
      {'r', "vrrp_pid", &Options::vrrp_pid},
      {'c', "checkers_pid", &Options::checkers_pid},
      {'b', "bfd_pid", &Options::bfd_pid},
      {'A', "snmp-agent-socket", &Options::snmp_agent_socket},
      {'s', "namespace", &Options::net_namespace},
  };
  for (const auto& c : cases) {
    CAPTURE(c.long_name);
    const std::string s = std::string("-") + c.short_name;
    const std::string l = std::string("--") + c.long_name;
    CHECK(parse({s, "/a/b"}).*c.field == "/a/b");
    CHECK(parse({s + "/a/c"}).*c.field == "/a/c");
    CHECK(parse({l + "=/a/d"}).*c.field == "/a/d");
    CHECK(parse({l, "/a/e"}).*c.field == "/a/e");
    CHECK(error_of({s}) == "Missing parameter for option " + s);
    CHECK(error_of({l}) == "Missing parameter for option " + l);
  }
  CHECK(parse({"-i", "node1"}).config_id == "node1");
  CHECK(parse({"--config-id", "node2"}).config_id == "node2");
  CHECK(parse({"--signum=RELOAD"}).signum == "RELOAD");
  CHECK(parse({"--signum", "JSON"}).signum == "JSON");
}

TEST_CASE("umask is numeric in any base") {
  CHECK(parse({"-u", "022"}).umask == 022);
  CHECK(parse({"--umask=0x12"}).umask == 0x12);
  CHECK(parse({"-u", "18"}).umask == 18);
  const Options bad = parse({"-u", "abc"});
  CHECK_FALSE(bad.umask.has_value());
  REQUIRE(bad.warnings.size() == 1);
  CHECK(bad.warnings[0] == "Invalid --umask option abc");
}

TEST_CASE("optional arguments only when attached") {
  Options o = parse({"-t"});
  CHECK(o.config_test);
  CHECK(o.config_test_file.empty());
  o = parse({"-t/tmp/log"});
  CHECK(o.config_test_file == "/tmp/log");
  o = parse({"--config-test=/tmp/log2"});
  CHECK(o.config_test_file == "/tmp/log2");
  // A separate word is an operand, not the optional argument (getopt_long's rule).
  o = parse({"-t", "extra"});
  CHECK(o.config_test_file.empty());
  CHECK(o.unexpected_args == std::vector<std::string>{"extra"});

  o = parse({"-M"});
  CHECK(o.core_dump);
  CHECK(o.core_dump_pattern == "core");
  o = parse({"--core-dump-pattern=/tmp/core.%p"});
  CHECK(o.core_dump_pattern == "/tmp/core.%p");
  CHECK(parse({"--perf"}).perf == "run");
  CHECK(parse({"--perf=all"}).perf == "all");
  CHECK(parse({"--debug=DvEcvNR"}).debug == "DvEcvNR");
}

TEST_CASE("bundled short flags and argument at the end of a bundle") {
  const Options o = parse({"-lDnf", "/etc/k.conf", "-PGd"});
  CHECK(o.log.to_console);
  CHECK(o.log.detail);
  CHECK(o.dont_fork);
  CHECK(o.use_file == "/etc/k.conf");
  CHECK(o.vrrp);
  CHECK_FALSE(o.log.to_syslog);
  CHECK(o.dump_conf);
  const Options p = parse({"-lp/run/x.pid"});
  CHECK(p.log.to_console);
  CHECK(p.pid == "/run/x.pid");
}

TEST_CASE("unique prefixes of long options, ambiguity and unknown options") {
  CHECK(parse({"--vers"}).version);
  CHECK(parse({"--use=/x"}).use_file == "/x");
  CHECK(error_of({"--d"}).starts_with("Ambiguous option --d (could be"));
  CHECK(error_of({"--foo"}) == "Unknown option --foo");
  CHECK(error_of({"-Z"}) == "Unknown option -Z");
  CHECK(error_of({"-lZ"}) == "Unknown option -Z");
  CHECK(error_of({"--vrrp=x"}) == "Unknown option --vrrp=x");
}

TEST_CASE("operands and --") {
  const Options o = parse({"a", "-n", "--", "-l"});
  CHECK(o.dont_fork);
  CHECK_FALSE(o.log.to_console);
  CHECK(o.unexpected_args == std::vector<std::string>{"a", "-l"});
  CHECK(parse({"-"}).unexpected_args == std::vector<std::string>{"-"});
}

TEST_CASE("-T hands every later argument to genhash, as keepalived does") {
  const Options o = parse({"-T", "-s", "127.0.0.1", "-p", "80", "-u", "/", "-v"});
  CHECK(o.genhash);
  CHECK(o.genhash_args == std::vector<std::string>{"-s", "127.0.0.1", "-p", "80", "-u", "/", "-v"});
  CHECK(o.warnings.empty());
  CHECK(o.net_namespace.empty());  // -s belongs to genhash here
  const Options l = parse({"--genhash", "-S", "-h"});
  CHECK(l.genhash_args == std::vector<std::string>{"-S", "-h"});
  const Options late = parse({"-l", "-T", "-x"});
  CHECK(late.genhash_args == std::vector<std::string>{"-x"});
  REQUIRE(late.warnings.size() == 1);
  CHECK(late.warnings[0] == "Warning -- `-T` not used as first option, previous options ignored");
  CHECK(parse({"-T"}).genhash_args.empty());
}

TEST_CASE("usage lists every flag in keepalived's layout") {
  const std::string u = usage("stayalived");
  CHECK(u.starts_with("Usage: stayalived [OPTION...]\n"));
  for (const char* f : {"  -f, --use-file=FILE          Use the specified configuration file",
                        "      --all ", "  -S, --log-facility=([0-7]|local[0-7]|user|daemon)\n",
                        "  -i, --config-id id ", "      --signum=SIGFUNC ",
                        "  -t, --config-test[=LOG_FILE] ", "  -h, --help ", "  -g, --log-file=FILE ",
                        "  -M, --core-dump-pattern[=PATN]\n"}) {
    const std::string want = f;
    CAPTURE(want);
    CHECK(u.find(want) != std::string::npos);
  }
  CHECK(u.find("not implemented") != std::string::npos);
}

TEST_CASE("--metrics takes the Prometheus endpoint's address") {
  CHECK(*parse({"--metrics=9650"}).metrics == "9650");
  CHECK(*parse({"--metrics", "[::1]:9650"}).metrics == "[::1]:9650");
  CHECK_FALSE(parse({"-n"}).metrics);
  CHECK(usage("stayalived").find("      --metrics=[ADDR:]PORT ") != std::string::npos);
}
