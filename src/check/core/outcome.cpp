#include "stayalived/check/outcome.hpp"

namespace stayalived::check {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::Ok: return "success";
    case Outcome::ConnectRefused: return "connection refused";
    case Outcome::ConnectTimeout: return "connection timeout";
    case Outcome::Unreachable: return "unreachable";
    case Outcome::ConnectError: return "connection error";
    case Outcome::ReadTimeout: return "read timeout";
    case Outcome::Reset: return "connection reset";
    case Outcome::Closed: return "connection closed";
    case Outcome::ProtocolError: return "protocol error";
    case Outcome::BadReply: return "bad reply";
    case Outcome::NoReply: return "no reply";
    case Outcome::ScriptFailed: return "script failed";
    case Outcome::ScriptTimeout: return "script timeout";
    case Outcome::ScriptError: return "script error";
    case Outcome::FileFault: return "file fault";
    case Outcome::TlsHandshakeFailed: return "TLS handshake failed";
    case Outcome::StatusMismatch: return "status mismatch";
    case Outcome::DigestMismatch: return "digest mismatch";
    case Outcome::RegexMismatch: return "regex mismatch";
    case Outcome::LocalError: return "local error";
    case Outcome::Cancelled: return "cancelled";
  }
  return "?";
}

}  // namespace stayalived::check
