// The one file that includes libnl-route (README.md "Layout": libnl stays in two files).
#include "rtnetlink.hpp"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

namespace stayalived::vrrp {

namespace {

constexpr std::uint8_t kRtprotKeepalived = 18;  // "proto keepalived", as keepalived marks its routes
constexpr std::uint32_t kLifetimeForever = 0xffffffffu;


Error nl_error(const std::string& what, int code) {
  return Error{what + ": " + nl_geterror(code), code < 0 ? -code : code};
}

// Owning handles for libnl objects.
template <class T, void (*Put)(T*)>
struct Handle {
  T* p = nullptr;
  Handle() = default;
  explicit Handle(T* x) : p(x) {}
  ~Handle() {
    if (p) Put(p);
  }
  Handle(Handle&& o) noexcept : p(std::exchange(o.p, nullptr)) {}
  Handle& operator=(Handle&& o) noexcept {
    std::swap(p, o.p);
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  T* get() const { return p; }
  T* release() { return std::exchange(p, nullptr); }
};
using AddrH = Handle<nl_addr, nl_addr_put>;
using RtAddrH = Handle<rtnl_addr, rtnl_addr_put>;
using RouteH = Handle<rtnl_route, rtnl_route_put>;
using RuleH = Handle<rtnl_rule, rtnl_rule_put>;
using CacheH = Handle<nl_cache, nl_cache_free>;

AddrH build(const config::IpAddress& a, int prefix) {
  AddrH h(nl_addr_build(net::af(a.family), a.bytes.data(), a.size()));
  if (h.get()) nl_addr_set_prefixlen(h.get(), prefix);
  return h;
}

std::optional<IpAddress> from_nl(nl_addr* a) {
  if (a == nullptr) return std::nullopt;
  return IpAddress::from_bytes(
      std::span(static_cast<const std::uint8_t*>(nl_addr_get_binary_addr(a)), nl_addr_get_len(a)));
}

LinkInfo link_info(rtnl_link* l) {
  LinkInfo li;
  li.index = rtnl_link_get_ifindex(l);
  if (const char* n = rtnl_link_get_name(l)) li.name = n;
  const unsigned flags = rtnl_link_get_flags(l);
  li.up = (flags & IFF_UP) != 0;
  li.running = (flags & IFF_RUNNING) != 0;
  if (nl_addr* mac = rtnl_link_get_addr(l); mac && nl_addr_get_len(mac) == 6) {
    std::memcpy(li.mac.data(), nl_addr_get_binary_addr(mac), 6);
    li.has_mac = true;
  }
  return li;
}

std::optional<AddrInfo> addr_info(rtnl_addr* a) {
  auto local = from_nl(rtnl_addr_get_local(a));
  if (!local) return std::nullopt;
  AddrInfo ai;
  ai.index = rtnl_addr_get_ifindex(a);
  ai.address = *local;
  ai.prefix = static_cast<std::uint8_t>(rtnl_addr_get_prefixlen(a));
  ai.scope = static_cast<std::uint8_t>(rtnl_addr_get_scope(a));
  ai.flags = rtnl_addr_get_flags(a);
  return ai;
}

// An rtnl_addr for a VIP line (keepalived.conf "virtual_ipaddress").
Result<RtAddrH> make_addr(const AddressSpec& s) {
  const auto& va = s.va;
  RtAddrH a(rtnl_addr_alloc());
  if (!a.get()) return Unexpected(Error{"out of memory", ENOMEM});
  rtnl_addr_set_ifindex(a.get(), s.ifindex);
  rtnl_addr_set_family(a.get(), net::af(va.address.address.family));
  auto local = build(va.address.address, va.address.length);
  if (int e = rtnl_addr_set_local(a.get(), local.get()); e < 0) return Unexpected(nl_error("address", e));
  rtnl_addr_set_prefixlen(a.get(), va.address.length);
  if (va.peer) {
    auto peer = build(va.peer->address, va.peer->length);
    rtnl_addr_set_peer(a.get(), peer.get());
  }
  if (va.address.address.is_v4()) {
    std::optional<config::IpAddress> brd;
    if (va.broadcast_mode == config::BroadcastMode::Address && va.broadcast) brd = *va.broadcast;
    if (va.broadcast_mode == config::BroadcastMode::ClearHost) brd = va.address.network();
    if (va.broadcast_mode == config::BroadcastMode::SetHost) {
      auto b = va.address.network();
      const std::uint32_t host = va.address.length >= 32 ? 0 : (0xffffffffu >> va.address.length);
      const std::uint32_t v = b.v4_host_order() | host;
      b = config::IpAddress::v4(static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                                static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v));
      brd = b;
    }
    if (brd) {
      auto b = build(*brd, 32);
      rtnl_addr_set_broadcast(a.get(), b.get());
    }
  }
  if (va.scope) rtnl_addr_set_scope(a.get(), *va.scope);
  if (va.label) rtnl_addr_set_label(a.get(), va.label->c_str());
  unsigned flags = 0;
  if (va.nodad) flags |= IFA_F_NODAD;
  if (va.home) flags |= IFA_F_HOMEADDRESS;
  if (va.mngtmpaddr) flags |= IFA_F_MANAGETEMPADDR;
  if (va.noprefixroute) flags |= IFA_F_NOPREFIXROUTE;
  if (va.autojoin) flags |= IFA_F_MCAUTOJOIN;
  if (flags) rtnl_addr_set_flags(a.get(), flags);
  if (va.address.address.is_v6()) {
    // keepalived: an IPv6 /128 VIP is deprecated (preferred_lft 0) unless told otherwise.
    std::uint32_t preferred = va.address.length == 128 ? 0 : kLifetimeForever;
    if (va.preferred_lft) preferred = *va.preferred_lft;
    rtnl_addr_set_valid_lifetime(a.get(), kLifetimeForever);
    rtnl_addr_set_preferred_lifetime(a.get(), preferred);
  }
  return a;
}

Result<RouteH> make_route(const RouteSpec& s) {
  const auto& r = s.route;
  RouteH rt(rtnl_route_alloc());
  if (!rt.get()) return Unexpected(Error{"out of memory", ENOMEM});
  rtnl_route_set_family(rt.get(), static_cast<std::uint8_t>(net::af(r.destination.address.family)));
  auto dst = build(r.destination.network(), r.destination.length);
  rtnl_route_set_dst(rt.get(), dst.get());
  static constexpr std::uint8_t kTypes[] = {RTN_UNICAST,   RTN_LOCAL,       RTN_BROADCAST, RTN_ANYCAST,
                                            RTN_MULTICAST, RTN_BLACKHOLE,   RTN_UNREACHABLE, RTN_PROHIBIT,
                                            RTN_THROW,     RTN_NAT};
  rtnl_route_set_type(rt.get(), kTypes[static_cast<int>(r.type)]);
  rtnl_route_set_table(rt.get(), r.table.value_or(RT_TABLE_MAIN));
  rtnl_route_set_protocol(rt.get(), r.protocol.value_or(kRtprotKeepalived));
  if (r.scope) {
    rtnl_route_set_scope(rt.get(), *r.scope);
  } else if (r.type == config::RouteType::Unicast && !r.via && r.nexthops.empty()) {
    rtnl_route_set_scope(rt.get(), RT_SCOPE_LINK);  // as `ip route add PREFIX dev IF`
  } else {
    rtnl_route_set_scope(rt.get(), RT_SCOPE_UNIVERSE);
  }
  if (r.metric) rtnl_route_set_priority(rt.get(), *r.metric);
  if (r.tos) rtnl_route_set_tos(rt.get(), *r.tos);
  if (r.src) {
    auto src = build(*r.src, r.src->is_v4() ? 32 : 128);
    rtnl_route_set_pref_src(rt.get(), src.get());
  }
  auto metric = [&](int id, const std::optional<std::uint32_t>& v) {
    if (v) rtnl_route_set_metric(rt.get(), id, *v);
  };
  metric(RTAX_MTU, r.mtu);
  metric(RTAX_HOPLIMIT, r.hoplimit);
  metric(RTAX_ADVMSS, r.advmss);
  metric(RTAX_RTT, r.rtt);
  metric(RTAX_RTTVAR, r.rttvar);
  metric(RTAX_REORDERING, r.reordering);
  metric(RTAX_WINDOW, r.window);
  metric(RTAX_CWND, r.cwnd);
  metric(RTAX_SSTHRESH, r.ssthresh);
  metric(RTAX_RTO_MIN, r.rto_min);
  metric(RTAX_INITCWND, r.initcwnd);
  metric(RTAX_INITRWND, r.initrwnd);
  if (r.locked) rtnl_route_set_metric(rt.get(), RTAX_LOCK, r.locked);
  if (r.type == config::RouteType::Unicast || r.type == config::RouteType::Local) {
    if (r.nexthops.empty()) {
      rtnl_nexthop* nh = rtnl_route_nh_alloc();
      if (s.ifindex) rtnl_route_nh_set_ifindex(nh, s.ifindex);
      if (r.via) {
        auto gw = build(*r.via, r.via->is_v4() ? 32 : 128);
        rtnl_route_nh_set_gateway(nh, gw.get());
      }
      if (r.onlink) rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
      rtnl_route_add_nexthop(rt.get(), nh);
    } else {
      for (std::size_t i = 0; i < r.nexthops.size(); ++i) {
        const auto& h = r.nexthops[i];
        rtnl_nexthop* nh = rtnl_route_nh_alloc();
        if (i < s.nexthop_ifindex.size() && s.nexthop_ifindex[i]) rtnl_route_nh_set_ifindex(nh, s.nexthop_ifindex[i]);
        if (h.via) {
          auto gw = build(*h.via, h.via->is_v4() ? 32 : 128);
          rtnl_route_nh_set_gateway(nh, gw.get());
        }
        if (h.onlink) rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
        if (h.weight) rtnl_route_nh_set_weight(nh, static_cast<std::uint8_t>(*h.weight - 1));
        rtnl_route_add_nexthop(rt.get(), nh);
      }
    }
  }
  return rt;
}

Result<RuleH> make_rule(const config::Rule& r) {
  RuleH ru(rtnl_rule_alloc());
  if (!ru.get()) return Unexpected(Error{"out of memory", ENOMEM});
  rtnl_rule_set_family(ru.get(), net::af(r.family));
  if (r.from) {
    auto a = build(r.from->network(), r.from->length);
    rtnl_rule_set_src(ru.get(), a.get());
  }
  if (r.to) {
    auto a = build(r.to->network(), r.to->length);
    rtnl_rule_set_dst(ru.get(), a.get());
  }
  static constexpr std::uint8_t kActions[] = {FR_ACT_TO_TBL,    FR_ACT_GOTO,       FR_ACT_NOP,
                                              FR_ACT_BLACKHOLE, FR_ACT_UNREACHABLE, FR_ACT_PROHIBIT};
  rtnl_rule_set_action(ru.get(), kActions[static_cast<int>(r.action)]);
  if (r.table) rtnl_rule_set_table(ru.get(), *r.table);
  if (r.goto_target) rtnl_rule_set_goto(ru.get(), *r.goto_target);
  if (r.iif) rtnl_rule_set_iif(ru.get(), r.iif->c_str());
  if (r.oif) rtnl_rule_set_oif(ru.get(), r.oif->c_str());
  if (r.tos) rtnl_rule_set_dsfield(ru.get(), *r.tos);
  if (r.fwmark) rtnl_rule_set_mark(ru.get(), *r.fwmark);
  if (r.fwmask) rtnl_rule_set_mask(ru.get(), *r.fwmask);
  if (r.preference) rtnl_rule_set_prio(ru.get(), *r.preference);
  if (r.realms) rtnl_rule_set_realms(ru.get(), *r.realms);
  if (r.l3mdev) rtnl_rule_set_l3mdev(ru.get(), 1);
  rtnl_rule_set_protocol(ru.get(), r.protocol.value_or(kRtprotKeepalived));
  if (r.ip_proto) rtnl_rule_set_ipproto(ru.get(), *r.ip_proto);
  if (r.sport)
    rtnl_rule_set_sport_range(ru.get(), static_cast<std::uint16_t>(r.sport->start), static_cast<std::uint16_t>(r.sport->end));
  if (r.dport)
    rtnl_rule_set_dport_range(ru.get(), static_cast<std::uint16_t>(r.dport->start), static_cast<std::uint16_t>(r.dport->end));
  return ru;
}

bool gone(int e) { return e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV || e == -NLE_NOATTR; }

}  // namespace

bool AddrInfo::secondary() const { return (flags & IFA_F_SECONDARY) != 0; }
bool AddrInfo::tentative() const { return (flags & IFA_F_TENTATIVE) != 0; }

struct Rtnetlink::Impl {
  explicit Impl(boost::asio::io_context& io) : monitor_fd(io) {}
  ~Impl() { close(); }

  void close() {
    if (monitor_fd.is_open()) {
      boost::system::error_code ec;
      monitor_fd.cancel(ec);
      (void)monitor_fd.release();  // libnl owns the descriptor
    }
    if (monitor) nl_socket_free(std::exchange(monitor, nullptr));
    if (cmd) nl_socket_free(std::exchange(cmd, nullptr));
    on_event = nullptr;
  }

  static int on_valid(nl_msg* msg, void* arg) {
    auto* self = static_cast<Impl*>(arg);
    const int type = nlmsg_hdr(msg)->nlmsg_type;
    nl_msg_parse(
        msg,
        [](nl_object* obj, void* a) {
          auto* s = static_cast<Impl*>(a);
          const std::string kind = nl_object_get_type(obj);
          NetEvent ev{};
          if (kind == "route/link") {
            ev.kind = s->current_type == RTM_DELLINK ? NetEvent::Kind::LinkRemoved : NetEvent::Kind::LinkChanged;
            ev.link = link_info(reinterpret_cast<rtnl_link*>(obj));
          } else if (kind == "route/addr") {
            auto ai = addr_info(reinterpret_cast<rtnl_addr*>(obj));
            if (!ai) return;
            ev.kind = s->current_type == RTM_DELADDR ? NetEvent::Kind::AddressRemoved : NetEvent::Kind::AddressAdded;
            ev.addr = *ai;
          } else {
            return;
          }
          if (s->on_event) s->on_event(ev);
        },
        (self->current_type = type, self));
    return NL_OK;
  }

  void wait() {
    monitor_fd.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
      if (ec || !monitor) return;
      // Drain what is there; a bounded number of reads per wake-up keeps the loop fair.
      for (int i = 0; i < 64; ++i) {
        const int r = nl_recvmsgs_default(monitor);
        if (r == -NLE_AGAIN || r == 0) break;
        if (r < 0) {
          // ENOBUFS (the kernel dropped notifications) or another error: the owner re-reads.
          if (on_event) on_event(NetEvent{NetEvent::Kind::Resync, {}, {}});
          if (r != -NLE_NOMEM && r != -NLE_DUMP_INTR && r != -NLE_MSG_OVERFLOW && r != -NLE_BUSY) break;
        }
      }
      wait();
    });
  }

  nl_sock* cmd = nullptr;
  nl_sock* monitor = nullptr;
  boost::asio::posix::stream_descriptor monitor_fd;
  std::function<void(const NetEvent&)> on_event;
  int current_type = 0;
};

Rtnetlink::Rtnetlink(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Rtnetlink::~Rtnetlink() = default;

Result<std::unique_ptr<Rtnetlink>> Rtnetlink::open(boost::asio::io_context& io) {
  auto impl = std::make_unique<Impl>(io);
  impl->cmd = nl_socket_alloc();
  if (!impl->cmd) return Unexpected(Error{"netlink: out of memory", ENOMEM});
  if (int e = nl_connect(impl->cmd, NETLINK_ROUTE); e < 0) return Unexpected(nl_error("netlink connect", e));
  return std::unique_ptr<Rtnetlink>(new Rtnetlink(std::move(impl)));
}

Result<std::vector<LinkInfo>> Rtnetlink::dump_links() {
  nl_cache* c = nullptr;
  if (int e = rtnl_link_alloc_cache(impl_->cmd, AF_UNSPEC, &c); e < 0) return Unexpected(nl_error("link dump", e));
  CacheH cache(c);
  std::vector<LinkInfo> out;
  for (nl_object* o = nl_cache_get_first(c); o; o = nl_cache_get_next(o))
    out.push_back(link_info(reinterpret_cast<rtnl_link*>(o)));
  return out;
}

Result<std::vector<AddrInfo>> Rtnetlink::dump_addresses() {
  nl_cache* c = nullptr;
  if (int e = rtnl_addr_alloc_cache(impl_->cmd, &c); e < 0) return Unexpected(nl_error("address dump", e));
  CacheH cache(c);
  std::vector<AddrInfo> out;
  for (nl_object* o = nl_cache_get_first(c); o; o = nl_cache_get_next(o))
    if (auto ai = addr_info(reinterpret_cast<rtnl_addr*>(o))) out.push_back(*ai);
  return out;
}

Result<> Rtnetlink::add_address(const AddressSpec& s) {
  auto a = make_addr(s);
  if (!a) return Unexpected(a.error());
  const int e = rtnl_addr_add(impl_->cmd, a->get(), NLM_F_CREATE | NLM_F_REPLACE);
  if (e < 0 && e != -NLE_EXIST) return Unexpected(nl_error("add " + s.va.address.to_string(), e));
  return {};
}

Result<bool> Rtnetlink::delete_address(const AddressSpec& s) {
  auto a = make_addr(s);
  if (!a) return Unexpected(a.error());
  const int e = rtnl_addr_delete(impl_->cmd, a->get(), 0);
  if (e < 0 && !gone(e)) return Unexpected(nl_error("delete " + s.va.address.to_string(), e));
  return e >= 0;
}

Result<> Rtnetlink::add_route(const RouteSpec& s) {
  auto r = make_route(s);
  if (!r) return Unexpected(r.error());
  const int e = rtnl_route_add(impl_->cmd, r->get(), NLM_F_CREATE | (s.route.append ? NLM_F_APPEND : 0));
  if (e < 0 && e != -NLE_EXIST) return Unexpected(nl_error("add route " + s.route.destination.to_string(), e));
  return {};
}

Result<> Rtnetlink::delete_route(const RouteSpec& s) {
  auto r = make_route(s);
  if (!r) return Unexpected(r.error());
  const int e = rtnl_route_delete(impl_->cmd, r->get(), 0);
  if (e < 0 && !gone(e)) return Unexpected(nl_error("delete route " + s.route.destination.to_string(), e));
  return {};
}

Result<> Rtnetlink::add_rule(const config::Rule& rule) {
  auto r = make_rule(rule);
  if (!r) return Unexpected(r.error());
  const int e = rtnl_rule_add(impl_->cmd, r->get(), NLM_F_CREATE);
  if (e < 0 && e != -NLE_EXIST) return Unexpected(nl_error("add rule", e));
  return {};
}

Result<> Rtnetlink::delete_rule(const config::Rule& rule) {
  auto r = make_rule(rule);
  if (!r) return Unexpected(r.error());
  const int e = rtnl_rule_delete(impl_->cmd, r->get(), 0);
  if (e < 0 && !gone(e)) return Unexpected(nl_error("delete rule", e));
  return {};
}

Result<> Rtnetlink::watch(std::function<void(const NetEvent&)> on_event) {
  impl_->on_event = std::move(on_event);
  impl_->monitor = nl_socket_alloc();
  if (!impl_->monitor) return Unexpected(Error{"netlink: out of memory", ENOMEM});
  nl_socket_disable_seq_check(impl_->monitor);
  nl_socket_modify_cb(impl_->monitor, NL_CB_VALID, NL_CB_CUSTOM, &Impl::on_valid, impl_.get());
  if (int e = nl_connect(impl_->monitor, NETLINK_ROUTE); e < 0) return Unexpected(nl_error("netlink monitor", e));
  if (int e = nl_socket_add_memberships(impl_->monitor, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0); e < 0)
    return Unexpected(nl_error("netlink groups", e));
  nl_socket_set_nonblocking(impl_->monitor);
  nl_socket_set_buffer_size(impl_->monitor, 1 << 20, 0);
  impl_->monitor_fd.assign(nl_socket_get_fd(impl_->monitor));
  impl_->wait();
  return {};
}

void Rtnetlink::close() { impl_->close(); }

}  // namespace stayalived::vrrp
