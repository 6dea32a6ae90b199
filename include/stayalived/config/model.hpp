// The typed configuration model: plain value structs, one per keepalived.conf(5) block of
// keepalived 2.2.7, with keepalived's defaults as default member initializers
// (STYLE.md "Config model = plain value structs"). The VRRP, checker and IPVS runtimes are
// built from these structs; a reload compares old and new with the defaulted operator==.
//
// Conventions:
//  - Each field's doc names the keyword it comes from (and its aliases).
//  - std::optional marks settings whose absence means something different from any value
//    (e.g. "no notify script"), or that inherit from an enclosing block (see below).
//  - Durations are std::chrono types with keepalived's precision: <TIMER> values (fractional
//    seconds) are microseconds, integer-second settings are seconds, VRRP advert_int is in
//    centiseconds (RFC 5798 section 5.2.7).
//  - Inheritance is resolved by the loader: a checker's connection options, retry,
//    delay_loop ... are the effective values (checker, else real_server, else
//    virtual_server, else keepalived's default), so a reload that changes a
//    virtual_server's delay_loop changes the checkers' structs.
//  - Source locations (Loc) are for diagnostics and logs; they never take part in
//    equality, so moving a block in the file is not a change.
//  - Lists keep file order.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stayalived/common/time.hpp"
#include "stayalived/config/address.hpp"

namespace stayalived::config {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------------
// Shared vocabulary
// ---------------------------------------------------------------------------------------

/// Where an element was written: file index (into Config::files), 1-based line and column.
/// Compares equal to every other Loc, so that locations never make two configs differ.
struct Loc {
  std::uint32_t file = 0;    ///< index into Config::files
  std::uint32_t line = 0;    ///< 1-based line, 0 if unknown
  std::uint32_t column = 0;  ///< 1-based column, 0 if unknown

  /// Always true: a location is not part of a config's meaning.
  friend constexpr bool operator==(const Loc&, const Loc&) noexcept { return true; }
};

/// The names of the files a config was read from (main file first, then includes in the
/// order they were opened). Ignored by equality, like Loc.
struct SourceFiles {
  std::vector<std::string> names;  ///< indexed by Loc::file

  /// The file name for a location ("" if out of range).
  const std::string& name(const Loc& loc) const;
  /// Always true: file names are not part of a config's meaning.
  friend bool operator==(const SourceFiles&, const SourceFiles&) noexcept { return true; }
};

/// A TCP/UDP/SCTP port number.
using Port = std::uint16_t;

/// A user and optional group to run a script as: `SCRIPT [username [groupname]]`,
/// `user USERNAME [GROUPNAME]`, `script_user username [groupname]`.
struct RunAs {
  std::string user;                  ///< user name (or numeric uid as text)
  std::optional<std::string> group;  ///< group name; default: the user's group
  Loc loc;                           ///< where the user was given
  friend bool operator==(const RunAs&, const RunAs&) = default;
};

/// A script or program to run, as keepalived splits it: the command and its arguments
/// (a quoted string is split on unquoted spaces; single quotes keep spaces inside one
/// argument), plus the optional user/group that follow it on the line.
struct Script {
  std::vector<std::string> argv;  ///< argv[0] is the program path
  std::optional<RunAs> run_as;    ///< [username [groupname]]; default: global script_user
  Loc loc;                        ///< the keyword's line

  /// The command line as one string (argv joined with spaces), for logs.
  std::string command_line() const;
  friend bool operator==(const Script&, const Script&) = default;
};

/// A named FIFO and the user/group to create it as: `notify_fifo FIFO_NAME [username
/// [groupname]]`.
struct Fifo {
  std::string path;             ///< FIFO_NAME
  std::optional<RunAs> run_as;  ///< [username [groupname]]
  Loc loc;                      ///< the keyword's line
  friend bool operator==(const Fifo&, const Fifo&) = default;
};

/// `<BOOL>` values: on|off|true|false|yes|no. Fields use bool or std::optional<bool>.

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

// ---------------------------------------------------------------------------------------
// Addresses, routes and rules (static_*, virtual_ipaddress[_excluded], virtual_routes/rules)
// ---------------------------------------------------------------------------------------

/// How `brd` was given on an address line.
enum class BroadcastMode : std::uint8_t {
  None,       ///< no brd
  Address,    ///< `brd IPADDR`
  ClearHost,  ///< `brd -`: host bits cleared
  SetHost,    ///< `brd +`: host bits set
};

/// One address line of `virtual_ipaddress`, `virtual_ipaddress_excluded` or
/// `static_ipaddress`: `<IPADDR>[/<MASK>] [brd <IPADDR>] [dev <STRING>] [use_vmac [NAME]]
/// [scope <SCOPE>] [label <LABEL>] [peer <IPADDR>] [home] [-nodad] [mngtmpaddr]
/// [noprefixroute] [autojoin] [no_track] [track_group GROUP] [preferred_lft nn|forever]`.
struct VirtualAddress {
  IpPrefix address;                        ///< <IPADDR>[/<MASK>]; no mask = /32 or /128
  BroadcastMode broadcast_mode = BroadcastMode::None;  ///< brd
  std::optional<IpAddress> broadcast;      ///< brd <IPADDR>
  std::optional<std::string> dev;          ///< dev <STRING>; default: the instance's interface
  bool use_vmac = false;                   ///< use_vmac (virtual_ipaddress only)
  std::optional<std::uint8_t> scope;       ///< scope site|link|host|nowhere|global|NUMBER
  std::optional<std::string> label;        ///< label <LABEL>
  std::optional<IpPrefix> peer;            ///< peer <IPADDR> (full-length prefix)
  bool home = false;                       ///< home (IPv6)
  bool nodad = false;                      ///< -nodad (IPv6)
  bool mngtmpaddr = false;                 ///< mngtmpaddr (IPv6)
  bool noprefixroute = false;              ///< noprefixroute
  bool autojoin = false;                   ///< autojoin
  bool no_track = false;                   ///< no_track
  std::optional<std::string> track_group;  ///< track_group GROUP (static addresses only)
  /// preferred_lft nn|forever; nullopt: kernel default (0 for an IPv6 /128).
  std::optional<std::uint32_t> preferred_lft;
  Loc loc;                                 ///< the line
  friend bool operator==(const VirtualAddress&, const VirtualAddress&) = default;
};

/// `preferred_lft forever`.
inline constexpr std::uint32_t kLifetimeForever = 0xffffffffu;

/// Route types (`ip route` TYPE), the first word of a route line when not unicast.
enum class RouteType : std::uint8_t {
  Unicast, Local, Broadcast, Anycast, Multicast, Blackhole, Unreachable, Prohibit, Throw, Nat,
};

/// Metrics that can carry `lock` on a route line (bit positions of Route::locked).
enum class RouteMetric : std::uint8_t {
  Mtu, Window, Rtt, Rttvar, Ssthresh, Cwnd, Advmss, Reordering, Hoplimit, Initcwnd, Initrwnd,
  RtoMin,
};

/// One `nexthop via ADDR [dev IF] [onlink] [weight N]` of a multipath route.
struct NextHop {
  std::optional<IpAddress> via;        ///< via ADDR
  std::optional<std::string> dev;      ///< dev IF
  bool onlink = false;                 ///< onlink
  std::optional<std::uint8_t> weight;  ///< weight 1..256 (stored minus nothing: as written)
  std::optional<std::uint32_t> realms; ///< realms FROM/TO packed as the kernel does
  friend bool operator==(const NextHop&, const NextHop&) = default;
};

/// Lightweight tunnel encapsulation of a route: `encap mpls|ip|ip6|ila ...`.
struct RouteEncap {
  /// Encapsulation type.
  enum class Type : std::uint8_t { Mpls, Ip, Ip6, Ila };
  Type type = Type::Mpls;                  ///< the word after encap
  std::vector<std::uint32_t> mpls_labels;  ///< mpls LABEL[/LABEL...]
  std::optional<std::uint64_t> id;         ///< ip/ip6: id TUNNEL_ID; ila: LOCATOR
  std::optional<IpAddress> dst;            ///< ip/ip6: dst ADDR
  std::optional<std::uint8_t> tos;         ///< ip: tos / ip6: tc
  std::optional<std::uint8_t> ttl;         ///< ip: ttl / ip6: hoplimit
  bool csum = false;                       ///< ip/ip6: csum
  friend bool operator==(const RouteEncap&, const RouteEncap&) = default;
};

/// One line of `virtual_routes` or `static_routes`, with `ip route add` syntax:
/// `[TYPE] [src ADDR] [to] PREFIX [via|gw ADDR] [or ADDR] [dev IF] [scope S] [table T]
/// [metric|priority|preference N] [tos N] [protocol P] [mtu [lock] N] ... [nexthop ...]
/// [onlink] [vrf NAME] [append] [no_track] [track_group GROUP] [inet6]`.
struct Route {
  RouteType type = RouteType::Unicast;     ///< leading TYPE word (blackhole, unreachable, ...)
  IpPrefix destination;                    ///< [to] PREFIX (`default` = 0.0.0.0/0 or ::/0)
  std::optional<IpAddress> src;            ///< src ADDR (preferred source)
  std::optional<IpAddress> via;            ///< via|gw ADDR
  std::optional<IpAddress> or_via;         ///< or ADDR (an alternative gateway, IPv4)
  std::optional<std::string> dev;          ///< dev IF
  std::optional<std::uint8_t> scope;       ///< scope
  std::optional<std::uint32_t> table;      ///< table ID|NAME (names resolved from rt_tables)
  std::optional<std::uint32_t> metric;     ///< metric|priority|preference N
  std::optional<std::uint8_t> tos;         ///< tos|dsfield N
  std::optional<std::uint8_t> protocol;    ///< protocol|proto N|NAME
  std::optional<std::uint32_t> mtu;        ///< mtu [lock] N
  std::optional<std::uint32_t> hoplimit;   ///< hoplimit [lock] N
  std::optional<std::uint32_t> advmss;     ///< advmss [lock] N
  std::optional<std::uint32_t> rtt;        ///< rtt [lock] N (ms)
  std::optional<std::uint32_t> rttvar;     ///< rttvar [lock] N (ms)
  std::optional<std::uint32_t> reordering; ///< reordering [lock] N
  std::optional<std::uint32_t> window;     ///< window [lock] N
  std::optional<std::uint32_t> cwnd;       ///< cwnd [lock] N
  std::optional<std::uint32_t> ssthresh;   ///< ssthresh [lock] N
  std::optional<std::uint32_t> rto_min;    ///< rto_min [lock] N (ms)
  std::optional<std::uint32_t> initcwnd;   ///< initcwnd [lock] N
  std::optional<std::uint32_t> initrwnd;   ///< initrwnd [lock] N
  std::uint32_t locked = 0;                ///< bit (1 << RouteMetric) set for `lock`ed metrics
  std::optional<std::uint32_t> realms;     ///< realms [FROM/]TO
  bool features_ecn = false;               ///< features ecn
  std::optional<bool> quickack;            ///< quickack 0|1
  std::optional<std::string> congctl;      ///< congctl [lock] NAME
  bool congctl_lock = false;               ///< congctl lock NAME
  std::optional<std::uint8_t> pref;        ///< pref low|medium|high (IPv6 router preference)
  std::optional<bool> fastopen_no_cookie;  ///< fastopen_no_cookie 0|1
  bool ttl_propagate_set = false;          ///< ttl-propagate given
  bool ttl_propagate = false;              ///< ttl-propagate enabled|disabled
  bool onlink = false;                     ///< onlink
  std::optional<RouteEncap> encap;         ///< encap ...
  std::vector<NextHop> nexthops;           ///< nexthop ... (multipath)
  std::optional<std::string> vrf;          ///< vrf NAME
  bool append = false;                     ///< append (ip route append semantics)
  bool no_track = false;                   ///< no_track
  std::optional<std::string> track_group;  ///< track_group GROUP (static routes only)
  Loc loc;                                 ///< the line
  friend bool operator==(const Route&, const Route&) = default;
};

/// What a rule does when it matches.
enum class RuleAction : std::uint8_t { Table, Goto, Nop, Blackhole, Unreachable, Prohibit };

/// An inclusive port or uid range of a rule (`sport 10-20`, `uidrange 1000-1999`).
struct Range32 {
  std::uint32_t start = 0;  ///< first value
  std::uint32_t end = 0;    ///< last value (inclusive)
  friend bool operator==(const Range32&, const Range32&) = default;
};

/// One line of `virtual_rules` or `static_rules`, with `ip rule add` syntax:
/// `[not] [from PREFIX] [to PREFIX] [table T|goto N|nop|blackhole|unreachable|prohibit]
/// [iif IF] [oif IF] [tos N] [fwmark N[/MASK]] [preference N] [realms F/T] [l3mdev]
/// [uidrange A-B] [protocol P] [ip_proto P] [sport A-B] [dport A-B] [suppress_prefixlength N]
/// [suppress_ifgroup G] [tunnel-id N] [no_track] [track_group GROUP] [inet6]`.
struct Rule {
  Family family = Family::Inet;             ///< from the addresses, or `inet6`
  bool invert = false;                      ///< not
  std::optional<IpPrefix> from;             ///< from PREFIX (`all` = unset)
  std::optional<IpPrefix> to;               ///< to PREFIX
  RuleAction action = RuleAction::Table;    ///< table/goto/nop/blackhole/...
  std::optional<std::uint32_t> table;       ///< table|lookup ID|NAME
  std::optional<std::uint32_t> goto_target; ///< goto N
  std::optional<std::string> iif;           ///< iif|dev IF
  std::optional<std::string> oif;           ///< oif IF
  std::optional<std::uint8_t> tos;          ///< tos|dsfield N
  std::optional<std::uint32_t> fwmark;      ///< fwmark N
  std::optional<std::uint32_t> fwmask;      ///< fwmark N/MASK
  std::optional<std::uint32_t> preference;  ///< preference|priority|order N
  std::optional<std::uint32_t> realms;      ///< realms [FROM/]TO
  bool l3mdev = false;                      ///< l3mdev
  std::optional<Range32> uidrange;          ///< uidrange A-B
  std::optional<std::uint8_t> protocol;     ///< protocol N|NAME
  std::optional<std::uint8_t> ip_proto;     ///< ip_proto TCP|UDP|SCTP|N
  std::optional<Range32> sport;             ///< sport A[-B]
  std::optional<Range32> dport;             ///< dport A[-B]
  std::optional<std::uint32_t> suppress_prefixlen;  ///< suppress_prefixlength N
  std::optional<std::uint32_t> suppress_ifgroup;    ///< suppress_ifgroup G
  std::optional<std::uint64_t> tunnel_id;   ///< tunnel-id N
  bool no_track = false;                    ///< no_track
  std::optional<std::string> track_group;   ///< track_group GROUP (static rules only)
  Loc loc;                                  ///< the line
  friend bool operator==(const Rule&, const Rule&) = default;
};

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
  bool global_tracking = false;       ///< `global_tracking` (deprecated)
  bool sync_group_tracking_weight = false;  ///< `sync_group_tracking_weight`
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

// ---------------------------------------------------------------------------------------
// LVS: virtual_server_group, virtual_server, real_server, checkers, SSL
// ---------------------------------------------------------------------------------------

/// IPVS scheduler (`lvs_sched` / `lb_algo`).
enum class Scheduler : std::uint8_t {
  Rr, Wrr, Lc, Wlc, Lblc, Sh, Mh, Dh, Fo, Ovf, Lblcr, Sed, Nq, Twos,
};

/// IPVS forwarding method (`lvs_method` / `lb_kind`).
enum class ForwardingMethod : std::uint8_t { Nat, Dr, Tun };

/// Tunnel type of `lvs_method TUN type ipip|gue|gre`.
enum class TunnelType : std::uint8_t { Ipip, Gue, Gre };

/// Tunnel checksum option of `lvs_method TUN ... nocsum|csum|remcsum`.
enum class TunnelChecksum : std::uint8_t { NoCsum, Csum, RemCsum };

/// `lvs_method NAT|DR|TUN [type {ipip|gue port NUM|gre} [nocsum|csum|remcsum]]`.
struct Forwarding {
  ForwardingMethod method = ForwardingMethod::Nat;  ///< NAT|DR|TUN
  TunnelType tunnel_type = TunnelType::Ipip;        ///< type (TUN only)
  Port tunnel_port = 0;                             ///< port NUM (gue only)
  TunnelChecksum tunnel_checksum = TunnelChecksum::NoCsum;  ///< nocsum|csum|remcsum
  friend bool operator==(const Forwarding&, const Forwarding&) = default;
};

/// L4 protocol of a virtual server (`protocol TCP|UDP|SCTP`).
using net::Protocol;

/// `<IPADDR RANGE> [<PORT>]` of a virtual_server_group: a single address, `A.B.C.D-E`,
/// `A-B` (two full addresses) or `A/nn`, expanded to its first and last address.
struct VsgRange {
  IpAddress first;   ///< first address of the range
  IpAddress last;    ///< last address (== first for a single address)
  Port port = 0;     ///< <PORT> (0 if omitted)
  Loc loc;           ///< the line
  friend bool operator==(const VsgRange&, const VsgRange&) = default;
};

/// `fwmark <INTEGER> [inet|inet6]` of a virtual_server_group.
struct VsgFwmark {
  std::uint32_t mark = 0;          ///< <INTEGER>
  std::optional<Family> family;    ///< inet|inet6
  Loc loc;                         ///< the line
  friend bool operator==(const VsgFwmark&, const VsgFwmark&) = default;
};

/// `virtual_server_group NAME { ... }`.
struct VirtualServerGroup {
  std::string name;                 ///< NAME
  std::vector<VsgRange> addresses;  ///< address / range lines
  std::vector<VsgFwmark> fwmarks;   ///< fwmark lines
  Loc loc;                          ///< the header line
  friend bool operator==(const VirtualServerGroup&, const VirtualServerGroup&) = default;
};

/// `virtual_server <IPADDR> [<PORT>]`.
struct VsAddress {
  IpAddress address;  ///< <IPADDR>
  Port port = 0;      ///< <PORT> (0: only with persistence)
  friend bool operator==(const VsAddress&, const VsAddress&) = default;
};

/// `virtual_server fwmark <INTEGER>`.
struct VsFwmark {
  std::uint32_t mark = 0;  ///< <INTEGER>
  friend bool operator==(const VsFwmark&, const VsFwmark&) = default;
};

/// `virtual_server group <STRING>`.
struct VsGroup {
  std::string name;  ///< the virtual_server_group's name
  friend bool operator==(const VsGroup&, const VsGroup&) = default;
};

/// What a virtual_server is keyed on.
using VsKey = std::variant<VsAddress, VsFwmark, VsGroup>;

/// HTTP version sent by HTTP_GET/SSL_GET (`http_protocol 1.0|1.0C|1.1`).
enum class HttpProtocol : std::uint8_t {
  Http10,       ///< 1.0 (default)
  Http10Close,  ///< 1.0C: 1.0 plus "Connection: close"
  Http11,       ///< 1.1
};

/// An inclusive range of HTTP status codes (`status_code 200-299`).
struct StatusRange {
  std::uint16_t low = 200;   ///< first code
  std::uint16_t high = 299;  ///< last code
  friend bool operator==(const StatusRange&, const StatusRange&) = default;
};

/// `url { ... }` of HTTP_GET/SSL_GET.
struct Url {
  std::string path;                                  ///< `path STRING`
  std::optional<std::array<std::uint8_t, 16>> digest;///< `digest HEX` (MD5 of the body)
  std::vector<StatusRange> status_codes;             ///< `status_code ...`; empty = 200-299
  std::optional<std::string> virtualhost;            ///< `virtualhost NAME`; default: checker's
  std::optional<std::string> regex;                  ///< `regex STRING` (PCRE2)
  bool regex_no_match = false;                       ///< `regex_no_match`
  std::vector<std::string> regex_options;            ///< `regex_options OPTION...`
  std::optional<std::uint32_t> regex_stack_start;    ///< `regex_stack START MAX`
  std::optional<std::uint32_t> regex_stack_max;      ///< the MAX of regex_stack
  std::optional<std::uint32_t> regex_min_offset;     ///< `regex_min_offset N`
  std::optional<std::uint32_t> regex_max_offset;     ///< `regex_max_offset N`
  Loc loc;                                           ///< the block's line
  friend bool operator==(const Url&, const Url&) = default;
};

/// Connection options common to the network checkers (resolved: checker, else real
/// server). Unset addresses/ports mean "the real server's".
struct CheckConnection {
  std::optional<IpAddress> connect_ip;  ///< `connect_ip`
  std::optional<Port> connect_port;     ///< `connect_port`
  std::optional<IpAddress> bindto;      ///< `bindto`
  std::optional<std::string> bind_if;   ///< `bind_if`
  std::optional<Port> bind_port;        ///< `bind_port`
  std::optional<std::uint32_t> fwmark;  ///< `fwmark` (SO_MARK)
  microseconds connect_timeout{5000000};///< `connect_timeout <TIMER>` (inherits; default 5 s)
  friend bool operator==(const CheckConnection&, const CheckConnection&) = default;
};

/// `TCP_CHECK { }`: a TCP connect.
struct TcpCheck {
  friend bool operator==(const TcpCheck&, const TcpCheck&) = default;
};

/// `HTTP_GET { }` / `SSL_GET { }`.
struct HttpCheck {
  bool ssl = false;                          ///< SSL_GET (TLS) rather than HTTP_GET
  HttpProtocol http_protocol = HttpProtocol::Http10;  ///< `http_protocol`
  bool fast_recovery = false;                ///< `fast_recovery [<BOOL>]`
  bool enable_sni = false;                   ///< `enable_sni` (SSL_GET)
  std::optional<std::string> virtualhost;    ///< `virtualhost` (inherits real/virtual server's)
  std::vector<Url> urls;                     ///< `url { ... }`
  friend bool operator==(const HttpCheck&, const HttpCheck&) = default;
};

/// `MISC_CHECK { }`: run a program.
struct MiscCheck {
  Script path;                         ///< `misc_path SCRIPT` (+ `user USER [GROUP]`)
  std::optional<microseconds> timeout; ///< `misc_timeout SECS`; default: delay_loop
  bool dynamic = false;                ///< `misc_dynamic`: exit status adjusts the weight
  friend bool operator==(const MiscCheck&, const MiscCheck&) = default;
};

/// `SMTP_CHECK { }`: SMTP greeting and HELO.
struct SmtpCheck {
  std::optional<std::string> helo_name;  ///< `helo_name NAME`; default: the host name
  friend bool operator==(const SmtpCheck&, const SmtpCheck&) = default;
};

/// DNS query type of DNS_CHECK (`type A|NS|CNAME|SOA|MX|TXT|AAAA`).
enum class DnsType : std::uint8_t { A, Ns, Cname, Soa, Mx, Txt, Aaaa };

/// `DNS_CHECK { }`: a DNS query over UDP.
struct DnsCheck {
  DnsType type = DnsType::Soa;  ///< `type`
  std::string name = ".";       ///< `name`
  friend bool operator==(const DnsCheck&, const DnsCheck&) = default;
};

/// `UDP_CHECK { }`: send a datagram, expect no ICMP error (or a reply).
struct UdpCheck {
  std::vector<std::uint8_t> payload;          ///< `payload HEX_STR`; empty = random
  bool require_reply = false;                 ///< `require_reply [HEX_STR]`
  std::vector<std::uint8_t> reply_data;       ///< the HEX_STR of require_reply
  std::vector<std::uint8_t> reply_mask;       ///< 0x0f/0xf0/0xff per byte: X nibbles ignored
  std::uint16_t min_reply_length = 0;         ///< `min_reply_length N`
  std::uint16_t max_reply_length = 255;       ///< `max_reply_length N`
  friend bool operator==(const UdpCheck&, const UdpCheck&) = default;
};

/// `PING_CHECK { }`: ICMP echo.
struct PingCheck {
  friend bool operator==(const PingCheck&, const PingCheck&) = default;
};

/// `FILE_CHECK { }`: a track_file's value drives the real server.
struct FileCheck {
  std::string track_file;          ///< `track_file NAME`
  bool dynamic = false;            ///< `dynamic`
  std::optional<int> weight;       ///< `weight N [reverse]`; default: the track_file's
  bool reverse = false;            ///< the `reverse` of weight
  friend bool operator==(const FileCheck&, const FileCheck&) = default;
};

/// `BFD_CHECK { }`: a bfd_instance's state drives the real server.
struct BfdCheck {
  std::string name;  ///< `name BFD_INSTANCE`
  friend bool operator==(const BfdCheck&, const BfdCheck&) = default;
};

/// The checker kinds, in the order of Checker::spec's alternatives.
enum class CheckerKind : std::uint8_t {
  Tcp, Http, Ssl, Misc, Smtp, Dns, Udp, Ping, File, Bfd,
};

/// One checker block of a real_server, with its effective (inherited) timing.
struct Checker {
  /// The kind-specific part.
  std::variant<TcpCheck, HttpCheck, MiscCheck, SmtpCheck, DnsCheck, UdpCheck, PingCheck,
               FileCheck, BfdCheck> spec;
  CheckConnection connection;             ///< connect_ip/port, bindto, ..., connect_timeout
  bool alpha = false;                     ///< `alpha [<BOOL>]` (inherits)
  std::uint32_t retry = 1;                ///< `retry N` (alias `nb_get_retry` in HTTP/SSL; inherits;
                                          ///< default 1, DNS_CHECK 3, MISC_CHECK 0)
  microseconds delay_before_retry{1000000}; ///< `delay_before_retry <TIMER>` (inherits; default
                                          ///< 1 s, HTTP/SSL 3 s, DNS_CHECK delay_loop)
  std::optional<microseconds> warmup;     ///< `warmup <TIMER>` (inherits; unset = up to delay_loop)
  microseconds delay_loop{60000000};      ///< `delay_loop <TIMER>` (inherits; default 60 s)
  bool log_all_failures = false;          ///< `log_all_failures <BOOL>` (inherits checker_log_all_failures)
  Loc loc;                                ///< the block's line

  /// Which kind of checker this is (HTTP_GET and SSL_GET share HttpCheck).
  CheckerKind kind() const;
  friend bool operator==(const Checker&, const Checker&) = default;
};

/// keepalived's block name of a checker kind ("TCP_CHECK", "HTTP_GET", ...).
std::string_view to_string(CheckerKind k);

/// `real_server <IPADDR> [<PORT>] { ... }`.
struct RealServer {
  IpAddress address;                       ///< <IPADDR>
  Port port = 0;                           ///< <PORT> (0: the virtual server's, or none for fwmark)
  int weight = 1;                          ///< `weight N` (default: the virtual server's `weight`, else 1)
  Forwarding forwarding;                   ///< `lvs_method` / `lb_kind` (inherits the virtual server's)
  std::optional<Script> notify_up;         ///< `notify_up SCRIPT [user [group]]`
  std::optional<Script> notify_down;       ///< `notify_down SCRIPT [user [group]]`
  std::uint32_t uthreshold = 0;            ///< `uthreshold N` (0 = none)
  std::uint32_t lthreshold = 0;            ///< `lthreshold N`
  std::optional<bool> smtp_alert;          ///< `smtp_alert <BOOL>`
  std::optional<std::string> virtualhost;  ///< `virtualhost NAME`
  std::optional<std::string> snmp_name;    ///< `snmp_name NAME`
  bool inhibit_on_failure = false;         ///< `inhibit_on_failure [<BOOL>]` (inherits)
  std::vector<Checker> checkers;           ///< checker blocks, in file order
  Loc loc;                                 ///< the header line
  friend bool operator==(const RealServer&, const RealServer&) = default;
};

/// `sorry_server <IPADDR> [<PORT>]`.
struct SorryServer {
  IpAddress address;   ///< <IPADDR>
  Port port = 0;       ///< <PORT>
  Loc loc;             ///< the keyword's line
  friend bool operator==(const SorryServer&, const SorryServer&) = default;
};

/// `virtual_server (IP [PORT] | fwmark N | group NAME) { ... }`.
struct VirtualServer {
  VsKey key;                                 ///< what the service is keyed on
  Scheduler scheduler = Scheduler::Wlc;      ///< `lvs_sched` / `lb_algo` (default wlc)
  bool sched_flag1 = false;                  ///< `flag-1` / `sh-fallback` / `mh-fallback`
  bool sched_flag2 = false;                  ///< `flag-2` / `sh-port` / `mh-port`
  bool sched_flag3 = false;                  ///< `flag-3`
  bool hashed = false;                       ///< `hashed` (legacy sh flag)
  bool ops = false;                          ///< `ops`: one-packet scheduling (UDP)
  Forwarding forwarding;                     ///< `lvs_method` / `lb_kind` (default NAT)
  std::optional<std::string> persistence_engine;  ///< `persistence_engine NAME` (sip)
  std::optional<seconds> persistence_timeout;///< `persistence_timeout [SECS]` (no value = 360)
  std::optional<IpAddress> persistence_granularity;  ///< `persistence_granularity NETMASK`
  Protocol protocol = Protocol::Tcp;         ///< `protocol TCP|UDP|SCTP`
  bool ha_suspend = false;                   ///< `ha_suspend`
  std::optional<bool> smtp_alert;            ///< `smtp_alert <BOOL>`
  std::optional<std::string> virtualhost;    ///< `virtualhost NAME` (default for HTTP checks)
  std::optional<std::string> snmp_name;      ///< `snmp_name NAME`
  bool alpha = false;                        ///< `alpha`
  bool omega = false;                        ///< `omega`
  std::uint32_t quorum = 1;                  ///< `quorum N`
  std::uint32_t hysteresis = 0;              ///< `hysteresis N`
  std::optional<Script> quorum_up;           ///< `quorum_up SCRIPT [user [group]]`
  std::optional<Script> quorum_down;         ///< `quorum_down SCRIPT [user [group]]`
  std::optional<Family> ip_family;           ///< `ip_family inet|inet6` (fwmark services)
  std::optional<SorryServer> sorry_server;   ///< `sorry_server IP [PORT]`
  bool sorry_server_inhibit = false;         ///< `sorry_server_inhibit`
  std::optional<Forwarding> sorry_server_forwarding;  ///< `sorry_server_lvs_method`; default: the vs's
  std::optional<int> weight;                 ///< `weight N`: default real server weight
  microseconds delay_loop{60000000};         ///< `delay_loop <TIMER>` (default 60 s)
  std::optional<microseconds> connect_timeout;    ///< `connect_timeout <TIMER>` (default for checkers)
  std::optional<std::uint32_t> retry;             ///< `retry N` (default for checkers)
  std::optional<microseconds> delay_before_retry; ///< `delay_before_retry <TIMER>` (default for checkers)
  std::optional<microseconds> warmup;             ///< `warmup <TIMER>` (default for checkers)
  bool inhibit_on_failure = false;           ///< `inhibit_on_failure` (default for real servers)
  std::vector<RealServer> real_servers;      ///< `real_server` blocks
  Loc loc;                                   ///< the header line
  friend bool operator==(const VirtualServer&, const VirtualServer&) = default;
};

/// Top-level `SSL { ... }`: the TLS context of SSL_GET checkers.
struct SslConfig {
  std::optional<std::string> password;     ///< `password STRING` (key passphrase)
  std::optional<std::string> ca;           ///< `ca FILE`
  std::optional<std::string> certificate;  ///< `certificate FILE`
  std::optional<std::string> key;          ///< `key FILE`
  Loc loc;                                 ///< the header line
  friend bool operator==(const SslConfig&, const SslConfig&) = default;
};

// ---------------------------------------------------------------------------------------
// The whole configuration
// ---------------------------------------------------------------------------------------

/// A complete, validated configuration. Immutable once loaded (load_file returns a
/// shared_ptr<const Config>); runtimes keep references into it.
struct Config {
  GlobalDefs global;                                ///< global_defs and top-level globals
  std::vector<LinkbeatInterface> linkbeat_interfaces;   ///< `linkbeat_interfaces { }`
  std::vector<InterfaceDelays> interface_up_down_delays;///< `interface_up_down_delays { }`
  std::vector<TrackGroup> track_groups;             ///< `track_group NAME { }`
  std::vector<VirtualAddress> static_ipaddresses;   ///< `static_ipaddress { }`
  std::vector<Route> static_routes;                 ///< `static_routes { }`
  std::vector<Rule> static_rules;                   ///< `static_rules { }`
  std::vector<BfdInstance> bfd_instances;           ///< `bfd_instance NAME { }`
  std::vector<VrrpScript> vrrp_scripts;             ///< `vrrp_script NAME { }`
  std::vector<TrackFile> track_files;               ///< `track_file NAME { }`
  std::vector<TrackProcess> track_processes;        ///< `vrrp_track_process NAME { }`
  std::vector<GarpGroup> garp_groups;               ///< `garp_group { }`
  std::vector<VrrpSyncGroup> sync_groups;           ///< `vrrp_sync_group NAME { }`
  std::vector<VrrpInstance> vrrp_instances;         ///< `vrrp_instance NAME { }`
  std::optional<SslConfig> ssl;                     ///< `SSL { }`
  std::vector<VirtualServerGroup> virtual_server_groups;  ///< `virtual_server_group NAME { }`
  std::vector<VirtualServer> virtual_servers;       ///< `virtual_server ... { }`
  SourceFiles files;                                ///< file names for Loc (ignored by ==)

  /// The vrrp_instance named `name`, or nullptr.
  const VrrpInstance* find_vrrp_instance(std::string_view name) const;
  /// The vrrp_script named `name`, or nullptr.
  const VrrpScript* find_vrrp_script(std::string_view name) const;
  /// The track_file named `name`, or nullptr.
  const TrackFile* find_track_file(std::string_view name) const;
  /// The vrrp_track_process named `name`, or nullptr.
  const TrackProcess* find_track_process(std::string_view name) const;
  /// The bfd_instance named `name`, or nullptr.
  const BfdInstance* find_bfd_instance(std::string_view name) const;
  /// The virtual_server_group named `name`, or nullptr.
  const VirtualServerGroup* find_virtual_server_group(std::string_view name) const;

  /// A copy without the virtual servers' real_server blocks (the virtual servers themselves
  /// are kept): what a holder that never reads real servers keeps, once the checkers have
  /// taken theirs. With thousands of real servers they are most of a config's memory.
  Config without_real_servers() const;

  friend bool operator==(const Config&, const Config&) = default;
};

// ---------------------------------------------------------------------------------------
// Names of enum values, as written in keepalived.conf
// ---------------------------------------------------------------------------------------

std::string_view to_string(Scheduler s);        ///< "rr", "wlc", ...
std::string_view to_string(ForwardingMethod m); ///< "NAT", "DR", "TUN"
std::string_view to_string(Protocol p);         ///< "TCP", "UDP", "SCTP"
std::string_view to_string(VrrpState s);        ///< "MASTER", "BACKUP"
std::string_view to_string(AuthType t);         ///< "PASS", "AH" ("" for None)
std::string_view to_string(HttpProtocol p);     ///< "1.0", "1.0C", "1.1"
std::string_view to_string(DnsType t);          ///< "A", "NS", ...
std::string_view to_string(TunnelType t);       ///< "ipip", "gue", "gre"
std::string_view to_string(TunnelChecksum c);   ///< "nocsum", "csum", "remcsum"

/// Scheduler from its keepalived.conf name ("rr" ... "twos"); nullopt if unknown.
std::optional<Scheduler> parse_scheduler(std::string_view name);
/// DNS query type from its name (case-insensitive); nullopt if unknown.
std::optional<DnsType> parse_dns_type(std::string_view name);

}  // namespace stayalived::config
