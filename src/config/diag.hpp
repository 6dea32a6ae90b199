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
class LineOrder {
 public:
  /// Records that (file, line) is read now (the first reading wins).
  void record(std::uint32_t file, std::uint32_t line) {
    if (file >= order_.size()) order_.resize(file + 1);
    auto& v = order_[file];
    if (line >= v.size()) v.resize(std::max<std::size_t>(line + 1, v.size() * 2), kUnread);
    if (v[line] == kUnread) {
      v[line] = next_;
      // Past 4G lines (more input than Limits allow by default) the rest share one
      // position; their diagnostics then keep the order in which they were reported.
      if (next_ < kUnread - 1) ++next_;
    }
  }
  /// The reading position of (file, line); lines never read sort last.
  std::uint64_t of(const Loc& loc) const {
    if (loc.line == 0) return UINT64_MAX;
    if (loc.file >= order_.size() || loc.line >= order_[loc.file].size()) return UINT64_MAX - 1;
    const auto o = order_[loc.file][loc.line];
    return o == kUnread ? UINT64_MAX - 1 : o;
  }

 private:
  // 32 bits a line: this table has an entry for every line read (4 MB at a million lines
  // with 64 bits, before the doubling's slack).
  static constexpr std::uint32_t kUnread = UINT32_MAX;
  std::vector<std::vector<std::uint32_t>> order_;  // [file][line]
  std::uint32_t next_ = 0;
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
