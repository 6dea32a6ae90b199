// Internal: the keywords that stayalived accepts and checks but does not act on. The one
// list behind the warning "'KEYWORD' is accepted but has no effect in stayalived" that -t
// and the daemon's start print, and behind stayalived.conf(5)'s IMPLEMENTATION STATUS
// (tests/unit/config/test_no_effect.cpp keeps the page and this list equal, and
// tests/unit/config/model_fields.sh keeps every model field either read by the runtime or
// on this list).
#pragma once

#include <span>
#include <string_view>

#include "keywords.hpp"

namespace stayalived::config::detail {

/// A keyword of a context that has no effect, and why (the end of the warning).
struct NoEffect {
  Ctx ctx;                  ///< the block it is written in
  std::string_view keyword; ///< as written
  std::string_view why;     ///< what keepalived does with it that we do not
};

/// The entry for the line's keyword in `ctx`, if it has no effect.
const NoEffect* no_effect(Ctx ctx, const Stmt& s);

/// Every entry, in the order of the man page.
std::span<const NoEffect> no_effect_keywords();

}  // namespace stayalived::config::detail
