// The configuration model: global_defs and the other global blocks.
// Conventions: see stayalived/config/model.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stayalived/config/model/base.hpp"

namespace stayalived::config {

// ---------------------------------------------------------------------------------------
// global_defs and the other global blocks
// ---------------------------------------------------------------------------------------

/// `lvs_sync_daemon <INTERFACE> [[inst] <VRRP_INSTANCE>] [id <SYNC_ID>] [maxlen <LEN>]
/// [port <PORT>] [ttl <TTL>] [group <IP ADDR>]`.
struct LvsSyncDaemon {
  std::string interface;                   ///< <INTERFACE>
  std::optional<std::string> vrrp_instance;///< [inst] <VRRP_INSTANCE>
  std::optional<std::uint8_t> sync_id;     ///< id <SYNC_ID> (0..255); default: the VRID
  std::optional<std::uint16_t> max_len;    ///< maxlen (1..65507)
  std::optional<Port> port;                ///< port (default 8848)
  std::optional<std::uint8_t> ttl;         ///< ttl (1..255)
  std::optional<IpAddress> group;          ///< group (default 224.0.0.81)
  Loc loc;                                 ///< the keyword's line
  friend bool operator==(const LvsSyncDaemon&, const LvsSyncDaemon&) = default;
};

/// `lvs_timeouts [tcp SECS] [tcpfin SECS] [udp SECS]`: unset values are left unchanged.
struct LvsTimeouts {
  std::optional<seconds> tcp;     ///< tcp SECS
  std::optional<seconds> tcp_fin; ///< tcpfin SECS
  std::optional<seconds> udp;     ///< udp SECS
  friend bool operator==(const LvsTimeouts&, const LvsTimeouts&) = default;
};

/// `lvs_flush_on_stop [VS]` (alias `lvs_flush_onstop`).
enum class LvsFlushOnStop : std::uint8_t {
  No,              ///< keyword absent: remove each service and server on stop
  All,             ///< `lvs_flush_on_stop`: flush the whole IPVS table
  VirtualServers,  ///< `lvs_flush_on_stop VS`: remove our virtual servers only
};

/// `vrrp_garp_extra_if [all] SECS` / `garp_extra_if [all] SECS`: periodic GARP/NA on
/// extra interfaces (0 disables; at most 86400).
struct GarpExtraIf {
  seconds interval{0};  ///< the period
  bool all = false;     ///< `all`: on every interface used, not only VMACs
  friend bool operator==(const GarpExtraIf&, const GarpExtraIf&) = default;
};

/// `vrrp_rx_bufs_policy [MTU|ADVERT|NUMBER]`.
struct RxBufsPolicy {
  /// How the receive buffer size is chosen.
  enum class Kind : std::uint8_t { SystemDefault, Mtu, Advert, Size };
  Kind kind = Kind::SystemDefault;  ///< MTU, ADVERT or a NUMBER
  std::uint32_t size = 0;           ///< the NUMBER, when kind == Size
  friend bool operator==(const RxBufsPolicy&, const RxBufsPolicy&) = default;
};

/// A netlink socket receive buffer setting: `..._rcv_bufs BYTES` and `..._rcv_bufs_force
/// <BOOL>`.
struct RcvBufs {
  std::optional<std::uint32_t> bytes;  ///< BYTES; default: the kernel's
  bool force = false;                  ///< use SO_RCVBUFFORCE
  friend bool operator==(const RcvBufs&, const RcvBufs&) = default;
};

/// Per-process (vrrp, checker, bfd) scheduling settings of global_defs.
struct ProcessTuning {
  std::optional<std::string> process_name;   ///< `vrrp_process_name`, `checker_process_name`
                                             ///< (alias `lvs_process_name`), `bfd_process_name`
  std::optional<int> priority;               ///< `*_priority` (-20..19, nice value)
  bool no_swap = false;                      ///< `*_no_swap`
  std::vector<unsigned> cpu_affinity;        ///< `*_cpu_affinity CPU...`
  std::optional<int> rt_priority;            ///< `*_rt_priority` (1..99)
  std::optional<microseconds> rlimit_rttime; ///< `*_rlimit_rttime` (alias `*_rlimit_rtime`)
  friend bool operator==(const ProcessTuning&, const ProcessTuning&) = default;
};

/// include_check OPTIONS and the includer/includem/includew/includeb/includea variants.
struct IncludeCheck {
  bool readable = false;        ///< error if a match is not a readable file
  bool match = false;           ///< error if no file matches (unless a wildcard is used)
  bool wildcard_match = false;  ///< error if no file matches, even with a wildcard
  bool brace_match = false;     ///< error if a brace expansion does not match a file
  friend bool operator==(const IncludeCheck&, const IncludeCheck&) = default;
};

/// `global_defs { ... }` plus the top-level global keywords (net_namespace, instance,
/// use_pid_dir, child_wait_time, ...).
struct GlobalDefs {
  // --- top level (outside global_defs)
  std::optional<std::string> net_namespace;       ///< `net_namespace NAME`
  std::optional<std::string> net_namespace_ipvs;  ///< `net_namespace_ipvs [NAME]` ("" = default namespace)
  bool namespace_with_ipsets = false;             ///< `namespace_with_ipsets`
  std::optional<std::string> instance;            ///< `instance NAME`
  bool use_pid_dir = false;                       ///< `use_pid_dir`
  bool linkbeat_use_polling = false;              ///< `linkbeat_use_polling`
  seconds child_wait_time{5};                     ///< `child_wait_time SECS`

  // --- configuration handling
  std::optional<std::string> tmp_config_directory;  ///< `tmp_config_directory DIRECTORY`
  std::optional<std::string> config_save_dir;       ///< `config_save_dir DIRECTORY`
  IncludeCheck include_check;                       ///< `include_check [OPTIONS]`
  std::optional<std::string> reload_check_config;   ///< `reload_check_config [LOG_FILE]` ("" = no log file)
  std::optional<std::string> reload_time_file;      ///< `reload_time_file PATH`
  bool reload_repeat = false;                       ///< `reload_repeat`
  std::optional<std::string> reload_file;           ///< `reload_file [PATH]` ("" = default name)
  bool data_use_instance = false;                   ///< `data_use_instance [<BOOL>]`
  std::optional<std::uint32_t> random_seed;         ///< `random_seed UNSIGNED_INT`
  std::optional<std::uint32_t> umask;               ///< `umask [NUMBER|BITS]`
  /// `metrics_listen [ADDR:]PORT`, a stayalived extension: the Prometheus endpoint (as
  /// text, "9650", "192.0.2.1:9650", "[::1]:9650"; --metrics wins). keepalived 2.2.7 logs
  /// "Unknown keyword 'metrics_listen'" and goes on (-t: exit 5).
  std::optional<std::string> metrics_listen;
  /// `control_socket PATH`, `control_group GROUP`, `control_admin_group GROUP`: stayalived
  /// extensions, stayalivedctl's socket and who may use it (the --control-* options win).
  /// keepalived 2.2.7 logs "Unknown keyword" for each and goes on (-t: exit 5).
  std::optional<std::string> control_socket;
  std::optional<std::string> control_group;
  std::optional<std::string> control_admin_group;

  // --- process names, start/stop scripts
  bool process_names = false;                       ///< `process_names`
  std::optional<std::string> process_name;          ///< `process_name NAME` (parent)
  ProcessTuning vrrp;                               ///< `vrrp_*` process settings
  ProcessTuning checker;                            ///< `checker_*` process settings
  ProcessTuning bfd;                                ///< `bfd_*` process settings
  std::optional<int> max_auto_priority;             ///< `max_auto_priority [-1..99]` (no value = max)
  std::optional<microseconds> min_auto_priority_delay; ///< `min_auto_priority_delay USECS`
  std::optional<Script> startup_script;             ///< `startup_script SCRIPT [user [group]]`
  seconds startup_script_timeout{10};               ///< `startup_script_timeout SECONDS` (1..1000)
  std::optional<Script> shutdown_script;            ///< `shutdown_script SCRIPT [user [group]]`
  seconds shutdown_script_timeout{10};              ///< `shutdown_script_timeout SECONDS` (1..1000)

  // --- email alerts
  std::vector<std::string> notification_email;          ///< `notification_email { ADDR... }`
  std::optional<std::string> notification_email_from;   ///< `notification_email_from ADDR`
  std::optional<std::string> smtp_server;               ///< `smtp_server HOST [PORT]`: IP or name
  Port smtp_port = 25;                                  ///< the PORT of smtp_server
  std::optional<std::string> smtp_helo_name;            ///< `smtp_helo_name NAME`
  seconds smtp_connect_timeout{30};                     ///< `smtp_connect_timeout SECS`
  std::optional<bool> smtp_alert;                       ///< `smtp_alert <BOOL>`
  std::optional<bool> smtp_alert_vrrp;                  ///< `smtp_alert_vrrp <BOOL>`
  std::optional<bool> smtp_alert_checker;               ///< `smtp_alert_checker <BOOL>`
  bool no_email_faults = false;                         ///< `no_email_faults`
  bool no_checker_emails = false;                       ///< `no_checker_emails`
  bool checker_log_all_failures = false;                ///< `checker_log_all_failures <BOOL>`
  std::optional<std::string> router_id;                 ///< `router_id NAME` (default: host name)

  // --- scripts and FIFOs
  std::optional<RunAs> script_user;                 ///< `script_user username [groupname]`
  bool enable_script_security = false;              ///< `enable_script_security`
  std::optional<Fifo> notify_fifo;                  ///< `notify_fifo FIFO [user [group]]`
  std::optional<Script> notify_fifo_script;         ///< `notify_fifo_script SCRIPT [user [group]]`
  std::optional<Fifo> vrrp_notify_fifo;             ///< `vrrp_notify_fifo FIFO [user [group]]`
  std::optional<Script> vrrp_notify_fifo_script;    ///< `vrrp_notify_fifo_script SCRIPT [user [group]]`
  std::optional<Fifo> lvs_notify_fifo;              ///< `lvs_notify_fifo FIFO [user [group]]`
  std::optional<Script> lvs_notify_fifo_script;     ///< `lvs_notify_fifo_script SCRIPT [user [group]]`
  bool fifo_write_vrrp_states_on_reload = false;    ///< `fifo_write_vrrp_states_on_reload`

  // --- VRRP defaults
  IpAddress vrrp_mcast_group4 = IpAddress::v4(224, 0, 0, 18);  ///< `vrrp_mcast_group4`
  IpAddress vrrp_mcast_group6 = IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});  ///< `vrrp_mcast_group6`
  std::optional<std::string> default_interface;     ///< `default_interface IF` (default eth0)
  seconds vrrp_garp_master_delay{5};                ///< `vrrp_garp_master_delay SECS` (0 = no 2nd burst)
  std::uint32_t vrrp_garp_master_repeat = 5;        ///< `vrrp_garp_master_repeat N`
  std::optional<seconds> vrrp_garp_lower_prio_delay;///< `vrrp_garp_lower_prio_delay` (default: master_delay)
  std::optional<std::uint32_t> vrrp_garp_lower_prio_repeat; ///< `vrrp_garp_lower_prio_repeat` (default: master_repeat)
  seconds vrrp_garp_master_refresh{0};              ///< `vrrp_garp_master_refresh SECS` (0 = none)
  std::uint32_t vrrp_garp_master_refresh_repeat = 1;///< `vrrp_garp_master_refresh_repeat N`
  microseconds vrrp_garp_interval{0};               ///< `vrrp_garp_interval <TIMER>`
  microseconds vrrp_gna_interval{0};                ///< `vrrp_gna_interval <TIMER>`
  bool vrrp_min_garp = false;                       ///< `vrrp_min_garp [<BOOL>]`
  std::optional<GarpExtraIf> vrrp_garp_extra_if;    ///< `vrrp_garp_extra_if [all] SECS` (alias `vrrp_vmac_garp_intvl`)
  std::uint32_t vrrp_down_timer_adverts = 3;        ///< `vrrp_down_timer_adverts [1..100]`
  std::optional<bool> vrrp_lower_prio_no_advert;    ///< `vrrp_lower_prio_no_advert [<BOOL>]` (default: vrrp_strict)
  std::optional<bool> vrrp_higher_prio_send_advert; ///< `vrrp_higher_prio_send_advert [<BOOL>]`
  std::uint8_t vrrp_version = 2;                    ///< `vrrp_version 2|3`
  bool vrrp_check_unicast_src = false;              ///< `vrrp_check_unicast_src`
  bool vrrp_skip_check_adv_addr = false;            ///< `vrrp_skip_check_adv_addr`
  bool vrrp_strict = false;                         ///< `vrrp_strict`
  bool vrrp_notify_priority_changes = false;        ///< `vrrp_notify_priority_changes <BOOL>`
  microseconds vrrp_startup_delay{0};               ///< `vrrp_startup_delay <TIMER>`
  bool log_unknown_vrids = false;                   ///< `log_unknown_vrids`
  std::optional<std::string> vmac_prefix;           ///< `vmac_prefix STRING` (default "vrrp")
  std::optional<std::string> vmac_addr_prefix;      ///< `vmac_addr_prefix STRING`
  bool disable_local_igmp = false;                  ///< `disable_local_igmp`
  RxBufsPolicy vrrp_rx_bufs_policy;                 ///< `vrrp_rx_bufs_policy`
  std::uint32_t vrrp_rx_bufs_multiplier = 3;        ///< `vrrp_rx_bufs_multiplier N`
  bool dynamic_interfaces = false;                  ///< `dynamic_interfaces [allow_if_changes]`
  bool allow_if_changes = false;                    ///< the `allow_if_changes` option of dynamic_interfaces

  // --- firewall (Debian's keepalived is built with nftables, without iptables/ipsets)
  std::optional<std::string> nftables;              ///< `nftables [TABLENAME]` (default table "keepalived")
  std::optional<int> nftables_priority;             ///< `nftables_priority PRIORITY` (default -1)
  bool nftables_counters = false;                   ///< `nftables_counters`
  bool nftables_ifindex = false;                    ///< `nftables_ifindex`
  std::optional<std::string> nftables_ipvs;         ///< `nftables_ipvs [TABLENAME]`
  std::optional<int> nftables_ipvs_priority;        ///< `nftables_ipvs_priority PRIORITY`
  std::uint32_t nftables_ipvs_start_fwmark = 1000;  ///< `nftables_ipvs_start_fwmark NUMBER`

  // --- netlink buffers
  RcvBufs vrrp_netlink_cmd_rcv_bufs;      ///< `vrrp_netlink_cmd_rcv_bufs[_force]`
  RcvBufs vrrp_netlink_monitor_rcv_bufs;  ///< `vrrp_netlink_monitor_rcv_bufs[_force]`
  RcvBufs lvs_netlink_cmd_rcv_bufs;       ///< `lvs_netlink_cmd_rcv_bufs[_force]`
  RcvBufs lvs_netlink_monitor_rcv_bufs;   ///< `lvs_netlink_monitor_rcv_bufs[_force]`
  RcvBufs process_monitor_rcv_bufs;       ///< `process_monitor_rcv_bufs[_force]`

  // --- LVS
  std::optional<LvsSyncDaemon> lvs_sync_daemon;  ///< `lvs_sync_daemon ...`
  LvsTimeouts lvs_timeouts;                      ///< `lvs_timeouts ...`
  bool lvs_flush = false;                        ///< `lvs_flush`
  LvsFlushOnStop lvs_flush_on_stop = LvsFlushOnStop::No;  ///< `lvs_flush_on_stop [VS]`
  bool rs_init_notifies = false;                 ///< `rs_init_notifies`

  // --- SNMP and D-Bus (accepted and kept; not implemented by stayalived)
  std::optional<std::string> snmp_socket;  ///< `snmp_socket SPEC`
  bool enable_snmp_vrrp = false;           ///< `enable_snmp_vrrp` (alias `enable_snmp_keepalived`)
  bool enable_snmp_checker = false;        ///< `enable_snmp_checker`
  bool enable_snmp_rfcv2 = false;          ///< `enable_snmp_rfcv2` (and `enable_snmp_rfc`)
  bool enable_snmp_rfcv3 = false;          ///< `enable_snmp_rfcv3` (and `enable_snmp_rfc`)
  bool enable_traps = false;               ///< `enable_traps`
  bool enable_dbus = false;                ///< `enable_dbus`
  std::optional<std::string> dbus_service_name;  ///< `dbus_service_name NAME`

  friend bool operator==(const GlobalDefs&, const GlobalDefs&) = default;
};

/// Link-state polling method of `linkbeat_interfaces`.
enum class LinkbeatType : std::uint8_t { Default, Mii, Ethtool, Ioctl };

/// One line of `linkbeat_interfaces { IFNAME [MII|ETHTOOL|IOCTL] }`.
struct LinkbeatInterface {
  std::string name;                          ///< interface name
  LinkbeatType type = LinkbeatType::Default; ///< MII, ETHTOOL or IOCTL
  Loc loc;                                   ///< the line
  friend bool operator==(const LinkbeatInterface&, const LinkbeatInterface&) = default;
};

/// One line of `interface_up_down_delays { IFNAME DOWN_DELAY [UP_DELAY] }` (each at most
/// 255 s; UP_DELAY defaults to DOWN_DELAY).
struct InterfaceDelays {
  std::string name;             ///< interface name
  microseconds down_delay{0};   ///< DOWN_DELAY
  microseconds up_delay{0};     ///< UP_DELAY
  Loc loc;                      ///< the line
  friend bool operator==(const InterfaceDelays&, const InterfaceDelays&) = default;
};

/// `track_group NAME { group { VRRP_INSTANCE... } }`: instances that track static
/// addresses/routes/rules naming this group.
struct TrackGroup {
  std::string name;                 ///< NAME
  std::vector<std::string> group;   ///< `group { ... }`: vrrp_instance names
  Loc loc;                          ///< the header line
  friend bool operator==(const TrackGroup&, const TrackGroup&) = default;
};

}  // namespace stayalived::config
