// The verdict over recorded responses: status, digest, regex, and what counts as no response.
#include <doctest/doctest.h>

#include <string>

#include "http_test_util.hpp"
#include "stayalived/check/http/verdict.hpp"

using namespace stayalived;
using namespace stayalived::http;
using http_test::md5_hex;
using http_test::read_all;

namespace {
Expectation with_digest(std::string_view body) {
  Expectation e;
  e.digest = parse_digest(md5_hex(body));
  return e;
}
std::shared_ptr<const Regex> re(std::string_view pattern, std::uint32_t options = 0) {
  auto r = Regex::compile(pattern, options);
  REQUIRE(r);
  return *r;
}
}  // namespace

TEST_CASE("verdict: status codes, default 200-299") {
  const Expectation e;
  CHECK(judge(e, read_all(e, "HTTP/1.0 200 OK\r\n\r\n")) == Outcome::Ok);
  CHECK(judge(e, read_all(e, "HTTP/1.0 299 X\r\n\r\n")) == Outcome::Ok);
  CHECK(judge(e, read_all(e, "HTTP/1.0 301 Moved\r\n\r\n")) == Outcome::StatusMismatch);
  CHECK(judge(e, read_all(e, "HTTP/1.0 404 Not Found\r\n\r\nnope")) == Outcome::StatusMismatch);
  CHECK(judge(e, read_all(e, "HTTP/1.0 abc\r\n\r\n")) == Outcome::Malformed);
  CHECK(judge(e, read_all(e, "garbage\r\n\r\n")) == Outcome::Malformed);
}

TEST_CASE("verdict: status_code tokens as keepalived.conf(5) accepts them") {
  StatusCodes s;
  CHECK(s.empty());
  CHECK(s.add("200-299"));
  CHECK(s.add("400-499"));
  CHECK(s.add("503"));
  CHECK(s.add("505"));
  CHECK(s.contains(200));
  CHECK(s.contains(299));
  CHECK(s.contains(404));
  CHECK(s.contains(503));
  CHECK_FALSE(s.contains(504));
  CHECK_FALSE(s.contains(300));
  StatusCodes t;
  for (const char* bad : {"99", "600", "300-200", "2xx", "", "-", "200-", "-300", "abc", "200-600"}) {
    CAPTURE(bad);
    CHECK_FALSE(t.add(bad));
  }
  CHECK(t.empty());
  CHECK(t.add("100-599"));
  CHECK(t.contains(100));
  CHECK(t.contains(599));
  CHECK_FALSE(t.contains(600));
  CHECK_FALSE(t.contains(0));
  Expectation e;
  e.status_codes = StatusCodes();
  CHECK(e.status_codes.add("404"));
  CHECK(judge(e, read_all(e, "HTTP/1.1 404 Not Found\r\n\r\n")) == Outcome::Ok);
  CHECK(judge(e, read_all(e, "HTTP/1.1 200 OK\r\n\r\n")) == Outcome::StatusMismatch);
}

TEST_CASE("verdict: digest over the body only, in any split") {
  const std::string response = "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nhello world";
  const Expectation good = with_digest("hello world");
  const Expectation bad = with_digest("hello worlds");
  for (std::size_t piece : {0u, 1u, 3u, 17u}) {
    CAPTURE(piece);
    const Response r = read_all(good, response, piece);
    REQUIRE(r.digest);
    CHECK(to_hex(*r.digest) == md5_hex("hello world"));
    CHECK(judge(good, r) == Outcome::Ok);
    CHECK(judge(bad, read_all(bad, response, piece)) == Outcome::DigestMismatch);
  }
}

TEST_CASE("verdict: the digest is the one keepalived's genhash prints") {
  // Recorded with /usr/bin/genhash (keepalived 2.2.7) against local servers.
  const Expectation e;
  const auto digest = [&](std::string_view response) {
    const Response r = read_all(e, response, 0, {}, true);
    return to_hex(*r.digest);
  };
  CHECK(digest("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello") == "5d41402abc4b2a76b9719d911017c592");
  // Chunked: the raw framing is hashed.
  CHECK(digest("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") ==
        "fc3946cc674492e3e09d9e45c4c09023");
  // Content-Length 4 with 9 bytes sent: only 4 are hashed.
  CHECK(digest("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbodyEXTRA") == "841a2d689ad86bd1611447453c22c6fc");
  // A 404's body is hashed like any other.
  CHECK(digest("HTTP/1.0 404 Not Found\r\nContent-Length: 3\r\n\r\nnop") == "a571d969c8661fb0342afd08e571dfa0");
}

TEST_CASE("verdict: the digest is not computed unless asked for") {
  const Expectation e;
  CHECK_FALSE(read_all(e, "HTTP/1.0 200 OK\r\n\r\nx").digest);
}

TEST_CASE("verdict: no head -> NoResponse, Truncated or HeadersTooLarge") {
  const Expectation e = with_digest("");
  CHECK(judge(e, read_all(e, "")) == Outcome::NoResponse);
  CHECK(judge(e, read_all(e, "HTTP/1.0 200 OK\r\nA: b\r\n")) == Outcome::Truncated);
  CHECK(judge(e, read_all(e, "hello")) == Outcome::Truncated);
  CHECK(judge(e, read_all(e, "HTTP/1.0 200 OK\nA: b\n\nbody")) == Outcome::Truncated);
  const std::string big = "HTTP/1.0 200 OK\r\nX: " + std::string(6000, 'a') + "\r\n\r\nbody";
  CHECK(judge(e, read_all(e, big, 1000)) == Outcome::HeadersTooLarge);
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += static_cast<char>(i & 0xff);
  CHECK(judge(e, read_all(e, garbage, 100)) == Outcome::Truncated);
}

TEST_CASE("verdict: a short body passes (keepalived only logs it) but is reported") {
  const Expectation e;
  const Response r = read_all(e, "HTTP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nshort");
  CHECK(judge(e, r) == Outcome::Ok);
  CHECK(r.body_short);
  CHECK(r.body_bytes == 5);
  const Response c = read_all(e, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
  CHECK(judge(e, c) == Outcome::Ok);
  CHECK(c.body_short);
  CHECK_FALSE(read_all(e, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").body_short);
}

TEST_CASE("verdict: order is status, then digest, then regex (keepalived's)") {
  Expectation e = with_digest("other");
  e.regex = re("nomatch");
  CHECK(judge(e, read_all(e, "HTTP/1.0 500 X\r\n\r\nbody")) == Outcome::StatusMismatch);
  CHECK(judge(e, read_all(e, "HTTP/1.0 200 X\r\n\r\nbody")) == Outcome::DigestMismatch);
  e.digest = parse_digest(md5_hex("body"));
  CHECK(judge(e, read_all(e, "HTTP/1.0 200 X\r\n\r\nbody")) == Outcome::RegexMismatch);
}

TEST_CASE("verdict: regex and regex_no_match") {
  Expectation e;
  e.regex = re("Welcome to [a-z]+");
  const std::string ok = "HTTP/1.0 200 OK\r\n\r\n<html>Welcome to nginx!</html>";
  const std::string nok = "HTTP/1.0 200 OK\r\n\r\n<html>502 Bad Gateway</html>";
  for (std::size_t piece : {0u, 1u, 5u, 24u}) {
    CAPTURE(piece);
    CHECK(judge(e, read_all(e, ok, piece)) == Outcome::Ok);
    CHECK(judge(e, read_all(e, nok, piece)) == Outcome::RegexMismatch);
  }
  e.regex_no_match = true;
  CHECK(judge(e, read_all(e, ok)) == Outcome::RegexMismatch);
  CHECK(judge(e, read_all(e, nok)) == Outcome::Ok);
}

TEST_CASE("verdict: the regex searches the body, not the headers") {
  Expectation e;
  e.regex = re("Server: secret");
  CHECK(judge(e, read_all(e, "HTTP/1.0 200 OK\r\nServer: secret\r\n\r\nbody")) == Outcome::RegexMismatch);
}

TEST_CASE("verdict: digest parsing") {
  CHECK(parse_digest("5d41402abc4b2a76b9719d911017c592"));
  CHECK(parse_digest("5D41402ABC4B2A76B9719D911017C592") == parse_digest("5d41402abc4b2a76b9719d911017c592"));
  CHECK_FALSE(parse_digest("5d41402abc4b2a76b9719d911017c59"));
  CHECK_FALSE(parse_digest("5d41402abc4b2a76b9719d911017c5922"));
  CHECK_FALSE(parse_digest("5d41402abc4b2a76b9719d911017c59g"));
  CHECK_FALSE(parse_digest("+d41402abc4b2a76b9719d911017c592"));
}

TEST_CASE("outcome names and keepalived's wording") {
  CHECK(to_string(Outcome::ConnectTimeout) == "ConnectTimeout");
  CHECK(to_string(Outcome::RegexMismatch) == "RegexMismatch");
  CHECK(keepalived_reason(Outcome::ConnectRefused, false) == "Connection failed");
  CHECK(keepalived_reason(Outcome::ResponseTimeout, false) == "Timeout WEB read");
  CHECK(keepalived_reason(Outcome::ReadTimeout, false) == "Timeout HTTP read");
  CHECK(keepalived_reason(Outcome::ReadTimeout, true) == "Timeout SSL read");
  CHECK(keepalived_reason(Outcome::DigestMismatch, false) == "MD5 digest error to");
  CHECK(keepalived_reason(Outcome::StatusMismatch, true) == "HTTP status code error to");
  CHECK(keepalived_reason(Outcome::Ok, false).empty());
  CHECK(is_transport_failure(Outcome::ConnectionReset));
  CHECK_FALSE(is_transport_failure(Outcome::DigestMismatch));
  CHECK_FALSE(is_transport_failure(Outcome::Ok));
}
