// HTTP_GET as the checker runs it (make_probe, run_once): over plain_http.cpp, not over
// http::fetch, so every failure a real server can cause is played again here against the
// scripted server of the fetch tests. Timeouts are short safety bounds; only outcomes are
// asserted (no timing assertions).
#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>

#include <functional>
#include <optional>
#include <string>
#include <thread>

#include "../http/http_test_util.hpp"
#include "../http/test_server.hpp"
#include "loopback.hpp"
#include "stayalived/check/http/request.hpp"
#include "stayalived/check/probe.hpp"

using namespace stayalived;
using namespace stayalived::check;
using namespace http_test;
using std::chrono::milliseconds;

namespace {

HttpUrl url(std::string path = "/") {
  HttpUrl u;
  u.path = std::move(path);
  return u;
}

CheckerDef http_def(const tcp::endpoint& ep, std::vector<HttpUrl> urls) {
  CheckerDef d;
  HttpCheck h;
  h.urls = std::move(urls);
  d.kind = h;
  d.connect.target = loopback::endpoint(ep.address().to_string().c_str(), ep.port());
  return d;
}

CheckResult get(asio::io_context& io, const CheckerDef& def, Duration timeout = milliseconds(300)) {
  CHECK(make_probe(def)->kind() == "HTTP_GET");
  return loopback::check_once(io, def, timeout);
}

std::string detail(const CheckResult& r) { return r.detail ? r.detail : ""; }

const std::string kOk = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello";

}  // namespace

TEST_CASE("HTTP_GET: a good page with its digest, and the request keepalived sends") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  HttpUrl u = url("/index.html");
  u.digest = md5_hex("hello");
  const CheckResult r = get(io, http_def(server.endpoint(), {u}));
  CHECK(r.ok());
  http::RequestSpec req;
  req.path = "/index.html";
  CHECK(server.request() == http::build_request(req, "127.0.0.1", server.endpoint().port()));
}

TEST_CASE("HTTP_GET: IPv6 loopback, Host in brackets") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)}, nullptr, true);
  CHECK(get(io, http_def(server.endpoint(), {url()})).ok());
  CHECK(server.request().find("Host: [::1]:" + std::to_string(server.endpoint().port()) + "\r\n") != std::string::npos);
}

TEST_CASE("HTTP_GET: wrong status, wrong digest, regex") {
  asio::io_context io;
  TestServer a(io, {Act::send("HTTP/1.0 503 Service Unavailable\r\n\r\ndown")});
  const CheckResult ra = get(io, http_def(a.endpoint(), {url()}));
  CHECK(ra.outcome == Outcome::StatusMismatch);
  CHECK(ra.code == 503);

  TestServer b(io, {Act::send(kOk)});
  HttpUrl ub = url();
  ub.digest = md5_hex("goodbye");
  CHECK(get(io, http_def(b.endpoint(), {ub})).outcome == Outcome::DigestMismatch);

  TestServer c(io, {Act::send(kOk)});
  HttpUrl uc = url();
  uc.regex = "^bye";
  CHECK(get(io, http_def(c.endpoint(), {uc})).outcome == Outcome::RegexMismatch);

  TestServer d(io, {Act::send(kOk)});
  HttpUrl ud = url();
  ud.regex = "ell";
  ud.status_ranges = {{200, 200}};
  CHECK(get(io, http_def(d.endpoint(), {ud})).ok());
}

TEST_CASE("HTTP_GET: every url must pass, the first failure decides") {
  asio::io_context io;
  TestServer s1(io, {Act::send(kOk)});
  // One server per connection: the second url reaches a server that answers 404.
  TestServer s2(io, {Act::send("HTTP/1.0 404 Not Found\r\n\r\n")});
  CheckerDef def = http_def(s1.endpoint(), {url("/a")});
  CHECK(get(io, def).ok());
  CheckerDef two = http_def(s2.endpoint(), {url("/a"), url("/b")});
  const CheckResult r = get(io, two);
  CHECK(r.outcome == Outcome::StatusMismatch);
  CHECK(s2.request().starts_with("GET /a "));
}

TEST_CASE("HTTP_GET: connection refused, connect timeout") {
  asio::io_context io;
  const tcp::endpoint closed(asio::ip::address_v4::loopback(), loopback::closed_port(io));
  CHECK(get(io, http_def(closed, {url()})).outcome == Outcome::ConnectRefused);

  tcp::acceptor full(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  full.listen(0);
  std::vector<tcp::socket> fillers;  // fill the queue: further SYNs are dropped
  for (int i = 0; i < 3; ++i) {
    fillers.emplace_back(io);
    fillers.back().async_connect(full.local_endpoint(), [](boost::system::error_code) {});
  }
  CHECK(get(io, http_def(full.local_endpoint(), {url()}), milliseconds(200)).outcome == Outcome::ConnectTimeout);
}

TEST_CASE("HTTP_GET: silence, a stall mid-body, a slow body within each step") {
  asio::io_context io;
  TestServer silent(io, {Act::hold()});
  const CheckResult s = get(io, http_def(silent.endpoint(), {url()}));
  CHECK(s.outcome == Outcome::ReadTimeout);
  CHECK(detail(s) == "no response");  // the down line's reason
  TestServer stall(io, {Act::send("HTTP/1.0 200 OK\r\n\r\npart"), Act::hold()});
  const CheckResult st = get(io, http_def(stall.endpoint(), {url()}));
  CHECK(st.outcome == Outcome::ReadTimeout);
  CHECK(detail(st).empty());  // a step timeout: the outcome says it
  TestServer slow(io, {Act::send("HTTP/1.0 200 OK\r\n\r\nab"), Act::wait(100ms), Act::send("cd"), Act::wait(100ms),
                       Act::send("ef")});
  HttpUrl u = url();
  u.digest = md5_hex("abcdef");
  CHECK(get(io, http_def(slow.endpoint(), {u}), milliseconds(1000)).ok());
}

TEST_CASE("HTTP_GET: a trickling or endless body costs the total deadline") {
  asio::io_context io;
  // Total deadline: 3 x connect_timeout, at least 1 s. Each byte comes within the step
  // deadline (300 ms), the body would take 4 s.
  std::vector<Act> trickle{Act::send("HTTP/1.0 200 OK\r\n\r\n")};
  for (int i = 0; i < 40; ++i) {
    trickle.push_back(Act::wait(100ms));
    trickle.push_back(Act::send("x"));
  }
  TestServer t(io, trickle);
  const CheckResult r = get(io, http_def(t.endpoint(), {url()}));
  CHECK(r.outcome == Outcome::ReadTimeout);
  CHECK(detail(r) == "response not complete within 3 x connect_timeout");

  TestServer e(io, {Act::send("HTTP/1.0 200 OK\r\n\r\n"), Act::endless(1ms)});  // 64 MB/s, never idle for a step
  HttpUrl u = url();
  u.digest = md5_hex("x");
  CHECK(get(io, http_def(e.endpoint(), {u})).outcome == Outcome::ReadTimeout);
  CHECK(e.streamed() > 65536);  // it did read, and kept going until the deadline
}

TEST_CASE("HTTP_GET: reset mid-response, oversized headers, garbage, a close without a byte") {
  asio::io_context io;
  TestServer reset(io, {Act::send("HTTP/1.0 200 OK\r\n\r\npartial"), Act::wait(50ms), Act::reset()});
  CHECK(get(io, http_def(reset.endpoint(), {url()})).outcome == Outcome::Reset);
  TestServer big(io, {Act::send("HTTP/1.0 200 OK\r\nX: " + std::string(100000, 'a')), Act::hold()});
  const CheckResult b = get(io, http_def(big.endpoint(), {url()}));
  CHECK(b.outcome == Outcome::ProtocolError);
  CHECK(detail(b) == "response head over 4095 bytes");
  std::string garbage;
  for (int i = 0; i < 1000; ++i) garbage += static_cast<char>((i * 37) & 0xff);
  TestServer g(io, {Act::send(garbage)});
  CHECK(get(io, http_def(g.endpoint(), {url()})).outcome == Outcome::Closed);
  TestServer none(io, {});
  CHECK(get(io, http_def(none.endpoint(), {url()})).outcome == Outcome::Closed);
}

TEST_CASE("HTTP_GET: a server that keeps the connection open is done at Content-Length or the last chunk") {
  asio::io_context io;
  TestServer cl(io, {Act::send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"), Act::hold()});
  CHECK(get(io, http_def(cl.endpoint(), {url()})).ok());
  TestServer ch(io, {Act::send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n"),
                     Act::hold()});
  HttpUrl u = url();
  u.digest = md5_hex("4\r\nbody\r\n0\r\n\r\n");  // keepalived digests the body as sent, framing included
  CHECK(get(io, http_def(ch.endpoint(), {u})).ok());
}

TEST_CASE("HTTP_GET: a large body in many reads, digest over all of it") {
  asio::io_context io;
  std::string body;
  for (int i = 0; i < 300000; ++i) body += static_cast<char>('a' + i % 26);
  TestServer server(io, {Act::send("HTTP/1.0 200 OK\r\n\r\n" + body.substr(0, 100000)), Act::wait(20ms),
                         Act::send(body.substr(100000))});
  HttpUrl u = url();
  u.digest = md5_hex(body);
  CHECK(get(io, http_def(server.endpoint(), {u}), milliseconds(1000)).ok());
}

TEST_CASE("HTTP_GET: bindto chooses the source, an address that is not ours fails locally") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  CheckerDef def = http_def(server.endpoint(), {url()});
  def.connect.bindto = IpAddress::parse("127.0.0.2");
  CHECK(get(io, def).ok());
  CheckerDef bad = http_def(server.endpoint(), {url()});
  bad.connect.bindto = IpAddress::parse("192.0.2.1");
  CHECK(get(io, bad).outcome == Outcome::ConnectError);
}

TEST_CASE("HTTP_GET: checkers of the same urls share one definition, and each keeps its own target") {
  asio::io_context io;
  TestServer a(io, {Act::send(kOk)});
  TestServer b(io, {Act::send("HTTP/1.0 500 Oops\r\n\r\n")});
  HttpUrl u = url("/same");
  u.digest = md5_hex("hello");
  auto pa = make_probe(http_def(a.endpoint(), {u}));
  auto pb = make_probe(http_def(b.endpoint(), {u}));
  CHECK(pa->same(http_def(a.endpoint(), {u})));
  CHECK_FALSE(pa->same(http_def(b.endpoint(), {u})));
  CHECK(pb->same(http_def(b.endpoint(), {u})));
  HttpUrl other = u;
  other.path = "/other";
  CHECK_FALSE(pa->same(http_def(a.endpoint(), {other})));
  CHECK(get(io, http_def(a.endpoint(), {u})).ok());
  CHECK(get(io, http_def(b.endpoint(), {u})).outcome == Outcome::StatusMismatch);
}

TEST_CASE("HTTP_GET: a flood of bytes costs the total deadline and holds up nothing else") {
  // The server runs on a thread of its own, as a real one would: it writes as fast as the
  // kernel takes it (until the client closes, at most 5 s or 256 MiB).
  asio::io_context server_io;
  TestServer flood(server_io, {Act::send("HTTP/1.0 200 OK\r\n\r\n"), Act::endless()});
  std::thread server([&] { server_io.run(); });
  asio::io_context io;
  // Meanwhile a 10 ms ticker on the checker's loop counts how often the loop got to run.
  int ticks = 0;
  bool done = false;
  asio::steady_timer ticker(io);
  std::function<void()> tick = [&] {
    ticker.expires_after(10ms);
    ticker.async_wait([&](boost::system::error_code ec) {
      if (ec || done) return;
      ++ticks;
      tick();
    });
  };
  tick();
  HttpUrl u = url();
  u.digest = md5_hex("x");
  const auto start = std::chrono::steady_clock::now();
  const CheckResult r = get(io, http_def(flood.endpoint(), {u}));
  const auto took = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  done = true;
  ticker.cancel();
  server.join();
  // It ends at the total deadline (1 s), or earlier when the server's 256 MiB are through.
  CHECK_FALSE(r.ok());
  CHECK(flood.streamed() > (1u << 20));
  MESSAGE("flood of " << flood.streamed() << " bytes read in " << took.count() << " ms; " << ticks << " ticks");
  // A loop held by the flood would hardly have ticked.
  CHECK(ticks >= took.count() / 40);
}
