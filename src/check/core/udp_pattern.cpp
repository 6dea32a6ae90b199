#include "stayalived/check/udp.hpp"

#include <algorithm>

namespace stayalived::check::udp {

namespace {

std::optional<HexNibble> nibble(char c, bool allow_wildcard) {
  if (c >= '0' && c <= '9') return HexNibble{static_cast<std::uint8_t>(c - '0'), false};
  if (c >= 'a' && c <= 'f') return HexNibble{static_cast<std::uint8_t>(c - 'a' + 10), false};
  if (c >= 'A' && c <= 'F') return HexNibble{static_cast<std::uint8_t>(c - 'A' + 10), false};
  if (allow_wildcard && (c == 'x' || c == 'X')) return HexNibble{0, true};
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<HexNibble>> parse_hex(std::string_view text, bool allow_wildcard) {
  std::vector<HexNibble> out;  // two nibbles per byte, high first
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t') {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
    const std::string_view group = text.substr(i, j - i);
    for (std::size_t k = 0; k < group.size(); k += 2) {
      auto hi = nibble(group[k], allow_wildcard);
      if (!hi) return std::nullopt;
      if (k + 1 < group.size()) {
        auto lo = nibble(group[k + 1], allow_wildcard);
        if (!lo) return std::nullopt;
        out.push_back(*hi);
        out.push_back(*lo);
      } else {
        out.push_back(HexNibble{0, false});
        out.push_back(*hi);
      }
    }
    i = j;
  }
  return out;
}

std::vector<std::uint8_t> to_bytes(std::span<const HexNibble> nibbles) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < nibbles.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>((nibbles[i].value << 4) | nibbles[i + 1].value));
  return out;
}

CheckResult verdict(const UdpCheck& spec, std::span<const std::uint8_t> reply) {
  if (reply.size() < spec.min_reply_length || reply.size() > spec.max_reply_length)
    return CheckResult::failure(Outcome::BadReply, static_cast<std::int32_t>(reply.size()));
  const std::size_t n = std::min(reply.size(), spec.reply_pattern.size() / 2);
  for (std::size_t i = 0; i < n; ++i) {
    const HexNibble& hi = spec.reply_pattern[2 * i];
    const HexNibble& lo = spec.reply_pattern[2 * i + 1];
    if (!hi.wildcard && (reply[i] >> 4) != hi.value) return CheckResult::failure(Outcome::BadReply);
    if (!lo.wildcard && (reply[i] & 0xF) != lo.value) return CheckResult::failure(Outcome::BadReply);
  }
  return CheckResult::success();
}

}  // namespace stayalived::check::udp
