// /proc/net/ip_vs as the kernel prints it (net/netfilter/ipvs/ip_vs_ctl.c): connections per
// destination, summed over the services it serves.
#include <doctest/doctest.h>

#include "stayalived/ipvs/proc_stats.hpp"

using namespace stayalived;
using namespace stayalived::ipvs;

TEST_CASE("proc_stats: IPv4 and IPv6 destinations, summed over services") {
  const char* text =
      "IP Virtual Server version 1.2.1 (size=4096)\n"
      "Prot LocalAddress:Port Scheduler Flags\n"
      "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
      "TCP  C0000232:0050 rr\n"
      "  -> CB00710E:0050      Masq    1      3          7\n"
      "  -> CB00710F:0050      Masq    0      0          2\n"
      "TCP  C0000232:01BB rr\n"
      "  -> CB00710E:0050      Masq    1      2          0\n"
      "TCP  [2001:0db8:0000:0000:0000:0000:0000:0032]:0050 wlc\n"
      "  -> [2001:0db8:0000:0000:0000:0000:0000:000e]:0050      Route   1      1          0\n"
      "  -> garbage\n"
      "  -> CB00710E:0050      Masq    x      y          z\n";
  const auto m = parse_proc_ip_vs(text);
  REQUIRE(m.size() == 3);
  const auto at = [&](const char* a, std::uint16_t port) {
    return m.at(DestKey{*net::IpAddress::parse(a), port});
  };
  CHECK(at("203.0.113.14", 80) == DestConnections{5, 7});
  CHECK(at("203.0.113.15", 80) == DestConnections{0, 2});
  CHECK(at("2001:db8::e", 80) == DestConnections{1, 0});
  CHECK(parse_proc_ip_vs("").empty());
}

TEST_CASE("proc_stats: services with their scheduler, forwarding and weights, and fwmark services") {
  const char* text =
      "IP Virtual Server version 1.2.1 (size=4096)\n"
      "Prot LocalAddress:Port Scheduler Flags\n"
      "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n"
      "TCP  C0000232:0050 rr\n"
      "  -> CB00710E:0050      Masq    1      3          7\n"
      "FWM  00000007 wlc persistent 300\n"
      "  -> C000020B:0000      Route   2      0          1\n";
  const auto t = parse_proc_ip_vs_table(text);
  REQUIRE(t.size() == 2);
  CHECK(t[0].protocol == "TCP");
  CHECK(t[0].key.to_string() == "192.0.2.50:80");
  CHECK(t[0].scheduler == "rr");
  REQUIRE(t[0].dests.size() == 1);
  CHECK(t[0].dests[0].forward == "Masq");
  CHECK(t[0].dests[0].weight == 1);
  CHECK(t[1].protocol == "FWM");
  CHECK(t[1].fwmark == 7);
  REQUIRE(t[1].dests.size() == 1);
  CHECK(t[1].dests[0].key.to_string() == "192.0.2.11:0");
  CHECK(t[1].dests[0].weight == 2);
  CHECK(t[1].dests[0].conns == DestConnections{0, 1});
}

TEST_CASE("proc_stats: /proc/net/ip_vs_stats totals are hex") {
  const char* text =
      "   Total Incoming Outgoing         Incoming         Outgoing\n"
      "   Conns  Packets  Packets            Bytes            Bytes\n"
      "      1E      2A5      1F4             9C40             7D00\n"
      "\n"
      " Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n"
      "       0        0        0                0                0\n";
  const auto t = parse_proc_ip_vs_stats(text);
  REQUIRE(t);
  CHECK(*t == ProcTotals{30, 677, 500, 40000, 32000});
  CHECK_FALSE(parse_proc_ip_vs_stats("garbage\n"));
  CHECK_FALSE(parse_proc_ip_vs_stats("a\nb\nx y z\n"));
}
