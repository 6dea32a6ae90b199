// The incremental response parser over recorded responses, fed whole and in every split.
#include <doctest/doctest.h>

#include <string>

#include "http_test_util.hpp"
#include "stayalived/check/http/response.hpp"

using namespace stayalived::http;
using http_test::bytes;

namespace {

struct Parsed {
  ResponseParser::State state;
  int status;
  std::string body;  // the body bytes that count, concatenated
  bool complete;
  std::string head;
  bool framing_error;
};

Parsed parse(std::string_view response, std::size_t piece, ResponseLimits limits = {}) {
  ResponseParser p(limits);
  std::string body;
  for (std::size_t i = 0; i < response.size(); i += piece) {
    const auto step = p.feed(bytes(response.substr(i, piece)));
    body.append(reinterpret_cast<const char*>(step.body.data()), step.body.size());
  }
  return {p.state(), p.head().status, body, p.message_complete(), std::string(p.head_bytes()),
          p.framing_error()};
}

// Every split of the response into pieces gives the same result.
void check_all_splits(std::string_view response, const Parsed& expected, ResponseLimits limits = {}) {
  for (std::size_t piece = 1; piece <= response.size(); ++piece) {
    CAPTURE(piece);
    const Parsed p = parse(response, piece, limits);
    CHECK(p.state == expected.state);
    CHECK(p.status == expected.status);
    CHECK(p.body == expected.body);
    CHECK(p.complete == expected.complete);
    CHECK(p.head == expected.head);
    CHECK(p.framing_error == expected.framing_error);
  }
}

}  // namespace

TEST_CASE("response: Content-Length caps the body, and completes the message") {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\n";
  check_all_splits(head + "helloEXTRA", {ResponseParser::State::Body, 200, "hello", true, head, false});
  check_all_splits(head + "hel", {ResponseParser::State::Body, 200, "hel", false, head, false});
}

TEST_CASE("response: a close-delimited body is every byte after the head, never complete") {
  const std::string head = "HTTP/1.0 200 OK\r\nA: b\r\n\r\n";
  check_all_splits(head + "hello world", {ResponseParser::State::Body, 200, "hello world", false, head, false});
}

TEST_CASE("response: chunked bodies are hashed raw (as keepalived) and end after the last chunk") {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string body = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n";
  check_all_splits(head + body, {ResponseParser::State::Body, 200, body, true, head, false});
  // Cut before the last chunk: not complete.
  check_all_splits(head + body.substr(0, 20), {ResponseParser::State::Body, 200, body.substr(0, 20), false, head, false});
  // Bytes after the end still count (keepalived hashes to the close); the message is complete.
  check_all_splits(head + body + "junk", {ResponseParser::State::Body, 200, body + "junk", true, head, false});
}

TEST_CASE("response: broken chunk framing falls back to the close, without failing") {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n";
  check_all_splits(head + "zz\r\nxx", {ResponseParser::State::Body, 200, "zz\r\nxx", false, head, true});
  check_all_splits(head + "3\r\nabcX\r\n", {ResponseParser::State::Body, 200, "3\r\nabcX\r\n", false, head, true});
  // A chunk size of 16 hex digits cannot be real.
  check_all_splits(head + "1000000000000000\r\n", {ResponseParser::State::Body, 200, "1000000000000000\r\n", false, head, true});
}

TEST_CASE("response: Content-Length wins over chunked, as keepalived caps its digest at it") {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n";
  check_all_splits(head + "5\r\nhello\r\n0\r\n\r\n", {ResponseParser::State::Body, 200, "5\r\nh", true, head, false});
}

TEST_CASE("response: 204, 304 and 1xx have no body and Content-Length 0 is complete at once") {
  for (const char* status : {"204 No Content", "304 Not Modified", "101 Switching"}) {
    CAPTURE(status);
    const std::string head = std::string("HTTP/1.1 ") + status + "\r\n\r\n";
    const Parsed p = parse(head, head.size());
    CHECK(p.complete);
    CHECK(p.state == ResponseParser::State::Body);
  }
  CHECK(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 7).complete);
}

TEST_CASE("response: the head must end with CRLF CRLF (bare LF is not a head, as in keepalived)") {
  const Parsed p = parse("HTTP/1.0 200 OK\nA: b\n\nbody", 3);
  CHECK(p.state == ResponseParser::State::Head);
  CHECK(p.body.empty());
}

TEST_CASE("response: a head that does not end within the limit stops the parser") {
  const std::string big = "HTTP/1.0 200 OK\r\nX: " + std::string(6000, 'a') + "\r\n\r\nbody";
  for (std::size_t piece : {1u, 100u, 4096u, 7000u}) {
    CAPTURE(piece);
    ResponseParser p;
    std::size_t head_taken = 0;
    for (std::size_t i = 0; i < big.size(); i += piece) head_taken += p.feed(bytes(std::string_view(big).substr(i, piece))).head;
    CHECK(p.state() == ResponseParser::State::HeadTooLarge);
    CHECK(p.head_bytes().size() == 4096);
    CHECK(head_taken == 4096);
    CHECK(p.head_room() == 0);
    CHECK(p.received() == big.size());
  }
  // Exactly at the limit is fine.
  const std::string exact = "HTTP/1.0 200 OK\r\nX: " + std::string(4096 - 17 - 3 - 4, 'a') + "\r\n\r\n";
  REQUIRE(exact.size() == 4096);
  CHECK(parse(exact + "b", 1).state == ResponseParser::State::Body);
  CHECK(parse(exact + "b", 4097).body == "b");
  // A smaller limit.
  CHECK(parse("HTTP/1.0 200 OK\r\n\r\n", 1, {.max_head_bytes = 10}).state == ResponseParser::State::HeadTooLarge);
}

TEST_CASE("response: head_room tells a reader how much the head may still take") {
  ResponseParser p;
  CHECK(p.head_room() == 4096);
  (void)p.feed(bytes("HTTP/1.0 200 OK\r\nA"));
  CHECK(p.head_room() == 4096 - 18);
  (void)p.feed(bytes(": b\r\n\r\nxyz"));
  CHECK(p.head_complete());
  CHECK(p.head_room() == 0);
  CHECK(p.body_bytes() == 3);
}

TEST_CASE("response: status lines") {
  CHECK(parse_status_line("HTTP/1.1 200 OK") == 200);
  CHECK(parse_status_line("HTTP/1.0 404") == 404);
  CHECK(parse_status_line("HTTP/1.1 503 Service Unavailable") == 503);
  CHECK(parse_status_line("ICY 200 OK") == 200);
  CHECK(parse_status_line("HTTP/1.1 99 OK") == 0);
  CHECK(parse_status_line("HTTP/1.1 2000 OK") == 0);
  CHECK(parse_status_line("HTTP/1.1 OK") == 0);
  CHECK(parse_status_line("garbage") == 0);
  CHECK(parse_status_line("") == 0);
}

TEST_CASE("response: header fields") {
  SUBCASE("names are case-insensitive, values trimmed") {
    ResponseParser p;
    (void)p.feed(bytes("HTTP/1.1 200 OK\r\ncontent-LENGTH: \t 3 \r\n\r\n"));
    REQUIRE(p.head().content_length);
    CHECK(*p.head().content_length == 3);
    CHECK(p.head().framing == BodyFraming::ContentLength);
  }
  SUBCASE("an unreadable Content-Length is ignored (read to the close)") {
    ResponseParser p;
    (void)p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n"));
    CHECK_FALSE(p.head().content_length);
    CHECK(p.head().framing == BodyFraming::UntilClose);
  }
  SUBCASE("conflicting Content-Lengths are both ignored") {
    ResponseParser p;
    (void)p.feed(bytes("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcdef"));
    CHECK_FALSE(p.head().content_length);
    CHECK(p.body_bytes() == 6);
  }
  SUBCASE("Transfer-Encoding: only a final chunked counts") {
    ResponseParser p;
    (void)p.feed(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"));
    CHECK_FALSE(p.head().chunked);
    CHECK(p.head().framing == BodyFraming::UntilClose);
  }
  SUBCASE("garbage lines are skipped") {
    ResponseParser p;
    (void)p.feed(bytes("HTTP/1.1 200 OK\r\nnocolon\r\n folded\r\n: empty\r\n\r\n"));
    CHECK(p.head_complete());
    CHECK(p.head().status == 200);
  }
}
