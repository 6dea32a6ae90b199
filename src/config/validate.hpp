// Internal: the validation pass over a built model (a pass of its own, after the build). It
// checks what needs more than one statement: references between blocks, duplicates,
// address families, interfaces, the VRRP rules of keepalived.conf(5) and RFC 3768/5798,
// and enable_script_security. It may correct the model where keepalived does (e.g. drop a
// reference to an undefined script) and says so in a diagnostic.
#pragma once

#include "diag.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// Validates `cfg` in place; every finding goes to `diags`.
void validate(Config& cfg, const LoadOptions& opts, DiagSink& diags, const LineOrder& order);

}  // namespace stayalived::config::detail
