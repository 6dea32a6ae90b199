// UDP_CHECK: send the payload (or random bytes) on a connected UDP socket. With
// require_reply, the first datagram that comes back decides (length limits, pattern).
// Without it, the check waits connect_timeout for an ICMP error: port unreachable means
// down, silence means up (keepalived.conf(5): the checker relies on ICMP errors, and
// connect_timeout must allow for ARP to time out).
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

#include "sockio.hpp"
#include "probe_base.hpp"
#include "stayalived/check/udp.hpp"

namespace stayalived::check {

namespace asio = boost::asio;
using UdpProto = asio::ip::udp;

namespace {

class UdpProbe final : public ProbeOf<UdpCheck> {
 public:
  using ProbeOf::ProbeOf;

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    UdpProto::socket sock(co_await asio::this_coro::executor);
    if (const auto failed = sockio::open_connected_udp(sock, conn_)) co_return *failed;

    std::vector<std::uint8_t> random_payload;
    const std::vector<std::uint8_t>* payload = &spec_.payload;
    if (payload->empty()) {
      random_payload.resize(16);
      for (auto& b : random_payload) b = static_cast<std::uint8_t>(ctx.random());
      payload = &random_payload;
    }
    ctx.arm(ctx.timeout());
    auto [sec, sent] = co_await sock.async_send(asio::buffer(*payload), asio::as_tuple(asio::use_awaitable));
    (void)sent;
    if (ctx.expired()) co_return spec_.require_reply ? CheckResult::failure(Outcome::NoReply) : CheckResult::success();
    if (sec) co_return sockio::connect_failure(sec);

    // Larger than any reply we accept, so that an oversized one is seen as such, not cut.
    std::array<std::uint8_t, 2048> buf;
    auto [rec, n] = co_await sock.async_receive(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
    if (ctx.expired()) {
      // Silence until the deadline: fine unless a reply was required.
      co_return spec_.require_reply ? CheckResult::failure(Outcome::NoReply) : CheckResult::success();
    }
    if (rec) co_return sockio::connect_failure(rec);
    if (!spec_.require_reply) co_return CheckResult::success();
    co_return udp::verdict(spec_, std::span<const std::uint8_t>(buf.data(), n));
  }
};

}  // namespace

std::unique_ptr<Probe> make_udp_probe(const CheckerDef& d) { return std::make_unique<UdpProbe>(d); }

}  // namespace stayalived::check
