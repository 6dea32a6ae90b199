// Small real servers on 127.0.0.1 for the probe and runtime tests, running on the test's
// io_context: a TCP acceptor that accepts and closes, a scripted line server (SMTP), and a
// UDP responder. Every loop is bounded and ends when the server object goes away.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "stayalived/check/address.hpp"
#include "stayalived/check/definition.hpp"
#include "stayalived/check/probe.hpp"

namespace loopback {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

/// Runs the loop until `done()` or `limit` (a safety bound, not a measured time).
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::milliseconds(10000)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return true;
}

inline stayalived::check::Endpoint endpoint(const char* addr, std::uint16_t port) {
  return {*stayalived::check::IpAddress::parse(addr), port};
}

/// A port on 127.0.0.1 where nothing listens (bound, then closed).
inline std::uint16_t closed_port(asio::io_context& io) {
  tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto port = a.local_endpoint().port();
  a.close();
  return port;
}

/// Accepts TCP connections and closes them; counts them and remembers peers.
class TcpServer {
 public:
  explicit TcpServer(asio::io_context& io, const char* addr = "127.0.0.1")
      : acceptor_(io, tcp::endpoint(asio::ip::make_address(addr), 0)) {
    accept();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  void close() { acceptor_.close(); }
  int accepted = 0;
  std::vector<tcp::endpoint> peers;

 private:
  void accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;  // closed
      ++accepted;
      peers.push_back(s.remote_endpoint(ec));
      accept();
    });
  }
  tcp::acceptor acceptor_;
};

/// A line server for SMTP: on connect it writes `greeting` (unless empty); for each line
/// received it calls `answer(line)` and writes what it returns (nothing if empty). With
/// `silent`, it accepts and never writes.
class LineServer {
 public:
  LineServer(asio::io_context& io, std::string greeting, std::function<std::string(const std::string&)> answer)
      : io_(io), acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        greeting_(std::move(greeting)), answer_(std::move(answer)), alive_(std::make_shared<bool>(true)) {
    asio::co_spawn(io, serve(), asio::detached);
  }
  ~LineServer() {
    *alive_ = false;
    boost::system::error_code ec;
    acceptor_.close(ec);
  }
  LineServer(const LineServer&) = delete;
  LineServer& operator=(const LineServer&) = delete;
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> lines;
  bool reset_after_greeting = false;

 private:
  asio::awaitable<void> serve() {
    auto alive = alive_;
    for (int n = 0; n < 100 && *alive; ++n) {
      auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec || !*alive) co_return;
      asio::co_spawn(io_, session(std::move(sock), alive), asio::detached);
    }
  }
  asio::awaitable<void> session(tcp::socket sock, std::shared_ptr<bool> alive) {
    if (!greeting_.empty())
      co_await asio::async_write(sock, asio::buffer(greeting_), asio::as_tuple(asio::use_awaitable));
    if (reset_after_greeting) {
      sock.set_option(asio::socket_base::linger(true, 0));
      co_return;  // closing with linger 0 sends RST
    }
    std::string buf;
    for (int n = 0; n < 20; ++n) {
      auto [ec, len] = co_await asio::async_read_until(sock, asio::dynamic_buffer(buf), "\n",
                                                       asio::as_tuple(asio::use_awaitable));
      if (ec || !*alive) co_return;
      std::string line = buf.substr(0, len);
      buf.erase(0, len);
      lines.push_back(line);
      const std::string reply = answer_(line);
      if (!reply.empty()) co_await asio::async_write(sock, asio::buffer(reply), asio::as_tuple(asio::use_awaitable));
    }
  }
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::string greeting_;
  std::function<std::string(const std::string&)> answer_;
  std::shared_ptr<bool> alive_;
};

/// A UDP responder: for each datagram, sends back what `answer(datagram)` returns (a list of
/// datagrams, possibly empty).
class UdpServer {
 public:
  using Bytes = std::vector<std::uint8_t>;
  UdpServer(asio::io_context& io, std::function<std::vector<Bytes>(const Bytes&)> answer)
      : sock_(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), answer_(std::move(answer)) {
    receive();
  }
  std::uint16_t port() const { return sock_.local_endpoint().port(); }
  int received = 0;

 private:
  void receive() {
    sock_.async_receive_from(asio::buffer(buf_), peer_, [this](boost::system::error_code ec, std::size_t n) {
      if (ec) return;
      ++received;
      for (const auto& d : answer_(Bytes(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n))))
        sock_.send_to(asio::buffer(d), peer_, 0, ec);
      receive();
    });
  }
  udp::socket sock_;
  udp::endpoint peer_;
  std::array<std::uint8_t, 2048> buf_{};
  std::function<std::vector<Bytes>(const Bytes&)> answer_;
};

/// Builds the probe for `def` and runs one check of it (run_once), with `timeout` as its
/// connect_timeout.
inline stayalived::check::CheckResult check_once(asio::io_context& io, const stayalived::check::CheckerDef& def,
                                                stayalived::Duration timeout = std::chrono::milliseconds(500)) {
  using namespace stayalived::check;
  auto probe = make_probe(def);
  REQUIRE(probe);
  SpawnScriptPort runner;
  std::optional<stayalived::check::CheckResult> result;
  asio::co_spawn(io, run_once(*probe, runner, timeout), [&](std::exception_ptr e, stayalived::check::CheckResult r) {
    REQUIRE_FALSE(e);
    result = r;
  });
  REQUIRE(run_until(io, [&] { return result.has_value(); }));
  return *result;
}

}  // namespace loopback
