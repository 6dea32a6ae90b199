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
#include <span>

#include "sockio.hpp"
#include "socket_watcher.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

// Reads that found data one after the other before the exchange lets other work run: a
// server that sends faster than we read never makes us wait, and must not hold the loop.
constexpr unsigned kReadsInARow = 16;

constexpr std::uint32_t kInputEdges = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;

std::error_code sys(int e) { return {e, std::system_category()}; }

// Where responses are read: each read is fed to the exchange's reader before the exchange
// waits again, so one buffer serves every exchange of the thread.
std::span<std::uint8_t> read_buffer() {
  thread_local std::array<std::uint8_t, http::kReadBufferSize> buf;
  return buf;
}

http::Outcome connect_outcome(int err) {
  return err == ECONNREFUSED ? http::Outcome::ConnectRefused : http::Outcome::ConnectFailed;
}

// What the exchange needs next from its coroutine.
enum class Next {
  Wait,   // an edge of interest() (the step's deadline is armed)
  Yield,  // a turn of the loop (a flood)
  Done,   // nothing: finish()
};

// One exchange as a state machine in plain functions: the coroutine only waits where it is
// told to. Its frame holds this object and little else, under 1 KiB, where the allocators
// keep blocks for reuse (larger frames paid malloc's slow path at every check).
class Exchange {
 public:
  Exchange(ProbeContext& ctx, SocketWatcher& w, const ConnectOptions& conn, std::string request,
           const http::Expectation& expect, const http::FetchOptions& options)
      : ctx_(ctx), w_(w), conn_(conn), request_(std::move(request)), expect_(expect), options_(options),
        reader_(expect, options.limits, options.always_digest), start_(Clock::now()),
        total_deadline_(start_ + options.total_timeout),
        sock_(w, ::socket(conn.target.address.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                          IPPROTO_TCP)) {}

  int fd() const { return sock_.fd(); }
  std::uint32_t interest() const { return interest_; }

  // Opens the connection.
  Next begin() {
    const int fd = sock_.fd();
    if (fd < 0) return fail(http::Outcome::ConnectFailed, errno);
    if (const int e = sockio::apply_options(fd, conn_); e != 0) return fail(connect_outcome(e), e);
    const int e = sockio::connect_nonblocking(fd, conn_);
    if (e != 0 && e != EINPROGRESS) return fail(connect_outcome(e), e);
    if (const int w = w_.watch(fd); w != 0) return fail(http::Outcome::ConnectFailed, w);
    phase_ = e == 0 ? Phase::Send : Phase::Connect;
    return e == 0 ? run() : wait_for(EPOLLOUT);
  }

  // The wait asked for ended with `ec`.
  Next waited(const boost::system::error_code& ec) {
    if (ctx_.expired()) return fail(timeout_outcome(), ETIMEDOUT);
    if (ec) return fail(ec == asio::error::operation_aborted ? http::Outcome::Cancelled : http::Outcome::ConnectFailed,
                        ec.value());
    if (phase_ == Phase::Connect) {
      if (const int err = sockio::connect_error(fd(), w_.edges(fd())); err != 0) return fail(connect_outcome(err), err);
      phase_ = Phase::Send;
    }
    reads_in_a_row_ = 0;
    return run();
  }

  // Goes on as far as it can without waiting.
  Next run() {
    if (phase_ == Phase::Send) {
      if (const Next n = send(); n != Next::Done || failed_) return n;
      phase_ = Phase::Read;
    }
    return read();
  }

  http::FetchResult finish() {
    http::FetchResult r{outcome_, error_, reader_.finish(), end_, Clock::now() - start_};
    if (!failed_) r.outcome = http::judge(expect_, r.response);
    return r;
  }

 private:
  enum class Phase { Connect, Send, Read };

  Next fail(http::Outcome o, int err) {
    failed_ = true;
    outcome_ = o;
    error_ = sys(err);
    return Next::Done;
  }

  http::Outcome timeout_outcome() const {
    switch (phase_) {
      case Phase::Connect: return http::Outcome::ConnectTimeout;
      case Phase::Send: return http::Outcome::WriteTimeout;
      case Phase::Read: break;
    }
    return any_ ? http::Outcome::ReadTimeout : http::Outcome::ResponseTimeout;
  }

  // Every wait is within the exchange's total deadline and arms the step's.
  Next wait_for(std::uint32_t interest) {
    if (Clock::now() >= total_deadline_) return fail(http::Outcome::DeadlineExceeded, ETIMEDOUT);
    interest_ = interest;
    ctx_.arm(ctx_.timeout());
    return Next::Wait;
  }

  // Done: the whole request is sent (or the exchange failed).
  Next send() {
    while (sent_ < request_.size()) {
      const ssize_t n = ::send(fd(), request_.data() + sent_, request_.size() - sent_, MSG_NOSIGNAL);
      if (n > 0) {
        sent_ += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EAGAIN) {
        w_.consumed(fd(), EPOLLOUT);
        return wait_for(EPOLLOUT);
      } else if (n < 0 && errno != EINTR) {
        return fail(http::Outcome::WriteFailed, errno);
      }
    }
    return Next::Done;
  }

  Next read() {
    const std::span<std::uint8_t> buf = read_buffer();
    for (;;) {
      const std::size_t want = http::next_read_size(reader_.parser(), buf.size());
      if (want == 0) {
        end_ = http::StreamEnd::HeadTooLarge;
        return Next::Done;
      }
      if ((w_.edges(fd()) & kInputEdges) == 0) return wait_for(EPOLLIN);
      // A fast endless body never lets a step time out.
      if (Clock::now() >= total_deadline_) return fail(http::Outcome::DeadlineExceeded, ETIMEDOUT);
      if (++reads_in_a_row_ > kReadsInARow) {  // a flood: let the rest of the daemon run
        reads_in_a_row_ = 0;
        return Next::Yield;
      }
      const ssize_t n = ::recv(fd(), buf.data(), want, 0);
      if (n > 0) {
        any_ = true;
        // A short read emptied the socket: the next read waits for the next edge.
        if (static_cast<std::size_t>(n) < want) w_.consumed(fd(), EPOLLIN);
        reader_.feed(std::span<const std::uint8_t>(buf.data(), static_cast<std::size_t>(n)));
        end_ = http::end_after_read(reader_.parser(), options_);
        if (end_ != http::StreamEnd::NotReached) return Next::Done;
      } else if (n == 0) {
        end_ = http::StreamEnd::Closed;
        return Next::Done;
      } else if (errno == EAGAIN) {
        w_.consumed(fd(), kInputEdges);
      } else if (errno != EINTR) {
        return fail(http::Outcome::ConnectionReset, errno);
      }
    }
  }

  ProbeContext& ctx_;
  SocketWatcher& w_;
  const ConnectOptions& conn_;
  const std::string request_;
  const http::Expectation& expect_;
  const http::FetchOptions options_;
  http::ResponseReader reader_;
  const TimePoint start_;
  const TimePoint total_deadline_;
  const WatchedSocket sock_;
  Phase phase_ = Phase::Connect;
  std::uint32_t interest_ = 0;
  std::size_t sent_ = 0;
  unsigned reads_in_a_row_ = 0;  // without waiting
  bool any_ = false;             // a byte of the response came
  bool failed_ = false;
  http::Outcome outcome_ = http::Outcome::Ok;
  std::error_code error_{};
  http::StreamEnd end_ = http::StreamEnd::NotReached;
};

}  // namespace

asio::awaitable<http::FetchResult> plain_http_exchange(ProbeContext& ctx, const ConnectOptions& conn,
                                                       std::string request, const http::Expectation& expect,
                                                       http::FetchOptions options) {
  const auto ex = co_await asio::this_coro::executor;
  SocketWatcher& watcher = asio::use_service<SocketWatcher>(asio::query(ex, asio::execution::context));
  Exchange x(ctx, watcher, conn, std::move(request), expect, options);
  for (Next next = x.begin(); next != Next::Done;) {
    if (next == Next::Yield) {
      co_await asio::post(ex, asio::use_awaitable);
      next = x.run();
    } else {
      next = x.waited(std::get<0>(co_await watcher.async_wait(x.fd(), x.interest(), asio::as_tuple(asio::use_awaitable))));
    }
  }
  co_return x.finish();
}

}  // namespace stayalived::check
