// The runtime over loopback: real checks, real transitions, pools, notifications,
// deduplication, reload, ha_suspend. Timers are short so that the tests are quick; the
// assertions are on what happened, never on how long it took.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "loopback.hpp"
#include "stayalived/check/announcer.hpp"
#include "stayalived/check/runtime.hpp"

using namespace stayalived;
using namespace stayalived::check;
using loopback::endpoint;
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

struct Recorder final : Notifier {
  std::vector<ScriptDef> scripts;
  std::vector<std::string> fifo;
  std::vector<Alert> alerts;
  void run_script(const ScriptDef& s) override { scripts.push_back(s); }
  void fifo_line(const std::string& l) override { fifo.push_back(l); }
  void alert(const Alert& a) override { alerts.push_back(a); }
  bool has_fifo(const std::string& l) const { return std::find(fifo.begin(), fifo.end(), l) != fifo.end(); }
};

struct Fixture {
  asio::io_context io;
  log::Logger logger;
  log::MemorySink* sink = nullptr;
  std::shared_ptr<Recorder> rec = std::make_shared<Recorder>();
  std::vector<DesiredPool> published;
  std::vector<VirtualServerKey> removed;
  std::unique_ptr<Runtime> rt;

  Fixture() {
    auto s = std::make_unique<log::MemorySink>();
    sink = s.get();
    logger.add_sink(std::move(s));
    Hooks h;
    h.on_pool = [this](const DesiredPool& p) { published.push_back(p); };
    h.on_pool_removed = [this](const VirtualServerKey& k) { removed.push_back(k); };
    h.on_change = Announcer(log::Channel(logger, log::Source::Check), rec);
    rt = std::make_unique<Runtime>(io, logger, std::move(h));
  }
  bool logged(const std::string& text) const {
    for (const auto& l : sink->lines)
      if (l.text.find(text) != std::string::npos) return true;
    return false;
  }
  DesiredPool pool(std::size_t vi) const { return rt->pools().at(vi); }
  bool run_until(const std::function<bool()>& f) { return loopback::run_until(io, f); }
};

CheckTiming fast(unsigned retry = 1, bool alpha = false) {
  CheckTiming t;
  t.delay_loop = milliseconds(40);
  t.delay_before_retry = milliseconds(20);
  t.connect_timeout = milliseconds(300);
  t.warmup = milliseconds(20);
  t.retry = retry;
  t.alpha = alpha;
  return t;
}

CheckerDef tcp(Endpoint target, CheckTiming t = fast()) {
  CheckerDef d;
  d.kind = TcpCheck{};
  d.connect.target = target;
  d.timing = t;
  return d;
}

VirtualServerDef vs(const char* vip, std::uint16_t port) {
  VirtualServerDef v;
  v.key.endpoint = endpoint(vip, port);
  return v;
}

RealServerDef rs(Endpoint ep, std::vector<CheckerDef> checkers) {
  RealServerDef r;
  r.endpoint = ep;
  r.checkers = std::move(checkers);
  return r;
}

}  // namespace

TEST_CASE("runtime: alpha real server comes up, goes down when its server dies, with notifications") {
  Fixture f;
  auto server = std::make_unique<loopback::TcpServer>(f.io);
  const Endpoint ep = endpoint("127.0.0.1", server->port());
  Definition def;
  def.globals.router_id = "lb1";
  VirtualServerDef v = vs("192.0.2.100", 80);
  RealServerDef r = rs(ep, {tcp(ep, fast(1, true))});
  r.notify_up = {.argv = {"/usr/local/bin/up.sh", "arg one"}};
  r.notify_down = {.argv = {"/usr/local/bin/down.sh"}};
  r.smtp_alert = true;
  v.real_servers.push_back(r);
  def.virtual_servers.push_back(v);

  f.rt->apply(def);
  REQUIRE(f.published.size() == 1);
  CHECK(f.published[0].members.empty());  // alpha: down until the first success
  CHECK_FALSE(f.published[0].quorum_up);
  f.rt->start();
  REQUIRE(f.run_until([&] { return !f.pool(0).members.empty(); }));
  CHECK(f.pool(0).members[0] == PoolMember{ep, 1, false});
  CHECK(f.pool(0).quorum_up);
  CHECK(f.logged("TCP connection to [127.0.0.1]:tcp:" + std::to_string(ep.port) + " success."));
  CHECK(f.logged("Adding service [127.0.0.1]:tcp:" + std::to_string(ep.port) + " to VS [192.0.2.100]:tcp:80"));
  CHECK(f.logged("Gained quorum 1+0=1 <= 1 for VS [192.0.2.100]:tcp:80"));
  REQUIRE(f.rec->scripts.size() == 1);
  CHECK(f.rec->scripts[0].argv == std::vector<std::string>{"/usr/local/bin/up.sh", "arg one"});
  CHECK(f.rec->has_fifo("RS [127.0.0.1]:tcp:" + std::to_string(ep.port) + " [192.0.2.100]:tcp:80 UP"));
  CHECK(f.rec->has_fifo("VS [192.0.2.100]:tcp:80 UP"));
  REQUIRE(f.rec->alerts.size() == 1);
  CHECK(f.rec->alerts[0].subject ==
        "[lb1] Realserver [127.0.0.1]:tcp:" + std::to_string(ep.port) + " of virtual server [192.0.2.100]:tcp:80 - UP");
  CHECK(f.rec->alerts[0].body == "=> TCP CHECK succeed on service <=");

  server.reset();  // refused from now on
  REQUIRE(f.run_until([&] { return f.pool(0).members.empty(); }));
  CHECK(f.logged("TCP_CHECK on service [127.0.0.1]:tcp:" + std::to_string(ep.port) + " failed after 1 retries."));
  // and why (keepalived's line does not say)
  CHECK(f.logged("TCP_CHECK on service [127.0.0.1]:tcp:" + std::to_string(ep.port) + " is down: connection refused"));
  CHECK(f.logged("Removing service [127.0.0.1]:tcp:" + std::to_string(ep.port) + " from VS [192.0.2.100]:tcp:80"));
  CHECK(f.logged("Lost quorum 1-0=1 > 0 for VS [192.0.2.100]:tcp:80"));
  REQUIRE(f.rec->scripts.size() == 2);
  CHECK(f.rec->scripts[1].argv == std::vector<std::string>{"/usr/local/bin/down.sh"});
  CHECK(f.rec->has_fifo("RS [127.0.0.1]:tcp:" + std::to_string(ep.port) + " [192.0.2.100]:tcp:80 DOWN"));
  CHECK(f.rt->stats().retries >= 1);
  f.rt->stop();
}

TEST_CASE("runtime: identical checks of one real server in several virtual servers run once") {
  Fixture f;
  loopback::TcpServer server(f.io);
  const Endpoint ep = endpoint("127.0.0.1", server.port());
  Definition def;
  for (std::uint16_t port : {80, 81, 82}) {
    VirtualServerDef v = vs("192.0.2.100", port);
    v.real_servers.push_back(rs(ep, {tcp(ep, fast(1, true))}));
    def.virtual_servers.push_back(v);
  }
  CheckTiming other = fast(1, true);
  other.connect_timeout = milliseconds(299);  // a different check: runs on its own
  VirtualServerDef v = vs("192.0.2.100", 83);
  v.real_servers.push_back(rs(ep, {tcp(ep, other)}));
  def.virtual_servers.push_back(v);

  f.rt->apply(def);
  CHECK(f.rt->stats().checkers == 4);
  CHECK(f.rt->stats().unique_checkers == 2);
  f.rt->start();
  REQUIRE(f.run_until([&] {
    for (const auto& p : f.rt->pools())
      if (p.members.empty()) return false;
    return true;
  }));
  // Every virtual server saw the real server come up, from two checks per round.
  const auto st = f.rt->stats();
  CHECK(st.transitions == 2);
  f.rt->stop();
}

TEST_CASE("runtime: reload keeps unchanged checkers and real-server state, drops removed services") {
  Fixture f;
  loopback::TcpServer server(f.io);
  const Endpoint ep = endpoint("127.0.0.1", server.port());
  const Endpoint dead = endpoint("127.0.0.1", loopback::closed_port(f.io));
  Definition def;
  VirtualServerDef v1 = vs("192.0.2.100", 80);
  v1.real_servers.push_back(rs(ep, {tcp(ep, fast(0, true))}));
  v1.real_servers.push_back(rs(dead, {tcp(dead, fast(0, false))}));
  def.virtual_servers.push_back(v1);
  def.virtual_servers.push_back(vs("192.0.2.101", 80));

  f.rt->apply(def);
  f.rt->start();
  REQUIRE(f.run_until([&] {
    const auto p = f.pool(0);
    return p.members.size() == 1 && p.members[0].endpoint == ep;
  }));
  const std::size_t published = f.published.size();
  const auto started = f.rt->stats().checks_started;

  // Same definition: everything kept, nothing republished, checks go on.
  ApplyReport rep = f.rt->apply(def);
  CHECK(rep.kept == 2);
  CHECK(rep.added == 0);
  CHECK(rep.removed == 0);
  CHECK(f.published.size() == published);
  REQUIRE(f.run_until([&] { return f.rt->stats().checks_started > started + 2; }));
  CHECK(f.pool(0).members.size() == 1);

  // A changed timing on the live server: a new checker, but the server stays in (no flap),
  // even though the new one has alpha.
  Definition changed = def;
  CheckTiming t = fast(0, true);
  t.delay_loop = milliseconds(45);
  changed.virtual_servers[0].real_servers[0].checkers[0].timing = t;
  changed.virtual_servers.pop_back();
  rep = f.rt->apply(changed);
  CHECK(rep.kept == 1);
  CHECK(rep.added == 1);
  CHECK(rep.removed == 1);
  CHECK(f.pool(0).members.size() == 1);
  REQUIRE(f.removed.size() == 1);
  CHECK(f.removed[0].endpoint == endpoint("192.0.2.101", 80));
  CHECK(f.rt->stats().unique_checkers == 2);
  f.rt->stop();
}

TEST_CASE("runtime: quorum lost brings in the sorry server and runs quorum_down") {
  Fixture f;
  loopback::TcpServer server(f.io);
  const Endpoint up = endpoint("127.0.0.1", server.port());
  const Endpoint dead = endpoint("127.0.0.1", loopback::closed_port(f.io));
  Definition def;
  def.globals.router_id = "lb1";
  VirtualServerDef v = vs("192.0.2.100", 80);
  v.quorum = 2;
  v.sorry_server = SorryServerDef{endpoint("127.0.0.9", 80), false};
  v.quorum_down = {.argv = {"/bin/quorum-down"}};
  v.quorum_up = {.argv = {"/bin/quorum-up"}};
  v.smtp_alert = true;
  v.real_servers.push_back(rs(up, {tcp(up, fast(0))}));
  v.real_servers.push_back(rs(dead, {tcp(dead, fast(0))}));
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  CHECK(f.pool(0).quorum_up);  // both start up (no alpha)
  f.rt->start();
  REQUIRE(f.run_until([&] { return f.pool(0).sorry_active; }));
  const DesiredPool p = f.pool(0);
  REQUIRE(p.members.size() == 1);
  CHECK(p.members[0].sorry);
  CHECK(p.members[0].endpoint == endpoint("127.0.0.9", 80));
  CHECK(f.logged("Lost quorum 2-0=2 > 1 for VS [192.0.2.100]:tcp:80"));
  CHECK(f.logged("Executing [/bin/quorum-down] for VS [192.0.2.100]:tcp:80"));
  bool ran = false;
  for (const auto& s : f.rec->scripts) ran |= s.argv == std::vector<std::string>{"/bin/quorum-down"};
  CHECK(ran);
  CHECK(f.rec->has_fifo("VS [192.0.2.100]:tcp:80 DOWN"));
  bool alerted = false;
  for (const auto& a : f.rec->alerts)
    alerted |= a.subject == "[lb1] Virtualserver [192.0.2.100]:tcp:80 - DOWN" && a.body == "=> Lost quorum 2+0=2 <= 1 <=";
  CHECK(alerted);
  f.rt->stop();
}

TEST_CASE("runtime: ha_suspend checks only while the VIP is present") {
  Fixture f;
  const Endpoint dead = endpoint("127.0.0.1", loopback::closed_port(f.io));
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 80);
  v.ha_suspend = true;
  v.suspend_addresses = {*IpAddress::parse("192.0.2.100")};
  v.real_servers.push_back(rs(dead, {tcp(dead, fast(0))}));
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  f.rt->start();
  CHECK(f.rt->suspended(0));
  // Give a suspended checker every chance to run: it must not.
  for (int i = 0; i < 10; ++i) f.io.run_one_for(milliseconds(10));
  CHECK(f.rt->stats().checks_started == 0);
  CHECK(f.pool(0).members.size() == 1);  // starts up, untouched

  f.rt->set_address_present(*IpAddress::parse("192.0.2.100"), true);  // VRRP became master
  CHECK_FALSE(f.rt->suspended(0));
  REQUIRE(f.run_until([&] { return f.pool(0).members.empty(); }));
  CHECK(f.logged("Resuming healthchecking for VS [192.0.2.100]:tcp:80"));

  f.rt->set_address_present(*IpAddress::parse("192.0.2.100"), false);
  CHECK(f.rt->suspended(0));
  const auto started = f.rt->stats().checks_started;
  for (int i = 0; i < 10; ++i) f.io.run_one_for(milliseconds(10));
  CHECK(f.rt->stats().checks_started <= started + 1);  // at most the one already due
  f.rt->stop();
}

TEST_CASE("runtime: MISC_CHECK misc_dynamic sets the weight in the pool") {
  Fixture f;
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 80);
  CheckerDef misc;
  misc.kind = MiscCheck{.script = {.argv = {"/bin/sh", "-c", "exit 12"}}, .timeout = milliseconds(5000), .dynamic = true};
  misc.timing = fast(0, true);
  v.real_servers.push_back(rs(endpoint("127.0.0.1", 80), {misc}));
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  f.rt->start();
  REQUIRE(f.run_until([&] { return !f.pool(0).members.empty(); }));
  CHECK(f.pool(0).members[0].weight == 10);
  f.rt->stop();
}

TEST_CASE("runtime: FILE_CHECK follows the file as it changes") {
  Fixture f;
  const auto dir = std::filesystem::temp_directory_path() / ("sa_rt_file_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "state").string();
  std::ofstream(path) << "0\n";
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 80);
  CheckerDef file;
  file.kind = FileCheck{.track_name = "state", .path = path, .weight = 0};
  file.timing = fast(0);
  v.real_servers.push_back(rs(endpoint("127.0.0.1", 80), {file}));
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  f.rt->start();
  REQUIRE(f.run_until([&] { return f.rt->stats().checks_completed >= 1; }));
  CHECK(f.pool(0).members.size() == 1);
  {
    std::ofstream(path + ".tmp") << "1\n";
    std::filesystem::rename(path + ".tmp", path);  // how tools replace files atomically
  }
  REQUIRE(f.run_until([&] { return f.pool(0).members.empty(); }));
  std::ofstream(path) << "0\n";
  REQUIRE(f.run_until([&] { return f.pool(0).members.size() == 1; }));
  // The metrics' counts: results by outcome, and one duration for each.
  const auto st = f.rt->stats();
  CHECK(st.by_outcome[static_cast<std::size_t>(Outcome::Ok)] >= 2);
  CHECK(st.by_outcome[static_cast<std::size_t>(Outcome::FileFault)] >= 1);
  std::uint64_t results = 0, durations = 0;
  for (const auto n : st.by_outcome) results += n;
  for (const auto n : st.duration_buckets) durations += n;
  CHECK(results == durations);
  CHECK(results <= st.checks_completed);
  f.rt->stop();
  std::filesystem::remove_all(dir);
}

TEST_CASE("runtime: a check that hangs ends at its deadline") {
  Fixture f;
  loopback::LineServer silent(f.io, "", [](const std::string&) -> std::string { return ""; });
  const Endpoint ep = endpoint("127.0.0.1", silent.port());
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 25);
  CheckerDef smtp;
  smtp.kind = SmtpCheck{.helo_name = "lb"};
  smtp.connect.target = ep;
  smtp.timing = fast(0);
  smtp.timing.connect_timeout = milliseconds(100);
  v.real_servers.push_back(rs(ep, {smtp}));
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  f.rt->start();
  REQUIRE(f.run_until([&] { return f.pool(0).members.empty(); }));
  CHECK(f.rt->stats().deadlines_hit >= 1);
  CHECK(f.rt->dump().find("SMTP_CHECK: down") != std::string::npos);
  f.rt->stop();
}

TEST_CASE("runtime: omega runs the down notifications at stop") {
  Fixture f;
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 80);
  v.omega = true;
  v.quorum_down = {.argv = {"/bin/qd"}};
  RealServerDef r = rs(endpoint("127.0.0.1", 80), {});  // no checker: always alive
  r.notify_down = {.argv = {"/bin/rd"}};
  v.real_servers.push_back(r);
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  f.rt->start();
  f.rt->stop();
  REQUIRE(f.rec->scripts.size() == 2);
  CHECK(f.rec->scripts[0].argv == std::vector<std::string>{"/bin/rd"});
  CHECK(f.rec->scripts[1].argv == std::vector<std::string>{"/bin/qd"});
}

TEST_CASE("runtime: destroyed while checks are in flight, the loop finishes them safely") {
  asio::io_context io;
  log::Logger logger;
  loopback::LineServer silent(io, "", [](const std::string&) -> std::string { return ""; });
  {
    Runtime rt(io, logger, Hooks{});
    Definition def;
    VirtualServerDef v = vs("192.0.2.100", 25);
    CheckerDef smtp;
    smtp.kind = SmtpCheck{};
    smtp.connect.target = endpoint("127.0.0.1", silent.port());
    smtp.timing = fast(0);
    smtp.timing.warmup = Duration::zero();
    v.real_servers.push_back(rs(smtp.connect.target, {smtp}));
    def.virtual_servers.push_back(v);
    rt.apply(def);
    rt.start();
    loopback::run_until(io, [&] { return rt.stats().in_flight > 0; });
    CHECK(rt.stats().in_flight == 1);
  }
  for (int i = 0; i < 20; ++i) io.run_one_for(milliseconds(5));  // ASan checks the rest
}

// A listener outside the loop: connections complete in the kernel's accept queue and are
// never answered, so a check waits for a response with nothing else on the loop.
struct DeafListener {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  std::uint16_t port = 0;
  DeafListener() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), len) == 0);
    REQUIRE(::listen(fd, 64) == 0);
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
  ~DeafListener() { ::close(fd); }
  DeafListener(const DeafListener&) = delete;
  DeafListener& operator=(const DeafListener&) = delete;
};

TEST_CASE("runtime: stopped while checks wait for their servers, the loop runs out of work") {
  // A daemon stops by letting io_context::run() return: nothing of the checkers may stay
  // pending once they are stopped (the shared socket set's wait included).
  DeafListener deaf;
  asio::io_context io;
  log::Logger logger;
  Runtime rt(io, logger, Hooks{});
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 80);
  for (const bool http : {false, true}) {
    CheckerDef d;
    if (http) {
      d.kind = HttpCheck{.urls = {HttpUrl{.path = "/"}}};
    } else {
      d.kind = SmtpCheck{.helo_name = "lb"};  // waits for a greeting
    }
    d.connect.target = endpoint("127.0.0.1", deaf.port);
    d.timing = fast(0);
    d.timing.warmup = Duration::zero();
    d.timing.connect_timeout = std::chrono::seconds(30);
    v.real_servers.push_back(rs(endpoint(http ? "127.0.0.1" : "127.0.0.2", deaf.port), {d}));
  }
  def.virtual_servers.push_back(v);
  rt.apply(def);
  rt.start();
  REQUIRE(loopback::run_until(io, [&] { return rt.stats().in_flight == 2; }));
  for (int i = 0; i < 10; ++i) io.run_one_for(milliseconds(2));  // both are waiting now
  REQUIRE(rt.stats().in_flight == 2);
  rt.stop();
  io.restart();
  io.run_for(std::chrono::seconds(5));  // returns at once when nothing is left to do
  CHECK(io.stopped());
  CHECK(rt.stats().in_flight == 0);
}

TEST_CASE("runtime: more distinct intervals and timeouts than it keeps queues for") {
  // Due times and deadlines of a few distinct durations go to a queue per duration; past
  // kMaxQueues (32) durations they go to one heap. Forty checkers, each with its own
  // delay_loop and connect_timeout, against a server that accepts and never greets: every
  // check must run again and again, and every one must end at its deadline.
  DeafListener deaf;
  Fixture f;
  Definition def;
  VirtualServerDef v = vs("192.0.2.100", 25);
  constexpr int kCheckers = 40;
  for (int i = 0; i < kCheckers; ++i) {
    CheckerDef d;
    d.kind = SmtpCheck{.helo_name = "lb"};
    d.connect.target = endpoint("127.0.0.1", deaf.port);
    d.timing = fast(0);
    d.timing.delay_loop = milliseconds(20 + i);
    d.timing.connect_timeout = milliseconds(30 + i);
    d.timing.warmup = milliseconds(10);
    const std::string ip = "127.0.1." + std::to_string(i + 1);
    v.real_servers.push_back(rs(endpoint(ip.c_str(), 25), {d}));
  }
  def.virtual_servers.push_back(v);
  f.rt->apply(def);
  f.rt->start();
  REQUIRE(f.run_until([&] {
    return f.rt->stats().deadlines_hit >= 3 * kCheckers && f.rt->stats().checks_completed >= 3 * kCheckers;
  }));
  CHECK(f.pool(0).members.empty());
  const auto views = f.rt->real_servers(0);
  REQUIRE(views.size() == kCheckers);
  for (const auto& r : views) CHECK_FALSE(r.alive);
  f.rt->stop();
}
