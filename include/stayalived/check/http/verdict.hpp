// What a url block of HTTP_GET / SSL_GET expects, what a response turned out to be, and the
// verdict over the two: a pure function (no Asio, no OpenSSL, no clock).
//
//   ResponseReader reader(expect);            // parser + MD5 + regex over the body stream
//   for (each piece received) reader.feed(piece);
//   Response r = reader.finish();              // at the close, or when the message is complete
//   Outcome o = judge(expect, r);
//
// The checks and their order are keepalived 2.2.7's: no response head -> failure; then the
// status code; then the digest; then the regex.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "stayalived/check/http/outcome.hpp"
#include "stayalived/check/http/regex.hpp"
#include "stayalived/check/http/response.hpp"
#include "stayalived/common/digest.hpp"

namespace stayalived::http {

/// A set of HTTP status codes in 100..599, as `status_code` builds it.
class StatusCodes {
 public:
  static constexpr int kMin = 100;
  static constexpr int kMax = 599;

  /// The empty set.
  StatusCodes() = default;
  /// keepalived's default when a url has no status_code: 200-299.
  static StatusCodes defaults();

  /// Adds one `status_code` token: "200" or a range "200-299" (keepalived.conf(5)). Returns
  /// false, adding nothing, for anything else (keepalived reports "Invalid HTTP_GET status
  /// code" and skips the token): not decimal, outside 100..599, or min > max.
  bool add(std::string_view token);
  /// Adds codes lo..hi (clamped to 100..599).
  void add_range(int lo, int hi);

  bool contains(int code) const { return code >= kMin && code <= kMax && bits_.test(code - kMin); }
  bool empty() const { return bits_.none(); }
  bool operator==(const StatusCodes&) const = default;

 private:
  std::bitset<kMax - kMin + 1> bits_;
};

/// What one url { } block expects of the response.
struct Expectation {
  StatusCodes status_codes = StatusCodes::defaults();  ///< status_code (default 200-299)
  std::optional<Md5Digest> digest{};                     ///< digest
  std::shared_ptr<const Regex> regex{};                  ///< regex (null: none)
  bool regex_no_match = false;                         ///< regex_no_match
  std::size_t regex_min_offset = 0;                    ///< regex_min_offset
  std::optional<std::size_t> regex_max_offset{};         ///< regex_max_offset

  bool operator==(const Expectation&) const = default;
};

/// Parses a `digest` value: 32 hex digits (either case). nullopt otherwise.
std::optional<Md5Digest> parse_digest(std::string_view hex);

/// What was received, summarised for the verdict and for logs.
struct Response {
  std::uint64_t received = 0;    ///< bytes received in all
  bool head_complete = false;
  bool head_too_large = false;
  ResponseHead head{};             ///< meaningful if head_complete
  std::uint64_t body_bytes = 0;  ///< body bytes counted (capped at Content-Length)
  /// The framing said the message ended before (or at) the close.
  bool message_complete = false;
  /// Content-Length promised more than arrived, or a chunked body ended early. keepalived
  /// logs "content_length (N) does not match received bytes (M)" and does not fail the
  /// check; neither do we, but the fact is here for the log.
  bool body_short = false;
  std::optional<Md5Digest> digest{};    ///< MD5 of the body, if one was asked for
  std::optional<bool> regex_matched{};  ///< if the expectation has a regex
};

/// Reads one response: the parser, the MD5 of the body and the regex scan, fed piece by piece.
/// Computes the MD5 only when the expectation has a digest (or `always_digest`), as keepalived
/// does, and runs the regex only when there is one.
class ResponseReader {
 public:
  explicit ResponseReader(const Expectation& expect, ResponseLimits limits = {},
                          bool always_digest = false);

  /// The next bytes of the response.
  ResponseParser::Step feed(std::span<const std::uint8_t> data);
  const ResponseParser& parser() const { return parser_; }
  /// The summary, at the end of the stream (the close, or the end of the message).
  Response finish();

 private:
  ResponseParser parser_;
  std::optional<Md5> md5_;
  std::optional<RegexScanner> regex_;
};

/// The verdict over a complete response: Ok, NoResponse, Truncated, HeadersTooLarge,
/// Malformed, StatusMismatch, DigestMismatch or RegexMismatch.
Outcome judge(const Expectation& expect, const Response& response);

}  // namespace stayalived::http
