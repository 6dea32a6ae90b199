// Byte-level encoding of the IPVS generic-netlink messages. Multi-byte fields are written
// and read explicitly (native order for NLA_U16/U32, network order for ports, addresses
// and the IPv4 persistence netmask), never by overlaying structs on the buffer.
#include "stayalived/ipvs/genl_codec.hpp"

#include <linux/genetlink.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>
#include <linux/netlink.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace stayalived::ipvs::genl {

static_assert(kMsgError == NLMSG_ERROR && kMsgDone == NLMSG_DONE && kFlagMulti == NLM_F_MULTI &&
              kFlagDumpIntr == NLM_F_DUMP_INTR);

namespace {

constexpr std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

std::uint16_t load16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
std::uint32_t load32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
std::uint16_t load_be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
std::uint32_t load_be32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
}

// Builds one message: nlmsghdr, genlmsghdr, then attributes (nested ones by offset).
class Builder {
 public:
  Builder(Header h, std::uint8_t cmd, std::uint16_t flags) {
    buf_.resize(NLMSG_HDRLEN + GENL_HDRLEN, 0);
    store16(4, h.family);
    store16(6, flags);
    store32(8, h.seq);
    // nlmsg_pid 0: the kernel fills in our port.
    buf_[NLMSG_HDRLEN] = cmd;
    buf_[NLMSG_HDRLEN + 1] = IPVS_GENL_VERSION;
  }

  void put(std::uint16_t type, const void* data, std::size_t len) {
    std::size_t at = buf_.size();
    buf_.resize(at + align4(NLA_HDRLEN + len), 0);
    store16(at, static_cast<std::uint16_t>(NLA_HDRLEN + len));
    store16(at + 2, type);
    if (len) std::memcpy(buf_.data() + at + NLA_HDRLEN, data, len);
  }
  void u8(std::uint16_t type, std::uint8_t v) { put(type, &v, 1); }
  void u16(std::uint16_t type, std::uint16_t v) { put(type, &v, 2); }
  void u32(std::uint16_t type, std::uint32_t v) { put(type, &v, 4); }
  void be16(std::uint16_t type, std::uint16_t v) {
    std::uint8_t b[2] = {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    put(type, b, 2);
  }
  void be32(std::uint16_t type, std::uint32_t v) {
    std::uint8_t b[4] = {static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                         static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    put(type, b, 4);
  }
  void string(std::uint16_t type, const std::string& s) { put(type, s.c_str(), s.size() + 1); }
  // The kernel's address attributes are a union nf_inet_addr (16 bytes); IPv4 uses the
  // first 4, the rest stays zero.
  void address(std::uint16_t type, const IpAddress& a) { put(type, a.bytes.data(), a.bytes.size()); }

  std::size_t begin_nested(std::uint16_t type) {
    std::size_t at = buf_.size();
    buf_.resize(at + NLA_HDRLEN, 0);
    store16(at + 2, static_cast<std::uint16_t>(type | NLA_F_NESTED));
    return at;
  }
  void end_nested(std::size_t at) { store16(at, static_cast<std::uint16_t>(buf_.size() - at)); }

  Bytes finish() {
    store32(0, static_cast<std::uint32_t>(buf_.size()));
    return std::move(buf_);
  }

 private:
  void store16(std::size_t at, std::uint16_t v) { std::memcpy(buf_.data() + at, &v, 2); }
  void store32(std::size_t at, std::uint32_t v) { std::memcpy(buf_.data() + at, &v, 4); }
  Bytes buf_;
};

constexpr std::uint16_t kWrite = NLM_F_REQUEST | NLM_F_ACK;
constexpr std::uint16_t kDump = NLM_F_REQUEST | NLM_F_DUMP;

// The attributes that identify a service (all a delete or a lookup needs).
void put_service_key(Builder& b, const ServiceKey& k) {
  b.u16(IPVS_SVC_ATTR_AF, static_cast<std::uint16_t>(net::af(k.family)));
  if (k.is_fwmark()) {
    b.u32(IPVS_SVC_ATTR_FWMARK, k.fwmark);
  } else {
    b.u16(IPVS_SVC_ATTR_PROTOCOL, static_cast<std::uint16_t>(k.protocol));
    b.address(IPVS_SVC_ATTR_ADDR, k.address);
    b.be16(IPVS_SVC_ATTR_PORT, k.port);
  }
}

void put_service(Builder& b, const Service& s, bool full) {
  auto at = b.begin_nested(IPVS_CMD_ATTR_SERVICE);
  put_service_key(b, s.key);
  if (full) {
    b.string(IPVS_SVC_ATTR_SCHED_NAME, s.scheduler);
    if (!s.pe_name.empty()) b.string(IPVS_SVC_ATTR_PE_NAME, s.pe_name);
    // struct ip_vs_flags { flags, mask }: a full mask replaces every user flag (the kernel
    // keeps IP_VS_SVC_F_HASHED itself).
    std::uint32_t flags[2] = {s.flags & svc_flag::kUserMask, 0xffffffffu};
    b.put(IPVS_SVC_ATTR_FLAGS, flags, sizeof flags);
    b.u32(IPVS_SVC_ATTR_TIMEOUT, s.timeout);
    // IPv4: a __be32 netmask; IPv6: a prefix length in host order.
    if (s.key.family == Family::Inet6)
      b.u32(IPVS_SVC_ATTR_NETMASK, s.netmask);
    else
      b.be32(IPVS_SVC_ATTR_NETMASK, s.netmask);
  }
  b.end_nested(at);
}

void put_dest(Builder& b, const Destination& d, bool full) {
  auto at = b.begin_nested(IPVS_CMD_ATTR_DEST);
  b.address(IPVS_DEST_ATTR_ADDR, d.key.address);
  b.u16(IPVS_DEST_ATTR_ADDR_FAMILY, static_cast<std::uint16_t>(net::af(d.key.address.family)));
  b.be16(IPVS_DEST_ATTR_PORT, d.key.port);
  if (full) {
    b.u32(IPVS_DEST_ATTR_FWD_METHOD, static_cast<std::uint32_t>(d.forward));
    b.u32(IPVS_DEST_ATTR_WEIGHT, d.weight);
    b.u32(IPVS_DEST_ATTR_U_THRESH, d.upper_threshold);
    b.u32(IPVS_DEST_ATTR_L_THRESH, d.lower_threshold);
    if (d.forward == Forward::Tunnel) {
      b.u8(IPVS_DEST_ATTR_TUN_TYPE, static_cast<std::uint8_t>(d.tun_type));
      b.be16(IPVS_DEST_ATTR_TUN_PORT, d.tun_port);
      b.u16(IPVS_DEST_ATTR_TUN_FLAGS, d.tun_flags);
    }
  }
  b.end_nested(at);
}

// Finds the first attribute of `type` in a list; empty span if absent.
const Attr* find(const std::vector<Attr>& attrs, std::uint16_t type) {
  for (const auto& a : attrs)
    if (a.type == type) return &a;
  return nullptr;
}

Expected<std::vector<Attr>, std::string> nested_of(const Message& m, std::uint16_t type, const char* what) {
  auto top = parse_attrs(m.attrs);
  if (!top) return Unexpected(top.error());
  const Attr* a = find(*top, type);
  if (a == nullptr) return Unexpected(fmt::format("{} attribute missing", what));
  return parse_attrs(a->data);
}

// Fixed-size attribute readers: a wrong size is an error, never a short read.
bool get16(const std::vector<Attr>& attrs, std::uint16_t type, std::uint16_t& out) {
  const Attr* a = find(attrs, type);
  if (a == nullptr || a->data.size() < 2) return false;
  out = load16(a->data.data());
  return true;
}
bool get32(const std::vector<Attr>& attrs, std::uint16_t type, std::uint32_t& out) {
  const Attr* a = find(attrs, type);
  if (a == nullptr || a->data.size() < 4) return false;
  out = load32(a->data.data());
  return true;
}
bool get_string(const std::vector<Attr>& attrs, std::uint16_t type, std::string& out) {
  const Attr* a = find(attrs, type);
  if (a == nullptr) return false;
  const char* p = reinterpret_cast<const char*>(a->data.data());
  out.assign(p, strnlen(p, a->data.size()));
  return true;
}
bool get_address(const std::vector<Attr>& attrs, std::uint16_t type, Family family, IpAddress& out) {
  const Attr* a = find(attrs, type);
  std::size_t need = family == Family::Inet6 ? 16 : 4;
  if (a == nullptr || a->data.size() < need) return false;
  out = IpAddress{};
  out.family = family;
  std::memcpy(out.bytes.data(), a->data.data(), need);
  return true;
}

}  // namespace

Bytes encode_op(const Op& op, Header h) {
  static constexpr std::uint8_t kCmd[] = {IPVS_CMD_NEW_SERVICE, IPVS_CMD_SET_SERVICE, IPVS_CMD_DEL_SERVICE,
                                          IPVS_CMD_NEW_DEST,    IPVS_CMD_SET_DEST,    IPVS_CMD_DEL_DEST};
  Builder b(h, kCmd[static_cast<int>(op.kind)], kWrite);
  switch (op.kind) {
    case OpKind::AddService:
    case OpKind::EditService:
      put_service(b, op.service, true);
      break;
    case OpKind::DeleteService:
      put_service(b, op.service, false);
      break;
    case OpKind::AddDest:
    case OpKind::EditDest:
      put_service(b, op.service, false);
      put_dest(b, op.dest, true);
      break;
    case OpKind::DeleteDest:
      put_service(b, op.service, false);
      put_dest(b, op.dest, false);
      break;
  }
  return b.finish();
}

Bytes encode_get_services(Header h) { return Builder(h, IPVS_CMD_GET_SERVICE, kDump).finish(); }

Bytes encode_get_service(const ServiceKey& k, Header h) {
  Builder b(h, IPVS_CMD_GET_SERVICE, NLM_F_REQUEST);
  auto at = b.begin_nested(IPVS_CMD_ATTR_SERVICE);
  put_service_key(b, k);
  b.end_nested(at);
  return b.finish();
}

Bytes encode_get_dests(const ServiceKey& k, Header h) {
  Builder b(h, IPVS_CMD_GET_DEST, kDump);
  auto at = b.begin_nested(IPVS_CMD_ATTR_SERVICE);
  put_service_key(b, k);
  b.end_nested(at);
  return b.finish();
}

Bytes encode_flush(Header h) { return Builder(h, IPVS_CMD_FLUSH, kWrite).finish(); }

Bytes encode_set_timeouts(const Timeouts& t, Header h) {
  Builder b(h, IPVS_CMD_SET_CONFIG, kWrite);
  if (t.tcp) b.u32(IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcp);
  if (t.tcp_fin) b.u32(IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcp_fin);
  if (t.udp) b.u32(IPVS_CMD_ATTR_TIMEOUT_UDP, t.udp);
  return b.finish();
}

Bytes encode_get_timeouts(Header h) { return Builder(h, IPVS_CMD_GET_CONFIG, NLM_F_REQUEST).finish(); }

Bytes encode_new_daemon(const SyncDaemon& d, Header h) {
  Builder b(h, IPVS_CMD_NEW_DAEMON, kWrite);
  auto at = b.begin_nested(IPVS_CMD_ATTR_DAEMON);
  b.u32(IPVS_DAEMON_ATTR_STATE, static_cast<std::uint32_t>(d.role));
  b.string(IPVS_DAEMON_ATTR_MCAST_IFN, d.interface);
  b.u32(IPVS_DAEMON_ATTR_SYNC_ID, d.sync_id);
  if (d.max_len) b.u16(IPVS_DAEMON_ATTR_SYNC_MAXLEN, d.max_len);
  if (d.group) {
    if (d.group->is_v6())
      b.put(IPVS_DAEMON_ATTR_MCAST_GROUP6, d.group->bytes.data(), 16);
    else
      b.put(IPVS_DAEMON_ATTR_MCAST_GROUP, d.group->bytes.data(), 4);
  }
  // The kernel reads the port as a host-order u16 (unlike the service/dest ports).
  if (d.port) b.u16(IPVS_DAEMON_ATTR_MCAST_PORT, d.port);
  if (d.ttl) b.u8(IPVS_DAEMON_ATTR_MCAST_TTL, d.ttl);
  b.end_nested(at);
  return b.finish();
}

Bytes encode_del_daemon(SyncRole role, Header h) {
  Builder b(h, IPVS_CMD_DEL_DAEMON, kWrite);
  auto at = b.begin_nested(IPVS_CMD_ATTR_DAEMON);
  b.u32(IPVS_DAEMON_ATTR_STATE, static_cast<std::uint32_t>(role));
  b.end_nested(at);
  return b.finish();
}

Bytes encode_get_daemons(Header h) { return Builder(h, IPVS_CMD_GET_DAEMON, kDump).finish(); }

Bytes encode_get_info(Header h) { return Builder(h, IPVS_CMD_GET_INFO, NLM_F_REQUEST).finish(); }

Expected<std::vector<Message>, std::string> split(std::span<const std::uint8_t> d) {
  std::vector<Message> out;
  std::size_t off = 0;
  while (off + NLMSG_HDRLEN <= d.size()) {
    const std::uint8_t* p = d.data() + off;
    std::uint32_t len = load32(p);
    if (len < NLMSG_HDRLEN || len > d.size() - off)
      return Unexpected(fmt::format("netlink message length {} at offset {} exceeds the {} bytes received", len, off,
                                    d.size()));
    Message m;
    m.type = load16(p + 4);
    m.flags = load16(p + 6);
    m.seq = load32(p + 8);
    std::span<const std::uint8_t> payload(p + NLMSG_HDRLEN, len - NLMSG_HDRLEN);
    if (m.type == NLMSG_ERROR || m.type == NLMSG_DONE) {
      // struct nlmsgerr starts with a negative errno; NLMSG_DONE of a failed dump carries one.
      if (payload.size() >= 4) {
        std::int32_t err;
        std::memcpy(&err, payload.data(), 4);
        // (as 64 bits: a hostile INT32_MIN has no 32-bit negation)
        const std::int64_t e = err < 0 ? -std::int64_t{err} : std::int64_t{err};
        m.error = static_cast<int>(std::min<std::int64_t>(e, std::numeric_limits<std::int32_t>::max()));
      } else if (m.type == NLMSG_ERROR) {
        return Unexpected(std::string("truncated netlink error message"));
      }
    } else if (m.type >= NLMSG_MIN_TYPE) {
      if (payload.size() < GENL_HDRLEN) return Unexpected(std::string("truncated generic netlink header"));
      m.cmd = payload[0];
      m.attrs = payload.subspan(GENL_HDRLEN);
    }
    out.push_back(m);
    off += align4(len);
  }
  if (off < d.size() && d.size() - off >= NLMSG_HDRLEN)
    return Unexpected(std::string("trailing bytes after the last netlink message"));
  return out;
}

Expected<std::vector<Attr>, std::string> parse_attrs(std::span<const std::uint8_t> bytes) {
  std::vector<Attr> out;
  std::size_t off = 0;
  while (off + NLA_HDRLEN <= bytes.size()) {
    std::uint16_t len = load16(bytes.data() + off);
    std::uint16_t type = load16(bytes.data() + off + 2);
    if (len < NLA_HDRLEN || len > bytes.size() - off)
      return Unexpected(fmt::format("attribute length {} at offset {} exceeds its container", len, off));
    out.push_back(Attr{.type = static_cast<std::uint16_t>(type & NLA_TYPE_MASK),
                       .nested = (type & NLA_F_NESTED) != 0,
                       .data = bytes.subspan(off + NLA_HDRLEN, len - NLA_HDRLEN)});
    off += align4(len);
  }
  return out;
}

Expected<Service, std::string> decode_service(const Message& m) {
  auto attrs = nested_of(m, IPVS_CMD_ATTR_SERVICE, "service");
  if (!attrs) return Unexpected(attrs.error());
  const auto& a = *attrs;
  Service s;
  std::uint16_t af = 0;
  if (!get16(a, IPVS_SVC_ATTR_AF, af)) return Unexpected(std::string("service without address family"));
  const auto known = net::family_of_af(af);
  if (!known) return Unexpected(fmt::format("service with unknown address family {}", af));
  const Family family = *known;
  std::uint32_t fwmark = 0;
  if (get32(a, IPVS_SVC_ATTR_FWMARK, fwmark) && fwmark != 0) {
    s.key = ServiceKey::fwmark_service(fwmark, family);
  } else {
    std::uint16_t proto = 0;
    IpAddress addr;
    const Attr* port = find(a, IPVS_SVC_ATTR_PORT);
    if (!get16(a, IPVS_SVC_ATTR_PROTOCOL, proto) || !get_address(a, IPVS_SVC_ATTR_ADDR, family, addr) ||
        port == nullptr || port->data.size() < 2)
      return Unexpected(std::string("service without protocol, address or port"));
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_SCTP)
      return Unexpected(fmt::format("service with unsupported protocol {}", proto));
    s.key = ServiceKey::make(static_cast<Protocol>(proto), addr, load_be16(port->data.data()));
  }
  get_string(a, IPVS_SVC_ATTR_SCHED_NAME, s.scheduler);
  get_string(a, IPVS_SVC_ATTR_PE_NAME, s.pe_name);
  if (const Attr* f = find(a, IPVS_SVC_ATTR_FLAGS); f != nullptr && f->data.size() >= 4)
    s.flags = load32(f->data.data()) & svc_flag::kUserMask;
  get32(a, IPVS_SVC_ATTR_TIMEOUT, s.timeout);
  if (const Attr* nm = find(a, IPVS_SVC_ATTR_NETMASK); nm != nullptr && nm->data.size() >= 4)
    s.netmask = family == Family::Inet6 ? load32(nm->data.data()) : load_be32(nm->data.data());
  return s;
}

Expected<Destination, std::string> decode_dest(const Message& m, Family service_family) {
  auto attrs = nested_of(m, IPVS_CMD_ATTR_DEST, "destination");
  if (!attrs) return Unexpected(attrs.error());
  const auto& a = *attrs;
  Destination d;
  Family family = service_family;
  if (std::uint16_t af = 0; get16(a, IPVS_DEST_ATTR_ADDR_FAMILY, af)) {
    const auto known = net::family_of_af(af);
    if (!known) return Unexpected(fmt::format("destination with unknown address family {}", af));
    family = *known;
  }
  const Attr* port = find(a, IPVS_DEST_ATTR_PORT);
  if (!get_address(a, IPVS_DEST_ATTR_ADDR, family, d.key.address) || port == nullptr || port->data.size() < 2)
    return Unexpected(std::string("destination without address or port"));
  d.key.port = load_be16(port->data.data());
  std::uint32_t fwd = 0;
  get32(a, IPVS_DEST_ATTR_FWD_METHOD, fwd);
  d.forward = static_cast<Forward>(fwd & IP_VS_CONN_F_FWD_MASK);
  get32(a, IPVS_DEST_ATTR_WEIGHT, d.weight);
  get32(a, IPVS_DEST_ATTR_U_THRESH, d.upper_threshold);
  get32(a, IPVS_DEST_ATTR_L_THRESH, d.lower_threshold);
  if (const Attr* t = find(a, IPVS_DEST_ATTR_TUN_TYPE); t != nullptr && !t->data.empty())
    d.tun_type = static_cast<TunnelType>(t->data[0]);
  if (const Attr* t = find(a, IPVS_DEST_ATTR_TUN_PORT); t != nullptr && t->data.size() >= 2)
    d.tun_port = load_be16(t->data.data());
  get16(a, IPVS_DEST_ATTR_TUN_FLAGS, d.tun_flags);
  return d;
}

namespace {

// A counter of a stats nest: 8 bytes in STATS64 (and for the byte counters of STATS),
// 4 bytes for the others in STATS.
std::uint64_t counter(const std::vector<Attr>& attrs, std::uint16_t type) {
  const Attr* a = find(attrs, type);
  if (a == nullptr) return 0;
  if (a->data.size() >= 8) {
    std::uint64_t v = 0;
    std::memcpy(&v, a->data.data(), 8);
    return v;
  }
  return a->data.size() >= 4 ? load32(a->data.data()) : 0;
}

// The traffic counters of a service or destination: STATS64 when the kernel sends it
// (Linux >= 4.1), else STATS.
TrafficStats traffic_of(const std::vector<Attr>& attrs, std::uint16_t stats64, std::uint16_t stats32) {
  const Attr* n = find(attrs, stats64);
  if (n == nullptr) n = find(attrs, stats32);
  if (n == nullptr) return {};
  auto inner = parse_attrs(n->data);
  if (!inner) return {};
  return TrafficStats{.connections = counter(*inner, IPVS_STATS_ATTR_CONNS),
                      .incoming_packets = counter(*inner, IPVS_STATS_ATTR_INPKTS),
                      .outgoing_packets = counter(*inner, IPVS_STATS_ATTR_OUTPKTS),
                      .incoming_bytes = counter(*inner, IPVS_STATS_ATTR_INBYTES),
                      .outgoing_bytes = counter(*inner, IPVS_STATS_ATTR_OUTBYTES)};
}

}  // namespace

Expected<ServiceStats, std::string> decode_service_stats(const Message& m) {
  auto s = decode_service(m);
  if (!s) return Unexpected(s.error());
  auto attrs = nested_of(m, IPVS_CMD_ATTR_SERVICE, "service");
  if (!attrs) return Unexpected(attrs.error());
  return ServiceStats{.key = s->key, .traffic = traffic_of(*attrs, IPVS_SVC_ATTR_STATS64, IPVS_SVC_ATTR_STATS), .dests = {}};
}

Expected<DestStats, std::string> decode_dest_stats(const Message& m, Family service_family) {
  auto d = decode_dest(m, service_family);
  if (!d) return Unexpected(d.error());
  auto attrs = nested_of(m, IPVS_CMD_ATTR_DEST, "destination");
  if (!attrs) return Unexpected(attrs.error());
  DestStats out{.key = d->key, .weight = d->weight};
  get32(*attrs, IPVS_DEST_ATTR_ACTIVE_CONNS, out.active_connections);
  get32(*attrs, IPVS_DEST_ATTR_INACT_CONNS, out.inactive_connections);
  get32(*attrs, IPVS_DEST_ATTR_PERSIST_CONNS, out.persistent_connections);
  out.traffic = traffic_of(*attrs, IPVS_DEST_ATTR_STATS64, IPVS_DEST_ATTR_STATS);
  return out;
}

Expected<SyncDaemon, std::string> decode_daemon(const Message& m) {
  auto attrs = nested_of(m, IPVS_CMD_ATTR_DAEMON, "daemon");
  if (!attrs) return Unexpected(attrs.error());
  const auto& a = *attrs;
  SyncDaemon d;
  std::uint32_t state = 0;
  if (!get32(a, IPVS_DAEMON_ATTR_STATE, state) || (state != IP_VS_STATE_MASTER && state != IP_VS_STATE_BACKUP))
    return Unexpected(std::string("daemon without a valid state"));
  d.role = static_cast<SyncRole>(state);
  get_string(a, IPVS_DAEMON_ATTR_MCAST_IFN, d.interface);
  get32(a, IPVS_DAEMON_ATTR_SYNC_ID, d.sync_id);
  get16(a, IPVS_DAEMON_ATTR_SYNC_MAXLEN, d.max_len);
  get16(a, IPVS_DAEMON_ATTR_MCAST_PORT, d.port);
  if (const Attr* t = find(a, IPVS_DAEMON_ATTR_MCAST_TTL); t != nullptr && !t->data.empty()) d.ttl = t->data[0];
  IpAddress g;
  if (get_address(a, IPVS_DAEMON_ATTR_MCAST_GROUP6, Family::Inet6, g))
    d.group = g;
  else if (get_address(a, IPVS_DAEMON_ATTR_MCAST_GROUP, Family::Inet, g))
    d.group = g;
  return d;
}

Expected<Timeouts, std::string> decode_timeouts(const Message& m) {
  auto attrs = parse_attrs(m.attrs);
  if (!attrs) return Unexpected(attrs.error());
  Timeouts t;
  get32(*attrs, IPVS_CMD_ATTR_TIMEOUT_TCP, t.tcp);
  get32(*attrs, IPVS_CMD_ATTR_TIMEOUT_TCP_FIN, t.tcp_fin);
  get32(*attrs, IPVS_CMD_ATTR_TIMEOUT_UDP, t.udp);
  return t;
}

Expected<Info, std::string> decode_info(const Message& m) {
  auto attrs = parse_attrs(m.attrs);
  if (!attrs) return Unexpected(attrs.error());
  Info i;
  if (!get32(*attrs, IPVS_INFO_ATTR_VERSION, i.version)) return Unexpected(std::string("info without version"));
  get32(*attrs, IPVS_INFO_ATTR_CONN_TAB_SIZE, i.conn_tab_size);
  return i;
}

}  // namespace stayalived::ipvs::genl
