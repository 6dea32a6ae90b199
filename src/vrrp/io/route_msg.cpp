// See route_msg.hpp. Message layouts: rtnetlink(7), <linux/rtnetlink.h>, <linux/fib_rules.h>,
// <linux/lwtunnel.h>, <linux/mpls_iptunnel.h>.
#include "route_msg.hpp"

#include <linux/fib_rules.h>
#include <linux/lwtunnel.h>
#include <linux/mpls.h>
#include <linux/mpls_iptunnel.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cstring>
#include <span>
#include <string_view>

namespace stayalived::vrrp {

namespace {

constexpr std::uint8_t kRtprotKeepalived = 18;  // "proto keepalived", as keepalived marks its routes and rules
constexpr std::uint16_t kTunnelCsum = 0x01;     // TUNNEL_CSUM of LWTUNNEL_IP_FLAGS (include/net/ip_tunnels.h)

// A netlink message under construction: fixed headers, then attributes, nests closed by
// writing their length once their content is known. Every piece is padded to 4 bytes.
class NlBuilder {
 public:
  NlBuilder(std::uint16_t type, std::uint16_t flags) {
    nlmsghdr h{};
    h.nlmsg_type = type;
    h.nlmsg_flags = flags;
    raw(&h, sizeof h);
  }
  void raw(const void* p, std::size_t n) {
    const auto* b = static_cast<const std::uint8_t*>(p);
    buf_.insert(buf_.end(), b, b + n);
    buf_.resize(NLMSG_ALIGN(buf_.size()), 0);
  }
  void put(std::uint16_t type, const void* p, std::size_t n) {
    nlattr a{};
    a.nla_len = static_cast<std::uint16_t>(NLA_HDRLEN + n);
    a.nla_type = type;
    const std::size_t at = buf_.size();
    buf_.resize(at + NLA_HDRLEN, 0);
    std::memcpy(buf_.data() + at, &a, sizeof a);
    raw(p, n);
  }
  void u8(std::uint16_t type, std::uint8_t v) { put(type, &v, 1); }
  void u16(std::uint16_t type, std::uint16_t v) { put(type, &v, 2); }
  void u32(std::uint16_t type, std::uint32_t v) { put(type, &v, 4); }
  void be64(std::uint16_t type, std::uint64_t v) {
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    put(type, b, 8);
  }
  void addr(std::uint16_t type, const IpAddress& a) { put(type, a.bytes.data(), a.size()); }
  /// A string with its terminating NUL (interface names).
  void str0(std::uint16_t type, std::string_view s) {
    std::vector<char> z(s.begin(), s.end());
    z.push_back('\0');
    put(type, z.data(), z.size());
  }
  /// A nest (or a struct followed by attributes, as struct rtnexthop): returns where its
  /// 16-bit length goes; close() writes it.
  std::size_t open(std::uint16_t type) {
    const std::size_t at = buf_.size();
    nlattr a{};
    a.nla_type = type;
    raw(&a, sizeof a);
    return at;
  }
  std::size_t open_raw(const void* p, std::size_t n) {
    const std::size_t at = buf_.size();
    raw(p, n);
    return at;
  }
  void close(std::size_t at) {
    const auto len = static_cast<std::uint16_t>(buf_.size() - at);
    std::memcpy(buf_.data() + at, &len, sizeof len);  // nla_len and rtnh_len both lead
  }
  std::vector<std::uint8_t> finish() {
    const auto len = static_cast<std::uint32_t>(buf_.size());
    std::memcpy(buf_.data(), &len, sizeof len);
    return std::move(buf_);
  }

 private:
  std::vector<std::uint8_t> buf_;
};

std::uint8_t route_type(config::RouteType t) {
  static constexpr std::uint8_t kTypes[] = {RTN_UNICAST,   RTN_LOCAL,     RTN_BROADCAST,   RTN_ANYCAST,
                                            RTN_MULTICAST, RTN_BLACKHOLE, RTN_UNREACHABLE, RTN_PROHIBIT,
                                            RTN_THROW,     RTN_NAT};
  return kTypes[static_cast<int>(t)];
}

// The RTAX_* id of each RouteMetric (the bit positions of Route::locked).
int rtax_of(config::RouteMetric m) {
  using M = config::RouteMetric;
  switch (m) {
    case M::Mtu: return RTAX_MTU;
    case M::Window: return RTAX_WINDOW;
    case M::Rtt: return RTAX_RTT;
    case M::Rttvar: return RTAX_RTTVAR;
    case M::Ssthresh: return RTAX_SSTHRESH;
    case M::Cwnd: return RTAX_CWND;
    case M::Advmss: return RTAX_ADVMSS;
    case M::Reordering: return RTAX_REORDERING;
    case M::Hoplimit: return RTAX_HOPLIMIT;
    case M::Initcwnd: return RTAX_INITCWND;
    case M::Initrwnd: return RTAX_INITRWND;
    case M::RtoMin: return RTAX_RTO_MIN;
  }
  return RTAX_UNSPEC;
}

void put_metrics(NlBuilder& m, const config::Route& r) {
  using M = config::RouteMetric;
  std::uint32_t lock = 0;
  for (unsigned bit = 0; bit <= static_cast<unsigned>(M::RtoMin); ++bit)
    if (r.locked & (1u << bit)) lock |= 1u << rtax_of(static_cast<M>(bit));
  if (r.congctl && r.congctl_lock) lock |= 1u << RTAX_CC_ALGO;
  const bool any = lock || r.mtu || r.window || r.rtt || r.rttvar || r.ssthresh || r.cwnd || r.advmss ||
                   r.reordering || r.hoplimit || r.initcwnd || r.features_ecn || r.rto_min || r.initrwnd ||
                   r.quickack || r.congctl || r.fastopen_no_cookie;
  if (!any) return;
  const auto nest = m.open(RTA_METRICS);
  if (lock) m.u32(RTAX_LOCK, lock);
  const auto u32 = [&](int id, const std::optional<std::uint32_t>& v) {
    if (v) m.u32(static_cast<std::uint16_t>(id), *v);
  };
  u32(RTAX_MTU, r.mtu);
  u32(RTAX_WINDOW, r.window);
  u32(RTAX_RTT, r.rtt);
  u32(RTAX_RTTVAR, r.rttvar);
  u32(RTAX_SSTHRESH, r.ssthresh);
  u32(RTAX_CWND, r.cwnd);
  u32(RTAX_ADVMSS, r.advmss);
  u32(RTAX_REORDERING, r.reordering);
  u32(RTAX_HOPLIMIT, r.hoplimit);
  u32(RTAX_INITCWND, r.initcwnd);
  if (r.features_ecn) m.u32(RTAX_FEATURES, RTAX_FEATURE_ECN);
  u32(RTAX_RTO_MIN, r.rto_min);
  u32(RTAX_INITRWND, r.initrwnd);
  if (r.quickack) m.u32(RTAX_QUICKACK, *r.quickack ? 1 : 0);
  // A string metric, without its NUL (as keepalived and iproute2 send it).
  if (r.congctl) m.put(RTAX_CC_ALGO, r.congctl->data(), r.congctl->size());
  if (r.fastopen_no_cookie) m.u32(RTAX_FASTOPEN_NO_COOKIE, *r.fastopen_no_cookie ? 1 : 0);
  m.close(nest);
}

// RTA_ENCAP and RTA_ENCAP_TYPE (lightweight tunnels: `encap mpls|ip|ip6|ila`).
void put_encap(NlBuilder& m, const config::RouteEncap& e) {
  using T = config::RouteEncap::Type;
  std::uint16_t type = LWTUNNEL_ENCAP_NONE;
  const auto nest = m.open(RTA_ENCAP);
  switch (e.type) {
    case T::Mpls: {
      type = LWTUNNEL_ENCAP_MPLS;
      // The label stack: one 32-bit entry per label, network order, bottom of stack on the last.
      std::vector<std::uint8_t> stack;
      for (std::size_t i = 0; i < e.mpls_labels.size(); ++i) {
        std::uint32_t entry = e.mpls_labels[i] << MPLS_LS_LABEL_SHIFT;
        if (i + 1 == e.mpls_labels.size()) entry |= 1u << MPLS_LS_S_SHIFT;
        for (int s = 24; s >= 0; s -= 8) stack.push_back(static_cast<std::uint8_t>(entry >> s));
      }
      m.put(MPLS_IPTUNNEL_DST, stack.data(), stack.size());
      break;
    }
    case T::Ip:
    case T::Ip6: {
      // LWTUNNEL_IP_* and LWTUNNEL_IP6_* share their numbers (ttl = hoplimit, tos = tc).
      type = e.type == T::Ip ? LWTUNNEL_ENCAP_IP : LWTUNNEL_ENCAP_IP6;
      if (e.id) m.be64(LWTUNNEL_IP_ID, *e.id);
      if (e.dst) m.addr(LWTUNNEL_IP_DST, *e.dst);
      if (e.ttl) m.u8(LWTUNNEL_IP_TTL, *e.ttl);
      if (e.tos) m.u8(LWTUNNEL_IP_TOS, *e.tos);
      if (e.csum) m.u16(LWTUNNEL_IP_FLAGS, kTunnelCsum);
      break;
    }
    case T::Ila:
      type = LWTUNNEL_ENCAP_ILA;
      if (e.id) m.put(1 /* ILA_ATTR_LOCATOR */, &*e.id, 8);
      break;
  }
  m.close(nest);
  m.u16(RTA_ENCAP_TYPE, type);
}

struct Hop {
  std::optional<IpAddress> via;
  int ifindex = 0;
  bool onlink = false;
  std::uint8_t hops = 0;  // weight - 1
  std::optional<std::uint32_t> realms;
};

void put_multipath(NlBuilder& m, const std::vector<Hop>& hops) {
  const auto nest = m.open(RTA_MULTIPATH);
  for (const auto& h : hops) {
    rtnexthop nh{};
    nh.rtnh_flags = h.onlink ? RTNH_F_ONLINK : 0;
    nh.rtnh_hops = h.hops;
    nh.rtnh_ifindex = h.ifindex;
    const auto at = m.open_raw(&nh, sizeof nh);
    if (h.via) m.addr(RTA_GATEWAY, *h.via);
    if (h.realms) m.u32(RTA_FLOW, *h.realms);
    m.close(at);
  }
  m.close(nest);
}

}  // namespace

std::vector<std::uint8_t> encode_route(const RouteSpec& s, NlOp op) {
  const auto& r = s.route;
  const bool add = op == NlOp::Add;
  std::uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
  if (add) {
    flags |= NLM_F_CREATE;
    if (r.append) flags |= NLM_F_APPEND;
    if (r.add || r.type != config::RouteType::Unicast) flags |= NLM_F_EXCL;
  }
  NlBuilder m(add ? RTM_NEWROUTE : RTM_DELROUTE, flags);

  // `vrf NAME`: the route goes into the VRF's table.
  const std::uint32_t table = s.vrf_table ? *s.vrf_table : r.table.value_or(RT_TABLE_MAIN);
  rtmsg h{};
  h.rtm_family = static_cast<unsigned char>(net::af(r.destination.address.family));
  h.rtm_dst_len = r.destination.length;
  h.rtm_tos = r.tos.value_or(0);
  h.rtm_table = static_cast<unsigned char>(table < 256 ? table : std::uint32_t{RT_TABLE_UNSPEC});
  h.rtm_protocol = r.protocol.value_or(kRtprotKeepalived);
  // A delete leaves out (wildcards) the scope and type the line does not give, as keepalived
  // 2.2.7 does; it names the type of a non-unicast route, and of one added with `add`.
  if (add) h.rtm_scope = r.scope.value_or(std::uint8_t{RT_SCOPE_UNIVERSE});
  else h.rtm_scope = r.scope.value_or(std::uint8_t{RT_SCOPE_NOWHERE});
  if (add || r.add || r.type != config::RouteType::Unicast) h.rtm_type = route_type(r.type);
  else h.rtm_type = RTN_UNSPEC;
  if (r.onlink) h.rtm_flags = RTNH_F_ONLINK;
  m.raw(&h, sizeof h);

  if (table >= 256) m.u32(RTA_TABLE, table);
  m.addr(RTA_DST, r.destination.network());
  if (r.src) m.addr(RTA_PREFSRC, *r.src);

  // `or ADDR` (keepalived's older syntax for two gateways): a two-way multipath route with
  // the gateways only, the device staying at the top as RTA_OIF, as keepalived 2.2.7 sends it
  // (the kernel refuses that with a dev: the nexthops' device 0 does not match RTA_OIF).
  std::vector<Hop> hops;
  if (r.or_via) {
    hops.push_back(Hop{.via = r.via});
    hops.push_back(Hop{.via = r.or_via});
  } else {
    for (std::size_t i = 0; i < r.nexthops.size(); ++i) {
      const auto& nh = r.nexthops[i];
      hops.push_back(Hop{.via = nh.via,
                         .ifindex = i < s.nexthop_ifindex.size() ? s.nexthop_ifindex[i] : 0,
                         .onlink = nh.onlink,
                         .hops = nh.weight.value_or(0),
                         .realms = nh.realms});
    }
  }
  if (r.via && hops.empty()) m.addr(RTA_GATEWAY, *r.via);
  if (r.encap) put_encap(m, *r.encap);
  if (s.ifindex) m.u32(RTA_OIF, static_cast<std::uint32_t>(s.ifindex));
  if (r.metric) m.u32(RTA_PRIORITY, *r.metric);
  if (r.realms) m.u32(RTA_FLOW, *r.realms);
  put_metrics(m, r);
  if (!hops.empty()) put_multipath(m, hops);
  if (r.pref) m.u8(RTA_PREF, *r.pref);
  if (r.ttl_propagate_set) m.u8(RTA_TTL_PROPAGATE, r.ttl_propagate ? 1 : 0);
  return m.finish();
}

std::vector<std::uint8_t> encode_rule(const config::Rule& r, NlOp op) {
  const bool add = op == NlOp::Add;
  // NLM_F_EXCL: the kernel would otherwise add a second copy of a rule already there.
  NlBuilder m(add ? RTM_NEWRULE : RTM_DELRULE,
              static_cast<std::uint16_t>(NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0)));
  static constexpr std::uint8_t kActions[] = {FR_ACT_TO_TBL,    FR_ACT_GOTO,        FR_ACT_NOP,
                                              FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT};
  const std::uint32_t table = r.table.value_or(RT_TABLE_UNSPEC);
  fib_rule_hdr h{};
  h.family = static_cast<std::uint8_t>(net::af(r.family));
  h.dst_len = r.to ? r.to->length : 0;
  h.src_len = r.from ? r.from->length : 0;
  h.tos = r.tos.value_or(0);
  h.table = static_cast<std::uint8_t>(table < 256 ? table : std::uint32_t{RT_TABLE_UNSPEC});
  h.action = kActions[static_cast<int>(r.action)];
  if (r.invert) h.flags = FIB_RULE_INVERT;  // `not`
  m.raw(&h, sizeof h);

  if (table >= 256) m.u32(FRA_TABLE, table);
  if (r.from) m.addr(FRA_SRC, r.from->network());
  if (r.to) m.addr(FRA_DST, r.to->network());
  if (r.preference) m.u32(FRA_PRIORITY, *r.preference);
  if (r.fwmark) m.u32(FRA_FWMARK, *r.fwmark);
  if (r.fwmask) m.u32(FRA_FWMASK, *r.fwmask);
  if (r.realms) m.u32(FRA_FLOW, *r.realms);
  if (r.tunnel_id) m.be64(FRA_TUN_ID, *r.tunnel_id);
  if (r.suppress_ifgroup) m.u32(FRA_SUPPRESS_IFGROUP, *r.suppress_ifgroup);
  if (r.suppress_prefixlen) m.u32(FRA_SUPPRESS_PREFIXLEN, *r.suppress_prefixlen);
  if (r.iif) m.str0(FRA_IIFNAME, *r.iif);
  if (r.oif) m.str0(FRA_OIFNAME, *r.oif);
  if (r.goto_target) m.u32(FRA_GOTO, *r.goto_target);
  if (r.l3mdev) m.u8(FRA_L3MDEV, 1);
  if (r.uidrange) {
    const fib_rule_uid_range u{r.uidrange->start, r.uidrange->end};
    m.put(FRA_UID_RANGE, &u, sizeof u);
  }
  // keepalived marks the rules it tracks (all but no_track) as its own.
  if (r.protocol) m.u8(FRA_PROTOCOL, *r.protocol);
  else if (!r.no_track) m.u8(FRA_PROTOCOL, kRtprotKeepalived);
  if (r.ip_proto) m.u8(FRA_IP_PROTO, *r.ip_proto);
  const auto ports = [&](std::uint16_t type, const std::optional<config::Range32>& p) {
    if (!p) return;
    const fib_rule_port_range pr{static_cast<std::uint16_t>(p->start), static_cast<std::uint16_t>(p->end)};
    m.put(type, &pr, sizeof pr);
  };
  ports(FRA_SPORT_RANGE, r.sport);
  ports(FRA_DPORT_RANGE, r.dport);
  return m.finish();
}

}  // namespace stayalived::vrrp
