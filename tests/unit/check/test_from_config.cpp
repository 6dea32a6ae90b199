// config::Config -> check::Definition: targets, inheritance the loader left to us, defaults.
#include <doctest/doctest.h>

#include "stayalived/check/from_config.hpp"

using namespace stayalived;
using namespace stayalived::check;
namespace cfg = stayalived::config;
using std::chrono::microseconds;
using std::chrono::seconds;

namespace {

cfg::IpAddress ip(const char* s) { return *cfg::IpAddress::parse(s); }

cfg::Checker checker(decltype(cfg::Checker::spec) spec) {
  cfg::Checker c;
  c.spec = std::move(spec);
  return c;
}

cfg::Config sample() {
  cfg::Config c;
  c.global.router_id = "lb1";
  cfg::VirtualServer vs;
  vs.key = cfg::VsAddress{ip("192.0.2.100"), 80};
  vs.virtualhost = "vs.example";
  vs.sorry_server = cfg::SorryServer{ip("192.0.2.250"), 0, {}};
  vs.quorum = 2;
  vs.hysteresis = 1;
  vs.ha_suspend = true;
  cfg::RealServer rs;
  rs.address = ip("192.0.2.11");
  rs.weight = 3;
  rs.notify_up = cfg::Script{{"/bin/up", "x"}, cfg::RunAs{"nobody", "nogroup"}, {}};
  cfg::Checker tcp = checker(cfg::TcpCheck{});
  tcp.delay_loop = microseconds(2500000);
  tcp.connection.connect_timeout = microseconds(1500000);
  tcp.retry = 4;
  rs.checkers.push_back(tcp);
  cfg::Checker http = checker(cfg::HttpCheck{.urls = {cfg::Url{.path = "/health"}}});
  http.connection.connect_port = 8080;
  http.connection.connect_ip = ip("192.0.2.12");
  http.connection.fwmark = 7;
  rs.checkers.push_back(http);
  cfg::Checker misc = checker(cfg::MiscCheck{.path = cfg::Script{{"/bin/check"}, {}, {}}});
  misc.delay_loop = microseconds(7000000);
  rs.checkers.push_back(misc);
  vs.real_servers.push_back(rs);
  c.virtual_servers.push_back(vs);
  return c;
}

}  // namespace

TEST_CASE("from_config: targets, ports and timing") {
  const Definition d = from_config(sample());
  CHECK(d.globals.router_id == "lb1");
  REQUIRE(d.virtual_servers.size() == 1);
  const VirtualServerDef& vs = d.virtual_servers[0];
  CHECK(format_vs(vs.key) == "[192.0.2.100]:tcp:80");
  CHECK(vs.quorum == 2);
  CHECK(vs.hysteresis == 1);
  REQUIRE(vs.sorry_server);
  CHECK(vs.sorry_server->endpoint.port == 80);  // port 0: the virtual server's
  CHECK(vs.suspend_addresses == std::vector<IpAddress>{*IpAddress::parse("192.0.2.100")});
  REQUIRE(vs.real_servers.size() == 1);
  const RealServerDef& rs = vs.real_servers[0];
  CHECK(rs.endpoint.port == 80);
  CHECK(rs.weight == 3);
  CHECK(rs.notify_up.argv == std::vector<std::string>{"/bin/up", "x"});
  CHECK(rs.notify_up.user == "nobody");
  CHECK(rs.notify_up.group == "nogroup");
  CHECK(rs.smtp_alert);  // default yes for real servers
  CHECK_FALSE(vs.smtp_alert);  // default no for virtual servers
  REQUIRE(rs.checkers.size() == 3);

  const CheckerDef& tcp = rs.checkers[0];
  CHECK(std::holds_alternative<TcpCheck>(tcp.kind));
  CHECK(tcp.connect.target == rs.endpoint);
  CHECK(tcp.timing.delay_loop == std::chrono::milliseconds(2500));
  CHECK(tcp.timing.connect_timeout == std::chrono::milliseconds(1500));
  CHECK(tcp.timing.retry == 4);
  CHECK_FALSE(tcp.timing.warmup.has_value());

  const CheckerDef& http = rs.checkers[1];
  CHECK(http.connect.target == Endpoint{*IpAddress::parse("192.0.2.12"), 8080});
  CHECK(http.connect.fwmark == 7);
  const auto& h = std::get<HttpCheck>(http.kind);
  REQUIRE(h.urls.size() == 1);
  CHECK(h.urls[0].virtualhost == "vs.example");  // inherited from the virtual server
  CHECK(h.http_protocol == "1.0");

  const auto& m = std::get<MiscCheck>(rs.checkers[2].kind);
  CHECK(m.script.argv == std::vector<std::string>{"/bin/check"});
  CHECK(m.timeout == std::chrono::seconds(7));  // misc_timeout defaults to delay_loop
}

TEST_CASE("from_config: the same real server in two virtual servers gives equal checkers") {
  cfg::Config c = sample();
  cfg::VirtualServer second = c.virtual_servers[0];
  second.key = cfg::VsAddress{ip("192.0.2.100"), 443};
  second.real_servers[0].port = 80;
  c.virtual_servers.push_back(second);
  const Definition d = from_config(c);
  REQUIRE(d.virtual_servers.size() == 2);
  CHECK(d.virtual_servers[0].real_servers[0].checkers[0] == d.virtual_servers[1].real_servers[0].checkers[0]);
  // Without the explicit port the real server would follow its virtual server's port.
  c.virtual_servers[1].real_servers[0].port = 0;
  const Definition d2 = from_config(c);
  CHECK_FALSE(d2.virtual_servers[0].real_servers[0].checkers[0] == d2.virtual_servers[1].real_servers[0].checkers[0]);
}

TEST_CASE("from_config: smtp_alert follows the global defaults") {
  cfg::Config c = sample();
  c.global.smtp_alert_checker = false;
  Definition d = from_config(c);
  CHECK_FALSE(d.virtual_servers[0].real_servers[0].smtp_alert);
  c.global.smtp_alert_checker.reset();
  c.global.smtp_alert = true;
  d = from_config(c);
  CHECK(d.virtual_servers[0].smtp_alert);
  c.virtual_servers[0].smtp_alert = false;
  d = from_config(c);
  CHECK_FALSE(d.virtual_servers[0].smtp_alert);
}

TEST_CASE("from_config: FILE_CHECK takes its file and weight from the track_file, BFD is left out") {
  cfg::Config c = sample();
  cfg::TrackFile tf;
  tf.name = "maint";
  tf.file = "/run/maint";
  tf.weight = -5;
  tf.weight_reverse = true;
  c.track_files.push_back(tf);
  auto& rs = c.virtual_servers[0].real_servers[0];
  rs.checkers = {checker(cfg::FileCheck{.track_file = "maint"}), checker(cfg::FileCheck{.track_file = "maint", .dynamic = true, .weight = 2}),
                 checker(cfg::FileCheck{.track_file = "nope"}), checker(cfg::BfdCheck{"b1"})};
  std::vector<std::string> warnings;
  const Definition d = from_config(c, &warnings);
  const auto& checkers = d.virtual_servers[0].real_servers[0].checkers;
  REQUIRE(checkers.size() == 2);
  const auto& f0 = std::get<FileCheck>(checkers[0].kind);
  CHECK(f0.path == "/run/maint");
  CHECK(f0.weight == -5);
  CHECK(f0.reverse);
  const auto& f1 = std::get<FileCheck>(checkers[1].kind);
  CHECK(f1.weight == 2);
  CHECK_FALSE(f1.reverse);
  CHECK(f1.dynamic);
  CHECK(warnings.size() == 2);
}

TEST_CASE("from_config: UDP reply masks become wildcard nibbles, DNS types map") {
  cfg::Config c = sample();
  auto& rs = c.virtual_servers[0].real_servers[0];
  cfg::UdpCheck u;
  u.require_reply = true;
  u.reply_data = {0xAB, 0x02};
  u.reply_mask = {0xFF, 0x0F};
  rs.checkers = {checker(u), checker(cfg::DnsCheck{cfg::DnsType::Aaaa, "example.org"})};
  const Definition d = from_config(c);
  const auto& udp = std::get<UdpCheck>(d.virtual_servers[0].real_servers[0].checkers[0].kind);
  REQUIRE(udp.reply_pattern.size() == 4);
  CHECK_FALSE(udp.reply_pattern[0].wildcard);
  CHECK(udp.reply_pattern[2].wildcard);
  CHECK(udp.reply_pattern[3] == HexNibble{2, false});
  const auto& dns = std::get<DnsCheck>(d.virtual_servers[0].real_servers[0].checkers[1].kind);
  CHECK(dns.type == DnsType::AAAA);
  CHECK(dns.name == "example.org");
}

TEST_CASE("from_config: groups suspend on their addresses, fwmark services are keyed by mark") {
  cfg::Config c;
  cfg::VirtualServerGroup g;
  g.name = "web";
  g.addresses.push_back(cfg::VsgRange{ip("192.0.2.1"), ip("192.0.2.3"), 80, {}});
  c.virtual_server_groups.push_back(g);
  cfg::VirtualServer vs;
  vs.key = cfg::VsGroup{"web"};
  vs.ha_suspend = true;
  c.virtual_servers.push_back(vs);
  cfg::VirtualServer fw;
  fw.key = cfg::VsFwmark{9};
  fw.ip_family = cfg::Family::Inet6;
  c.virtual_servers.push_back(fw);
  const Definition d = from_config(c);
  CHECK(d.virtual_servers[0].suspend_addresses.size() == 3);
  CHECK(d.virtual_servers[0].suspend_addresses[2] == *IpAddress::parse("192.0.2.3"));
  CHECK(format_vs(d.virtual_servers[0].key) == "[web]:0");
  CHECK(format_vs(d.virtual_servers[1].key) == "FWM 9");
  CHECK(d.virtual_servers[1].key.family == Family::Inet6);
}
