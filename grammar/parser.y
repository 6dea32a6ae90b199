/* keepalived.conf grammar (Bison, C++ skeleton, locations).
 *
 * keepalived's language is keyword-table driven: whether a '{' opens a block depends on
 * the keyword before it and on the block it is in (a '{' after an unknown keyword does not
 * open a block: keepalived warns "Unexpected '{'" and reads what follows in the current
 * block). The driver (src/config/driver.cpp) therefore classifies each statement's first
 * word with the keyword tables of the current context and sends one token per statement,
 * its arguments (the words up to a brace or the end of the line) carried with it:
 *   KEYWORD   a leaf keyword of the current block      ITEM     a line of a list block
 *   BLOCK     a keyword that opens a block             UNKNOWN  a word keepalived rejects
 *   LBRACE / MISSING_LBRACE  the block's '{' (or its absence: keepalived reads the block
 *             anyway)          RBRACE  its '}' (also synthesised at the end of the input)
 *   STRAY_LBRACE / STRAY_RBRACE  braces that open or close nothing.
 * (A token per argument and one for the statement's end made the parser's own work a
 * quarter of the load's time, for no structure: the arguments are a flat list.)
 * This grammar is the structure of the language; its actions only build the model through
 * the Builder (STYLE.md 6). Every check is the builder's (per value) or the validator's.
 */
%require "3.8"
%language "c++"
%skeleton "lalr1.cc"
%define api.namespace {stayalived::config::detail::grammar}
%define api.parser.class {Parser}
%define api.token.constructor
%define api.value.type variant
%define api.location.type {stayalived::config::detail::Span}
%define parse.error detailed
%locations
%param {stayalived::config::detail::Driver& drv}

%code requires {
#include <vector>
#include "span.hpp"
#include "keywords.hpp"
namespace stayalived::config::detail { class Driver; }
}

%code {
#include "driver.hpp"
namespace stayalived::config::detail::grammar {
Parser::symbol_type yylex(Driver& drv);
}
}

%token END 0 "end of input"
%token <stayalived::config::detail::Head*> KEYWORD "keyword" BLOCK "block keyword" UNKNOWN "unknown word" ITEM "list item"
%token LBRACE "{" MISSING_LBRACE "missing {" STRAY_LBRACE "unexpected {" STRAY_RBRACE "unexpected }"
%token <bool> RBRACE "}"

%%

input: items ;

items: %empty
     | items item
     ;

item: KEYWORD                 { drv.leaf(*$1); }
    | ITEM                    { drv.leaf(*$1); }
    | UNKNOWN                 { drv.unknown(*$1); }
    | BLOCK                   { drv.open_block(*$1); }
      body
    | STRAY_LBRACE            { drv.stray_lbrace(@1); }
    | STRAY_RBRACE            { drv.stray_rbrace(@1); }
    | error
    ;
/* No yyerrok after a bare 'error': Bison discards a lookahead that fails again only while
 * it is still recovering, so resetting that state here would retry the same token forever.
 * (The driver sends no invalid sequence; this is the net under it.) */

body: LBRACE items RBRACE                       { drv.close_block(@3, $3); }
    | MISSING_LBRACE { drv.missing_brace(@1); } items RBRACE  { drv.close_block(@4, $4); }
    ;

%%

void stayalived::config::detail::grammar::Parser::error(const location_type& loc, const std::string& msg) {
  drv.syntax_error(loc, msg);
}
