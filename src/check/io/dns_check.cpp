// DNS_CHECK: one query over UDP (connected socket, so that an ICMP port unreachable comes
// back as ECONNREFUSED), answered with NOERROR and our question echoed. Datagrams that are
// not an answer to our query (other id) are skipped, at most kMaxDatagrams of them.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

#include "sockio.hpp"
#include "probe_base.hpp"
#include "stayalived/check/dns.hpp"

namespace stayalived::check {

namespace asio = boost::asio;
using UdpProto = asio::ip::udp;

namespace {

class DnsProbe final : public ProbeOf<DnsCheck> {
 public:
  using ProbeOf::ProbeOf;
  static constexpr int kMaxDatagrams = 16;

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    UdpProto::socket sock(co_await asio::this_coro::executor);
    if (const auto failed = sockio::open_connected_udp(sock, conn_)) co_return *failed;

    const dns::Question q{static_cast<std::uint16_t>(ctx.random()), spec_.name, spec_.type};
    const auto query = dns::encode_query(q.id, q.name, q.type);
    if (query.empty()) co_return CheckResult::failure(Outcome::LocalError, EINVAL);

    ctx.arm(ctx.timeout());
    auto [sec, sent] = co_await sock.async_send(asio::buffer(query), asio::as_tuple(asio::use_awaitable));
    (void)sent;
    if (ctx.expired()) co_return CheckResult::failure(Outcome::ReadTimeout);
    if (sec) co_return sockio::connect_failure(sec);

    std::array<std::uint8_t, dns::kMaxUdpMessage> buf;
    for (int i = 0; i < kMaxDatagrams; ++i) {
      auto [rec, n] = co_await sock.async_receive(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ctx.expired()) co_return CheckResult::failure(Outcome::ReadTimeout);
      if (rec) co_return sockio::io_failure(rec);
      dns::Response r;
      const dns::ParseError pe = dns::parse_response(std::span<const std::uint8_t>(buf.data(), n), r);
      if (n < 12 || !dns::answers(r, q)) continue;  // not ours
      if (pe != dns::ParseError::None)
        co_return CheckResult::failure(Outcome::ProtocolError, static_cast<int>(pe));
      co_return dns::verdict(r, q);
    }
    co_return CheckResult::failure(Outcome::ProtocolError);
  }
};

}  // namespace

std::unique_ptr<Probe> make_dns_probe(const CheckerDef& d) { return std::make_unique<DnsProbe>(d); }

}  // namespace stayalived::check
