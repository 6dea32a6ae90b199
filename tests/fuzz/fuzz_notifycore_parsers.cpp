// Untrusted or operator-written text the notify module parses: a script string split into
// argv (config), an SMTP server's reply lines (network), and the mail text we compose from
// names in the config. Must never crash, hang or read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "stayalived/notify/alert.hpp"
#include "stayalived/notify/command_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto argv = stayalived::notify::split_command_line(text)) {
    std::size_t total = 0;
    for (const auto& a : *argv) total += a.size();
    if (total > size) __builtin_trap();  // decoding never grows the text
    (void)stayalived::notify::quote_command(*argv);
  }
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (auto r = stayalived::notify::parse_smtp_reply_line(line))
      if (r->code < 200 || r->code > 599) __builtin_trap();
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  const auto data_text = stayalived::notify::smtp_data("f", {"t"}, {std::string(text), std::string(text)}, "d");
  // The payload must end the DATA exactly once: no bare "\r\n.\r\n" before the end.
  if (data_text.find("\r\n.\r\n") != data_text.size() - 5) __builtin_trap();
  return 0;
}
