// Internal: keepalived.conf's line-level preprocessor, in front of the lexer. It reads the
// main file and its includes and hands out logical lines, one at a time (pull model, so a
// 10-million-line ~SEQ never sits in memory):
//   - CRLF line ends; `!` and `#` comments anywhere outside double quotes;
//   - `@id` / `@^id` conditional lines against the config id;
//   - include / includer / includem / includew / includeb / includea with brace expansion
//     and globbing, relative to the including file, nested, cycle-checked;
//   - `$NAME=value` parameters (multi-line with a trailing `\`), `$NAME` and `${NAME}`
//     substitution at use time (recursive), predefined ${_PWD} ${_INSTANCE} ${_RANDOM}
//     ${_HASH} ${_BANG};
//   - `~SEQ(var, start, step, end)`, `~SEQx(...)` and `~LST(var, v1, ...)` loops, nested.
// Every input limit (Limits) is enforced here with a diagnostic at the offending line.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "diag.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// One line after preprocessing: what the lexer tokenizes.
struct LogicalLine {
  std::string text;  ///< comments removed, parameters substituted
  Loc loc;           ///< file and line it came from (column 1)
};

class Preprocessor {
 public:
  Preprocessor(const LoadOptions& opts, const FileSystem& fs, DiagSink& diags, SourceFiles& files,
               LineOrder& order);

  /// Starts with the main file at `path`. A file that cannot be read is reported.
  void open_main_file(const std::string& path);
  /// Starts with in-memory text named `name`.
  void open_main_text(std::string_view text, const std::string& name);

  /// The next logical line; false at the end of the input.
  bool next(LogicalLine& out);

  /// `include_check` keyword: replaces the checks for the rest of the current file.
  void set_include_check(const IncludeCheck& c);
  /// The include checks in force.
  IncludeCheck include_check() const;
  /// `random_seed` keyword: reseeds ${_RANDOM} (unless LoadOptions fixed the seed).
  void seed_random(std::uint32_t seed);

  /// Splits a comment off `text` in place: `#` or `!` outside double quotes starts one.
  static void strip_comment(std::string& text);

 private:
  struct FileFrame {
    std::uint32_t file = 0;   // index into SourceFiles
    std::string content;
    std::size_t pos = 0;
    std::uint32_t line = 0;
    std::string dir;          // absolute directory, for relative includes and ${_PWD}
    std::string path;         // normalized absolute path, for cycle detection
    IncludeCheck check;       // restored when the file ends
  };
  struct SeqFrame {
    std::vector<std::string> vars;                // one, or several for ~LST({a,b}, ...)
    std::vector<std::vector<std::string>> values; // ~LST values (one vector per iteration)
    bool is_list = false;
    bool hex = false;
    std::int64_t cur = 0, step = 1, end = 0;      // ~SEQ
    std::size_t list_index = 0;
    std::string rest;                             // the line after the ~SEQ(...) spec
    Loc loc;
    std::uint32_t depth = 0;
  };
  struct LinesFrame {
    std::vector<std::string> lines;
    std::size_t index = 0;
    Loc loc;
    std::uint32_t depth = 0;
  };
  using Frame = std::variant<FileFrame, SeqFrame, LinesFrame>;

  struct Raw {
    std::string text;
    Loc loc;
    std::uint32_t depth = 0;  // how many expansions produced this line
    bool from_file = false;
  };

  bool pull(Frame& f, Raw& out);
  void pop_frame();
  bool handle(Raw& raw, LogicalLine& out);
  bool handle_definition(std::string_view line, const Raw& raw);
  bool handle_include(std::string_view keyword, std::string_view rest, const Raw& raw);
  bool handle_loop(std::string_view line, const Raw& raw);
  std::string expand(std::string_view text, const Loc& loc, std::uint32_t depth, bool& changed, bool& failed);
  bool lookup(std::string_view name, std::string_view args, std::string& value, bool& dynamic);
  void push_file(const std::string& path, std::string content, const Loc& from, IncludeCheck check);
  FileFrame* current_file();
  const FileFrame* current_file() const;
  std::string current_dir() const;
  bool count_line(const Loc& loc);

  const LoadOptions& opts_;
  const FileSystem& fs_;
  DiagSink& diags_;
  SourceFiles& files_;
  LineOrder& order_;
  std::vector<Frame> frames_;
  Raw raw_;  // the line being handled; kept so that its text's buffer serves every line
  std::map<std::string, std::string, std::less<>> params_;
  std::string config_id_;
  std::string cwd_;
  std::mt19937 random_;
  IncludeCheck check_;        // in force now
  std::uint64_t lines_ = 0;   // logical lines handed out (and expanded)
  std::uint64_t bytes_ = 0;   // bytes read and expanded
  std::uint64_t files_opened_ = 0;
  bool limit_hit_ = false;    // a global limit stopped the input
};

/// csh-style brace expansion of an include pattern: "a{b,c{d,e}}f" -> abf acdf acef.
/// Unbalanced braces are kept literally. At most `max` results.
std::vector<std::string> expand_braces(std::string_view pattern, std::size_t max);

/// Lexical normalization of an absolute path: removes "." and "..", doubled slashes.
std::string normalize_path(std::string_view path);

}  // namespace stayalived::config::detail
