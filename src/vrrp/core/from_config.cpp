#include "stayalived/vrrp/from_config.hpp"

#include <algorithm>

namespace stayalived::vrrp {

Family instance_family(const config::VrrpInstance& vi) {
  if (!vi.virtual_ipaddress.empty())
    return vi.virtual_ipaddress.front().address.address.is_v4() ? Family::Inet : Family::Inet6;
  if (!vi.unicast_peers.empty()) return vi.unicast_peers.front().address.is_v4() ? Family::Inet : Family::Inet6;
  return vi.native_ipv6 ? Family::Inet6 : Family::Inet;
}

const config::VrrpSyncGroup* sync_group_of(const config::Config& cfg, const std::string& instance) {
  for (const auto& g : cfg.sync_groups)
    if (std::find(g.group.begin(), g.group.end(), instance) != g.group.end()) return &g;
  return nullptr;
}

InstanceConfig core_config(const config::VrrpInstance& vi, const config::Config& cfg, bool group_member) {
  InstanceConfig c;
  c.name = vi.name;
  c.vrid = vi.virtual_router_id.value_or(0);
  c.family = instance_family(vi);
  c.version = c.family == Family::Inet6 ? 3 : vi.version;
  c.priority = vi.priority;
  c.advert_interval = vi.advert_int;
  if (c.version == 2) {  // VRRPv2 carries whole seconds (RFC 3768 section 5.3.7)
    const auto secs = (vi.advert_int.count() + 99) / 100;
    c.advert_interval = centiseconds(std::max<std::int64_t>(1, std::min<std::int64_t>(255, secs)) * 100);
  } else {
    c.advert_interval = centiseconds(std::clamp<std::int64_t>(vi.advert_int.count(), 1, 4095));
  }
  c.initial_state = vi.state == config::VrrpState::Master ? State::Master : State::Backup;
  c.preempt = !vi.nopreempt;
  c.preempt_delay = std::chrono::duration_cast<Duration>(vi.preempt_delay);
  c.skip_check_adv_addr = vi.skip_check_adv_addr;
  c.lower_prio_no_advert = vi.lower_prio_no_advert || vi.strict_mode;
  c.higher_prio_send_advert = vi.higher_prio_send_advert && !vi.strict_mode;
  c.down_timer_adverts = std::clamp<unsigned>(vi.down_timer_adverts, 1, 100);
  for (const auto& va : vi.virtual_ipaddress) {
    const auto a = va.address.address;
    if (a.family == c.family) c.addresses.push_back(a);
  }
  if (c.version == 2 && vi.authentication) {
    c.auth_type = vi.authentication->type == config::AuthType::Pass ? AuthType::Pass
                  : vi.authentication->type == config::AuthType::Ah ? AuthType::Ah
                                                                     : AuthType::None;
  }
  for (const auto& p : vi.unicast_peers) c.peers.push_back(UnicastPeer{p.address, p.min_ttl, p.max_ttl});
  c.check_unicast_src = vi.check_unicast_src;
  c.sync_group_member = group_member;
  c.garp.master_delay = vi.garp_master_delay;
  c.garp.master_repeat = vi.garp_master_repeat;
  c.garp.lower_prio_delay = vi.garp_lower_prio_delay;
  c.garp.lower_prio_repeat = vi.garp_lower_prio_repeat;
  c.garp.master_refresh = vi.garp_master_refresh;
  c.garp.master_refresh_repeat = vi.garp_master_refresh_repeat;
  if (cfg.global.vrrp_min_garp && vi.garp_master_repeat == 5 && vi.garp_master_delay == seconds(5)) {
    // vrrp_min_garp: one message, no second burst (unless the instance says otherwise).
    c.garp.master_repeat = 1;
    c.garp.master_delay = Duration{0};
    c.garp.lower_prio_repeat = std::min<unsigned>(c.garp.lower_prio_repeat, 1);
    c.garp.lower_prio_delay = Duration{0};
  }
  return c;
}

std::vector<TrackSpec> tracking_of(const config::VrrpInstance& vi, const config::Config& cfg) {
  std::vector<TrackSpec> out;
  const auto* group = sync_group_of(cfg, vi.name);
  const bool zero_own = group && !group->sync_group_tracking_weight;
  auto add_lists = [&](const config::Tracking& t, bool zero) {
    for (const auto& i : t.interfaces) out.push_back({TrackKind::Interface, i.name, zero ? 0 : i.weight, i.reverse});
    for (const auto& r : t.scripts) {
      const auto* s = cfg.find_vrrp_script(r.name);
      if (!s) continue;
      const int w = r.weight ? *r.weight : s->weight;
      const bool rev = r.weight ? r.reverse : s->weight_reverse;
      out.push_back({TrackKind::Script, r.name, zero ? 0 : w, rev});
    }
    for (const auto& r : t.files) {
      const auto* f = cfg.find_track_file(r.name);
      if (!f) continue;
      const int w = r.weight ? *r.weight : f->weight;
      const bool rev = r.weight ? r.reverse : f->weight_reverse;
      out.push_back({TrackKind::File, r.name, zero ? 0 : w, rev});
    }
    for (const auto& r : t.processes) {
      const auto* p = cfg.find_track_process(r.name);
      if (!p) continue;
      const int w = r.weight ? *r.weight : p->weight;
      const bool rev = r.weight ? r.reverse : p->weight_reverse;
      out.push_back({TrackKind::Process, r.name, zero ? 0 : w, rev});
    }
  };
  add_lists(vi.track, zero_own);
  if (!vi.dont_track_primary && vi.interface) {
    const bool listed = std::any_of(out.begin(), out.end(), [&](const TrackSpec& t) {
      return t.kind == TrackKind::Interface && t.name == *vi.interface;
    });
    if (!listed) out.push_back({TrackKind::Interface, *vi.interface, 0, false});
  }
  if (group) add_lists(group->track, false);
  return out;
}

InstanceSetup instance_setup(const config::VrrpInstance& vi, const config::Config& cfg) {
  InstanceSetup s;
  const auto* group = sync_group_of(cfg, vi.name);
  s.core = core_config(vi, cfg, group != nullptr);
  s.family = instance_family(vi);
  s.interface = vi.interface.value_or("");
  s.unicast = !vi.unicast_peers.empty();
  s.group = vi.mcast_dst_ip ? *vi.mcast_dst_ip
                                 : s.family == Family::Inet ? cfg.global.vrrp_mcast_group4 : cfg.global.vrrp_mcast_group6;
  if (vi.authentication) s.key = make_auth_key(vi.authentication->password);
  if (vi.old_unicast_checksum == config::OldUnicastChecksum::On) s.send_checksum = ChecksumKind::MulticastPseudoHeader;
  s.tracks = tracking_of(vi, cfg);
  if (group) s.sync_group = group->name;
  return s;
}

}  // namespace stayalived::vrrp
