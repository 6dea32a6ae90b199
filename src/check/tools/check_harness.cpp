// sa-check-harness: the checker runtime on its own, driven by command-line flags, printing
// every log line and pool change with a timestamp, for the namespace scenarios
// (tests/netns/check) and for profiling by hand (--stats --quiet); it is not installed.
// bench/check_scale.sh measures the daemon itself.
//
//   sa-check-harness [--delay-loop S] [--retry N] [--delay-before-retry S]
//       [--connect-timeout S] [--warmup S] [--alpha] [--log-all-failures] [--vs ADDR:PORT]
//       [--protocol tcp|udp]
//       [--quorum N] [--hysteresis N] [--sorry ADDR:PORT] [--quorum-up CMD] [--quorum-down CMD]
//       [--notify-up CMD] [--notify-down CMD] [--inhibit] [--fifo FILE] [--duration S]
//       [--stats] [--quiet]  --check SPEC...
//
//   SPEC = KIND:ADDR[:PORT][,key=value|flag ...], KIND one of tcp smtp dns udp ping misc
//   file. Keys: helo, type, name, payload, reply (require_reply HEX), min, max, cmd (the
//   rest of SPEC), dynamic, timeout, path, weight, connect_ip, connect_port, bindto,
//   bind_port, bind_if, fwmark. One real server per SPEC, in one virtual server.
//
// Output (stdout, one line per event): first "0.000 START <the start as seconds since the
// epoch>", which ties the timestamps to the wall clock; then "<seconds since start> LOG <line>",
// "<t> POOL <vs> <member:weight>...", "<t> ALERT <subject> | <body>", "<t> STATS ...".
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "stayalived/check/dns.hpp"
#include "stayalived/check/announcer.hpp"
#include "stayalived/check/runtime.hpp"
#include "stayalived/notify/command_line.hpp"
#include "stayalived/check/udp.hpp"

namespace asio = boost::asio;
using namespace stayalived;
using namespace stayalived::check;

namespace {

const TimePoint g_start = Clock::now();
bool g_quiet = false;

double since_start() { return std::chrono::duration<double>(Clock::now() - g_start).count(); }

void out(const std::string& line) {
  std::fputs(fmt::format("{:.3f} {}\n", since_start(), line).c_str(), stdout);
  std::fflush(stdout);
}

[[noreturn]] void usage(const std::string& why);

// A command from the command line, split as keepalived splits configured scripts.
std::vector<std::string> argv_of(std::string_view text) {
  auto argv = notify::split_command_line(text);
  if (!argv) usage("cannot split '" + std::string(text) + "': " + argv.error().message);
  return std::move(*argv);
}

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "sa-check-harness: %s (see the comment at the top of check_harness.cpp)\n", why.c_str());
  std::exit(2);
}

Duration seconds_arg(const std::string& v) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(std::stod(v)));
}

Endpoint endpoint_arg(const std::string& v) {
  const auto colon = v.rfind(':');
  if (colon == std::string::npos) usage("expected ADDR:PORT: " + v);
  auto a = IpAddress::parse(v.substr(0, colon));
  if (!a) usage("bad address: " + v);
  return {*a, static_cast<std::uint16_t>(std::stoi(v.substr(colon + 1)))};
}

class Sink final : public log::Sink {
 public:
  void write(log::Source, log::Level level, std::string_view msg) override {
    if (g_quiet || level == log::Level::Debug) return;
    out("LOG " + std::string(msg));
  }
};

class HarnessNotifier final : public Notifier {
 public:
  HarnessNotifier(asio::io_context& io, std::string fifo) : io_(io), fifo_(std::move(fifo)) {}
  void run_script(const ScriptDef& s) override {
    asio::co_spawn(io_, runner_.run(s, std::chrono::seconds(30)), asio::detached);
  }
  void fifo_line(const std::string& line) override {
    if (fifo_.empty()) return;
    std::ofstream(fifo_, std::ios::app) << line << '\n';
  }
  void alert(const Alert& a) override { out("ALERT " + a.subject + " | " + a.body); }

 private:
  asio::io_context& io_;
  std::string fifo_;
  SpawnScriptPort runner_;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> v;
  std::size_t i = 0;
  for (;;) {
    const auto j = s.find(sep, i);
    v.push_back(s.substr(i, j == std::string::npos ? std::string::npos : j - i));
    if (j == std::string::npos) return v;
    i = j + 1;
  }
}

CheckerDef parse_check(const std::string& spec, const CheckTiming& timing, Endpoint& rs) {
  std::string head = spec;
  std::string rest;
  if (const auto comma = spec.find(','); comma != std::string::npos) {
    head = spec.substr(0, comma);
    rest = spec.substr(comma + 1);
  }
  const auto parts = split(head, ':');
  if (parts.size() < 2) usage("bad --check " + spec);
  const std::string kind = parts[0];
  // The address may be IPv6: KIND:ADDR or KIND:ADDR:PORT with the port last.
  std::string addr = head.substr(kind.size() + 1);
  std::uint16_t port = 0;
  if (const auto last = addr.rfind(':'); last != std::string::npos && IpAddress::parse(addr.substr(0, last))) {
    port = static_cast<std::uint16_t>(std::stoi(addr.substr(last + 1)));
    addr = addr.substr(0, last);
  }
  const auto a = IpAddress::parse(addr);
  if (!a) usage("bad address in --check " + spec);
  rs = Endpoint{*a, port};
  CheckerDef d;
  d.connect.target = rs;
  d.timing = timing;

  TcpCheck tcp;
  SmtpCheck smtp;
  DnsCheck dns;
  UdpCheck udp;
  MiscCheck misc;
  misc.timeout = timing.delay_loop;
  FileCheck file;
  file.track_name = "harness";
  std::string key_rest = rest;
  while (!key_rest.empty()) {
    std::string item;
    if (key_rest.rfind("cmd=", 0) == 0) {
      item = key_rest;
      key_rest.clear();
    } else {
      const auto comma = key_rest.find(',');
      item = key_rest.substr(0, comma);
      key_rest = comma == std::string::npos ? "" : key_rest.substr(comma + 1);
    }
    const auto eq = item.find('=');
    const std::string k = item.substr(0, eq);
    const std::string v = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (k == "helo") smtp.helo_name = v;
    else if (k == "type") dns.type = dns::parse_type(v).value_or(DnsType::SOA);
    else if (k == "name") dns.name = v;
    else if (k == "payload") udp.payload = udp::to_bytes(udp::parse_hex(v, false).value());
    else if (k == "reply") {
      udp.require_reply = true;
      udp.reply_pattern = udp::parse_hex(v, true).value();
    } else if (k == "require_reply") udp.require_reply = true;
    else if (k == "min") udp.min_reply_length = std::stoul(v);
    else if (k == "max") udp.max_reply_length = std::stoul(v);
    else if (k == "cmd") misc.script.argv = argv_of(v);
    else if (k == "user") misc.script.user = v;
    else if (k == "dynamic") misc.dynamic = file.dynamic = true;
    else if (k == "timeout") misc.timeout = seconds_arg(v);
    else if (k == "path") file.path = v;
    else if (k == "weight") file.weight = std::stoll(v);
    else if (k == "connect_ip") d.connect.target.address = IpAddress::parse(v).value();
    else if (k == "connect_port") d.connect.target.port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "bindto") d.connect.bindto = IpAddress::parse(v).value();
    else if (k == "bind_port") d.connect.bind_port = static_cast<std::uint16_t>(std::stoi(v));
    else if (k == "bind_if") d.connect.bind_if = v;
    else if (k == "fwmark") d.connect.fwmark = static_cast<std::uint32_t>(std::stoul(v));
    else usage("unknown key " + k);
  }
  if (kind == "tcp") d.kind = tcp;
  else if (kind == "smtp") d.kind = smtp;
  else if (kind == "dns") d.kind = dns;
  else if (kind == "udp") d.kind = udp;
  else if (kind == "ping") d.kind = PingCheck{};
  else if (kind == "misc") d.kind = misc;
  else if (kind == "file") d.kind = file;
  else usage("unknown kind " + kind);
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  {
    const auto wall = std::chrono::system_clock::now() - (Clock::now() - g_start);
    out(fmt::format("START {:.6f}", std::chrono::duration<double>(wall.time_since_epoch()).count()));
  }
  CheckTiming timing;
  timing.delay_loop = std::chrono::seconds(1);
  timing.connect_timeout = std::chrono::seconds(1);
  VirtualServerDef vs;
  vs.key.endpoint = Endpoint{*IpAddress::parse("192.0.2.100"), 80};
  ScriptDef notify_up, notify_down;
  bool inhibit = false;
  std::string fifo;
  double duration = 60;
  bool stats = false;
  std::vector<std::string> checks;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value for " + a);
      return argv[++i];
    };
    if (a == "--delay-loop") timing.delay_loop = seconds_arg(next());
    else if (a == "--retry") timing.retry = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--delay-before-retry") timing.delay_before_retry = seconds_arg(next());
    else if (a == "--connect-timeout") timing.connect_timeout = seconds_arg(next());
    else if (a == "--warmup") timing.warmup = seconds_arg(next());
    else if (a == "--alpha") timing.alpha = true;
    else if (a == "--log-all-failures") timing.log_all_failures = true;
    else if (a == "--vs") vs.key.endpoint = endpoint_arg(next());
    else if (a == "--protocol") vs.key.protocol = next() == "udp" ? Protocol::Udp : Protocol::Tcp;
    else if (a == "--quorum") vs.quorum = std::stoll(next());
    else if (a == "--hysteresis") vs.hysteresis = std::stoll(next());
    else if (a == "--sorry") vs.sorry_server = SorryServerDef{endpoint_arg(next()), false};
    else if (a == "--quorum-up") vs.quorum_up.argv = argv_of(next());
    else if (a == "--quorum-down") vs.quorum_down.argv = argv_of(next());
    else if (a == "--notify-up") notify_up.argv = argv_of(next());
    else if (a == "--notify-down") notify_down.argv = argv_of(next());
    else if (a == "--inhibit") inhibit = true;
    else if (a == "--fifo") fifo = next();
    else if (a == "--duration") duration = std::stod(next());
    else if (a == "--stats") stats = true;
    else if (a == "--quiet") g_quiet = true;
    else if (a == "--check") checks.push_back(next());
    else usage("unknown option " + a);
  }
  vs.smtp_alert = true;
  for (const auto& spec : checks) {
    RealServerDef rs;
    rs.checkers.push_back(parse_check(spec, timing, rs.endpoint));
    rs.notify_up = notify_up;
    rs.notify_down = notify_down;
    rs.inhibit_on_failure = inhibit;
    rs.smtp_alert = true;
    vs.real_servers.push_back(std::move(rs));
  }
  if (vs.real_servers.empty()) usage("nothing to check");

  asio::io_context io(1);
  log::Logger logger;
  logger.add_sink(std::make_unique<Sink>());
  Hooks hooks;
  hooks.on_change = Announcer(log::Channel(logger, log::Source::Check), std::make_shared<HarnessNotifier>(io, fifo));
  hooks.on_pool = [](const DesiredPool& p) {
    if (g_quiet) return;
    std::string line = "POOL " + format_vs(p.vs) + (p.quorum_up ? " quorum=up" : " quorum=down");
    for (const auto& m : p.members)
      line += fmt::format(" {}{}:{}", m.sorry ? "sorry=" : "", format_service(m.endpoint, p.vs.protocol), m.weight);
    out(line);
  };
  Runtime rt(io, logger, hooks);
  Definition def;
  def.globals.router_id = "harness";
  def.virtual_servers.push_back(std::move(vs));
  rt.apply(std::move(def));
  rt.start();

  asio::signal_set signals(io, SIGTERM, SIGINT);
  asio::steady_timer end(io);
  auto finish = [&] {
    rt.stop();
    if (stats) {
      const Stats s = rt.stats();
      rusage ru{};
      ::getrusage(RUSAGE_SELF, &ru);
      const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
      const auto avg_late_us = s.checks_started ? std::chrono::duration_cast<std::chrono::microseconds>(s.total_lateness).count() /
                                                      static_cast<long long>(s.checks_started)
                                                : 0;
      std::ifstream st("/proc/self/status");
      std::string l;
      long rss_kb = 0;
      while (std::getline(st, l))
        if (l.rfind("VmRSS:", 0) == 0) rss_kb = std::stol(l.substr(6));
      out(fmt::format("STATS checks={} completed={} failed={} deadlines={} unique={} rs={} max_in_flight={} "
                      "late<1ms={} late<10ms={} late<100ms={} late>=100ms={} max_late_ms={:.3f} avg_late_us={} "
                      "cpu_s={:.3f} rss_kb={} maxrss_kb={}",
                      s.checks_started, s.checks_completed, s.checks_failed, s.deadlines_hit, s.unique_checkers,
                      s.real_servers, s.max_in_flight, s.late_under_1ms, s.late_under_10ms, s.late_under_100ms,
                      s.late_over_100ms, std::chrono::duration<double, std::milli>(s.max_lateness).count(), avg_late_us,
                      cpu, rss_kb, ru.ru_maxrss));
    }
    // Let the cancelled checks and the scripts' completions drain, then leave.
    end.expires_after(std::chrono::milliseconds(200));
    end.async_wait([&](const boost::system::error_code&) { io.stop(); });
  };
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (!ec) finish();
  });
  asio::steady_timer limit(io);
  limit.expires_after(std::chrono::duration_cast<Duration>(std::chrono::duration<double>(duration)));
  limit.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) {
      signals.cancel();
      finish();
    }
  });
  io.run();
  return 0;
}
