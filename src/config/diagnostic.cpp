// Diagnostic::format: how a diagnostic is printed (keepalived -t's report, the tests).
#include "stayalived/config/diagnostic.hpp"

#include <fmt/format.h>

#include <string_view>

namespace stayalived::config {

std::string Diagnostic::format() const {
  const std::string_view sev = severity == Severity::Error ? "error" : severity == Severity::Warning ? "warning" : "note";
  if (loc.line == 0) return fmt::format("{}: {}: {}", loc.file, sev, message);
  if (loc.column == 0) return fmt::format("{}:{}: {}: {}", loc.file, loc.line, sev, message);
  return fmt::format("{}:{}:{}: {}: {}", loc.file, loc.line, loc.column, sev, message);
}

}  // namespace stayalived::config
