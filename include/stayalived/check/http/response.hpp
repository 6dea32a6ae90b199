// Incremental parser of an HTTP/1.x response (RFC 9112) as a health check needs it: the status
// code, where the body starts, which body bytes count, and when the message is complete.
// Pure and bounded: the head is kept up to ResponseLimits::max_head_bytes; the body is never
// stored, only handed back as spans of the caller's buffer.
//
// The rules follow what keepalived 2.2.7 does, because its digests must keep matching:
//  - the head ends at the first CRLF CRLF (a bare-LF head is not recognised, as in keepalived);
//  - the "body" is every byte after the head, capped at Content-Length when the response has
//    a valid one. A chunked body is NOT decoded: keepalived hashes the chunk framing too.
//  - the message is complete when Content-Length bytes have arrived, after the last chunk
//    and trailers of a chunked body (RFC 9112 section 7.1), at once for 1xx/204/304, and
//    otherwise at the close of the connection. Content-Length wins over chunked when both
//    are present (keepalived caps its digest at Content-Length), unlike RFC 9112 section 6.3.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace stayalived::http {

/// Bounds on what one response may cost.
struct ResponseLimits {
  /// The status line and headers, including the final CRLF CRLF, must fit here. keepalived
  /// reads the response into a 4096-byte buffer and fails a check whose headers do not end
  /// within it, so the default keeps its verdicts.
  std::size_t max_head_bytes = 4096;
};

/// How the end of the body is found (RFC 9112 section 6.3).
enum class BodyFraming : std::uint8_t {
  None,           ///< 1xx, 204, 304: no body
  ContentLength,  ///< a valid Content-Length
  Chunked,        ///< Transfer-Encoding ending in "chunked"
  UntilClose,     ///< neither: the body ends when the server closes
};

/// What the head said.
struct ResponseHead {
  int status = 0;  ///< the status code; 0 when the status line has none
  std::optional<std::uint64_t> content_length{};
  bool chunked = false;
  BodyFraming framing = BodyFraming::UntilClose;
};

/// Parses one response fed in pieces of any size.
class ResponseParser {
 public:
  enum class State : std::uint8_t {
    Head,         ///< still reading the status line and headers
    Body,         ///< the head is complete; body bytes follow
    HeadTooLarge  ///< the head did not end within max_head_bytes: nothing more is accepted
  };

  /// What one feed() made of its input.
  struct Step {
    std::size_t head = 0;                ///< bytes of the input taken as head
    std::span<const std::uint8_t> body;  ///< the input's body bytes that count (digest, regex)
    bool head_completed = false;         ///< the head ended in this input
  };

  explicit ResponseParser(ResponseLimits limits = {});

  /// Consumes the next bytes of the response. The returned body span points into `data`.
  Step feed(std::span<const std::uint8_t> data);

  /// Head bytes that may still be accepted before HeadTooLarge (0 once the head is complete).
  /// A reader that reads at most this much while the head is incomplete reads exactly as
  /// keepalived does, which genhash's verbose output depends on.
  std::size_t head_room() const;

  State state() const { return state_; }
  bool head_complete() const { return state_ == State::Body; }
  /// The parsed head; meaningful once head_complete().
  const ResponseHead& head() const { return head_; }
  /// The raw head as received (with its final CRLF CRLF once complete).
  std::string_view head_bytes() const { return head_buf_; }
  /// Body bytes counted so far (capped at Content-Length).
  std::uint64_t body_bytes() const { return body_bytes_; }
  /// Every byte fed so far.
  std::uint64_t received() const { return received_; }
  /// True once the framing says the message has ended (see the file comment). A
  /// close-delimited body is never complete here: its end is the close.
  bool message_complete() const { return complete_; }
  /// True if a chunked body broke its framing; its end is then the close of the connection.
  bool framing_error() const { return framing_error_; }

 private:
  void parse_head();
  void feed_chunked(std::span<const std::uint8_t> data);

  enum class Chunk : std::uint8_t {
    Size, SizeMore, Ext, SizeLf, Data, DataCr, DataLf, TrailerStart, Trailer, TrailerLf, FinalLf, Done
  };

  ResponseLimits limits_;
  State state_ = State::Head;
  ResponseHead head_;
  std::string head_buf_;
  std::uint64_t body_bytes_ = 0;
  std::uint64_t received_ = 0;
  bool complete_ = false;
  bool framing_error_ = false;
  Chunk chunk_ = Chunk::Size;
  std::uint64_t chunk_left_ = 0;
  unsigned chunk_digits_ = 0;
};

/// The status code of a status line ("HTTP/1.1 200 OK"): the three digits after the first
/// space, followed by a space or the end of the line. 0 if there are none.
int parse_status_line(std::string_view line);

}  // namespace stayalived::http
