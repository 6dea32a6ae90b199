// TCP_CHECK: the real server is up when a TCP connection to it completes within
// connect_timeout. The connection is closed at once (keepalived does the same).
#include <sys/epoll.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "sockio.hpp"
#include <fmt/format.h>

#include "probe_base.hpp"
#include "socket_watcher.hpp"

namespace stayalived::check {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class TcpProbe final : public ProbeOf<TcpCheck> {
 public:
  using ProbeOf::ProbeOf;
  std::string success_line(std::string_view service) const override {
    return fmt::format("TCP connection to {} success.", service);
  }

  // socket, connect, wait for writability, close (getsockopt(SO_ERROR) only on failure): the
  // wait goes through the SocketWatcher (one epoll set for every check), which costs one
  // epoll_ctl instead of an Asio socket's ioctl, two epoll_ctl calls and a poll.
  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    auto& watcher = asio::use_service<SocketWatcher>(
        asio::query(co_await asio::this_coro::executor, asio::execution::context));
    const WatchedSocket s(watcher, ::socket(conn_.target.address.is_v4() ? AF_INET : AF_INET6,
                                            SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP));
    if (s.fd() < 0) co_return CheckResult::failure(Outcome::LocalError, errno);
    if (const int e = sockio::apply_options(s.fd(), conn_); e != 0) co_return CheckResult::failure(Outcome::LocalError, e);
    const int started = sockio::connect_nonblocking(s.fd(), conn_);
    if (started == 0) co_return CheckResult::success();
    if (started != EINPROGRESS) co_return sockio::connect_failure({started, boost::system::system_category()});
    if (const int e = watcher.watch(s.fd()); e != 0) co_return CheckResult::failure(Outcome::LocalError, e);
    ctx.arm(ctx.timeout());
    auto [ec, events] = co_await watcher.async_wait(s.fd(), EPOLLOUT, asio::as_tuple(asio::use_awaitable));
    if (ctx.expired()) co_return CheckResult::failure(Outcome::ConnectTimeout);
    if (ec) co_return CheckResult::failure(Outcome::LocalError, ec.value());
    if (const int err = sockio::connect_error(s.fd(), events); err != 0)
      co_return sockio::connect_failure({err, boost::system::system_category()});
    co_return CheckResult::success();
  }
};

}  // namespace

std::unique_ptr<Probe> make_tcp_probe(const CheckerDef& d) { return std::make_unique<TcpProbe>(d); }

}  // namespace stayalived::check
