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

/// A statement as the parser receives it: its words and what the keyword tables say about
/// its first word. Tokens carry a pointer to one: the driver keeps the statement, so that
/// it is built once and handed to the builder without being moved through the parser's
/// stack (those moves were 8% of a load's time).
struct Head {
  const KeywordDef* kw = nullptr;  ///< keyword or list-item definition; null if unknown
  Stmt stmt;                       ///< the keyword (or item) and its arguments
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
