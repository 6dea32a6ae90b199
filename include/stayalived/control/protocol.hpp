// The control protocol between stayalivedctl and the daemon: JSON lines over a unix stream
// socket. Pure: parsing and encoding only, no I/O (the server is control/server.hpp).
//
// A request is one line, a JSON object:
//   {"v":1,"id":7,"verb":"status","args":{}}
// The daemon answers each request with one line:
//   {"v":1,"id":7,"ok":true,"result":{...}}
//   {"v":1,"id":7,"ok":false,"error":{"code":"forbidden","message":"..."}}
// A streaming verb (history with follow) sends its result, then one line per event:
//   {"v":1,"id":7,"event":{...}}
// until the client closes the connection. Requests on one connection are answered in order.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "stayalived/common/expected.hpp"

namespace stayalived::control {

/// The protocol version this build speaks; a request with another major version is refused.
inline constexpr std::int64_t kProtocolVersion = 1;
/// A request line longer than this is refused and the connection closed.
inline constexpr std::size_t kMaxRequestBytes = 64 * 1024;

/// Error codes, stable for scripts.
namespace errc {
inline constexpr std::string_view kBadRequest = "bad_request";      ///< not a request (JSON, fields)
inline constexpr std::string_view kTooLarge = "too_large";          ///< line over kMaxRequestBytes
inline constexpr std::string_view kTimeout = "timeout";             ///< request not complete in time
inline constexpr std::string_view kVersion = "unsupported_version";
inline constexpr std::string_view kUnknownVerb = "unknown_verb";
inline constexpr std::string_view kForbidden = "forbidden";         ///< mutating verb, caller not admin
inline constexpr std::string_view kNotFound = "not_found";          ///< no such instance / server
inline constexpr std::string_view kFailed = "failed";               ///< the verb ran and failed
inline constexpr std::string_view kBusy = "busy";                   ///< too many connections
}  // namespace errc

/// What a verb may do.
enum class Access : std::uint8_t { Read, Admin };

/// The verbs the daemon knows, with their access class (the one table both sides use).
struct VerbInfo {
  std::string_view name;
  Access access;
  std::string_view summary;
};
std::span<const VerbInfo> verbs();
const VerbInfo* find_verb(std::string_view name);

/// One parsed request.
struct Request {
  std::int64_t id = 0;
  std::string verb;
  boost::json::object args;

  /// args[key] as a string, if it is one.
  std::optional<std::string> str(std::string_view key) const;
  /// args[key] as a bool (absent: `def`).
  bool flag(std::string_view key, bool def = false) const;
  /// args[key] as an integer, if it is one.
  std::optional<std::int64_t> integer(std::string_view key) const;
};

/// A protocol error: its code (errc) and words, and the request id when it was readable.
struct ProtocolError {
  std::string_view code;
  std::string message;
  std::int64_t id = 0;
};

/// Parses one request line (without its newline). Checks the version, the verb's presence
/// and types; it does not check that the verb exists (the dispatcher answers unknown_verb).
Expected<Request, ProtocolError> parse_request(std::string_view line);

/// Encodes a request line (with its newline), as stayalivedctl sends it.
std::string encode_request(std::int64_t id, std::string_view verb, const boost::json::object& args);

/// Response lines, each with its newline.
std::string encode_result(std::int64_t id, boost::json::value result);
std::string encode_error(std::int64_t id, std::string_view code, std::string_view message);
std::string encode_event(std::int64_t id, boost::json::value event);

/// A parsed response line (the client's side).
struct Response {
  std::int64_t id = 0;
  enum class Kind : std::uint8_t { Result, Error, Event } kind = Kind::Result;
  boost::json::value body;    ///< result or event
  std::string error_code;
  std::string error_message;
};
Expected<Response, std::string> parse_response(std::string_view line);

}  // namespace stayalived::control
