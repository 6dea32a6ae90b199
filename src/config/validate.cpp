// The validation pass: the VRRP rules and the order of the phases. Each rule cites where it
// comes from (keepalived.conf(5), an RFC, or keepalived 2.2.7's observed reaction). Where
// keepalived drops or corrects something, the model is corrected the same way and a
// diagnostic says what was done and what to change. The LVS rules are in validate_lvs.cpp,
// the script checks in validate_scripts.cpp.
#include "validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "validate_ctx.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

namespace {

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
    if (!c.vrrp_iface_exists(it->name))
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
  if (a.dev && !c.vrrp_iface_exists(*a.dev))
    c.diags.warn(a.loc, fmt::format("interface {} for address {} does not exist", *a.dev, a.address.to_string()));
}

// keepalived checks the interface when it reads the `interface` line, before anything
// that may drop the instance.
void check_interface(VCtx& c, const VrrpInstance& v) {
  const std::string who = fmt::format("vrrp_instance {}", v.name);
  if (v.interface) {
    if (*v.interface == "lo") {
      c.diags.warn(v.interface_loc, fmt::format("{}: the loopback interface lo cannot be used for VRRP; choose another interface", who));
    } else if (!c.vrrp_iface_exists(*v.interface)) {
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
    if (r.dev && !c.vrrp_iface_exists(*r.dev)) c.diags.warn(r.loc, fmt::format("{}: interface {} of a virtual route does not exist", who, *r.dev));
  for (const auto& r : v.virtual_routes)
    for (const auto& nh : r.nexthops)
      if (nh.dev && !c.vrrp_iface_exists(*nh.dev))
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

  // vrrp_strict / strict_mode (keepalived.conf(5) vrrp_strict list).
  if (v.strict_mode) {
    // keepalived: "State MASTER must match being address owner", and it starts as BACKUP
    // (before the nopreempt and AH checks below, which then do not apply).
    if (v.state == VrrpState::Master && v.priority != 255) {
      c.diags.warn(v.loc, fmt::format("{}: strict mode: state MASTER requires priority 255 (address owner); BACKUP is used",
                                      who));
      v.state = VrrpState::Backup;
    }
    if (v.authentication && v.authentication->type != AuthType::None) {
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

  // Initial state MASTER (keepalived.conf(5) nopreempt: "the initial state must not be
  // MASTER"; AH authentication cannot start as MASTER).
  if (v.state == VrrpState::Master && v.nopreempt) {
    c.diags.warn(v.loc, fmt::format("{}: nopreempt does not work with state MASTER; nopreempt is cleared (use state BACKUP)", who));
    v.nopreempt = false;
  }
  // keepalived 2.2.7: "preempt_delay is incompatible with nopreempt mode - resetting".
  if (v.nopreempt && v.preempt_delay.count() != 0) {
    c.diags.warn(v.loc, fmt::format("{}: preempt_delay has no effect with nopreempt; reset to 0", who));
    v.preempt_delay = microseconds{0};
  }
  if (v.state == VrrpState::Master && v.authentication && v.authentication->type == AuthType::Ah) {
    c.diags.warn(v.loc, fmt::format("{}: state MASTER is incompatible with AH authentication; BACKUP is used", who));
    v.state = VrrpState::Backup;
  }
  // An unknown auth_type was reported where it was read; the instance runs without one.
  if (v.authentication && v.authentication->type == AuthType::None) v.authentication.reset();

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
    if (!c.vrrp_iface_exists(l.name)) c.diags.warn(l.loc, fmt::format("linkbeat interface {} does not exist", l.name));
  for (const auto& a : c.cfg.static_ipaddresses) check_address_dev(c, a);
  // keepalived 2.2.7 (measured): a static route without 'dev' (whatever its nexthops say)
  // "cannot track route ... with no interface specified, not tracking"; a missing interface
  // of the route or of a nexthop is reported too. Both are warnings (exit status 5).
  for (const auto& r : c.cfg.static_routes) {
    const std::string dest = r.destination.to_string();
    if (!r.dev)
      c.diags.warn(r.loc, fmt::format("static route {}: no 'dev'; keepalived cannot track (restore) a route without an "
                                      "interface",
                                      dest));
    else if (!c.vrrp_iface_exists(*r.dev))
      c.diags.warn(r.loc, fmt::format("static route {}: interface {} does not exist", dest, *r.dev));
    for (const auto& nh : r.nexthops)
      if (nh.dev && !c.vrrp_iface_exists(*nh.dev))
        c.diags.warn(r.loc, fmt::format("static route {}: interface {} of a nexthop does not exist", dest, *nh.dev));
  }
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

}  // namespace

void validate(Config& cfg, const LoadOptions& opts, DiagSink& diags, const LineOrder& order) {
  VCtx c{cfg, opts, diags, order};
  prune_vrrp(c);        // instances without a VRID, sync group members
  validate_lvs(c);      // may remove virtual servers (and their scripts)
  validate_scripts(c);  // may remove vrrp_scripts that instances reference
  validate_vrrp(c);     // tracking references are resolved last
  vrrp_script_security_summary(c);
}

}  // namespace stayalived::config::detail
