// One HTTP_GET / SSL_GET fetch as a C++20 coroutine on the caller's io_context:
//
//   connect (bind address/port/interface, fwmark) -> TLS handshake (SNI) -> write the GET ->
//   read, feeding the ResponseReader -> [TLS close_notify] -> verdict
//
// Every step has a deadline: the step timeout (keepalived's connect_timeout, which keepalived
// applies to the connect and to each read and write) and the total deadline of the fetch,
// whichever comes first; a hostile server (endless headers, endless or trickling body, no
// TLS) costs at most the total deadline and a fixed amount of memory (one 4095-byte read buffer,
// the head up to ResponseLimits::max_head_bytes, an MD5 state, a bounded regex window).
// Expected failures are values (Outcome), never exceptions. The fetch honours per-operation
// cancellation: cancelling the coroutine (bind_cancellation_slot on co_spawn, or an awaitable
// operator) ends it with Outcome::Cancelled.
//
// Usage from a checker (HTTP_GET / SSL_GET kinds), one fetch per url per check:
//
//   http::FetchSpec spec{.target = {.destination = {connect_ip, connect_port}},
//                        .request = {.path = url.path, .virtualhost = vhost,
//                                    .protocol = http_protocol},
//                        .expect = expectation,               // digest, status_code, regex
//                        .tls = {.enabled = ssl_get, .sni = enable_sni ? vhost : ""},
//                        .options = {.step_timeout = connect_timeout,
//                                    .total_timeout = ...}};  // e.g. min(delay_loop, 4 x connect_timeout)
//   http::FetchResult r = co_await http::fetch(spec, tls_context.get());
//   if (r.outcome != http::Outcome::Ok)
//     log "<keepalived_reason(r, ssl_get)> server [ip]:tcp:port." and count a failure
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>

#include "stayalived/check/http/outcome.hpp"
#include "stayalived/check/http/request.hpp"
#include "stayalived/check/http/response.hpp"
#include "stayalived/check/http/tls.hpp"
#include "stayalived/check/http/verdict.hpp"
#include "stayalived/common/time.hpp"

namespace stayalived::http {

/// Where to connect, and from where (the generic connection options of every checker).
struct Target {
  boost::asio::ip::tcp::endpoint destination{};               ///< connect_ip:connect_port
  std::optional<boost::asio::ip::address> bind_address{};     ///< bindto
  std::uint16_t bind_port = 0;                              ///< bind_port (0: any)
  std::string bind_interface{};                               ///< bind_if (SO_BINDTODEVICE)
  std::uint32_t fwmark = 0;                                 ///< fwmark (SO_MARK; 0: none)
};

/// SSL_GET specifics.
struct TlsOptions {
  bool enabled = false;      ///< SSL_GET (true) or HTTP_GET (false)
  std::string sni{};           ///< enable_sni: the server name to send (empty: none)
  /// tls_compliant: end the connection with a TLS close_notify (bounded by the step timeout)
  /// instead of just closing the socket.
  bool compliant_shutdown = false;
};

/// Timeouts and limits.
struct FetchOptions {
  Duration step_timeout = std::chrono::seconds(5);    ///< connect_timeout (keepalived default 5 s)
  Duration total_timeout = std::chrono::seconds(20);  ///< the whole fetch
  ResponseLimits limits{};
  /// genhash semantics: read to the close even when the framing says the message has ended
  /// (keepalived always reads to the close; by default we stop at the end of the message,
  /// which also spares waiting for a server that ignores "Connection: close").
  bool read_until_close = false;
  /// Compute the body MD5 even when the expectation has no digest (genhash).
  bool always_digest = false;
};

/// Everything one fetch needs (a value: a checker keeps one and passes it each time).
struct FetchSpec {
  Target target{};
  RequestSpec request{};
  Expectation expect{};
  TlsOptions tls{};
  FetchOptions options{};
};

/// How reading the response ended.
enum class StreamEnd : std::uint8_t {
  NotReached,       ///< a transport failure came first (see outcome)
  Closed,           ///< the server closed (TCP FIN; TLS close_notify)
  ClosedUnclean,    ///< TLS ended without close_notify, or by a TLS/socket error after data
  MessageComplete,  ///< we stopped at the end of the message (Content-Length, last chunk)
  HeadTooLarge,     ///< we stopped: the head outgrew the limit
};

/// The result of one fetch.
struct FetchResult {
  Outcome outcome = Outcome::Ok;  ///< the transport failure, else judge(expect, response)
  std::error_code error{};          ///< the system/TLS error behind a transport failure
  Response response{};              ///< what was received (also after a failure part-way)
  StreamEnd end = StreamEnd::NotReached;
  Duration elapsed{};             ///< from the start of the connect to the end
};

/// keepalived_reason(r.outcome, tls), refined by how the stream ended: keepalived reports an
/// SSL_GET response closed cleanly (close_notify) before its headers as "SSL read error from"
/// rather than "Read, no data received from ".
std::string_view keepalived_reason(const FetchResult& r, bool tls);

/// Sees every read of a fetch (genhash's verbose dump uses it). Optional.
class FetchObserver {
 public:
  virtual ~FetchObserver() = default;
  /// `bytes` were just read; `step` is what the parser made of them.
  virtual void on_read(std::span<const std::uint8_t> bytes, const ResponseParser& parser,
                       const ResponseParser::Step& step) = 0;
};

/// The largest read: keepalived reads at most 4095 bytes at a time (its 4096-byte buffer keeps
/// a byte for a NUL), and genhash's verbose output shows each read, so we read the same way.
inline constexpr std::size_t kReadBufferSize = 4095;

/// The read loop's rules, shared by fetch() and the checker's plain-HTTP exchange:
/// how many bytes the next read may take into a buffer of `buffer` bytes (while the head is
/// incomplete, no more than the head may still take, as keepalived reads; 0: the head is
/// already too large to go on)...
std::size_t next_read_size(const ResponseParser& parser, std::size_t buffer);
/// ...and, after a read that brought bytes, whether the response has ended there
/// (HeadTooLarge, or MessageComplete unless reading to the close; else NotReached).
StreamEnd end_after_read(const ResponseParser& parser, const FetchOptions& options);

/// Runs one fetch on the current executor. `tls` must be non-null when spec.tls.enabled; it
/// and `observer` must outlive the fetch.
boost::asio::awaitable<FetchResult> fetch(FetchSpec spec, TlsContext* tls = nullptr,
                                          FetchObserver* observer = nullptr);

}  // namespace stayalived::http
