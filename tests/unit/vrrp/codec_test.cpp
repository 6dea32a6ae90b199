// Codec: every advert captured from keepalived 2.2.7 decodes and re-encodes byte for byte;
// hostile variants are refused with the right named reason.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "fixtures.hpp"
#include "stayalived/vrrp/codec.hpp"

using namespace stayalived;
using namespace stayalived::vrrp;
using vrrp_test::hex;
using vrrp_test::ip;
using vrrp_test::unhex;

namespace {

// The passwords of the capture config (tests/netns/vrrp/lib/capture-keepalived.sh).
AuthKey key_for_vrid(std::uint8_t vrid) {
  if (vrid == 11) return make_auth_key("secret12345");
  if (vrid == 12) return make_auth_key("abcd");
  return AuthKey{};
}

Expected<Received, DropReason> decode(const vrrp_test::Fixture& f, const DecodeOptions& o = {}) {
  DecodeOptions opts = o;
  if (!opts.group) opts.group = traits(f.family).default_group;
  if (f.family == Family::Inet) return decode_ipv4(f.bytes, opts);
  return decode_ipv6(f.bytes, Ipv6Meta{f.source, f.destination, f.ttl}, opts);
}

const vrrp_test::Fixture& fixture(const std::string& name) {
  static const auto all = vrrp_test::load_fixtures("keepalived-2.2.7.fixtures");
  for (const auto& f : all)
    if (f.name == name) return f;
  FAIL("no fixture " << name);
  throw std::logic_error("unreachable");
}

// Re-computes the IPv4 header checksum and the VRRP checksum after a mutation, so that
// the test reaches the check it aims at.
void fix_checksums(std::vector<std::uint8_t>& p) {
  const std::size_t ihl = std::size_t{p[0] & 0x0fu} * 4;
  p[10] = p[11] = 0;
  const auto hc = inet_checksum(std::span(p).first(ihl));
  p[10] = static_cast<std::uint8_t>(hc >> 8);
  p[11] = static_cast<std::uint8_t>(hc);
  if (p[9] != kProtoVrrp) return;
  auto m = std::span(p).subspan(ihl);
  m[6] = m[7] = 0;
  std::uint32_t partial = 0;
  if ((m[0] >> 4) == 3) {
    std::vector<std::uint8_t> ph(p.begin() + 12, p.begin() + 20);
    ph.push_back(0);
    ph.push_back(kProtoVrrp);
    ph.push_back(static_cast<std::uint8_t>(m.size() >> 8));
    ph.push_back(static_cast<std::uint8_t>(m.size()));
    for (std::size_t i = 0; i < ph.size(); i += 2) partial += static_cast<std::uint32_t>((ph[i] << 8) | ph[i + 1]);
  }
  const auto c = inet_checksum(m, partial);
  m[6] = static_cast<std::uint8_t>(c >> 8);
  m[7] = static_cast<std::uint8_t>(c);
}

}  // namespace

TEST_CASE("IpAddress parses, prints and orders addresses numerically") {
  CHECK(ip("192.0.2.1").to_string() == "192.0.2.1");
  CHECK(ip("2001:db8::1").to_string() == "2001:db8::1");
  CHECK(ip("192.0.2.1") < ip("192.0.2.2"));
  CHECK(ip("192.0.2.9") < ip("192.0.2.10"));
  CHECK(ip("10.0.0.1") < ip("2001:db8::1"));  // family first
  CHECK(ip("fe80::1").is_link_local());
  CHECK_FALSE(ip("2001:db8::1").is_link_local());
  CHECK(ip("224.0.0.18").is_multicast());
  CHECK(ip("ff02::12").is_multicast());
  CHECK_FALSE(IpAddress::parse("192.0.2.256"));
  CHECK_FALSE(IpAddress::parse(""));
  CHECK(IpAddress::v4(0xc0000201u) == ip("192.0.2.1"));
  CHECK(traits(Family::Inet).default_group == ip("224.0.0.18"));
  CHECK(traits(Family::Inet6).default_group == ip("ff02::12"));
}

TEST_CASE("inet_checksum follows RFC 1071") {
  // RFC 1071 section 3 example: the sum of these words is 0xddf2.
  const std::vector<std::uint8_t> d{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  CHECK(inet_checksum(d) == static_cast<std::uint16_t>(~0xddf2));
  const std::vector<std::uint8_t> odd{0x01};
  CHECK(inet_checksum(odd) == static_cast<std::uint16_t>(~0x0100));
}

TEST_CASE("make_auth_key keeps keepalived's first 8 characters") {
  const auto k = make_auth_key("secret12345");
  CHECK(std::string(k.begin(), k.end()) == "secret12");
  const auto s = make_auth_key("ab");
  CHECK(s == AuthKey{'a', 'b', 0, 0, 0, 0, 0, 0});
}

TEST_CASE("every advert captured from keepalived 2.2.7 decodes and re-encodes byte for byte") {
  const auto all = vrrp_test::load_fixtures("keepalived-2.2.7.fixtures");
  REQUIRE(all.size() >= 20);
  for (const auto& f : all) {
    CAPTURE(f.name);
    auto rx = decode(f);
    REQUIRE(rx.has_value());
    CHECK(rx->source == f.source);
    CHECK(rx->destination == f.destination);
    CHECK(rx->ttl == f.ttl);
    const AuthKey key = key_for_vrid(rx->advert.vrid);
    CHECK_FALSE(verify_auth(f.bytes, *rx, rx->advert.auth_type, key).has_value());

    Frame fr;
    fr.advert = rx->advert;
    fr.source = rx->source;
    fr.destination = rx->destination;
    fr.ttl = rx->ttl;
    fr.key = key;
    fr.checksum = rx->checksum;
    fr.group = traits(f.family).default_group;
    if (f.family == Family::Inet) {
      fr.ip_id = static_cast<std::uint16_t>((f.bytes[4] << 8) | f.bytes[5]);
      if (rx->ah) fr.ah_sequence = rx->ah->sequence;
      CHECK(hex(encode_ipv4(fr)) == hex(f.bytes));
    } else {
      CHECK(hex(encode_vrrp(fr)) == hex(f.bytes));
    }
  }
}

TEST_CASE("decoded fields of keepalived's adverts") {
  SUBCASE("VRRPv2, two addresses, no authentication") {
    auto rx = decode(fixture("v2-inet-none-mcast-vrid10-prio150"));
    REQUIRE(rx);
    CHECK(rx->advert.version == 2);
    CHECK(rx->advert.vrid == 10);
    CHECK(rx->advert.priority == 150);
    CHECK(rx->advert.interval == centiseconds(100));
    CHECK(rx->advert.auth_type == AuthType::None);
    CHECK(rx->advert.addresses == std::vector{ip("192.0.2.100"), ip("192.0.2.101")});
    CHECK_FALSE(rx->ah);
  }
  SUBCASE("VRRPv2 PASS carries the first 8 characters") {
    auto rx = decode(fixture("v2-inet-pass-mcast-vrid11-prio150"));
    REQUIRE(rx);
    CHECK(rx->advert.auth_type == AuthType::Pass);
    CHECK(std::string(rx->advert.auth_data.begin(), rx->advert.auth_data.end()) == "secret12");
  }
  SUBCASE("VRRPv2 AH: SPI is the sender, sequence counts from 1") {
    auto rx = decode(fixture("v2-inet-ah-mcast-vrid12-prio150"));
    REQUIRE(rx);
    REQUIRE(rx->ah);
    CHECK(rx->ah->spi == 0xc0000201u);
    CHECK(rx->ah->sequence == 1);
    CHECK(rx->advert.auth_type == AuthType::Ah);
  }
  SUBCASE("VRRPv3 fractional interval in centiseconds") {
    auto rx = decode(fixture("v3-inet-none-mcast-vrid13-prio150"));
    REQUIRE(rx);
    CHECK(rx->advert.version == 3);
    CHECK(rx->advert.interval == centiseconds(50));
  }
  SUBCASE("VRRPv3 IPv6 with a link-local first VIP") {
    auto rx = decode(fixture("v3-inet6-none-mcast-vrid16-prio150"));
    REQUIRE(rx);
    CHECK(rx->advert.addresses == std::vector{ip("fe80::16"), ip("2001:db8::116")});
  }
  SUBCASE("keepalived's IPv6 unicast adverts leave with hop limit 64 and are accepted") {
    auto rx = decode(fixture("v3-inet6-none-ucast-vrid17-prio150"));
    REQUIRE(rx);
    CHECK(rx->ttl == 64);
  }
  SUBCASE("old_unicast_checksum: the multicast group in the pseudo-header") {
    const auto& f = fixture("v3-inet-none-ucast-oldsum-vrid18-prio150");
    auto rx = decode(f);
    REQUIRE(rx);
    CHECK(rx->checksum == ChecksumKind::MulticastPseudoHeader);
    CHECK(decode(f, DecodeOptions{traits(Family::Inet).default_group, false}).error() == DropReason::BadChecksum);
    CHECK(decode(f, DecodeOptions{ip("224.0.0.19"), true}).error() == DropReason::BadChecksum);
    auto standard = decode(fixture("v3-inet-none-ucast-vrid14-prio150"));
    REQUIRE(standard);
    CHECK(standard->checksum == ChecksumKind::Standard);
  }
  SUBCASE("priority 0 on shutdown") {
    auto rx = decode(fixture("v2-inet-none-mcast-vrid10-prio0"));
    REQUIRE(rx);
    CHECK(rx->advert.priority == kPriorityStop);
  }
  SUBCASE("address owner") {
    auto rx = decode(fixture("v2-inet-none-mcast-vrid19-prio255"));
    REQUIRE(rx);
    CHECK(rx->advert.priority == kPriorityOwner);
  }
}

TEST_CASE("hostile IPv4 adverts are refused with a named reason") {
  const auto base = fixture("v2-inet-none-mcast-vrid10-prio150").bytes;
  const auto base3 = fixture("v3-inet-none-mcast-vrid13-prio150").bytes;
  const auto ah = fixture("v2-inet-ah-mcast-vrid12-prio150").bytes;
  struct Case {
    const char* name;
    std::vector<std::uint8_t> start;
    std::function<void(std::vector<std::uint8_t>&)> mutate;
    bool fix;
    DropReason expected;
  };
  const std::vector<Case> cases = {
      {"empty", base, [](auto& p) { p.clear(); }, false, DropReason::Truncated},
      {"shorter than an IP header", base, [](auto& p) { p.resize(19); }, false, DropReason::Truncated},
      {"IP version 6 in the IPv4 header", base, [](auto& p) { p[0] = 0x65; }, false, DropReason::BadIpHeader},
      {"IHL below 5", base, [](auto& p) { p[0] = 0x44; }, false, DropReason::BadIpHeader},
      {"IHL beyond the buffer", base, [](auto& p) { p[0] = 0x4f; p.resize(40); }, false, DropReason::Truncated},
      {"total length beyond the buffer", base, [](auto& p) { p.pop_back(); }, false, DropReason::Truncated},
      {"total length shorter than the header", base, [](auto& p) { p[2] = 0; p[3] = 10; }, false,
       DropReason::BadIpHeader},
      {"a fragment (MF)", base, [](auto& p) { p[6] = 0x20; }, false, DropReason::BadIpHeader},
      {"a fragment (offset)", base, [](auto& p) { p[7] = 0x01; }, false, DropReason::BadIpHeader},
      {"not VRRP or AH", base, [](auto& p) { p[9] = 6; }, false, DropReason::BadIpHeader},
      {"TTL 254 on multicast", base, [](auto& p) { p[8] = 254; }, true, DropReason::BadTtl},
      {"TTL 1 on multicast", base3, [](auto& p) { p[8] = 1; }, true, DropReason::BadTtl},
      {"VRRP version 1", base, [](auto& p) { p[20] = 0x11; }, true, DropReason::BadVersion},
      {"VRRP version 4", base, [](auto& p) { p[20] = 0x41; }, true, DropReason::BadVersion},
      {"type 2", base, [](auto& p) { p[20] = 0x22; }, true, DropReason::BadType},
      {"count beyond the message", base, [](auto& p) { p[23] = 3; }, true, DropReason::BadLength},
      {"count short of the message", base, [](auto& p) { p[23] = 1; }, true, DropReason::BadLength},
      {"trailing bytes in the IP length", base,
       [](auto& p) { p.push_back(0); p.push_back(0); p.push_back(0); p.push_back(0); p[3] = static_cast<std::uint8_t>(p.size()); },
       true, DropReason::BadLength},
      {"VRRP header cut", base, [](auto& p) { p.resize(24); p[3] = 24; }, true, DropReason::Truncated},
      {"v2 interval 0", base, [](auto& p) { p[25] = 0; }, true, DropReason::BadInterval},
      {"v3 interval 0", base3, [](auto& p) { p[24] = 0; p[25] = 0; }, true, DropReason::BadInterval},
      {"v2 checksum wrong", base, [](auto& p) { p[31] ^= 1; }, false, DropReason::BadChecksum},
      {"v3 checksum wrong", base3, [](auto& p) { p[27] ^= 0x80; }, false, DropReason::BadChecksum},
      {"v3 spoofed source (pseudo-header)", base3, [](auto& p) { p[15] = 9; p[10] = p[11] = 0; }, false,
       DropReason::BadChecksum},
      {"auth type 3", base, [](auto& p) { p[24] = 3; }, true, DropReason::BadAuthType},
      {"auth type AH without an AH header", base, [](auto& p) { p[24] = 2; }, true, DropReason::BadAuthType},
      {"AH carrying something else than VRRP", ah, [](auto& p) { p[20] = 6; }, false, DropReason::BadAuthType},
      {"AH with a wrong length field", ah, [](auto& p) { p[21] = 5; }, false, DropReason::BadAuthType},
      {"AH header cut", ah, [](auto& p) { p.resize(40); p[3] = 40; }, false, DropReason::Truncated},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto p = c.start;
    c.mutate(p);
    if (c.fix) fix_checksums(p);
    auto rx = decode_ipv4(p, DecodeOptions{traits(Family::Inet).default_group, true});
    REQUIRE_FALSE(rx.has_value());
    CHECK(name(rx.error()) == name(c.expected));
  }
}

TEST_CASE("unicast adverts may arrive with a TTL below 255 (routed), multicast may not") {
  auto p = fixture("v3-inet-none-ucast-vrid14-prio150").bytes;
  p[8] = 64;
  fix_checksums(p);
  auto rx = decode_ipv4(p);
  REQUIRE(rx);
  CHECK(rx->ttl == 64);
}

TEST_CASE("link padding after the IP length is ignored") {
  auto p = fixture("v2-inet-none-mcast-vrid10-prio150").bytes;
  p.insert(p.end(), 14, 0);  // Ethernet minimum-frame padding
  CHECK(decode_ipv4(p).has_value());
}

TEST_CASE("hostile IPv6 adverts are refused with a named reason") {
  const auto& f = fixture("v3-inet6-none-mcast-vrid16-prio150");
  const Ipv6Meta meta{f.source, f.destination, 255};
  CHECK(decode_ipv6(f.bytes, Ipv6Meta{f.source, f.destination, 254}).error() == DropReason::BadTtl);
  CHECK(decode_ipv6(f.bytes, Ipv6Meta{f.source, f.destination, -1}).error() == DropReason::BadTtl);
  CHECK(decode_ipv6(f.bytes, Ipv6Meta{ip("192.0.2.1"), f.destination, 255}).error() == DropReason::BadIpHeader);
  auto v2 = f.bytes;
  v2[0] = 0x21;
  CHECK(decode_ipv6(v2, meta).error() == DropReason::BadVersion);
  auto bad = f.bytes;
  bad.back() ^= 1;
  CHECK(decode_ipv6(bad, meta).error() == DropReason::BadChecksum);
  CHECK(decode_ipv6(std::span(f.bytes).first(7), meta).error() == DropReason::Truncated);
  CHECK(decode_ipv6(std::span(f.bytes).first(20), meta).error() == DropReason::BadLength);
  // A spoofed source changes the pseudo-header.
  CHECK(decode_ipv6(f.bytes, Ipv6Meta{ip("fe80::666"), f.destination, 255}).error() == DropReason::BadChecksum);
}

TEST_CASE("authentication is checked against the receiving instance's settings") {
  const auto& pass = fixture("v2-inet-pass-mcast-vrid11-prio150");
  const auto& ah = fixture("v2-inet-ah-mcast-vrid12-prio150");
  const auto& none = fixture("v2-inet-none-mcast-vrid10-prio150");
  auto rp = decode(pass);
  auto ra = decode(ah);
  auto rn = decode(none);
  REQUIRE(rp);
  REQUIRE(ra);
  REQUIRE(rn);
  CHECK_FALSE(verify_auth(pass.bytes, *rp, AuthType::Pass, make_auth_key("secret12")));
  CHECK_FALSE(verify_auth(pass.bytes, *rp, AuthType::Pass, make_auth_key("secret12-and-more")));
  CHECK(verify_auth(pass.bytes, *rp, AuthType::Pass, make_auth_key("secret13")) == DropReason::AuthFailure);
  CHECK(verify_auth(pass.bytes, *rp, AuthType::None, {}) == DropReason::AuthTypeMismatch);
  CHECK(verify_auth(none.bytes, *rn, AuthType::Pass, make_auth_key("secret12")) == DropReason::AuthTypeMismatch);
  CHECK(verify_auth(ah.bytes, *ra, AuthType::Pass, make_auth_key("abcd")) == DropReason::AuthTypeMismatch);
  CHECK_FALSE(verify_auth(ah.bytes, *ra, AuthType::Ah, make_auth_key("abcd")));
  CHECK(verify_auth(ah.bytes, *ra, AuthType::Ah, make_auth_key("abce")) == DropReason::AuthFailure);

  // AH covers the IP id, addresses and TTL (keepalived does not zero the TTL), the AH
  // sequence and the VRRP message; TOS and the header checksum are mutable.
  auto check_tamper = [&](std::size_t at, bool still_valid) {
    auto p = ah.bytes;
    p[at] ^= 0x01;
    CAPTURE(at);
    CHECK(verify_auth(p, *ra, AuthType::Ah, make_auth_key("abcd")).has_value() == !still_valid);
  };
  check_tamper(1, true);    // TOS
  check_tamper(10, true);   // header checksum
  check_tamper(5, false);   // IP id
  check_tamper(8, false);   // TTL
  check_tamper(15, false);  // source
  check_tamper(31, false);  // AH sequence
  check_tamper(46, false);  // VRRP priority
  CHECK(verify_auth(std::span(ah.bytes).first(30), *ra, AuthType::Ah, make_auth_key("abcd")) == DropReason::AuthFailure);
  // A v3 advert has no authentication: fine for an instance without any.
  auto r3 = decode(fixture("v3-inet-none-mcast-vrid13-prio150"));
  REQUIRE(r3);
  CHECK_FALSE(verify_auth({}, *r3, AuthType::None, {}));
}

TEST_CASE("encode builds adverts that decode to what was encoded") {
  Frame f;
  f.advert = Advert{3, 42, 200, AuthType::None, centiseconds(10), {ip("192.0.2.50"), ip("192.0.2.51")}, {}};
  f.source = ip("192.0.2.1");
  f.destination = ip("224.0.0.18");
  f.ip_id = 7;
  const auto p = encode_ipv4(f);
  CHECK(p.size() == 20 + 8 + 8);
  CHECK(p[1] == 0xc0);  // TOS as keepalived
  CHECK(p[8] == 255);
  CHECK(inet_checksum(std::span(p).first(20)) == 0);
  auto rx = decode_ipv4(p);
  REQUIRE(rx);
  CHECK(rx->advert == f.advert);

  // The old unicast checksum is produced on request, and decodes as such.
  f.destination = ip("192.0.2.2");
  f.checksum = ChecksumKind::MulticastPseudoHeader;
  f.group = ip("224.0.0.18");
  auto old = decode_ipv4(encode_ipv4(f), DecodeOptions{ip("224.0.0.18"), true});
  REQUIRE(old);
  CHECK(old->checksum == ChecksumKind::MulticastPseudoHeader);

  // IPv6: the message alone.
  Frame g;
  g.advert = Advert{3, 5, 100, AuthType::None, centiseconds(100), {ip("2001:db8::5")}, {}};
  g.source = ip("fe80::1");
  g.destination = ip("ff02::12");
  const auto m = encode_vrrp(g);
  CHECK(m.size() == 8 + 16);
  auto r6 = decode_ipv6(m, Ipv6Meta{g.source, g.destination, 255});
  REQUIRE(r6);
  CHECK(r6->advert == g.advert);

  // VRRPv2 AH round trip with a sequence number.
  Frame a;
  a.advert = Advert{2, 7, 100, AuthType::Ah, centiseconds(100), {ip("192.0.2.7")}, {}};
  a.source = ip("192.0.2.1");
  a.destination = ip("224.0.0.18");
  a.ah_sequence = 77;
  a.key = make_auth_key("k");
  const auto pa = encode_ipv4(a);
  auto ra = decode_ipv4(pa);
  REQUIRE(ra);
  REQUIRE(ra->ah);
  CHECK(ra->ah->sequence == 77);
  CHECK_FALSE(verify_auth(pa, *ra, AuthType::Ah, make_auth_key("k")));
}

TEST_CASE("encode clamps what the wire cannot carry") {
  Frame f;
  f.source = ip("192.0.2.1");
  f.destination = ip("224.0.0.18");
  f.advert.version = 2;
  f.advert.interval = centiseconds(50);  // v2 carries whole seconds: at least 1
  auto rx = decode_ipv4(encode_ipv4(f));
  REQUIRE(rx);
  CHECK(rx->advert.interval == centiseconds(100));
  f.advert.version = 3;
  f.advert.interval = centiseconds(5000);  // 12 bits: at most 40.95 s
  rx = decode_ipv4(encode_ipv4(f));
  REQUIRE(rx);
  CHECK(rx->advert.interval == centiseconds(4095));
}

TEST_CASE("drop reasons have stable names") {
  CHECK(name(DropReason::BadTtl) == "bad_ttl");
  CHECK(name(DropReason::AddressList) == "address_list");
  CHECK(name(DropReason::OwnAdvert) == "own_advert");
  for (std::size_t i = 0; i < kDropReasons; ++i) CHECK(name(static_cast<DropReason>(i)) != "unknown");
}

TEST_CASE("peek reads what it can of refused packets, for the log") {
  auto p = fixture("v2-inet-none-mcast-vrid10-prio150").bytes;
  auto pk = peek_ipv4(p);
  CHECK(pk.vrid == std::uint8_t{10});
  CHECK(pk.version == 2);
  CHECK(pk.type == 1);
  CHECK(pk.ttl == 255);
  CHECK(pk.length == 24);
  CHECK(pk.expected == 24);
  p[23] = 5;  // count
  CHECK(peek_ipv4(p).expected == 8 + 5 * 4 + 8);
  CHECK_FALSE(peek_ipv4(std::span(p).first(10)).vrid);
  const auto ah = peek_ipv4(fixture("v2-inet-ah-mcast-vrid12-prio150").bytes);
  CHECK(ah.vrid == std::uint8_t{12});
  CHECK(ah.auth_type == 2);
  const auto& f6 = fixture("v3-inet6-none-mcast-vrid16-prio150");
  const auto p6 = peek_ipv6(f6.bytes, 200);
  CHECK(p6.vrid == std::uint8_t{16});
  CHECK(p6.ttl == 200);
  CHECK(p6.expected == 8 + 2 * 16);
  CHECK(peek_ipv6({}, 1).vrid == std::nullopt);
}
