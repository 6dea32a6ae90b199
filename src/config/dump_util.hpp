// Internal: what the files of the canonical dump share (dump.cpp: global_defs and the order
// of the blocks; dump_vrrp.cpp: address, route and rule lines and vrrp_instance;
// dump_lvs.cpp: virtual_server): the indenting writer, how words, scripts and values are
// written, and the writers each file provides to the others.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/config/model.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

/// The text being written: one line at a time, indented by the depth of open blocks.
class Out {
 public:
  void open(std::string_view head) {
    line(fmt::format("{} {{", head));
    ++depth_;
  }
  void close() {
    --depth_;
    line("}");
  }
  void line(std::string_view text) {
    s_.append(static_cast<std::size_t>(depth_) * 2, ' ');
    s_.append(text);
    s_ += '\n';
  }
  template <class... A>
  void kv(fmt::format_string<A...> f, A&&... a) {
    line(fmt::format(f, std::forward<A>(a)...));
  }
  std::string take() { return std::move(s_); }

 private:
  std::string s_;
  int depth_ = 0;
};

inline bool needs_quotes(std::string_view w) {
  if (w.empty()) return true;
  // What the preprocessor would take for its own at the start of a line ($NAME=value,
  // @id, ~SEQ, include): quoted, it is a plain word (a list entry can start a line).
  if (w.front() == '$' || w.front() == '@' || w.front() == '~' || w.starts_with("include")) return true;
  for (char c : w)
    if (c == ' ' || c == '\t' || c == '{' || c == '}' || c == '#' || c == '!' || c == '"' || c == '\r' || c == '\v' ||
        c == '\f' || c == '\n')
      return true;
  return false;
}

// A config word: bare if possible, else in double quotes. (The lexer never yields a word
// containing '"', so quoting is always possible.)
inline std::string word(std::string_view w) {
  if (!needs_quotes(w)) return std::string(w);
  return "\"" + std::string(w) + "\"";
}

// A script's command line, in the form split_command() splits back into the same argv.
inline std::string command(const std::vector<std::string>& argv) {
  std::string out;
  bool simple = argv.size() == 1;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !a.empty() && std::none_of(a.begin(), a.end(), [](char c) {
      return c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\' || c == '{' || c == '}' || c == '#' || c == '!' ||
             c == '\n' || c == '\r' || c == '\v' || c == '\f' || static_cast<unsigned char>(c) < 0x20;
    });
    if (plain) {
      out += a;
      continue;
    }
    simple = false;
    out += '\'';
    for (char c : a) {
      if (c == '\\' || c == '\'') {
        out += '\\';
        out += c;
      } else if (c == '"' || static_cast<unsigned char>(c) < 0x20 || c == '{' || c == '}' || c == '#' || c == '!') {
        // Three octal digits: \x would swallow a following hex digit.
        out += fmt::format("\\{:03o}", static_cast<unsigned char>(c));
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return simple ? out : "\"" + out + "\"";
}

inline std::string run_as(const std::optional<RunAs>& r) {
  if (!r) return {};
  return " " + word(r->user) + (r->group ? " " + word(*r->group) : "");
}

inline void script_kw(Out& o, std::string_view kw, const std::optional<Script>& s) {
  if (s) o.kv("{} {}{}", kw, command(s->argv), run_as(s->run_as));
}

inline std::string boolean(bool b) { return b ? "on" : "off"; }

inline std::string secs(microseconds us) { return format_timer(us); }

// Defined in dump_vrrp.cpp.
/// An address line (virtual_ipaddress, virtual_ipaddress_excluded, static_ipaddress).
std::string address_line(const VirtualAddress& a);
/// A route line (virtual_routes, static_routes).
std::string route_line(const Route& r);
/// A rule line (virtual_rules, static_rules).
std::string rule_line(const Rule& r);
/// The tracking lists of a vrrp_instance or vrrp_sync_group.
void dump_tracking(Out& o, const Tracking& t);
/// The notify scripts of a vrrp_instance or vrrp_sync_group.
void dump_notify(Out& o, const VrrpNotify& n);
/// A vrrp_instance block (settings inherited from global_defs left out).
void dump_instance(Out& o, const VrrpInstance& v, const GlobalDefs& g);

// Defined in dump_lvs.cpp.
/// A virtual_server block with its real servers and checkers.
void dump_virtual_server(Out& o, const VirtualServer& vs);

}  // namespace stayalived::config::detail
