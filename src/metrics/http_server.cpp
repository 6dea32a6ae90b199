// Control flow: the acceptor takes a connection and, unless max_connections are open, hands
// it to a Session. A Session reads one request (a fresh request_parser with its header
// limit, a deadline on the whole read), answers it, and reads the next one if the client
// keeps the connection alive; any error, a deadline, or an answer that closes ends it. The
// sessions are owned by their pending operations (shared_ptr), and listed in the server's
// State so that stop() can close them.
#include "stayalived/metrics/http_server.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <charconv>
#include <optional>
#include <set>

namespace stayalived::metrics {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

Expected<ListenAddress, std::string> parse_listen_address(std::string_view text) {
  ListenAddress out;
  std::string_view port = text;
  if (text.starts_with('[')) {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return Unexpected(std::string("expected [IPV6]:PORT"));
    out.address = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    if (text.find(':', colon + 1) != std::string_view::npos)
      return Unexpected(std::string("an IPv6 address needs brackets: [ADDR]:PORT"));
    out.address = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(out.address, ec);
  if (ec || (text.starts_with('[') && !addr.is_v6()))
    return Unexpected("invalid address '" + out.address + "'");
  unsigned p = 0;
  const auto [end, err] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || err != std::errc{} || end != port.data() + port.size() || p == 0 || p > 65535)
    return Unexpected("invalid port '" + std::string(port) + "'");
  out.address = addr.to_string();
  out.port = static_cast<std::uint16_t>(p);
  return out;
}

std::string to_string(const ListenAddress& a) {
  const bool v6 = a.address.find(':') != std::string::npos;
  return (v6 ? "[" + a.address + "]" : a.address) + ":" + std::to_string(a.port);
}

class Session;

struct HttpServer::State {
  State(asio::io_context& c, Handler h, ServerOptions o)
      : io(c), handler(std::move(h)), opts(o), acceptor(c), retry(c) {}
  asio::io_context& io;
  Handler handler;
  ServerOptions opts;
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after an accept error (EMFILE): no busy loop
  ServerStats stats;
  std::set<Session*> sessions;
  bool stopped = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using State = HttpServer::State;
  Session(std::shared_ptr<State> st, tcp::socket socket)
      // The buffer may hold a little more than the header limit, so that the parser's
      // limit is the one that trips (431) rather than the buffer's.
      : st_(std::move(st)), stream_(std::move(socket)), buffer_(st_->opts.header_limit + 1024) {
    st_->sessions.insert(this);
    ++st_->stats.open;
  }
  ~Session() {
    st_->sessions.erase(this);
    --st_->stats.open;
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void read() {
    head_ = false;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(st_->opts.header_limit));
    parser_->body_limit(0);
    stream_.expires_after(st_->opts.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().close(ec);
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == beast::error::timeout) {
      ++st_->stats.timeouts;
      return;  // the stream closed the socket
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || st_->stopped) return;
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      ++st_->stats.bad_requests;
      return answer(431, "request header too large\n", true);
    }
    if (ec && ec.category() == http::make_error_code(http::error::bad_target).category()) {
      ++st_->stats.bad_requests;
      return answer(400, "bad request\n", true);
    }
    if (ec) return;  // reset by the peer, ...
    const auto& req = parser_->get();
    head_ = req.method() == http::verb::head;
    if (req.method() != http::verb::get && !head_) return answer(405, "method not allowed\n", true);
    std::string_view target(req.target().data(), req.target().size());
    if (const auto q = target.find('?'); q != std::string_view::npos) target = target.substr(0, q);
    Response r = st_->handler(target);
    res_ = {};
    res_.result(r.status);
    res_.version(11);
    res_.set(http::field::content_type, r.content_type);
    res_.keep_alive(req.keep_alive());
    res_.content_length(r.body.size());
    if (!head_) res_.body() = std::move(r.body);
    write(!req.keep_alive());
  }

  void answer(unsigned status, std::string body, bool close) {
    res_ = {};
    res_.result(status);
    res_.version(11);
    res_.set(http::field::content_type, "text/plain; charset=utf-8");
    if (status == 405) res_.set(http::field::allow, "GET, HEAD");
    res_.keep_alive(!close);
    res_.content_length(body.size());
    if (!head_) res_.body() = std::move(body);
    write(close);
  }

  void write(bool close) {
    ++st_->stats.requests;
    stream_.expires_after(st_->opts.read_timeout);
    http::async_write(stream_, res_, [self = shared_from_this(), close](beast::error_code ec, std::size_t) {
      if (ec == beast::error::timeout) ++self->st_->stats.timeouts;
      if (ec || self->st_->stopped) return;
      if (close) {
        beast::error_code ignored;
        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
        return;
      }
      self->read();
    });
  }

  std::shared_ptr<State> st_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> res_;
  bool head_ = false;
};

namespace {

void accept(const std::shared_ptr<HttpServer::State>& st) {
  st->acceptor.async_accept([st](beast::error_code ec, tcp::socket socket) {
    if (st->stopped || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of descriptors or memory: try again a little later rather than spin.
      st->retry.expires_after(std::chrono::milliseconds(100));
      st->retry.async_wait([st](beast::error_code e) {
        if (!e && !st->stopped) accept(st);
      });
      return;
    }
    if (st->sessions.size() >= st->opts.max_connections) {
      ++st->stats.refused;
      beast::error_code ignored;
      socket.close(ignored);
    } else {
      ++st->stats.accepted;
      std::make_shared<Session>(st, std::move(socket))->read();
    }
    accept(st);
  });
}

}  // namespace

HttpServer::HttpServer(asio::io_context& io, Handler handler, ServerOptions opts)
    : state_(std::make_shared<State>(io, std::move(handler), opts)) {}

HttpServer::~HttpServer() { stop(); }

Result<> HttpServer::listen(const ListenAddress& where) {
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(where.address, ec);
  if (ec) return Unexpected(Error{"invalid address " + where.address, EINVAL});
  const tcp::endpoint ep(addr, where.port);
  auto& a = state_->acceptor;
  const auto fail = [&](const char* what) {
    beast::error_code ignored;
    a.close(ignored);
    return Unexpected(Error{std::string(what) + " " + to_string(where) + ": " + ec.message(), ec.value()});
  };
  if (a.open(ep.protocol(), ec)) return fail("cannot open a socket for");
  a.set_option(tcp::acceptor::reuse_address(true), ec);
  if (a.bind(ep, ec)) return fail("cannot bind");
  if (a.listen(asio::socket_base::max_listen_connections, ec)) return fail("cannot listen on");
  state_->stopped = false;
  accept(state_);
  return {};
}

tcp::endpoint HttpServer::endpoint() const {
  boost::system::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void HttpServer::stop() {
  state_->stopped = true;
  beast::error_code ec;
  state_->acceptor.close(ec);
  state_->retry.cancel();
  const auto open = state_->sessions;  // closing does not destroy them (their handlers will)
  for (Session* s : open) s->close();
}

const ServerStats& HttpServer::stats() const { return state_->stats; }

}  // namespace stayalived::metrics
