// SMTP reply parser (RFC 5321 section 4.2: Reply-line = *( Reply-code "-" [ textstring ]
// CRLF ) Reply-code [ SP textstring ] CRLF). A bare LF also ends a line: lenient on what
// we accept, strict on what we send.
#include "stayalived/check/smtp.hpp"

namespace stayalived::check::smtp {

std::string_view to_string(Error e) {
  switch (e) {
    case Error::None: return "ok";
    case Error::LineTooLong: return "reply line too long";
    case Error::TooManyLines: return "too many reply lines";
    case Error::BadCode: return "bad reply code";
    case Error::BadSeparator: return "bad reply separator";
    case Error::CodeChanged: return "reply code changed between lines";
    case Error::TrailingData: return "data after the reply";
  }
  return "?";
}

Status ReplyParser::feed(std::span<const std::uint8_t> bytes) {
  for (std::uint8_t b : bytes) {
    if (status_ == Status::Error) return status_;
    if (status_ == Status::Complete) return fail(Error::TrailingData);
    if (b == '\n') {
      if (!line_.empty() && line_.back() == '\r') line_.pop_back();
      end_line();
      continue;
    }
    if (line_.size() + 1 > kMaxLine - 1) return fail(Error::LineTooLong);  // room for CRLF
    line_.push_back(static_cast<char>(b));
  }
  return status_;
}

Status ReplyParser::end_line() {
  const std::string& l = line_;
  if (l.size() < 3) return fail(Error::BadCode);
  const auto digit = [](char c, char lo, char hi) { return c >= lo && c <= hi; };
  if (!digit(l[0], '2', '5') || !digit(l[1], '0', '5') || !digit(l[2], '0', '9'))
    return fail(Error::BadCode);
  const int code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
  if (lines_ > 0 && code != code_) return fail(Error::CodeChanged);
  code_ = code;
  if (++lines_ > kMaxLines) return fail(Error::TooManyLines);
  bool last = true;
  if (l.size() > 3) {
    if (l[3] == '-')
      last = false;
    else if (l[3] != ' ')
      return fail(Error::BadSeparator);
  }
  text_ = l.size() > 4 ? l.substr(4) : std::string{};
  line_.clear();
  if (last) status_ = Status::Complete;
  return status_;
}

}  // namespace stayalived::check::smtp
