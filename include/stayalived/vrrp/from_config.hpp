// From the typed config model (config/model.hpp) to the VRRP core's settings. Pure: the
// runtime uses these, and the unit tests check them against keepalived's documented rules.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stayalived/config/model.hpp"
#include "stayalived/vrrp/codec.hpp"
#include "stayalived/vrrp/instance.hpp"
#include "stayalived/vrrp/tracking.hpp"

namespace stayalived::vrrp {

/// The address family of a vrrp_instance: that of its first VIP, else of its unicast peers,
/// else IPv6 with native_ipv6, else IPv4 (keepalived.conf(5) "native_ipv6").
Family instance_family(const config::VrrpInstance& vi);

/// The core settings of a vrrp_instance (`group_member`: it belongs to a vrrp_sync_group).
/// VIPs of the other family are left out (keepalived ignores them with a warning); VRRPv2
/// intervals are rounded up to whole seconds; IPv6 instances run VRRPv3.
InstanceConfig core_config(const config::VrrpInstance& vi, const config::Config& cfg, bool group_member);

/// One thing an instance tracks, with the weight and direction that apply to it.
struct TrackSpec {
  TrackKind kind = TrackKind::Interface;
  std::string name;  ///< interface, vrrp_script, track_file or vrrp_track_process name
  int weight = 0;
  bool reverse = false;
  friend bool operator==(const TrackSpec&, const TrackSpec&) = default;
};

/// Everything an instance tracks: its own track_* lists, its interface (unless
/// dont_track_primary), and its sync group's track_* lists. In a sync group the member's own
/// weights become 0 unless the group has sync_group_tracking_weight (keepalived.conf(5)
/// "vrrp_sync_group"). A reference without a weight takes the tracked object's own weight
/// and reverse.
std::vector<TrackSpec> tracking_of(const config::VrrpInstance& vi, const config::Config& cfg);

/// The sync group an instance belongs to, or nullptr.
const config::VrrpSyncGroup* sync_group_of(const config::Config& cfg, const std::string& instance);

/// Everything the shell runs an instance with, derived from the configuration in this one
/// place, at start and at reload alike.
struct InstanceSetup {
  InstanceConfig core;                   ///< the protocol settings (core_config)
  Family family = Family::Inet;          ///< instance_family
  std::string interface;                 ///< `interface`
  bool unicast = false;                  ///< it has unicast peers
  IpAddress group;                       ///< multicast destination: mcast_dst_ip, else the global group
  AuthKey key{};                         ///< auth_pass (PASS and AH)
  ChecksumKind send_checksum = ChecksumKind::Standard;  ///< old_unicast_checksum on: the old one
  std::vector<TrackSpec> tracks;         ///< tracking_of
  std::optional<std::string> sync_group; ///< the vrrp_sync_group it belongs to
  friend bool operator==(const InstanceSetup&, const InstanceSetup&) = default;
};

/// The setup of one vrrp_instance of `cfg`.
InstanceSetup instance_setup(const config::VrrpInstance& vi, const config::Config& cfg);

}  // namespace stayalived::vrrp
