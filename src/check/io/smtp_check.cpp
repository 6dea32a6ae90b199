// SMTP_CHECK: connect, read the greeting (2yz, normally 220), send "HELO <helo_name>",
// read its reply (2yz, normally 250), then QUIT politely (its reply does not matter).
// Every step has its own deadline (connect_timeout); replies go through the bounded
// parser, so a server that sends endless lines or never ends a line costs one deadline.
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>

#include "sockio.hpp"
#include "probe_base.hpp"
#include "stayalived/check/smtp.hpp"

namespace stayalived::check {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string local_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0) return "localhost";
  return buf;
}

class SmtpProbe final : public ProbeOf<SmtpCheck> {
 public:
  using ProbeOf::ProbeOf;

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    tcp::socket sock(co_await asio::this_coro::executor);
    const auto proto = conn_.target.address.is_v4() ? tcp::v4() : tcp::v6();
    if (auto ec = sockio::open_with_options(sock, conn_, proto))
      co_return CheckResult::failure(Outcome::LocalError, ec.value());
    ctx.arm(ctx.timeout());
    auto [ec] = co_await sock.async_connect(sockio::target_of<tcp>(conn_),
                                            asio::as_tuple(asio::use_awaitable));
    if (ctx.expired()) co_return CheckResult::failure(Outcome::ConnectTimeout);
    if (ec) co_return sockio::connect_failure(ec);

    smtp::ReplyParser parser;
    ctx.arm(ctx.timeout());
    if (auto r = co_await read_reply(sock, parser, ctx); !r.ok()) co_return r;
    if (!smtp::positive(parser.code())) co_return CheckResult::failure(Outcome::BadReply, parser.code());

    const std::string helo =
        "HELO " + (spec_.helo_name.empty() ? local_host_name() : spec_.helo_name) + "\r\n";
    ctx.arm(ctx.timeout());
    if (auto r = co_await write_all(sock, helo, ctx); !r.ok()) co_return r;
    parser.reset();
    if (auto r = co_await read_reply(sock, parser, ctx); !r.ok()) co_return r;
    if (!smtp::positive(parser.code())) co_return CheckResult::failure(Outcome::BadReply, parser.code());

    // The check has passed; say goodbye, but do not let the server's manners decide.
    ctx.arm(ctx.timeout());
    if (auto r = co_await write_all(sock, "QUIT\r\n", ctx); r.ok()) {
      parser.reset();
      (void)co_await read_reply(sock, parser, ctx);
    }
    co_return CheckResult::success();
  }

 private:
  static asio::awaitable<CheckResult> write_all(tcp::socket& sock, std::string_view data,
                                                ProbeContext& ctx) {
    auto [ec, n] = co_await asio::async_write(sock, asio::buffer(data.data(), data.size()),
                                              asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ctx.expired()) co_return CheckResult::failure(Outcome::ReadTimeout);
    if (ec) co_return sockio::io_failure(ec);
    co_return CheckResult::success();
  }

  // Reads until the parser has a complete reply; bounded by the parser's limits and by the
  // armed deadline.
  static asio::awaitable<CheckResult> read_reply(tcp::socket& sock, smtp::ReplyParser& parser,
                                                 ProbeContext& ctx) {
    std::array<std::uint8_t, 512> buf;
    for (;;) {
      auto [ec, n] = co_await sock.async_read_some(asio::buffer(buf), asio::as_tuple(asio::use_awaitable));
      if (ctx.expired()) co_return CheckResult::failure(Outcome::ReadTimeout);
      if (ec) co_return sockio::io_failure(ec);
      switch (parser.feed(std::span<const std::uint8_t>(buf.data(), n))) {
        case smtp::Status::Complete: co_return CheckResult::success();
        case smtp::Status::Error:
          co_return CheckResult::failure(Outcome::ProtocolError, static_cast<int>(parser.error()));
        case smtp::Status::NeedMore: break;
      }
    }
  }
};

}  // namespace

std::unique_ptr<Probe> make_smtp_probe(const CheckerDef& d) { return std::make_unique<SmtpProbe>(d); }

}  // namespace stayalived::check
