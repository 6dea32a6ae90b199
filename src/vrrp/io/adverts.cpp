// The VRRP shell's advert sockets: one per interface, family and protocol (112, and 51 for
// AH), shared by the instances on it; sending an instance's adverts; handing received ones
// to the instance they are for; and keepalived's lines for packets refused on the wire.
#include <algorithm>

#include "runtime_impl.hpp"

#include <cstring>
#include "stayalived/vrrp/wording.hpp"

namespace stayalived::vrrp {

Runtime::Impl::Sock* Runtime::Impl::sock_for(int ifindex, Family f, int proto) {
  auto it = socks.find({ifindex, static_cast<int>(f), proto});
  return it == socks.end() ? nullptr : &it->second;
}

void Runtime::Impl::send_advert(Inst& in, std::uint8_t prio) {
  auto& core = engine.instance(in.id);
  Sock* s = sock_for(in.ifindex, in.family(), kProtoVrrp);
  if (!s || !in.src) {
    core.count_send_error();
    return;
  }
  const auto& c = core.config();
  Frame f;
  f.advert.version = c.version;
  f.advert.vrid = c.vrid;
  f.advert.priority = prio;
  f.advert.auth_type = c.auth_type;
  f.advert.interval = c.advert_interval;
  f.advert.addresses = c.addresses;
  if (c.auth_type == AuthType::Pass) f.advert.auth_data = in.setup.key;
  f.key = in.setup.key;
  f.source = *in.src;
  f.group = in.setup.group;
  f.checksum = in.setup.unicast ? in.send_checksum : ChecksumKind::Standard;
  std::vector<IpAddress> dests;
  if (in.setup.unicast)
    for (const auto& p : c.peers) dests.push_back(p.address);
  else
    dests.push_back(in.setup.group);
  for (const auto& d : dests) {
    f.destination = d;
    f.ttl = in.setup.unicast ? in.conf.unicast_ttl.value_or(kVrrpTtl) : kVrrpTtl;
    Result<> r;
    if (in.family() == Family::Inet) {
      if (++in.ip_id == 0) ++in.ip_id;  // 0 would let the kernel choose
      f.ip_id = in.ip_id;
      if (c.auth_type == AuthType::Ah) f.ah_sequence = ++in.ah_seq;
      r = s->s->send_ipv4(encode_ipv4(f), d);
    } else {
      r = s->s->send_ipv6(encode_vrrp(f), *in.src, d, f.ttl);
    }
    if (!r) {
      core.count_send_error();
      if (in.send_log.allow(Clock::now())) log.warning("({}) cannot send advert: {}", in.name(), r.error().message);
    }
  }
}

void Runtime::Impl::received(Sock& s, int ifindex, Family fam, std::span<const std::uint8_t> bytes,
                             const Ipv6Meta& meta) {
  ++s.info.received;
  DecodeOptions dopts;
  dopts.group = fam == Family::Inet ? cfg->global.vrrp_mcast_group4 : cfg->global.vrrp_mcast_group6;
  dopts.accept_old_checksum = true;
  auto rx = fam == Family::Inet ? decode_ipv4(bytes, dopts) : decode_ipv6(bytes, meta, dopts);
  if (!rx) {
    wire_drop(s, ifindex, fam, rx.error(), fam == Family::Inet ? peek_ipv4(bytes) : peek_ipv6(bytes, meta.hop_limit));
    return;
  }
  // Find the instance: same interface, family and VRID; with duplicated VRIDs (unicast),
  // the one whose peers include the sender.
  Inst* target = nullptr;
  for (auto& p : insts) {
    if (!p || !p->started || p->ifindex != ifindex || p->family() != fam) continue;
    if (p->conf.virtual_router_id.value_or(0) != rx->advert.vrid) continue;
    const auto& peers = engine.instance(p->id).config().peers;
    const bool from_peer =
        std::any_of(peers.begin(), peers.end(), [&](const UnicastPeer& u) { return u.address == rx->source; });
    if (!target || from_peer) target = p.get();
    if (from_peer) break;
  }
  if (!target) {
    s.info.drops.count(DropReason::UnknownVrid);
    if (cfg->global.log_unknown_vrids) {
      // keepalived's line; rate-limited (it logs every one).
      auto& limiter = s.log[static_cast<std::size_t>(DropReason::UnknownVrid)];
      if (limiter.allow(Clock::now())) {
        const auto it = links.find(ifindex);
        log.info("Unknown VRID({}) received on interface({}). ignoring...{}", rx->advert.vrid,
                 it != links.end() ? it->second.name : std::to_string(ifindex), suppressed_suffix(limiter.take_suppressed()));
      }
    }
    return;
  }
  Inst& in = *target;
  if (rx->checksum == ChecksumKind::MulticastPseudoHeader) {
    if (in.conf.old_unicast_checksum == config::OldUnicastChecksum::Never) {
      engine.instance(in.id).count_drop(DropReason::BadChecksum);
      return;
    }
    if (in.send_checksum == ChecksumKind::Standard) {
      in.send_checksum = ChecksumKind::MulticastPseudoHeader;
      log.info("({}) peer {} uses the old unicast checksum; using it too", in.name(), rx->source.to_string());
    }
  }
  std::optional<DropReason> auth;
  if (fam == Family::Inet) auth = verify_auth(bytes, *rx, engine.instance(in.id).config().auth_type, in.setup.key);
  deliver(in.id, AdvertReceived{std::move(*rx), auth});
}

// A packet the codec refused: counted on the socket, and on the instance it was meant for
// (by its VRID, when that can be read), then logged as keepalived words it.
void Runtime::Impl::wire_drop(Sock& s, int ifindex, Family fam, DropReason r, const Peek& pk) {
  s.info.drops.count(r);
  Inst* in = nullptr;
  if (pk.vrid)
    for (auto& p : insts)
      if (p && p->started && p->ifindex == ifindex && p->family() == fam && p->conf.virtual_router_id == *pk.vrid)
        in = p.get();
  RateLimiter& limiter = (in ? in->drop_log : s.log)[static_cast<std::size_t>(r)];
  if (in) engine.instance(in->id).count_drop(r);
  if (!limiter.allow(Clock::now())) return;
  const auto n = limiter.take_suppressed();
  WireDropContext c;
  c.family = fam;
  if (in) {
    const auto& ic = engine.instance(in->id).config();
    c.instance = in->name();
    c.version = ic.version;
    c.auth_type = static_cast<int>(ic.auth_type);
    c.interval_secs = ic.advert_interval.count() / 100;
  }
  log.info("{}", wire_drop_line(c, r, pk, suppressed_suffix(n)));
  publish(events::AdvertsDropped{.where = in ? in->name() : std::string(name(fam)),
                                 .reason = std::string(name(r)),
                                 .count = n + 1});
}

Result<> Runtime::Impl::ensure_socket(Inst& in, int proto) {
  auto key = std::make_tuple(in.ifindex, static_cast<int>(in.family()), proto);
  auto it = socks.find(key);
  if (it == socks.end()) {
    auto s = ports->open_advert(in.family(), proto, in.ifindex, in.ifname());
    if (!s) return Unexpected(s.error());
    Sock sk;
    sk.s = std::move(*s);
    sk.info.interface = in.ifname();
    sk.info.family = in.family();
    sk.info.protocol = proto;
    it = socks.emplace(key, std::move(sk)).first;
    Sock* sp = &it->second;
    const int ifindex = in.ifindex;
    const Family fam = in.family();
    sp->s->receive([this, sp, ifindex, fam](std::span<const std::uint8_t> b, const Ipv6Meta& m) {
      received(*sp, ifindex, fam, b, m);
    });
  }
  if (const auto bytes = rx_buffer_size(key); bytes && bytes != it->second.rx_buffer) {
    if (const int e = it->second.s->set_receive_buffer(bytes); e != 0)
      log.warning("cannot set the receive buffer of the VRRP socket on {} to {} bytes: {}", in.ifname(), bytes,
                  std::strerror(e));
    it->second.rx_buffer = bytes;
  }
  if (!in.setup.unicast && !it->second.groups.count(in.setup.group)) {
    if (auto r = it->second.s->join(in.setup.group); !r) return r;
    it->second.groups.insert(in.setup.group);
  }
  return {};
}

// keepalived's receive buffer of a VRRP socket: for each instance on it, its
// kernel_rx_buf_size, else by vrrp_rx_bufs_policy the interface MTU or the advert size
// times vrrp_rx_bufs_multiplier; a NUMBER policy is that size. 0: the kernel's default.
std::uint32_t Runtime::Impl::rx_buffer_size(const std::tuple<int, int, int>& key) const {
  const auto& g = cfg->global;
  const auto [ifindex, fam, proto] = key;
  std::uint64_t total = 0;
  for (const auto& p : insts) {
    if (!p || p->ifindex != ifindex || static_cast<int>(p->family()) != fam) continue;
    if (p->conf.kernel_rx_buf_size) {
      total += *p->conf.kernel_rx_buf_size;
      continue;
    }
    switch (g.vrrp_rx_bufs_policy.kind) {
      case config::RxBufsPolicy::Kind::SystemDefault: break;
      case config::RxBufsPolicy::Kind::Size: total = std::max<std::uint64_t>(total, g.vrrp_rx_bufs_policy.size); break;
      case config::RxBufsPolicy::Kind::Mtu: {
        const auto l = links.find(ifindex);
        total += std::uint64_t{l != links.end() && l->second.mtu ? l->second.mtu : 1500} * g.vrrp_rx_bufs_multiplier;
        break;
      }
      case config::RxBufsPolicy::Kind::Advert: {
        // IP header, VRRP header, the addresses, and VRRPv2's authentication data.
        const bool v4 = p->family() == Family::Inet;
        const std::uint64_t size = (v4 ? 20 : 40) + 8 + p->conf.virtual_ipaddress.size() * (v4 ? 4 : 16) +
                                   (engine.instance(p->id).config().version == 2 ? 8 : 0);
        total += size * g.vrrp_rx_bufs_multiplier;
        break;
      }
    }
  }
  (void)proto;
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(total, UINT32_MAX));
}

void Runtime::Impl::open_io(Inst& in) {
  if (in.ifindex == 0) {
    log.error("({}) interface {} not found - instance stays in FAULT state", in.name(), in.ifname());
    return;
  }
  if (auto r = ensure_socket(in, kProtoVrrp); !r)
    log.error("({}) cannot open VRRP socket on {}: {}", in.name(), in.ifname(), r.error().message);
  if (engine.instance(in.id).config().auth_type == AuthType::Ah)
    if (auto r = ensure_socket(in, kProtoAh); !r)
      log.error("({}) cannot open AH socket on {}: {}", in.name(), in.ifname(), r.error().message);
  for (const auto& s : vip_specs(in, false)) ensure_garp(s.ifindex);
  for (const auto& s : vip_specs(in, true)) ensure_garp(s.ifindex);
}

void Runtime::Impl::close_unused_sockets() {
  for (auto it = socks.begin(); it != socks.end();) {
    const auto [ifindex, fam, proto] = it->first;
    bool used = false;
    std::set<IpAddress> groups;
    for (auto& p : insts) {
      if (!p || p->ifindex != ifindex || static_cast<int>(p->family()) != fam) continue;
      if (proto == kProtoAh && engine.instance(p->id).config().auth_type != AuthType::Ah) continue;
      used = true;
      if (!p->setup.unicast) groups.insert(p->setup.group);
    }
    if (!used) {
      it->second.s->close();
      it = socks.erase(it);
      continue;
    }
    for (auto g : std::set<IpAddress>(it->second.groups))
      if (!groups.count(g)) {
        it->second.s->leave(g);
        it->second.groups.erase(g);
      }
    ++it;
  }
}

}  // namespace stayalived::vrrp
