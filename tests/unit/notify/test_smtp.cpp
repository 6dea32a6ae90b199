// SMTP alerts: contents (as keepalived 2.2.7 sent them to a sink), the dialogue against an
// in-process fake server on 127.0.0.1, failures, retries and bounds, and delivery to an
// independent SMTP implementation (Python's smtpd) on loopback.
#include <doctest/doctest.h>

#include "../skip.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "stayalived/common/log.hpp"
#include "stayalived/notify/alert.hpp"
#include "stayalived/notify/script_runner.hpp"
#include "stayalived/notify/smtp.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
using namespace stayalived;
using namespace stayalived::notify;

TEST_CASE("alert: VRRP subjects and bodies") {
  CHECK(vrrp_instance_alert("obs1", "VI_1", VrrpEvent::Master) ==
        AlertMail{"[obs1] VRRP Instance VI_1 - Entering MASTER state",
                  "=> VRRP Instance is now owning VRRP VIPs <="});
  CHECK(vrrp_instance_alert("obs1", "VI_1", VrrpEvent::Backup) ==
        AlertMail{"[obs1] VRRP Instance VI_1 - Entering BACKUP state",
                  "=> VRRP Instance is no longer owning VRRP VIPs <="});
  CHECK(vrrp_instance_alert("obs10", "VI_1", VrrpEvent::Fault) ==
        AlertMail{"[obs10] VRRP Instance VI_1 - Entering FAULT state",
                  "=> VRRP Instance is no longer owning VRRP VIPs <="});
  CHECK(vrrp_group_alert("obs1", "G1", VrrpEvent::Master) ==
        AlertMail{"[obs1] VRRP Group G1 - Entering MASTER state",
                  "=> All VRRP group instances are now in MASTER state <="});
  CHECK(vrrp_group_alert("obs10", "G1", VrrpEvent::Fault) ==
        AlertMail{"[obs10] VRRP Group G1 - Entering FAULT state",
                  "=> All VRRP group instances are now in FAULT state <="});
}

TEST_CASE("alert: checker subjects and bodies") {
  const auto vs = lvs_service("10.0.0.100", "tcp", 80);
  CHECK(real_server_alert("vmobs", lvs_service("127.0.0.1", "tcp", 8081), vs, false,
                          checker_messages::kTcpDown) ==
        AlertMail{"[vmobs] Realserver [127.0.0.1]:tcp:8081 of virtual server [10.0.0.100]:tcp:80 - DOWN",
                  "=> TCP CHECK failed on service <="});
  CHECK(real_server_alert("vmobs", lvs_service("::1", "tcp", 8081), lvs_service("fd00::100", "tcp", 443),
                          true, checker_messages::kTcpUp)
            .subject == "[vmobs] Realserver [::1]:tcp:8081 of virtual server [fd00::100]:tcp:443 - UP");
  CHECK(real_server_alert("vmobs", lvs_service("127.0.0.1", "none", 0), lvs_fwmark(7), false,
                          checker_messages::generic_down("HTTP request failed")) ==
        AlertMail{"[vmobs] Realserver [127.0.0.1]:none:0 of virtual server FWM 7 - DOWN",
                  "=> CHECK failed on service : HTTP request failed <="});
  CHECK(real_server_alert("vm2", lvs_service("127.0.0.1", "tcp", 2526), lvs_service("10.0.0.1", "tcp", 80),
                          false, checker_messages::generic_down("Could not connect to server [127.0.0.1]:2526"))
            .body == "=> CHECK failed on service : Could not connect to server [127.0.0.1]:2526 <=");
  CHECK(real_server_alert("r", "a", "b", true, checker_messages::kMiscUp).body ==
        "=> MISC CHECK succeeded on service <=");
  CHECK(real_server_alert("r", "a", "b", true, checker_messages::kPingUp).body ==
        "=> ICMP CHECK succeed on service <=");
  CHECK(real_server_alert("r", "a", "b", false, checker_messages::kUdpDown).body ==
        "=> UDP CHECK failed on service <=");
  CHECK(real_server_alert("r", "a", "b", true, checker_messages::kGenericUp).body ==
        "=> CHECK succeed on service <=");

  // Quorum: keepalived prints quorum+hysteresis for gains and quorum-hysteresis for a loss,
  // after a '+' in both cases.
  const auto v = lvs_service("10.0.0.1", "tcp", 80);
  CHECK(virtual_server_alert("vm2", v, QuorumChange::StartingUp, 2, 1, 8) ==
        AlertMail{"[vm2] Virtualserver [10.0.0.1]:tcp:80 - UP", "=> Starting with quorum up 2+1=3 <= 8 <="});
  CHECK(virtual_server_alert("vm2", v, QuorumChange::Gained, 2, 1, 4).body ==
        "=> Gained quorum 2+1=3 <= 4 <=");
  CHECK(virtual_server_alert("vm2", v, QuorumChange::Lost, 2, 1, 0) ==
        AlertMail{"[vm2] Virtualserver [10.0.0.1]:tcp:80 - DOWN", "=> Lost quorum 2+1=1 <= 0 <="});
  CHECK(virtual_server_alert("vmobs", lvs_group("VSG1"), QuorumChange::Lost, 1, 0, 0) ==
        AlertMail{"[vmobs] Virtualserver [VSG1]:0 - DOWN", "=> Lost quorum 1+0=1 <= 0 <="});
}

TEST_CASE("alert: the DATA payload byte for byte") {
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 22;
  tm.tm_wday = 0;
  tm.tm_hour = 16;
  tm.tm_min = 50;
  tm.tm_sec = 15;
  const std::string date = rfc5322_date(tm, 0);
  CHECK(date == "Sun, 22 Nov 2026 16:50:15 +0000");
  CHECK(rfc5322_date(tm, -(5 * 3600 + 30 * 60)) == "Sun, 22 Nov 2026 16:50:15 -0530");
  CHECK(rfc5322_date(tm, 3600) == "Sun, 22 Nov 2026 16:50:15 +0100");

  // What keepalived sent (the sink's transcript of its DATA).
  CHECK(smtp_data("keepalived@obs.example", {"alice@example.com", "bob@example.org"},
                  vrrp_instance_alert("obs1", "VI_1", VrrpEvent::Backup), date) ==
        "Date: Sun, 22 Nov 2026 16:50:15 +0000\r\n"
        "From: keepalived@obs.example\r\n"
        "Subject: [obs1] VRRP Instance VI_1 - Entering BACKUP state\r\n"
        "X-Mailer: Keepalived\r\n"
        "To: alice@example.com, bob@example.org\r\n"
        "\r\n"
        "=> VRRP Instance is no longer owning VRRP VIPs <=\r\n"
        "\r\n"
        ".\r\n");

  // Dot-stuffing, line ends, and no header injection.
  CHECK(smtp_data("f", {"t"}, AlertMail{"a\r\nBcc: x", ".one\n..two\r\nthree\n"}, "D") ==
        "Date: D\r\nFrom: f\r\nSubject: a  Bcc: x\r\nX-Mailer: Keepalived\r\nTo: t\r\n\r\n"
        "..one\r\n...two\r\nthree\r\n\r\n.\r\n");
}

TEST_CASE("smtp: reply lines") {
  CHECK(parse_smtp_reply_line("220 sink ESMTP")->code == 220);
  CHECK_FALSE(parse_smtp_reply_line("220 sink ESMTP")->more);
  CHECK(parse_smtp_reply_line("250-first")->more);
  CHECK(parse_smtp_reply_line("250")->code == 250);
  CHECK_FALSE(parse_smtp_reply_line("25").has_value());
  CHECK_FALSE(parse_smtp_reply_line("abc def").has_value());
  CHECK_FALSE(parse_smtp_reply_line("250x").has_value());
  CHECK_FALSE(parse_smtp_reply_line("099 low").has_value());
  CHECK_FALSE(parse_smtp_reply_line("600 high").has_value());
}

namespace {

// A scriptable SMTP server on loopback. `reply(command, connection)` gives the reply line(s)
// ("250 ok", or "250-a\r\n250 b"); an empty reply means "say nothing".
class FakeSmtp {
 public:
  explicit FakeSmtp(asio::io_context& io, const char* address = "127.0.0.1")
      : io_(io), acceptor_(io, tcp::endpoint(asio::ip::make_address(address), 0)) {
    asio::co_spawn(io_, serve(), asio::detached);
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void close() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto* s : live_) s->close(ignored);
  }

  std::function<std::string(const std::string&, int)> reply = [](const std::string& cmd, int) {
    return cmd.rfind("DATA", 0) == 0 ? std::string("354 go ahead") : std::string("250 OK");
  };
  std::string greeting = "220 fake ESMTP";
  std::vector<std::string> transcript;  // "C: line" and "S: line", all connections
  std::vector<std::string> messages;    // DATA payloads (up to the final "."), CRLF kept
  int connections = 0;

 private:
  asio::awaitable<void> serve() {
    while (true) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(io_, session(std::move(sock), ++connections), asio::detached);
    }
  }
  asio::awaitable<bool> say(tcp::socket& sock, std::string text) {
    if (text.empty()) co_return true;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      transcript.push_back("S: " + l);
    }
    auto [ec, n] = co_await asio::async_write(sock, asio::buffer(text + "\r\n"),
                                              asio::as_tuple(asio::use_awaitable));
    co_return !ec;
  }
  asio::awaitable<void> session(tcp::socket sock, int n) {
    live_.push_back(&sock);
    std::string buf;
    bool in_data = false;
    std::string data;
    const bool greeted = co_await say(sock, greeting);  // GCC 12: no co_await in conditions
    if (greeted) {
      while (true) {
        auto [ec, len] = co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\r\n",
                                                         asio::as_tuple(asio::use_awaitable));
        if (ec) break;
        std::string line = buf.substr(0, len - 2);
        buf.erase(0, len);
        if (in_data) {
          if (line == ".") {
            in_data = false;
            messages.push_back(data);
            data.clear();
            const bool ok = co_await say(sock, reply(".", n));
            if (!ok) break;
          } else {
            data += line + "\r\n";
          }
          continue;
        }
        transcript.push_back("C: " + line);
        const std::string r = reply(line, n);
        if (line == "DATA" && r.rfind("354", 0) == 0) in_data = true;
        const bool ok = co_await say(sock, r);
        if (!ok) break;
        if (line == "QUIT") break;
      }
    }
    std::erase(live_, &sock);
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::vector<tcp::socket*> live_;
};

struct Logs {
  log::Logger logger;
  log::MemorySink* sink;
  Logs() {
    auto s = std::make_unique<log::MemorySink>();
    sink = s.get();
    logger.add_sink(std::move(s));
  }
  log::Channel channel() { return log::Channel(logger, log::Source::Vrrp); }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& l : sink->lines) out.push_back(l.text);
    return out;
  }
  bool has(const std::string& text) const {
    for (const auto& l : sink->lines)
      if (l.text == text) return true;
    return false;
  }
};

SmtpSettings settings_for(std::uint16_t port, std::string server = "127.0.0.1") {
  SmtpSettings s;
  s.server = std::move(server);
  s.port = port;
  s.connect_timeout = 5s;
  s.helo_name = "helo.obs.example";
  s.from = "keepalived@obs.example";
  s.to = {"alice@example.com", "bob@example.org"};
  return s;
}

// Runs the loop until the alerter is idle (bounded by `limit` as a safety net).
void run_until_idle(asio::io_context& io, SmtpAlerter& a, std::chrono::milliseconds limit = 20s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!a.idle() && std::chrono::steady_clock::now() < end) {
    if (io.stopped()) io.restart();  // an earlier run may have drained the loop
    io.run_one_for(100ms);
  }
  CAPTURE(a.stats().sessions);
  CAPTURE(a.stats().failed_sessions);
  CAPTURE(a.stats().pending);
  REQUIRE(a.idle());
}

// Length of a leading "Date: Sun, 22 Nov 2026 16:50:15 +0000\r\n" line of the right shape,
// or 0. (No std::regex: GCC 12 warns inside it.)
std::size_t date_line_length(const std::string& s) {
  const std::string shape = "Date: Aaa, 00 Aaa 0000 00:00:00 +0000\r\n";
  if (s.size() < shape.size()) return 0;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    const char want = shape[i];
    const char c = s[i];
    const bool ok = want == '0'   ? (c >= '0' && c <= '9')
                    : want == 'A' ? (c >= 'A' && c <= 'Z')
                    : want == 'a' ? (c >= 'a' && c <= 'z')
                    : want == '+' ? (c == '+' || c == '-')
                                  : c == want;
    if (!ok) return 0;
  }
  return shape.size();
}

}  // namespace

TEST_CASE("smtp: keepalived's dialogue, several alerts in one session") {
  asio::io_context io;
  FakeSmtp server(io);
  Logs logs;
  SmtpAlerter alerter(io, logs.channel(), settings_for(server.port()));
  CHECK(alerter.send(vrrp_instance_alert("obs1", "VI_1", VrrpEvent::Backup)));
  CHECK(alerter.send(vrrp_group_alert("obs1", "G1", VrrpEvent::Backup)));
  run_until_idle(io, alerter);
  CHECK(server.connections == 1);
  CHECK(server.transcript == std::vector<std::string>{
                                 "S: 220 fake ESMTP",
                                 "C: HELO helo.obs.example",
                                 "S: 250 OK",
                                 "C: MAIL FROM:<keepalived@obs.example>",
                                 "S: 250 OK",
                                 "C: RCPT TO:<alice@example.com>",
                                 "S: 250 OK",
                                 "C: RCPT TO:<bob@example.org>",
                                 "S: 250 OK",
                                 "C: DATA",
                                 "S: 354 go ahead",
                                 "S: 250 OK",
                                 "C: MAIL FROM:<keepalived@obs.example>",
                                 "S: 250 OK",
                                 "C: RCPT TO:<alice@example.com>",
                                 "S: 250 OK",
                                 "C: RCPT TO:<bob@example.org>",
                                 "S: 250 OK",
                                 "C: DATA",
                                 "S: 354 go ahead",
                                 "S: 250 OK",
                                 "C: QUIT",
                                 "S: 250 OK",
                             });
  REQUIRE(server.messages.size() == 2);
  const std::size_t date_len = date_line_length(server.messages[0]);
  REQUIRE(date_len > 0);
  CHECK(server.messages[0].substr(date_len) ==
        "From: keepalived@obs.example\r\n"
        "Subject: [obs1] VRRP Instance VI_1 - Entering BACKUP state\r\n"
        "X-Mailer: Keepalived\r\n"
        "To: alice@example.com, bob@example.org\r\n"
        "\r\n"
        "=> VRRP Instance is no longer owning VRRP VIPs <=\r\n"
        "\r\n");
  CHECK(server.messages[1].find("Subject: [obs1] VRRP Group G1 - Entering BACKUP state\r\n") !=
        std::string::npos);
  CHECK(logs.texts() == std::vector<std::string>{
                            "Remote SMTP server [127.0.0.1]:" + std::to_string(server.port()) + " connected.",
                            "SMTP alert successfully sent.", "SMTP alert successfully sent."});
  CHECK(alerter.stats().sent == 2);
  CHECK(alerter.stats().sessions == 1);
}

namespace {
bool hosts_has_localhost() {
  std::ifstream in("/etc/hosts");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line.substr(0, line.find('#')));
    std::string w;
    words >> w;  // the address
    while (words >> w)
      if (w == "localhost") return true;
  }
  return false;
}
}  // namespace

TEST_CASE("smtp: multi-line replies, IPv6 and a host name") {
  asio::io_context io;
  FakeSmtp v6(io, "::1");
  v6.greeting = "220-first line\r\n220-second\r\n220 ready";
  v6.reply = [](const std::string& cmd, int) -> std::string {
    if (cmd.rfind("HELO", 0) == 0) return "250-fake\r\n250 HELP";
    return cmd == "DATA" ? "354 go" : "250 OK";
  };
  Logs logs;
  SmtpAlerter a(io, logs.channel(), settings_for(v6.port(), "::1"));
  CHECK(a.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, a);
  CHECK(a.stats().sent == 1);
  CHECK(logs.has("Remote SMTP server [::1]:" + std::to_string(v6.port()) + " connected."));

  // The name must resolve locally: without localhost in /etc/hosts the lookup would go to
  // the DNS server, which a test must not ask.
  if (!hosts_has_localhost()) SA_SKIP("/etc/hosts has no localhost entry");
  FakeSmtp v4(io);
  SmtpAlerter named(io, logs.channel(), settings_for(v4.port(), "localhost"));
  CHECK(named.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, named);
  CHECK(named.stats().sent + v6.messages.size() == 2);
}

TEST_CASE("smtp: a refused recipient is skipped, all refused drops the mail") {
  asio::io_context io;
  FakeSmtp server(io);
  server.reply = [](const std::string& cmd, int) -> std::string {
    if (cmd == "RCPT TO:<alice@example.com>") return "550 no such user";
    return cmd == "DATA" ? "354 go" : "250 OK";
  };
  Logs logs;
  SmtpSettings s = settings_for(server.port());
  SmtpAlerter a(io, logs.channel(), s);
  CHECK(a.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, a);
  CHECK(a.stats().sent == 1);
  CHECK(logs.has("Error processing RCPT cmd on SMTP server [127.0.0.1]:" + std::to_string(server.port()) +
                 ". SMTP status code = 550"));

  s.to = {"alice@example.com"};
  SmtpAlerter only_alice(io, logs.channel(), s);
  CHECK(only_alice.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, only_alice);
  CHECK(only_alice.stats().sent == 0);
  CHECK(only_alice.stats().dropped_rejected == 1);
  CHECK(only_alice.stats().sessions == 1);  // permanent: no retry
}

TEST_CASE("smtp: a temporary failure is retried, then succeeds") {
  asio::io_context io;
  FakeSmtp server(io);
  server.reply = [](const std::string& cmd, int conn) -> std::string {
    if (cmd.rfind("MAIL", 0) == 0 && conn == 1) return "451 try later";
    return cmd == "DATA" ? "354 go" : "250 OK";
  };
  Logs logs;
  SmtpAlerter::Options opts;
  opts.retry_delay = 50ms;
  SmtpAlerter a(io, logs.channel(), settings_for(server.port()), opts);
  CHECK(a.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, a);
  CHECK(server.connections == 2);
  CHECK(a.stats().sent == 1);
  CHECK(a.stats().failed_sessions == 1);
  CHECK(logs.has("Error processing MAIL cmd on SMTP server [127.0.0.1]:" + std::to_string(server.port()) +
                 ". SMTP status code = 451"));
}

TEST_CASE("smtp: a silent server times out at every step, bounded retries") {
  asio::io_context io;
  FakeSmtp server(io);
  server.greeting = "";  // accepts, then says nothing
  Logs logs;
  SmtpSettings s = settings_for(server.port());
  s.connect_timeout = 200ms;
  SmtpAlerter::Options opts;
  opts.retry_delay = 20ms;
  opts.max_attempts = 2;
  SmtpAlerter a(io, logs.channel(), s, opts);
  CHECK(a.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  CHECK(a.send(vrrp_instance_alert("r", "VI_2", VrrpEvent::Master)));
  run_until_idle(io, a);
  CHECK(server.connections == 4);  // two attempts for each mail
  CHECK(a.stats().sent == 0);
  CHECK(a.stats().dropped_after_retries == 2);
  CHECK(logs.has("Timeout reading data to remote SMTP server [127.0.0.1]:" +
                 std::to_string(server.port()) + "."));
  CHECK(logs.has("SMTP alert \"[r] VRRP Instance VI_1 - Entering MASTER state\" dropped after 2 attempts."));
}

TEST_CASE("smtp: a refused connection, a refused greeting") {
  asio::io_context io;
  // A port nobody listens on: bind, note it, close.
  std::uint16_t closed_port = 0;
  {
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  Logs logs;
  SmtpAlerter::Options opts;
  opts.retry_delay = 10ms;
  opts.max_attempts = 2;
  SmtpAlerter a(io, logs.channel(), settings_for(closed_port), opts);
  CHECK(a.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, a);
  CHECK(a.stats().dropped_after_retries == 1);
  CHECK(logs.has("Error connecting SMTP server [127.0.0.1]:" + std::to_string(closed_port) +
                 ": Connection refused"));

  FakeSmtp busy(io);
  busy.greeting = "421 busy";
  SmtpAlerter b(io, logs.channel(), settings_for(busy.port()), opts);
  CHECK(b.send(vrrp_instance_alert("r", "VI_1", VrrpEvent::Master)));
  run_until_idle(io, b);
  CHECK(b.stats().dropped_after_retries == 1);
  CHECK(logs.has("Error processing (E)SMTP cmd on SMTP server [127.0.0.1]:" + std::to_string(busy.port()) +
                 ". SMTP status code = 421"));
}

TEST_CASE("smtp: bounded queue, unconfigured, stop() aborts at once") {
  asio::io_context io;
  FakeSmtp server(io);
  server.greeting = "";
  Logs logs;
  SmtpAlerter::Options opts;
  opts.max_queued = 2;
  SmtpAlerter a(io, logs.channel(), settings_for(server.port()), opts);
  CHECK(a.send(vrrp_instance_alert("r", "A", VrrpEvent::Master)));
  CHECK(a.send(vrrp_instance_alert("r", "B", VrrpEvent::Master)));
  CHECK_FALSE(a.send(vrrp_instance_alert("r", "C", VrrpEvent::Master)));
  CHECK(a.stats().dropped_queue_full == 1);
  CHECK(a.stats().pending == 2);
  io.run_for(100ms);  // connected, waiting for a greeting that never comes (timeout: 5 s)
  CHECK_FALSE(a.idle());
  a.stop();
  const auto t0 = std::chrono::steady_clock::now();
  while (!a.idle() && std::chrono::steady_clock::now() - t0 < 4s) io.run_one_for(50ms);
  CHECK(a.idle());
  CHECK_FALSE(a.send(vrrp_instance_alert("r", "D", VrrpEvent::Master)));

  SmtpSettings none = settings_for(server.port());
  none.to.clear();
  SmtpAlerter b(io, logs.channel(), none);
  CHECK_FALSE(b.send(vrrp_instance_alert("r", "A", VrrpEvent::Master)));
  CHECK(b.stats().dropped_unconfigured == 1);
  server.close();
}

TEST_CASE("smtp: defaults for HELO and From") {
  asio::io_context io;
  Logs logs;
  SmtpSettings s;
  s.server = "127.0.0.1";
  SmtpAlerter a(io, logs.channel(), s);
  CHECK(a.settings().helo_name == local_host_name());
  CHECK(a.settings().from == "root@" + local_host_name());
}

TEST_CASE("smtp: an independent SMTP server (Python smtpd) receives the alert") {
  if (std::system("/usr/bin/python3 -c 'import smtpd' >/dev/null 2>&1") != 0)
    SA_SKIP("/usr/bin/python3 with smtpd not available");
  char tmpl[] = "/tmp/sa_smtpd_XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  const std::string mbox = dir + "/mail.txt";
  const std::string portfile = dir + "/port";
  std::ofstream(dir + "/sink.py") << R"(import asyncore, smtpd, sys, warnings, os
warnings.simplefilter("ignore")
class Sink(smtpd.SMTPServer):
    def process_message(self, peer, mailfrom, rcpttos, data, **kw):
        with open(sys.argv[1], "a") as f:
            f.write("FROM " + mailfrom + "\n")
            f.write("TO " + ",".join(rcpttos) + "\n")
            f.write(data.decode() if isinstance(data, bytes) else data)
            f.write("\n--END--\n")
        global done
        done = True
done = False
s = Sink(("127.0.0.1", 0), None)
with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(s.socket.getsockname()[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
# Serve until the one mail came and its client said QUIT (only the listener is left).
while not (done and len(asyncore.socket_map) <= 1):
    asyncore.loop(timeout=0.1, count=1)
)";
  asio::io_context io;
  ScriptRunner runner(io);
  ScriptSpec sink;
  sink.argv = {"/usr/bin/python3", dir + "/sink.py", mbox, portfile};
  sink.timeout = 30s;
  sink.capture_limit = 4096;
  std::optional<ScriptResult> sink_result;
  runner.async_run(sink, [&](ScriptResult r) { sink_result = std::move(r); });
  // Wait (bounded) for the sink to publish its port.
  std::uint16_t port = 0;
  for (int i = 0; i < 300 && port == 0; ++i) {
    io.run_for(50ms);
    std::ifstream in(portfile);
    int p = 0;
    if (in >> p) port = static_cast<std::uint16_t>(p);
  }
  REQUIRE(port != 0);
  Logs logs;
  SmtpAlerter a(io, logs.channel(), settings_for(port));
  INFO("logs: ", [&] { std::string all; for (auto& t : logs.texts()) all += t + " | "; return all; }());
  const auto mail = real_server_alert("vmobs", lvs_service("127.0.0.1", "tcp", 8081),
                                      lvs_service("10.0.0.100", "tcp", 80), false,
                                      checker_messages::kTcpDown);
  CHECK(a.send(mail));
  run_until_idle(io, a);
  while (!sink_result) {
    if (io.stopped()) io.restart();
    io.run_one_for(100ms);
  }
  CHECK(sink_result->succeeded());
  CHECK(a.stats().sent == 1);
  std::ifstream in(mbox);
  std::stringstream got;
  got << in.rdbuf();
  const std::string text = got.str();
  CHECK(text.find("FROM keepalived@obs.example\nTO alice@example.com,bob@example.org\n") == 0);
  CHECK(text.find("\nFrom: keepalived@obs.example\n") != std::string::npos);
  CHECK(text.find("\nSubject: [vmobs] Realserver [127.0.0.1]:tcp:8081 of virtual server "
                  "[10.0.0.100]:tcp:80 - DOWN\n") != std::string::npos);
  CHECK(text.find("\nX-Mailer: Keepalived\nTo: alice@example.com, bob@example.org\n\n"
                  "=> TCP CHECK failed on service <=\n") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}
