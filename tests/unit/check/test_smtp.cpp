// SMTP reply parser (RFC 5321 section 4.2) over recorded server bytes.
#include <doctest/doctest.h>

#include <string>

#include "stayalived/check/smtp.hpp"

using namespace stayalived::check::smtp;

TEST_CASE("smtp: a greeting") {
  ReplyParser p;
  CHECK(p.feed("220 mail.example.org ESMTP Postfix (Debian/GNU)\r\n") == Status::Complete);
  CHECK(p.code() == 220);
  CHECK(p.text() == "mail.example.org ESMTP Postfix (Debian/GNU)");
  CHECK(positive(p.code()));
}

TEST_CASE("smtp: one byte at a time") {
  const std::string reply = "250 mail.example.org\r\n";
  ReplyParser p;
  for (std::size_t i = 0; i + 1 < reply.size(); ++i) CHECK(p.feed(reply.substr(i, 1)) == Status::NeedMore);
  CHECK(p.feed(reply.substr(reply.size() - 1)) == Status::Complete);
  CHECK(p.code() == 250);
}

TEST_CASE("smtp: multi-line replies end at the line without '-'") {
  ReplyParser p;
  CHECK(p.feed("250-mail.example.org\r\n250-PIPELINING\r\n") == Status::NeedMore);
  CHECK(p.feed("250-SIZE 10240000\r\n250 8BITMIME\r\n") == Status::Complete);
  CHECK(p.lines() == 4);
  CHECK(p.text() == "8BITMIME");
}

TEST_CASE("smtp: bare LF and code-only lines are accepted") {
  ReplyParser p;
  CHECK(p.feed("221\n") == Status::Complete);
  CHECK(p.code() == 221);
  p.reset();
  CHECK(p.feed("554 no thanks\n") == Status::Complete);
  CHECK_FALSE(positive(p.code()));
}

TEST_CASE("smtp: garbage is an error") {
  ReplyParser p;
  CHECK(p.feed("HTTP/1.1 400 Bad Request\r\n") == Status::Error);
  CHECK(p.error() == Error::BadCode);
  p.reset();
  CHECK(p.feed("600 nope\r\n") == Status::Error);
  CHECK(p.error() == Error::BadCode);
  p.reset();
  CHECK(p.feed("220x\r\n") == Status::Error);
  CHECK(p.error() == Error::BadSeparator);
  p.reset();
  CHECK(p.feed("\r\n") == Status::Error);
  p.reset();
  CHECK(p.feed("250-a\r\n251 b\r\n") == Status::Error);
  CHECK(p.error() == Error::CodeChanged);
}

TEST_CASE("smtp: bounded: long lines, endless continuation, trailing bytes") {
  ReplyParser p;
  CHECK(p.feed("220 " + std::string(600, 'x')) == Status::Error);
  CHECK(p.error() == Error::LineTooLong);
  p.reset();
  CHECK(p.feed("220 " + std::string(kMaxLine - 6, 'x') + "\r\n") == Status::Complete);
  p.reset();
  std::string many;
  for (std::size_t i = 0; i < kMaxLines + 1; ++i) many += "250-x\r\n";
  CHECK(p.feed(many) == Status::Error);
  CHECK(p.error() == Error::TooManyLines);
  p.reset();
  CHECK(p.feed("220 hi\r\n250 what\r\n") == Status::Error);
  CHECK(p.error() == Error::TrailingData);
}
