// The fetch coroutine. Control flow:
//
//   fetch() creates a FetchState (socket, optional TLS stream, one timer, the read buffer) on
//   the heap, shared with the watchdog. Before every step it arms the watchdog at
//   min(now + step_timeout, total deadline); if the timer fires first it cancels the socket,
//   and the pending operation completes with operation_aborted while `timed_out` is set -
//   that is how a timeout is told from a cancellation that came from outside. A timer
//   completion that was already queued when the timer was re-armed belongs to an earlier
//   step and does nothing. An operation that completes at once (data already there) never
//   waits for the timer, so the read loop also checks the total deadline before each read.
//   The watchdog's handler holds the state alive until it has run, so the coroutine can end
//   at any point; at the end the timer is cancelled and the socket closed.
#include "stayalived/check/http/fetch.hpp"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <cerrno>
#include <memory>

namespace stayalived::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

TimePoint saturating_add(TimePoint t, Duration d) {
  if (d <= Duration::zero()) return t;
  if (d >= TimePoint::max() - t) return TimePoint::max();
  return t + d;
}

struct FetchState {
  explicit FetchState(const asio::any_io_executor& ex) : socket(ex), timer(ex) {}

  tcp::socket& lowest() { return tls ? tls->next_layer() : socket; }

  tcp::socket socket;
  std::optional<asio::ssl::stream<tcp::socket>> tls;
  asio::steady_timer timer;
  bool timed_out = false;
  std::uint64_t step = 0;  // which step the watchdog is armed for
  std::array<std::uint8_t, kReadBufferSize> buffer;
};

// The watchdog of one step: at `at`, cancel the pending socket operation. A completion of an
// earlier step's timer (already queued when the timer was re-armed) is recognised by its step
// number and ignored.
void arm(const std::shared_ptr<FetchState>& st, TimePoint at) {
  st->timed_out = false;
  const std::uint64_t step = ++st->step;
  st->timer.expires_at(at);
  st->timer.async_wait([st, step](const boost::system::error_code& ec) {
    if (ec || step != st->step) return;
    st->timed_out = true;
    boost::system::error_code ignored;
    st->lowest().cancel(ignored);
  });
}

std::error_code to_std(const boost::system::error_code& ec) { return ec; }

// The peer reset the connection (under TLS too: the socket's error comes through).
bool is_reset(const boost::system::error_code& ec) {
  return ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

// The state of one fetch that the steps share.
struct Exchange {
  const FetchSpec& spec;
  std::shared_ptr<FetchState> st;
  FetchObserver* observer;
  TimePoint total_deadline;
  ResponseReader reader;
  FetchResult result;
  bool failed = false;  // a transport failure is in result.outcome
  bool total_bound = false;

  TimePoint step_deadline() {
    const TimePoint d = saturating_add(Clock::now(), spec.options.step_timeout);
    total_bound = d >= total_deadline;
    return total_bound ? total_deadline : d;
  }

  void fail(Outcome o, const boost::system::error_code& ec) {
    failed = true;
    result.outcome = o;
    result.error = to_std(ec);
  }

  // A step failed with `ec`: a timeout (ours), a cancellation (from outside) or `other`.
  void step_failed(const boost::system::error_code& ec, Outcome on_timeout, Outcome other) {
    if (st->timed_out)
      fail(total_bound ? Outcome::DeadlineExceeded : on_timeout, ec);
    else if (ec == asio::error::operation_aborted)
      fail(Outcome::Cancelled, ec);
    else
      fail(other, ec);
  }
};

template <class Stream>
asio::awaitable<void> request_and_read(Stream& stream, Exchange& x, bool tls) {
  const auto& dst = x.spec.target.destination;
  asio::ip::address addr = dst.address();
  if (addr.is_v6()) {  // the Host header carries no zone index
    auto v6 = addr.to_v6();
    v6.scope_id(0);
    addr = v6;
  }
  const std::string request = build_request(x.spec.request, addr.to_string(), dst.port());
  arm(x.st, x.step_deadline());
  auto [wec, written] = co_await asio::async_write(stream, asio::buffer(request), use_tuple);
  (void)written;
  if (wec) {
    x.step_failed(wec, Outcome::WriteTimeout, Outcome::WriteFailed);
    co_return;
  }

  auto& buf = x.st->buffer;
  bool any = false;
  for (;;) {
    const ResponseParser& parser = x.reader.parser();
    const std::size_t want = next_read_size(parser, buf.size());
    if (want == 0) {
      x.result.end = StreamEnd::HeadTooLarge;
      break;
    }
    if (Clock::now() >= x.total_deadline) {  // a fast endless body never lets the timer win
      x.fail(Outcome::DeadlineExceeded, asio::error::timed_out);
      break;
    }
    arm(x.st, x.step_deadline());
    auto [ec, n] = co_await stream.async_read_some(asio::buffer(buf.data(), want), use_tuple);
    if (n > 0) {
      any = true;
      const std::span<const std::uint8_t> got(buf.data(), n);
      const auto step = x.reader.feed(got);
      if (x.observer != nullptr) x.observer->on_read(got, parser, step);
      // A chunked body that broke its framing has no end we could wait for: fail now,
      // not at the timeout.
      if (parser.framing_error()) {
        x.fail(Outcome::BadChunking, {});
        break;
      }
    }
    if (ec) {
      if (ec == asio::error::eof) {
        x.result.end = StreamEnd::Closed;
      } else if (ec == asio::ssl::error::stream_truncated) {
        x.result.end = StreamEnd::ClosedUnclean;  // TLS without close_notify
      } else if (x.st->timed_out || ec == asio::error::operation_aborted) {
        x.step_failed(ec, any ? Outcome::ReadTimeout : Outcome::ResponseTimeout, Outcome::Cancelled);
      } else if (tls && !(is_reset(ec) && !parser.message_complete())) {
        // keepalived ends an SSL_GET response at any TLS read error and judges what came;
        // but a reset before the message's end fails it, as it fails HTTP_GET.
        x.result.end = StreamEnd::ClosedUnclean;
        x.result.error = to_std(ec);
      } else {
        x.fail(Outcome::ConnectionReset, ec);
      }
      break;
    }
    if (n > 0) x.result.end = end_after_read(parser, x.spec.options);
    if (x.result.end != StreamEnd::NotReached) break;
  }
}

boost::system::error_code set_socket_options(tcp::socket& s, const Target& t) {
  boost::system::error_code ec;
  const auto sys_error = [] { return boost::system::error_code(errno, boost::system::system_category()); };
  if (t.fwmark != 0) {  // fwmark: route/filter the check's packets (needs CAP_NET_ADMIN)
    const int mark = static_cast<int>(t.fwmark);
    if (::setsockopt(s.native_handle(), SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0) return sys_error();
  }
  if (!t.bind_interface.empty()) {  // bind_if
    if (::setsockopt(s.native_handle(), SOL_SOCKET, SO_BINDTODEVICE, t.bind_interface.c_str(),
                     static_cast<socklen_t>(t.bind_interface.size())) != 0)
      return sys_error();
  }
  if (t.bind_address || t.bind_port != 0) {  // bindto, bind_port
    const asio::ip::address local = t.bind_address.value_or(
        t.destination.address().is_v6() ? asio::ip::address(asio::ip::address_v6::any())
                                          : asio::ip::address(asio::ip::address_v4::any()));
    if (t.bind_port != 0) s.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) s.bind(tcp::endpoint(local, t.bind_port), ec);
  }
  return ec;
}

}  // namespace

std::size_t next_read_size(const ResponseParser& parser, std::size_t buffer) {
  return parser.head_complete() ? buffer : std::min(buffer, parser.head_room());
}

StreamEnd end_after_read(const ResponseParser& parser, const FetchOptions& options) {
  if (parser.state() == ResponseParser::State::HeadTooLarge) return StreamEnd::HeadTooLarge;
  if (!options.read_until_close && parser.message_complete()) return StreamEnd::MessageComplete;
  return StreamEnd::NotReached;
}

std::string_view keepalived_reason(const FetchResult& r, bool tls) {
  if (tls && r.end == StreamEnd::Closed && !r.response.head_complete) return "SSL read error from";
  return keepalived_reason(r.outcome, tls);
}

asio::awaitable<FetchResult> fetch(FetchSpec spec, TlsContext* tls, FetchObserver* observer) {
  // Failures are values: an operation cut short by a cancellation returns, it does not throw.
  co_await asio::this_coro::throw_if_cancelled(false);
  const auto executor = co_await asio::this_coro::executor;
  const TimePoint start = Clock::now();
  Exchange x{.spec = spec,
             .st = std::make_shared<FetchState>(executor),
             .observer = observer,
             .total_deadline = saturating_add(start, spec.options.total_timeout),
             .reader = ResponseReader(spec.expect, spec.options.limits, spec.options.always_digest),
             .result = {}};
  FetchState& st = *x.st;

  [&] {
    boost::system::error_code ec;
    st.socket.open(spec.target.destination.protocol(), ec);
    if (!ec) ec = set_socket_options(st.socket, spec.target);
    if (ec) x.fail(Outcome::ConnectFailed, ec);
  }();

  if (!x.failed) {
    arm(x.st, x.step_deadline());
    auto [ec] = co_await st.socket.async_connect(spec.target.destination, use_tuple);
    if (ec)
      x.step_failed(ec, Outcome::ConnectTimeout,
                    ec == asio::error::connection_refused ? Outcome::ConnectRefused : Outcome::ConnectFailed);
  }

  if (!x.failed && spec.tls.enabled) {
    if (tls == nullptr) {
      x.fail(Outcome::TlsHandshakeFailed, asio::error::invalid_argument);
    } else {
      st.tls.emplace(std::move(st.socket), tls->context());
      if (!spec.tls.sni.empty()) SSL_set_tlsext_host_name(st.tls->native_handle(), spec.tls.sni.c_str());
      arm(x.st, x.step_deadline());
      auto [ec] = co_await st.tls->async_handshake(asio::ssl::stream_base::client, use_tuple);
      if (ec) x.step_failed(ec, Outcome::TlsHandshakeTimeout, Outcome::TlsHandshakeFailed);
    }
  }

  if (!x.failed) {
    if (st.tls)
      co_await request_and_read(*st.tls, x, true);
    else
      co_await request_and_read(st.socket, x, false);
  }

  // tls_compliant: say goodbye with a close_notify (and give the server one step to answer).
  if (st.tls && spec.tls.compliant_shutdown && x.result.end != StreamEnd::NotReached) {
    arm(x.st, x.step_deadline());
    auto [ec] = co_await st.tls->async_shutdown(use_tuple);
    (void)ec;
  }

  st.timer.cancel();
  boost::system::error_code ignored;
  st.lowest().close(ignored);

  x.result.response = x.reader.finish();
  if (!x.failed) x.result.outcome = judge(spec.expect, x.result.response);
  x.result.elapsed = Clock::now() - start;
  co_return std::move(x.result);
}

}  // namespace stayalived::http
