// From the config model to what the IPVS module needs: one VirtualServerSpec per
// virtual_server (groups expanded, keepalived's defaults and inheritance applied), the
// Reconciler's start/stop policy from global_defs (lvs_flush, lvs_flush_on_stop,
// lvs_timeouts) and the sync daemon (lvs_sync_daemon). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/ipvs/desired.hpp"
#include "stayalived/ipvs/reconciler.hpp"
#include "stayalived/ipvs/sync_daemon.hpp"

namespace stayalived::ipvs {

/// The IPVS part of a configuration.
struct IpvsConfig {
  /// One per config.virtual_servers entry, in the same order (so checker results indexed
  /// by virtual server and real server map directly onto VirtualServerStatus).
  std::vector<VirtualServerSpec> virtual_servers{};
  /// lvs_flush, lvs_flush_on_stop, lvs_timeouts (release_on_stop stays true: -I is the
  /// command line's).
  ReconcilerOptions options{};
  /// lvs_sync_daemon, with its sync id resolved (default: the instance's VRID, else 0).
  std::optional<SyncDaemonConfig> sync_daemon{};
  /// What keepalived warns about and adjusts (e.g. a quorum above the total weight).
  std::vector<std::string> warnings{};
};

/// Converts a loaded config. Fails only on what the loader should already have refused
/// (an unknown virtual_server_group, an invalid range).
Expected<IpvsConfig, std::string> from_config(const config::Config& c);

/// keepalived's scheduler name ("wlc", "mh", ...).
std::string_view scheduler_name(config::Scheduler s);

}  // namespace stayalived::ipvs
