// The validation pass. Each rule cites where it comes from (keepalived.conf(5), an RFC, or
// keepalived 2.2.7's observed reaction). Where keepalived drops or corrects something, the
// model is corrected the same way and a diagnostic says what was done and what to change.
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "values.hpp"

namespace stayalived::config::detail {

namespace {

struct VCtx {
  Config& cfg;
  const LoadOptions& opts;
  DiagSink& diags;
  const LineOrder& order;

  // With dynamic_interfaces, interfaces may appear later: keepalived does not check them.
  bool iface_exists(const std::string& name) const {
    return cfg.global.dynamic_interfaces || !opts.interface_exists || opts.interface_exists(name);
  }
  bool before(const Loc& a, const Loc& b) const { return order.of(a) < order.of(b); }
};

// --- VRRP ----------------------------------------------------------------------------------

void prune_sync_groups(VCtx& c);
void prune_tracked(VCtx& c);
void validate_static(VCtx& c);

Family instance_family(const VrrpInstance& v) {
  // The first VIP decides (keepalived.conf(5): all VIPs must be of one family).
  if (!v.virtual_ipaddress.empty()) return v.virtual_ipaddress.front().address.address.family;
  if (v.source_ip) return v.source_ip->family;
  if (!v.unicast_peers.empty()) return v.unicast_peers.front().address.family;
  return Family::Inet;
}

void validate_tracking(VCtx& c, Tracking& t, const std::string& who, const Loc& owner_loc, const std::optional<std::string>& own_if,
                       bool address_owner) {
  // track_interface: must exist; the instance's own interface is tracked anyway.
  for (auto it = t.interfaces.begin(); it != t.interfaces.end();) {
    if (own_if && it->name == *own_if) {
      c.diags.warn(it->loc, fmt::format("{}: track_interface {} is the instance's own interface, which is always tracked; "
                                        "entry ignored",
                                        who, it->name));
      it = t.interfaces.erase(it);
      continue;
    }
    if (!c.iface_exists(it->name))
      c.diags.warn(it->loc, fmt::format("{}: tracked interface {} does not exist", who, it->name));
    ++it;
  }
  // track_script: keepalived resolves the name when it reads the track_script block, so the
  // vrrp_script must be defined above it.
  const auto resolve = [&](std::vector<TrackRef>& refs, std::string_view what, auto find_def) {
    for (auto it = refs.begin(); it != refs.end();) {
      const Loc* def = find_def(it->name);
      if (!def) {
        c.diags.warn(it->loc, fmt::format("{}: {} '{}' is not defined; entry ignored", who, what, it->name));
        it = refs.erase(it);
        continue;
      }
      if (!c.before(*def, it->loc)) {
        c.diags.warn(it->loc, fmt::format("{}: {} '{}' is defined further down (line {}); keepalived only finds it if it is "
                                          "defined above; entry ignored",
                                          who, what, it->name, def->line));
        it = refs.erase(it);
        continue;
      }
      ++it;
    }
  };
  resolve(t.scripts, "track_script", [&](const std::string& n) -> const Loc* {
    const auto* s = c.cfg.find_vrrp_script(n);
    return s ? &s->loc : nullptr;
  });
  resolve(t.files, "track_file", [&](const std::string& n) -> const Loc* {
    const auto* s = c.cfg.find_track_file(n);
    return s ? &s->loc : nullptr;
  });
  resolve(t.processes, "track_process", [&](const std::string& n) -> const Loc* {
    const auto* s = c.cfg.find_track_process(n);
    return s ? &s->loc : nullptr;
  });
  resolve(t.bfds, "track_bfd", [&](const std::string& n) -> const Loc* {
    const auto* s = c.cfg.find_bfd_instance(n);
    return s ? &s->loc : nullptr;
  });
  if (address_owner) {
    // Priority 255 cannot be changed by tracking (keepalived.conf(5) priority).
    for (auto it = t.scripts.begin(); it != t.scripts.end();) {
      const auto* s = c.cfg.find_vrrp_script(it->name);
      const int w = it->weight.value_or(s ? s->weight : 0);
      if (w != 0) {
        c.diags.warn(it->loc, fmt::format("{}: priority 255 (address owner) cannot be changed by tracked script '{}' with "
                                          "weight {}; entry ignored",
                                          who, it->name, w));
        it = t.scripts.erase(it);
        continue;
      }
      ++it;
    }
  }
  (void)owner_loc;
}

void check_address_dev(VCtx& c, const VirtualAddress& a) {
  if (a.dev && !c.iface_exists(*a.dev))
    c.diags.warn(a.loc, fmt::format("interface {} for address {} does not exist", *a.dev, a.address.to_string()));
}

// keepalived checks the interface when it reads the `interface` line, before anything
// that may drop the instance.
void check_interface(VCtx& c, const VrrpInstance& v) {
  const std::string who = fmt::format("vrrp_instance {}", v.name);
  if (v.interface) {
    if (*v.interface == "lo") {
      c.diags.warn(v.interface_loc, fmt::format("{}: the loopback interface lo cannot be used for VRRP; choose another interface", who));
    } else if (!c.iface_exists(*v.interface)) {
      c.diags.warn(v.interface_loc, fmt::format("{}: interface {} does not exist", who, *v.interface));
    }
  }
}

void validate_instance(VCtx& c, VrrpInstance& v, bool& drop) {
  const std::string who = fmt::format("vrrp_instance {}", v.name);
  const GlobalDefs& g = c.cfg.global;
  if (!v.interface && v.unicast_peers.empty())
    c.diags.warn(v.loc, fmt::format("{}: no interface: set 'interface' (required unless unicast peers are given)", who));

  // Address family and VIPs.
  const Family fam = instance_family(v);
  for (auto it = v.virtual_ipaddress.begin(); it != v.virtual_ipaddress.end();) {
    if (it->address.address.family != fam) {
      c.diags.warn(it->loc, fmt::format("{}: {} is not of the instance's address family ({}; all of virtual_ipaddress must "
                                        "be one family, use virtual_ipaddress_excluded for the other); ignored",
                                        who, it->address.to_string(), to_string(fam)));
      it = v.virtual_ipaddress.erase(it);
      continue;
    }
    check_address_dev(c, *it);
    ++it;
  }
  for (const auto& a : v.virtual_ipaddress_excluded) check_address_dev(c, a);
  if (v.source_ip && v.source_ip->family != fam) {
    c.diags.warn(v.loc, fmt::format("{}: source address {} is not of the instance's family; ignored", who, v.source_ip->to_string()));
    v.source_ip.reset();
  }
  for (auto it = v.unicast_peers.begin(); it != v.unicast_peers.end();) {
    if (it->address.family != fam) {
      c.diags.warn(it->loc, fmt::format("{}: unicast peer {} is not of the instance's family; ignored", who, it->address.to_string()));
      it = v.unicast_peers.erase(it);
      continue;
    }
    ++it;
  }
  for (const auto& r : v.virtual_routes)
    if (r.dev && !c.iface_exists(*r.dev)) c.diags.warn(r.loc, fmt::format("{}: interface {} of a virtual route does not exist", who, *r.dev));
  for (const auto& r : v.virtual_routes)
    for (const auto& nh : r.nexthops)
      if (nh.dev && !c.iface_exists(*nh.dev))
        c.diags.warn(r.loc, fmt::format("{}: interface {} of a route nexthop does not exist", who, *nh.dev));

  // VRRP version: IPv6 needs VRRPv3 (RFC 5798); keepalived switches silently.
  if (fam == Family::Inet6) v.version = 3;

  // advert_int precision: VRRPv2 whole seconds (RFC 3768 5.3.7), VRRPv3 centiseconds.
  // (The builder rounded to centiseconds; the exact value was kept for this check.)

  if (v.virtual_ipaddress.empty()) {
    if (v.strict_mode) {
      // keepalived.conf(5) vrrp_strict: "0 VIPs not allowed"; keepalived drops the instance.
      c.diags.warn(v.loc, fmt::format("{}: strict mode requires at least one virtual_ipaddress; instance ignored", who));
      drop = true;
      return;
    }
    c.diags.warn(v.loc, fmt::format("{}: no virtual_ipaddress; at least one is sensible", who));
  }

  const bool unicast = !v.unicast_peers.empty();
  if (!unicast) {
    if (v.check_unicast_src && !g.vrrp_check_unicast_src)
      c.diags.warn(v.loc, fmt::format("{}: check_unicast_src without unicast peers has no effect", who));
    if (v.unicast_ttl) {
      c.diags.warn(v.loc, fmt::format("{}: unicast_ttl without unicast peers; ignored", who));
      v.unicast_ttl.reset();
    }
  }
  if (v.vmac_xmit_base && !v.use_vmac)
    c.diags.warn(v.loc, fmt::format("{}: vmac_xmit_base is only valid with use_vmac", who));
  if (v.use_ipvlan && fam == Family::Inet && !v.use_ipvlan->address)
    c.diags.warn(v.loc, fmt::format("{}: an IPv4 use_ipvlan needs an address", who));

  // Initial state MASTER (keepalived.conf(5) nopreempt: "the initial state must not be
  // MASTER"; AH authentication cannot start as MASTER).
  if (v.state == VrrpState::Master && v.nopreempt) {
    c.diags.warn(v.loc, fmt::format("{}: nopreempt does not work with state MASTER; nopreempt is cleared (use state BACKUP)", who));
    v.nopreempt = false;
  }
  if (v.state == VrrpState::Master && v.authentication && v.authentication->type == AuthType::Ah) {
    c.diags.warn(v.loc, fmt::format("{}: state MASTER is incompatible with AH authentication; BACKUP is used", who));
    v.state = VrrpState::Backup;
  }
  // An unknown auth_type was reported where it was read; the instance runs without one.
  if (v.authentication && v.authentication->type == AuthType::None) v.authentication.reset();

  // vrrp_strict / strict_mode (keepalived.conf(5) vrrp_strict list).
  if (v.strict_mode) {
    if (v.state == VrrpState::Master && v.priority != 255)
      c.diags.warn(v.loc, fmt::format("{}: strict mode: state MASTER requires priority 255 (address owner)", who));
    if (v.authentication) {
      c.diags.warn(v.authentication->loc, fmt::format("{}: strict mode does not support authentication; ignored", who));
      v.authentication.reset();
    }
    if (v.preempt_delay.count() != 0) {
      c.diags.warn(v.loc, fmt::format("{}: strict mode does not support preempt_delay; reset to 0", who));
      v.preempt_delay = microseconds{0};
    }
    // The address owner (priority 255) accepts anyway: an explicit `accept` there changes
    // nothing and is kept (it is also what this pass derives below).
    if (v.version == 2 && v.accept == true && v.priority != 255) {
      c.diags.warn(v.loc, fmt::format("{}: strict mode: accept mode cannot be set with VRRPv2; cleared", who));
      v.accept = false;
    }
    if (!v.accept) v.accept = v.priority == 255;
  }

  const std::string label = v.name;
  validate_tracking(c, v.track, who, v.loc, v.interface, v.priority == 255);
  (void)label;
}

// Removes from each sync group the members for which `reason(group, member)` gives a
// message (warned at the member), in order; then the groups left without a member, and (if
// `warn_single`) warns about groups left with one.
template <class Reason>
void erase_members(VCtx& c, bool warn_single, Reason reason) {
  for (auto it = c.cfg.sync_groups.begin(); it != c.cfg.sync_groups.end();) {
    auto& g = *it;
    std::vector<std::string> kept;
    std::vector<Loc> kept_locs;
    for (std::size_t i = 0; i < g.group.size(); ++i) {
      const Loc at = i < g.group_locs.size() ? g.group_locs[i] : g.loc;
      if (const std::optional<std::string> why = reason(std::as_const(g), g.group[i])) {
        c.diags.warn(at, *why);
        continue;
      }
      kept.push_back(std::move(g.group[i]));
      kept_locs.push_back(at);
    }
    g.group = std::move(kept);
    g.group_locs = std::move(kept_locs);
    if (g.group.empty()) {
      c.diags.warn(g.loc, fmt::format("vrrp_sync_group {} has no existing member; group ignored", g.name));
      it = c.cfg.sync_groups.erase(it);
      continue;
    }
    if (warn_single && g.group.size() == 1)
      c.diags.warn(g.loc, fmt::format("vrrp_sync_group {} has only one member ({}); a sync group needs two or more", g.name,
                                      g.group.front()));
    ++it;
  }
}

// Phase 1: what keepalived removes before looking at scripts and tracking.
void prune_vrrp(VCtx& c) {
  auto& insts = c.cfg.vrrp_instances;
  for (const auto& v : insts) check_interface(c, v);
  // VRID is required (keepalived: "the virtual router id must be set"; the instance is
  // dropped).
  for (auto it = insts.begin(); it != insts.end();) {
    if (!it->virtual_router_id) {
      c.diags.warn(it->loc, fmt::format("vrrp_instance {}: virtual_router_id is not set; instance ignored", it->name));
      it = insts.erase(it);
      continue;
    }
    ++it;
  }
  // Names identify instances (sync groups, notify, reload): a second definition under a
  // name already used cannot be told apart, and is dropped.
  std::set<std::string> names;
  for (auto it = insts.begin(); it != insts.end();) {
    if (!names.insert(it->name).second) {
      c.diags.warn(it->loc, fmt::format("vrrp_instance {} is defined twice; rename one (this definition is ignored)", it->name));
      it = insts.erase(it);
      continue;
    }
    ++it;
  }
  prune_sync_groups(c);
  prune_tracked(c);
}

// Phase 3: per-instance checks, after the scripts (which may remove vrrp_scripts).
void validate_vrrp(VCtx& c) {
  auto& insts = c.cfg.vrrp_instances;
  std::set<std::string> dropped;
  for (auto it = insts.begin(); it != insts.end();) {
    bool drop = false;
    validate_instance(c, *it, drop);
    if (drop) dropped.insert(it->name);
    it = drop ? insts.erase(it) : it + 1;
  }
  // Sync groups were checked before these instances were dropped: take them out too (a
  // group must not name an instance that does not run).
  if (!dropped.empty())
    erase_members(c, false, [&](const VrrpSyncGroup& g, const std::string& m) -> std::optional<std::string> {
      if (!dropped.contains(m)) return std::nullopt;
      return fmt::format("vrrp_sync_group {}: vrrp_instance {} was ignored; member removed", g.name, m);
    });
  for (auto& g : c.cfg.sync_groups)
    validate_tracking(c, g.track, fmt::format("vrrp_sync_group {}", g.name), g.loc, std::nullopt, false);
  // Duplicate VRID on one interface and family (RFC 5798 5.2.3: the VRID identifies the
  // virtual router on a LAN); unicast instances with different peers may share one.
  std::map<std::tuple<std::string, Family, std::uint8_t>, const VrrpInstance*> seen;
  for (const auto& v : insts) {
    if (!v.interface || !v.unicast_peers.empty()) continue;
    const auto key = std::make_tuple(*v.interface, instance_family(v), *v.virtual_router_id);
    const auto [it, fresh] = seen.emplace(key, &v);
    if (!fresh)
      c.diags.warn(v.loc, fmt::format("vrrp_instance {} and {} both use virtual_router_id {} with {} on interface {}; "
                                      "change one",
                                      it->second->name, v.name, *v.virtual_router_id, to_string(instance_family(v)), *v.interface));
  }
  validate_static(c);
}

void prune_sync_groups(VCtx& c) {
  // Sync groups: members must exist; an instance belongs to one group.
  std::map<std::string, std::string> member_of;
  erase_members(c, true, [&](const VrrpSyncGroup& g, const std::string& m) -> std::optional<std::string> {
    if (!c.cfg.find_vrrp_instance(m))
      return fmt::format("vrrp_sync_group {}: vrrp_instance {} does not exist; member ignored", g.name, m);
    if (const auto [mit, fresh] = member_of.emplace(m, g.name); !fresh)
      return fmt::format("vrrp_sync_group {}: vrrp_instance {} is already in sync group {}; member ignored", g.name, m,
                         mit->second);
    return std::nullopt;
  });
}

void validate_static(VCtx& c) {
  for (const auto& l : c.cfg.linkbeat_interfaces)
    if (!c.iface_exists(l.name)) c.diags.warn(l.loc, fmt::format("linkbeat interface {} does not exist", l.name));
  for (const auto& a : c.cfg.static_ipaddresses) check_address_dev(c, a);
  if (c.cfg.global.lvs_sync_daemon && c.cfg.global.lvs_sync_daemon->vrrp_instance &&
      !c.cfg.find_vrrp_instance(*c.cfg.global.lvs_sync_daemon->vrrp_instance))
    c.diags.warn(c.cfg.global.lvs_sync_daemon->loc,
                 fmt::format("lvs_sync_daemon: vrrp_instance {} does not exist", *c.cfg.global.lvs_sync_daemon->vrrp_instance));
}

// Tracked objects that cannot work are dropped before references to them are resolved.
void prune_tracked(VCtx& c) {
  for (auto it = c.cfg.garp_groups.begin(); it != c.cfg.garp_groups.end();) {
    if (!it->garp_interval && !it->gna_interval) {
      c.diags.warn(it->loc, "garp_group without garp_interval or gna_interval; group ignored");
      it = c.cfg.garp_groups.erase(it);
      continue;
    }
    ++it;
  }
  for (auto it = c.cfg.track_files.begin(); it != c.cfg.track_files.end();) {
    if (it->file.empty()) {
      c.diags.warn(it->loc, fmt::format("track_file {} has no 'file'; ignored", it->name));
      it = c.cfg.track_files.erase(it);
      continue;
    }
    ++it;
  }
  for (auto it = c.cfg.track_processes.begin(); it != c.cfg.track_processes.end();) {
    if (it->process.empty()) {
      c.diags.warn(it->loc, fmt::format("vrrp_track_process {} has no 'process'; ignored", it->name));
      it = c.cfg.track_processes.erase(it);
      continue;
    }
    ++it;
  }
  for (auto it = c.cfg.bfd_instances.begin(); it != c.cfg.bfd_instances.end();) {
    if (!it->neighbor_ip) {
      c.diags.warn(it->loc, fmt::format("bfd_instance {} has no neighbor_ip; instance ignored", it->name));
      it = c.cfg.bfd_instances.erase(it);
      continue;
    }
    ++it;
  }
}

// --- LVS -----------------------------------------------------------------------------------

std::string vs_label(const VirtualServer& vs) {
  if (const auto* a = std::get_if<VsAddress>(&vs.key)) return fmt::format("virtual_server {} {}", a->address.to_string(), a->port);
  if (const auto* f = std::get_if<VsFwmark>(&vs.key)) return fmt::format("virtual_server fwmark {}", f->mark);
  return fmt::format("virtual_server group {}", std::get<VsGroup>(vs.key).name);
}

void validate_checker(VCtx& c, const std::string& who, const RealServer& rs, Checker& ck, bool& keep) {
  keep = true;
  const std::string what = fmt::format("{} real_server {} {}", who, to_string(ck.kind()), rs.address.to_string());
  auto& conn = ck.connection;
  const Family fam = conn.connect_ip ? conn.connect_ip->family : rs.address.family;
  if (conn.bindto && conn.bindto->family != fam) {
    c.diags.warn(ck.loc, fmt::format("{}: bindto {} is not of the family of the address checked; ignored", what, conn.bindto->to_string()));
    conn.bindto.reset();
  }
  if (auto* h = std::get_if<HttpCheck>(&ck.spec)) {
    for (auto it = h->urls.begin(); it != h->urls.end();) {
      if (it->path.empty()) {
        c.diags.warn(it->loc, fmt::format("{}: url without a path; ignored", what));
        it = h->urls.erase(it);
        continue;
      }
      ++it;
    }
  }
  if (auto* h = std::get_if<HttpCheck>(&ck.spec); h && h->urls.empty()) {
    c.diags.warn(ck.loc, fmt::format("{}: no url block; checker ignored", what));
    keep = false;
  }
  if (auto* m = std::get_if<MiscCheck>(&ck.spec); m && m->path.argv.empty()) {
    c.diags.warn(ck.loc, fmt::format("{}: no misc_path; checker ignored", what));
    keep = false;
  }
  if (auto* f = std::get_if<FileCheck>(&ck.spec)) {
    if (f->track_file.empty() || !c.cfg.find_track_file(f->track_file)) {
      c.diags.warn(ck.loc, fmt::format("{}: track_file '{}' is not defined; checker ignored", what, f->track_file));
      keep = false;
    }
  }
  if (auto* b = std::get_if<BfdCheck>(&ck.spec)) {
    if (b->name.empty() || !c.cfg.find_bfd_instance(b->name)) {
      c.diags.warn(ck.loc, fmt::format("{}: bfd_instance '{}' is not defined; checker ignored", what, b->name));
      keep = false;
    }
  }
  if (conn.bind_if && !c.iface_exists(*conn.bind_if))
    c.diags.warn(ck.loc, fmt::format("{}: bind_if {} does not exist", what, *conn.bind_if));
}

void validate_lvs(VCtx& c) {
  std::set<std::string> groups;
  for (const auto& g : c.cfg.virtual_server_groups) {
    if (!groups.insert(g.name).second) c.diags.warn(g.loc, fmt::format("virtual_server_group {} is defined twice", g.name));
    if (g.addresses.empty() && g.fwmarks.empty()) c.diags.warn(g.loc, fmt::format("virtual_server_group {} is empty", g.name));
  }
  auto& vss = c.cfg.virtual_servers;
  for (auto it = vss.begin(); it != vss.end();) {
    auto& vs = *it;
    const std::string who = vs_label(vs);
    if (const auto* grp = std::get_if<VsGroup>(&vs.key); grp && !c.cfg.find_virtual_server_group(grp->name)) {
      c.diags.warn(vs.loc, fmt::format("{}: virtual_server_group {} is not defined; virtual server ignored", who, grp->name));
      it = vss.erase(it);
      continue;
    }
    const bool fwmark = std::holds_alternative<VsFwmark>(vs.key);
    if (vs.ops && vs.protocol != Protocol::Udp) {
      c.diags.warn(vs.loc, fmt::format("{}: ops (one-packet scheduling) requires protocol UDP; cleared", who));
      vs.ops = false;
    }
    if (const auto* a = std::get_if<VsAddress>(&vs.key); a && a->port == 0 && !vs.persistence_timeout)
      c.diags.warn(vs.loc, fmt::format("{}: port 0 is only valid for a persistent service (set persistence_timeout)", who));
    Family vs_fam = Family::Inet;
    if (const auto* a = std::get_if<VsAddress>(&vs.key)) vs_fam = a->address.family;
    else if (vs.ip_family) vs_fam = *vs.ip_family;
    else if (!vs.real_servers.empty()) vs_fam = vs.real_servers.front().address.family;
    std::set<std::pair<IpAddress, Port>> seen;
    std::int64_t total_weight = 0;
    for (auto rit = vs.real_servers.begin(); rit != vs.real_servers.end();) {
      auto& rs = *rit;
      if (!seen.emplace(rs.address, rs.port).second) {
        c.diags.warn(rs.loc, fmt::format("{}: real_server {} {} is listed twice; the second is ignored", who, rs.address.to_string(),
                                         rs.port));
        rit = vs.real_servers.erase(rit);
        continue;
      }
      if (rs.address.family != vs_fam && rs.forwarding.method != ForwardingMethod::Tun) {
        c.diags.warn(rs.loc, fmt::format("{}: real_server {} is not of the virtual server's address family (only TUN "
                                         "real servers may differ); ignored",
                                         who, rs.address.to_string()));
        rit = vs.real_servers.erase(rit);
        continue;
      }
      if (fwmark && rs.port != 0) {
        c.diags.warn(rs.loc, fmt::format("{}: a fwmark service has no ports; the port of real_server {} is ignored", who,
                                         rs.address.to_string()));
        rs.port = 0;
      }
      if (!fwmark && rs.port == 0)
        if (const auto* a = std::get_if<VsAddress>(&vs.key)) rs.port = a->port;
      for (auto cit = rs.checkers.begin(); cit != rs.checkers.end();) {
        bool keep = true;
        validate_checker(c, who, rs, *cit, keep);
        cit = keep ? cit + 1 : rs.checkers.erase(cit);
      }
      total_weight += rs.weight;
      ++rit;
    }
    if (vs.real_servers.empty()) {
      c.diags.warn(vs.loc, fmt::format("{} has no real servers; virtual server ignored", who));
      it = vss.erase(it);
      continue;
    }
    if (fwmark && vs.sorry_server && vs.sorry_server->port != 0) {
      c.diags.warn(vs.sorry_server->loc, fmt::format("{}: a fwmark service has no ports; the sorry_server port is ignored", who));
      vs.sorry_server->port = 0;
    }
    // keepalived 2.2.7: "quorum 5 for ... exceeds total weight of real servers 2, reducing
    // quorum to 2". This is the one place the rule lives: the checkers' quorum (and so the
    // IPVS pool) works with the value that results.
    if (total_weight < vs.quorum) {
      c.diags.warn(vs.loc, fmt::format("{}: quorum {} exceeds the total weight {} of the real servers; {} is used", who,
                                       vs.quorum, total_weight, total_weight));
      vs.quorum = static_cast<std::uint32_t>(total_weight);
    }
    if (vs.hysteresis >= vs.quorum && vs.hysteresis != 0) {
      c.diags.warn(vs.loc, fmt::format("{}: hysteresis {} must be below quorum {}; {} is used", who, vs.hysteresis, vs.quorum,
                                       vs.quorum - 1));
      vs.hysteresis = vs.quorum - 1;
    }
    ++it;
  }
}

// --- scripts and enable_script_security ------------------------------------------------------

struct ScriptRef {
  Script* script;
  std::string what;   // "vrrp_script chk", "notify_master of vrrp_instance VI_1", ...
  bool checker_side;  // keepalived's checker process (MISC_CHECK, notify_up/down, quorum_*)
  bool is_vrrp_script;
  std::size_t vrrp_script_index;
};

std::string resolve_program(const VCtx& c, const std::string& prog, bool& found) {
  const FileSystem& fs = *c.opts.files;
  found = false;
  if (prog.find('/') != std::string::npos) {
    const std::string p = prog[0] == '/' ? prog : c.opts.cwd + "/" + prog;
    const FileInfo f = fs.stat(p);
    found = f.exists && !f.is_dir && (f.mode & 0111);
    return p;
  }
  std::string_view path = c.opts.search_path;
  while (!path.empty()) {
    const auto colon = path.find(':');
    const auto dir = path.substr(0, colon);
    const std::string p = std::string(dir) + "/" + prog;
    const FileInfo f = fs.stat(p);
    if (f.exists && !f.is_dir && (f.mode & 0111)) {
      found = true;
      return p;
    }
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return prog;
}

// The file and every directory above it must be owned by root and not writable by other
// users (keepalived.conf(5) enable_script_security); the sticky bit exempts a directory
// from the write rule.
std::optional<std::string> insecure_path(const VCtx& c, const std::string& path) {
  const FileSystem& fs = *c.opts.files;
  std::string cur = path;
  bool file = true;
  while (!cur.empty()) {
    const FileInfo f = fs.stat(cur);
    if (f.exists) {
      if (f.uid != 0) return fmt::format("'{}' is not owned by root", cur);
      const bool sticky_dir = !file && (f.mode & 01000);
      if (!sticky_dir && ((f.mode & 002) || ((f.mode & 020) && f.gid != 0)))
        return fmt::format("'{}' is writable by non-root users (mode {:04o})", cur, f.mode);
    }
    file = false;
    if (cur == "/") break;
    const auto slash = cur.rfind('/');
    cur = slash == 0 ? "/" : cur.substr(0, slash);
  }
  return std::nullopt;
}

void validate_scripts(VCtx& c) {
  GlobalDefs& g = c.cfg.global;
  std::vector<ScriptRef> refs;
  for (std::size_t i = 0; i < c.cfg.vrrp_scripts.size(); ++i)
    refs.push_back({&c.cfg.vrrp_scripts[i].script, fmt::format("vrrp_script {}", c.cfg.vrrp_scripts[i].name), false, true, i});
  const auto add_notify = [&](VrrpNotify& n, const std::string& owner) {
    const std::pair<std::optional<Script>*, std::string_view> list[] = {
        {&n.master, "notify_master"}, {&n.backup, "notify_backup"}, {&n.fault, "notify_fault"},
        {&n.stop, "notify_stop"},     {&n.deleted, "notify_deleted"}, {&n.master_rx_lower_pri, "notify_master_rx_lower_pri"},
        {&n.any, "notify"}};
    for (auto& [s, name] : list)
      if (*s) refs.push_back({&**s, fmt::format("{} of {}", name, owner), false, false, 0});
  };
  for (auto& v : c.cfg.vrrp_instances) add_notify(v.notify, fmt::format("vrrp_instance {}", v.name));
  for (auto& sg : c.cfg.sync_groups) add_notify(sg.notify, fmt::format("vrrp_sync_group {}", sg.name));
  for (auto& vs : c.cfg.virtual_servers) {
    const std::string who = vs_label(vs);
    if (vs.quorum_up) refs.push_back({&*vs.quorum_up, "quorum_up of " + who, true, false, 0});
    if (vs.quorum_down) refs.push_back({&*vs.quorum_down, "quorum_down of " + who, true, false, 0});
    for (auto& rs : vs.real_servers) {
      const std::string rwho = fmt::format("real_server {} of {}", rs.address.to_string(), who);
      if (rs.notify_up) refs.push_back({&*rs.notify_up, "notify_up of " + rwho, true, false, 0});
      if (rs.notify_down) refs.push_back({&*rs.notify_down, "notify_down of " + rwho, true, false, 0});
      for (auto& ck : rs.checkers)
        if (auto* m = std::get_if<MiscCheck>(&ck.spec); m && !m->path.argv.empty())
          refs.push_back({&m->path, "MISC_CHECK of " + rwho, true, false, 0});
    }
  }
  if (refs.empty() && !g.startup_script && !g.shutdown_script) return;

  // The default user (keepalived.conf(5) script_user): script_user, else keepalived_script
  // if it exists, else root -- except that enable_script_security refuses root as a default.
  enum class Default { User, Root, None } def = Default::Root;
  std::string def_user = "root";
  if (g.script_user) {
    const bool ok = c.opts.user_exists(g.script_user->user) &&
                    (!g.script_user->group || c.opts.group_exists(*g.script_user->group));
    if (ok) {
      def = g.script_user->user == "root" ? Default::Root : Default::User;
      def_user = g.script_user->user;
    } else {
      c.diags.warn(g.script_user->loc, fmt::format("script_user {}{}: no such user or group; scripts without their own user cannot run",
                                      g.script_user->user, g.script_user->group ? " " + *g.script_user->group : ""));
      def = Default::None;
    }
  } else if (c.opts.user_exists("keepalived_script")) {
    def = Default::User;
    def_user = "keepalived_script";
  } else if (g.enable_script_security) {
    def = Default::None;
  }

  std::set<std::string> tracked;
  for (const auto& v : c.cfg.vrrp_instances)
    for (const auto& t : v.track.scripts) tracked.insert(t.name);
  for (const auto& sg : c.cfg.sync_groups)
    for (const auto& t : sg.track.scripts) tracked.insert(t.name);
  bool vrrp_root = false, checker_root = false, told_no_default = false;
  std::vector<std::size_t> drop_vrrp_scripts;
  for (auto& r : refs) {
    Script& s = *r.script;
    bool root = false;
    bool found = false;
    const std::string path = s.argv.empty() ? std::string() : resolve_program(c, s.argv[0], found);
    // keepalived silently skips a notify/checker script it cannot find (before looking at
    // its user); a vrrp_script's user is checked first.
    if (!r.is_vrrp_script && !found) continue;
    if (s.run_as) {
      if (!c.opts.user_exists(s.run_as->user) || (s.run_as->group && !c.opts.group_exists(*s.run_as->group))) {
        c.diags.warn(s.loc, fmt::format("{}: user {} does not exist; script removed", r.what, s.run_as->user));
        if (r.is_vrrp_script) drop_vrrp_scripts.push_back(r.vrrp_script_index);
        else s.argv.clear();
        continue;
      }
      root = s.run_as->user == "root" || s.run_as->user == "0";
    } else if (def == Default::None) {
      const Loc at = r.is_vrrp_script ? c.cfg.vrrp_scripts[r.vrrp_script_index].end_loc : s.loc;
      if (!told_no_default && !g.script_user) {
        c.diags.warn(at, "enable_script_security: the default script user keepalived_script does not exist and root is not "
                         "allowed; set script_user or give each script a user");
        told_no_default = true;
      }
      c.diags.warn(at, fmt::format("{}: no user to run it as; script removed", r.what));
      if (r.is_vrrp_script) drop_vrrp_scripts.push_back(r.vrrp_script_index);
      else s.argv.clear();
      continue;
    } else {
      root = def == Default::Root;
    }
    if (s.argv.empty()) continue;
    if (!found) {
      // keepalived disables a vrrp_script it cannot find, and silently skips other scripts.
      if (r.is_vrrp_script && tracked.count(c.cfg.vrrp_scripts[r.vrrp_script_index].name))
        c.diags.warn(c.cfg.vrrp_scripts[r.vrrp_script_index].end_loc,
                     fmt::format("{}: script '{}' not found or not executable; the script is disabled", r.what, s.argv[0]));
      continue;
    }
    if (!root) continue;
    (r.checker_side ? checker_root : vrrp_root) = true;
    if (g.enable_script_security) {
      if (auto why = insecure_path(c, path)) {
        c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, s.loc,
                    fmt::format("{}: unsafe permissions ({}) for a script run as root; script disabled", r.what, *why));
        if (r.is_vrrp_script) drop_vrrp_scripts.push_back(r.vrrp_script_index);
        else s.argv.clear();
      }
    }
  }
  // Remove what could not run (references to removed vrrp_scripts are reported by the
  // tracking checks, which run after this).
  std::sort(drop_vrrp_scripts.begin(), drop_vrrp_scripts.end());
  drop_vrrp_scripts.erase(std::unique(drop_vrrp_scripts.begin(), drop_vrrp_scripts.end()), drop_vrrp_scripts.end());
  for (auto it = drop_vrrp_scripts.rbegin(); it != drop_vrrp_scripts.rend(); ++it)
    c.cfg.vrrp_scripts.erase(c.cfg.vrrp_scripts.begin() + static_cast<std::ptrdiff_t>(*it));
  const auto clear_empty = [](std::optional<Script>& s) {
    if (s && s->argv.empty()) s.reset();
  };
  for (auto& v : c.cfg.vrrp_instances)
    for (auto* s : {&v.notify.master, &v.notify.backup, &v.notify.fault, &v.notify.stop, &v.notify.master_rx_lower_pri, &v.notify.any})
      clear_empty(*s);
  for (auto& sg : c.cfg.sync_groups)
    for (auto* s : {&sg.notify.master, &sg.notify.backup, &sg.notify.fault, &sg.notify.stop, &sg.notify.any}) clear_empty(*s);
  for (auto& vs : c.cfg.virtual_servers) {
    clear_empty(vs.quorum_up);
    clear_empty(vs.quorum_down);
    for (auto& rs : vs.real_servers) {
      clear_empty(rs.notify_up);
      clear_empty(rs.notify_down);
    }
  }

  if (!g.enable_script_security) {
    // keepalived 2.2.7: "SECURITY VIOLATION - scripts are being executed but
    // script_security not enabled" (-t exit status 6).
    if (vrrp_root)
      c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, Loc{},
                  "scripts run as root but enable_script_security is not set (set it in global_defs, or set script_user "
                  "to a non-root user)");
    if (checker_root)
      c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, Loc{},
                  "checker scripts run as root but enable_script_security is not set (set it in global_defs, or set "
                  "script_user to a non-root user)");
  }
}

}  // namespace

void validate(Config& cfg, const LoadOptions& opts, DiagSink& diags, const LineOrder& order) {
  VCtx c{cfg, opts, diags, order};
  prune_vrrp(c);        // instances without a VRID, sync group members
  validate_lvs(c);      // may remove virtual servers (and their scripts)
  validate_scripts(c);  // may remove vrrp_scripts that instances reference
  validate_vrrp(c);     // tracking references are resolved last
}

}  // namespace stayalived::config::detail
