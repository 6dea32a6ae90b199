// The metrics listener on a loopback port, in-process: the io_context runs on this thread,
// the clients (plain blocking sockets) on another.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "stayalived/metrics/exposition.hpp"
#include "stayalived/metrics/http_server.hpp"

using namespace stayalived::metrics;
using namespace std::chrono_literals;

namespace {

struct Reply {
  std::string data;
  bool closed = false;  // the server closed the connection (EOF) before our read timeout
};

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
  return fd;
}

void send_all(int fd, const std::string& s) {
  std::size_t done = 0;
  while (done < s.size()) {
    const ssize_t n = ::send(fd, s.data() + done, s.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (431)
    done += static_cast<std::size_t>(n);
  }
}

// Reads until EOF, a read timeout, or (if `stop_after` is non-zero) that many bytes.
Reply read_reply(int fd, std::size_t stop_after = 0) {
  Reply r;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      r.closed = true;
      break;
    }
    if (n < 0) {
      r.closed = errno == ECONNRESET;
      break;
    }
    r.data.append(buf, static_cast<std::size_t>(n));
    if (stop_after && r.data.size() >= stop_after) break;
  }
  return r;
}

// Runs `client` on a thread while the loop runs here (bounded: 15 s).
template <class F>
auto with_loop(boost::asio::io_context& io, F client) {
  auto fut = std::async(std::launch::async, client);
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (fut.wait_for(0s) != std::future_status::ready && std::chrono::steady_clock::now() < deadline) {
    io.restart();
    io.run_for(5ms);
  }
  REQUIRE(fut.wait_for(0s) == std::future_status::ready);
  return fut.get();
}

Response handler(std::string_view path) {
  if (path == "/metrics") {
    Exposition x;
    x.gauge("keepalived_up", "Status", {}, 1);
    return {200, std::string(kContentType), x.text()};
  }
  return {404, "text/plain; charset=utf-8", "not found\n"};
}

Reply one_request(std::uint16_t port, const std::string& req) {
  const int fd = connect_to(port);
  send_all(fd, req);
  auto r = read_reply(fd);
  ::close(fd);
  return r;
}

// A server on a free loopback port, and its loop.
struct Served {
  explicit Served(ServerOptions opts = {}) : server(io, handler, opts) {
    REQUIRE(server.listen({"127.0.0.1", 0}));
    port = server.endpoint().port();
  }
  boost::asio::io_context io;
  HttpServer server;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("metrics http: listen addresses") {
  CHECK(*parse_listen_address("9650") == ListenAddress{"127.0.0.1", 9650});
  CHECK(*parse_listen_address("0.0.0.0:9100") == ListenAddress{"0.0.0.0", 9100});
  CHECK(*parse_listen_address("[::1]:9650") == ListenAddress{"::1", 9650});
  CHECK(to_string(*parse_listen_address("[::1]:9650")) == "[::1]:9650");
  CHECK_FALSE(parse_listen_address("::1:9650"));
  CHECK_FALSE(parse_listen_address("[127.0.0.1]:9650"));
  CHECK_FALSE(parse_listen_address("127.0.0.1:0"));
  CHECK_FALSE(parse_listen_address("127.0.0.1:65536"));
  CHECK_FALSE(parse_listen_address("localhost:9650"));
  CHECK_FALSE(parse_listen_address("9650x"));
  CHECK_FALSE(parse_listen_address(""));
}

TEST_CASE("metrics http: GET, HEAD, 404, 405, keep-alive") {
  Served s;
  auto& io = s.io;
  auto& server = s.server;
  const std::uint16_t port = s.port;

  auto r = with_loop(io, [&] { return one_request(port, "GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); });
  CHECK(r.data.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.data.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n") != std::string::npos);
  CHECK(r.data.ends_with("\r\n\r\n# HELP keepalived_up Status\n# TYPE keepalived_up gauge\nkeepalived_up 1\n"));
  CHECK(r.closed);

  r = with_loop(io, [&] { return one_request(port, "HEAD /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); });
  CHECK(r.data.starts_with("HTTP/1.1 200 OK\r\n"));
  CHECK(r.data.find("Content-Length: 71\r\n") != std::string::npos);  // the GET body's length
  CHECK(r.data.ends_with("\r\n\r\n"));

  r = with_loop(io, [&] { return one_request(port, "GET /nothing HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); });
  CHECK(r.data.starts_with("HTTP/1.1 404 Not Found\r\n"));

  r = with_loop(io, [&] { return one_request(port, "POST /metrics HTTP/1.1\r\nHost: a\r\n\r\n"); });
  CHECK(r.data.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"));
  CHECK(r.data.find("Allow: GET, HEAD\r\n") != std::string::npos);
  CHECK(r.closed);

  // Two requests on one connection.
  const auto two = with_loop(io, [&] {
    const int fd = connect_to(port);
    send_all(fd, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
    auto first = read_reply(fd, 150);
    send_all(fd, "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    auto second = read_reply(fd);
    ::close(fd);
    return first.data + "|" + second.data;
  });
  CHECK(two.find("|HTTP/1.1 200 OK\r\n") != std::string::npos);
  CHECK(server.stats().requests == 6);
}

TEST_CASE("metrics http: malformed and oversized requests are answered and closed") {
  Served s(ServerOptions{.header_limit = 1024});
  auto& io = s.io;
  auto& server = s.server;
  const std::uint16_t port = s.port;

  auto r = with_loop(io, [&] { return one_request(port, "NOT HTTP AT ALL\r\n\r\n"); });
  CHECK(r.data.starts_with("HTTP/1.1 400 Bad Request\r\n"));
  CHECK(r.closed);

  r = with_loop(io, [&] {
    return one_request(port, "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(20000, 'x') + "\r\n\r\n");
  });
  CHECK(r.data.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
  CHECK(r.closed);

  r = with_loop(io, [&] { return one_request(port, "GET /metrics HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"); });
  CHECK(r.data.starts_with("HTTP/1.1 400 Bad Request\r\n"));
  CHECK(r.closed);
  CHECK(server.stats().bad_requests == 3);
  CHECK(server.stats().open == 0);
}

TEST_CASE("metrics http: a slow client is closed at the read deadline") {
  Served s(ServerOptions{.read_timeout = 300ms});
  auto& io = s.io;
  auto& server = s.server;
  const std::uint16_t port = s.port;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = with_loop(io, [&] {
    const int fd = connect_to(port);
    send_all(fd, "GET /metrics HTTP/1.1\r\nHost: a\r\n");  // half a request, then nothing
    auto reply = read_reply(fd);                          // 5 s receive timeout
    ::close(fd);
    return reply;
  });
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(r.closed);
  CHECK(r.data.empty());
  CHECK(took >= 250ms);
  CHECK(took < 4s);
  // The client sees the close when the deadline's timer closes the socket; the read's
  // completion (which counts the timeout) runs on the loop's next turn: give it those turns.
  for (int i = 0; i < 200 && server.stats().timeouts == 0; ++i) {
    io.restart();
    io.run_for(5ms);
  }
  CHECK(server.stats().timeouts == 1);
}

TEST_CASE("metrics http: at most max_connections are open") {
  Served s(ServerOptions{.max_connections = 2});
  auto& io = s.io;
  auto& server = s.server;
  const std::uint16_t port = s.port;
  const int a = connect_to(port);
  const int b = connect_to(port);
  // Let the server accept both.
  for (int i = 0; i < 50 && server.stats().open < 2; ++i) {
    io.restart();
    io.run_for(5ms);
  }
  REQUIRE(server.stats().open == 2);
  auto third = with_loop(io, [&] {
    const int fd = connect_to(port);
    send_all(fd, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
    auto reply = read_reply(fd);
    ::close(fd);
    return reply;
  });
  CHECK(third.closed);
  CHECK(third.data.empty());
  CHECK(server.stats().refused == 1);
  ::close(a);
  for (int i = 0; i < 50 && server.stats().open > 1; ++i) {
    io.restart();
    io.run_for(5ms);
  }
  auto r = with_loop(io, [&] { return one_request(port, "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"); });
  CHECK(r.data.starts_with("HTTP/1.1 200 OK\r\n"));
  ::close(b);
  server.stop();
  io.restart();
  io.run_for(20ms);
  CHECK(server.stats().open == 0);
}
