// HTTP_GET / SSL_GET: a thin wrapper over the HTTP/TLS fetch core (stayalived::http, shared
// with genhash). Each check fetches every url { } in order; the first that fails decides.
// Each step (the connect, each read and write) has a deadline of connect_timeout, as in
// keepalived, and each url a total deadline of 3 x connect_timeout (a body that trickles
// forever costs one deadline). HTTP_GET runs over plain_http.cpp (the checker's own sockets
// and deadlines, half the system calls); SSL_GET over http::fetch, whose own timers keep
// the deadlines, with the runtime's deadline as a backstop behind them.
//
// keepalived paces the urls one per delay_loop while a server recovers unless
// fast_recovery is set; here a check always tries every url (fast_recovery's behaviour).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/error.hpp>

#include <mutex>
#include <openssl/err.h>
#include <unordered_map>

#include "sockio.hpp"
#include "plain_http.hpp"
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
    case http::Outcome::Malformed:
    case http::Outcome::BadChunking: return Outcome::ProtocolError;
    case http::Outcome::StatusMismatch: return Outcome::StatusMismatch;
    case http::Outcome::DigestMismatch: return Outcome::DigestMismatch;
    case http::Outcome::RegexMismatch: return Outcome::RegexMismatch;
  }
  return Outcome::ProtocolError;
}

// What the line that takes the server down adds to the outcome: the HTTP-level reason that
// outcome_of() folds away, or OpenSSL's for a failed handshake. Static text only.
const char* detail_of(const http::FetchResult& r) {
  switch (r.outcome) {
    case http::Outcome::TlsHandshakeTimeout: return "TLS handshake timeout";
    case http::Outcome::TlsHandshakeFailed:
      if (r.error.category() == asio::error::get_ssl_category()) {
        if (const char* why = ERR_reason_error_string(static_cast<unsigned long>(r.error.value()))) return why;
      }
      return nullptr;
    case http::Outcome::WriteTimeout: return "request not sent in time";
    case http::Outcome::ResponseTimeout: return "no response";
    case http::Outcome::DeadlineExceeded: return "response not complete within 3 x connect_timeout";
    case http::Outcome::NoResponse: return "closed without a response";
    case http::Outcome::Truncated: return "response cut short";
    case http::Outcome::HeadersTooLarge:
      static_assert(http::ResponseLimits{}.max_head_bytes == 4095, "the text below says the limit");
      return "response head over 4095 bytes";
    case http::Outcome::Malformed: return "malformed response";
    case http::Outcome::BadChunking: return "bad chunked encoding";
    default: return nullptr;
  }
}

// What the checkers of one HTTP_GET/SSL_GET definition share, made once per distinct
// definition (10,000 checkers of the same urls share one): the definition, and per url the
// request and the expectation with its compiled regex and parsed digest.
struct HttpShared {
  HttpCheck spec;
  std::vector<http::RequestSpec> requests;   // per url
  std::vector<http::Expectation> expect;     // per url
  bool broken = false;  // a digest or regex that does not compile
};

std::size_t hash_of(const HttpCheck& c) {
  std::size_t h = std::hash<std::string_view>()(c.http_protocol) ^ (c.tls ? 0x9E3779B97F4A7C15ULL : 0);
  for (const HttpUrl& u : c.urls) {
    for (std::string_view s : {std::string_view(u.path), std::string_view(u.digest), std::string_view(u.virtualhost),
                               std::string_view(u.regex)})
      h = (h * 0x100000001B3ULL) ^ std::hash<std::string_view>()(s);
  }
  return h;
}

std::shared_ptr<const HttpShared> make_shared_data(const HttpCheck& c) {
  // Not make_shared: the intern table's weak references would keep the whole block.
  auto* d = new HttpShared{.spec = c, .requests = {}, .expect = {}, .broken = false};
  std::shared_ptr<const HttpShared> out(d);
  const auto protocol = http::parse_http_protocol(c.http_protocol).value_or(http::HttpProtocol::V1_0);
  for (const HttpUrl& u : c.urls) {
    http::RequestSpec r;
    r.path = u.path;
    if (!u.virtualhost.empty()) r.virtualhost = u.virtualhost;
    r.protocol = protocol;
    d->requests.push_back(std::move(r));
    http::Expectation e;
    if (!u.status_ranges.empty()) {
      e.status_codes = http::StatusCodes();
      for (const auto& [lo, hi] : u.status_ranges) e.status_codes.add_range(lo, hi);
    }
    if (!u.digest.empty()) {
      e.digest = http::parse_digest(u.digest);
      if (!e.digest) d->broken = true;
    }
    if (!u.regex.empty()) {
      std::uint32_t options = 0;
      for (const auto& name : u.regex_options) options |= http::regex_option_flag(name).value_or(0);
      auto re = http::Regex::compile(u.regex, options, {u.regex_stack_start, u.regex_stack_max});
      if (re) {
        e.regex = *re;
        e.regex_no_match = u.regex_no_match;
        e.regex_min_offset = u.regex_min_offset;
        e.regex_max_offset = u.regex_max_offset;
      } else {
        d->broken = true;
      }
    }
    d->expect.push_back(std::move(e));
  }
  return out;
}

// The shared data for `c`: an existing one if an equal definition has one.
std::shared_ptr<const HttpShared> intern(const HttpCheck& c) {
  static std::mutex mu;
  static std::unordered_multimap<std::size_t, std::weak_ptr<const HttpShared>> table;
  static std::size_t sweep_at = 64;
  const std::size_t h = hash_of(c);
  const std::lock_guard lock(mu);
  const auto [first, last] = table.equal_range(h);
  for (auto it = first; it != last; ++it) {
    auto live = it->second.lock();
    if (live && live->spec == c) return live;
  }
  if (table.size() >= sweep_at) {  // forget the definitions no checker uses any more
    std::erase_if(table, [](const auto& kv) { return kv.second.expired(); });
    sweep_at = std::max<std::size_t>(64, 2 * table.size());
  }
  auto made = make_shared_data(c);
  table.emplace(h, made);
  return made;
}

class HttpProbe final : public Probe {
 public:
  HttpProbe(const CheckerDef& d, std::shared_ptr<void> tls)
      : conn_(d.connect), shared_(intern(std::get<HttpCheck>(d.kind))), tls_(std::move(tls)), host_(host_of(conn_)) {}
  std::string_view kind() const override { return shared_->spec.tls ? "SSL_GET" : "HTTP_GET"; }
  std::optional<Protocol> transport() const override { return Protocol::Tcp; }
  bool same(const CheckerDef& d) const override {
    const HttpCheck* s = std::get_if<HttpCheck>(&d.kind);
    return s != nullptr && *s == shared_->spec && d.connect == conn_;
  }

  asio::awaitable<CheckResult> run(ProbeContext& ctx) override {
    const HttpShared& sh = *shared_;
    // A digest or regex that does not compile, or SSL_GET without a TLS context: a
    // configuration error, not a verdict on the server.
    if (sh.broken || (sh.spec.tls && !tls_)) co_return CheckResult::failure(Outcome::LocalError, EINVAL);
    auto* tls = static_cast<http::TlsContext*>(tls_.get());
    http::FetchOptions options;
    options.step_timeout = ctx.timeout();
    options.total_timeout = std::max<Duration>(3 * ctx.timeout(), std::chrono::seconds(1));
    for (std::size_t i = 0; i < sh.requests.size(); ++i) {
      // Each path in a coroutine of its own: this frame holds neither's temporaries (the
      // TLS path's would make every HTTP_GET frame a large allocation).
      const http::FetchResult r = sh.spec.tls ? co_await fetch_tls(ctx, i, options, tls)
                                              : co_await fetch_plain(ctx, i, options);
      if (ctx.expired() && sh.spec.tls) co_return CheckResult::failure(Outcome::ReadTimeout);
      if (r.outcome != http::Outcome::Ok) {
        const int code = r.outcome == http::Outcome::StatusMismatch ? r.response.head.status : r.error.value();
        co_return CheckResult::failure(outcome_of(r.outcome), code, detail_of(r));
      }
    }
    co_return CheckResult::success();
  }

 private:
  // The Host header's address: the target's, without an IPv6 zone. Made once: formatting
  // an address costs more than the rest of the request.
  static std::string host_of(const ConnectOptions& c) {
    IpAddress a = c.target.address;
    a.scope_id = 0;
    return sockio::to_asio(a).to_string();
  }

  asio::awaitable<http::FetchResult> fetch_plain(ProbeContext& ctx, std::size_t i, const http::FetchOptions& options) {
    return plain_http_exchange(ctx, conn_, http::build_request(shared_->requests[i], host_, conn_.target.port),
                               shared_->expect[i], options);
  }

  asio::awaitable<http::FetchResult> fetch_tls(ProbeContext& ctx, std::size_t i, http::FetchOptions options,
                                               http::TlsContext* tls) {
    ctx.arm(options.total_timeout + std::chrono::seconds(1));  // a backstop: the fetch has its own
    co_return co_await http::fetch(tls_spec(i, options), tls);
  }

  http::FetchSpec tls_spec(std::size_t i, const http::FetchOptions& options) const {
    const HttpShared& sh = *shared_;
    http::FetchSpec f;
    f.target.destination = sockio::target_of<asio::ip::tcp>(conn_);
    if (conn_.bindto) f.target.bind_address = sockio::to_asio(sockio::scoped(*conn_.bindto, conn_));
    f.target.bind_port = conn_.bind_port;
    f.target.bind_interface = conn_.bind_if;
    f.target.fwmark = conn_.fwmark;
    f.request = sh.requests[i];
    f.expect = sh.expect[i];
    f.options = options;
    f.tls.enabled = true;
    const HttpUrl& u = sh.spec.urls[i];
    if (sh.spec.enable_sni && !u.virtualhost.empty()) f.tls.sni = u.virtualhost;
    f.tls.compliant_shutdown = sh.spec.tls_compliant;
    return f;
  }

  ConnectOptions conn_;
  std::shared_ptr<const HttpShared> shared_;
  std::shared_ptr<void> tls_;
  std::string host_;
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
