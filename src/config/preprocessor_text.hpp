// Internal: the small text helpers shared by the line reader (preprocessor.cpp) and the
// parameter and loop expansion (preprocessor_expand.cpp).
#pragma once

#include <string_view>

namespace stayalived::config::detail {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string_view first_word(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && !is_space(s[i])) ++i;
  return s.substr(0, i);
}

}  // namespace stayalived::config::detail
