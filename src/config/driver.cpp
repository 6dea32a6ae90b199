// The driver: statements and braces from preprocessed lines, classified with the keyword
// tables, to the Bison parser. keepalived 2.2.7 behaviour reproduced here:
//   - '{' and '}' end a statement wherever they appear on a line;
//   - a block keyword's '{' may be on the same line or on a following line; if the next
//     thing is not '{', keepalived warns and reads the block anyway, until a '}';
//   - a '{' that does not follow a block keyword opens nothing (warning, ignored), and the
//     statements after it belong to the current block; a '}' always closes the current
//     block; at the top level it is an error of its own;
//   - a block keepalived rejects (a virtual_server with a bad address, ...) is skipped up
//     to its matching '}', counting braces.
#include "driver.hpp"

#include <fmt/format.h>

namespace stayalived::config::detail {

using grammar::Parser;

namespace {
Span span(const Loc& l) { return Span{l, l}; }
}  // namespace

Driver::Driver(Preprocessor& pp, Builder& builder, DiagSink& diags, const Limits& limits)
    : pp_(pp), builder_(builder), diags_(diags), limits_(limits) {
  ctx_.push_back(Ctx::Top);
}

void Driver::parse() {
  Parser parser(*this);
  parser.parse();
}

namespace grammar {
Parser::symbol_type yylex(Driver& drv) { return drv.next_token(); }
}  // namespace grammar

bool Driver::fill_line() {
  LogicalLine& line = line_;
  if (!pp_.next(line)) return false;
  lexer_.tokenize(line.text, raw_);
  elems_.clear();
  elem_index_ = 0;
  Element cur;
  const auto flush = [&] {
    if (!cur.words.empty()) elems_.push_back(std::move(cur));
    cur = Element{};
  };
  const std::uint32_t base = line.loc.column > 0 ? line.loc.column - 1 : 0;
  for (auto& t : raw_) {
    Loc l = line.loc;
    l.column = base + t.column;
    switch (t.kind) {
      case RawToken::LBrace:
      case RawToken::RBrace:
        flush();
        elems_.push_back(Element{t.kind == RawToken::LBrace ? Element::LBrace : Element::RBrace, {}, l});
        break;
      case RawToken::Unterminated:
        diags_.warn(l, "unterminated double quote; the rest of the line is taken as one word");
        [[fallthrough]];
      case RawToken::Word:
      case RawToken::Quoted:
        if (cur.words.empty()) {
          cur.loc = l;
          cur.words.reserve(4);  // a keyword and up to three arguments: one allocation
        }
        cur.words.push_back(Word{std::string(t.text), t.kind != RawToken::Word, l.column});
        break;
    }
  }
  flush();
  last_loc_ = line.loc;
  return true;
}

bool Driver::next_element(Element& e) {
  if (pushed_back_) {
    e = std::move(*pushed_back_);
    pushed_back_.reset();
    return true;
  }
  while (elem_index_ >= elems_.size()) {
    if (!fill_line()) return false;
  }
  e = std::move(elems_[elem_index_++]);
  return true;
}

Parser::symbol_type Driver::end_of_input() {
  // Close what is still open: keepalived warns "missing '}'" and uses what it read.
  if (!at_end_) {
    at_end_ = true;
    if (pending_block_) {
      (void)builder_.take_skip_request();
      ctx_.push_back(*pending_block_);
      pending_block_.reset();
      queue_.push_back(Parser::make_MISSING_LBRACE(span(last_loc_)));
    }
    while (ctx_.size() > 1) {
      ctx_.pop_back();
      queue_.push_back(Parser::make_RBRACE(true, span(last_loc_)));
    }
  }
  if (!queue_.empty()) {
    auto t = std::move(queue_.front());
    queue_.pop_front();
    return t;
  }
  return Parser::make_END(span(last_loc_));
}

void Driver::skip_block(std::uint32_t depth) {
  // Discard everything up to the '}' matching an opened (or brace-less) block; at the end
  // of the input, end_of_input() closes it.
  Element e;
  while (next_element(e)) {
    if (e.kind == Element::LBrace) {
      ++depth;
    } else if (e.kind == Element::RBrace && --depth == 0) {
      ctx_.pop_back();
      queue_.push_back(Parser::make_RBRACE(false, span(e.loc)));
      return;
    }
  }
}

Parser::symbol_type Driver::next_token() {
  if (!queue_.empty()) {
    auto t = std::move(queue_.front());
    queue_.pop_front();
    return t;
  }
  if (at_end_) return end_of_input();
  Element e;
  if (!next_element(e)) return end_of_input();

  if (pending_block_) {
    // The block keyword's statement has been reduced (and the builder has seen it).
    const Ctx child = *pending_block_;
    pending_block_.reset();
    bool skip = builder_.take_skip_request();
    if (!skip && ctx_.size() > limits_.max_block_depth) {
      diags_.error(pending_loc_, fmt::format("blocks nested more than {} deep; this block is skipped", limits_.max_block_depth));
      skip = true;
    }
    ctx_.push_back(child);
    if (e.kind == Element::LBrace) {
      if (skip) skip_block(1);
      return Parser::make_LBRACE(span(e.loc));
    }
    const Loc at = e.loc;
    pushed_back_ = std::move(e);
    if (skip) skip_block(1);
    return Parser::make_MISSING_LBRACE(span(at));
  }
  return classify(e);
}

Parser::symbol_type Driver::classify(Element& e) {
  if (e.kind == Element::LBrace) return Parser::make_STRAY_LBRACE(span(e.loc));
  if (e.kind == Element::RBrace) {
    if (ctx_.size() > 1) {
      ctx_.pop_back();
      return Parser::make_RBRACE(false, span(e.loc));
    }
    return Parser::make_STRAY_RBRACE(span(e.loc));
  }
  const Ctx ctx = ctx_.back();
  Head& h = heads_[next_head_];
  next_head_ ^= 1;
  h.stmt.loc = e.loc;
  h.stmt.head = std::move(e.words.front());
  e.words.erase(e.words.begin());
  h.stmt.args = std::move(e.words);
  if (const KeywordDef* item = list_item(ctx)) {
    h.kw = item;
    return Parser::make_ITEM(&h, span(e.loc));
  }
  // A quoted word is never a keyword.
  h.kw = h.stmt.head.quoted ? nullptr : find_keyword(ctx, h.stmt.head.text);
  if (!h.kw) return Parser::make_UNKNOWN(&h, span(e.loc));
  if (h.kw->kind == KwKind::Block) {
    pending_block_ = h.kw->child;
    pending_loc_ = e.loc;
    return Parser::make_BLOCK(&h, span(e.loc));
  }
  return Parser::make_KEYWORD(&h, span(e.loc));
}

// The statement's words are given back as soon as the builder has seen them, as when each
// statement was a temporary: kept until the slot's next use, they changed the heap's reuse
// pattern and cost 2.5 MB of peak memory at a million lines.
void Driver::leaf(Head& h) {
  builder_.statement(h.kw, h.stmt);
  release(h);
}
void Driver::unknown(Head& h) {
  builder_.unknown(h.stmt);
  release(h);
}
void Driver::open_block(Head& h) {
  builder_.open_block(h.kw, h.stmt);
  release(h);
}
void Driver::release(Head& h) {
  h.stmt.head = Word{};
  std::vector<Word>().swap(h.stmt.args);
}
void Driver::missing_brace(const Span& at) { builder_.missing_brace(at.begin); }
void Driver::close_block(const Span& at, bool at_eof) { builder_.close_block(at.begin, at_eof); }
void Driver::stray_lbrace(const Span& at) { builder_.stray_lbrace(at.begin); }
void Driver::stray_rbrace(const Span& at) { builder_.stray_rbrace(at.begin); }
void Driver::syntax_error(const Span& at, const std::string& msg) {
  // Not reachable with the driver's token discipline; kept so that a grammar change that
  // makes it reachable reports instead of aborting.
  diags_.error(at.begin, fmt::format("internal parser error: {}", msg));
}

}  // namespace stayalived::config::detail
