// Internal: what the address/rule (keywords_addr.cpp) and route (keywords_route.cpp) line
// parsers share: the name tables of iproute2 and the word-level helpers.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "builder.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

struct Named {
  std::string_view name;
  std::uint32_t value;
};

// Built-in routing tables (/etc/iproute2/rt_tables as shipped).
inline constexpr std::array<Named, 4> kTables{{{"unspec", 0}, {"default", 253}, {"main", 254}, {"local", 255}}};
// Route protocols (/etc/iproute2/rt_protos as shipped, and keepalived's own 18).
inline constexpr std::array<Named, 16> kProtos{{{"unspec", 0},
                                         {"redirect", 1},
                                         {"kernel", 2},
                                         {"boot", 3},
                                         {"static", 4},
                                         {"gated", 8},
                                         {"ra", 9},
                                         {"mrt", 10},
                                         {"zebra", 11},
                                         {"bird", 12},
                                         {"dnrouted", 13},
                                         {"xorp", 14},
                                         {"ntk", 15},
                                         {"dhcp", 16},
                                         {"keepalived", 18},
                                         {"babel", 42}}};
inline constexpr std::array<Named, 10> kRouteTypes{{{"unicast", 0},
                                             {"local", 1},
                                             {"broadcast", 2},
                                             {"anycast", 3},
                                             {"multicast", 4},
                                             {"blackhole", 5},
                                             {"unreachable", 6},
                                             {"prohibit", 7},
                                             {"throw", 8},
                                             {"nat", 9}}};

template <std::size_t N>
std::optional<std::uint32_t> lookup(const std::array<Named, N>& table, std::string_view name) {
  for (const auto& n : table)
    if (n.name == name) return n.value;
  return std::nullopt;
}

inline std::optional<std::uint32_t> number_or_name(std::string_view w, std::uint32_t max, std::optional<std::uint32_t> named) {
  if (named) return named;
  std::int64_t v = 0;
  if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
    std::uint64_t h = 0;
    for (char c : w.substr(2)) {
      const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0 || h > 0xffffffffULL) return std::nullopt;
      h = h * 16 + static_cast<unsigned>(d);
    }
    if (h > max) return std::nullopt;
    return static_cast<std::uint32_t>(h);
  }
  if (parse_int(w, 0, max, v) != NumError::Ok) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

// A word after an option keyword, or a warning that it is missing.
inline const Word* value_after(Builder& b, const Stmt& s, std::size_t i, std::string_view opt) {
  if (i < s.args.size()) return &s.args[i];
  // keepalived stops reading the configuration here (exit 2).
  b.diags.error(s.arg_loc(i - 1), fmt::format("'{}' needs a value on this line", opt));
  return nullptr;
}

// The word after option `opt` (at i + 1), moving i onto it; nullptr after the error when
// the line ends there.
inline const Word* take_value(Builder& b, const Stmt& s, std::size_t& i, std::string_view opt) {
  const Word* v = value_after(b, s, i + 1, opt);
  if (v != nullptr) ++i;
  return v;
}

// `table N|NAME` of a route or a rule: the table, or a warning ("<what> ignored").
inline std::optional<std::uint32_t> table_value(Builder& b, const Stmt& s, std::size_t i, std::string_view text,
                                                std::string_view what) {
  auto t = number_or_name(text, 0xffffffffu, lookup(kTables, text));
  if (!t)
    b.warn(s, i, fmt::format("routing table '{}' is not a number or a built-in name (main, local, default); {} ignored",
                             text, what));
  return t;
}

// All the words of the line: the head then the arguments.
inline std::vector<Word> words_of(const Stmt& s) {
  std::vector<Word> w;
  w.reserve(s.args.size() + 1);
  w.push_back(s.head);
  w.insert(w.end(), s.args.begin(), s.args.end());
  return w;
}

inline Stmt as_stmt(const Stmt& s) {
  // An item line whose words are all "arguments": handlers index from 0 = head.
  Stmt t;
  t.head = Word{"", false, s.head.column};
  t.args = words_of(s);
  t.loc = s.loc;
  return t;
}

inline std::optional<std::uint32_t> parse_realms(std::string_view w) {
  const auto slash = w.find('/');
  std::int64_t from = 0, to = 0;
  if (slash == std::string_view::npos) {
    if (parse_int(w, 0, 0xffff, to) != NumError::Ok) return std::nullopt;
    return static_cast<std::uint32_t>(to);
  }
  if (parse_int(w.substr(0, slash), 0, 0xffff, from) != NumError::Ok ||
      parse_int(w.substr(slash + 1), 0, 0xffff, to) != NumError::Ok)
    return std::nullopt;
  return static_cast<std::uint32_t>((from << 16) | to);
}

}  // namespace stayalived::config::detail
