#include "stayalived/check/http/outcome.hpp"

namespace stayalived::http {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "Ok";
    case Outcome::ConnectTimeout: return "ConnectTimeout";
    case Outcome::ConnectRefused: return "ConnectRefused";
    case Outcome::ConnectFailed: return "ConnectFailed";
    case Outcome::TlsHandshakeTimeout: return "TlsHandshakeTimeout";
    case Outcome::TlsHandshakeFailed: return "TlsHandshakeFailed";
    case Outcome::WriteTimeout: return "WriteTimeout";
    case Outcome::WriteFailed: return "WriteFailed";
    case Outcome::ResponseTimeout: return "ResponseTimeout";
    case Outcome::ReadTimeout: return "ReadTimeout";
    case Outcome::ConnectionReset: return "ConnectionReset";
    case Outcome::DeadlineExceeded: return "DeadlineExceeded";
    case Outcome::Cancelled: return "Cancelled";
    case Outcome::NoResponse: return "NoResponse";
    case Outcome::Truncated: return "Truncated";
    case Outcome::HeadersTooLarge: return "HeadersTooLarge";
    case Outcome::Malformed: return "Malformed";
    case Outcome::BadChunking: return "BadChunking";
    case Outcome::StatusMismatch: return "StatusMismatch";
    case Outcome::DigestMismatch: return "DigestMismatch";
    case Outcome::RegexMismatch: return "RegexMismatch";
  }
  return "Unknown";
}

bool is_transport_failure(Outcome o) {
  switch (o) {
    case Outcome::ConnectTimeout:
    case Outcome::ConnectRefused:
    case Outcome::ConnectFailed:
    case Outcome::TlsHandshakeTimeout:
    case Outcome::TlsHandshakeFailed:
    case Outcome::WriteTimeout:
    case Outcome::WriteFailed:
    case Outcome::ResponseTimeout:
    case Outcome::ReadTimeout:
    case Outcome::ConnectionReset:
    case Outcome::DeadlineExceeded:
    case Outcome::Cancelled:
      return true;
    default:
      return false;
  }
}

// keepalived 2.2.7's messages (check_http.c epilogs, as printed by genhash and logged by the
// checker). The TLS handshake is part of "connecting" there.
std::string_view keepalived_reason(Outcome o, bool tls) {
  switch (o) {
    case Outcome::Ok: return "";
    case Outcome::ConnectTimeout:
    case Outcome::TlsHandshakeTimeout: return "Timeout connecting";
    case Outcome::ConnectRefused:
    case Outcome::ConnectFailed: return "Connection failed";
    case Outcome::TlsHandshakeFailed: return "SSL handshake/communication error connecting to";
    case Outcome::WriteTimeout: return "Timeout WEB write";
    case Outcome::WriteFailed: return "Cannot send get request to";
    case Outcome::ResponseTimeout: return tls ? "Timeout SSL read" : "Timeout WEB read";
    case Outcome::ReadTimeout:
    case Outcome::DeadlineExceeded: return tls ? "Timeout SSL read" : "Timeout HTTP read";
    case Outcome::ConnectionReset:
    case Outcome::BadChunking: return tls ? "SSL read error from" : "Read error with";
    case Outcome::Cancelled: return "Cancelled";
    case Outcome::NoResponse:
    case Outcome::Truncated:
    case Outcome::HeadersTooLarge: return "Read, no data received from ";
    case Outcome::Malformed:
    case Outcome::StatusMismatch: return "HTTP status code error to";
    case Outcome::DigestMismatch: return "MD5 digest error to";
    case Outcome::RegexMismatch: return "Regex match failed";
  }
  return "";
}

}  // namespace stayalived::http
