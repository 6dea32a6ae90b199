// The configuration model: tracked objects (vrrp_script, track_file, vrrp_track_process,
// bfd_instance) and VRRP (sync groups, garp groups, instances).
// Conventions: see stayalived/config/model.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stayalived/config/model/global.hpp"
#include "stayalived/config/model/addresses.hpp"

namespace stayalived::config {

// ---------------------------------------------------------------------------------------
// Tracked objects: vrrp_script, track_file, vrrp_track_process, bfd_instance
// ---------------------------------------------------------------------------------------

/// `vrrp_script NAME { ... }`.
struct VrrpScript {
  std::string name;                  ///< NAME
  Script script;                     ///< `script <STRING>|<QUOTED-STRING>`
  seconds interval{1};               ///< `interval SECS` (1..4294)
  std::optional<seconds> timeout;    ///< `timeout SECS`; default: interval
  int weight = 0;                    ///< `weight -253..253 [reverse]`
  bool weight_reverse = false;       ///< the `reverse` of weight
  std::uint32_t rise = 1;            ///< `rise N`
  std::uint32_t fall = 1;            ///< `fall N`
  bool init_fail = false;            ///< `init_fail`
  Loc loc;                           ///< the header line
  Loc end_loc;                       ///< the closing '}' line (keepalived reports script problems there)
  friend bool operator==(const VrrpScript&, const VrrpScript&) = default;
};

/// `track_file NAME { ... }` (alias `vrrp_track_file`).
struct TrackFile {
  std::string name;                       ///< NAME
  std::string file;                       ///< `file PATH`
  int weight = 1;                         ///< `weight N [reverse]`
  bool weight_reverse = false;            ///< the `reverse` of weight
  bool init_file = false;                 ///< `init_file [VALUE] [overwrite]`
  int init_value = 0;                     ///< the VALUE of init_file
  bool init_overwrite = false;            ///< the `overwrite` of init_file
  Loc loc;                                ///< the header line
  friend bool operator==(const TrackFile&, const TrackFile&) = default;
};

/// `param_match initial|partial` of vrrp_track_process.
enum class ParamMatch : std::uint8_t {
  Exact,    ///< keyword absent: parameters must match exactly (if any are given)
  None,     ///< `param_match` with no value: the command must have no parameters
  Initial,  ///< `param_match initial`
  Partial,  ///< `param_match partial`
};

/// `vrrp_track_process NAME { ... }`.
struct TrackProcess {
  std::string name;                         ///< NAME
  std::vector<std::string> process;         ///< `process NAME [PARAM...]`
  ParamMatch param_match = ParamMatch::Exact;  ///< `param_match`
  int weight = 1;                           ///< `weight -254..254 [reverse]`
  bool weight_reverse = false;              ///< the `reverse` of weight
  std::uint32_t quorum = 1;                 ///< `quorum N`
  std::optional<std::uint32_t> quorum_max;  ///< `quorum_max N`
  microseconds fork_delay{0};               ///< `fork_delay SECS` (or `delay`)
  microseconds terminate_delay{0};          ///< `terminate_delay SECS` (or `delay`)
  bool full_command = false;                ///< `full_command`
  Loc loc;                                  ///< the header line
  friend bool operator==(const TrackProcess&, const TrackProcess&) = default;
};

/// `bfd_instance NAME { ... }` (RFC 5880). Accepted and kept; stayalived has no BFD yet.
struct BfdInstance {
  std::string name;                     ///< NAME
  std::optional<IpAddress> neighbor_ip; ///< `neighbor_ip` (alias `neighbour_ip`)
  std::optional<IpAddress> source_ip;   ///< `source_ip`
  microseconds min_rx{10000};           ///< `min_rx MS` (decimal ms)
  microseconds min_tx{10000};           ///< `min_tx MS`
  microseconds idle_tx{1000000};        ///< `idle_tx MS`
  std::uint8_t multiplier = 5;          ///< `multiplier N`
  bool passive = false;                 ///< `passive`
  std::uint8_t ttl = 255;               ///< `ttl N` (IPv4)
  std::uint8_t hoplimit = 64;           ///< `hoplimit N` (IPv6)
  std::uint8_t max_hops = 0;            ///< `max_hops N`
  int weight = 0;                       ///< `weight -253..253 [reverse]`
  bool weight_reverse = false;          ///< the `reverse` of weight
  bool vrrp = false;                    ///< `vrrp`: notify the VRRP side only
  bool checker = false;                 ///< `checker`: notify the checkers only
  Loc loc;                              ///< the header line
  friend bool operator==(const BfdInstance&, const BfdInstance&) = default;
};

/// One `IFNAME [weight N [reverse]]` line of track_interface.
struct TrackInterface {
  std::string name;             ///< interface name
  int weight = 0;               ///< weight -253..253; 0 = go to FAULT when down
  bool reverse = false;         ///< reverse
  Loc loc;                      ///< the line
  friend bool operator==(const TrackInterface&, const TrackInterface&) = default;
};

/// One `NAME [weight N [reverse|noreverse]]` line of track_script, track_file,
/// track_process or track_bfd.
struct TrackRef {
  std::string name;           ///< the tracked object's name
  std::optional<int> weight;  ///< weight N; default: the object's own weight
  bool reverse = false;       ///< reverse (noreverse = false)
  Loc loc;                    ///< the line
  friend bool operator==(const TrackRef&, const TrackRef&) = default;
};

/// The tracking lists shared by vrrp_instance and vrrp_sync_group.
struct Tracking {
  std::vector<TrackInterface> interfaces;  ///< `track_interface { ... }`
  std::vector<TrackRef> scripts;           ///< `track_script { ... }`
  std::vector<TrackRef> files;             ///< `track_file { ... }`
  std::vector<TrackRef> processes;         ///< `track_process { ... }`
  std::vector<TrackRef> bfds;              ///< `track_bfd { ... }`
  friend bool operator==(const Tracking&, const Tracking&) = default;
};

/// Notify scripts of a VRRP instance or sync group.
struct VrrpNotify {
  std::optional<Script> master;          ///< `notify_master`
  std::optional<Script> backup;          ///< `notify_backup`
  std::optional<Script> fault;           ///< `notify_fault`
  std::optional<Script> stop;            ///< `notify_stop`
  std::optional<Script> deleted;         ///< `notify_deleted [SCRIPT]` (script may be empty argv)
  bool deleted_set = false;              ///< `notify_deleted` given (sends DELETED, not FAULT)
  std::optional<Script> master_rx_lower_pri; ///< `notify_master_rx_lower_pri` (instances only)
  std::optional<Script> any;             ///< `notify` (every transition, 4 extra args)
  friend bool operator==(const VrrpNotify&, const VrrpNotify&) = default;
};

// ---------------------------------------------------------------------------------------
// VRRP: sync groups, garp groups, instances
// ---------------------------------------------------------------------------------------

/// `vrrp_sync_group NAME { ... }`.
struct VrrpSyncGroup {
  std::string name;                   ///< NAME
  std::vector<std::string> group;     ///< `group { INSTANCE... }`
  std::vector<Loc> group_locs;        ///< line of each group member (parallel to group)
  Tracking track;                     ///< track_interface/script/file/process/bfd
  VrrpNotify notify;                  ///< notify_* scripts
  std::optional<bool> notify_priority_changes;  ///< `notify_priority_changes <BOOL>`
  std::optional<bool> smtp_alert;     ///< `smtp_alert <BOOL>`
  bool sync_group_tracking_weight = false;  ///< `sync_group_tracking_weight` (or the deprecated `global_tracking`)
  Loc loc;                            ///< the header line
  friend bool operator==(const VrrpSyncGroup&, const VrrpSyncGroup&) = default;
};

/// `garp_group { ... }`: GARP/NA pacing for one interface or a set of interfaces.
struct GarpGroup {
  std::optional<microseconds> garp_interval;  ///< `garp_interval <TIMER>`
  std::optional<microseconds> gna_interval;   ///< `gna_interval <TIMER>`
  std::optional<std::string> interface;       ///< `interface IF`
  std::vector<std::string> interfaces;        ///< `interfaces { IF... }`
  Loc loc;                                    ///< the header line
  friend bool operator==(const GarpGroup&, const GarpGroup&) = default;
};

/// The initial state of a VRRP instance (`state MASTER|BACKUP`).
enum class VrrpState : std::uint8_t { Backup, Master };

/// VRRP authentication (`authentication { auth_type PASS|AH }`, VRRPv2 only).
enum class AuthType : std::uint8_t { None, Pass, Ah };

/// `authentication { auth_type PASS|AH  auth_pass SECRET }`.
struct Authentication {
  AuthType type = AuthType::None;  ///< `auth_type PASS|AH`
  std::string password;            ///< `auth_pass` (truncated to 8 characters)
  Loc loc;                         ///< the block's line
  friend bool operator==(const Authentication&, const Authentication&) = default;
};

/// `use_vmac [NAME] [MAC]`.
struct Vmac {
  std::optional<std::string> name;  ///< VMAC interface name; default vrrp.<VRID>
  std::optional<MacAddress> mac;    ///< MAC (5 octets given: VRID appended)
  bool mac_from_vrid = false;       ///< the MAC was given with 5 octets
  friend bool operator==(const Vmac&, const Vmac&) = default;
};

/// ipvlan mode of `use_ipvlan`.
enum class IpvlanMode : std::uint8_t { Bridge, Private, Vepa };

/// `use_ipvlan [NAME] [IP_ADDRESS] [bridge|private|vepa]`.
struct Ipvlan {
  std::optional<std::string> name;      ///< interface name
  std::optional<IpPrefix> address;      ///< address (required for IPv4 instances)
  IpvlanMode mode = IpvlanMode::Bridge; ///< mode flags
  friend bool operator==(const Ipvlan&, const Ipvlan&) = default;
};

/// One line of `unicast_peer { ADDR [min_ttl N] [max_ttl N] }`.
struct UnicastPeer {
  IpAddress address;                   ///< ADDR
  std::optional<std::uint8_t> min_ttl; ///< min_ttl 0..255
  std::optional<std::uint8_t> max_ttl; ///< max_ttl 0..255
  Loc loc;                             ///< the line
  friend bool operator==(const UnicastPeer&, const UnicastPeer&) = default;
};

/// `old_unicast_checksum [never]`.
enum class OldUnicastChecksum : std::uint8_t {
  Auto,   ///< keyword absent: detect old checksums
  On,     ///< `old_unicast_checksum`
  Never,  ///< `old_unicast_checksum never`
};

/// `vrrp_instance NAME { ... }`. Settings documented as inheriting from global_defs hold
/// the effective value after loading.
struct VrrpInstance {
  std::string name;                            ///< NAME
  std::optional<VrrpState> state;              ///< `state MASTER|BACKUP` (unset: BACKUP)
  std::optional<std::string> interface;        ///< `interface IF`
  Loc interface_loc;                           ///< the `interface` line
  std::optional<std::string> vrf;              ///< `vrf VRF_IF`
  std::optional<Vmac> use_vmac;                ///< `use_vmac [NAME] [MAC]`
  bool use_vmac_addr = false;                  ///< `use_vmac_addr`
  bool vmac_xmit_base = false;                 ///< `vmac_xmit_base`
  std::optional<Ipvlan> use_ipvlan;            ///< `use_ipvlan ...`
  bool native_ipv6 = false;                    ///< `native_ipv6` (deprecated)
  bool dont_track_primary = false;             ///< `dont_track_primary`
  Tracking track;                              ///< track_interface/script/file/process/bfd
  std::optional<IpAddress> source_ip;          ///< `mcast_src_ip` / `unicast_src_ip`
  std::optional<IpAddress> mcast_dst_ip;       ///< `mcast_dst_ip`
  bool track_src_ip = false;                   ///< `track_src_ip`
  std::uint8_t version = 2;                    ///< `version 2|3` (inherits vrrp_version; IPv6 forces 3)
  bool check_unicast_src = false;              ///< `check_unicast_src` (inherits vrrp_check_unicast_src)
  std::vector<UnicastPeer> unicast_peers;      ///< `unicast_peer { ... }`
  bool unicast_peer_block = false;             ///< a unicast_peer block was given (even if empty)
  bool unicast_fault_no_peer = false;          ///< `unicast_fault_no_peer`
  std::optional<std::uint8_t> unicast_ttl;     ///< `unicast_ttl 0..255`
  OldUnicastChecksum old_unicast_checksum = OldUnicastChecksum::Auto; ///< `old_unicast_checksum [never]`
  seconds garp_master_delay{5};                ///< `garp_master_delay` (inherits vrrp_garp_master_delay)
  std::uint32_t garp_master_repeat = 5;        ///< `garp_master_repeat` (inherits)
  seconds garp_lower_prio_delay{5};            ///< `garp_lower_prio_delay` (inherits)
  std::uint32_t garp_lower_prio_repeat = 5;    ///< `garp_lower_prio_repeat` (inherits)
  seconds garp_master_refresh{0};              ///< `garp_master_refresh` (inherits)
  std::uint32_t garp_master_refresh_repeat = 1;///< `garp_master_refresh_repeat` (inherits)
  std::optional<GarpExtraIf> garp_extra_if;    ///< `garp_extra_if [all] SECS` (alias `vmac_garp_intvl`; inherits)
  std::uint32_t down_timer_adverts = 3;        ///< `down_timer_adverts 1..100` (inherits)
  bool lower_prio_no_advert = false;           ///< `lower_prio_no_advert [<BOOL>]` (inherits; strict: true)
  bool higher_prio_send_advert = false;        ///< `higher_prio_send_advert [<BOOL>]` (inherits)
  std::optional<std::uint8_t> virtual_router_id; ///< `virtual_router_id 1..255` (required)
  std::uint8_t priority = 100;                 ///< `priority 1..255` (255 = address owner)
  centiseconds advert_int{100};                ///< `advert_int SECS` (VRRPv2: whole seconds)
  std::optional<Authentication> authentication;///< `authentication { ... }`
  std::vector<VirtualAddress> virtual_ipaddress;          ///< `virtual_ipaddress { ... }`
  std::vector<VirtualAddress> virtual_ipaddress_excluded; ///< `virtual_ipaddress_excluded { ... }`
  bool promote_secondaries = false;            ///< `promote_secondaries`
  std::vector<Route> virtual_routes;           ///< `virtual_routes { ... }`
  std::vector<Rule> virtual_rules;             ///< `virtual_rules { ... }`
  std::optional<bool> accept;                  ///< `accept` / `no_accept` (unset: accept unless strict)
  bool nopreempt = false;                      ///< `nopreempt` (`preempt` clears it)
  microseconds preempt_delay{0};               ///< `preempt_delay SECS` (0..1000)
  bool skip_check_adv_addr = false;            ///< `skip_check_adv_addr [<BOOL>]` (inherits)
  bool strict_mode = false;                    ///< `strict_mode [<BOOL>]` (inherits vrrp_strict)
  int debug = 0;                               ///< `debug 0..4` (not implemented by keepalived)
  VrrpNotify notify;                           ///< notify_* scripts
  bool notify_priority_changes = false;        ///< `notify_priority_changes <BOOL>` (inherits)
  std::optional<bool> smtp_alert;              ///< `smtp_alert <BOOL>`; default: smtp_alert_vrrp/smtp_alert
  std::optional<std::uint32_t> kernel_rx_buf_size; ///< `kernel_rx_buf_size BYTES`
  bool linkbeat_use_polling = false;           ///< `linkbeat_use_polling` (deprecated)
  std::optional<std::string> lvs_sync_daemon_interface; ///< `lvs_sync_daemon_interface IF` (deprecated)
  Loc loc;                                     ///< the header line
  friend bool operator==(const VrrpInstance&, const VrrpInstance&) = default;
};

}  // namespace stayalived::config
