// The fetch coroutine against scripted servers on loopback: every outcome a real server can
// cause. Timeouts are short, and only outcomes are asserted (no timing assertions).
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "http_test_util.hpp"
#include "stayalived/check/http/fetch.hpp"
#include "test_server.hpp"

using namespace stayalived;
using namespace stayalived::http;
using namespace http_test;

namespace {

FetchSpec spec_for(const tcp::endpoint& ep, std::string_view path = "/") {
  FetchSpec s;
  s.target.destination = ep;
  s.request.path = std::string(path);
  s.options.step_timeout = 300ms;
  s.options.total_timeout = 3s;
  return s;
}

FetchResult fetch_from(asio::io_context& io, const FetchSpec& spec, TlsContext* tls = nullptr) {
  return run(io, fetch(spec, tls));
}

const std::string kOk = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello";

}  // namespace

TEST_CASE("fetch: a good page, with the request keepalived sends") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  FetchSpec spec = spec_for(server.endpoint(), "/index.html");
  spec.expect.digest = parse_digest(md5_hex("hello"));
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::Ok);
  CHECK(r.end == StreamEnd::Closed);
  CHECK(r.response.head.status == 200);
  CHECK(r.response.body_bytes == 5);
  CHECK(server.request() == build_request(spec.request, "127.0.0.1", server.endpoint().port()));
}

TEST_CASE("fetch: IPv6 loopback, Host in brackets, HTTP/1.1 with virtualhost") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)}, nullptr, true);
  FetchSpec spec = spec_for(server.endpoint());
  CHECK(fetch_from(io, spec).outcome == Outcome::Ok);
  CHECK(server.request().find("Host: [::1]:" + std::to_string(server.endpoint().port()) + "\r\n") != std::string::npos);
}

TEST_CASE("fetch: virtualhost and http_protocol 1.1 reach the server") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  FetchSpec spec = spec_for(server.endpoint(), "/x");
  spec.request.virtualhost = "www.example.test";
  spec.request.protocol = HttpProtocol::V1_1;
  CHECK(fetch_from(io, spec).outcome == Outcome::Ok);
  CHECK(server.request() ==
        "GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: www.example.test\r\n\r\n");
}

TEST_CASE("fetch: wrong digest, wrong status") {
  asio::io_context io;
  TestServer a(io, {Act::send(kOk)});
  TestServer b(io, {Act::send("HTTP/1.0 503 Service Unavailable\r\n\r\ndown")});
  FetchSpec sa = spec_for(a.endpoint());
  sa.expect.digest = parse_digest(md5_hex("goodbye"));
  FetchSpec sb = spec_for(b.endpoint());
  FetchResult ra, rb;
  asio::co_spawn(io, fetch(sa), [&](std::exception_ptr, FetchResult r) { ra = std::move(r); });
  asio::co_spawn(io, fetch(sb), [&](std::exception_ptr, FetchResult r) { rb = std::move(r); });
  io.run();
  CHECK(ra.outcome == Outcome::DigestMismatch);
  CHECK(rb.outcome == Outcome::StatusMismatch);
  CHECK(rb.response.head.status == 503);
}

TEST_CASE("fetch: connection refused") {
  asio::io_context io;
  tcp::endpoint ep;
  {
    tcp::acceptor probe(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    ep = probe.local_endpoint();
  }  // closed: nothing listens there now
  const FetchResult r = fetch_from(io, spec_for(ep));
  CHECK(r.outcome == Outcome::ConnectRefused);
  CHECK(r.end == StreamEnd::NotReached);
  CHECK(r.error == std::errc::connection_refused);
}

TEST_CASE("fetch: connect timeout (a listener whose accept queue is full)") {
  asio::io_context io;
  tcp::acceptor full(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  full.listen(0);
  // Fill the queue (backlog 0 admits one); further SYNs are dropped, connects hang.
  std::vector<tcp::socket> fillers;
  for (int i = 0; i < 3; ++i) {
    fillers.emplace_back(io);
    fillers.back().async_connect(full.local_endpoint(), [](boost::system::error_code) {});
  }
  FetchSpec spec = spec_for(full.local_endpoint());
  spec.options.step_timeout = 200ms;
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::ConnectTimeout);
}

TEST_CASE("fetch: the server says nothing (ResponseTimeout), or stalls mid-body (ReadTimeout)") {
  asio::io_context io;
  TestServer silent(io, {Act::hold()});
  TestServer stall(io, {Act::send("HTTP/1.0 200 OK\r\n\r\npart"), Act::hold()});
  FetchResult r1, r2;
  asio::co_spawn(io, fetch(spec_for(silent.endpoint())), [&](std::exception_ptr, FetchResult r) { r1 = std::move(r); });
  asio::co_spawn(io, fetch(spec_for(stall.endpoint())), [&](std::exception_ptr, FetchResult r) { r2 = std::move(r); });
  io.run();
  CHECK(r1.outcome == Outcome::ResponseTimeout);
  CHECK(r1.response.received == 0);
  CHECK(r2.outcome == Outcome::ReadTimeout);
  CHECK(r2.response.head_complete);
  CHECK(r2.response.body_bytes == 4);
}

TEST_CASE("fetch: a slow body within each step timeout passes") {
  asio::io_context io;
  TestServer slow(io, {Act::send("HTTP/1.0 200 OK\r\n\r\nab"), Act::wait(100ms), Act::send("cd"),
                       Act::wait(100ms), Act::send("ef")});
  FetchSpec spec = spec_for(slow.endpoint());
  spec.options.step_timeout = 1s;
  spec.expect.digest = parse_digest(md5_hex("abcdef"));
  CHECK(fetch_from(io, spec).outcome == Outcome::Ok);
}

TEST_CASE("fetch: a trickling body is bounded by the total deadline") {
  asio::io_context io;
  std::vector<Act> trickle{Act::send("HTTP/1.0 200 OK\r\n\r\n")};
  for (int i = 0; i < 40; ++i) {
    trickle.push_back(Act::wait(50ms));
    trickle.push_back(Act::send("x"));
  }
  TestServer server(io, trickle);
  FetchSpec spec = spec_for(server.endpoint());
  spec.options.step_timeout = 1s;
  spec.options.total_timeout = 400ms;
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::DeadlineExceeded);
  CHECK(r.response.body_bytes > 0);
  CHECK(r.response.body_bytes < 40);
}

TEST_CASE("fetch: an endless body costs the deadline, not memory") {
  asio::io_context io;
  TestServer server(io, {Act::send("HTTP/1.0 200 OK\r\n\r\n"), Act::endless()});
  FetchSpec spec = spec_for(server.endpoint());
  spec.options.total_timeout = 300ms;
  spec.expect.digest = parse_digest(md5_hex("x"));
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::DeadlineExceeded);
  CHECK(r.response.body_bytes > 65536);  // it did read, and kept going until the deadline
}

TEST_CASE("fetch: reset mid-response") {
  asio::io_context io;
  TestServer server(io, {Act::send("HTTP/1.0 200 OK\r\n\r\npartial"), Act::wait(50ms), Act::reset()});
  const FetchResult r = fetch_from(io, spec_for(server.endpoint()));
  CHECK(r.outcome == Outcome::ConnectionReset);
  CHECK(r.error == std::errc::connection_reset);
}

TEST_CASE("fetch: a malformed chunk size fails at once, not at the timeout") {
  asio::io_context io;
  // The server keeps the connection open: before, only the step timeout ended the fetch.
  TestServer server(io, {Act::send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nbody\r\n"), Act::hold()});
  FetchSpec spec = spec_for(server.endpoint());
  spec.options.step_timeout = 10s;
  spec.options.total_timeout = 30s;
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::BadChunking);
  CHECK(keepalived_reason(r.outcome, false) == "Read error with");
}

TEST_CASE("fetch: oversized headers stop the read at 4095 bytes") {
  asio::io_context io;
  TestServer server(io, {Act::send("HTTP/1.0 200 OK\r\nX: " + std::string(100000, 'a')), Act::hold()});
  const FetchResult r = fetch_from(io, spec_for(server.endpoint()));
  CHECK(r.outcome == Outcome::HeadersTooLarge);
  CHECK(r.end == StreamEnd::HeadTooLarge);
  CHECK(r.response.received == 4095);
}

TEST_CASE("fetch: garbage, and a close without a byte") {
  asio::io_context io;
  std::string garbage;
  for (int i = 0; i < 1000; ++i) garbage += static_cast<char>((i * 37) & 0xff);
  TestServer g(io, {Act::send(garbage)});
  TestServer e(io, {});
  FetchResult rg, re;
  asio::co_spawn(io, fetch(spec_for(g.endpoint())), [&](std::exception_ptr, FetchResult r) { rg = std::move(r); });
  asio::co_spawn(io, fetch(spec_for(e.endpoint())), [&](std::exception_ptr, FetchResult r) { re = std::move(r); });
  io.run();
  CHECK(rg.outcome == Outcome::Truncated);
  CHECK(re.outcome == Outcome::NoResponse);
}

TEST_CASE("fetch: a server that keeps the connection open is done at Content-Length or the last chunk") {
  asio::io_context io;
  TestServer cl(io, {Act::send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"), Act::hold()});
  TestServer ch(io, {Act::send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nbody\r\n0\r\n\r\n"), Act::hold()});
  FetchResult r1, r2;
  asio::co_spawn(io, fetch(spec_for(cl.endpoint())), [&](std::exception_ptr, FetchResult r) { r1 = std::move(r); });
  asio::co_spawn(io, fetch(spec_for(ch.endpoint())), [&](std::exception_ptr, FetchResult r) { r2 = std::move(r); });
  io.run();
  CHECK(r1.outcome == Outcome::Ok);
  CHECK(r1.end == StreamEnd::MessageComplete);
  CHECK(r2.outcome == Outcome::Ok);
  CHECK(r2.end == StreamEnd::MessageComplete);
}

TEST_CASE("fetch: read_until_close waits for the close, as keepalived and genhash do") {
  asio::io_context io;
  TestServer cl(io, {Act::send("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"), Act::hold()});
  FetchSpec spec = spec_for(cl.endpoint());
  spec.options.read_until_close = true;
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::ReadTimeout);
}

TEST_CASE("fetch: cancellation from outside ends the fetch with Cancelled") {
  asio::io_context io;
  TestServer server(io, {Act::hold()});
  FetchSpec spec = spec_for(server.endpoint());
  spec.options.step_timeout = 10s;
  asio::cancellation_signal cancel;
  FetchResult result;
  asio::co_spawn(io, fetch(spec), asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, FetchResult r) {
                   CHECK_FALSE(e);
                   result = std::move(r);
                 }));
  asio::steady_timer t(io, 100ms);
  t.async_wait([&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
  io.run();
  CHECK(result.outcome == Outcome::Cancelled);
}

TEST_CASE("fetch: bind address and port") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  FetchSpec spec = spec_for(server.endpoint());
  spec.target.bind_address = asio::ip::make_address("127.0.0.2");
  CHECK(fetch_from(io, spec).outcome == Outcome::Ok);
  // A source address that is not ours cannot be bound.
  FetchSpec bad = spec_for(server.endpoint());
  bad.target.bind_address = asio::ip::make_address("192.0.2.1");
  const FetchResult r = fetch_from(io, bad);
  CHECK(r.outcome == Outcome::ConnectFailed);
  CHECK(r.error == std::errc::address_not_available);
}

TEST_CASE("fetch: a bind interface that does not exist fails the connect") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  FetchSpec spec = spec_for(server.endpoint());
  spec.target.bind_interface = "nosuchif0";
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::ConnectFailed);
  // Also end the server's accept: connect once more, normally.
  CHECK(fetch_from(io, spec_for(server.endpoint())).outcome == Outcome::Ok);
}

TEST_CASE("fetch: fwmark is set on the socket (refused without CAP_NET_ADMIN)") {
  // Whether this process may set SO_MARK decides what to expect.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  const int mark = 7;
  const bool may_mark = ::setsockopt(probe, SOL_SOCKET, SO_MARK, &mark, sizeof mark) == 0;
  ::close(probe);
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  FetchSpec spec = spec_for(server.endpoint());
  spec.target.fwmark = 7;
  const FetchResult r = fetch_from(io, spec);
  if (may_mark) {
    CHECK(r.outcome == Outcome::Ok);
  } else {
    CHECK(r.outcome == Outcome::ConnectFailed);
    CHECK(r.error == std::errc::operation_not_permitted);
  }
}

TEST_CASE("fetch: the designated-initializer usage documented in fetch.hpp") {
  asio::io_context io;
  TestServer server(io, {Act::send(kOk)});
  Expectation expectation;
  expectation.digest = parse_digest(md5_hex("hello"));
  const std::optional<std::string> vhost = "www.example.test";
  const http::FetchSpec spec{.target = {.destination = server.endpoint()},
                             .request = {.path = "/health", .virtualhost = vhost, .protocol = HttpProtocol::V1_1},
                             .expect = expectation,
                             .tls = {.enabled = false, .sni = ""},
                             .options = {.step_timeout = 1s, .total_timeout = 3s}};
  const FetchResult r = fetch_from(io, spec);
  CHECK(r.outcome == Outcome::Ok);
  CHECK(keepalived_reason(r, false).empty());
  CHECK(server.request().starts_with("GET /health HTTP/1.1\r\n"));
}
