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
//
// This file is the line reader: files and includes, comments, @id lines and the dispatch
// of each line; $NAME definitions and substitution and the ~SEQ/~LST loops are in
// preprocessor_expand.cpp.
#include "preprocessor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "preprocessor_text.hpp"

namespace stayalived::config::detail {

namespace {

bool has_glob_chars(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

// A read error that is never a missing or unreadable file: not a regular file, or larger
// than the input limit. These fail the load (keepalived would read without end or block).
bool hostile_read_error(int err) { return err == FileSystem::kNotRegular || err == EFBIG; }

std::string format_seq_value(std::int64_t v, bool hex) {
  if (!hex) return std::to_string(v);
  if (v < 0) return "-" + fmt::format("{:x}", static_cast<std::uint64_t>(-(v + 1)) + 1);
  return fmt::format("{:x}", v);
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
  if (!content && hostile_read_error(err)) {
    // A device, FIFO or endless file: keepalived would read it forever (or block); refused.
    diags_.error(here, fmt::format("cannot read configuration file '{}': {}", path, FileSystem::error_text(err)));
    return;
  }
  if (!content) {
    // keepalived 2.2.7 runs (and -t exits 0) with an empty configuration here; we warn,
    // since a typo in -f is the likely cause. With -e it is an error, as keepalived(8) says.
    diags_.add(opts_.all_config ? Severity::Error : Severity::Warning,
               opts_.all_config ? DiagClass::IncludeCheck : DiagClass::General, here,
               fmt::format("cannot read configuration file '{}': {}; the configuration is empty", path,
                           FileSystem::error_text(err)));
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
    // keepalived reads a line as a C string: a NUL byte ends it there. So here, with a
    // note, as keepalived says nothing (a NUL kept in a word would cut diagnostics and the
    // -d dump short).
    if (const auto nul = out.text.find('\0'); nul != std::string::npos) {
      out.text.resize(nul);
      diags_.note(Loc{f->file, f->line, static_cast<std::uint32_t>(nul + 1)},
                  "NUL byte in the line; the rest of the line is ignored, as keepalived ignores it");
    }
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
  if (opts_.cancel && opts_.cancel->load(std::memory_order_relaxed)) {
    diags_.error(loc, "reading the configuration was cancelled (the daemon is stopping)");
    limit_hit_ = true;
    return false;
  }
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
    if (!pull(frames_.back(), raw_)) {
      pop_frame();
      continue;
    }
    if (handle(raw_, out)) return true;
  }
  return false;
}

bool Preprocessor::handle(Raw& raw, LogicalLine& out) {
  // Every line read or produced counts towards the limit, also those that only define a
  // parameter or are conditioned out: a loop of definitions must end too.
  if (!count_line(raw.loc)) return false;
  std::string& text = raw.text;
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

    out.loc = raw.loc;
    out.loc.column = static_cast<std::uint32_t>(line.data() - text.data()) + 1;
    out.text.assign(line);
    return true;
  }
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
  for (const auto& raw_alt : alternatives) {
    const std::string alt = normalize_path(raw_alt);
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
      if (hostile_read_error(err))
        diags_.error(raw.loc, fmt::format("cannot read included file '{}': {}", m, FileSystem::error_text(err)));
      else if (check.readable)
        fail(fmt::format("cannot read included file '{}': {}", m, FileSystem::error_text(err)));
      else
        diags_.warn(raw.loc, fmt::format("cannot read included file '{}': {} - skipping", m, FileSystem::error_text(err)));
      continue;
    }
    pending.push_back({m, std::move(*content)});
  }
  for (auto it = pending.rbegin(); it != pending.rend(); ++it) push_file(it->name, std::move(it->content), raw.loc, check_);
  return true;
}

}  // namespace stayalived::config::detail
