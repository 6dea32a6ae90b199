// The Flex word splitter of keepalived.conf lines (grammar/lexer.l). Internal to the
// config module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stayalived::config::detail {

/// One word or brace of a line.
struct RawToken {
  /// What was matched.
  enum Kind : std::uint8_t {
    Word,          ///< unquoted run of characters
    Quoted,        ///< "..." (text without the quotes)
    Unterminated,  ///< "... to the end of the line (text without the quote)
    LBrace,        ///< {
    RBrace,        ///< }
  };
  Kind kind = Word;
  std::string_view text;     ///< into the lexer's copy of the line: valid until the next tokenize()
  std::uint32_t column = 0;  ///< 1-based, in the line
};

/// Scanner output (Flex "extra" data).
struct LexOutput {
  std::vector<RawToken>* tokens = nullptr;
  const char* base = nullptr;  ///< start of the scanned copy of the line
};

/// A reentrant Flex scanner; one per load.
class Lexer {
 public:
  Lexer();
  ~Lexer();
  Lexer(const Lexer&) = delete;
  Lexer& operator=(const Lexer&) = delete;

  /// Splits one preprocessed line into tokens (replacing `tokens`' contents).
  void tokenize(std::string_view line, std::vector<RawToken>& tokens);

 private:
  void* scanner_ = nullptr;
  LexOutput out_;
  std::string buf_;  // the line being scanned, with Flex's two terminating NULs
};

}  // namespace stayalived::config::detail
