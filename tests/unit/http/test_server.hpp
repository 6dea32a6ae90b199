// A scripted HTTP/HTTPS server for the fetch tests, on the test's own io_context and on a
// loopback port the kernel picks. It accepts one connection, reads the request head, then
// plays its script: send bytes, pause, reset, hold the connection until the client leaves,
// or stream an endless body. Every loop is bounded in count and time.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace http_test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

struct Act {
  enum Kind { Send, Pause, Reset, Hold, Endless, Close } kind;
  std::string data{};
  std::chrono::milliseconds pause{0};

  static Act send(std::string d) { return {Send, std::move(d)}; }
  static Act wait(std::chrono::milliseconds ms) { return {Pause, {}, ms}; }
  static Act reset() { return {Reset}; }
  static Act hold() { return {Hold}; }
  /// 64 KiB at a time, `pause` between them.
  static Act endless(std::chrono::milliseconds pause = std::chrono::milliseconds(0)) { return {Endless, {}, pause}; }
  static Act close() { return {Close}; }
};

class TestServer {
 public:
  /// A plain server, or a TLS server if `tls` is given.
  /// `read_request`: wait for the request head before playing the script.
  TestServer(asio::io_context& io, std::vector<Act> script, asio::ssl::context* tls = nullptr,
             bool ipv6 = false, bool read_request = true)
      : io_(io), acceptor_(io), script_(std::move(script)), tls_(tls), read_request_(read_request) {
    const tcp::endpoint ep(ipv6 ? asio::ip::address(asio::ip::address_v6::loopback())
                                : asio::ip::address(asio::ip::address_v4::loopback()),
                           0);
    acceptor_.open(ep.protocol());
    acceptor_.bind(ep);
    acceptor_.listen();
    endpoint_ = acceptor_.local_endpoint();
    asio::co_spawn(io_, serve(), asio::detached);
  }

  tcp::endpoint endpoint() const { return endpoint_; }
  /// The request head the server received.
  const std::string& request() const { return request_; }
  /// Bytes written by an Endless act.
  std::size_t streamed() const { return streamed_; }
  /// For TLS: the SNI the client sent, and whether it closed with close_notify.
  const std::string& sni() const { return sni_; }
  bool client_sent_close_notify() const { return close_notify_; }
  bool handshake_ok() const { return handshake_ok_; }

 private:
  asio::awaitable<void> serve() {
    auto [ec, sock] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    acceptor_.close();
    if (tls_ == nullptr) {
      co_await play(sock, sock);
      co_return;
    }
    asio::ssl::stream<tcp::socket> s(std::move(sock), *tls_);
    asio::steady_timer guard(io_, 5s);
    guard.async_wait([&](boost::system::error_code e) { if (!e) s.next_layer().close(); });
    auto [hec] = co_await s.async_handshake(asio::ssl::stream_base::server, asio::as_tuple(asio::use_awaitable));
    guard.cancel();
    if (hec) co_return;
    handshake_ok_ = true;
    if (const char* name = SSL_get_servername(s.native_handle(), TLSEXT_NAMETYPE_host_name)) sni_ = name;
    co_await play(s, s.next_layer());
  }

  template <class Stream>
  asio::awaitable<void> play(Stream& s, tcp::socket& raw) {
    const auto tuple = asio::as_tuple(asio::use_awaitable);
    asio::steady_timer timer(io_);
    // The request head: at most 8 KiB, within 5 s.
    timer.expires_after(5s);
    timer.async_wait([&](boost::system::error_code e) { if (!e) raw.close(); });
    char buf[4096];
    while (read_request_ && request_.find("\r\n\r\n") == std::string::npos && request_.size() < 8192) {
      auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), tuple);
      request_.append(buf, n);
      if (ec) break;
    }
    timer.cancel();
    for (const Act& a : script_) {
      switch (a.kind) {
        case Act::Send: {
          auto [ec, n] = co_await asio::async_write(s, asio::buffer(a.data), tuple);
          if (ec) co_return;
          break;
        }
        case Act::Pause: {
          timer.expires_after(a.pause);
          co_await timer.async_wait(tuple);
          break;
        }
        case Act::Reset: {
          boost::system::error_code ignored;
          raw.set_option(asio::socket_base::linger(true, 0), ignored);
          raw.close(ignored);
          co_return;
        }
        case Act::Hold: {  // until the client closes, at most 5 s
          timer.expires_after(5s);
          timer.async_wait([&](boost::system::error_code e) { if (!e) raw.close(); });
          for (;;) {
            auto [ec, n] = co_await s.async_read_some(asio::buffer(buf), tuple);
            if (ec) {
              close_notify_ = ec == asio::error::eof;
              break;
            }
          }
          timer.cancel();
          co_return;
        }
        case Act::Endless: {  // until the client closes, at most 5 s or 256 MiB
          const std::string chunk(65536, 'x');
          const auto until = std::chrono::steady_clock::now() + 5s;
          while (streamed_ < (256u << 20) && std::chrono::steady_clock::now() < until) {
            auto [ec, n] = co_await asio::async_write(s, asio::buffer(chunk), tuple);
            streamed_ += n;
            if (ec) break;
            if (a.pause.count() > 0) {
              timer.expires_after(a.pause);
              co_await timer.async_wait(tuple);
            }
          }
          co_return;
        }
        case Act::Close: {
          if constexpr (!std::is_same_v<Stream, tcp::socket>) {
            auto [ec] = co_await s.async_shutdown(tuple);  // close_notify, then wait for the client's
            (void)ec;
          }
          boost::system::error_code ignored;
          raw.shutdown(tcp::socket::shutdown_both, ignored);
          raw.close(ignored);
          co_return;
        }
      }
    }
    boost::system::error_code ignored;
    raw.close(ignored);
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  tcp::endpoint endpoint_;
  std::vector<Act> script_;
  asio::ssl::context* tls_;
  bool read_request_;
  std::string request_;
  std::size_t streamed_ = 0;
  std::string sni_;
  bool close_notify_ = false;
  bool handshake_ok_ = false;
};

/// Runs the io_context until `a` has finished and returns its result (other work, such as a
/// server still waiting for a connection, is left pending).
template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  std::optional<T> out;
  std::exception_ptr error;
  bool done = false;
  asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) out = std::move(v);
    done = true;
  });
  io.restart();
  while (!done && io.run_one() > 0) {
  }
  if (error) std::rethrow_exception(error);
  REQUIRE(done);
  return std::move(*out);
}

}  // namespace http_test
