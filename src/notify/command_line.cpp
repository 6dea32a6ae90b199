#include "stayalived/notify/command_line.hpp"

#include <fmt/format.h>

namespace stayalived::notify {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
bool is_octal(char c) { return c >= '0' && c <= '7'; }
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes the escape whose backslash is at text[i - 1]; text[i] exists. Advances i past it.
char decode_escape(std::string_view text, std::size_t& i) {
  const char c = text[i++];
  switch (c) {
    case 'a': return '\a';
    case 'b': return '\b';
    case 'E': return '\x1b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    case 'v': return '\v';
    case 'x': {
      if (i >= text.size() || hex_value(text[i]) < 0) return 'x';
      unsigned v = 0;
      while (i < text.size() && hex_value(text[i]) >= 0) v = (v << 4) | unsigned(hex_value(text[i++]));
      return static_cast<char>(v & 0xffU);
    }
    case 'c':
      if (i >= text.size()) return 'c';
      return static_cast<char>(static_cast<unsigned char>(text[i++]) & 0x1fU);
    default:
      break;
  }
  if (is_octal(c)) {
    unsigned v = unsigned(c - '0');
    for (int n = 1; n < 3 && i < text.size() && is_octal(text[i]); ++n) v = v * 8 + unsigned(text[i++] - '0');
    return static_cast<char>(v & 0xffU);
  }
  return c;
}

}  // namespace

Expected<std::vector<std::string>, CommandLineError> split_command_line(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (true) {
    while (i < n && is_space(text[i])) ++i;
    if (i >= n) break;
    std::string word;
    bool cut = false;  // a NUL was decoded: the rest of the word is dropped
    auto add = [&](char c) {
      if (cut) return;
      if (c == '\0') cut = true;
      else word.push_back(c);
    };
    while (i < n && !is_space(text[i])) {
      const char c = text[i];
      if (c == '\\') {
        if (i + 1 >= n)
          return Unexpected{CommandLineError{fmt::format("Missing escape char at end: '{}'", text)}};
        ++i;
        add(decode_escape(text, i));
      } else if (c == '\'' || c == '"') {
        ++i;
        if (i >= n) break;  // a quote as the very last character is ignored
        bool closed = false;
        while (i < n) {
          const char q = text[i];
          if (q == c) {
            ++i;
            closed = true;
            break;
          }
          if (q == '\\') {
            if (i + 1 >= n)
              return Unexpected{
                  CommandLineError{fmt::format("Missing escape char at end: '{}'", text)}};
            ++i;
            add(decode_escape(text, i));
          } else {
            add(q);
            ++i;
          }
        }
        if (!closed)
          return Unexpected{
              CommandLineError{fmt::format("String '{}': missing terminating {}", text, c)}};
      } else {
        add(c);
        ++i;
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::string quote_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out.push_back(' ');
    out.push_back('\'');
    out += a;
    out.push_back('\'');
  }
  return out;
}

}  // namespace stayalived::notify
