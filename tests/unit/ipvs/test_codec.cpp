// The IPVS generic-netlink messages, attribute by attribute (linux/ip_vs.h), and the
// parser's bounds on malformed input.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include <cstring>
#include <deque>
#include <limits>

#include "helpers.hpp"
#include "stayalived/ipvs/genl_codec.hpp"

using namespace ipvs_test;
namespace genl = stayalived::ipvs::genl;

namespace {

constexpr genl::Header kHdr{.family = 0x20, .seq = 7};

std::uint16_t u16_at(std::span<const std::uint8_t> b, std::size_t off) {
  std::uint16_t v;
  std::memcpy(&v, b.data() + off, 2);
  return v;
}
std::uint32_t u32_at(std::span<const std::uint8_t> b, std::size_t off) {
  std::uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}

// The message's attributes after the netlink and genl headers, checking both headers.
// The attributes point into the message, so it is kept alive until the end of the run.
std::vector<genl::Attr> top_attrs(genl::Bytes message, std::uint8_t cmd, std::uint16_t flags) {
  static std::deque<genl::Bytes> keep;
  keep.push_back(std::move(message));
  const genl::Bytes& b = keep.back();
  REQUIRE(b.size() >= NLMSG_HDRLEN + GENL_HDRLEN);
  CHECK(u32_at(b, 0) == b.size());
  CHECK(u16_at(b, 4) == kHdr.family);
  CHECK(u16_at(b, 6) == flags);
  CHECK(u32_at(b, 8) == kHdr.seq);
  CHECK(b[16] == cmd);
  CHECK(b[17] == IPVS_GENL_VERSION);
  auto attrs = genl::parse_attrs(std::span<const std::uint8_t>(b).subspan(NLMSG_HDRLEN + GENL_HDRLEN));
  REQUIRE(attrs);
  return *attrs;
}

const genl::Attr& only(const std::vector<genl::Attr>& attrs, std::uint16_t type) {
  int n = 0;
  const genl::Attr* found = nullptr;
  for (const auto& a : attrs)
    if (a.type == type) {
      ++n;
      found = &a;
    }
  REQUIRE_MESSAGE(n == 1, "attribute ", type, " appears ", n, " times");
  return *found;
}

bool has(const std::vector<genl::Attr>& attrs, std::uint16_t type) {
  for (const auto& a : attrs)
    if (a.type == type) return true;
  return false;
}

std::vector<genl::Attr> nested(const genl::Attr& a) {
  CHECK(a.nested);
  auto r = genl::parse_attrs(a.data);
  REQUIRE(r);
  return *r;
}

std::uint16_t a16(const genl::Attr& a) {
  REQUIRE(a.data.size() == 2);
  return u16_at(a.data, 0);
}
std::uint32_t a32(const genl::Attr& a) {
  REQUIRE(a.data.size() == 4);
  return u32_at(a.data, 0);
}
std::uint16_t abe16(const genl::Attr& a) {
  REQUIRE(a.data.size() == 2);
  return static_cast<std::uint16_t>(a.data[0] << 8 | a.data[1]);
}
std::string astr(const genl::Attr& a) {
  REQUIRE(!a.data.empty());
  CHECK(a.data.back() == 0);  // NUL-terminated, as NLA_NUL_STRING wants
  return std::string(reinterpret_cast<const char*>(a.data.data()));
}

constexpr std::uint16_t kWrite = NLM_F_REQUEST | NLM_F_ACK;

}  // namespace

TEST_CASE("codec: delete service, byte for byte") {
  Op op{.kind = OpKind::DeleteService, .service = service(tcp("10.0.0.1", 80)), .dest = {}};
  auto b = genl::encode_op(op, kHdr);
  const std::vector<std::uint8_t> expected = {
      // nlmsghdr: len 68, type 0x20, flags REQUEST|ACK, seq 7, pid 0
      68, 0, 0, 0, 0x20, 0, 0x05, 0, 7, 0, 0, 0, 0, 0, 0, 0,
      // genlmsghdr: IPVS_CMD_DEL_SERVICE, version 1
      IPVS_CMD_DEL_SERVICE, 1, 0, 0,
      // IPVS_CMD_ATTR_SERVICE, nested, len 48
      48, 0, 0x01, 0x80,
      // AF = AF_INET
      6, 0, IPVS_SVC_ATTR_AF, 0, AF_INET, 0, 0, 0,
      // PROTOCOL = TCP
      6, 0, IPVS_SVC_ATTR_PROTOCOL, 0, IPPROTO_TCP, 0, 0, 0,
      // ADDR = 10.0.0.1 in a 16-byte nf_inet_addr
      20, 0, IPVS_SVC_ATTR_ADDR, 0, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      // PORT = 80, network order
      6, 0, IPVS_SVC_ATTR_PORT, 0, 0, 80, 0, 0};
  CHECK(b == expected);
}

TEST_CASE("codec: add service carries every setting") {
  auto s = service(tcp("10.0.0.3", 8080), "mh");
  s.flags = svc_flag::kPersistent | svc_flag::kSched1 | svc_flag::kSched2;
  s.timeout = 360;
  s.netmask = 0xffffff00;
  s.pe_name = "sip";
  auto top = top_attrs(genl::encode_op(Op{.kind = OpKind::AddService, .service = s, .dest = {}}, kHdr),
                       IPVS_CMD_NEW_SERVICE, kWrite);
  REQUIRE(top.size() == 1);
  auto a = nested(only(top, IPVS_CMD_ATTR_SERVICE));
  CHECK(a16(only(a, IPVS_SVC_ATTR_AF)) == AF_INET);
  CHECK(a16(only(a, IPVS_SVC_ATTR_PROTOCOL)) == IPPROTO_TCP);
  const auto& addr = only(a, IPVS_SVC_ATTR_ADDR);
  REQUIRE(addr.data.size() == 16);
  CHECK(std::vector<std::uint8_t>(addr.data.begin(), addr.data.begin() + 4) == std::vector<std::uint8_t>{10, 0, 0, 3});
  CHECK(abe16(only(a, IPVS_SVC_ATTR_PORT)) == 8080);
  CHECK_FALSE(has(a, IPVS_SVC_ATTR_FWMARK));
  CHECK(astr(only(a, IPVS_SVC_ATTR_SCHED_NAME)) == "mh");
  CHECK(astr(only(a, IPVS_SVC_ATTR_PE_NAME)) == "sip");
  const auto& flags = only(a, IPVS_SVC_ATTR_FLAGS);
  REQUIRE(flags.data.size() == sizeof(ip_vs_flags));
  ip_vs_flags f;
  std::memcpy(&f, flags.data.data(), sizeof f);
  CHECK(f.flags == (IP_VS_SVC_F_PERSISTENT | IP_VS_SVC_F_SCHED_SH_FALLBACK | IP_VS_SVC_F_SCHED_SH_PORT));
  CHECK(f.mask == 0xffffffffu);
  CHECK(a32(only(a, IPVS_SVC_ATTR_TIMEOUT)) == 360);
  // The IPv4 netmask is a __be32: 255.255.255.0 in network order.
  const auto& nm = only(a, IPVS_SVC_ATTR_NETMASK);
  CHECK(std::vector<std::uint8_t>(nm.data.begin(), nm.data.end()) == std::vector<std::uint8_t>{255, 255, 255, 0});
}

TEST_CASE("codec: IPv6 service netmask is a prefix length, no PE attribute when unset") {
  auto s = service(ServiceKey::make(Protocol::Sctp, ip("fd00::1"), 443), "lblcr");
  s.netmask = 64;
  auto top = top_attrs(genl::encode_op(Op{.kind = OpKind::EditService, .service = s, .dest = {}}, kHdr),
                       IPVS_CMD_SET_SERVICE, kWrite);
  auto a = nested(only(top, IPVS_CMD_ATTR_SERVICE));
  CHECK(a16(only(a, IPVS_SVC_ATTR_AF)) == AF_INET6);
  CHECK(a16(only(a, IPVS_SVC_ATTR_PROTOCOL)) == IPPROTO_SCTP);
  const auto& addr = only(a, IPVS_SVC_ATTR_ADDR);
  CHECK(std::memcmp(addr.data.data(), ip("fd00::1").bytes.data(), 16) == 0);
  CHECK(a32(only(a, IPVS_SVC_ATTR_NETMASK)) == 64);
  CHECK_FALSE(has(a, IPVS_SVC_ATTR_PE_NAME));
}

TEST_CASE("codec: fwmark service is identified by family and mark only") {
  auto s = service(ServiceKey::fwmark_service(7, Family::Inet6), "wrr");
  auto top = top_attrs(genl::encode_op(Op{.kind = OpKind::DeleteService, .service = s, .dest = {}}, kHdr),
                       IPVS_CMD_DEL_SERVICE, kWrite);
  auto a = nested(only(top, IPVS_CMD_ATTR_SERVICE));
  CHECK(a.size() == 2);
  CHECK(a16(only(a, IPVS_SVC_ATTR_AF)) == AF_INET6);
  CHECK(a32(only(a, IPVS_SVC_ATTR_FWMARK)) == 7);
  // A delete carries no settings.
  CHECK_FALSE(has(a, IPVS_SVC_ATTR_SCHED_NAME));
}

TEST_CASE("codec: add destination, DR, with thresholds") {
  auto s = service(tcp("10.0.0.1", 80));
  auto d = dest("10.0.1.2", 8080, 3, Forward::Route);
  d.upper_threshold = 100;
  d.lower_threshold = 10;
  auto top = top_attrs(genl::encode_op(Op{.kind = OpKind::AddDest, .service = s, .dest = d}, kHdr),
                       IPVS_CMD_NEW_DEST, kWrite);
  REQUIRE(top.size() == 2);
  auto sa = nested(only(top, IPVS_CMD_ATTR_SERVICE));
  CHECK(sa.size() == 4);  // key only
  CHECK_FALSE(has(sa, IPVS_SVC_ATTR_SCHED_NAME));
  auto da = nested(only(top, IPVS_CMD_ATTR_DEST));
  const auto& addr = only(da, IPVS_DEST_ATTR_ADDR);
  CHECK(std::vector<std::uint8_t>(addr.data.begin(), addr.data.begin() + 4) == std::vector<std::uint8_t>{10, 0, 1, 2});
  CHECK(a16(only(da, IPVS_DEST_ATTR_ADDR_FAMILY)) == AF_INET);
  CHECK(abe16(only(da, IPVS_DEST_ATTR_PORT)) == 8080);
  CHECK(a32(only(da, IPVS_DEST_ATTR_FWD_METHOD)) == IP_VS_CONN_F_DROUTE);
  CHECK(a32(only(da, IPVS_DEST_ATTR_WEIGHT)) == 3);
  CHECK(a32(only(da, IPVS_DEST_ATTR_U_THRESH)) == 100);
  CHECK(a32(only(da, IPVS_DEST_ATTR_L_THRESH)) == 10);
  CHECK_FALSE(has(da, IPVS_DEST_ATTR_TUN_TYPE));
}

TEST_CASE("codec: tunnel destination of the other family (GUE, csum)") {
  auto s = service(ServiceKey::fwmark_service(3));
  auto d = dest("2001:db8::10", 0, 2, Forward::Tunnel);
  d.tun_type = TunnelType::Gue;
  d.tun_port = 6080;
  d.tun_flags = tun_flag::kCsum;
  auto top = top_attrs(genl::encode_op(Op{.kind = OpKind::EditDest, .service = s, .dest = d}, kHdr),
                       IPVS_CMD_SET_DEST, kWrite);
  auto da = nested(only(top, IPVS_CMD_ATTR_DEST));
  CHECK(a16(only(da, IPVS_DEST_ATTR_ADDR_FAMILY)) == AF_INET6);
  CHECK(a32(only(da, IPVS_DEST_ATTR_FWD_METHOD)) == IP_VS_CONN_F_TUNNEL);
  const auto& tt = only(da, IPVS_DEST_ATTR_TUN_TYPE);
  REQUIRE(tt.data.size() == 1);
  CHECK(tt.data[0] == IP_VS_CONN_F_TUNNEL_TYPE_GUE);
  CHECK(abe16(only(da, IPVS_DEST_ATTR_TUN_PORT)) == 6080);
  CHECK(a16(only(da, IPVS_DEST_ATTR_TUN_FLAGS)) == IP_VS_TUNNEL_ENCAP_FLAG_CSUM);
}

TEST_CASE("codec: delete destination carries only its key") {
  auto s = service(tcp("10.0.0.1", 80));
  auto top = top_attrs(genl::encode_op(Op{.kind = OpKind::DeleteDest, .service = s, .dest = dest("10.0.1.2", 80)}, kHdr),
                       IPVS_CMD_DEL_DEST, kWrite);
  auto da = nested(only(top, IPVS_CMD_ATTR_DEST));
  CHECK(da.size() == 3);
  CHECK(has(da, IPVS_DEST_ATTR_ADDR));
  CHECK(has(da, IPVS_DEST_ATTR_ADDR_FAMILY));
  CHECK(has(da, IPVS_DEST_ATTR_PORT));
}

TEST_CASE("codec: dumps, flush, timeouts, info") {
  CHECK(top_attrs(genl::encode_get_services(kHdr), IPVS_CMD_GET_SERVICE, NLM_F_REQUEST | NLM_F_DUMP).empty());
  auto d = top_attrs(genl::encode_get_dests(tcp("10.0.0.1", 80), kHdr), IPVS_CMD_GET_DEST, NLM_F_REQUEST | NLM_F_DUMP);
  auto sa = nested(only(d, IPVS_CMD_ATTR_SERVICE));
  CHECK(abe16(only(sa, IPVS_SVC_ATTR_PORT)) == 80);
  CHECK(top_attrs(genl::encode_flush(kHdr), IPVS_CMD_FLUSH, kWrite).empty());
  auto t = top_attrs(genl::encode_set_timeouts(Timeouts{.tcp = 7200, .tcp_fin = 0, .udp = 300}, kHdr),
                     IPVS_CMD_SET_CONFIG, kWrite);
  CHECK(t.size() == 2);  // tcp_fin 0 = unchanged: not sent
  CHECK(a32(only(t, IPVS_CMD_ATTR_TIMEOUT_TCP)) == 7200);
  CHECK(a32(only(t, IPVS_CMD_ATTR_TIMEOUT_UDP)) == 300);
  CHECK(top_attrs(genl::encode_get_timeouts(kHdr), IPVS_CMD_GET_CONFIG, NLM_F_REQUEST).empty());
  CHECK(top_attrs(genl::encode_get_info(kHdr), IPVS_CMD_GET_INFO, NLM_F_REQUEST).empty());
  CHECK(top_attrs(genl::encode_get_daemons(kHdr), IPVS_CMD_GET_DAEMON, NLM_F_REQUEST | NLM_F_DUMP).empty());
}

TEST_CASE("codec: sync daemon start and stop") {
  SyncDaemon sd{.role = SyncRole::Master, .interface = "eth1", .sync_id = 51, .max_len = 1400, .port = 8848,
                .ttl = 2, .group = ip("224.0.0.82")};
  auto top = top_attrs(genl::encode_new_daemon(sd, kHdr), IPVS_CMD_NEW_DAEMON, kWrite);
  auto a = nested(only(top, IPVS_CMD_ATTR_DAEMON));
  CHECK(a32(only(a, IPVS_DAEMON_ATTR_STATE)) == IP_VS_STATE_MASTER);
  CHECK(astr(only(a, IPVS_DAEMON_ATTR_MCAST_IFN)) == "eth1");
  CHECK(a32(only(a, IPVS_DAEMON_ATTR_SYNC_ID)) == 51);
  CHECK(a16(only(a, IPVS_DAEMON_ATTR_SYNC_MAXLEN)) == 1400);
  CHECK(a16(only(a, IPVS_DAEMON_ATTR_MCAST_PORT)) == 8848);  // host order, unlike service ports
  const auto& ttl = only(a, IPVS_DAEMON_ATTR_MCAST_TTL);
  REQUIRE(ttl.data.size() == 1);
  CHECK(ttl.data[0] == 2);
  const auto& g = only(a, IPVS_DAEMON_ATTR_MCAST_GROUP);
  CHECK(std::vector<std::uint8_t>(g.data.begin(), g.data.end()) == std::vector<std::uint8_t>{224, 0, 0, 82});
  CHECK_FALSE(has(a, IPVS_DAEMON_ATTR_MCAST_GROUP6));

  SyncDaemon minimal{.role = SyncRole::Backup, .interface = "eth0", .sync_id = 0};
  a = nested(only(top_attrs(genl::encode_new_daemon(minimal, kHdr), IPVS_CMD_NEW_DAEMON, kWrite), IPVS_CMD_ATTR_DAEMON));
  CHECK(a.size() == 3);  // state, interface, sync id: the kernel defaults the rest

  SyncDaemon v6 = minimal;
  v6.group = ip("ff02::1:2");
  a = nested(only(top_attrs(genl::encode_new_daemon(v6, kHdr), IPVS_CMD_NEW_DAEMON, kWrite), IPVS_CMD_ATTR_DAEMON));
  CHECK(only(a, IPVS_DAEMON_ATTR_MCAST_GROUP6).data.size() == 16);

  a = nested(only(top_attrs(genl::encode_del_daemon(SyncRole::Backup, kHdr), IPVS_CMD_DEL_DAEMON, kWrite),
                  IPVS_CMD_ATTR_DAEMON));
  CHECK(a.size() == 1);
  CHECK(a32(only(a, IPVS_DAEMON_ATTR_STATE)) == IP_VS_STATE_BACKUP);
}

namespace {

// A kernel-style reply: the request's attributes sent back as a family message.
genl::Message as_reply(const genl::Bytes& request, std::vector<std::uint8_t>& storage) {
  storage = request;
  auto msgs = genl::split(storage);
  REQUIRE(msgs);
  REQUIRE(msgs->size() == 1);
  return (*msgs)[0];
}

}  // namespace

TEST_CASE("codec: decode is the inverse of encode for services and destinations") {
  std::vector<std::uint8_t> storage;
  for (auto s : {service(tcp("10.0.0.3", 0), "sh"), service(ServiceKey::make(Protocol::Udp, ip("fd00::5"), 53), "mh"),
                 service(ServiceKey::fwmark_service(9, Family::Inet6), "rr")}) {
    s.flags = svc_flag::kPersistent | svc_flag::kOnePacket;
    s.timeout = 30;
    s.netmask = s.key.family == Family::Inet6 ? 64 : 0xffff0000;
    s.pe_name = "sip";
    auto m = as_reply(genl::encode_op(Op{.kind = OpKind::AddService, .service = s, .dest = {}}, kHdr), storage);
    auto back = genl::decode_service(m);
    REQUIRE(back);
    CHECK(*back == s);
  }
  auto d = dest("2001:db8::10", 0, 7, Forward::Tunnel);
  d.tun_type = TunnelType::Gre;
  d.upper_threshold = 9;
  auto m = as_reply(genl::encode_op(Op{.kind = OpKind::AddDest, .service = service(tcp("10.0.0.1", 80)), .dest = d}, kHdr),
                    storage);
  auto back = genl::decode_dest(m, Family::Inet);
  REQUIRE(back);
  CHECK(*back == d);
}

TEST_CASE("codec: the kernel's hashed flag is dropped when decoding") {
  auto s = service(tcp("10.0.0.1", 80));
  auto bytes = genl::encode_op(Op{.kind = OpKind::AddService, .service = s, .dest = {}}, kHdr);
  // Find the flags attribute and set IP_VS_SVC_F_HASHED as the kernel reports it.
  for (std::size_t i = NLMSG_HDRLEN + GENL_HDRLEN + NLA_HDRLEN; i + 4 <= bytes.size();) {
    std::uint16_t len = u16_at(bytes, i), type = u16_at(bytes, i + 2);
    if (type == IPVS_SVC_ATTR_FLAGS) bytes[i + 4] |= IP_VS_SVC_F_HASHED;
    i += (len + 3u) & ~3u;
  }
  std::vector<std::uint8_t> storage;
  auto back = genl::decode_service(as_reply(bytes, storage));
  REQUIRE(back);
  CHECK(back->flags == 0);
}

TEST_CASE("codec: split reads acks, errors and dump ends") {
  std::vector<std::uint8_t> d;
  auto put_err = [&](std::uint16_t type, std::uint32_t seq, std::int32_t err) {
    std::size_t at = d.size();
    d.resize(at + 36, 0);
    std::uint32_t len = 36;
    std::memcpy(&d[at], &len, 4);
    std::memcpy(&d[at + 4], &type, 2);
    std::memcpy(&d[at + 8], &seq, 4);
    std::memcpy(&d[at + 16], &err, 4);
  };
  put_err(NLMSG_ERROR, 1, 0);
  put_err(NLMSG_ERROR, 2, -ENOENT);
  put_err(NLMSG_DONE, 3, -EINTR);
  put_err(NLMSG_ERROR, 4, std::numeric_limits<std::int32_t>::min());  // no kernel sends it; a fuzzer did
  auto msgs = genl::split(d);
  REQUIRE(msgs);
  REQUIRE(msgs->size() == 4);
  CHECK((*msgs)[3].error == std::numeric_limits<std::int32_t>::max());
  CHECK((*msgs)[0].type == genl::kMsgError);
  CHECK((*msgs)[0].error == 0);
  CHECK((*msgs)[1].error == ENOENT);
  CHECK((*msgs)[1].seq == 2);
  CHECK((*msgs)[2].type == genl::kMsgDone);
  CHECK((*msgs)[2].error == EINTR);
}

TEST_CASE("codec: malformed input is rejected, never over-read") {
  auto good = genl::encode_op(Op{.kind = OpKind::DeleteService, .service = service(tcp("10.0.0.1", 80)), .dest = {}}, kHdr);
  // nlmsg_len larger than the datagram
  auto b = good;
  b[0] = 200;
  CHECK_FALSE(genl::split(b));
  // nlmsg_len smaller than a header
  b = good;
  b[0] = 8;
  CHECK_FALSE(genl::split(b));
  // every truncation of a valid message is either rejected or yields no message
  for (std::size_t n = 0; n < good.size(); ++n) {
    auto r = genl::split(std::span<const std::uint8_t>(good.data(), n));
    if (r) CHECK(r->empty());
  }
  // an attribute longer than its container
  std::vector<std::uint8_t> attrs = {12, 0, 1, 0, 0, 0, 0, 0};
  CHECK_FALSE(genl::parse_attrs(attrs));
  // a service without its family is an error, not a default
  std::vector<std::uint8_t> storage;
  auto m = as_reply(genl::encode_get_services(kHdr), storage);
  CHECK_FALSE(genl::decode_service(m));
}

namespace {

// A kernel answer built by hand, attribute by attribute (the stats nests are only ever
// sent by the kernel, so no encoder of ours makes them).
struct Reply {
  std::vector<std::uint8_t> b;
  std::vector<std::size_t> open;

  explicit Reply(std::uint8_t cmd) {
    b.resize(NLMSG_HDRLEN + GENL_HDRLEN, 0);
    b[NLMSG_HDRLEN] = cmd;
    store16(4, 0x42);  // nlmsg_type: the family
  }
  void store16(std::size_t off, std::uint16_t v) { std::memcpy(b.data() + off, &v, 2); }
  void put(std::uint16_t type, const void* data, std::size_t n) {
    const std::size_t at = b.size();
    b.resize(at + NLA_HDRLEN + ((n + 3) & ~std::size_t{3}), 0);
    store16(at, static_cast<std::uint16_t>(NLA_HDRLEN + n));
    store16(at + 2, type);
    std::memcpy(b.data() + at + NLA_HDRLEN, data, n);
  }
  void u16(std::uint16_t type, std::uint16_t v) { put(type, &v, 2); }
  void be16(std::uint16_t type, std::uint16_t v) { u16(type, htons(v)); }
  void u32(std::uint16_t type, std::uint32_t v) { put(type, &v, 4); }
  void u64(std::uint16_t type, std::uint64_t v) { put(type, &v, 8); }
  void begin(std::uint16_t type) {
    open.push_back(b.size());
    b.resize(b.size() + NLA_HDRLEN, 0);
    store16(open.back() + 2, static_cast<std::uint16_t>(type | NLA_F_NESTED));
  }
  void end() {
    store16(open.back(), static_cast<std::uint16_t>(b.size() - open.back()));
    open.pop_back();
  }
  genl::Message message() {
    const std::uint32_t len = static_cast<std::uint32_t>(b.size());
    std::memcpy(b.data(), &len, 4);
    auto msgs = genl::split(b);
    REQUIRE(msgs);
    REQUIRE(msgs->size() == 1);
    return (*msgs)[0];
  }
};

}  // namespace

TEST_CASE("codec: service and destination traffic counters, 64-bit and the older 32-bit nest") {
  Reply svc(IPVS_CMD_NEW_SERVICE);
  svc.begin(IPVS_CMD_ATTR_SERVICE);
  svc.u16(IPVS_SVC_ATTR_AF, AF_INET);
  svc.u16(IPVS_SVC_ATTR_PROTOCOL, IPPROTO_TCP);
  const std::uint8_t addr[16] = {192, 0, 2, 10};
  svc.put(IPVS_SVC_ATTR_ADDR, addr, 16);
  svc.be16(IPVS_SVC_ATTR_PORT, 80);
  svc.begin(IPVS_SVC_ATTR_STATS64);
  svc.u64(IPVS_STATS_ATTR_CONNS, 5'000'000'000ULL);
  svc.u64(IPVS_STATS_ATTR_INPKTS, 11);
  svc.u64(IPVS_STATS_ATTR_OUTPKTS, 12);
  svc.u64(IPVS_STATS_ATTR_INBYTES, 1300);
  svc.u64(IPVS_STATS_ATTR_OUTBYTES, 1400);
  svc.end();
  svc.end();
  auto s = genl::decode_service_stats(svc.message());
  REQUIRE(s);
  CHECK(s->key == tcp("192.0.2.10", 80));
  CHECK(s->traffic == TrafficStats{5'000'000'000ULL, 11, 12, 1300, 1400});

  Reply d(IPVS_CMD_NEW_DEST);
  d.begin(IPVS_CMD_ATTR_DEST);
  const std::uint8_t raddr[16] = {192, 0, 2, 21};
  d.put(IPVS_DEST_ATTR_ADDR, raddr, 16);
  d.be16(IPVS_DEST_ATTR_PORT, 8080);
  d.u32(IPVS_DEST_ATTR_WEIGHT, 3);
  d.u32(IPVS_DEST_ATTR_ACTIVE_CONNS, 7);
  d.u32(IPVS_DEST_ATTR_INACT_CONNS, 8);
  d.u32(IPVS_DEST_ATTR_PERSIST_CONNS, 2);
  d.begin(IPVS_DEST_ATTR_STATS);  // a kernel before 4.1: 32-bit counts, 64-bit bytes
  d.u32(IPVS_STATS_ATTR_CONNS, 4);
  d.u32(IPVS_STATS_ATTR_INPKTS, 40);
  d.u32(IPVS_STATS_ATTR_OUTPKTS, 41);
  d.u64(IPVS_STATS_ATTR_INBYTES, 4000);
  d.u64(IPVS_STATS_ATTR_OUTBYTES, 4100);
  d.end();
  d.end();
  auto ds = genl::decode_dest_stats(d.message(), Family::Inet);
  REQUIRE(ds);
  CHECK(ds->key.to_string() == "192.0.2.21:8080");
  CHECK(ds->weight == 3);
  CHECK(ds->active_connections == 7);
  CHECK(ds->inactive_connections == 8);
  CHECK(ds->persistent_connections == 2);
  CHECK(ds->traffic == TrafficStats{4, 40, 41, 4000, 4100});

  // Without a stats nest (or with a malformed one) the counters are zero, the key stands.
  Reply bare(IPVS_CMD_NEW_DEST);
  bare.begin(IPVS_CMD_ATTR_DEST);
  bare.put(IPVS_DEST_ATTR_ADDR, raddr, 16);
  bare.be16(IPVS_DEST_ATTR_PORT, 8080);
  bare.begin(IPVS_DEST_ATTR_STATS64);
  const std::uint8_t junk[6] = {0xff, 0xff, 1, 0, 0, 0};  // an attribute longer than its nest
  bare.b.insert(bare.b.end(), junk, junk + 6);
  bare.b.resize((bare.b.size() + 3) & ~std::size_t{3}, 0);
  bare.end();
  bare.end();
  auto z = genl::decode_dest_stats(bare.message(), Family::Inet);
  REQUIRE(z);
  CHECK(z->traffic == TrafficStats{});
}
