// Internal: the diagnostics collector shared by the preprocessor, the builder and the
// validator.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "stayalived/config/load.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// Reading order of source lines: lines of an included file come where the include was.
/// The preprocessor records each (file, line) as it reads it.
class LineOrder {
 public:
  /// Records that (file, line) is read now (the first reading wins).
  void record(std::uint32_t file, std::uint32_t line) { order_.try_emplace(key(file, line), next_++); }
  /// The reading position of (file, line); lines never read sort last.
  std::uint64_t of(const Loc& loc) const {
    if (loc.line == 0) return UINT64_MAX;
    const auto it = order_.find(key(loc.file, loc.line));
    return it == order_.end() ? UINT64_MAX - 1 : it->second;
  }

 private:
  static std::uint64_t key(std::uint32_t file, std::uint32_t line) {
    return (std::uint64_t{file} << 32) | line;
  }
  std::unordered_map<std::uint64_t, std::uint64_t> order_;
  std::uint64_t next_ = 0;
};

/// Collects diagnostics; turns model locations (file index, line) into printable ones.
class DiagSink {
 public:
  DiagSink(const SourceFiles& files, const LineOrder& order) : files_(files), order_(order) {}

  /// Adds a diagnostic at `loc` (line 0: about the whole config).
  void add(Severity sev, DiagClass klass, const Loc& loc, std::string msg) {
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
  /// True once an Error has been added.
  bool has_errors() const {
    for (const auto& d : diags_)
      if (d.severity == Severity::Error) return true;
    return false;
  }

 private:
  const SourceFiles& files_;
  const LineOrder& order_;
  std::vector<Diagnostic> diags_;
};

}  // namespace stayalived::config::detail
