// The result of one HTTP_GET / SSL_GET check as a value: what went wrong, if anything. One
// enum covers the transport (connect, TLS, read, write, deadlines) and the verdict over the
// response (status, digest, regex), so that a checker logs, counts and reduces one thing.
#pragma once

#include <cstdint>
#include <string_view>

namespace stayalived::http {

/// Outcome of one fetch and of the verdict over its response.
enum class Outcome : std::uint8_t {
  Ok,                   ///< the response met every expectation of the url block
  // Transport.
  ConnectTimeout,       ///< no TCP connection within the step timeout
  ConnectRefused,       ///< the server answered the SYN with a reset
  ConnectFailed,        ///< any other socket/bind/connect error (unreachable, EADDRNOTAVAIL, ...)
  TlsHandshakeTimeout,  ///< the TLS handshake did not finish within the step timeout
  TlsHandshakeFailed,   ///< the TLS handshake failed (not TLS, no common cipher, alert, reset)
  WriteTimeout,         ///< the request could not be written within the step timeout
  WriteFailed,          ///< the request could not be written (reset, broken pipe)
  ResponseTimeout,      ///< nothing came back within the step timeout after the request
  ReadTimeout,          ///< the response stalled part-way for longer than the step timeout
  ConnectionReset,      ///< a read failed (connection reset) before the response ended
  DeadlineExceeded,     ///< the whole fetch outlived its total deadline (endless or trickling body)
  Cancelled,            ///< the fetch was cancelled from outside (checker stopped, reload)
  // Response.
  NoResponse,           ///< the connection closed before the first byte
  Truncated,            ///< the connection closed before the end of the response headers
  HeadersTooLarge,      ///< the headers did not end within the header limit (4095 bytes, as keepalived)
  Malformed,            ///< the headers ended but the status line has no status code
  BadChunking,          ///< a chunked body broke its framing (a chunk size that is not hex, a missing CRLF)
  StatusMismatch,       ///< status code outside the url's status_code set
  DigestMismatch,       ///< MD5 of the body differs from the url's digest
  RegexMismatch,        ///< regex did not match (or matched, with regex_no_match)
};

/// A short stable name ("ConnectTimeout"), for logs, counters and tests.
std::string_view to_string(Outcome o);

/// True for outcomes decided by the transport (no verdict over a response was made).
bool is_transport_failure(Outcome o);

/// keepalived 2.2.7's wording for the failure, as its checker logs it ("<reason> server
/// [ip]:tcp:port.") and as genhash prints it: "Timeout connecting", "Connection failed",
/// "HTTP status code error to", "MD5 digest error to", ... `tls` selects the SSL_GET variants
/// ("Timeout SSL read"). Empty for Ok.
std::string_view keepalived_reason(Outcome o, bool tls);

}  // namespace stayalived::http
