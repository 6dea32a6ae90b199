#include <doctest/doctest.h>

#include "helpers.hpp"

using namespace ipvs_test;

TEST_CASE("IpAddress parses and prints IPv4 and IPv6") {
  auto a = IpAddress::parse("10.0.0.1");
  REQUIRE(a);
  CHECK(a->family == Family::Inet);
  CHECK(a->bytes[0] == 10);
  CHECK(a->bytes[3] == 1);
  CHECK(a->to_string() == "10.0.0.1");
  CHECK(a->to_string_with_port(80) == "10.0.0.1:80");
  auto b = IpAddress::parse("2001:db8::1");
  REQUIRE(b);
  CHECK(b->family == Family::Inet6);
  CHECK(b->to_string_with_port(443) == "[2001:db8::1]:443");
  CHECK_FALSE(IpAddress::parse("10.0.0.256"));
  CHECK_FALSE(IpAddress::parse("example.org"));
  CHECK(IpAddress::v4(0x0a000001) == *a);
}

TEST_CASE("ServiceKey names objects like ipvsadm") {
  CHECK(tcp("10.0.0.1", 80).to_string() == "TCP 10.0.0.1:80");
  CHECK(ServiceKey::make(Protocol::Udp, ip("2001:db8::1"), 53).to_string() == "UDP [2001:db8::1]:53");
  CHECK(ServiceKey::make(Protocol::Sctp, ip("10.1.1.1"), 9).to_string() == "SCTP 10.1.1.1:9");
  CHECK(ServiceKey::fwmark_service(5).to_string() == "FWM 5");
  CHECK(ServiceKey::fwmark_service(5, Family::Inet6).to_string() == "FWM 5 IPv6");
}

TEST_CASE("fwmark keys ignore protocol, address and port, families differ") {
  auto a = ServiceKey::fwmark_service(7);
  auto b = ServiceKey::fwmark_service(7);
  CHECK(a == b);
  CHECK(a != ServiceKey::fwmark_service(7, Family::Inet6));
  CHECK(a != ServiceKey::fwmark_service(8));
  CHECK(tcp("10.0.0.1", 80) != ServiceKey::make(Protocol::Udp, ip("10.0.0.1"), 80));
}

TEST_CASE("Destination settings compare tunnel fields only for tunnels") {
  auto a = dest("10.0.0.2", 80);
  auto b = a;
  b.tun_port = 6080;  // meaningless for NAT
  CHECK(a.same_settings(b));
  a.forward = b.forward = Forward::Tunnel;
  CHECK_FALSE(a.same_settings(b));
  b = a;
  b.weight = 2;
  CHECK_FALSE(a.same_settings(b));
}

TEST_CASE("Service settings ignore the kernel's hashed flag") {
  auto a = service(tcp("10.0.0.1", 80));
  auto b = a;
  b.flags |= svc_flag::kHashed;
  CHECK(a.same_settings(b));
  b.flags |= svc_flag::kPersistent;
  CHECK_FALSE(a.same_settings(b));
}
