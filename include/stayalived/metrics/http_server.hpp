// The metrics endpoint's HTTP/1.1 listener, on Boost.Beast, on the daemon's one io_context
// (no threads). Bounded against slow and hostile clients: each request must arrive whole
// within `read_timeout` (and each response leave within it), a request header larger than
// `header_limit` is answered 431 and the connection closed, a request with a body or a
// malformed one 400 and closed, and at most `max_connections` are open at once (more are
// closed as soon as they are accepted). GET and HEAD only (405 otherwise). What to answer
// for a path is the handler's business.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "stayalived/common/expected.hpp"

namespace stayalived::metrics {

/// Where to listen: an address (IPv4, or IPv6 in brackets) and a port.
struct ListenAddress {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  friend bool operator==(const ListenAddress&, const ListenAddress&) = default;
};

/// "PORT" (loopback, 127.0.0.1), "ADDR:PORT", "[V6ADDR]:PORT". The error says why not.
Expected<ListenAddress, std::string> parse_listen_address(std::string_view text);
/// "127.0.0.1:9650", "[::1]:9650".
std::string to_string(const ListenAddress& a);

/// What the server answers.
struct Response {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

struct ServerOptions {
  std::chrono::milliseconds read_timeout{5000};  ///< a whole request, and each response
  std::size_t header_limit = 8192;               ///< bytes of request line and headers
  std::size_t max_connections = 16;
};

/// Counters, for the server's own metrics and tests.
struct ServerStats {
  std::uint64_t accepted = 0;
  std::uint64_t refused = 0;    ///< closed at once: max_connections reached
  std::uint64_t requests = 0;   ///< answered (any status)
  std::uint64_t bad_requests = 0;  ///< 400/431 answered
  std::uint64_t timeouts = 0;   ///< closed because a deadline passed
  std::size_t open = 0;         ///< connections open now
};

class HttpServer {
 public:
  /// Answers GET and HEAD for a path (the target without its query string).
  using Handler = std::function<Response(std::string_view path)>;

  HttpServer(boost::asio::io_context& io, Handler handler, ServerOptions opts = {});
  /// Closes the listener and every connection.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds and starts accepting. Port 0 picks a free port (see endpoint()).
  Result<> listen(const ListenAddress& where);
  /// The bound address.
  boost::asio::ip::tcp::endpoint endpoint() const;
  /// Stops accepting and closes every open connection.
  void stop();
  const ServerStats& stats() const;

  /// Internal (http_server.cpp): what the acceptor and the connections share.
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace stayalived::metrics
