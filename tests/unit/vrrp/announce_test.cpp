// Gratuitous ARP and unsolicited NA frames, byte for byte against keepalived 2.2.7's.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "stayalived/vrrp/announce.hpp"

using namespace stayalived::vrrp;
using vrrp_test::hex;

TEST_CASE("gratuitous ARP and unsolicited NA frames match keepalived's") {
  std::ifstream in(std::string(STAYALIVED_TEST_DATA) + "/vrrp/keepalived-2.2.7-announce.fixtures");
  REQUIRE(in);
  std::string line;
  int arps = 0, nas = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string name, mac_text, vip_text, frame;
    ls >> name >> mac_text >> vip_text >> frame;
    CAPTURE(name);
    Mac mac{};
    for (std::size_t i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(std::stoul(mac_text.substr(i * 3, 2), nullptr, 16));
    const auto vip = *IpAddress::parse(vip_text);
    if (vip.is_v4()) {
      CHECK(hex(gratuitous_arp(mac, vip)) == frame);
      ++arps;
    } else {
      CHECK(hex(unsolicited_na(mac, vip)) == frame);
      ++nas;
    }
  }
  CHECK(arps >= 5);
  CHECK(nas >= 2);
}
