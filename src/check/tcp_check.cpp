// TCP_CHECK: the real server is up when a TCP connection to it completes within
// connect_timeout. The connection is closed at once (keepalived does the same).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net.hpp"
#include "probe_base.hpp"

namespace stayalived::check {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

class TcpProbe final : public ProbeOf<TcpCheck> {
 public:
  using ProbeOf::ProbeOf;
  std::string_view kind() const override { return "TCP_CHECK"; }

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    tcp::socket sock(co_await asio::this_coro::executor);
    const auto proto = conn_.target.addr.is_v4() ? tcp::v4() : tcp::v6();
    if (auto ec = net::open_with_options(sock, conn_, proto))
      co_return CheckResult::failure(Outcome::LocalError, ec.value());
    ctx.arm(ctx.timeout());
    auto [ec] = co_await sock.async_connect(net::target_of<tcp>(conn_),
                                            asio::as_tuple(asio::use_awaitable));
    if (ctx.expired()) co_return CheckResult::failure(Outcome::ConnectTimeout);
    if (ec) co_return net::connect_failure(ec);
    co_return CheckResult::success();
  }
};

}  // namespace

std::unique_ptr<Probe> make_tcp_probe(const CheckerDef& d) { return std::make_unique<TcpProbe>(d); }

}  // namespace stayalived::check
