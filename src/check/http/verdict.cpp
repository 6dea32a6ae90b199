#include "stayalived/check/http/verdict.hpp"

#include <charconv>

namespace stayalived::http {

StatusCodes StatusCodes::defaults() {
  StatusCodes s;
  s.add_range(200, 299);
  return s;
}

void StatusCodes::add_range(int lo, int hi) {
  if (lo < kMin) lo = kMin;
  if (hi > kMax) hi = kMax;
  for (int c = lo; c <= hi; ++c) bits_.set(static_cast<std::size_t>(c - kMin));
}

bool StatusCodes::add(std::string_view token) {
  const auto number = [](std::string_view s, int& out) {
    if (s.empty()) return false;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  int lo = 0;
  int hi = 0;
  const auto dash = token.find('-');
  if (dash == std::string_view::npos) {
    if (!number(token, lo)) return false;
    hi = lo;
  } else if (!number(token.substr(0, dash), lo) || !number(token.substr(dash + 1), hi)) {
    return false;
  }
  if (lo < kMin || hi > kMax || lo > hi) return false;
  add_range(lo, hi);
  return true;
}

std::optional<Md5Digest> parse_digest(std::string_view hex) {
  if (hex.size() != 32) return std::nullopt;
  Md5Digest d{};
  for (std::size_t i = 0; i < d.size(); ++i) {
    unsigned v = 0;
    const auto [p, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
    if (ec != std::errc() || p != hex.data() + 2 * i + 2) return std::nullopt;
    d[i] = static_cast<std::uint8_t>(v);
  }
  return d;
}

ResponseReader::ResponseReader(const Expectation& expect, ResponseLimits limits, bool always_digest)
    : parser_(limits) {
  if (expect.digest || always_digest) md5_.emplace();
  if (expect.regex)
    regex_.emplace(expect.regex, expect.regex_min_offset, expect.regex_max_offset);
}

ResponseParser::Step ResponseReader::feed(std::span<const std::uint8_t> data) {
  const ResponseParser::Step step = parser_.feed(data);
  if (!step.body.empty()) {
    if (md5_) md5_->update(step.body);
    if (regex_) regex_->feed(step.body);
  }
  return step;
}

Response ResponseReader::finish() {
  Response r;
  r.received = parser_.received();
  r.head_complete = parser_.head_complete();
  r.head_too_large = parser_.state() == ResponseParser::State::HeadTooLarge;
  r.head = parser_.head();
  r.body_bytes = parser_.body_bytes();
  r.message_complete = parser_.message_complete();
  if (r.head_complete) {
    const auto& h = r.head;
    r.body_short = (h.content_length && r.body_bytes < *h.content_length) ||
                   (h.framing == BodyFraming::Chunked && !r.message_complete && !parser_.framing_error());
  }
  if (md5_) r.digest = md5_->finish();
  if (regex_) {
    regex_->finish();
    r.regex_matched = regex_->matched();
  }
  return r;
}

Outcome judge(const Expectation& expect, const Response& response) {
  // keepalived: no end of headers in what was read -> "Read, no data received".
  if (!response.head_complete) {
    if (response.head_too_large) return Outcome::HeadersTooLarge;
    return response.received == 0 ? Outcome::NoResponse : Outcome::Truncated;
  }
  if (response.head.status == 0) return Outcome::Malformed;
  if (!expect.status_codes.contains(response.head.status)) return Outcome::StatusMismatch;
  if (expect.digest && response.digest != expect.digest) return Outcome::DigestMismatch;
  if (expect.regex && response.regex_matched.value_or(false) == expect.regex_no_match)
    return Outcome::RegexMismatch;
  return Outcome::Ok;
}

}  // namespace stayalived::http
