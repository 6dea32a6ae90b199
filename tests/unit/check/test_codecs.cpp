// UDP_CHECK hex strings and reply patterns, ICMP echo, script words, log and FIFO texts.
#include <doctest/doctest.h>

#include "stayalived/check/icmp.hpp"
#include "stayalived/check/notify.hpp"
#include "stayalived/check/udp.hpp"

using namespace stayalived::check;

namespace {
std::vector<std::uint8_t> hex_bytes(const char* s) { return udp::to_bytes(*udp::parse_hex(s, false)); }
Endpoint ep(const char* a, std::uint16_t port) { return Endpoint{*IpAddress::parse(a), port}; }
}  // namespace

TEST_CASE("udp: HEX_STR as keepalived.conf(5) spells it out") {
  CHECK(hex_bytes("Ab12f 3 456 546443123") ==
        std::vector<std::uint8_t>{0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03});
  CHECK_FALSE(udp::parse_hex("12 zz", false).has_value());
  CHECK_FALSE(udp::parse_hex("1x", false).has_value());
  const auto w = udp::parse_hex("1x", true);
  REQUIRE(w.has_value());
  CHECK((*w)[1].wildcard);
}

TEST_CASE("udp: reply verdict: lengths, pattern up to the shorter, X nibbles ignored") {
  UdpCheck spec;
  spec.require_reply = true;
  spec.reply_pattern = *udp::parse_hex("AB x2 FF", true);
  spec.min_reply_length = 2;
  spec.max_reply_length = 4;
  const std::vector<std::uint8_t> good{0xAB, 0x72};
  CHECK(udp::verdict(spec, good).ok());  // shorter than the pattern: compared over 2 bytes
  const std::vector<std::uint8_t> good3{0xAB, 0x02, 0xFF};
  CHECK(udp::verdict(spec, good3).ok());
  const std::vector<std::uint8_t> bad{0xAB, 0x73};
  CHECK(udp::verdict(spec, bad).outcome == Outcome::BadReply);
  const std::vector<std::uint8_t> short1{0xAB};
  CHECK(udp::verdict(spec, short1).outcome == Outcome::BadReply);
  const std::vector<std::uint8_t> long5{0xAB, 0x02, 0xFF, 0, 0};
  CHECK(udp::verdict(spec, long5).outcome == Outcome::BadReply);
}

TEST_CASE("icmp: RFC 1071 checksum example") {
  const std::uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(icmp::checksum(data) == 0x220d);
}

TEST_CASE("icmp: echo request and the matching reply") {
  const std::uint8_t payload[] = {1, 2, 3, 4, 5};
  auto req = icmp::encode_echo(Family::Inet, 0x1111, 0x0203, payload);
  REQUIRE(req.size() == 13);
  CHECK(req[0] == 8);
  CHECK(icmp::checksum(req) == 0);

  auto reply = req;
  reply[0] = 0;
  reply[2] = reply[3] = 0;
  const auto c = icmp::checksum(reply);
  reply[2] = static_cast<std::uint8_t>(c >> 8);
  reply[3] = static_cast<std::uint8_t>(c);
  CHECK(icmp::match_echo_reply(Family::Inet, reply, false, true, 0x1111, 0x0203, payload) == icmp::Match::Reply);
  CHECK(icmp::match_echo_reply(Family::Inet, reply, false, true, 0x1112, 0x0203, payload) == icmp::Match::Unrelated);
  CHECK(icmp::match_echo_reply(Family::Inet, reply, false, false, 0x1112, 0x0203, payload) == icmp::Match::Reply);
  CHECK(icmp::match_echo_reply(Family::Inet, reply, false, true, 0x1111, 0x0204, payload) == icmp::Match::Unrelated);
  CHECK(icmp::match_echo_reply(Family::Inet, req, false, true, 0x1111, 0x0203, payload) == icmp::Match::Unrelated);
  const std::uint8_t other[] = {1, 2, 3, 4, 6};
  CHECK(icmp::match_echo_reply(Family::Inet, reply, false, true, 0x1111, 0x0203, other) == icmp::Match::Malformed);

  std::vector<std::uint8_t> with_ip(20, 0);
  with_ip[0] = 0x45;
  with_ip.insert(with_ip.end(), reply.begin(), reply.end());
  CHECK(icmp::match_echo_reply(Family::Inet, with_ip, true, true, 0x1111, 0x0203, payload) == icmp::Match::Reply);
  with_ip[0] = 0x4F;  // IHL beyond the datagram
  CHECK(icmp::match_echo_reply(Family::Inet, std::span(with_ip.data(), 30), true, true, 0x1111, 0x0203, payload) ==
        icmp::Match::Malformed);
  CHECK(icmp::match_echo_reply(Family::Inet, std::span(reply.data(), 7), false, true, 0x1111, 0x0203, payload) ==
        icmp::Match::Malformed);

  auto req6 = icmp::encode_echo(Family::Inet6, 1, 2, payload);
  CHECK(req6[0] == 128);
  CHECK(req6[2] == 0);  // the kernel fills the ICMPv6 checksum
}

TEST_CASE("texts: services, FIFO lines and alerts in keepalived's shape") {
  const Endpoint rs = ep("192.0.2.11", 80);
  VirtualServerKey vs;
  vs.endpoint = ep("192.0.2.100", 80);
  CHECK(format_service(rs, Protocol::Tcp) == "[192.0.2.11]:tcp:80");
  CHECK(format_service(ep("2001:db8::1", 53), Protocol::Udp) == "[2001:db8::1]:udp:53");
  CHECK(fifo_rs_line(rs, vs, true) == "RS [192.0.2.11]:tcp:80 [192.0.2.100]:tcp:80 UP");
  CHECK(fifo_vs_line(vs, false) == "VS [192.0.2.100]:tcp:80 DOWN");
  const Alert a = rs_alert("lb1", rs, vs, false, checker_message("TCP_CHECK", false, {}, rs));
  CHECK(a.subject == "[lb1] Realserver [192.0.2.11]:tcp:80 of virtual server [192.0.2.100]:tcp:80 - DOWN");
  CHECK(a.body == "=> TCP CHECK failed on service <=");
  CHECK(checker_message("MISC_CHECK", true, {}, rs) == "MISC CHECK succeeded on service");
  CHECK(checker_message("PING_CHECK", false, {}, rs) == "ICMP CHECK failed on service");
  CHECK(checker_message("SMTP_CHECK", false, CheckResult::failure(Outcome::ConnectRefused), ep("127.0.0.1", 2526)) ==
        "CHECK failed on service : Could not connect to server [127.0.0.1]:2526");
  VirtualServerKey fw;
  fw.kind = VirtualServerKey::Kind::Fwmark;
  fw.fwmark = 7;
  CHECK(format_vs(fw) == "FWM 7");
  CHECK(fifo_rs_line(ep("127.0.0.1", 0), fw, false) == "RS [127.0.0.1]:none:0 FWM 7 DOWN");
  VirtualServerKey group;
  group.kind = VirtualServerKey::Kind::Group;
  group.group = "VSG1";
  CHECK(fifo_vs_line(group, true) == "VS [VSG1]:0 UP");
  const Alert q = quorum_alert("lb1", vs, QuorumEvent::Gained, 2, 1, 4);
  CHECK(q.subject == "[lb1] Virtualserver [192.0.2.100]:tcp:80 - UP");
  CHECK(q.body == "=> Gained quorum 2+1=3 <= 4 <=");
  CHECK(quorum_alert("lb1", vs, QuorumEvent::Lost, 2, 1, 0).body == "=> Lost quorum 2+1=1 <= 0 <=");
  CHECK(quorum_alert("lb1", fw, QuorumEvent::StartingUp, 2, 1, 8).body == "=> Starting with quorum up 2+1=3 <= 8 <=");
  CheckerDef d;
  d.kind = HttpCheck{.tls = true};
  CHECK(kind_name(d.kind) == "SSL_GET");
  CHECK(script_text(ScriptDef{{"/bin/x", "a b"}, {}, {}}) == "/bin/x a b");
}
