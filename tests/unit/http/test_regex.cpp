// The streaming regex scanner: a match must not depend on how the body was cut into pieces.
#include <doctest/doctest.h>

#include <string>

#include "http_test_util.hpp"
#include "stayalived/check/http/regex.hpp"

using namespace stayalived::http;
using http_test::bytes;

namespace {

std::shared_ptr<const Regex> compile(std::string_view pattern, std::uint32_t options = 0) {
  auto r = Regex::compile(pattern, options);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error()));
  return *r;
}

bool scan(const std::shared_ptr<const Regex>& re, std::string_view body, std::size_t piece,
          std::size_t min = 0, std::optional<std::size_t> max = std::nullopt, std::size_t keep = RegexScanner::kDefaultMaxKeep) {
  RegexScanner s(re, min, max, keep);
  for (std::size_t i = 0; i < body.size(); i += piece) s.feed(bytes(body.substr(i, piece)));
  s.finish();
  return s.matched();
}

// The answer must be the same for every piece size.
void expect_everywhere(const std::shared_ptr<const Regex>& re, std::string_view body, bool expected,
                       std::size_t min = 0, std::optional<std::size_t> max = std::nullopt) {
  for (std::size_t piece = 1; piece <= body.size() + 1; ++piece) {
    CAPTURE(piece);
    CHECK(scan(re, body, piece, min, max) == expected);
  }
}

std::uint32_t opt(std::string_view name) {
  const auto f = regex_option_flag(name);
  REQUIRE(f);
  return *f;
}

}  // namespace

TEST_CASE("regex: literal and class patterns across every split") {
  const std::string body = "<html><body>Status: all systems operational</body></html>";
  expect_everywhere(compile("all systems operational"), body, true);
  expect_everywhere(compile("Status: [a-z ]+operational"), body, true);
  expect_everywhere(compile("degraded"), body, false);
  expect_everywhere(compile("operational</body>\\s*</html>"), body, true);
}

TEST_CASE("regex: anchors mean the start and end of the body, not of a piece") {
  const std::string body = "first line\nsecond line\nlast";
  expect_everywhere(compile("^first"), body, true);
  expect_everywhere(compile("^second"), body, false);
  expect_everywhere(compile("^second", opt("multiline")), body, true);
  expect_everywhere(compile("last$"), body, true);
  expect_everywhere(compile("line$"), body, false);
  expect_everywhere(compile("line$", opt("multiline")), body, true);
  expect_everywhere(compile("\\Afirst"), body, true);
  expect_everywhere(compile("\\Asecond"), body, false);
  expect_everywhere(compile("t\\z"), body, true);
}

TEST_CASE("regex: lookbehind and word boundaries see bytes from the previous piece") {
  const std::string body = "xxxx price: 42 EUR yyyy";
  expect_everywhere(compile("(?<=price: )42"), body, true);
  expect_everywhere(compile("(?<=cost: )42"), body, false);
  expect_everywhere(compile("\\b42\\b"), body, true);
  expect_everywhere(compile("\\bice"), body, false);
}

TEST_CASE("regex: options from regex_options") {
  expect_everywhere(compile("HELLO", opt("caseless")), "say hello", true);
  expect_everywhere(compile("HELLO"), "say hello", false);
  expect_everywhere(compile("a.b", opt("dotall")), "a\nb", true);
  expect_everywhere(compile("a.b"), "a\nb", false);
  expect_everywhere(compile("h e l l o", opt("extended")), "hello", true);
  expect_everywhere(compile("caf\\x{e9}", opt("utf")), "un caf\xc3\xa9 noir", true);
  CHECK_FALSE(regex_option_flag("no_such_option"));
  CHECK(regex_option_flag("use_offset_limit"));
}

TEST_CASE("regex: invalid UTF-8 in a body never matches, and does not spoil the rest (fuzz finding)") {
  const auto re = compile("caf\\x{e9}|\\p{L}{3}", opt("utf") | opt("caseless"));
  expect_everywhere(re, "<\xf8\x1a d=12 Welcome", true);  // "Welcome" is after the bad byte
  expect_everywhere(re, "\xf8\xc3\xa9\xff 12 34", false);
  expect_everywhere(compile("\\x{e9}", opt("utf")), "\xff\xc3\xa9", true);
}

TEST_CASE("regex: regex_min_offset and regex_max_offset bound where a match may start") {
  const std::string body = "0123456789abcdefMATCH0123456789";  // MATCH starts at offset 16
  const auto re = compile("MATCH");
  expect_everywhere(re, body, true, 0, std::nullopt);
  expect_everywhere(re, body, true, 16, std::nullopt);
  expect_everywhere(re, body, false, 17, std::nullopt);
  expect_everywhere(re, body, true, 0, 16);
  expect_everywhere(re, body, false, 0, 15);
  expect_everywhere(re, body, true, 10, 20);
}

TEST_CASE("regex: an empty body does not match (keepalived never runs the regex on it)") {
  RegexScanner s(compile(".*"));
  s.finish();
  CHECK_FALSE(s.matched());
}

TEST_CASE("regex: a partial match longer than the window is dropped, not stored") {
  const auto re = compile("<start>[a-z]*<end>");
  const std::string body = "<start>" + std::string(10000, 'a') + "<end>";
  CHECK(scan(re, body, 100, 0, std::nullopt, 20000));
  RegexScanner s(re, 0, std::nullopt, 1000);
  for (std::size_t i = 0; i < body.size(); i += 100) s.feed(bytes(std::string_view(body).substr(i, 100)));
  s.finish();
  CHECK_FALSE(s.matched());
  CHECK(s.dropped_partials() >= 1);
}

TEST_CASE("regex: invalid patterns are reported like keepalived") {
  auto r = Regex::compile("a(b");
  REQUIRE_FALSE(r);
  CHECK(r.error().find("Invalid regex: 'a(b' at offset 3:") == 0);
}

TEST_CASE("regex: a large body costs no more than the window") {
  const auto re = compile("needle");
  RegexScanner s(re);
  const std::string hay(4096, 'h');
  for (int i = 0; i < 1000; ++i) s.feed(bytes(hay));
  s.feed(bytes("..needle.."));
  s.finish();
  CHECK(s.matched());
}
