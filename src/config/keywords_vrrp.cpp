// VRRP keywords: vrrp_sync_group, vrrp_instance and their sub-blocks (authentication,
// virtual_ipaddress, unicast_peer, virtual_routes/rules, notify scripts, the tracking list
// blocks), after keepalived.conf(5) "VRRPD CONFIGURATION" and keepalived 2.2.7's reactions.
// The tracked objects (vrrp_script, track_file, ...) and the items of the tracking lists
// are in keywords_vrrp_track.cpp.
#include <fmt/format.h>

#include <algorithm>

#include "addr_lines.hpp"
#include "handler_util.hpp"

namespace stayalived::config::detail {

namespace {

using VI = VrrpInstance;
using SG = VrrpSyncGroup;

// --- tracking lists (vrrp_instance and vrrp_sync_group) ----------------------------------
// The blocks open here; their items are read in keywords_vrrp_track.cpp.

void h_track_list(Builder& b, const Stmt& s) { b.extra_args(s, 0); }

// --- notify scripts ----------------------------------------------------------------------

VrrpNotify* notify(Builder& b) { return b.vi ? &b.vi->notify : b.sg ? &b.sg->notify : nullptr; }
void h_notify(Builder& b, const Stmt& s) {
  auto* n = notify(b);
  if (!n) return;
  const auto& k = s.head.text;
  std::optional<Script>& slot = k == "notify_master"                ? n->master
                                : k == "notify_backup"              ? n->backup
                                : k == "notify_fault"               ? n->fault
                                : k == "notify_stop"                ? n->stop
                                : k == "notify_master_rx_lower_pri" ? n->master_rx_lower_pri
                                                                    : n->any;
  if (b.repeated(s, slot.has_value())) return;
  if (auto sc = b.script(s, 0)) slot = std::move(sc);
}
void h_notify_deleted(Builder& b, const Stmt& s) {
  auto* n = notify(b);
  if (!n) return;
  if (b.repeated(s, n->deleted_set)) return;  // a bare notify_deleted counts as given
  n->deleted_set = true;
  if (!s.args.empty()) n->deleted = b.script(s, 0);
}

// --- vrrp_sync_group ---------------------------------------------------------------------

void h_sync_group(Builder& b, const Stmt& s) {
  VrrpSyncGroup g;
  g.name = name_of(s);
  g.loc = s.loc;
  b.cfg.sync_groups.push_back(std::move(g));
  b.sg = &b.cfg.sync_groups.back();
  b.track = &b.sg->track;
}
void h_sg_group(Builder& b, const Stmt& s) {
  b.extra_args(s, 0);
  if (b.sg && !b.sg->group.empty())
    b.diags.warn(s.loc, fmt::format("vrrp_sync_group {}: 'group' given twice; the members are added to the first list", b.sg->name));
}
void h_sg_group_item(Builder& b, const Stmt& s) {
  if (!b.sg) return;
  const auto add = [&](const std::string& n, std::size_t col) {
    Loc l = s.loc;
    l.column = static_cast<std::uint32_t>(col);
    b.sg->group.push_back(n);
    b.sg->group_locs.push_back(l);
  };
  add(s.head.text, s.head.column);
  for (const auto& a : s.args) add(a.text, a.column);
}
void h_sg_global_tracking(Builder& b, const Stmt& s) {
  if (!b.sg) return;
  b.warn(s, 0, fmt::format("vrrp_sync_group {}: 'global_tracking' is deprecated; use track_interface/track_script/track_file on the sync group", b.sg->name));
  b.sg->sync_group_tracking_weight = true;  // what keepalived 2.2.7 does with it (its -d dump)
}
void h_sg_bool(Builder& b, const Stmt& s) {
  if (!b.sg) return;
  if (auto v = b.boolean(s, 0)) (s.head.text == "smtp_alert" ? b.sg->smtp_alert : b.sg->notify_priority_changes) = *v;
}

// --- vrrp_instance -----------------------------------------------------------------------

void h_vrrp_instance(Builder& b, const Stmt& s) {
  if (s.args.empty()) {
    // keepalived: "vrrp_instance must have a name", and the block is skipped.
    b.warn(s, 0, "vrrp_instance needs a name; block skipped");
    return b.skip_block();
  }
  VrrpInstance v;
  v.name = name_of(s);
  v.loc = s.loc;
  b.cfg.vrrp_instances.push_back(std::move(v));
  b.vi = &b.cfg.vrrp_instances.back();
  b.track = &b.vi->track;
  b.vi_bits_.push_back(0);
  b.vi_advert_.push_back(std::nullopt);
}
void h_state(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  const auto& w = s.args[0].text;
  if (w == "MASTER") b.vi->state = VrrpState::Master;
  else if (w == "BACKUP") b.vi->state = VrrpState::Backup;
  else {
    b.warn(s, 0, fmt::format("vrrp_instance {}: unknown state '{}' (MASTER or BACKUP); BACKUP is used", b.vi->name, w));
    b.vi->state = VrrpState::Backup;
  }
}
void h_interface(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  b.vi->interface = s.args[0].text;
  b.vi->interface_loc = s.loc;
}
void h_vrf(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (b.vi->interface)
    return b.warn(s, 0, fmt::format("vrrp_instance {}: 'vrf' cannot be used with 'interface'; ignored", b.vi->name));
  b.vi->vrf = s.args[0].text;
}
std::optional<MacAddress> parse_mac(std::string_view w, bool& five) {
  MacAddress m{};
  std::size_t n = 0, i = 0;
  while (i < w.size() && n < 6) {
    std::size_t j = i;
    unsigned v = 0;
    while (j < w.size() && w[j] != ':') {
      const char c = w[j];
      const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0 || j - i >= 2) return std::nullopt;
      v = v * 16 + static_cast<unsigned>(d);
      ++j;
    }
    if (j == i) return std::nullopt;
    m[n++] = static_cast<std::uint8_t>(v);
    i = j + 1;
    if (j == w.size()) break;
  }
  if (n != 5 && n != 6) return std::nullopt;
  five = n == 5;
  return m;
}
void h_use_vmac(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  // Given again, it adds to the first (keepalived 2.2.7: a second name is "VMAC interface
  // name already specified", the first name is kept).
  Vmac v = b.vi->use_vmac.value_or(Vmac{});
  const bool had_name = v.name.has_value();
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    bool five = false;
    if (w.find(':') != std::string::npos) {
      auto m = parse_mac(w, five);
      if (!m) {
        b.warn(s, i, fmt::format("vrrp_instance {}: invalid use_vmac MAC address '{}'; ignored", b.vi->name, w));
        continue;
      }
      v.mac = m;
      v.mac_from_vrid = five;
    } else if (had_name) {
      b.warn(s, i, fmt::format("vrrp_instance {}: the VMAC interface name is already specified ('{}'); '{}' ignored",
                               b.vi->name, *v.name, w));
    } else if (!v.name) {
      v.name = w;
    } else {
      b.warn(s, i, fmt::format("vrrp_instance {}: extra use_vmac word '{}'; ignored", b.vi->name, w));
    }
  }
  b.vi->use_vmac = std::move(v);
}
void h_use_ipvlan(Builder& b, const Stmt& s) {
  if (!b.vi || b.repeated(s, b.vi->use_ipvlan.has_value())) return;
  Ipvlan v;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    if (w == "bridge") v.mode = IpvlanMode::Bridge;
    else if (w == "private") v.mode = IpvlanMode::Private;
    else if (w == "vepa") v.mode = IpvlanMode::Vepa;
    else if (auto p = IpPrefix::parse(w)) v.address = p;
    else if (!v.name) v.name = w;
    else b.warn(s, i, fmt::format("vrrp_instance {}: unknown use_ipvlan word '{}'; ignored", b.vi->name, w));
  }
  b.vi->use_ipvlan = std::move(v);
}
void h_src_ip(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  auto a = b.sockaddr(s.args[0].text, s.arg_loc(0));
  if (!a) return b.warn(s, 0, fmt::format("vrrp_instance {}: '{}' value '{}' is not an IP address; ignored", b.vi->name, s.head.text, s.args[0].text));
  b.vi->source_ip = a;
}
void h_mcast_dst_ip(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  auto a = IpAddress::parse(s.args[0].text);
  if (!a || !a->is_multicast())
    return b.warn(s, 0, fmt::format("vrrp_instance {}: mcast_dst_ip '{}' is not a multicast address; ignored", b.vi->name, s.args[0].text));
  b.vi->mcast_dst_ip = a;
}
void h_version(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto v = b.integer(s, 0, 2, 3)) {
    b.vi->version = static_cast<std::uint8_t>(*v);
    b.mark(kVersion);
  }
}
void h_vi_flag(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  const auto& k = s.head.text;
  if (k == "check_unicast_src") b.vi->check_unicast_src = true, b.mark(kCheckUnicastSrc);
  else if (k == "unicast_fault_no_peer") b.vi->unicast_fault_no_peer = true;
  else if (k == "track_src_ip") b.vi->track_src_ip = true;
  else if (k == "use_vmac_addr") b.vi->use_vmac_addr = true;
  else if (k == "vmac_xmit_base") b.vi->vmac_xmit_base = true;
  else if (k == "native_ipv6") b.vi->native_ipv6 = true;
  else if (k == "dont_track_primary") b.vi->dont_track_primary = true;
  else if (k == "promote_secondaries") b.vi->promote_secondaries = true;
  else if (k == "nopreempt") b.vi->nopreempt = true;
  else if (k == "preempt") b.vi->nopreempt = false;
  else if (k == "accept") b.vi->accept = true;
  else if (k == "no_accept") b.vi->accept = false;
}
void h_unicast_ttl(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto v = b.integer(s, 0, 0, 255)) b.vi->unicast_ttl = static_cast<std::uint8_t>(*v);
}
void h_old_unicast_checksum(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (s.args.empty()) b.vi->old_unicast_checksum = OldUnicastChecksum::On;
  else if (s.args[0].text == "never") b.vi->old_unicast_checksum = OldUnicastChecksum::Never;
  else b.warn(s, 0, fmt::format("vrrp_instance {}: unknown old_unicast_checksum mode '{}' (only 'never'); ignored", b.vi->name, s.args[0].text));
}
void h_vi_garp_seconds(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  auto v = b.integer(s, 0, 0, kU32);
  if (!v) return;
  const auto& k = s.head.text;
  if (k == "garp_master_delay") b.vi->garp_master_delay = seconds{*v}, b.mark(kGarpMasterDelay);
  else if (k == "garp_lower_prio_delay") b.vi->garp_lower_prio_delay = seconds{*v}, b.mark(kGarpLowerPrioDelay);
  else if (k == "garp_master_refresh") b.vi->garp_master_refresh = seconds{*v}, b.mark(kGarpMasterRefresh);
  else if (k == "garp_lower_prio_repeat") b.vi->garp_lower_prio_repeat = static_cast<std::uint32_t>(*v), b.mark(kGarpLowerPrioRepeat);
  else {
    if (*v == 0) {
      b.warn(s, 0, fmt::format("vrrp_instance {}: '{}' must be greater than 0; 1 is used", b.vi->name, k));
      v = 1;
    }
    if (k == "garp_master_repeat") b.vi->garp_master_repeat = static_cast<std::uint32_t>(*v), b.mark(kGarpMasterRepeat);
    else b.vi->garp_master_refresh_repeat = static_cast<std::uint32_t>(*v), b.mark(kGarpMasterRefreshRepeat);
  }
}
void h_vi_garp_extra_if(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (s.head.text == "vmac_garp_intvl") b.warn(s, 0, "'vmac_garp_intvl' is deprecated; use 'garp_extra_if'");
  GarpExtraIf g;
  std::size_t i = 0;
  if (i < s.args.size() && s.args[i].text == "all") {
    g.all = true;
    ++i;
  }
  if (i >= s.args.size()) return b.warn(s, i, fmt::format("vrrp_instance {}: '{}' needs a time in seconds; ignored", b.vi->name, s.head.text));
  auto v = b.integer(s, i, 0, 86400);
  if (!v) return;
  g.interval = seconds{*v};
  b.vi->garp_extra_if = g;
  b.mark(kGarpExtraIf);
}
void h_vi_down_timer_adverts(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto v = b.integer(s, 0, 1, 100)) b.vi->down_timer_adverts = static_cast<std::uint32_t>(*v), b.mark(kDownTimerAdverts);
}
void h_vi_bool(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  auto v = b.boolean(s, 0);
  if (!v) return;
  const auto& k = s.head.text;
  if (k == "lower_prio_no_advert") b.vi->lower_prio_no_advert = *v, b.mark(kLowerPrioNoAdvert);
  else if (k == "higher_prio_send_advert") b.vi->higher_prio_send_advert = *v, b.mark(kHigherPrioSendAdvert);
  else if (k == "skip_check_adv_addr") b.vi->skip_check_adv_addr = *v, b.mark(kSkipCheckAdvAddr);
  else if (k == "strict_mode") b.vi->strict_mode = *v, b.mark(kStrictMode);
  else if (k == "notify_priority_changes") b.vi->notify_priority_changes = *v, b.mark(kNotifyPriorityChanges);
  else if (k == "smtp_alert") b.vi->smtp_alert = *v;
}
void h_vrid(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto v = b.integer(s, 0, 1, 255)) b.vi->virtual_router_id = static_cast<std::uint8_t>(*v);
}
void h_priority(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  std::int64_t v = 0;
  if (parse_int(s.args[0].text, 1, 255, v) != NumError::Ok)
    return b.warn(s, 0, fmt::format("vrrp_instance {}: priority '{}' is not in 1..255; the default 100 is used", b.vi->name, s.args[0].text));
  b.vi->priority = static_cast<std::uint8_t>(v);
  b.mark(kPriority);
}
void h_advert_int(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  // 0.01 .. 255 s; whether it must be whole seconds (VRRPv2) is decided at the end, once
  // the version is known.
  if (auto v = b.timer(s, 0, microseconds{10000}, microseconds{255 * kSec})) {
    b.vi_advert_.back() = Builder::AdvertInt{*v, s.arg_loc(0)};
    b.vi->advert_int = std::chrono::round<centiseconds>(*v);
  }
}
void h_preempt_delay(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto v = b.timer(s, 0, microseconds{0}, microseconds{1000 * kSec})) b.vi->preempt_delay = *v;
}
void h_debug(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto v = b.integer(s, 0, 0, kU32)) b.vi->debug = static_cast<int>(std::min<std::int64_t>(*v, 4));
}
void h_kernel_rx_buf_size(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("vrrp_instance {}: 'kernel_rx_buf_size' needs a size; ignored", b.vi->name));
  if (auto v = b.integer(s, 0, 0, kU32)) b.vi->kernel_rx_buf_size = static_cast<std::uint32_t>(*v);
}
void h_vi_linkbeat(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  b.warn(s, 0, fmt::format("vrrp_instance {}: 'linkbeat_use_polling' in an instance is deprecated; use a linkbeat_interfaces block", b.vi->name));
  b.vi->linkbeat_use_polling = true;
}
void h_lvs_sync_daemon_interface(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  b.warn(s, 0, fmt::format("vrrp_instance {}: 'lvs_sync_daemon_interface' is deprecated; use global_defs lvs_sync_daemon", b.vi->name));
  b.vi->lvs_sync_daemon_interface = s.args[0].text;
  // keepalived 2.2.7 still runs the sync daemon on that interface for this instance,
  // unless global_defs says otherwise (a later lvs_sync_daemon replaces this).
  if (const auto& g = b.cfg.global.lvs_sync_daemon) {
    // keepalived 2.2.7 (measured): "(VI) lvs_sync_daemon_interface has already been
    // specified as IF - ignoring" (by global_defs, this instance or another one).
    b.warn(s, 0, fmt::format("vrrp_instance {}: lvs_sync_daemon is already specified as {}{}; this one ignored", b.vi->name,
                             g->interface, g->vrrp_instance ? " " + *g->vrrp_instance : ""));
  } else {
    LvsSyncDaemon d;
    d.interface = s.args[0].text;
    d.vrrp_instance = b.vi->name;
    d.loc = s.loc;
    b.cfg.global.lvs_sync_daemon = std::move(d);
    b.lvs_sync_from_instance = true;
  }
}
void h_authentication(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  if (!b.vi) return;
  Authentication a;
  a.loc = s.loc;
  b.vi->authentication = std::move(a);
  b.auth = &*b.vi->authentication;
}
void h_auth_type(Builder& b, const Stmt& s) {
  if (!b.auth) return;
  const auto& w = s.args[0].text;
  if (w == "PASS") b.auth->type = AuthType::Pass;
  else if (w == "AH") b.auth->type = AuthType::Ah;
  else b.warn(s, 0, fmt::format("{}: unknown auth_type '{}' (PASS or AH); ignored", b.block_label(), w));
}
void h_auth_pass(Builder& b, const Stmt& s) {
  if (!b.auth) return;
  std::string p = s.args[0].text;
  // Only the first eight characters are used (RFC 2338 simple text password).
  if (p.size() > 8) {
    b.warn(s, 0, fmt::format("{}: auth_pass is longer than 8 characters; only '{}' is used", b.block_label(), p.substr(0, 8)));
    p.resize(8);
  }
  b.auth->password = std::move(p);
}
void h_vip_list(Builder& b, const Stmt& s) {
  b.extra_args(s, 0);
  if (!b.vi) return;
  b.vips = s.head.text == "virtual_ipaddress" ? &b.vi->virtual_ipaddress : &b.vi->virtual_ipaddress_excluded;
}
void h_vip_item(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto a = parse_address_line(b, s, AddressLine::Vip)) b.vi->virtual_ipaddress.push_back(std::move(*a));
}
void h_evip_item(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto a = parse_address_line(b, s, AddressLine::Evip)) b.vi->virtual_ipaddress_excluded.push_back(std::move(*a));
}
void h_unicast_peer(Builder& b, const Stmt& s) {
  b.extra_args(s, 0);
  if (b.vi) b.vi->unicast_peer_block = true;
}
void h_unicast_peer_item(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  auto a = b.sockaddr(s.head.text, s.loc);
  if (!a)
    return b.diags.warn(s.loc, fmt::format("vrrp_instance {}: unicast peer '{}' is not an IP address; ignored", b.vi->name, s.head.text));
  UnicastPeer p;
  p.address = *a;
  p.loc = s.loc;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    if ((w == "min_ttl" || w == "max_ttl") && i + 1 < s.args.size()) {
      std::int64_t v = 0;
      ++i;
      if (parse_int(s.args[i].text, 0, 255, v) != NumError::Ok) {
        b.warn(s, i, fmt::format("vrrp_instance {}: unicast peer {} {} '{}' must be in 0..255; ignored", b.vi->name, s.head.text, w, s.args[i].text));
        continue;
      }
      (w == "min_ttl" ? p.min_ttl : p.max_ttl) = static_cast<std::uint8_t>(v);
    } else {
      b.warn(s, i, fmt::format("vrrp_instance {}: unicast peer {}: '{}' is not min_ttl N or max_ttl N; ignored", b.vi->name, s.head.text, w));
    }
  }
  b.vi->unicast_peers.push_back(std::move(p));
}
void h_vroutes_item(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto r = parse_route_line(b, s, false)) b.vi->virtual_routes.push_back(std::move(*r));
}
void h_vrules_item(Builder& b, const Stmt& s) {
  if (!b.vi) return;
  if (auto r = parse_rule_line(b, s, false)) b.vi->virtual_rules.push_back(std::move(*r));
}

const KeywordDef kTop[] = {
    {"vrrp_sync_group", KwKind::Block, Ctx::SyncGroup, h_sync_group, 1},
    {"vrrp_instance", KwKind::Block, Ctx::VrrpInstance, h_vrrp_instance, 0},
};

#define SA_TRACK_LISTS                                                                  \
  {"track_interface", KwKind::Block, Ctx::TrackInterfaceList, h_track_list, 0},        \
      {"track_script", KwKind::Block, Ctx::TrackScriptList, h_track_list, 0},          \
      {"track_file", KwKind::Block, Ctx::TrackFileList, h_track_list, 0},              \
      {"track_process", KwKind::Block, Ctx::TrackProcessList, h_track_list, 0},        \
      {"track_bfd", KwKind::Block, Ctx::TrackBfdList, h_track_list, 0},                \
      {"notify_master", KwKind::Leaf, Ctx::Top, h_notify, 1},                          \
      {"notify_backup", KwKind::Leaf, Ctx::Top, h_notify, 1},                          \
      {"notify_fault", KwKind::Leaf, Ctx::Top, h_notify, 1},                           \
      {"notify_stop", KwKind::Leaf, Ctx::Top, h_notify, 1}, {"notify", KwKind::Leaf, Ctx::Top, h_notify, 1}

const KeywordDef kSyncGroup[] = {
    {"group", KwKind::Block, Ctx::SyncGroupGroup, h_sg_group, 0},
    SA_TRACK_LISTS,
    {"notify_priority_changes", KwKind::Leaf, Ctx::Top, h_sg_bool, 0},
    {"smtp_alert", KwKind::Leaf, Ctx::Top, h_sg_bool, 0},
    {"global_tracking", KwKind::Leaf, Ctx::Top, h_sg_global_tracking, 0},
    {"sync_group_tracking_weight", KwKind::Leaf, Ctx::Top, flag<&SG::sync_group_tracking_weight>, 0},
};

const KeywordDef kInstance[] = {
    SA_TRACK_LISTS,
    {"state", KwKind::Leaf, Ctx::Top, h_state, 1},
    {"interface", KwKind::Leaf, Ctx::Top, h_interface, 1},
    {"vrf", KwKind::Leaf, Ctx::Top, h_vrf, 1},
    {"use_vmac", KwKind::Leaf, Ctx::Top, h_use_vmac, 0},
    {"use_vmac_addr", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"vmac_xmit_base", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"use_ipvlan", KwKind::Leaf, Ctx::Top, h_use_ipvlan, 0},
    {"native_ipv6", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"dont_track_primary", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"mcast_src_ip", KwKind::Leaf, Ctx::Top, h_src_ip, 1},
    {"unicast_src_ip", KwKind::Leaf, Ctx::Top, h_src_ip, 1},
    {"mcast_dst_ip", KwKind::Leaf, Ctx::Top, h_mcast_dst_ip, 1},
    {"track_src_ip", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"version", KwKind::Leaf, Ctx::Top, h_version, 1},
    {"check_unicast_src", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"unicast_peer", KwKind::Block, Ctx::UnicastPeerList, h_unicast_peer, 0},
    {"unicast_fault_no_peer", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"unicast_ttl", KwKind::Leaf, Ctx::Top, h_unicast_ttl, 1},
    {"old_unicast_checksum", KwKind::Leaf, Ctx::Top, h_old_unicast_checksum, 0},
    {"garp_master_delay", KwKind::Leaf, Ctx::Top, h_vi_garp_seconds, 1},
    {"garp_master_repeat", KwKind::Leaf, Ctx::Top, h_vi_garp_seconds, 1},
    {"garp_lower_prio_delay", KwKind::Leaf, Ctx::Top, h_vi_garp_seconds, 1},
    {"garp_lower_prio_repeat", KwKind::Leaf, Ctx::Top, h_vi_garp_seconds, 1},
    {"garp_master_refresh", KwKind::Leaf, Ctx::Top, h_vi_garp_seconds, 1},
    {"garp_master_refresh_repeat", KwKind::Leaf, Ctx::Top, h_vi_garp_seconds, 1},
    {"garp_extra_if", KwKind::Leaf, Ctx::Top, h_vi_garp_extra_if, 0},
    {"vmac_garp_intvl", KwKind::Leaf, Ctx::Top, h_vi_garp_extra_if, 0},
    {"down_timer_adverts", KwKind::Leaf, Ctx::Top, h_vi_down_timer_adverts, 1},
    {"lower_prio_no_advert", KwKind::Leaf, Ctx::Top, h_vi_bool, 0},
    {"higher_prio_send_advert", KwKind::Leaf, Ctx::Top, h_vi_bool, 0},
    {"virtual_router_id", KwKind::Leaf, Ctx::Top, h_vrid, 1},
    {"priority", KwKind::Leaf, Ctx::Top, h_priority, 1},
    {"advert_int", KwKind::Leaf, Ctx::Top, h_advert_int, 1},
    {"authentication", KwKind::Block, Ctx::Authentication, h_authentication, 0},
    {"virtual_ipaddress", KwKind::Block, Ctx::VipList, h_vip_list, 0},
    {"virtual_ipaddress_excluded", KwKind::Block, Ctx::EvipList, h_vip_list, 0},
    {"promote_secondaries", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"virtual_routes", KwKind::Block, Ctx::VirtualRoutes, h_track_list, 0},
    {"virtual_rules", KwKind::Block, Ctx::VirtualRules, h_track_list, 0},
    {"accept", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"no_accept", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"nopreempt", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"preempt", KwKind::Leaf, Ctx::Top, h_vi_flag, 0},
    {"preempt_delay", KwKind::Leaf, Ctx::Top, h_preempt_delay, 1},
    {"skip_check_adv_addr", KwKind::Leaf, Ctx::Top, h_vi_bool, 0},
    {"strict_mode", KwKind::Leaf, Ctx::Top, h_vi_bool, 0},
    {"debug", KwKind::Leaf, Ctx::Top, h_debug, 1},
    {"notify_master_rx_lower_pri", KwKind::Leaf, Ctx::Top, h_notify, 1},
    {"notify_deleted", KwKind::Leaf, Ctx::Top, h_notify_deleted, 0},
    {"notify_priority_changes", KwKind::Leaf, Ctx::Top, h_vi_bool, 0},
    {"smtp_alert", KwKind::Leaf, Ctx::Top, h_vi_bool, 0},
    {"kernel_rx_buf_size", KwKind::Leaf, Ctx::Top, h_kernel_rx_buf_size, 0},
    {"linkbeat_use_polling", KwKind::Leaf, Ctx::Top, h_vi_linkbeat, 0},
    {"lvs_sync_daemon_interface", KwKind::Leaf, Ctx::Top, h_lvs_sync_daemon_interface, 1},
};
#undef SA_TRACK_LISTS

const KeywordDef kAuth[] = {
    {"auth_type", KwKind::Leaf, Ctx::Top, h_auth_type, 1},
    {"auth_pass", KwKind::Leaf, Ctx::Top, h_auth_pass, 1},
};

}  // namespace

std::span<const KeywordDef> vrrp_keywords(Ctx c) {
  switch (c) {
    case Ctx::Top: return kTop;
    case Ctx::SyncGroup: return kSyncGroup;
    case Ctx::VrrpInstance: return kInstance;
    case Ctx::Authentication: return kAuth;
    default: return {};
  }
}

Handler vrrp_list_handler(Ctx c) {
  switch (c) {
    case Ctx::SyncGroupGroup: return h_sg_group_item;
    case Ctx::VipList: return h_vip_item;
    case Ctx::EvipList: return h_evip_item;
    case Ctx::UnicastPeerList: return h_unicast_peer_item;
    case Ctx::VirtualRoutes: return h_vroutes_item;
    case Ctx::VirtualRules: return h_vrules_item;
    default: return nullptr;
  }
}

}  // namespace stayalived::config::detail
