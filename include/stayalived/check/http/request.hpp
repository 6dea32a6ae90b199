// The GET request of HTTP_GET / SSL_GET and genhash, byte for byte as keepalived 2.2.7 sends
// it (captured from /usr/bin/genhash against a local listener):
//
//   GET <path> HTTP/1.0\r\n                 (HTTP/1.1 with http_protocol 1.1)
//   User-Agent: KeepAliveClient\r\n
//   Connection: close\r\n                   (only with http_protocol 1.0C or 1.1)
//   Host: <virtualhost | addr:port | [addr6]:port>\r\n
//   \r\n
//
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace stayalived::http {

/// `http_protocol` of HTTP_GET / SSL_GET (keepalived.conf(5)) and genhash's -P.
enum class HttpProtocol : std::uint8_t {
  V1_0,   ///< "1.0" (the default): HTTP/1.0, no Connection header
  V1_0C,  ///< "1.0C": HTTP/1.0 with "Connection: close"
  V1_1,   ///< "1.1": HTTP/1.1, always with "Connection: close"
};

/// Parses "1.0", "1.0C", "1.0c" and "1.1" (what keepalived accepts); nullopt otherwise.
std::optional<HttpProtocol> parse_http_protocol(std::string_view s);

/// What to ask the real server for.
struct RequestSpec {
  std::string path = "/";  ///< url { path }, sent verbatim
  /// The effective virtualhost: the url's, else the checker's, else the real server's, else
  /// the virtual server's (keepalived's precedence; the caller resolves it). Unset: the Host
  /// header names the destination address and port.
  std::optional<std::string> virtualhost{};
  HttpProtocol protocol = HttpProtocol::V1_0;  ///< http_protocol

  bool operator==(const RequestSpec&) const = default;
};

/// The Host header value keepalived sends: the virtualhost verbatim if set (no port added);
/// otherwise "ADDRESS:PORT", with an IPv6 address in brackets (RFC 3986 section 3.2.2).
/// `address` is the destination in its canonical text form ("192.0.2.1", "2001:db8::1").
std::string host_header(const std::optional<std::string>& virtualhost, std::string_view address,
                        std::uint16_t port);

/// The complete request for `spec` sent to `address`:`port`.
std::string build_request(const RequestSpec& spec, std::string_view address, std::uint16_t port);

}  // namespace stayalived::http
