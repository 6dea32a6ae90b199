// split_command_line(): every expectation below was observed on keepalived 2.2.7 (Debian 12)
// by configuring `script "..."` in vrrp_script blocks and recording the argv the scripts
// received. The input here is the text after keepalived's config reader has taken the quoted
// token (outer quotes removed, its escapes decoded), i.e. what the config module hands over.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stayalived/notify/command_line.hpp"

using stayalived::notify::quote_command;
using stayalived::notify::split_command_line;
using Words = std::vector<std::string>;

namespace {

Words split(std::string_view s) {
  auto r = split_command_line(s);
  REQUIRE_MESSAGE(r.has_value(), "unexpected error: ", (r ? "" : r.error().message));
  return *r;
}

std::string error_of(std::string_view s) {
  auto r = split_command_line(s);
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}

}  // namespace

TEST_CASE("split: white space separates words, runs and ends are ignored") {
  CHECK(split("/bin/x") == Words{"/bin/x"});
  CHECK(split("   /bin/x   N   ") == Words{"/bin/x", "N"});
  CHECK(split("/bin/x n1  multiple   spaces ") == Words{"/bin/x", "n1", "multiple", "spaces"});
  CHECK(split("/bin/x tab\there") == Words{"/bin/x", "tab", "here"});
  CHECK(split("/bin/x a\vb") == Words{"/bin/x", "a", "b"});  // \x20b in the config gives \v
  CHECK(split("").empty());
  CHECK(split(" \t ").empty());
}

TEST_CASE("split: quotes group, concatenate, and keep the other quote") {
  CHECK(split("/bin/x m1 'a b' \"c d\" e\\ f") == Words{"/bin/x", "m1", "a b", "c d", "e f"});
  CHECK(split("/bin/x b1 'it''s' x\"y z\"w") == Words{"/bin/x", "b1", "its", "xy zw"});
  CHECK(split("/bin/x T a'b c'd e\"f g\"h") == Words{"/bin/x", "T", "ab cd", "ef gh"});
  CHECK(split("/bin/x 9 a\"b\"c 'd'\"e\"f") == Words{"/bin/x", "9", "abc", "def"});
  CHECK(split("/bin/x m3 'single \"dq\" inside' \"double 'sq' inside\" back\\\\slash") ==
        Words{"/bin/x", "m3", "single \"dq\" inside", "double 'sq' inside", "back\\slash"});
  CHECK(split("/bin/x K \"\" x") == Words{"/bin/x", "K", "", "x"});
  CHECK(split("/bin/x L '' x") == Words{"/bin/x", "L", "", "x"});
  CHECK(split("/bin/x F \"a b\" c") == Words{"/bin/x", "F", "a b", "c"});
}

TEST_CASE("split: escapes outside and inside quotes") {
  CHECK(split("/bin/x a\\ b") == Words{"/bin/x", "a b"});
  CHECK(split("/bin/x \\ \\  x") == Words{"/bin/x", "  ", "x"});
  CHECK(split("/bin/x I \\'q\\'") == Words{"/bin/x", "I", "'q'"});
  CHECK(split("/bin/x 4 \"a \\\" b\" 'c \\' d'") == Words{"/bin/x", "4", "a \" b", "c ' d"});
  CHECK(split("/bin/x E 'c\\td'") == Words{"/bin/x", "E", "c\td"});
  CHECK(split("/bin/x 6 \\b\\f\\v\\r") == Words{"/bin/x", "6", "\b\f\v\r"});
  // \E is ESC, \e is just 'e', \a is BEL, unknown letters stand for themselves.
  CHECK(split("/bin/x O \\e\\E\\a\\q") == Words{"/bin/x", "O", "e\x1b\aq"});
  // \x takes every hex digit that follows and keeps the low byte; no digit gives 'x'.
  CHECK(split("/bin/x A \\x41") == Words{"/bin/x", "A", "A"});
  CHECK(split("/bin/x 7 \\x41\\x62c \\x4g") == Words{"/bin/x", "7", "A,", "\x04g"});
  CHECK(split("/bin/x 1 \\x27a") == Words{"/bin/x", "1", "z"});
  CHECK(split("/bin/x 5 \\x \\xZ") == Words{"/bin/x", "5", "x", "xZ"});
  // Octal: up to three digits, low byte; 8 and 9 are not octal.
  CHECK(split("/bin/x 5 \\1234") == Words{"/bin/x", "5", "S4"});
  CHECK(split("/bin/x 7 \\8 \\777") == Words{"/bin/x", "7", "8", "\xff"});
  CHECK(split("/bin/x O \\cA\\101\\x4142") == Words{"/bin/x", "O", "\x01" "AB"});
  // \cC is C & 0x1f; at the very end it is a plain 'c'.
  CHECK(split("/bin/x 5 \\cz \\c? \\c") == Words{"/bin/x", "5", "\x1a", "\x1f", "c"});
  // An escaped character never separates words.
  CHECK(split("/bin/x a\\tb") == Words{"/bin/x", "a\tb"});
}

TEST_CASE("split: a NUL byte ends the word's text") {
  CHECK(split("/bin/x 5 \\0 x") == Words{"/bin/x", "5", "", "x"});
  CHECK(split("/bin/x 7 \\09 y") == Words{"/bin/x", "7", "", "y"});
  CHECK(split("/bin/x ab\\0cd ef") == Words{"/bin/x", "ab", "ef"});
}

TEST_CASE("split: no shell processing") {
  CHECK(split("/bin/x M $HOME ~ * ;|& `id` $(id)") ==
        Words{"/bin/x", "M", "$HOME", "~", "*", ";|&", "`id`", "$(id)"});
  CHECK(split("/bin/x R a#b #c !d") == Words{"/bin/x", "R", "a#b", "#c", "!d"});
}

TEST_CASE("split: unterminated quotes and a trailing backslash are errors") {
  CHECK(error_of("/bin/x 2 'abc") == "String '/bin/x 2 'abc': missing terminating '");
  CHECK(error_of("/bin/x a5 b'c") == "String '/bin/x a5 b'c': missing terminating '");
  CHECK(error_of("/bin/x a7 b\"c") == "String '/bin/x a7 b\"c': missing terminating \"");
  CHECK(error_of("/bin/x 3 abc\\") == "Missing escape char at end: '/bin/x 3 abc\\'");
  CHECK(error_of("/bin/x 'ab\\") == "Missing escape char at end: '/bin/x 'ab\\'");
}

TEST_CASE("split: a quote as the very last character is ignored") {
  CHECK(split("/bin/x a1 b'") == Words{"/bin/x", "a1", "b"});
  CHECK(split("/bin/x a2 '") == Words{"/bin/x", "a2", ""});
  CHECK(split("/bin/x a9 x\"") == Words{"/bin/x", "a9", "x"});
}

TEST_CASE("quote_command renders as keepalived's dump") {
  CHECK(quote_command({"/usr/bin/sh", "-c", "true"}) == "'/usr/bin/sh' '-c' 'true'");
  CHECK(quote_command({}) == "");
}
