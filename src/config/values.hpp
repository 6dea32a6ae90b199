// Internal: pure parsers for the value syntaxes of keepalived.conf (numbers, <TIMER>,
// <BOOL>, hex strings, script command lines). They report failure by value; the builder
// turns failures into diagnostics.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stayalived::config::detail {

/// Result of parsing a number.
enum class NumError : std::uint8_t { Ok, NotANumber, OutOfRange };

/// Parses a decimal integer (optional sign) into [lo, hi].
NumError parse_int(std::string_view s, std::int64_t lo, std::int64_t hi, std::int64_t& out);

/// Parses a <TIMER>: seconds with up to 6 decimals ("2.5", "0.000001"), into [lo, hi].
NumError parse_timer(std::string_view s, std::chrono::microseconds lo, std::chrono::microseconds hi,
                     std::chrono::microseconds& out);

/// <BOOL>: on|off|true|false|yes|no (case-insensitive).
std::optional<bool> parse_bool(std::string_view s);

/// "1.5" style decimal as microseconds (for printing timers back).
std::string format_timer(std::chrono::microseconds us);

/// Free-format hex as in UDP_CHECK payload ("Ab12f 3 456" -> AB 12 0F 03 45 06): each
/// white-space separated group is split into bytes from the left, an odd trailing digit
/// being a byte of its own. With `allow_x`, 'x'/'X' nibbles are wildcards: their mask bits
/// are 0. nullopt if a character is not a hex digit.
struct HexBytes {
  std::vector<std::uint8_t> data;
  std::vector<std::uint8_t> mask;
};
std::optional<HexBytes> parse_hex_string(std::string_view s, bool allow_x);

/// Decodes keepalived's escapes in a quoted string: \a \b \E \f \n \r \t \v, \nnn (octal),
/// \xHH.. (hex), \cC (control), and \C = C.
std::string decode_escapes(std::string_view s);

/// Splits a script command line into argv: words separated by white space; ' and " quote
/// parts of a word; a backslash escapes the next character (decode_escapes rules).
/// nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_command(std::string_view s);

/// Lower-cases ASCII.
std::string lower(std::string_view s);

}  // namespace stayalived::config::detail
