// Route and rule messages (route_msg.cpp): for every virtual_routes / virtual_rules line of
// tests/data/vrrp/keepalived-2.2.7-routes.fixtures, our parser and encoder produce the
// message keepalived 2.2.7 sent for it (captured by tests/netns/vrrp/lib/capture-routes.sh),
// header and attributes alike; the order of the attributes may differ (the kernel does not
// care). Then a few cases spelled out byte for byte.
#include <doctest/doctest.h>

#include <linux/fib_rules.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "route_msg.hpp"
#include "stayalived/config/load.hpp"

using namespace stayalived;
using namespace stayalived::vrrp;
using vrrp_test::hex;
using vrrp_test::unhex;

namespace {

struct MsgFixture {
  std::string kind;  // route | rule
  std::string op;    // add | delete
  std::vector<std::uint8_t> bytes;
  std::string line;
};

struct MsgFixtures {
  int ifindex = 0;  // of eth0 in the capture namespace
  std::vector<MsgFixture> all;
};

const MsgFixtures& fixtures() {
  static const MsgFixtures f = [] {
    MsgFixtures out;
    std::ifstream in(std::string(STAYALIVED_TEST_DATA) + "/vrrp/keepalived-2.2.7-routes.fixtures");
    REQUIRE(in);
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("# ifindex eth0 ", 0) == 0) out.ifindex = std::stoi(line.substr(15));
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ls(line);
      MsgFixture m;
      std::string h;
      ls >> m.kind >> m.op >> h;
      std::getline(ls >> std::ws, m.line);
      m.bytes = unhex(h);
      out.all.push_back(std::move(m));
    }
    return out;
  }();
  return f;
}

// The lines of one kind, in fixture order, once each (a line has an add and maybe a delete).
std::vector<std::string> lines(const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& f : fixtures().all)
    if (f.kind == kind && f.op == "add") out.push_back(f.line);
  return out;
}

// All lines of a kind in one instance, parsed together (the preferences keepalived gives to
// rules without one depend on the order of the lines).
config::VrrpInstance instance_of(const std::string& kind) {
  std::string text = "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 61\n virtual_ipaddress {\n  192.0.2.100/24\n }\n";
  text += kind == "route" ? " virtual_routes {\n" : " virtual_rules {\n";
  for (const auto& l : lines(kind)) text += "  " + l + "\n";
  text += " }\n}\n";
  auto r = config::load_string(text, "routes.conf");
  REQUIRE(r.config);
  REQUIRE(r.config->vrrp_instances.size() == 1);
  return r.config->vrrp_instances[0];
}

RouteSpec spec_of(const config::Route& r, int eth0) {
  RouteSpec s;
  s.route = r;
  s.ifindex = r.dev == "eth0" ? eth0 : 0;
  for (const auto& nh : r.nexthops) s.nexthop_ifindex.push_back(nh.dev == "eth0" ? eth0 : 0);
  return s;
}

// A message in a canonical text form: the netlink header without length and sequence, the
// family header, then the attributes sorted, nests (metrics, encap, multipath) recursively.
std::string attrs_text(std::span<const std::uint8_t> b, bool sorted, int depth);

std::string attr_text(std::uint16_t type, std::span<const std::uint8_t> v, int depth, bool route) {
  std::string s = std::to_string(type) + "=";
  const bool nested = route && depth == 0 && (type == RTA_METRICS || type == RTA_ENCAP);
  if (nested) return s + "{" + attrs_text(v, true, depth + 1) + "}";
  if (route && depth == 0 && type == RTA_MULTIPATH) {
    // struct rtnexthop, then its attributes; the nexthops in order.
    s += "[";
    std::size_t off = 0;
    while (off + sizeof(rtnexthop) <= v.size()) {
      rtnexthop nh{};
      std::memcpy(&nh, v.data() + off, sizeof nh);
      s += "(flags " + std::to_string(nh.rtnh_flags) + " hops " + std::to_string(nh.rtnh_hops) + " if " +
           std::to_string(nh.rtnh_ifindex) + " " +
           attrs_text(v.subspan(off + sizeof nh, nh.rtnh_len - sizeof nh), true, depth + 1) + ")";
      off += RTNH_ALIGN(nh.rtnh_len);
    }
    return s + "]";
  }
  return s + hex(std::vector<std::uint8_t>(v.begin(), v.end()));
}

bool g_route = true;

std::string attrs_text(std::span<const std::uint8_t> b, bool sorted, int depth) {
  std::vector<std::string> items;
  std::size_t off = 0;
  while (off + NLA_HDRLEN <= b.size()) {
    nlattr a{};
    std::memcpy(&a, b.data() + off, sizeof a);
    REQUIRE(a.nla_len >= NLA_HDRLEN);
    REQUIRE(off + a.nla_len <= b.size());
    items.push_back(attr_text(a.nla_type & NLA_TYPE_MASK, b.subspan(off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN), depth, g_route));
    off += NLA_ALIGN(a.nla_len);
  }
  if (sorted) std::sort(items.begin(), items.end());
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : " ") + i;
  return s;
}

std::string canonical(std::vector<std::uint8_t> b, bool route) {
  REQUIRE(b.size() >= NLMSG_HDRLEN + 12);
  nlmsghdr h{};
  std::memcpy(&h, b.data(), sizeof h);
  CHECK(h.nlmsg_len == b.size());
  g_route = route;
  std::span<const std::uint8_t> attrs(b.data() + NLMSG_HDRLEN + 12, b.size() - NLMSG_HDRLEN - 12);
  std::string a = attrs_text(attrs, true, 0);
  if (!route && b[NLMSG_HDRLEN + 2] == 0) {
    // keepalived writes `from all` as FRA_SRC 0.0.0.0 with src_len 0, which matches
    // everything exactly as no FRA_SRC does; we send none.
    const std::string any = std::to_string(FRA_SRC) + "=00000000";
    std::istringstream in(a);
    std::string t, kept;
    while (in >> t)
      if (t != any) kept += (kept.empty() ? "" : " ") + t;
    a = kept;
  }
  return "type " + std::to_string(h.nlmsg_type) + " flags " + std::to_string(h.nlmsg_flags) + " hdr " +
         hex(std::vector<std::uint8_t>(b.begin() + NLMSG_HDRLEN, b.begin() + NLMSG_HDRLEN + 12)) + " | " + a;
}

bool little_endian() { return std::endian::native == std::endian::little; }

}  // namespace

TEST_CASE("route messages match keepalived 2.2.7's for every captured line") {
  if (!little_endian()) return;  // the fixtures hold host-order numbers of an x86 capture
  const auto& fx = fixtures();
  const auto inst = instance_of("route");
  const auto ls = lines("route");
  REQUIRE(inst.virtual_routes.size() == ls.size());  // no line dropped
  for (std::size_t i = 0; i < ls.size(); ++i) {
    const auto spec = spec_of(inst.virtual_routes[i], fx.ifindex);
    for (const auto& f : fx.all) {
      if (f.kind != "route" || f.line != ls[i]) continue;
      INFO(f.op << " " << f.line);
      const auto ours = encode_route(spec, f.op == "add" ? NlOp::Add : NlOp::Delete);
      CHECK(canonical(ours, true) == canonical(f.bytes, true));
    }
  }
}

TEST_CASE("rule messages match keepalived 2.2.7's for every captured line") {
  if (!little_endian()) return;
  const auto& fx = fixtures();
  const auto inst = instance_of("rule");
  const auto ls = lines("rule");
  REQUIRE(inst.virtual_rules.size() == ls.size());
  for (std::size_t i = 0; i < ls.size(); ++i) {
    for (const auto& f : fx.all) {
      if (f.kind != "rule" || f.line != ls[i]) continue;
      INFO(f.op << " " << f.line);
      const auto ours = encode_rule(inst.virtual_rules[i], f.op == "add" ? NlOp::Add : NlOp::Delete);
      CHECK(canonical(ours, false) == canonical(f.bytes, false));
    }
  }
}

TEST_CASE("a rule with not carries FIB_RULE_INVERT, and its delete is the same rule") {
  if (!little_endian()) return;
  config::Rule r;
  r.invert = true;
  r.from = *config::IpPrefix::parse("10.1.0.0/16");
  r.table = 100;
  r.preference = 100;
  r.suppress_prefixlen = 0;
  const auto add = encode_rule(r, NlOp::Add);
  // nlmsghdr: length 60, RTM_NEWRULE, REQUEST|ACK|EXCL|CREATE; fib_rule_hdr: AF_INET, dst 0,
  // src 16, tos 0, table 100, action FR_ACT_TO_TBL, flags FIB_RULE_INVERT; then FRA_SRC,
  // FRA_PRIORITY, FRA_SUPPRESS_PREFIXLEN 0, FRA_PROTOCOL 18.
  CHECK(hex(add) ==
        "3c000000" "2000" "0506" "00000000" "00000000"
        "02001000" "64000001" "02000000"
        "08000200" "0a010000"
        "08000600" "64000000"
        "08000e00" "00000000"
        "05001500" "12000000");
  auto del = encode_rule(r, NlOp::Delete);
  CHECK(del[4] == RTM_DELRULE);
  CHECK((del[6] | del[7] << 8) == (NLM_F_REQUEST | NLM_F_ACK));
  // Apart from type and flags, the delete is the add: the kernel finds the rule by all of it.
  del[4] = add[4];
  del[6] = add[6];
  del[7] = add[7];
  CHECK(del == add);
}

TEST_CASE("rule: uidrange, tunnel-id, suppress_ifgroup, a table over 255, no_track without protocol") {
  if (!little_endian()) return;
  config::Rule r;
  r.uidrange = config::Range32{1000, 1999};
  r.tunnel_id = 77;
  r.suppress_ifgroup = 5;
  r.table = 1000;
  r.preference = 7;
  r.no_track = true;
  const auto m = encode_rule(r, NlOp::Add);
  const std::string h = hex(m);
  CHECK(h.substr(32, 24) == "020000000000000100000000");  // fib_rule_hdr: table RT_TABLE_UNSPEC
  CHECK(h.find("08000f00e8030000") != std::string::npos);  // FRA_TABLE 1000
  CHECK(h.find("0c001400e8030000cf070000") != std::string::npos);  // FRA_UID_RANGE 1000-1999
  CHECK(h.find("0c000c00000000000000004d") != std::string::npos);  // FRA_TUN_ID, big-endian 77
  CHECK(h.find("08000d0005000000") != std::string::npos);  // FRA_SUPPRESS_IFGROUP 5
  CHECK(h.find("1500") == std::string::npos);               // no FRA_PROTOCOL
}

TEST_CASE("route: string metric congctl with its lock bit, and a delete with wildcard scope and type") {
  if (!little_endian()) return;
  config::Route r;
  r.destination = *config::IpPrefix::parse("10.9.4.0/24");
  r.via = *config::IpAddress::parse("192.0.2.1");
  r.congctl = "reno";
  r.congctl_lock = true;
  r.mtu = 1400;
  r.locked = 1u << static_cast<unsigned>(config::RouteMetric::Mtu);
  const RouteSpec s{.route = r, .ifindex = 3, .nexthop_ifindex = {}, .vrf_table = std::nullopt};
  const auto add = hex(encode_route(s, NlOp::Add));
  // RTA_METRICS { RTAX_LOCK (1<<RTAX_MTU)|(1<<RTAX_CC_ALGO), RTAX_MTU 1400, RTAX_CC_ALGO "reno" }
  CHECK(add.find("1c000800" "08000100" "04000100" "08000200" "78050000" "08001000" "72656e6f") != std::string::npos);
  const auto del = encode_route(s, NlOp::Delete);
  CHECK(del[4] == RTM_DELROUTE);
  CHECK(del[NLMSG_HDRLEN + 6] == RT_SCOPE_NOWHERE);
  CHECK(del[NLMSG_HDRLEN + 7] == RTN_UNSPEC);
  r.type = config::RouteType::Blackhole;  // a type other than unicast is named
  CHECK(encode_route(RouteSpec{.route = r, .ifindex = 0, .nexthop_ifindex = {}, .vrf_table = std::nullopt},
                     NlOp::Delete)[NLMSG_HDRLEN + 7] == RTN_BLACKHOLE);
}

TEST_CASE("route: vrf puts the route into the VRF's table") {
  if (!little_endian()) return;
  config::Route r;
  r.destination = *config::IpPrefix::parse("10.9.70.0/24");
  r.vrf = "blue";
  RouteSpec s{.route = r, .ifindex = 0, .nexthop_ifindex = {}, .vrf_table = 10};
  CHECK(encode_route(s, NlOp::Add)[NLMSG_HDRLEN + 4] == 10);
  s.vrf_table = 1010;
  const auto m = hex(encode_route(s, NlOp::Add));
  CHECK(m.substr(32 + 8, 2) == "00");                          // rtm_table RT_TABLE_UNSPEC
  CHECK(m.find("08000f00f2030000") != std::string::npos);       // RTA_TABLE 1010
}
