// Internal: the Bison location type (a span of the configuration) and the head token.
#pragma once

#include <vector>

#include "keywords.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// Where a grammar symbol starts and ends.
struct Span {
  Loc begin;
  Loc end;
};

/// A statement as the parser receives it: its first word, what the keyword tables say
/// about it, and the words after it.
struct Head {
  const KeywordDef* kw = nullptr;  ///< keyword or list-item definition; null if unknown
  Word word;
  std::vector<Word> args;          ///< the rest of the statement (up to a brace or the line's end)
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
