// keepalived.conf's preprocessor, expansion: `$NAME=value` definitions (multi-line with a
// trailing `\`), `$NAME` and `${NAME}` substitution with the predefined ${_PWD}
// ${_INSTANCE} ${_RANDOM} ${_HASH} ${_BANG}, and the `~SEQ`, `~SEQx` and `~LST` loops.
// The rules are summed up at the top of preprocessor.cpp (the line reader).
#include "preprocessor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "preprocessor_text.hpp"

namespace stayalived::config::detail {

namespace {

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), is_name_char);
}

// Parses a ~SEQ number: decimal or 0x-hex, optionally negative.
bool parse_seq_number(std::string_view s, std::int64_t& out) {
  s = trim(s);
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return false;
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc{} || p != s.data() + s.size() || v > static_cast<std::uint64_t>(INT64_MAX)) return false;
  out = neg ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
  return true;
}

// Splits "a, b, {c,d}" at top-level commas.
std::vector<std::string> split_top_commas(std::string_view s) {
  std::vector<std::string> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || (s[i] == ',' && depth == 0)) {
      out.emplace_back(trim(s.substr(start, i - start)));
      start = i + 1;
    } else if (s[i] == '{') {
      ++depth;
    } else if (s[i] == '}' && depth > 0) {
      --depth;
    }
  }
  return out;
}

std::string_view strip_braces(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') return trim(s.substr(1, s.size() - 2));
  return s;
}

}  // namespace

bool Preprocessor::handle_definition(std::string_view line, const Raw& raw) {
  // $NAME=VALUE: no space before '=' (keepalived.conf(5) "Parameter substitution").
  std::size_t i = 1;
  while (i < line.size() && is_name_char(line[i])) ++i;
  const auto name = line.substr(1, i - 1);
  if (i >= line.size() || line[i] != '=' || !is_name(name)) return false;
  std::string value(trim(line.substr(i + 1)));
  if (!value.empty() && value.back() == '\\') {
    // Multi-line: every following line ending in '\' continues the value; the first line
    // without it (or a blank line) ends it.
    value.pop_back();
    value = std::string(trim(value));
    std::vector<std::string> parts;
    if (!value.empty()) parts.push_back(value);
    Raw cont;
    while (!frames_.empty() && pull(frames_.back(), cont)) {
      strip_comment(cont.text);
      auto t = trim(cont.text);
      if (t.empty()) break;
      const bool more = t.back() == '\\';
      if (more) t = trim(t.substr(0, t.size() - 1));
      parts.emplace_back(t);
      bytes_ += t.size();
      if (bytes_ > opts_.limits.max_total_bytes) {
        diags_.error(raw.loc, "multi-line $PARAM definition exceeds the input size limit; ignored");
        limit_hit_ = true;
        return true;
      }
      if (!more) break;
    }
    value.clear();
    for (std::size_t k = 0; k < parts.size(); ++k) {
      if (k) value += '\n';
      value += parts[k];
    }
  }
  params_[std::string(name)] = std::move(value);
  return true;
}

bool Preprocessor::lookup(std::string_view name, std::string_view args, std::string& value, bool& dynamic) {
  dynamic = false;
  if (name == "_PWD") {
    value = current_dir();
    return true;
  }
  if (name == "_INSTANCE") {
    value = config_id_;
    return true;
  }
  if (name == "_HASH") {
    value = "#";
    return true;
  }
  if (name == "_BANG") {
    value = "!";
    return true;
  }
  if (name == "_RANDOM") {
    // ${_RANDOM [MIN [MAX]]}: an integer in [MIN, MAX], defaults 0 and 32767.
    std::int64_t lo = 0, hi = 32767;
    const auto a = trim(args);
    if (!a.empty()) {
      const auto w1 = first_word(a);
      const auto w2 = trim(a.substr(w1.size()));
      std::int64_t v = 0;
      if (parse_seq_number(w1, v) && v >= 0) lo = v;
      if (!w2.empty() && parse_seq_number(first_word(w2), v) && v >= 0) hi = v;
    }
    if (hi < lo) std::swap(lo, hi);
    std::uniform_int_distribution<std::int64_t> dist(lo, hi);
    value = std::to_string(dist(random_));
    dynamic = true;
    return true;
  }
  const auto it = params_.find(name);
  if (it == params_.end()) return false;
  value = it->second;
  return true;
}

std::string Preprocessor::expand(std::string_view text, const Loc& loc, std::uint32_t depth, bool& changed,
                                 bool& failed) {
  if (depth > opts_.limits.max_param_depth) {
    diags_.error(loc, fmt::format("$PARAM substitution nested more than {} times (a parameter that expands "
                                  "to itself?); line ignored",
                                  opts_.limits.max_param_depth));
    failed = true;
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  // Appends a parameter's value, itself expanded; false when the line is given up.
  const auto append_value = [&](const std::string& value) {
    changed = true;
    out += expand(value, loc, depth + 1, changed, failed);
    if (failed) return false;
    if (out.size() > opts_.limits.max_line_bytes) {
      diags_.error(loc, fmt::format("line longer than {} bytes after $PARAM expansion; ignored",
                                    opts_.limits.max_line_bytes));
      failed = true;
      return false;
    }
    return true;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != '$' || i + 1 >= text.size()) {
      out += c;
      ++i;
      continue;
    }
    std::string value;
    bool dynamic = false;
    if (text[i + 1] == '{') {
      const auto close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        const auto inner = text.substr(i + 2, close - i - 2);
        const auto name = inner.substr(0, std::min(inner.find(' '), inner.size()));
        const bool random_form = name == "_RANDOM";
        if ((is_name(inner) || random_form) && lookup(name, random_form ? inner.substr(name.size()) : "", value, dynamic)) {
          if (!append_value(value)) return out;
          i = close + 1;
          continue;
        }
      }
      out += c;
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    while (j < text.size() && is_name_char(text[j])) ++j;
    const auto name = text.substr(i + 1, j - i - 1);
    // $NAME only when followed by white space or the end (keepalived.conf(5)).
    if (is_name(name) && (j == text.size() || is_space(text[j])) && lookup(name, "", value, dynamic)) {
      if (!append_value(value)) return out;
      i = j;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

bool Preprocessor::handle_loop(std::string_view line, const Raw& raw) {
  // ~SEQ(var, [start, [step,]] end) rest   ~SEQx(...)   ~LST(var, v1, v2...) rest
  const bool list = line.starts_with("~LST(");
  const bool hex = line.starts_with("~SEQx(");
  const std::string_view kw = list ? "~LST" : hex ? "~SEQx" : "~SEQ";
  const std::size_t open = line.find('(');
  // The spec ends at the ')' that closes the '(' (values of ~LST may hold braces).
  std::size_t close = std::string_view::npos;
  int depth = 0;
  for (std::size_t i = open; i < line.size(); ++i) {
    if (line[i] == '(') ++depth;
    else if (line[i] == ')' && --depth == 0) {
      close = i;
      break;
    }
  }
  if (close == std::string_view::npos) {
    diags_.warn(raw.loc, fmt::format("{}( without a closing ')'; line ignored", kw));
    return true;
  }
  const auto args = split_top_commas(line.substr(open + 1, close - open - 1));
  SeqFrame f;
  f.rest = std::string(trim(line.substr(close + 1)));
  f.loc = raw.loc;
  f.depth = raw.depth + 1;
  f.hex = hex;
  f.is_list = list;
  if (f.depth > opts_.limits.max_param_depth) {
    diags_.error(raw.loc, fmt::format("~SEQ/~LST loops nested more than {} deep; line ignored",
                                      opts_.limits.max_param_depth));
    return true;
  }
  if (list) {
    if (args.size() < 2) {
      diags_.warn(raw.loc, "~LST needs a variable and at least one value, as in ~LST(var, a, b); line ignored");
      return true;
    }
    const auto vars_text = strip_braces(args[0]);
    for (const auto& v : split_top_commas(vars_text)) {
      if (!is_name(v)) {
        diags_.warn(raw.loc, fmt::format("~LST variable '{}' is not a valid name (letters, digits, '_'); line "
                                         "ignored",
                                         v));
        return true;
      }
      f.vars.push_back(v);
    }
    if (args.size() - 1 > opts_.limits.max_seq_iterations) {
      diags_.error(raw.loc, fmt::format("~LST with more than {} values; line ignored", opts_.limits.max_seq_iterations));
      return true;
    }
    for (std::size_t k = 1; k < args.size(); ++k) {
      auto vals = split_top_commas(strip_braces(args[k]));
      if (vals.size() != f.vars.size()) {
        diags_.warn(raw.loc, fmt::format("~LST value '{}' has {} element(s) for {} variable(s); line ignored",
                                         args[k], vals.size(), f.vars.size()));
        return true;
      }
      f.values.push_back(std::move(vals));
    }
  } else {
    if (args.size() < 2 || args.size() > 4 || !is_name(args[0])) {
      diags_.warn(raw.loc, fmt::format("{} takes (var, end), (var, start, end) or (var, start, step, end); "
                                       "line ignored",
                                       kw));
      return true;
    }
    std::int64_t nums[3] = {0, 0, 0};
    for (std::size_t k = 1; k < args.size(); ++k) {
      if (!parse_seq_number(args[k], nums[k - 1])) {
        diags_.warn(raw.loc, fmt::format("{} value '{}' is not an integer; line ignored", kw, args[k]));
        return true;
      }
    }
    std::int64_t start = 0, step = 0, end = 0;
    if (args.size() == 2) {
      end = nums[0];
      start = end > 0 ? 1 : end < 0 ? -1 : 0;
    } else if (args.size() == 3) {
      start = nums[0];
      end = nums[1];
    } else {
      start = nums[0];
      step = nums[1];
      end = nums[2];
    }
    if (args.size() < 4) step = end >= start ? 1 : -1;
    if (step == 0) {
      diags_.warn(raw.loc, fmt::format("{} step 0 would never end; line ignored", kw));
      return true;
    }
    // Iterations: floor(|end - start| / |step|) + 1 when moving towards end (unsigned
    // arithmetic: the magnitudes fit in 64 bits even at the ends of the int64 range).
    const bool towards = end == start || (end > start) == (step > 0);
    const std::uint64_t diff = end >= start ? static_cast<std::uint64_t>(end) - static_cast<std::uint64_t>(start)
                                            : static_cast<std::uint64_t>(start) - static_cast<std::uint64_t>(end);
    const std::uint64_t astep = step > 0 ? static_cast<std::uint64_t>(step) : 0 - static_cast<std::uint64_t>(step);
    const std::uint64_t steps = diff / astep;  // iterations - 1
    if (towards && steps >= opts_.limits.max_seq_iterations) {
      diags_.error(raw.loc, fmt::format("{} would produce {} lines, more than the limit of {}; line ignored", kw,
                                        steps == UINT64_MAX ? steps : steps + 1, opts_.limits.max_seq_iterations));
      return true;
    }
    const std::uint64_t count = towards ? steps + 1 : 0;
    f.vars.emplace_back(args[0]);
    f.cur = start;
    f.step = step;
    f.end = end;
    if (count == 0) return true;
  }
  if (f.rest.empty()) return true;
  frames_.emplace_back(std::move(f));
  return true;
}

}  // namespace stayalived::config::detail
