// keepalived.conf's line-level preprocessor. Behaviour follows keepalived.conf(5) and what
// keepalived 2.2.7 does with the same input (keepalived -t as the oracle):
//   - comments: `#`/`!` outside double quotes, also after substitution (so an unquoted
//     ${_HASH} starts a comment, a quoted one does not);
//   - `@id`/`@^id` apply before and after substitution (`$X=@main` then `$X line` works);
//   - include lines are recognised after `@` and after substitution, and their file name is
//     taken literally (no quotes removed, no $PARAM substituted: keepalived.conf(5));
//   - `$NAME` is replaced only when followed by white space or the end of the line,
//     `${NAME}` anywhere; undefined names stay as they are; values are expanded at use
//     time, recursively; a multi-line value (trailing `\`) becomes several lines, each
//     processed again (so a value may hold definitions, @ lines and ~SEQ loops);
//   - a blank line ends a multi-line definition.
#include "preprocessor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace stayalived::config::detail {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_name(std::string_view s) {
  if (s.empty() || !is_name_start(s[0])) return false;
  return std::all_of(s.begin(), s.end(), is_name_char);
}

std::string_view first_word(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && !is_space(s[i])) ++i;
  return s.substr(0, i);
}

bool has_glob_chars(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

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

std::string format_seq_value(std::int64_t v, bool hex) {
  if (!hex) return std::to_string(v);
  if (v < 0) return "-" + fmt::format("{:x}", static_cast<std::uint64_t>(-(v + 1)) + 1);
  return fmt::format("{:x}", v);
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

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const auto j = std::min(path.find('/', i), path.size());
    const auto part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
    } else if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? "/" : out;
}

std::vector<std::string> expand_braces(std::string_view pattern, std::size_t max) {
  // Find the first top-level {...} group containing a comma; expand it and recurse.
  std::size_t open = std::string_view::npos;
  int depth = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      if (depth == 0) open = i;
      ++depth;
    } else if (pattern[i] == '}' && depth > 0) {
      if (--depth == 0) {
        const auto body = pattern.substr(open + 1, i - open - 1);
        // Split the body at its top-level commas.
        std::vector<std::string_view> alts;
        int d = 0;
        std::size_t s = 0;
        for (std::size_t k = 0; k <= body.size(); ++k) {
          if (k == body.size() || (body[k] == ',' && d == 0)) {
            alts.push_back(body.substr(s, k - s));
            s = k + 1;
          } else if (body[k] == '{') {
            ++d;
          } else if (body[k] == '}' && d > 0) {
            --d;
          }
        }
        if (alts.size() < 2) continue;  // "{x}" is literal, as in csh
        std::vector<std::string> out;
        const auto prefix = pattern.substr(0, open);
        const auto suffix = pattern.substr(i + 1);
        for (const auto& a : alts) {
          std::string combined;
          combined.reserve(prefix.size() + a.size() + suffix.size());
          combined.append(prefix).append(a).append(suffix);
          for (auto& r : expand_braces(combined, max)) {
            if (out.size() >= max) return out;
            out.push_back(std::move(r));
          }
        }
        return out;
      }
    }
  }
  return {std::string(pattern)};
}

Preprocessor::Preprocessor(const LoadOptions& opts, const FileSystem& fs, DiagSink& diags, SourceFiles& files,
                           LineOrder& order)
    : opts_(opts), fs_(fs), diags_(diags), files_(files), order_(order), random_(opts.random_seed.value_or(0)) {
  config_id_ = opts.config_id;
  cwd_ = opts.cwd.empty() ? "/" : opts.cwd;
  if (opts.all_config) check_ = IncludeCheck{true, true, true, true};
}

void Preprocessor::strip_comment(std::string& text) {
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      quoted = !quoted;
    } else if (!quoted && (c == '#' || c == '!')) {
      text.resize(i);
      return;
    }
  }
}

void Preprocessor::set_include_check(const IncludeCheck& c) { check_ = c; }
IncludeCheck Preprocessor::include_check() const { return check_; }
void Preprocessor::seed_random(std::uint32_t seed) {
  if (!opts_.random_seed) random_.seed(seed);
}

Preprocessor::FileFrame* Preprocessor::current_file() {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
    if (auto* f = std::get_if<FileFrame>(&*it)) return f;
  return nullptr;
}
const Preprocessor::FileFrame* Preprocessor::current_file() const {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
    if (const auto* f = std::get_if<FileFrame>(&*it)) return f;
  return nullptr;
}

std::string Preprocessor::current_dir() const {
  const auto* f = current_file();
  return f ? f->dir : cwd_;
}

void Preprocessor::open_main_file(const std::string& path) {
  const std::uint32_t idx = static_cast<std::uint32_t>(files_.names.size());
  files_.names.push_back(path);
  const Loc here{idx, 0, 0};
  int err = 0;
  const std::string abs = normalize_path(!path.empty() && path[0] == '/' ? path : cwd_ + "/" + path);
  const FileInfo info = fs_.stat(abs);
  if (info.exists && info.is_dir) {
    diags_.add(opts_.all_config ? Severity::Error : Severity::Warning,
               opts_.all_config ? DiagClass::IncludeCheck : DiagClass::General, here,
               fmt::format("configuration file '{}' is a directory; nothing was read", path));
    return;
  }
  auto content = fs_.read(abs, err);
  if (!content) {
    // keepalived 2.2.7 runs (and -t exits 0) with an empty configuration here; we warn,
    // since a typo in -f is the likely cause. With -e it is an error, as keepalived(8) says.
    diags_.add(opts_.all_config ? Severity::Error : Severity::Warning,
               opts_.all_config ? DiagClass::IncludeCheck : DiagClass::General, here,
               fmt::format("cannot read configuration file '{}': {}; the configuration is empty", path,
                           std::strerror(err)));
    return;
  }
  files_.names.pop_back();
  push_file(path, std::move(*content), here, check_);
}

void Preprocessor::open_main_text(std::string_view text, const std::string& name) {
  push_file(name, std::string(text), Loc{}, check_);
}

void Preprocessor::push_file(const std::string& name, std::string content, const Loc& from, IncludeCheck check) {
  const std::string abs = normalize_path(!name.empty() && name[0] == '/' ? name : cwd_ + "/" + name);
  if (++files_opened_ > opts_.limits.max_files) {
    diags_.error(from, fmt::format("too many configuration files (more than {}); '{}' not read",
                                   opts_.limits.max_files, name));
    return;
  }
  bytes_ += content.size();
  if (bytes_ > opts_.limits.max_total_bytes) {
    diags_.error(from, fmt::format("configuration input exceeds {} bytes; '{}' not read",
                                   opts_.limits.max_total_bytes, name));
    limit_hit_ = true;
    return;
  }
  FileFrame f;
  f.file = static_cast<std::uint32_t>(files_.names.size());
  files_.names.push_back(name);
  f.content = std::move(content);
  f.path = abs;
  f.dir = abs.substr(0, abs.rfind('/'));
  if (f.dir.empty()) f.dir = "/";
  f.check = check;
  frames_.emplace_back(std::move(f));
}

void Preprocessor::pop_frame() {
  if (auto* f = std::get_if<FileFrame>(&frames_.back())) check_ = f->check;
  frames_.pop_back();
}

bool Preprocessor::pull(Frame& frame, Raw& out) {
  if (auto* f = std::get_if<FileFrame>(&frame)) {
    if (f->pos >= f->content.size()) return false;
    auto nl = f->content.find('\n', f->pos);
    if (nl == std::string::npos) nl = f->content.size();
    std::size_t end = nl;
    if (end > f->pos && f->content[end - 1] == '\r') --end;  // CRLF
    out.text.assign(f->content, f->pos, end - f->pos);
    f->pos = nl + 1;
    ++f->line;
    out.loc = Loc{f->file, f->line, 1};
    out.depth = 0;
    out.from_file = true;
    order_.record(f->file, f->line);
    return true;
  }
  if (auto* s = std::get_if<SeqFrame>(&frame)) {
    if (s->is_list) {
      if (s->list_index >= s->values.size()) return false;
      const auto& vals = s->values[s->list_index++];
      for (std::size_t i = 0; i < s->vars.size() && i < vals.size(); ++i) params_[s->vars[i]] = vals[i];
    } else {
      if ((s->step > 0 && s->cur > s->end) || (s->step < 0 && s->cur < s->end)) return false;
      params_[s->vars[0]] = format_seq_value(s->cur, s->hex);
      // Stop rather than overflow at the ends of the int64 range.
      if ((s->step > 0 && s->cur > INT64_MAX - s->step) || (s->step < 0 && s->cur < INT64_MIN - s->step)) {
        s->end = s->step > 0 ? INT64_MIN : INT64_MAX;
      } else {
        s->cur += s->step;
      }
    }
    out.text = s->rest;
    out.loc = s->loc;
    out.depth = s->depth;
    out.from_file = false;
    return true;
  }
  auto& l = std::get<LinesFrame>(frame);
  if (l.index >= l.lines.size()) return false;
  out.text = std::move(l.lines[l.index++]);
  out.loc = l.loc;
  out.depth = l.depth;
  out.from_file = false;
  return true;
}

bool Preprocessor::count_line(const Loc& loc) {
  if (++lines_ > opts_.limits.max_lines) {
    diags_.error(loc, fmt::format("the configuration expands to more than {} lines; the rest is ignored "
                                  "(check ~SEQ loops and $PARAM definitions)",
                                  opts_.limits.max_lines));
    limit_hit_ = true;
    return false;
  }
  return true;
}

bool Preprocessor::next(LogicalLine& out) {
  while (!limit_hit_ && !frames_.empty()) {
    Raw raw;
    if (!pull(frames_.back(), raw)) {
      pop_frame();
      continue;
    }
    if (handle(std::move(raw), out)) return true;
  }
  return false;
}

bool Preprocessor::handle(Raw raw, LogicalLine& out) {
  std::string text = std::move(raw.text);
  for (;;) {
    if (text.size() > opts_.limits.max_line_bytes) {
      diags_.error(raw.loc, fmt::format("line longer than {} bytes after expansion; ignored",
                                        opts_.limits.max_line_bytes));
      return false;
    }
    strip_comment(text);
    std::string_view line = trim(text);
    if (line.empty()) return false;

    // @id / @^id: keep the line only on the matching host (keepalived.conf(5)
    // "Conditional configuration").
    if (line[0] == '@') {
      const auto word = first_word(line);
      const bool negate = word.size() > 1 && word[1] == '^';
      const auto id = word.substr(negate ? 2 : 1);
      if ((id == config_id_) == negate) return false;
      line = trim(line.substr(word.size()));
      if (line.empty()) return false;
    }

    const auto word = first_word(line);
    if (word == "include" || word == "includer" || word == "includem" || word == "includew" ||
        word == "includeb" || word == "includea") {
      const auto rest = trim(line.substr(word.size()));
      if (!rest.empty()) {
        handle_include(word, rest, raw);
        return false;
      }
    }

    if (line.starts_with("~SEQ(") || line.starts_with("~SEQx(") || line.starts_with("~LST(")) {
      handle_loop(line, raw);
      return false;
    }

    if (line[0] == '$' && handle_definition(line, raw)) return false;

    if (line.find('$') != std::string_view::npos) {
      bool changed = false, failed = false;
      std::string expanded = expand(line, raw.loc, 0, changed, failed);
      if (failed) return false;
      if (changed) {
        bytes_ += expanded.size();
        if (bytes_ > opts_.limits.max_total_bytes) {
          diags_.error(raw.loc, fmt::format("configuration input exceeds {} bytes after $PARAM expansion; "
                                            "the rest is ignored",
                                            opts_.limits.max_total_bytes));
          limit_hit_ = true;
          return false;
        }
        if (++raw.depth > opts_.limits.max_param_depth) {
          diags_.error(raw.loc, fmt::format("$PARAM substitution nested more than {} times (a parameter that "
                                            "expands to itself?); line ignored",
                                            opts_.limits.max_param_depth));
          return false;
        }
        if (expanded.find('\n') != std::string::npos) {
          // A multi-line value: each of its lines is a configuration line of its own.
          LinesFrame lf;
          std::size_t start = 0;
          while (start <= expanded.size()) {
            const auto nl = std::min(expanded.find('\n', start), expanded.size());
            lf.lines.emplace_back(expanded, start, nl - start);
            start = nl + 1;
          }
          lf.loc = raw.loc;
          lf.depth = raw.depth;
          if (frames_.size() > opts_.limits.max_include_depth + opts_.limits.max_param_depth + 64) {
            diags_.error(raw.loc, "multi-line $PARAM values nested too deeply; line ignored");
            return false;
          }
          frames_.emplace_back(std::move(lf));
          return false;
        }
        text = std::move(expanded);
        continue;
      }
    }

    if (!count_line(raw.loc)) return false;
    out.loc = raw.loc;
    out.loc.column = static_cast<std::uint32_t>(line.data() - text.data()) + 1;
    out.text.assign(line);
    return true;
  }
}

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
          changed = true;
          out += expand(value, loc, depth + 1, changed, failed);
          if (failed) return out;
          if (out.size() > opts_.limits.max_line_bytes) {
            diags_.error(loc, fmt::format("line longer than {} bytes after $PARAM expansion; ignored",
                                          opts_.limits.max_line_bytes));
            failed = true;
            return out;
          }
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
      changed = true;
      out += expand(value, loc, depth + 1, changed, failed);
      if (failed) return out;
      if (out.size() > opts_.limits.max_line_bytes) {
        diags_.error(loc, fmt::format("line longer than {} bytes after $PARAM expansion; ignored",
                                      opts_.limits.max_line_bytes));
        failed = true;
        return out;
      }
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

bool Preprocessor::handle_include(std::string_view keyword, std::string_view rest, const Raw& raw) {
  // include variants add checks for this include only (keepalived.conf(5) "include").
  IncludeCheck check = check_;
  if (keyword == "includer") check.readable = true;
  if (keyword == "includem") check.readable = check.match = true;
  if (keyword == "includew") check.readable = check.wildcard_match = true;
  if (keyword == "includeb") check.readable = check.brace_match = true;
  if (keyword == "includea") check = IncludeCheck{true, true, true, true};

  const std::string pattern(first_word(rest));
  const std::string dir = current_dir();
  const std::string full = pattern[0] == '/' ? pattern : dir + "/" + pattern;

  std::uint32_t depth = 0;
  for (const auto& fr : frames_)
    if (std::holds_alternative<FileFrame>(fr)) ++depth;
  if (depth >= opts_.limits.max_include_depth) {
    diags_.error(raw.loc, fmt::format("includes nested more than {} deep; '{}' not read",
                                      opts_.limits.max_include_depth, pattern));
    return true;
  }

  const auto alternatives = expand_braces(full, 4096);
  std::vector<std::string> matches;
  bool brace_miss = false;
  const bool wildcard = has_glob_chars(pattern);
  for (const auto& alt : alternatives) {
    std::vector<std::string> m;
    if (has_glob_chars(alt)) {
      m = fs_.glob(alt);
    } else if (fs_.stat(alt).exists) {
      m.push_back(alt);
    }
    if (m.empty() && alternatives.size() > 1) brace_miss = true;
    for (auto& x : m)
      if (std::find(matches.begin(), matches.end(), x) == matches.end()) matches.push_back(std::move(x));
  }

  const auto fail = [&](std::string msg) {
    diags_.add(Severity::Error, DiagClass::IncludeCheck, raw.loc, std::move(msg));
  };
  if (matches.empty()) {
    if (wildcard ? check.wildcard_match : (check.match || check.readable)) {
      fail(fmt::format("no configuration file matches '{}' ({} requires a match)", pattern,
                       keyword == "include" ? "-e/include_check" : std::string(keyword)));
    } else {
      diags_.note(raw.loc, fmt::format("Config files missing '{}'.", pattern));
    }
    return true;
  }
  if (brace_miss && check.brace_match)
    fail(fmt::format("a brace alternative of '{}' matches no file ({} requires every one to match)", pattern,
                     keyword == "include" ? "include_check brace_match" : std::string(keyword)));

  // Read every match first, then push in reverse so that the first is read first.
  struct Pending {
    std::string name;
    std::string content;
  };
  std::vector<Pending> pending;
  for (const auto& m : matches) {
    const std::string norm = normalize_path(m);
    bool cycle = false;
    for (const auto& fr : frames_)
      if (const auto* f = std::get_if<FileFrame>(&fr); f && f->path == norm) cycle = true;
    if (cycle) {
      diags_.warn(raw.loc, fmt::format("include cycle: '{}' is already being read; not included again", m));
      continue;
    }
    const FileInfo info = fs_.stat(m);
    if (info.is_dir) {
      if (check.readable) fail(fmt::format("included file '{}' is a directory", m));
      else diags_.warn(raw.loc, fmt::format("Configuration file '{}' is a directory - skipping", m));
      continue;
    }
    int err = 0;
    auto content = fs_.read(m, err);
    if (!content) {
      if (check.readable) fail(fmt::format("cannot read included file '{}': {}", m, std::strerror(err)));
      else diags_.warn(raw.loc, fmt::format("cannot read included file '{}': {} - skipping", m, std::strerror(err)));
      continue;
    }
    pending.push_back({m, std::move(*content)});
  }
  for (auto it = pending.rbegin(); it != pending.rend(); ++it) push_file(it->name, std::move(it->content), raw.loc, check_);
  return true;
}

}  // namespace stayalived::config::detail
