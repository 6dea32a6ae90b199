// SMTP replies (RFC 5321 section 4.2): an incremental, bounded parser. Pure. Fed with
// whatever the socket returned; it says when a complete reply (possibly multi-line,
// "250-..." continuation lines) has arrived, or why the bytes are not SMTP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace stayalived::check::smtp {

/// RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets including CRLF.
inline constexpr std::size_t kMaxLine = 512;
/// More continuation lines than any sane server sends (EHLO lists ~20).
inline constexpr std::size_t kMaxLines = 64;

/// Parser status.
enum class Status : std::uint8_t {
  NeedMore,     ///< no complete reply yet
  Complete,     ///< a reply is complete: code() and text() are valid
  Error,        ///< not an SMTP reply: error() says why
};

/// Why bytes were rejected.
enum class Error : std::uint8_t {
  None,
  LineTooLong,    ///< a line over kMaxLine octets
  TooManyLines,   ///< over kMaxLines continuation lines
  BadCode,        ///< not three digits 2..5, 0..5, 0..9
  BadSeparator,   ///< the fourth octet is neither ' ', '-' nor end of line
  CodeChanged,    ///< a continuation line with another code
  TrailingData,   ///< bytes after the final line (the server did not wait for us)
};

/// Name of an error.
std::string_view to_string(Error e);

/// Incremental reply parser. One instance per reply; reset() for the next one.
class ReplyParser {
 public:
  /// Feeds bytes; returns the status after them. Bytes after a complete reply make it an
  /// error (SMTP servers answer one command at a time, and we pipeline nothing).
  Status feed(std::span<const std::uint8_t> bytes);
  Status feed(std::string_view s) {
    return feed(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
  }

  Status status() const { return status_; }
  Error error() const { return error_; }
  /// The reply code (valid once Complete).
  int code() const { return code_; }
  /// The text of the last line (bounded by kMaxLine).
  const std::string& text() const { return text_; }
  /// Number of lines of the reply so far.
  std::size_t lines() const { return lines_; }

  void reset() { *this = ReplyParser{}; }

 private:
  Status end_line();
  Status fail(Error e) {
    error_ = e;
    return status_ = Status::Error;
  }

  std::string line_;   // current line, bounded by kMaxLine
  std::string text_;
  Status status_ = Status::NeedMore;
  Error error_ = Error::None;
  int code_ = 0;
  std::size_t lines_ = 0;
};

/// True for a positive completion reply (2yz).
inline bool positive(int code) { return code >= 200 && code < 300; }

}  // namespace stayalived::check::smtp
