// The VRRP shell's addresses: the VIPs, excluded VIPs, virtual routes and rules a Master
// installs (and a reload changes by difference), gratuitous ARP / unsolicited NA, and the
// kernel's interface and address tables, kept current from rtnetlink's change reports.
#include <algorithm>

#include "runtime_impl.hpp"
#include "stayalived/vrrp/address_plan.hpp"

namespace stayalived::vrrp {

std::optional<LinkInfo> Runtime::Impl::link_named(const std::string& name) const {
  for (const auto& [i, l] : links)
    if (l.name == name) return l;
  return std::nullopt;
}

bool Runtime::Impl::is_our_vip(const IpAddress& a) const {
  for (const auto& in : insts) {
    if (!in) continue;
    for (const auto& va : in->conf.virtual_ipaddress)
      if (va.address.address == a) return true;
    for (const auto& va : in->conf.virtual_ipaddress_excluded)
      if (va.address.address == a) return true;
  }
  return false;
}

// -a, in keepalived 2.2.7's words (measured); its own VIPs are not reported.
void Runtime::Impl::log_address_change(const AddrInfo& a, bool added) {
  if (is_our_vip(a.address)) return;
  const auto l = links.find(a.index);
  const std::string ifname = l != links.end() ? l->second.name : std::to_string(a.index);
  log.info("Netlink reflector reports IP {} {} {}", a.address.to_string(), added ? "added to" : "removed from", ifname);
}

// keepalived: the interface's primary IPv4 address, or its IPv6 link-local address.
std::optional<IpAddress> Runtime::Impl::primary_address(int ifindex, Family f) const {
  for (const auto& a : addrs) {
    if (a.index != ifindex || a.address.family != f) continue;
    if (f == Family::Inet && (a.secondary() || is_our_vip(a.address))) continue;
    if (f == Family::Inet6 && !a.address.is_link_local()) continue;
    return a.address;
  }
  return std::nullopt;
}

void Runtime::Impl::refresh_source(Inst& in) {
  std::optional<IpAddress> s;
  if (in.conf.source_ip)
    s = *in.conf.source_ip;
  else if (in.ifindex)
    s = primary_address(in.ifindex, in.family());
  // track_src_ip: the source address (configured, or the first one chosen) must stay on the
  // interface; while it is not, there is none (FAULT) rather than another one.
  if (in.conf.track_src_ip && in.ifindex) {
    if (!in.tracked_src) in.tracked_src = s;
    const auto on_interface = [&](const IpAddress& a) {
      return std::any_of(addrs.begin(), addrs.end(), [&](const AddrInfo& x) { return x.index == in.ifindex && x.address == a; });
    };
    s = in.tracked_src && on_interface(*in.tracked_src) ? in.tracked_src : std::nullopt;
    if (!s && in.src) log.info("({}) source address {} removed from {}", in.name(), in.src->to_string(), in.ifname());
  }
  log_interface_addresses(in.ifindex);
  if (s == in.src) return;
  in.src = s;
  if (s) engine.instance(in.id).set_source(*s);
}

// keepalived (with -D only) reports an interface's primary IPv4 and link-local IPv6 address
// once per interface, whatever the number of instances on it, and again when it changes.
void Runtime::Impl::log_interface_addresses(int ifindex) {
  if (!ifindex) return;
  const auto l = links.find(ifindex);
  if (l == links.end()) return;
  for (const Family f : {Family::Inet, Family::Inet6}) {
    const auto a = primary_address(ifindex, f);
    const auto key = std::pair{ifindex, f};
    if (!a) {
      assigned.erase(key);
      continue;
    }
    if (auto it = assigned.find(key); it != assigned.end() && it->second == *a) continue;
    assigned.insert_or_assign(key, *a);
    if (log.detail()) log.info("Assigned address {} for interface {}", a->to_string(), l->second.name);
  }
}

int Runtime::Impl::ifindex_of(const std::optional<std::string>& dev, int fallback) const {
  if (!dev) return fallback;
  if (auto l = link_named(*dev)) return l->index;
  return 0;
}

std::vector<AddressSpec> Runtime::Impl::vip_specs(const config::VrrpInstance& conf, int ifindex, Family fam,
                                                  bool excluded) const {
  std::vector<AddressSpec> out;
  const auto& list = excluded ? conf.virtual_ipaddress_excluded : conf.virtual_ipaddress;
  for (const auto& va : list) {
    if (!excluded && va.address.address.family != fam) continue;
    AddressSpec s{ifindex_of(va.dev, ifindex), va};
    if (s.ifindex) out.push_back(std::move(s));
  }
  return out;
}

std::vector<RouteSpec> Runtime::Impl::route_specs(const config::VrrpInstance& conf) const {
  return route_specs(conf.virtual_routes);
}

std::vector<RouteSpec> Runtime::Impl::route_specs(const std::vector<config::Route>& routes) const {
  std::vector<RouteSpec> out;
  for (const auto& r : routes) {
    RouteSpec s;
    s.route = r;
    s.ifindex = ifindex_of(r.dev, 0);
    for (const auto& nh : r.nexthops) s.nexthop_ifindex.push_back(ifindex_of(nh.dev, 0));
    if (r.vrf)
      if (auto l = link_named(*r.vrf)) s.vrf_table = l->vrf_table;
    out.push_back(std::move(s));
  }
  return out;
}

void Runtime::Impl::set_addresses(Inst& in, bool add) {
  if (!nl) return;
  const auto& nm = in.name();
  auto each = [&](auto&& list, auto&& op, const char* what) {
    for (const auto& x : list)
      if (auto r = op(x); !r) log.warning("({}) cannot {} {}: {}", nm, add ? "add" : "remove", what, r.error().message);
  };
  const auto vips = vip_specs(in, false);
  const auto evips = vip_specs(in, true);
  const auto routes = route_specs(in.conf);
  const auto& rules = in.conf.virtual_rules;
  if (add) {
    if (firewalled(in.conf)) {
      log.info("({}) setting firewall drop rule", nm);
      firewall(in, in.conf, true);
    }
    if (!vips.empty()) log.info("({}) setting VIPs.", nm);
    each(vips, [&](const AddressSpec& s) { return nl->add_address(s); }, "VIP");
    if (!evips.empty()) log.info("({}) setting E-VIPs.", nm);
    each(evips, [&](const AddressSpec& s) { return nl->add_address(s); }, "E-VIP");
    if (!routes.empty()) log.info("({}) setting Virtual Routes", nm);
    each(routes, [&](const RouteSpec& s) { return nl->add_route(s); }, "route");
    if (!rules.empty()) log.info("({}) setting Virtual Rules", nm);
    each(rules, [&](const config::Rule& r) { return nl->add_rule(r); }, "rule");
  } else {
    if (!rules.empty()) log.info("({}) removing Virtual Rules", nm);
    each(rules, [&](const config::Rule& r) { return nl->delete_rule(r); }, "rule");
    if (!routes.empty()) log.info("({}) removing Virtual Routes", nm);
    each(routes, [&](const RouteSpec& s) { return nl->delete_route(s); }, "route");
    if (!vips.empty()) log.info("({}) removing VIPs.", nm);
    each(vips, [&](const AddressSpec& s) { return remove_address(in, s); }, "VIP");
    if (!evips.empty()) log.info("({}) removing E-VIPs.", nm);
    each(evips, [&](const AddressSpec& s) { return remove_address(in, s); }, "E-VIP");
    if (firewalled(in.conf)) log.info("({}) removing firewall drop rule", nm);
    firewall(in, in.conf, false);
  }
}

void Runtime::Impl::firewall(const Inst& in, const config::VrrpInstance& conf, bool master) {
  std::vector<DroppedAddress> dropped;
  if (master && firewalled(conf))
    for (const auto* list : {&conf.virtual_ipaddress, &conf.virtual_ipaddress_excluded})
      for (const auto& va : *list) {
        const auto& ip = va.address.address;
        dropped.push_back({ip, ip.is_v6() && ip.is_link_local() ? va.dev.value_or(in.ifname()) : std::string()});
      }
  if (dropped.empty()) {
    if (fw_dropped.erase(in.name()) == 0) return;
  } else {
    fw_dropped[in.name()] = std::move(dropped);
  }
  sync_firewall();
}

// Opens the firewall the first time an address must be dropped; then each family's set is
// the union of what the instances drop.
void Runtime::Impl::sync_firewall() {
  if (cfg && fw && firewall_options(cfg->global) != fw_options) {
    fw->close();  // a reload changed the table's name, priority or counters
    fw.reset();
  }
  std::map<Family, std::vector<DroppedAddress>> want{{Family::Inet, {}}, {Family::Inet6, {}}};
  for (const auto& [name, list] : fw_dropped)
    for (const auto& a : list) want[a.address.family].push_back(a);
  if (!fw) {
    if (want[Family::Inet].empty() && want[Family::Inet6].empty()) return;
    if (cfg) fw_options = firewall_options(cfg->global);
    auto f = ports->open_firewall(fw_options);
    if (!f) {
      log.error("cannot open the firewall (nftables): {}; the VIPs of masters without accept mode are not filtered",
                f.error().message);
      return;
    }
    fw = std::move(*f);
  }
  for (const auto& [family, list] : want)
    if (auto r = fw->sync(family, list); !r)
      log.error("cannot update the firewall's {} VIPs: {}", family == Family::Inet ? "IPv4" : "IPv6", r.error().message);
}

// The kernel's report of the removal comes later, through the monitor; it is ours when the
// delete found the address. (Our own view of the addresses may not have it yet: an
// instance that steps down right after taking its VIPs deletes them before the reports
// of their addition have been read.)
Result<> Runtime::Impl::remove_address(Inst& in, const AddressSpec& s) {
  auto deleted = nl->delete_address(s);
  if (!deleted) return Unexpected(deleted.error());
  if (*deleted) in.removing.insert(s.va.address.address);
  return {};
}

// An address went away. Ours (we deleted it) is no news; a VIP of a Master deleted by
// someone else makes it step down for a new election (keepalived's behaviour).
void Runtime::Impl::address_removed(const AddrInfo& ai) {
  for (auto& p : insts) {
    if (!p || !p->started) continue;
    if (p->removing.erase(ai.address)) continue;
    for (const auto& va : p->conf.virtual_ipaddress) {
      if (va.no_track || va.address.address != ai.address) continue;
      if (ifindex_of(va.dev, p->ifindex) != ai.index) continue;
      const auto ifname = links.count(ai.index) ? links[ai.index].name : std::to_string(ai.index);
      log.info("Netlink reflector reports IP {} removed from {}", ai.address.to_string(), ifname);
      if (engine.instance(p->id).state() == State::Master) deliver(p->id, AddressLost{});
    }
  }
}

void Runtime::Impl::gratuitous(Inst& in, unsigned repeat) {
  auto burst = [&](const std::vector<AddressSpec>& specs) {
    std::map<int, std::vector<IpAddress>> by_if;
    for (const auto& s : specs) by_if[s.ifindex].push_back(s.va.address.address);
    for (auto& [ifindex, list] : by_if) {
      auto it = garps.find(ifindex);
      if (it == garps.end()) continue;
      for (const auto& a : list)
        log.info("({}) Sending/queueing {} on {} for {}", in.name(),
                 a.is_v4() ? "gratuitous ARPs" : "Unsolicited Neighbour Adverts", it->second->ifname(), a.to_string());
      it->second->send(list, repeat);
    }
  };
  burst(vip_specs(in, false));
  burst(vip_specs(in, true));
}

void Runtime::Impl::ensure_garp(int ifindex) {
  if (ifindex == 0 || garps.count(ifindex)) return;
  auto l = links.find(ifindex);
  if (l == links.end()) return;
  auto g = ports->open_garp(ifindex, l->second.name);
  if (!g) {
    log.warning("cannot send gratuitous ARP/NA on {}: {}", l->second.name, g.error().message);
    return;
  }
  (*g)->set_mac(l->second.mac);
  microseconds arp = cfg->global.vrrp_garp_interval, na = cfg->global.vrrp_gna_interval;
  for (const auto& gg : cfg->garp_groups) {
    const bool mine = (gg.interface && *gg.interface == l->second.name) ||
                      std::find(gg.interfaces.begin(), gg.interfaces.end(), l->second.name) != gg.interfaces.end();
    if (!mine) continue;
    if (gg.garp_interval) arp = *gg.garp_interval;
    if (gg.gna_interval) na = *gg.gna_interval;
  }
  (*g)->set_intervals(arp, na);
  if (log.detail()) {
    (*g)->on_sent([this, name = l->second.name](const IpAddress& a, bool ok) {
      if (!ok) return;
      if (a.is_v4())
        log.info("Sending gratuitous ARP on {} for {}", name, a.to_string());
      else
        log.info("Sending unsolicited Neighbour Advert on {} for {}", name, a.to_string());
    });
  }
  garps.emplace(ifindex, std::move(*g));
}

// --- the kernel's tables -----------------------------------------------------------------------

// keepalived reports a link going up or down only for the interfaces its instances use: their
// own, the tracked ones and those their addresses are on; a veth's peer in the same namespace
// is not news.
bool Runtime::Impl::uses_interface(const std::string& name) const {
  return std::any_of(insts.begin(), insts.end(), [&](const auto& p) {
    if (!p) return false;
    if (p->ifname() == name) return true;
    if (std::any_of(p->setup.tracks.begin(), p->setup.tracks.end(),
                    [&](const TrackSpec& t) { return t.kind == TrackKind::Interface && t.name == name; }))
      return true;
    return std::any_of(p->conf.virtual_ipaddress.begin(), p->conf.virtual_ipaddress.end(),
                       [&](const auto& va) { return va.dev && *va.dev == name; });
  });
}

void Runtime::Impl::net_event(const NetEvent& ev) {
  switch (ev.kind) {
    case NetEvent::Kind::LinkChanged: {
      auto old = links.find(ev.link.index);
      const bool was = old != links.end() && old->second.usable();
      const bool appeared = old == links.end();
      links[ev.link.index] = ev.link;
      if (appeared) {  // an interface (re-)created
        static_link_appeared(ev.link);
        if (cfg && cfg->global.dynamic_interfaces) follow_interface(ev.link.name, ev.link.index);
      }
      if (auto g = garps.find(ev.link.index); g != garps.end()) g->second->set_mac(ev.link.mac);
      if (was != ev.link.usable() && !delay_link_change(ev.link.name, was, ev.link.usable())) {
        if (uses_interface(ev.link.name)) log.info("Netlink reports {} {}", ev.link.name, ev.link.usable() ? "up" : "down");
        const auto nm = ev.link.name;
        retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Interface && t.name == nm; });
      }
      break;
    }
    case NetEvent::Kind::LinkRemoved: {
      const auto nm = ev.link.name;
      links.erase(ev.link.index);
      garps.erase(ev.link.index);
      if (cfg && cfg->global.dynamic_interfaces) follow_interface(nm, 0);
      std::erase_if(assigned, [&](const auto& kv) { return kv.first.first == ev.link.index; });
      if (uses_interface(nm)) log.info("Netlink reports {} removed", nm);
      retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Interface && t.name == nm; });
      break;
    }
    case NetEvent::Kind::AddressAdded:
    case NetEvent::Kind::AddressRemoved: {
      if (opts.log_address_changes) log_address_change(ev.addr, ev.kind == NetEvent::Kind::AddressAdded);
      std::erase_if(addrs, [&](const AddrInfo& a) { return a.index == ev.addr.index && a.address == ev.addr.address; });
      if (ev.kind == NetEvent::Kind::AddressAdded) addrs.push_back(ev.addr);
      if (ev.kind == NetEvent::Kind::AddressRemoved) {
        address_removed(ev.addr);
        static_address_removed(ev.addr);
      }
      for (auto& p : insts) {
        if (!p || p->ifindex != ev.addr.index) continue;
        const auto before = p->src;
        refresh_source(*p);
        if (before.has_value() != p->src.has_value()) retrack(*p);
      }
      break;
    }
    case NetEvent::Kind::Resync:
      resync();
      break;
  }
}

// dynamic_interfaces: the instances on interface `name` follow it as it appears (index),
// disappears (0: FAULT) or is re-created with another index; their sockets move with it.
void Runtime::Impl::follow_interface(const std::string& name, int index) {
  bool moved = false;
  for (auto& p : insts) {
    if (!p || p->ifname() != name || p->ifindex == index) continue;
    p->ifindex = index;
    moved = true;
    if (index != 0) {
      log.info("({}) interface {} is now index {}", p->name(), name, index);
      refresh_source(*p);
      open_io(*p);
    } else {
      p->src.reset();
    }
    retrack(*p);
  }
  if (moved) close_unused_sockets();
}

bool Runtime::Impl::link_usable(const std::string& name) const {
  if (auto it = link_delays.find(name); it != link_delays.end()) return it->second.shown_usable;
  const auto l = link_named(name);
  return l && l->usable();
}

bool Runtime::Impl::delay_link_change(const std::string& name, bool was, bool now) {
  if (auto it = link_delays.find(name); it != link_delays.end()) {
    // A change while one is pending: back to what the instances see cancels it (a flap);
    // otherwise the pending one goes on.
    if (it->second.shown_usable == now) {
      it->second.timer->cancel();
      link_delays.erase(it);
      log.info("Netlink reports {} {} again within its delay: ignored", name, now ? "up" : "down");
    }
    return true;
  }
  if (!cfg) return false;
  microseconds delay{0};
  for (const auto& d : cfg->interface_up_down_delays)
    if (d.name == name) delay = now ? d.up_delay : d.down_delay;
  if (delay <= microseconds::zero()) return false;
  auto& delayed = link_delays[name];
  delayed.shown_usable = was;
  delayed.timer = std::make_unique<boost::asio::steady_timer>(io, delay);
  delayed.timer->async_wait([this, name, now](const boost::system::error_code& ec) {
    if (ec || stopping) return;
    link_delays.erase(name);
    if (uses_interface(name)) log.info("Netlink reports {} {}", name, now ? "up" : "down");
    retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Interface && t.name == name; });
  });
  return true;
}

void Runtime::Impl::resync() {
  if (!nl) return;
  if (auto l = nl->dump_links()) {
    std::map<int, LinkInfo> fresh;
    for (auto& li : *l) fresh[li.index] = li;
    links = std::move(fresh);
  }
  if (auto a = nl->dump_addresses()) addrs = std::move(*a);
  for (auto& p : insts)
    if (p) {
      refresh_source(*p);
      retrack(*p);
    }
}

// --- reload: the Masters' addresses by difference ----------------------------------------

namespace {
template <class T, class Eq>
std::vector<T> minus(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
  std::vector<T> out;
  for (const auto& x : a)
    if (std::none_of(b.begin(), b.end(), [&](const T& y) { return eq(x, y); })) out.push_back(x);
  return out;
}
}  // namespace

// Only Masters have their addresses installed: they change them by difference, planned
// across all of them (address_plan.hpp: an address moved between two Masters stays). Each
// failure is logged as at start.
void Runtime::Impl::reconcile_addresses(const std::vector<std::pair<Inst*, config::VrrpInstance>>& masters) {
  const auto eq_a = [](const AddressSpec& x, const AddressSpec& y) { return x == y; };
  const auto same_a = [](const AddressSpec& x, const AddressSpec& y) {
    return x.ifindex == y.ifindex && x.va.address.address == y.va.address.address;
  };
  const auto eq_r = [](const RouteSpec& x, const RouteSpec& y) { return x == y; };
  const auto eq_u = [](const config::Rule& x, const config::Rule& y) { return x == y; };
  auto warn = [&](const Inst& in, const char* what, const Result<>& r) {
    if (!r) log.warning("({}) cannot {}: {}", in.name(), what, r.error().message);
  };
  for (bool excl : {false, true}) {
    std::vector<AddressSides<AddressSpec>> sides;
    for (const auto& [in, old] : masters)
      sides.push_back({vip_specs(old, in->ifindex, in->family(), excl), vip_specs(*in, excl)});
    const auto plan = plan_addresses(sides, same_a, eq_a);
    for (const auto& c : plan.remove) warn(*masters[c.owner].first, "remove VIP", remove_address(*masters[c.owner].first, c.item));
    std::map<std::pair<std::size_t, int>, std::vector<IpAddress>> by_if;
    for (const auto& c : plan.add) {
      warn(*masters[c.owner].first, "add VIP", nl->add_address(c.item));
      by_if[{c.owner, c.item.ifindex}].push_back(c.item.va.address.address);
    }
    for (auto& [key, list] : by_if)
      if (auto g = garps.find(key.second); g != garps.end())
        g->second->send(list, masters[key.first].first->conf.garp_master_repeat);
  }
  for (const auto& [in, old] : masters) {
    for (const auto& s : minus(route_specs(old), route_specs(in->conf), eq_r)) warn(*in, "remove route", nl->delete_route(s));
    for (const auto& s : minus(route_specs(in->conf), route_specs(old), eq_r)) warn(*in, "add route", nl->add_route(s));
    for (const auto& r : minus(old.virtual_rules, in->conf.virtual_rules, eq_u)) warn(*in, "remove rule", nl->delete_rule(r));
    for (const auto& r : minus(in->conf.virtual_rules, old.virtual_rules, eq_u)) warn(*in, "add rule", nl->add_rule(r));
    firewall(*in, in->conf, true);  // its VIPs, or its accept mode, may have changed
  }
  sync_firewall();  // the table's options may have changed
}

}  // namespace stayalived::vrrp
