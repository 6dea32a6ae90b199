// PING_CHECK: one ICMP (ICMPv6) echo request, up when the matching echo reply arrives
// within connect_timeout.
//
// The socket is an unprivileged ICMP datagram socket ("ping socket") when
// net.ipv4.ping_group_range allows our group, else a raw socket (CAP_NET_RAW). Unlike
// keepalived we never widen ping_group_range ourselves: changing a system setting behind the
// operator's back is not a checker's business. Either way the socket is connected to the
// target, so the kernel hands us only its packets; anything that is not our reply (other
// ICMP types, other ids) is skipped, at most kMaxDatagrams of them.
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <cerrno>

#include "sockio.hpp"
#include "probe_base.hpp"
#include "stayalived/check/icmp.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

constexpr int kMaxDatagrams = 64;

// Opens, configures and connects the ICMP socket; returns the descriptor or -errno.
int open_icmp(const ConnectOptions& c, bool& raw) {
  const bool v4 = c.target.address.is_v4();
  const int family = v4 ? AF_INET : AF_INET6;
  const int proto = v4 ? static_cast<int>(IPPROTO_ICMP) : static_cast<int>(IPPROTO_ICMPV6);
  raw = false;
  int fd = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EPROTONOSUPPORT)) {
    fd = ::socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
    raw = true;
  }
  if (fd < 0) return -errno;
  auto fail = [fd]() {
    const int e = errno;
    ::close(fd);
    return -e;
  };
  if (raw && !v4) {
    icmp6_filter filter;
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &filter);
    if (::setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter) != 0) return fail();
  }
  if (c.fwmark != 0) {
    const int mark = static_cast<int>(c.fwmark);
    if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0) return fail();
  }
  if (!c.bind_if.empty() &&
      ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c.bind_if.c_str(), static_cast<socklen_t>(c.bind_if.size())) != 0)
    return fail();
  sockaddr_storage ss{};
  socklen_t len = 0;
  if (c.bindto) {
    len = sockio::to_sockaddr(sockio::scoped(*c.bindto, c), 0, ss);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail();
  }
  len = sockio::to_sockaddr(sockio::scoped(c.target.address, c), 0, ss);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail();
  return fd;
}

class PingProbe final : public ProbeOf<PingCheck> {
 public:
  using ProbeOf::ProbeOf;

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    bool raw = false;
    const int fd = open_icmp(conn_, raw);
    if (fd < 0) {
      if (-fd == ENETUNREACH || -fd == EHOSTUNREACH) co_return CheckResult::failure(Outcome::Unreachable, -fd);
      co_return CheckResult::failure(Outcome::LocalError, -fd);
    }
    asio::posix::stream_descriptor sock(co_await asio::this_coro::executor, fd);
    const Family family = conn_.target.address.family;
    const auto id = static_cast<std::uint16_t>(ctx.random());
    const auto seq = static_cast<std::uint16_t>(ctx.random());
    std::array<std::uint8_t, 16> payload;
    for (auto& b : payload) b = static_cast<std::uint8_t>(ctx.random());
    const auto request = icmp::encode_echo(family, id, seq, payload);

    ctx.arm(ctx.timeout());
    auto [sec, sent] = co_await sock.async_write_some(asio::buffer(request), asio::as_tuple(asio::use_awaitable));
    (void)sent;
    if (ctx.expired()) co_return CheckResult::failure(Outcome::NoReply);
    if (sec) co_return sockio::connect_failure(sec);

    std::array<std::uint8_t, 1500> buf;
    for (int i = 0; i < kMaxDatagrams; ++i) {
      auto [rec, n] = co_await sock.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ctx.expired()) co_return CheckResult::failure(Outcome::NoReply);
      if (rec) co_return sockio::connect_failure(rec);
      const auto m = icmp::match_echo_reply(family, std::span<const std::uint8_t>(buf.data(), n),
                                            raw && family == Family::Inet, raw, id, seq, payload);
      if (m == icmp::Match::Reply) co_return CheckResult::success();
    }
    co_return CheckResult::failure(Outcome::ProtocolError);
  }
};

}  // namespace

std::unique_ptr<Probe> make_ping_probe(const CheckerDef& d) { return std::make_unique<PingProbe>(d); }

}  // namespace stayalived::check
