#include "plain_http.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cerrno>

#include "net.hpp"
#include "socket_watcher.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

// Reads that found data one after the other before the exchange lets other work run: a
// server that sends faster than we read never makes us wait, and must not hold the loop.
constexpr unsigned kReadsInARow = 16;

constexpr std::uint32_t kInputEdges = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

std::error_code sys(int e) { return {e, std::system_category()}; }

// The exchange's state, on the coroutine frame.
struct Exchange {
  ProbeContext& ctx;
  TimePoint total_deadline;
  http::FetchResult result{};
  bool failed = false;

  void fail(http::Outcome o, std::error_code ec = {}) {
    failed = true;
    result.outcome = o;
    result.error = ec;
  }

  // A wait for an edge, in two halves around the co_await (a coroutine of its own would cost
  // a frame per wait): before() checks the total deadline and arms the step's; after() says
  // whether the edge came, else records the failure (`on_timeout` when a deadline passed).
  bool before() {
    if (Clock::now() >= total_deadline) {
      fail(http::Outcome::DeadlineExceeded, sys(ETIMEDOUT));
      return false;
    }
    ctx.arm(ctx.timeout());
    return true;
  }
  bool after(const boost::system::error_code& ec, http::Outcome on_timeout) {
    if (ctx.expired()) {
      fail(on_timeout, sys(ETIMEDOUT));
      return false;
    }
    if (ec) {
      fail(ec == asio::error::operation_aborted ? http::Outcome::Cancelled : http::Outcome::ConnectFailed, ec);
      return false;
    }
    return true;
  }
};

http::Outcome connect_outcome(int err) {
  return err == ECONNREFUSED ? http::Outcome::ConnectRefused : http::Outcome::ConnectFailed;
}

}  // namespace

asio::awaitable<http::FetchResult> plain_http_exchange(ProbeContext& ctx, const ConnectOptions& conn,
                                                       std::string request, const http::Expectation& expect,
                                                       http::FetchOptions options) {
  const TimePoint start = Clock::now();
  auto& watcher = asio::use_service<SocketWatcher>(
      asio::query(co_await asio::this_coro::executor, asio::execution::context));
  const Endpoint& target = conn.target;
  const WatchedSocket sock(watcher, ::socket(target.addr.is_v4() ? AF_INET : AF_INET6,
                                             SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
  Exchange x{ctx, start + options.total_timeout};
  http::ResponseReader reader(expect, options.limits, options.always_digest);
  const int fd = sock.fd();

  // Connect.
  if (fd < 0) {
    x.fail(http::Outcome::ConnectFailed, sys(errno));
  } else if (const int e = net::apply_options(fd, conn); e != 0) {
    x.fail(http::Outcome::ConnectFailed, sys(e));
  } else {
    sockaddr_storage ss;
    const socklen_t len = net::to_sockaddr(net::scoped(target.addr, conn), target.port, ss);
    const bool at_once = ::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) == 0;
    if (!at_once && errno != EINPROGRESS) {
      x.fail(connect_outcome(errno), sys(errno));
    } else if (const int w = watcher.watch(fd); w != 0) {
      x.fail(http::Outcome::ConnectFailed, sys(w));
    } else if (!at_once && x.before() &&
               x.after(std::get<0>(co_await watcher.async_wait(fd, EPOLLOUT, use_tuple)), http::Outcome::ConnectTimeout)) {
      int err = 0;
      socklen_t elen = sizeof err;
      // Writable without an error condition: connected; SO_ERROR only names a failure.
      if ((watcher.edges(fd) & (EPOLLERR | EPOLLHUP)) != 0 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err != 0)
        x.fail(connect_outcome(err), sys(err));
    }
  }

  // Send the request.
  std::size_t sent = 0;
  while (!x.failed && sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EAGAIN) {
      watcher.consumed(fd, EPOLLOUT);
      if (x.before()) x.after(std::get<0>(co_await watcher.async_wait(fd, EPOLLOUT, use_tuple)), http::Outcome::WriteTimeout);
    } else if (n < 0 && errno != EINTR) {
      x.fail(http::Outcome::WriteFailed, sys(errno));
    }
  }

  // Read the response.
  std::array<std::uint8_t, http::kReadBufferSize> buf;
  bool any = false;
  unsigned reads_in_a_row = 0;  // without waiting
  while (!x.failed) {
    const std::size_t want = http::next_read_size(reader.parser(), buf.size());
    if (want == 0) {
      x.result.end = http::StreamEnd::HeadTooLarge;
      break;
    }
    if ((watcher.edges(fd) & kInputEdges) == 0) {
      if (!x.before() || !x.after(std::get<0>(co_await watcher.async_wait(fd, EPOLLIN, use_tuple)),
                                  any ? http::Outcome::ReadTimeout : http::Outcome::ResponseTimeout))
        break;
      reads_in_a_row = 0;
      continue;
    }
    if (Clock::now() >= x.total_deadline) {  // a fast endless body never lets a step time out
      x.fail(http::Outcome::DeadlineExceeded, sys(ETIMEDOUT));
      break;
    }
    if (++reads_in_a_row > kReadsInARow) {  // a flood: let the rest of the daemon run
      reads_in_a_row = 0;
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    }
    const ssize_t n = ::recv(fd, buf.data(), want, 0);
    if (n > 0) {
      any = true;
      // A short read emptied the socket: the next read waits for the next edge.
      if (static_cast<std::size_t>(n) < want) watcher.consumed(fd, EPOLLIN);
      reader.feed(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
      x.result.end = http::end_after_read(reader.parser(), options);
      if (x.result.end != http::StreamEnd::NotReached) break;
    } else if (n == 0) {
      x.result.end = http::StreamEnd::Closed;
      break;
    } else if (errno == EAGAIN) {
      watcher.consumed(fd, kInputEdges);
    } else if (errno != EINTR) {
      x.fail(http::Outcome::ConnectionReset, sys(errno));
    }
  }

  x.result.response = reader.finish();
  if (!x.failed) x.result.outcome = http::judge(expect, x.result.response);
  x.result.elapsed = Clock::now() - start;
  co_return std::move(x.result);
}

}  // namespace stayalived::check
