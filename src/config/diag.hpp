// Internal: the diagnostics collector shared by the preprocessor, the builder and the
// validator.
#pragma once

#include <cstdint>
#include <string>
#include <algorithm>
#include <vector>

#include "stayalived/config/diagnostic.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// Reading order of source lines: lines of an included file come where the include was.
/// The preprocessor records each (file, line) as it reads it.
///
/// A file's lines are read one after the other, interrupted only where an include (or a
/// multi-line expansion) reads other lines in between, so the order is kept as runs of
/// consecutive lines with consecutive positions: memory in proportion to the includes, not
/// to the lines (a table of every line cost 4-8 MB at a million lines).
class LineOrder {
 public:
  /// Records that (file, line) is read now (the first reading wins).
  void record(std::uint32_t file, std::uint32_t line) {
    if (file >= runs_.size()) runs_.resize(file + 1);
    auto& v = runs_[file];
    if (!v.empty()) {
      Run& last = v.back();
      if (line >= last.first_line && line < last.first_line + last.count) return;  // read before
      if (line == last.first_line + last.count && next_ == last.first_pos + last.count) {
        ++last.count;
        ++next_;
        return;
      }
      if (line < last.first_line && of_run(v, line) != kUnread) return;
    }
    if (!v.empty() && line < v.back().first_line) {
      // Out of order (not seen in practice: a file is read from its first line on); kept
      // sorted by line for the lookup.
      const auto it = std::upper_bound(v.begin(), v.end(), line,
                                       [](std::uint32_t l, const Run& r) { return l < r.first_line; });
      v.insert(it, Run{line, next_++, 1});
      return;
    }
    v.push_back(Run{line, next_++, 1});
  }
  /// The reading position of (file, line); lines never read sort last.
  std::uint64_t of(const Loc& loc) const {
    if (loc.line == 0) return UINT64_MAX;
    if (loc.file >= runs_.size()) return UINT64_MAX - 1;
    const auto o = of_run(runs_[loc.file], loc.line);
    return o == kUnread ? UINT64_MAX - 1 : o;
  }

 private:
  static constexpr std::uint64_t kUnread = UINT64_MAX;
  struct Run {
    std::uint32_t first_line;  // the run's first line
    std::uint64_t first_pos;   // its reading position
    std::uint32_t count;       // lines in the run
  };
  static std::uint64_t of_run(const std::vector<Run>& v, std::uint32_t line) {
    // The last run starting at or before `line`.
    auto it = std::upper_bound(v.begin(), v.end(), line, [](std::uint32_t l, const Run& r) { return l < r.first_line; });
    if (it == v.begin()) return kUnread;
    --it;
    return line < it->first_line + it->count ? it->first_pos + (line - it->first_line) : kUnread;
  }
  std::vector<std::vector<Run>> runs_;  // [file], sorted by first_line, not overlapping
  std::uint64_t next_ = 0;
};

/// Collects diagnostics; turns model locations (file index, line) into printable ones.
class DiagSink {
 public:
  /// Keeps at most `max` diagnostics (Limits::max_diagnostics); beyond, only the first of
  /// each severity and class (the exit code stays right) and a count of the rest.
  DiagSink(const SourceFiles& files, const LineOrder& order, std::uint64_t max = UINT64_MAX)
      : files_(files), order_(order), max_(max) {}

  /// Adds a diagnostic at `loc` (line 0: about the whole config).
  void add(Severity sev, DiagClass klass, const Loc& loc, std::string msg) {
    const unsigned kind = static_cast<unsigned>(sev) * 4 + static_cast<unsigned>(klass);
    const bool first_of_kind = !(seen_ & (1u << kind));
    seen_ |= 1u << kind;
    if (diags_.size() >= max_ && !first_of_kind) {
      ++suppressed_;
      return;
    }
    Diagnostic d;
    d.severity = sev;
    d.klass = klass;
    d.loc.file = files_.name(loc);
    d.loc.line = loc.line;
    d.loc.column = loc.column;
    d.order = order_.of(loc);
    d.message = std::move(msg);
    diags_.push_back(std::move(d));
  }
  /// A Warning of class General.
  void warn(const Loc& loc, std::string msg) { add(Severity::Warning, DiagClass::General, loc, std::move(msg)); }
  /// An Error of class General.
  void error(const Loc& loc, std::string msg) { add(Severity::Error, DiagClass::General, loc, std::move(msg)); }
  /// A Note.
  void note(const Loc& loc, std::string msg) { add(Severity::Note, DiagClass::General, loc, std::move(msg)); }

  std::vector<Diagnostic>& all() { return diags_; }
  const std::vector<Diagnostic>& all() const { return diags_; }
  /// Diagnostics dropped beyond the limit.
  std::uint64_t suppressed() const { return suppressed_; }
  /// True once an Error has been added.
  bool has_errors() const {
    for (const auto& d : diags_)
      if (d.severity == Severity::Error) return true;
    return false;
  }

 private:
  const SourceFiles& files_;
  const LineOrder& order_;
  std::uint64_t max_;
  std::vector<Diagnostic> diags_;
  std::uint64_t suppressed_ = 0;
  unsigned seen_ = 0;  // bit per (severity, class) added so far
};

}  // namespace stayalived::config::detail
