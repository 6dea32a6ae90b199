// Internal: the driver between the preprocessor and the Bison parser. It splits each
// logical line into statements and braces (Flex lexer), classifies each statement's first
// word with the keyword tables of the current block, keeps the block stack, and hands the
// tokens to the parser; grammar actions call back into it to build the model.
#pragma once

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "builder.hpp"
#include "diag.hpp"
#include "keywords.hpp"
#include "lexer.hpp"
#include "parser.hpp"
#include "preprocessor.hpp"
#include "span.hpp"

namespace stayalived::config::detail {

class Driver {
 public:
  Driver(Preprocessor& pp, Builder& builder, DiagSink& diags, const Limits& limits);

  /// Runs the parser over the whole input.
  void parse();

  /// The parser's token source.
  grammar::Parser::symbol_type next_token();

  // Grammar actions.
  void leaf(Head& h);
  void unknown(Head& h);
  void open_block(Head& h);
  void missing_brace(const Span& at);
  void close_block(const Span& at, bool at_eof);
  void stray_lbrace(const Span& at);
  void stray_rbrace(const Span& at);
  void syntax_error(const Span& at, const std::string& msg);

 private:
  struct Element {
    enum Kind : std::uint8_t { Statement, LBrace, RBrace };
    Kind kind = Statement;
    std::vector<Word> words;
    Loc loc;
  };
  bool next_element(Element& e);
  static void release(Head& h);
  bool fill_line();
  grammar::Parser::symbol_type classify(Element& e);
  void skip_block(std::uint32_t depth);
  grammar::Parser::symbol_type end_of_input();

  Preprocessor& pp_;
  Builder& builder_;
  DiagSink& diags_;
  const Limits& limits_;
  Lexer lexer_;
  LogicalLine line_;  // the line being split; kept so that its buffer serves every line
  std::vector<RawToken> raw_;
  std::vector<Element> elems_;
  // The statements the parser's tokens point to. Its action on a statement runs (a default
  // reduction) before it asks for the next token, so one would do; the second covers a
  // parser that reads one token ahead first.
  std::array<Head, 2> heads_;
  std::size_t next_head_ = 0;
  std::size_t elem_index_ = 0;
  std::optional<Element> pushed_back_;
  std::deque<grammar::Parser::symbol_type> queue_;
  std::vector<Ctx> ctx_;
  std::optional<Ctx> pending_block_;
  Loc pending_loc_;
  Loc last_loc_;
  bool at_end_ = false;
};

namespace grammar {
/// The parser's yylex: the driver's next token.
Parser::symbol_type yylex(Driver& drv);
}  // namespace grammar

}  // namespace stayalived::config::detail
