// The response parser and the verdict over untrusted bytes from a real server. Input layout:
//   byte 0: piece size for the streaming run (1..64, or 0: one piece)
//   byte 1: which expectation (regex or not, digest or not, a small head limit)
//   rest:   the response bytes
// Besides "no crash, no hang, no leak", it checks invariants and that feeding the response
// in pieces gives exactly what feeding it at once gives (digest, regex, verdict, framing).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "stayalived/check/http/verdict.hpp"

using namespace stayalived;
using namespace stayalived::http;

namespace {

const std::shared_ptr<const Regex>& regex_for(unsigned which) {
  static const std::shared_ptr<const Regex> plain = *Regex::compile("Welcome|OK\\s+[0-9]+");
  static const std::shared_ptr<const Regex> anchored =
      *Regex::compile("^<html>.*</html>$", *regex_option_flag("dotall") | *regex_option_flag("multiline"));
  static const std::shared_ptr<const Regex> look = *Regex::compile("(?<=id=)[0-9a-f]{4,}\\b");
  static const std::shared_ptr<const Regex> utf =
      *Regex::compile("caf\\x{e9}|\\p{L}{3}", *regex_option_flag("utf") | *regex_option_flag("caseless"));
  static const std::shared_ptr<const Regex> none;
  switch (which % 5) {
    case 0: return plain;
    case 1: return anchored;
    case 2: return look;
    case 3: return utf;
    default: return none;
  }
}

Response read(const Expectation& e, ResponseLimits limits, std::span<const std::uint8_t> data, std::size_t piece) {
  ResponseReader reader(e, limits, true);
  if (piece == 0) piece = data.size() ? data.size() : 1;
  std::uint64_t body = 0;
  for (std::size_t i = 0; i < data.size(); i += piece) {
    const auto chunk = data.subspan(i, std::min(piece, data.size() - i));
    const auto step = reader.feed(chunk);
    if (step.head + step.body.size() > chunk.size()) __builtin_trap();
    if (!step.body.empty() && (step.body.data() < chunk.data() || step.body.data() + step.body.size() > chunk.data() + chunk.size()))
      __builtin_trap();
    body += step.body.size();
    if (reader.parser().head_bytes().size() > limits.max_head_bytes) __builtin_trap();
  }
  Response r = reader.finish();
  if (r.body_bytes != body) __builtin_trap();
  if (r.head_complete && r.head.content_length && r.body_bytes > *r.head.content_length) __builtin_trap();
  if (r.received != data.size()) __builtin_trap();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t piece = data[0] % 65;
  const unsigned which = data[1];
  const std::span<const std::uint8_t> response(data + 2, size - 2);

  Expectation e;
  e.regex = regex_for(which);
  e.regex_no_match = (which & 0x08) != 0;
  if (which & 0x10) e.regex_min_offset = 3;
  if (which & 0x20) e.regex_max_offset = 40;
  if (which & 0x40) e.digest = Md5Digest{};
  const ResponseLimits limits{.max_head_bytes = (which & 0x80) ? 64u : 4095u};

  const Response whole = read(e, limits, response, 0);
  const Response split = read(e, limits, response, piece);
  if (whole.digest != split.digest || whole.regex_matched != split.regex_matched ||
      whole.head_complete != split.head_complete || whole.head.status != split.head.status ||
      whole.body_bytes != split.body_bytes || whole.message_complete != split.message_complete ||
      whole.body_short != split.body_short)
    __builtin_trap();
  if (judge(e, whole) != judge(e, split)) __builtin_trap();
  return 0;
}
