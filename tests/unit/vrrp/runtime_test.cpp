// The VRRP shell (vrrp::Runtime) on fake ports (fake_ports.hpp): dispatch of adverts, timers,
// link changes and reloads to the instances, what it asks of the kernel, and what it
// publishes on the event stream. Real time, VRRPv3 with 0.5 s adverts (Master_Down_Interval
// 1.8 s: a loaded machine would have to stall that long to confuse a test); every wait is
// bounded.
#include <doctest/doctest.h>

#include <chrono>

#include "fake_ports.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/vrrp/subscribers.hpp"

using namespace vrrp_test;
namespace events = stayalived::events;

namespace {

std::shared_ptr<const config::Config> parse(const std::string& text) {
  auto r = config::load_string(text, "test.conf");
  for (const auto& d : r.diagnostics)
    if (d.format().find("error") != std::string::npos) MESSAGE(d.format());
  REQUIRE(r.config);
  return std::make_shared<const config::Config>(std::move(*r.config));
}

// One director: eth0 (index 2, up) with 192.0.2.1/24; a VRRP runtime on fakes.
struct Rig {
  boost::asio::io_context io;
  log::Logger logger;
  log::MemorySink* sink = nullptr;
  FakeWorld world;
  FakeScripts scripts{io};
  events::Bus bus;
  std::vector<events::VrrpInstanceTransition> transitions;
  std::unique_ptr<Runtime> rt;

  explicit Rig(bool detail = false, Runtime::Options options = {})
      : logger(log::Options{.to_syslog = false, .detail = detail}) {
    auto s = std::make_unique<log::MemorySink>();
    sink = s.get();
    logger.add_sink(std::move(s));
    world.links.push_back(LinkInfo{.index = 2, .name = "eth0", .up = true, .running = true, .mac = {}, .has_mac = true});
    world.addrs.push_back(AddrInfo{.index = 2, .address = *IpAddress::parse("192.0.2.1"), .prefix = 24, .scope = 0, .flags = 0});
    bus.on<events::VrrpInstanceTransition>([this](const events::VrrpInstanceTransition& t) { transitions.push_back(t); });
    rt = std::make_unique<Runtime>(io, logger, scripts, bus, options, std::make_unique<FakePorts>(world));
    log_transitions(bus, log::Channel(logger, log::Source::Vrrp));
    run_notify_scripts(bus, scripts,
                       NotifyLookup{[this](std::string_view n) { return rt->instance_config(n); },
                                    [this] { return rt->config(); }});
  }
  ~Rig() {
    rt->stop(nullptr);
    io.poll();
  }
  // Runs the loop until `done` or `limit` passes.
  template <class F>
  bool run_until(F done, std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done() && std::chrono::steady_clock::now() < end) {
      io.run_for(std::chrono::milliseconds(5));
      io.restart();
    }
    return done();
  }
  State state() const { return rt->instances().at(0).state; }
  bool logged(const std::string& text) const {
    return std::any_of(sink->lines.begin(), sink->lines.end(),
                       [&](const auto& l) { return l.text.find(text) != std::string::npos; });
  }
  // Where `text` is first logged (lines.size() when it is not).
  std::size_t line_of(const std::string& text) const {
    const auto it = std::find_if(sink->lines.begin(), sink->lines.end(),
                                 [&](const auto& l) { return l.text.find(text) != std::string::npos; });
    return static_cast<std::size_t>(it - sink->lines.begin());
  }
  // Where a line equal to `text` is last logged (lines.size() when it is not).
  std::size_t last_line_is(const std::string& text) const {
    for (std::size_t i = sink->lines.size(); i-- > 0;)
      if (sink->lines[i].text == text) return i;
    return sink->lines.size();
  }
  // A VRRPv3 advert from 192.0.2.2 with `prio`, for VRID 51 and one VIP.
  std::vector<std::uint8_t> advert(int prio, const char* vip = "192.0.2.100") {
    Frame f;
    f.advert.version = 3;
    f.advert.vrid = 51;
    f.advert.priority = static_cast<std::uint8_t>(prio);
    f.advert.interval = centiseconds(50);
    f.advert.addresses = {*IpAddress::parse(vip)};
    f.source = *IpAddress::parse("192.0.2.2");
    f.destination = *IpAddress::parse("224.0.0.18");
    return encode_ipv4(f);
  }
};

const char* kInstance = R"(
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  version 3
  advert_int 0.5
  virtual_ipaddress {
    %VIP%
  }
  notify_master "/bin/true master"
  notify "/bin/true any"
}
)";

std::string conf(const std::string& vip = "192.0.2.100/24", const std::string& extra = "") {
  std::string s = std::string("global_defs {\n  router_id test\n  script_user nobody\n}\n") + kInstance + extra;
  s.replace(s.find("%VIP%"), 5, vip);
  return s;
}

}  // namespace

TEST_CASE("runtime: a backup hearing a higher priority master stays backup, when it falls silent, takes over") {
  Rig r;
  REQUIRE(r.rt->start(parse(conf())));
  REQUIRE(r.run_until([&] { return !r.transitions.empty(); }));
  CHECK(r.transitions[0].to == events::VrrpState::Backup);
  CHECK(r.transitions[0].cause == events::VrrpCause::Startup);
  CHECK(r.logged("(VI_1) Entering BACKUP STATE (init)"));
  // A master at 150 advertises (every 100 ms, faster than it says) for a second: we stay
  // Backup and send nothing.
  for (int i = 0; i < 10; ++i) {
    r.world.receive(2, r.advert(150));
    r.io.run_for(std::chrono::milliseconds(100));
    r.io.restart();
  }
  CHECK(r.state() == State::Backup);
  CHECK(r.transitions.size() == 1);
  CHECK(r.world.adverts_sent.empty());
  CHECK(r.rt->instances().at(0).master_priority == 150);
  // It stops: Master_Down_Interval (3 x 0.5 s + skew) later we are Master, with the VIP.
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  const auto& t = r.transitions.back();
  CHECK(t.to == events::VrrpState::Master);
  CHECK(t.cause == events::VrrpCause::MasterDown);
  CHECK(t.peer == "192.0.2.2");  // the master last heard
  CHECK(t.peer_priority == 150);
  CHECK(std::find(r.world.netlink_ops.begin(), r.world.netlink_ops.end(), "add 192.0.2.100/24 dev 2") !=
        r.world.netlink_ops.end());
  CHECK(r.world.garps == std::vector<std::string>{"eth0 192.0.2.100 x5"});
  REQUIRE_FALSE(r.world.adverts_sent.empty());
  CHECK(r.world.sent_priorities().front() == 100);
  // The notify subscriber ran notify_master, then the generic script, and wrote the FIFO.
  CHECK(r.scripts.notified == std::vector<std::string>{"/bin/true any INSTANCE VI_1 BACKUP 100", "/bin/true master",
                                                      "/bin/true any INSTANCE VI_1 MASTER 100"});
  CHECK(r.scripts.fifo_lines.back() == "INSTANCE \"VI_1\" MASTER 100");
  // keepalived's order: the state line, then the VIPs and their ARPs.
  const auto entering = r.line_of("(VI_1) Entering MASTER STATE");
  CHECK(entering < r.line_of("(VI_1) setting VIPs."));
  CHECK(r.line_of("(VI_1) setting VIPs.") < r.line_of("(VI_1) Sending/queueing gratuitous ARPs on eth0 for 192.0.2.100"));
  CHECK(r.line_of("(VI_1) Sending/queueing gratuitous ARPs") < r.sink->lines.size());
  CHECK(std::count_if(r.sink->lines.begin(), r.sink->lines.end(),
                      [](const auto& l) { return l.text.find("Entering MASTER STATE") != std::string::npos; }) == 1);
}

TEST_CASE("runtime: with -D, an interface's address is reported once, whatever the number of instances on it") {
  const std::string second = R"(
vrrp_instance VI_2 {
  interface eth0
  virtual_router_id 52
  priority 100
  virtual_ipaddress {
    192.0.2.101/24
  }
}
)";
  auto count = [](const Rig& r) {
    return std::count_if(r.sink->lines.begin(), r.sink->lines.end(),
                         [](const auto& l) { return l.text.find("Assigned address") != std::string::npos; });
  };
  {
    Rig r(true);
    REQUIRE(r.rt->start(parse(conf("192.0.2.100/24", second))));
    REQUIRE(r.run_until([&] { return r.transitions.size() >= 2; }));
    CHECK(count(r) == 1);
    CHECK(r.logged("Assigned address 192.0.2.1 for interface eth0"));
    // keepalived's line: the interface's, before the instances start.
    CHECK(r.line_of("Assigned address") < r.line_of("(VI_1) Entering BACKUP STATE (init)"));
  }
  {
    Rig r;  // without -D keepalived does not say it
    REQUIRE(r.rt->start(parse(conf("192.0.2.100/24", second))));
    REQUIRE(r.run_until([&] { return r.transitions.size() >= 2; }));
    CHECK(count(r) == 0);
  }
}

TEST_CASE("runtime: a master with a higher priority advert steps down and says from whom") {
  Rig r;
  REQUIRE(r.rt->start(parse(conf())));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  r.world.netlink_ops.clear();
  r.world.receive(2, r.advert(200));
  REQUIRE(r.run_until([&] { return r.state() == State::Backup; }));
  const auto& t = r.transitions.back();
  CHECK(t.from == events::VrrpState::Master);
  CHECK(t.cause == events::VrrpCause::HigherPriority);
  CHECK(t.peer == "192.0.2.2");
  CHECK(t.peer_priority == 200);
  CHECK(r.world.netlink_ops == std::vector<std::string>{"del 192.0.2.100/24 dev 2"});
  CHECK(r.logged("(VI_1) Master received advert from 192.0.2.2 with higher priority 200, ours 100"));
  // Leaving Master, keepalived removes the VIPs first and then says where it went.
  const auto entering = r.last_line_is("(VI_1) Entering BACKUP STATE");
  CHECK(entering < r.sink->lines.size());
  CHECK(r.last_line_is("(VI_1) removing VIPs.") < entering);
}

TEST_CASE("runtime: a master losing its interface enters FAULT, removes its VIP and names the fault") {
  Rig r;
  REQUIRE(r.rt->start(parse(conf())));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  r.world.netlink_ops.clear();
  auto down = r.world.links[0];
  down.running = false;
  r.world.link_change(down);
  REQUIRE(r.run_until([&] { return r.state() == State::Fault; }));
  const auto& t = r.transitions.back();
  CHECK(t.from == events::VrrpState::Master);
  CHECK(t.cause == events::VrrpCause::Fault);
  CHECK(t.faults == std::vector<std::string>{"interface eth0 down"});
  CHECK(r.world.netlink_ops == std::vector<std::string>{"del 192.0.2.100/24 dev 2"});
  CHECK(r.logged("Netlink reports eth0 down"));
  CHECK(r.logged("(VI_1) Entering FAULT STATE"));
  // The link returns: Backup again (and Master after Master_Down_Interval, alone).
  auto up = down;
  up.running = true;
  r.world.link_change(up);
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  CHECK(r.transitions[r.transitions.size() - 2].cause == events::VrrpCause::FaultCleared);
}

TEST_CASE("runtime: an instance tracking a down interface starts in FAULT with keepalived's two lines") {
  Rig r;
  r.world.links.push_back(LinkInfo{.index = 3, .name = "trk0", .up = true, .running = false, .mac = {}, .has_mac = true});
  r.world.links.push_back(LinkInfo{.index = 4, .name = "trk1", .up = true, .running = true, .mac = {}, .has_mac = true});
  auto text = conf();
  text.replace(text.find("  notify_master"), 0, "  track_interface {\n    trk0\n  }\n");
  REQUIRE(r.rt->start(parse(text)));
  REQUIRE(r.run_until([&] { return !r.transitions.empty(); }));
  CHECK(r.state() == State::Fault);
  CHECK(r.transitions.front().faults == std::vector<std::string>{"interface trk0 down"});
  CHECK(r.logged("(VI_1): entering FAULT state (interface trk0 down)"));
  CHECK(r.logged("(VI_1) entering FAULT state"));
  CHECK_FALSE(r.logged("Entering FAULT STATE"));
  // A link no instance uses comes and goes unremarked (keepalived is silent about it too);
  // the tracked one is reported.
  auto other = r.world.links[2];
  other.running = false;
  r.world.link_change(other);
  auto tracked = r.world.links[1];
  tracked.running = true;
  r.world.link_change(tracked);
  REQUIRE(r.run_until([&] { return r.state() != State::Fault; }));
  CHECK(r.logged("Netlink reports trk0 up"));
  CHECK_FALSE(r.logged("Netlink reports trk1"));
}

TEST_CASE("runtime: a reload that moves the VIP replaces it on the master, without a transition") {
  Rig r;
  REQUIRE(r.rt->start(parse(conf())));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  const auto before = r.transitions.size();
  r.world.netlink_ops.clear();
  r.world.garps.clear();
  REQUIRE(r.rt->apply(parse(conf("192.0.2.200/24"))));
  r.io.poll();
  r.io.restart();
  CHECK(r.state() == State::Master);
  CHECK(r.transitions.size() == before);
  CHECK(r.world.netlink_ops == std::vector<std::string>{"del 192.0.2.100/24 dev 2", "add 192.0.2.200/24 dev 2"});
  CHECK(r.world.garps == std::vector<std::string>{"eth0 192.0.2.200 x5"});
  // The next adverts carry the new address.
  r.world.adverts_sent.clear();
  REQUIRE(r.run_until([&] { return !r.world.adverts_sent.empty(); }));
  auto rx = decode_ipv4(r.world.adverts_sent.back().bytes, DecodeOptions{});
  REQUIRE(rx);
  CHECK(rx->advert.addresses == std::vector<IpAddress>{*IpAddress::parse("192.0.2.200")});
}

TEST_CASE("runtime: an instance removed by a reload is notified as FAULT, or DELETED with notify_deleted") {
  for (bool with_deleted : {false, true}) {
    Rig r;
    std::string c = conf();
    if (with_deleted) c.insert(c.find("  notify_master"), "  notify_deleted\n");
    REQUIRE(r.rt->start(parse(c)));
    REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
    REQUIRE(r.rt->apply(parse("global_defs {\n  router_id test\n}\n")));
    r.io.poll();
    r.io.restart();
    const auto& t = r.transitions.back();
    CHECK(t.to == events::VrrpState::Init);
    CHECK(t.cause == events::VrrpCause::Deleted);
    CHECK(r.scripts.notified.back() ==
          (with_deleted ? "/bin/true any INSTANCE VI_1 DELETED 100" : "/bin/true any INSTANCE VI_1 FAULT 100"));
    CHECK(r.rt->instances().empty());
  }
}

TEST_CASE("runtime: a stop sends priority 0 and publishes the shutdown after it") {
  Rig r;
  REQUIRE(r.rt->start(parse(conf())));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  r.world.adverts_sent.clear();
  std::size_t adverts_when_published = 0;
  r.bus.on<events::VrrpInstanceTransition>([&](const events::VrrpInstanceTransition& t) {
    if (t.cause == events::VrrpCause::Shutdown) adverts_when_published = r.world.adverts_sent.size();
  });
  r.rt->stop(nullptr);
  r.io.poll();
  CHECK(r.world.sent_priorities() == std::vector<int>{0});
  CHECK(adverts_when_published == 1);  // the network work came first
  CHECK(r.transitions.back().cause == events::VrrpCause::Shutdown);
}

TEST_CASE("runtime: -a logs the addresses the kernel reports, at start and as they come and go, but not our VIPs") {
  // keepalived 2.2.7 -a (measured in a namespace): "Netlink reflector reports IP 192.0.2.1
  // added to eth0" for each address at start, then for each one added or removed; its own
  // VIPs are not reported.
  Rig r(false, Runtime::Options{.log_address_changes = true});
  REQUIRE(r.rt->start(parse(conf())));
  CHECK(r.logged("Netlink reflector reports IP 192.0.2.1 added to eth0"));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  const AddrInfo vip{.index = 2, .address = *IpAddress::parse("192.0.2.100"), .prefix = 24, .scope = 0, .flags = 0};
  r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressAdded, {}, vip});
  const AddrInfo other{.index = 2, .address = *IpAddress::parse("198.51.100.7"), .prefix = 24, .scope = 0, .flags = 0};
  r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressAdded, {}, other});
  r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressRemoved, {}, other});
  r.io.poll();
  r.io.restart();
  CHECK(r.logged("Netlink reflector reports IP 198.51.100.7 added to eth0"));
  CHECK(r.logged("Netlink reflector reports IP 198.51.100.7 removed from eth0"));
  CHECK_FALSE(r.logged("reports IP 192.0.2.100"));
  // Without -a, nothing of the kind.
  Rig quiet;
  REQUIRE(quiet.rt->start(parse(conf())));
  quiet.world.netlink_watch(NetEvent{NetEvent::Kind::AddressAdded, {}, other});
  quiet.io.poll();
  CHECK_FALSE(quiet.logged("Netlink reflector reports"));
}

TEST_CASE("runtime: the firewall drops a non-accepting master's VIPs and E-VIPs, and only while it is master") {
  Rig r;
  // no_accept: the firewall is opened only when the instance first becomes master.
  std::string first = conf();
  first.replace(first.find("  version 3"), 0, "  no_accept\n");
  REQUIRE(r.rt->start(parse(first)));
  r.io.poll();
  r.io.restart();
  CHECK(r.world.firewall_opened.empty());
  CHECK(r.logged("(VI_1) removing firewall drop rule"));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  REQUIRE(r.world.firewall_opened.size() == 1);
  CHECK(r.world.firewall_opened[0] == FirewallOptions{});
  CHECK(r.world.dropped() == "192.0.2.100");
  // keepalived's order: the drop rule before the VIPs.
  CHECK(r.line_of("(VI_1) setting firewall drop rule") < r.line_of("(VI_1) setting VIPs."));
  // A higher priority master: backup, the set is emptied (the table stays).
  r.world.receive(2, r.advert(200));
  REQUIRE(r.run_until([&] { return r.state() == State::Backup; }));
  CHECK(r.world.firewall_open);
  CHECK(r.world.dropped().empty());
  // Master again; a reload that adds an excluded VIP and a second VIP.
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  CHECK(r.world.dropped() == "192.0.2.100");
  std::string c = conf("192.0.2.100/24\n    192.0.2.101/24");
  c.replace(c.find("  version 3"), 0, "  no_accept\n  virtual_ipaddress_excluded {\n    192.0.2.150/24\n  }\n");
  REQUIRE(r.rt->apply(parse(c)));
  r.io.poll();
  r.io.restart();
  CHECK(r.world.dropped() == "192.0.2.100 192.0.2.101 192.0.2.150");
  // accept mode by reload: nothing is dropped; the stop deletes the tables.
  REQUIRE(r.rt->apply(parse(conf())));
  r.io.poll();
  r.io.restart();
  CHECK(r.world.dropped().empty());
  r.rt->stop(nullptr);
  r.io.poll();
  CHECK_FALSE(r.world.firewall_open);
}

TEST_CASE("runtime: an instance in accept mode never opens the firewall, and the table options come from global_defs") {
  {
    Rig r;
    REQUIRE(r.rt->start(parse(conf())));
    REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
    CHECK(r.world.firewall_opened.empty());
    CHECK_FALSE(r.logged("firewall"));
  }
  Rig r;
  std::string c = conf();
  c.replace(c.find("  version 3"), 0, "  no_accept\n");
  c.replace(c.find("  router_id test"), 0, "  nftables ka2\n  nftables_priority -5\n  nftables_counters\n");
  REQUIRE(r.rt->start(parse(c)));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  REQUIRE(r.world.firewall_opened.size() == 1);
  CHECK(r.world.firewall_opened[0] == FirewallOptions{.table = "ka2", .priority = -5, .counters = true});
}

TEST_CASE("runtime: log_unknown_vrids logs an advert for a VRID no instance uses, in keepalived's words") {
  for (bool on : {false, true}) {
    Rig r;
    std::string c = conf();
    if (on) c.replace(c.find("  router_id test"), 0, "  log_unknown_vrids\n");
    REQUIRE(r.rt->start(parse(c)));
    r.io.poll();
    r.io.restart();
    Frame f;
    f.advert.version = 3;
    f.advert.vrid = 52;
    f.advert.priority = 100;
    f.advert.interval = centiseconds(100);
    f.advert.addresses = {*IpAddress::parse("192.0.2.200")};
    f.source = *IpAddress::parse("192.0.2.2");
    f.destination = *IpAddress::parse("224.0.0.18");
    r.world.receive(2, encode_ipv4(f));
    r.io.poll();
    r.io.restart();
    CHECK(r.logged("Unknown VRID(52) received on interface(eth0). ignoring...") == on);
    CHECK(r.state() == State::Backup);
  }
}

TEST_CASE("fifo_write_vrrp_states_on_reload: every instance's state, then every sync group's, as FIFO lines") {
  boost::asio::io_context io;
  FakeScripts host(io);
  const auto cfg = parse(
      "vrrp_sync_group G {\n group {\n  A\n  B\n }\n}\n"
      "vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.10\n }\n}\n"
      "vrrp_instance B {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress {\n  192.0.2.11\n }\n}\n"
      "vrrp_instance C {\n interface eth0\n virtual_router_id 3\n virtual_ipaddress {\n  192.0.2.12\n }\n}\n");
  std::vector<InstanceInfo> in(3);
  in[0].name = "A", in[0].state = State::Master, in[0].effective_priority = 150;
  in[1].name = "B", in[1].state = State::Master, in[1].effective_priority = 100;
  in[2].name = "C", in[2].state = State::Fault, in[2].effective_priority = 100;
  write_states_to_fifos(in, *cfg, host);
  CHECK(host.fifo_lines == std::vector<std::string>{"INSTANCE \"A\" MASTER 150", "INSTANCE \"B\" MASTER 100",
                                                     "INSTANCE \"C\" FAULT 100", "GROUP \"G\" MASTER 0"});
  host.fifo_lines.clear();
  in[1].state = State::Backup;
  write_states_to_fifos(in, *cfg, host);
  CHECK(host.fifo_lines.back() == "GROUP \"G\" BACKUP 0");
}

TEST_CASE("runtime: static addresses, routes and rules are installed at start, changed by reload, removed at stop, and a deleted static address is restored") {
  Rig r;
  const std::string statics =
      "static_ipaddress {\n  192.0.2.50/24 dev eth0\n}\n"
      "static_routes {\n  198.51.100.0/24 via 192.0.2.254 dev eth0\n}\n"
      "static_rules {\n  from 192.0.2.50 table 100\n}\n";
  REQUIRE(r.rt->start(parse(conf() + statics)));
  r.io.poll();
  r.io.restart();
  INFO(fmt::format("{}", fmt::join(r.world.netlink_ops, " | ")));
  // The statics first, then the instance's start (which removes its VIP, as keepalived).
  CHECK(r.world.netlink_ops == std::vector<std::string>{"add 192.0.2.50/24 dev 2", "route add 198.51.100.0/24", "rule add",
                                                        "del 192.0.2.100/24 dev 2"});
  // Someone deletes the static address: it comes back.
  r.world.netlink_ops.clear();
  r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressRemoved, {},
                                 AddrInfo{.index = 2, .address = *IpAddress::parse("192.0.2.50"), .prefix = 24}});
  r.io.poll();
  r.io.restart();
  CHECK(r.world.netlink_ops == std::vector<std::string>{"add 192.0.2.50/24 dev 2"});
  CHECK(r.logged("Restoring deleted static address 192.0.2.50/24 dev eth0"));
  // A reload without the route: it goes; the others are applied again (no error if there).
  r.world.netlink_ops.clear();
  REQUIRE(r.rt->apply(parse(conf() + "static_ipaddress {\n  192.0.2.50/24 dev eth0\n}\n"
                                      "static_rules {\n  from 192.0.2.50 table 100\n}\n")));
  r.io.poll();
  r.io.restart();
  CHECK(r.world.netlink_ops == std::vector<std::string>{"route del 198.51.100.0/24", "add 192.0.2.50/24 dev 2", "rule add"});
  // The stop removes them, after the VIP (as keepalived 2.2.7).
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  r.world.netlink_ops.clear();
  r.rt->stop(nullptr);
  r.io.poll();
  CHECK(r.world.netlink_ops == std::vector<std::string>{"del 192.0.2.100/24 dev 2", "rule del", "del 192.0.2.50/24 dev 2"});
}

TEST_CASE("runtime: an empty unicast_peer block is multicast (with keepalived's warning), or FAULT with unicast_fault_no_peer") {
  for (bool fault : {false, true}) {
    Rig r;
    std::string c = conf();
    c.replace(c.find("  version 3"), 0, std::string(fault ? "  unicast_fault_no_peer\n" : "") + "  unicast_peer {\n  }\n");
    REQUIRE(r.rt->start(parse(c)));
    if (fault) {
      REQUIRE(r.run_until([&] { return r.state() == State::Fault; }));
      CHECK(r.logged("(VI_1) Cannot use unicast without any peers - going to fault state"));
      r.run_until([] { return false; }, std::chrono::milliseconds(2000));  // Master_Down_Interval is 1.6 s
      CHECK(r.state() == State::Fault);
    } else {
      REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
      CHECK(r.logged("(VI_1) A unicast keyword has been specified without any unicast peers. Defaulting to multicast."));
    }
  }
}

TEST_CASE("runtime: with dynamic_interfaces an instance follows its interface as it appears, goes and is re-created") {
  Rig r;
  std::string c = conf();
  c.replace(c.find("  interface eth0"), std::string("  interface eth0").size(), "  interface eth1");
  c.replace(c.find("  router_id test"), 0, "  dynamic_interfaces\n");
  REQUIRE(r.rt->start(parse(c)));
  REQUIRE(r.run_until([&] { return r.state() == State::Fault; }));
  const auto appear = [&](int index, const char* addr) {
    const LinkInfo l{.index = index, .name = "eth1", .up = true, .running = true, .mac = {}, .has_mac = true};
    r.world.links.push_back(l);
    r.world.netlink_watch(NetEvent{NetEvent::Kind::LinkChanged, l, {}});
    const AddrInfo a{.index = index, .address = *IpAddress::parse(addr), .prefix = 24, .scope = 0, .flags = 0};
    r.world.addrs.push_back(a);
    r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressAdded, {}, a});
  };
  appear(3, "192.0.2.3");
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  CHECK(r.logged("(VI_1) interface eth1 is now index 3"));
  REQUIRE(!r.world.adverts_sent.empty());
  CHECK(r.world.adverts_sent.back().ifindex == 3);
  // Deleted: FAULT.
  const LinkInfo gone{.index = 3, .name = "eth1", .up = false, .running = false, .mac = {}, .has_mac = true};
  std::erase_if(r.world.links, [](const LinkInfo& l) { return l.index == 3; });
  r.world.netlink_watch(NetEvent{NetEvent::Kind::LinkRemoved, gone, {}});
  REQUIRE(r.run_until([&] { return r.state() == State::Fault; }));
  // Re-created with another index: it runs there.
  appear(7, "192.0.2.3");
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  r.world.adverts_sent.clear();
  REQUIRE(r.run_until([&] { return !r.world.adverts_sent.empty(); }));
  CHECK(r.world.adverts_sent.back().ifindex == 7);
}

TEST_CASE("runtime: interface_up_down_delays holds a link's change for its delay, and a flap within it is none") {
  Rig r;
  REQUIRE(r.rt->start(parse(conf() + "interface_up_down_delays {\n  eth0 1.2 0.3\n}\n")));
  REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
  auto down = r.world.links[0];
  down.running = false;
  auto up = r.world.links[0];
  // A flap: down, and up again within the down delay of 1.2 s: nothing happens.
  r.world.link_change(down);
  r.run_until([] { return false; }, std::chrono::milliseconds(300));
  r.world.link_change(up);
  r.run_until([] { return false; }, std::chrono::milliseconds(1300));
  CHECK(r.state() == State::Master);
  CHECK(r.logged("Netlink reports eth0 up again within its delay: ignored"));
  CHECK_FALSE(r.logged("Netlink reports eth0 down"));
  // Down for good: FAULT once the delay has passed, not before.
  const auto t0 = std::chrono::steady_clock::now();
  r.world.link_change(down);
  REQUIRE(r.run_until([&] { return r.state() == State::Fault; }));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(1150));
  CHECK(r.logged("Netlink reports eth0 down"));
}

TEST_CASE("runtime: track_src_ip puts the instance in FAULT when its source address goes, instead of taking another") {
  for (bool track : {false, true}) {
    Rig r;
    // A second address on eth0, listed after the first: the fallback source.
    r.world.addrs.push_back(AddrInfo{.index = 2, .address = *IpAddress::parse("192.0.2.9"), .prefix = 24, .scope = 0, .flags = 0});
    std::string c = conf();
    if (track) c.replace(c.find("  version 3"), 0, "  track_src_ip\n");
    REQUIRE(r.rt->start(parse(c)));
    REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
    const AddrInfo first{.index = 2, .address = *IpAddress::parse("192.0.2.1"), .prefix = 24, .scope = 0, .flags = 0};
    std::erase_if(r.world.addrs, [&](const AddrInfo& a) { return a.address == first.address; });
    r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressRemoved, {}, first});
    if (track) {
      REQUIRE(r.run_until([&] { return r.state() == State::Fault; }));
      CHECK(r.logged("(VI_1) source address 192.0.2.1 removed from eth0"));
      r.world.addrs.insert(r.world.addrs.begin(), first);
      r.world.netlink_watch(NetEvent{NetEvent::Kind::AddressAdded, {}, first});
      REQUIRE(r.run_until([&] { return r.state() == State::Master; }));
    } else {
      r.run_until([] { return false; }, std::chrono::milliseconds(300));
      CHECK(r.state() == State::Master);  // it sends from 192.0.2.9 now
      r.world.adverts_sent.clear();
      REQUIRE(r.run_until([&] { return !r.world.adverts_sent.empty(); }));
      auto rx = decode_ipv4(r.world.adverts_sent.back().bytes, DecodeOptions{});
      REQUIRE(rx);
      CHECK(rx->source == *IpAddress::parse("192.0.2.9"));
    }
  }
}

TEST_CASE("runtime: the netlink and VRRP socket receive buffers follow global_defs and kernel_rx_buf_size") {
  {
    Rig r;
    std::string c = conf();
    c.replace(c.find("  router_id test"), 0,
              "  vrrp_netlink_cmd_rcv_bufs 300000\n  vrrp_netlink_monitor_rcv_bufs 400000\n"
              "  vrrp_rx_bufs_policy MTU\n  vrrp_rx_bufs_multiplier 4\n");
    REQUIRE(r.rt->start(parse(c)));
    r.io.poll();
    CHECK(r.world.netlink_bufs == std::pair<std::uint32_t, std::uint32_t>{300000, 400000});
    CHECK(r.world.advert_bufs[2] == 6000);  // MTU (1500 when unknown) x 4
  }
  {
    Rig r;
    std::string c = conf();
    c.replace(c.find("  version 3"), 0, "  kernel_rx_buf_size 123456\n");
    REQUIRE(r.rt->start(parse(c)));
    r.io.poll();
    CHECK(r.world.advert_bufs[2] == 123456);
    CHECK(r.world.netlink_bufs == std::pair<std::uint32_t, std::uint32_t>{0, 0});
  }
  {
    Rig r;  // nothing configured: the kernel's default, nothing set
    REQUIRE(r.rt->start(parse(conf())));
    r.io.poll();
    CHECK(r.world.advert_bufs.empty());
  }
}
