// HTTP_GET / SSL_GET: a thin wrapper over the HTTP/TLS fetch core (stayalived::http, shared
// with genhash). Each check fetches every url { } in order; the first that fails decides.
// The fetch has its own per-step deadline (connect_timeout, applied to the connect and to
// each read and write, as keepalived does) and a total deadline of 3 x connect_timeout per
// url (a body that trickles forever costs one deadline); the runtime's deadline is a
// backstop behind them.
//
// keepalived paces the urls one per delay_loop while a server recovers unless
// fast_recovery is set; here a check always tries every url (fast_recovery's behaviour).
#include <boost/asio/awaitable.hpp>

#include "net.hpp"
#include "probe_base.hpp"
#include "stayalived/check/http/fetch.hpp"
#include "stayalived/check/http/regex.hpp"

namespace stayalived::check {

namespace asio = boost::asio;

namespace {

Outcome outcome_of(http::Outcome o) {
  switch (o) {
    case http::Outcome::Ok: return Outcome::Ok;
    case http::Outcome::ConnectTimeout: return Outcome::ConnectTimeout;
    case http::Outcome::ConnectRefused: return Outcome::ConnectRefused;
    case http::Outcome::ConnectFailed: return Outcome::ConnectError;
    case http::Outcome::TlsHandshakeTimeout:
    case http::Outcome::TlsHandshakeFailed: return Outcome::TlsHandshakeFailed;
    case http::Outcome::WriteTimeout:
    case http::Outcome::ResponseTimeout:
    case http::Outcome::ReadTimeout:
    case http::Outcome::DeadlineExceeded: return Outcome::ReadTimeout;
    case http::Outcome::WriteFailed:
    case http::Outcome::ConnectionReset: return Outcome::Reset;
    case http::Outcome::Cancelled: return Outcome::Cancelled;
    case http::Outcome::NoResponse:
    case http::Outcome::Truncated: return Outcome::Closed;
    case http::Outcome::HeadersTooLarge:
    case http::Outcome::Malformed: return Outcome::ProtocolError;
    case http::Outcome::StatusMismatch: return Outcome::StatusMismatch;
    case http::Outcome::DigestMismatch: return Outcome::DigestMismatch;
    case http::Outcome::RegexMismatch: return Outcome::RegexMismatch;
  }
  return Outcome::ProtocolError;
}

class HttpProbe final : public ProbeOf<HttpCheck> {
 public:
  // What a fetch needs that is costly to make (a compiled regex, a parsed digest) is made
  // once; the rest of each url's FetchSpec is built when it runs, from the definition: kept
  // built, the specs were most of the memory of 10,000 HTTP_GET checkers.
  HttpProbe(const CheckerDef& d, std::shared_ptr<void> tls) : ProbeOf(d), tls_(std::move(tls)) {
    target_.destination = net::target_of<asio::ip::tcp>(conn_);
    if (conn_.bindto) target_.bind_address = net::to_asio(net::scoped(*conn_.bindto, conn_));
    target_.bind_port = conn_.bind_port;
    target_.bind_interface = conn_.bind_if;
    target_.fwmark = conn_.fwmark;
    protocol_ = http::parse_http_protocol(spec_.http_protocol).value_or(http::HttpProtocol::V1_0);
    for (std::size_t i = 0; i < spec_.urls.size(); ++i) {
      const HttpUrl& u = spec_.urls[i];
      if (u.digest.empty() && u.regex.empty()) continue;
      Prepared p;
      p.url = i;
      if (!u.digest.empty()) {
        p.digest = http::parse_digest(u.digest);
        if (!p.digest) broken_ = true;
      }
      if (!u.regex.empty()) {
        std::uint32_t options = 0;
        for (const auto& name : u.regex_options) options |= http::regex_option_flag(name).value_or(0);
        auto re = http::Regex::compile(u.regex, options, {u.regex_stack_start, u.regex_stack_max});
        if (re)
          p.regex = *re;
        else
          broken_ = true;
      }
      prepared_.push_back(std::move(p));
    }
  }
  std::string_view kind() const override { return spec_.tls ? "SSL_GET" : "HTTP_GET"; }

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    // A digest or regex that does not compile, or SSL_GET without a TLS context: a
    // configuration error, not a verdict on the server.
    if (broken_ || (spec_.tls && !tls_)) co_return CheckResult::failure(Outcome::LocalError, EINVAL);
    auto* tls = static_cast<http::TlsContext*>(tls_.get());
    for (std::size_t i = 0; i < spec_.urls.size(); ++i) {
      http::FetchSpec f = fetch_spec(i);
      f.options.step_timeout = ctx.timeout();
      f.options.total_timeout = std::max<Duration>(3 * ctx.timeout(), std::chrono::seconds(1));
      ctx.arm(f.options.total_timeout + std::chrono::seconds(1));
      const http::FetchResult r = co_await http::fetch(std::move(f), tls);
      if (ctx.expired()) co_return CheckResult::failure(Outcome::ReadTimeout);
      if (r.outcome != http::Outcome::Ok) {
        const int code = r.outcome == http::Outcome::StatusMismatch ? r.response.head.status : r.error.value();
        co_return CheckResult::failure(outcome_of(r.outcome), code);
      }
    }
    co_return CheckResult::success();
  }

 private:
  struct Prepared {
    std::size_t url = 0;  // index into spec_.urls
    std::optional<Md5Digest> digest;
    std::shared_ptr<const http::Regex> regex;
  };

  http::FetchSpec fetch_spec(std::size_t i) const {
    const HttpUrl& u = spec_.urls[i];
    http::FetchSpec f;
    f.target = target_;
    f.request.path = u.path;
    if (!u.virtualhost.empty()) f.request.virtualhost = u.virtualhost;
    f.request.protocol = protocol_;
    if (!u.status_ranges.empty()) {
      f.expect.status_codes = http::StatusCodes();
      for (const auto& [lo, hi] : u.status_ranges) f.expect.status_codes.add_range(lo, hi);
    }
    for (const Prepared& p : prepared_) {
      if (p.url != i) continue;
      f.expect.digest = p.digest;
      if (p.regex) {
        f.expect.regex = p.regex;
        f.expect.regex_no_match = u.regex_no_match;
        f.expect.regex_min_offset = u.regex_min_offset;
        f.expect.regex_max_offset = u.regex_max_offset;
      }
    }
    f.tls.enabled = spec_.tls;
    if (spec_.tls && spec_.enable_sni && !u.virtualhost.empty()) f.tls.sni = u.virtualhost;
    f.tls.compliant_shutdown = spec_.tls_compliant;
    return f;
  }

  std::shared_ptr<void> tls_;
  http::Target target_;
  http::HttpProtocol protocol_ = http::HttpProtocol::V1_0;
  std::vector<Prepared> prepared_;  // only the urls with a digest or a regex
  bool broken_ = false;
};

}  // namespace

std::unique_ptr<Probe> make_http_probe(const CheckerDef& d, std::shared_ptr<void> tls) {
  return std::make_unique<HttpProbe>(d, std::move(tls));
}

Result<ProbeEnv> make_probe_env(const TlsSettings& settings) {
  http::TlsConfig cfg{settings.password, settings.ca, settings.certificate, settings.key};
  auto ctx = http::TlsContext::create(cfg);
  if (!ctx) return Unexpected(ctx.error());
  return ProbeEnv{std::static_pointer_cast<void>(*ctx)};
}

}  // namespace stayalived::check
