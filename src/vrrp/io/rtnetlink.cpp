// The one file that includes libnl-route (README.md "Layout": libnl stays in two files).
#include "rtnetlink.hpp"

#include "route_msg.hpp"

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
#include <netlink/route/link/vrf.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <boost/asio/posix/stream_descriptor.hpp>

#include <algorithm>
#include <cstring>
#include <utility>

namespace stayalived::vrrp {

namespace {

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
  if (std::uint32_t table = 0; rtnl_link_is_vrf(l) && rtnl_link_vrf_get_tableid(l, &table) == 0) li.vrf_table = table;
  li.mtu = rtnl_link_get_mtu(l);
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
  // keepalived 2.2.7 adds every IPv6 address with nodad, -nodad or not (measured: `ip addr`
  // shows it on VIPs and static addresses). Duplicate address detection would hold a VIP
  // tentative, unusable, for a second after each take-over, and fail it for good if the
  // old master still has it.
  if (va.nodad || va.address.address.is_v6()) flags |= IFA_F_NODAD;
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

bool gone(int e) { return e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND || e == -NLE_NODEV || e == -NLE_NOATTR; }

}  // namespace

bool AddrInfo::secondary() const { return (flags & IFA_F_SECONDARY) != 0; }
bool AddrInfo::tentative() const { return (flags & IFA_F_TENTATIVE) != 0; }

struct Rtnetlink::Impl {
  explicit Impl(boost::asio::io_context& io) : monitor_fd(io) {}
  config::RcvBufs monitor_bufs;  // vrrp_netlink_monitor_rcv_bufs, for watch()
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

  /// Sends one request on the command socket and waits for its acknowledgement; on add,
  /// "already there" is success, on delete "not there".
  Result<> request(const std::vector<std::uint8_t>& bytes, bool add, const std::string& what);

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

// Routes and rules: the message is built by route_msg.cpp; libnl only sends it, fills in the
// sequence number and port, and waits for the kernel's acknowledgement.
Result<> Rtnetlink::Impl::request(const std::vector<std::uint8_t>& bytes, bool add, const std::string& what) {
  std::vector<std::uint8_t> copy(bytes);
  nl_msg* msg = nlmsg_convert(reinterpret_cast<nlmsghdr*>(copy.data()));
  if (!msg) return Unexpected(Error{"out of memory", ENOMEM});
  const int e = nl_send_sync(cmd, msg);  // frees msg
  if (e >= 0) return {};
  if (add ? e == -NLE_EXIST : gone(e)) return {};
  return Unexpected(nl_error(what, e));
}

namespace {
std::string route_what(const RouteSpec& s, bool add) {
  return std::string(add ? "add" : "delete") + " route " + s.route.destination.to_string();
}
}  // namespace

Result<> Rtnetlink::add_route(const RouteSpec& s) {
  if (s.route.vrf && !s.vrf_table)
    return Unexpected(Error{route_what(s, true) + ": " + *s.route.vrf + " is not a VRF device", ENODEV});
  return impl_->request(encode_route(s, NlOp::Add), true, route_what(s, true));
}

Result<> Rtnetlink::delete_route(const RouteSpec& s) {
  if (s.route.vrf && !s.vrf_table)
    return Unexpected(Error{route_what(s, false) + ": " + *s.route.vrf + " is not a VRF device", ENODEV});
  return impl_->request(encode_route(s, NlOp::Delete), false, route_what(s, false));
}

Result<> Rtnetlink::add_rule(const config::Rule& rule) {
  return impl_->request(encode_rule(rule, NlOp::Add), true, "add rule");
}

Result<> Rtnetlink::delete_rule(const config::Rule& rule) {
  return impl_->request(encode_rule(rule, NlOp::Delete), false, "delete rule");
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
  if (impl_->monitor_bufs.bytes)
    (void)net::set_receive_buffer(nl_socket_get_fd(impl_->monitor), *impl_->monitor_bufs.bytes, impl_->monitor_bufs.force);
  else
    nl_socket_set_buffer_size(impl_->monitor, 1 << 20, 0);
  impl_->monitor_fd.assign(nl_socket_get_fd(impl_->monitor));
  impl_->wait();
  return {};
}

void Rtnetlink::close() { impl_->close(); }

void Rtnetlink::set_receive_buffers(const config::RcvBufs& cmd, const config::RcvBufs& monitor) {
  if (cmd.bytes && impl_->cmd) (void)net::set_receive_buffer(nl_socket_get_fd(impl_->cmd), *cmd.bytes, cmd.force);
  impl_->monitor_bufs = monitor;
}

}  // namespace stayalived::vrrp
