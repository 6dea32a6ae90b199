// DNS_CHECK codec over fixed bytes (RFC 1035 section 4.1): the query byte for byte, and
// responses built from the wire format, including hostile ones.
#include <doctest/doctest.h>

#include <initializer_list>
#include <vector>

#include "stayalived/check/dns.hpp"

using namespace stayalived::check;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an,
             std::uint16_t ns = 0, std::uint16_t ar = 0) {
  auto b = [](std::uint16_t v) { return Bytes{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}; };
  return cat({b(id), b(flags), b(qd), b(an), b(ns), b(ar)});
}

// The answer to ". SOA" a root server gives (a.root-servers.net. nstld.verisign-grs.com.).
Bytes soa_response(std::uint16_t id, std::uint16_t flags = 0x8180) {
  const Bytes question = {0x00, 0x00, 0x06, 0x00, 0x01};
  const Bytes mname = {1, 'a', 12, 'r', 'o', 'o', 't', '-', 's', 'e', 'r', 'v', 'e', 'r', 's', 3, 'n', 'e', 't', 0};
  const Bytes rname = {5, 'n', 's', 't', 'l', 'd', 12, 'v', 'e', 'r', 'i', 's', 'i', 'g', 'n', '-', 'g', 'r', 's',
                       3, 'c', 'o', 'm', 0};
  const Bytes counters(20, 0x01);
  const Bytes rr = {0xC0, 0x0C, 0x00, 0x06, 0x00, 0x01, 0x00, 0x01, 0x51, 0x80, 0x00, 64};
  return cat({header(id, flags, 1, 1), question, rr, mname, rname, counters});
}

dns::Question soa_question(std::uint16_t id) { return {id, ".", DnsType::SOA}; }

}  // namespace

TEST_CASE("dns: the query for '.' SOA, byte for byte") {
  const Bytes q = dns::encode_query(0x1234, ".", DnsType::SOA);
  CHECK(q == Bytes{0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  //
                   0x00, 0x00, 0x06, 0x00, 0x01});
}

TEST_CASE("dns: names are lower-cased, the final dot optional") {
  const Bytes want = cat({header(7, 0x0100, 1, 0),
                          Bytes{7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0x00, 0x1C, 0x00, 0x01}});
  CHECK(dns::encode_query(7, "Example.COM.", DnsType::AAAA) == want);
  CHECK(dns::encode_query(7, "example.com", DnsType::AAAA) == want);
}

TEST_CASE("dns: invalid names give no query") {
  CHECK(dns::encode_query(1, std::string(64, 'a') + ".com", DnsType::A).empty());
  CHECK(dns::encode_query(1, "a..b", DnsType::A).empty());
  std::string long_name;
  for (int i = 0; i < 60; ++i) long_name += "abcd.";
  CHECK(dns::encode_query(1, long_name, DnsType::A).empty());  // over 255 octets
  CHECK_FALSE(dns::encode_query(1, std::string(63, 'a'), DnsType::A).empty());
}

TEST_CASE("dns: types by name") {
  CHECK(dns::parse_type("soa") == DnsType::SOA);
  CHECK(dns::parse_type("AAAA") == DnsType::AAAA);
  CHECK_FALSE(dns::parse_type("SRV").has_value());
}

TEST_CASE("dns: a NOERROR answer echoing the question is a success") {
  const Bytes r = soa_response(0xBEEF);
  dns::Response resp;
  REQUIRE(dns::parse_response(r, resp) == dns::ParseError::None);
  CHECK(resp.id == 0xBEEF);
  CHECK(resp.qr);
  CHECK(resp.qname == ".");
  CHECK(resp.qtype == 6);
  CHECK(resp.records_walked == 1);
  CHECK(dns::answers(resp, soa_question(0xBEEF)));
  CHECK(dns::verdict(resp, soa_question(0xBEEF)).ok());
}

TEST_CASE("dns: NOERROR with no answer records still answers the check") {
  const Bytes r = cat({header(5, 0x8180, 1, 0), Bytes{0x00, 0x00, 0x06, 0x00, 0x01}});
  dns::Response resp;
  REQUIRE(dns::parse_response(r, resp) == dns::ParseError::None);
  CHECK(dns::verdict(resp, soa_question(5)).ok());
}

TEST_CASE("dns: error rcodes fail with the rcode") {
  for (std::uint8_t rcode : {2, 3, 5}) {
    const Bytes r = soa_response(9, static_cast<std::uint16_t>(0x8180 | rcode));
    dns::Response resp;
    REQUIRE(dns::parse_response(r, resp) == dns::ParseError::None);
    const CheckResult v = dns::verdict(resp, soa_question(9));
    CHECK(v.outcome == Outcome::BadReply);
    CHECK(v.code == rcode);
  }
  CHECK(dns::rcode_name(3) == "NXDOMAIN");
}

TEST_CASE("dns: someone else's datagram is not an answer") {
  dns::Response resp;
  REQUIRE(dns::parse_response(soa_response(1), resp) == dns::ParseError::None);
  CHECK_FALSE(dns::answers(resp, soa_question(2)));
  REQUIRE(dns::parse_response(soa_response(1, 0x0100), resp) == dns::ParseError::None);  // a query
  CHECK_FALSE(dns::answers(resp, soa_question(1)));
}

TEST_CASE("dns: an answer to another question fails") {
  Bytes r = soa_response(3);
  r[14] = 0x01;  // QTYPE A instead of SOA
  dns::Response resp;
  REQUIRE(dns::parse_response(r, resp) == dns::ParseError::None);
  CHECK(dns::verdict(resp, soa_question(3)).outcome == Outcome::ProtocolError);
  const dns::Question other{3, "example.com", DnsType::SOA};
  REQUIRE(dns::parse_response(soa_response(3), resp) == dns::ParseError::None);
  CHECK(dns::verdict(resp, other).outcome == Outcome::ProtocolError);
}

TEST_CASE("dns: truncated messages are rejected at every cut") {
  const Bytes full = soa_response(4);
  for (std::size_t cut = 0; cut < full.size(); ++cut) {
    dns::Response resp;
    const auto e = dns::parse_response(std::span(full.data(), cut), resp);
    CHECK_MESSAGE(e != dns::ParseError::None, "cut at " << cut);
  }
}

TEST_CASE("dns: compression pointer loops and forward pointers are rejected") {
  dns::Response resp;
  // The answer's name points at itself.
  Bytes self = cat({header(1, 0x8180, 1, 1), Bytes{0x00, 0x00, 0x06, 0x00, 0x01}, Bytes{0xC0, 17},
                    Bytes{0, 6, 0, 1, 0, 0, 0, 0, 0, 0}});
  CHECK(dns::parse_response(self, resp) == dns::ParseError::PointerLoop);
  // A forward pointer.
  Bytes fwd = cat({header(1, 0x8180, 1, 1), Bytes{0x00, 0x00, 0x06, 0x00, 0x01}, Bytes{0xC0, 40},
                   Bytes{0, 6, 0, 1, 0, 0, 0, 0, 0, 0}});
  CHECK(dns::parse_response(fwd, resp) == dns::ParseError::PointerLoop);
  // Backward pointers that cycle through labels: offset 17 = "x" then pointer to 17.
  Bytes cycle = cat({header(1, 0x8180, 1, 1), Bytes{0x00, 0x00, 0x06, 0x00, 0x01}, Bytes{1, 'x', 0xC0, 17},
                     Bytes{0, 6, 0, 1, 0, 0, 0, 0, 0, 0}});
  CHECK(dns::parse_response(cycle, resp) != dns::ParseError::None);
}

TEST_CASE("dns: reserved label types and absurd counts are rejected") {
  dns::Response resp;
  Bytes ext = cat({header(1, 0x8180, 1, 0), Bytes{0x41, 0x00, 0x00, 0x06, 0x00, 0x01}});
  CHECK(dns::parse_response(ext, resp) == dns::ParseError::BadName);
  Bytes many = header(1, 0x8180, 1, 0xFFFF);
  many.resize(100, 0);
  CHECK(dns::parse_response(many, resp) == dns::ParseError::TooManyRecords);
}
