// Small text helpers shared by the daemon and the notifiers.
#pragma once

#include <string>
#include <string_view>

namespace stayalived {

/// `s` on one line: each CR and LF becomes a space (a mail header, a systemd STATUS=).
inline std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

}  // namespace stayalived
