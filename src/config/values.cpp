// Value syntaxes of keepalived.conf (keepalived.conf(5) "PARAMETER SYNTAX", "Quoted
// strings", UDP_CHECK "HEX_STR").
#include "values.hpp"

#include "stayalived/notify/command_line.hpp"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <limits>

namespace stayalived::config::detail {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
}  // namespace

NumError parse_int(std::string_view s, std::int64_t lo, std::int64_t hi, std::int64_t& out) {
  if (s.empty()) return NumError::NotANumber;
  std::string_view digits = s;
  bool neg = false;
  if (digits[0] == '+' || digits[0] == '-') {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return NumError::NotANumber;
  for (char c : digits)
    if (c < '0' || c > '9') return NumError::NotANumber;
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec == std::errc::result_out_of_range || v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return NumError::OutOfRange;
  if (ec != std::errc{} || p != digits.data() + digits.size()) return NumError::NotANumber;
  const std::int64_t signed_v = neg ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  if (signed_v < lo || signed_v > hi) return NumError::OutOfRange;
  out = signed_v;
  return NumError::Ok;
}

NumError parse_timer(std::string_view s, std::chrono::microseconds lo, std::chrono::microseconds hi,
                     std::chrono::microseconds& out) {
  if (s.empty()) return NumError::NotANumber;
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  const auto dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : s.substr(dot + 1);
  if (whole.empty() && frac.empty()) return NumError::NotANumber;
  for (char c : whole)
    if (c < '0' || c > '9') return NumError::NotANumber;
  for (char c : frac)
    if (c < '0' || c > '9') return NumError::NotANumber;
  if (whole.size() > 15) return NumError::OutOfRange;
  std::int64_t secs = 0;
  for (char c : whole) secs = secs * 10 + (c - '0');
  std::int64_t micros = 0;
  for (std::size_t i = 0; i < 6; ++i) micros = micros * 10 + (i < frac.size() ? frac[i] - '0' : 0);
  // keepalived keeps microseconds; a 7th decimal rounds.
  if (frac.size() > 6 && frac[6] >= '5') ++micros;
  std::int64_t total = secs * 1000000 + micros;
  if (neg) total = -total;
  const std::chrono::microseconds v{total};
  if (v < lo || v > hi) return NumError::OutOfRange;
  out = v;
  return NumError::Ok;
}

std::optional<bool> parse_bool(std::string_view s) {
  const std::string l = lower(s);
  if (l == "on" || l == "true" || l == "yes") return true;
  if (l == "off" || l == "false" || l == "no") return false;
  return std::nullopt;
}

std::string format_timer(std::chrono::microseconds us) {
  const auto v = us.count();
  const bool neg = v < 0;
  const auto a = neg ? -v : v;
  std::string out = fmt::format("{}{}", neg ? "-" : "", a / 1000000);
  if (const auto f = a % 1000000) {
    std::string frac = fmt::format("{:06d}", f);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    out += "." + frac;
  }
  return out;
}

std::optional<HexBytes> parse_hex_string(std::string_view s, bool allow_x) {
  HexBytes out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && !is_space(s[j])) ++j;
    const auto group = s.substr(i, j - i);
    for (std::size_t k = 0; k < group.size(); k += 2) {
      std::uint8_t byte = 0, mask = 0;
      const std::size_t n = std::min<std::size_t>(2, group.size() - k);
      for (std::size_t d = 0; d < n; ++d) {
        const char c = group[k + d];
        const int shift = (n == 2 && d == 0) ? 4 : 0;
        if (allow_x && (c == 'x' || c == 'X')) continue;
        const int v = hex_value(c);
        if (v < 0) return std::nullopt;
        byte = static_cast<std::uint8_t>(byte | (v << shift));
        mask = static_cast<std::uint8_t>(mask | (0xf << shift));
      }
      out.data.push_back(byte);
      out.mask.push_back(mask);
    }
    i = j;
  }
  return out;
}

std::string decode_escapes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    switch (c) {
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'E': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'x': {
        unsigned v = 0;
        std::size_t n = 0;
        while (i + 1 < s.size() && hex_value(s[i + 1]) >= 0) {
          v = (v << 4) | static_cast<unsigned>(hex_value(s[++i]));
          ++n;
        }
        out += n ? static_cast<char>(v & 0xff) : 'x';
        break;
      }
      case 'c':
        if (i + 1 < s.size()) out += static_cast<char>(s[++i] & 0x1f);
        else out += 'c';
        break;
      default:
        if (c >= '0' && c <= '7') {
          unsigned v = static_cast<unsigned>(c - '0');
          for (int n = 0; n < 2 && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7'; ++n)
            v = (v << 3) | static_cast<unsigned>(s[++i] - '0');
          out += static_cast<char>(v & 0xff);
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The one splitter, verified against keepalived 2.2.7 (notify/command_line.hpp).
std::optional<std::vector<std::string>> split_command(std::string_view s) {
  auto argv = notify::split_command_line(s);
  if (!argv) return std::nullopt;
  return std::move(*argv);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace stayalived::config::detail
