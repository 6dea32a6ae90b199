// The typed configuration model: plain value structs, one per keepalived.conf(5) block of
// keepalived 2.2.7, with keepalived's defaults as default member initializers. The VRRP, checker and IPVS runtimes are
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

#include <optional>
#include <string_view>

#include "stayalived/config/model/addresses.hpp"
#include "stayalived/config/model/base.hpp"
#include "stayalived/config/model/global.hpp"
#include "stayalived/config/model/lvs.hpp"
#include "stayalived/config/model/vrrp.hpp"

namespace stayalived::config {

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
using net::to_string;                           ///< Protocol: "TCP", "UDP", "SCTP"
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
