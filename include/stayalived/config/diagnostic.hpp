// The vocabulary of configuration diagnostics: how bad a problem is, which of keepalived's
// exit-code classes it counts in, where it points and what it says. Loading keepalived.conf
// (load.hpp) turns every problem it finds into a Diagnostic.
#pragma once

#include <cstdint>
#include <string>

namespace stayalived::config {

/// How bad a diagnostic is. keepalived's -t exit code is derived from the worst one
/// (see LoadResult::config_test_exit_code).
enum class Severity : std::uint8_t {
  Note,     ///< informational; does not change the exit code ("Config files missing")
  Warning,  ///< the config runs, with the problem ignored or corrected (exit 5)
  Error,    ///< fatal: the config is rejected (exit 2), e.g. a keyword missing its parameter
};

/// Diagnostics that keepalived counts apart from plain warnings (its exit code 6).
enum class DiagClass : std::uint8_t {
  General,         ///< ordinary
  ScriptSecurity,  ///< scripts would run as root without enable_script_security, or unsafe
  IncludeCheck,    ///< an include failed an include_check / -e check
  NoEffect,        ///< a keyword stayalived accepts but does not act on (exit 5; keepalived acts on it)
};

/// Where a diagnostic points: a file name and a 1-based line and column (0 = unknown).
struct Location {
  std::string file;          ///< the file as opened (the main file as given)
  std::uint32_t line = 0;    ///< 1-based; 0 when the diagnostic is about the whole config
  std::uint32_t column = 0;  ///< 1-based; 0 when unknown
  friend bool operator==(const Location&, const Location&) = default;
};

/// One problem found while loading.
struct Diagnostic {
  Severity severity = Severity::Warning;  ///< how bad
  DiagClass klass = DiagClass::General;   ///< exit-code class
  Location loc;                           ///< where
  std::string message;                    ///< what is wrong and what to change
  /// Position in reading order (includes expanded), used to sort diagnostics in file order.
  std::uint64_t order = 0;

  /// "FILE:LINE:COL: error|warning|note: message" ("FILE: ..." without a line).
  std::string format() const;
};

}  // namespace stayalived::config
