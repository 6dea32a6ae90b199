#include "stayalived/check/http/response.hpp"

#include <algorithm>

namespace stayalived::http {

namespace {

constexpr std::string_view kHeadEnd = "\r\n\r\n";

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// OWS (RFC 9110 section 5.6.3) around field values.
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// 1*DIGIT, at most 18 digits so that it fits without overflow checks.
std::optional<std::uint64_t> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return v;
}

int hex_value(std::uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

int parse_status_line(std::string_view line) {
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos) return 0;
  std::string_view rest = line.substr(sp + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.size() < 3) return 0;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    const char c = rest[static_cast<std::size_t>(i)];
    if (c < '0' || c > '9') return 0;
    code = code * 10 + (c - '0');
  }
  if (rest.size() > 3 && rest[3] != ' ' && rest[3] != '\t') return 0;
  return code;
}

ResponseParser::ResponseParser(ResponseLimits limits) : limits_(limits) {}

std::size_t ResponseParser::head_room() const {
  if (state_ != State::Head) return 0;
  return limits_.max_head_bytes > head_buf_.size() ? limits_.max_head_bytes - head_buf_.size() : 0;
}

ResponseParser::Step ResponseParser::feed(std::span<const std::uint8_t> data) {
  Step step;
  received_ += data.size();
  if (state_ == State::HeadTooLarge) return step;

  if (state_ == State::Head) {
    const std::size_t before = head_buf_.size();
    const std::size_t take = std::min(data.size(), head_room());
    head_buf_.append(reinterpret_cast<const char*>(data.data()), take);
    // The terminator may straddle two pieces: look again at the last three old bytes.
    const auto pos = head_buf_.find(kHeadEnd, before >= 3 ? before - 3 : 0);
    if (pos == std::string::npos) {
      step.head = take;
      if (head_buf_.size() >= limits_.max_head_bytes) state_ = State::HeadTooLarge;
      return step;
    }
    const std::size_t head_len = pos + kHeadEnd.size();
    step.head = head_len - before;
    step.head_completed = true;
    head_buf_.resize(head_len);
    state_ = State::Body;
    parse_head();
    data = data.subspan(step.head);
  }

  if (data.empty()) return step;
  std::size_t take = data.size();
  if (head_.content_length) {
    const std::uint64_t left = *head_.content_length - body_bytes_;
    if (left < take) take = static_cast<std::size_t>(left);
  }
  step.body = data.first(take);
  body_bytes_ += take;
  if (head_.framing == BodyFraming::ContentLength && body_bytes_ == *head_.content_length)
    complete_ = true;
  if (head_.framing == BodyFraming::Chunked && !complete_ && !framing_error_) feed_chunked(step.body);
  return step;
}

void ResponseParser::parse_head() {
  std::string_view rest(head_buf_);
  rest.remove_suffix(2);  // the empty line's CRLF; every remaining line ends with CRLF
  bool first = true;
  bool cl_conflict = false;
  while (!rest.empty()) {
    const auto eol = rest.find("\r\n");
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol == std::string_view::npos ? rest.size() : eol + 2);
    if (first) {
      head_.status = parse_status_line(line);
      first = false;
      continue;
    }
    if (line.empty() || line.front() == ' ' || line.front() == '\t') continue;  // obs-fold
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      const auto v = parse_decimal(value);
      if (!v) continue;  // keepalived ignores a Content-Length it cannot read
      if (!head_.content_length)
        head_.content_length = v;
      else if (*head_.content_length != *v)
        cl_conflict = true;
    } else if (iequals(name, "transfer-encoding")) {
      // The final transfer coding decides (RFC 9112 section 6.3, rule 4).
      const auto comma = value.rfind(',');
      const std::string_view last = trim(comma == std::string_view::npos ? value : value.substr(comma + 1));
      head_.chunked = iequals(last, "chunked");
    }
  }
  // Conflicting Content-Length values (RFC 9112 section 6.3, rule 5): trust neither and
  // read to the close, hashing what comes, as if there were none.
  if (cl_conflict) head_.content_length.reset();

  const int s = head_.status;
  if ((s >= 100 && s < 200) || s == 204 || s == 304)
    head_.framing = BodyFraming::None;
  else if (head_.content_length)
    head_.framing = BodyFraming::ContentLength;
  else if (head_.chunked)
    head_.framing = BodyFraming::Chunked;
  else
    head_.framing = BodyFraming::UntilClose;
  if (head_.framing == BodyFraming::None ||
      (head_.framing == BodyFraming::ContentLength && *head_.content_length == 0))
    complete_ = true;
}

// chunked-body = *chunk last-chunk trailer-section CRLF (RFC 9112 section 7.1). Only tracked
// to find the end of the message; the bytes themselves are hashed as they are.
void ResponseParser::feed_chunked(std::span<const std::uint8_t> data) {
  std::size_t i = 0;
  const auto fail = [this] { framing_error_ = true; };
  while (i < data.size() && !framing_error_ && chunk_ != Chunk::Done) {
    const std::uint8_t c = data[i];
    switch (chunk_) {
      case Chunk::Size: {
        const int v = hex_value(c);
        if (v < 0) return fail();
        chunk_left_ = static_cast<std::uint64_t>(v);
        chunk_digits_ = 1;
        chunk_ = Chunk::SizeMore;
        break;
      }
      case Chunk::SizeMore: {
        const int v = hex_value(c);
        if (v >= 0) {
          if (++chunk_digits_ > 15) return fail();  // a size that cannot be real
          chunk_left_ = chunk_left_ * 16 + static_cast<std::uint64_t>(v);
        } else if (c == ';' || c == ' ' || c == '\t') {
          chunk_ = Chunk::Ext;
        } else if (c == '\r') {
          chunk_ = Chunk::SizeLf;
        } else {
          return fail();
        }
        break;
      }
      case Chunk::Ext:
        if (c == '\r') chunk_ = Chunk::SizeLf;
        break;
      case Chunk::SizeLf:
        if (c != '\n') return fail();
        chunk_ = chunk_left_ == 0 ? Chunk::TrailerStart : Chunk::Data;
        break;
      case Chunk::Data: {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(chunk_left_, data.size() - i));
        chunk_left_ -= n;
        i += n;
        if (chunk_left_ == 0) chunk_ = Chunk::DataCr;
        continue;
      }
      case Chunk::DataCr:
        if (c != '\r') return fail();
        chunk_ = Chunk::DataLf;
        break;
      case Chunk::DataLf:
        if (c != '\n') return fail();
        chunk_ = Chunk::Size;
        break;
      case Chunk::TrailerStart:
        chunk_ = c == '\r' ? Chunk::FinalLf : Chunk::Trailer;
        break;
      case Chunk::Trailer:
        if (c == '\r') chunk_ = Chunk::TrailerLf;
        break;
      case Chunk::TrailerLf:
        if (c != '\n') return fail();
        chunk_ = Chunk::TrailerStart;
        break;
      case Chunk::FinalLf:
        if (c != '\n') return fail();
        chunk_ = Chunk::Done;
        complete_ = true;
        break;
      case Chunk::Done:
        break;
    }
    ++i;
  }
}

}  // namespace stayalived::http
