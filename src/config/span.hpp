// Internal: the Bison location type (a span of the configuration) and the head token.
#pragma once

#include "keywords.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// Where a grammar symbol starts and ends.
struct Span {
  Loc begin;
  Loc end;
};

/// The first word of a statement and what the keyword tables say about it.
struct Head {
  const KeywordDef* kw = nullptr;  ///< keyword or list-item definition; null if unknown
  Word word;
  Loc loc;
};

}  // namespace stayalived::config::detail

// Bison's default location merging uses begin/end members.
#define YYLLOC_DEFAULT(Cur, Rhs, N)                 \
  do {                                              \
    if (N) {                                        \
      (Cur).begin = YYRHSLOC(Rhs, 1).begin;         \
      (Cur).end = YYRHSLOC(Rhs, N).end;             \
    } else {                                        \
      (Cur).begin = (Cur).end = YYRHSLOC(Rhs, 0).end; \
    }                                               \
  } while (0)
