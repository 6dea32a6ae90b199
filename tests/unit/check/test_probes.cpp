// Each checker kind against real servers on loopback (127.0.0.1, ::1), one check at a time
// through run_once. Deadlines here are short safety bounds; nothing asserts on durations.
#include <doctest/doctest.h>

#include "../skip.hpp"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>
#include <fstream>
#include <optional>

#include "loopback.hpp"
#include "stayalived/check/dns.hpp"
#include "stayalived/check/probe.hpp"

using namespace stayalived;
using namespace stayalived::check;
using loopback::check_once;
using loopback::endpoint;
using Bytes = std::vector<std::uint8_t>;
namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

CheckerDef def_for(CheckKind kind, Endpoint target) {
  CheckerDef d;
  d.kind = std::move(kind);
  d.connect.target = target;
  return d;
}

Bytes dns_answer(const Bytes& query, std::uint8_t rcode, std::optional<std::uint16_t> id = std::nullopt) {
  Bytes r = query;
  if (id) {
    r[0] = static_cast<std::uint8_t>(*id >> 8);
    r[1] = static_cast<std::uint8_t>(*id);
  }
  r[2] = 0x81;
  r[3] = static_cast<std::uint8_t>(0x80 | rcode);
  return r;
}

}  // namespace

TEST_CASE("TCP_CHECK: up when the connection completes, refused when nothing listens") {
  asio::io_context io;
  loopback::TcpServer server(io);
  CHECK(check_once(io, def_for(TcpCheck{}, endpoint("127.0.0.1", server.port()))).ok());
  CHECK(loopback::run_until(io, [&] { return server.accepted == 1; }));
  const CheckResult r = check_once(io, def_for(TcpCheck{}, endpoint("127.0.0.1", loopback::closed_port(io))));
  CHECK(r.outcome == Outcome::ConnectRefused);
  CHECK(r.code == ECONNREFUSED);
}

TEST_CASE("TCP_CHECK: bindto and bind_port choose the source of the connection") {
  asio::io_context io;
  loopback::TcpServer server(io);
  CheckerDef d = def_for(TcpCheck{}, endpoint("127.0.0.1", server.port()));
  d.connect.bindto = IpAddress::parse("127.0.0.2");
  d.connect.bind_port = loopback::closed_port(io);
  REQUIRE(check_once(io, d).ok());
  REQUIRE(loopback::run_until(io, [&] { return server.accepted == 1; }));
  CHECK(server.peers[0].address().to_string() == "127.0.0.2");
  CHECK(server.peers[0].port() == d.connect.bind_port);
  // bindto an address we do not have: a local error, not a verdict on the real server.
  d.connect.bindto = IpAddress::parse("192.0.2.1");
  d.connect.bind_port = 0;
  CHECK(check_once(io, d).outcome == Outcome::LocalError);
}

TEST_CASE("TCP_CHECK over IPv6 loopback") {
  asio::io_context io;
  boost::system::error_code ec;
  loopback::tcp::acceptor probe_v6(io);
  probe_v6.open(loopback::tcp::v6(), ec);
  if (ec) return;  // no IPv6 here
  probe_v6.close();
  loopback::TcpServer server(io, "::1");
  CHECK(check_once(io, def_for(TcpCheck{}, endpoint("::1", server.port()))).ok());
}

TEST_CASE("SMTP_CHECK: greeting, HELO with helo_name, QUIT") {
  asio::io_context io;
  loopback::LineServer server(io, "220 sink ESMTP\r\n", [](const std::string& line) -> std::string {
    if (line.rfind("HELO ", 0) == 0) return "250 sink\r\n";
    if (line == "QUIT\r\n") return "221 bye\r\n";
    return "500 what\r\n";
  });
  CHECK(check_once(io, def_for(SmtpCheck{.helo_name = "lb1.example"}, endpoint("127.0.0.1", server.port()))).ok());
  REQUIRE(loopback::run_until(io, [&] { return server.lines.size() >= 2; }));
  CHECK(server.lines[0] == "HELO lb1.example\r\n");
  CHECK(server.lines[1] == "QUIT\r\n");
}

TEST_CASE("SMTP_CHECK: multi-line greeting split over reads is fine") {
  asio::io_context io;
  loopback::LineServer server(io, "220-sink\r\n220-more\r\n220 ESMTP\r\n",
                              [](const std::string&) -> std::string { return "250 ok\r\n"; });
  CHECK(check_once(io, def_for(SmtpCheck{.helo_name = "x"}, endpoint("127.0.0.1", server.port()))).ok());
}

TEST_CASE("SMTP_CHECK: refusals, garbage, silence and resets fail") {
  asio::io_context io;
  {
    loopback::LineServer busy(io, "554 go away\r\n", [](const std::string&) -> std::string { return ""; });
    const CheckResult r = check_once(io, def_for(SmtpCheck{}, endpoint("127.0.0.1", busy.port())));
    CHECK(r.outcome == Outcome::BadReply);
    CHECK(r.code == 554);
  }
  {
    loopback::LineServer helo_refused(io, "220 hi\r\n", [](const std::string&) -> std::string { return "421 no\r\n"; });
    CHECK(check_once(io, def_for(SmtpCheck{}, endpoint("127.0.0.1", helo_refused.port()))).code == 421);
  }
  {
    loopback::LineServer http(io, "HTTP/1.0 200 OK\r\n\r\n", [](const std::string&) -> std::string { return ""; });
    CHECK(check_once(io, def_for(SmtpCheck{}, endpoint("127.0.0.1", http.port()))).outcome == Outcome::ProtocolError);
  }
  {
    loopback::LineServer endless(io, "220-" + std::string(2000, 'x'), [](const std::string&) -> std::string { return ""; });
    CHECK(check_once(io, def_for(SmtpCheck{}, endpoint("127.0.0.1", endless.port()))).outcome == Outcome::ProtocolError);
  }
  {
    loopback::LineServer silent(io, "", [](const std::string&) -> std::string { return ""; });
    CHECK(check_once(io, def_for(SmtpCheck{}, endpoint("127.0.0.1", silent.port())), milliseconds(200)).outcome ==
          Outcome::ReadTimeout);
  }
  {
    loopback::LineServer rst(io, "220 hi\r\n", [](const std::string&) -> std::string { return ""; });
    rst.reset_after_greeting = true;
    const CheckResult r = check_once(io, def_for(SmtpCheck{}, endpoint("127.0.0.1", rst.port())));
    CHECK((r.outcome == Outcome::Reset || r.outcome == Outcome::Closed));
  }
}

TEST_CASE("DNS_CHECK: NOERROR answers pass, rcodes and silence fail, strangers are skipped") {
  asio::io_context io;
  const DnsCheck soa{.type = DnsType::SOA, .name = "."};
  {
    loopback::UdpServer ok(io, [](const Bytes& q) { return std::vector<Bytes>{dns_answer(q, 0)}; });
    CHECK(check_once(io, def_for(soa, endpoint("127.0.0.1", ok.port()))).ok());
  }
  {
    loopback::UdpServer nx(io, [](const Bytes& q) { return std::vector<Bytes>{dns_answer(q, 3)}; });
    const CheckResult r = check_once(io, def_for(DnsCheck{.type = DnsType::A, .name = "nowhere.example"},
                                            endpoint("127.0.0.1", nx.port())));
    CHECK(r.outcome == Outcome::BadReply);
    CHECK(r.code == 3);
  }
  {
    // A stale answer with another id first, then ours.
    loopback::UdpServer noisy(io, [](const Bytes& q) {
      return std::vector<Bytes>{dns_answer(q, 2, 0xFFFF ^ ((q[0] << 8) | q[1])), Bytes{1, 2, 3}, dns_answer(q, 0)};
    });
    CHECK(check_once(io, def_for(soa, endpoint("127.0.0.1", noisy.port()))).ok());
  }
  {
    loopback::UdpServer silent(io, [](const Bytes&) { return std::vector<Bytes>{}; });
    CHECK(check_once(io, def_for(soa, endpoint("127.0.0.1", silent.port())), milliseconds(200)).outcome ==
          Outcome::ReadTimeout);
  }
  // ICMP port unreachable on loopback: refused at once.
  CHECK(check_once(io, def_for(soa, endpoint("127.0.0.1", loopback::closed_port(io)))).outcome == Outcome::ConnectRefused);
}

TEST_CASE("UDP_CHECK: require_reply checks the reply, without it, only ICMP errors fail") {
  asio::io_context io;
  loopback::UdpServer echo(io, [](const Bytes& d) { return std::vector<Bytes>{d}; });
  loopback::UdpServer silent(io, [](const Bytes&) { return std::vector<Bytes>{}; });
  UdpCheck spec{.payload = {0xCA, 0xFE, 0x01}, .require_reply = true};
  spec.reply_pattern = {{0xC, false}, {0xA, false}, {0, true}, {0xE, false}};
  CHECK(check_once(io, def_for(spec, endpoint("127.0.0.1", echo.port()))).ok());
  spec.reply_pattern[3].value = 0xF;
  CHECK(check_once(io, def_for(spec, endpoint("127.0.0.1", echo.port()))).outcome == Outcome::BadReply);
  spec.reply_pattern.clear();
  spec.max_reply_length = 2;
  CHECK(check_once(io, def_for(spec, endpoint("127.0.0.1", echo.port()))).outcome == Outcome::BadReply);
  CHECK(check_once(io, def_for(spec, endpoint("127.0.0.1", silent.port())), milliseconds(200)).outcome == Outcome::NoReply);

  const UdpCheck fire_and_forget{};
  CHECK(check_once(io, def_for(fire_and_forget, endpoint("127.0.0.1", silent.port())), milliseconds(200)).ok());
  CHECK(silent.received >= 2);
  CHECK(check_once(io, def_for(fire_and_forget, endpoint("127.0.0.1", loopback::closed_port(io)))).outcome ==
        Outcome::ConnectRefused);
}

TEST_CASE("PING_CHECK: loopback answers echo requests") {
  asio::io_context io;
  const CheckResult r = check_once(io, def_for(PingCheck{}, endpoint("127.0.0.1", 0)));
  if (r.outcome == Outcome::LocalError) SA_SKIP("no ICMP socket allowed here (errno " << r.code << ")");
  CHECK(r.ok());
  const CheckResult r6 = check_once(io, def_for(PingCheck{}, endpoint("::1", 0)));
  if (r6.outcome == Outcome::LocalError) SA_SKIP("no ICMPv6 socket allowed here (errno " << r6.code << ")");
  CHECK(r6.ok());
}

namespace {
CheckerDef misc(std::vector<std::string> argv, bool dynamic = false) {
  return def_for(MiscCheck{.script = {.argv = std::move(argv)}, .timeout = milliseconds(3000), .dynamic = dynamic},
                 Endpoint{});
}
}  // namespace

TEST_CASE("MISC_CHECK: exit status, misc_dynamic, timeout, missing program") {
  asio::io_context io;
  CHECK(check_once(io, misc({"true"})).ok());
  CheckResult r = check_once(io, misc({"false"}));
  CHECK(r.outcome == Outcome::ScriptFailed);
  CHECK(r.code == 1);
  CHECK(check_once(io, misc({"/bin/sh", "-c", "exit 5"})).outcome == Outcome::ScriptFailed);
  r = check_once(io, misc({"/bin/sh", "-c", "exit 5"}, true));
  CHECK(r.ok());
  CHECK(r.weight.misc_weight == 3);
  CHECK(check_once(io, misc({"/bin/sh", "-c", "exit 1"}, true)).outcome == Outcome::ScriptFailed);
  r = check_once(io, misc({"/bin/sh", "-c", "exit 0"}, true));
  CHECK(r.ok());
  CHECK_FALSE(r.weight.misc_weight.has_value());
  CHECK(check_once(io, misc({"/nonexistent/program"})).outcome == Outcome::ScriptError);
  // The environment is clean: only PATH.
  CHECK(check_once(io, misc({"/bin/sh", "-c", "test -z \"$HOME\" && test -n \"$PATH\""})).ok());

  CheckerDef slow = misc({"/bin/sleep", "30"});
  std::get<MiscCheck>(slow.kind).timeout = milliseconds(200);
  CHECK(check_once(io, slow).outcome == Outcome::ScriptTimeout);
}

TEST_CASE("MISC_CHECK: runs as its script user") {
  if (::geteuid() != 0) SA_SKIP("not root: credential switching not tested");
  asio::io_context io;
  CheckerDef as_nobody = misc({"/bin/sh", "-c", "test \"$(id -u)\" = \"$(id -u nobody)\""});
  std::get<MiscCheck>(as_nobody.kind).script.user = "nobody";
  CHECK(check_once(io, as_nobody).ok());
  std::get<MiscCheck>(as_nobody.kind).script.user = "no-such-user-here";
  CHECK(check_once(io, as_nobody).outcome == Outcome::ScriptError);
}

TEST_CASE("FILE_CHECK: the value in the file decides") {
  asio::io_context io;
  const auto dir = std::filesystem::temp_directory_path() / ("sa_file_check_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "value").string();
  auto write = [&](const char* v) { std::ofstream(path) << v; };
  auto file = [&](std::int64_t weight, bool dynamic, bool reverse = false) {
    return def_for(FileCheck{.track_name = "t", .path = path, .weight = weight, .reverse = reverse, .dynamic = dynamic},
                   Endpoint{});
  };
  write("0\n");
  CHECK(check_once(io, file(0, false)).ok());
  write("3\n");
  CHECK(check_once(io, file(0, false)).outcome == Outcome::FileFault);
  write("  5");
  CheckResult r = check_once(io, file(2, true));
  CHECK(r.ok());
  CHECK(r.weight.delta == 10);
  r = check_once(io, file(2, true, true));
  CHECK(r.weight.delta == -10);
  write("-4");
  CHECK(check_once(io, file(1, false)).outcome == Outcome::FileFault);
  std::filesystem::remove(path);
  CHECK(check_once(io, file(0, false)).ok());  // missing reads as 0
  std::filesystem::remove_all(dir);
}
