// The IPVS connection-synchronisation daemon, following the VRRP state as keepalived does
// (keepalived.conf lvs_sync_daemon): without a VRRP instance, master and backup daemons
// both run while we run; with one, only the master daemon runs while that instance is
// MASTER and only the backup daemon otherwise.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/ipvs/backend.hpp"
#include "stayalived/ipvs/model.hpp"

namespace stayalived::ipvs {

/// lvs_sync_daemon <INTERFACE> [[inst] <VRRP_INSTANCE>] [id <SYNC_ID>] [maxlen <LEN>]
/// [port <PORT>] [ttl <TTL>] [group <IP ADDR>].
struct SyncDaemonConfig {
  std::string interface{};
  std::optional<std::string> vrrp_instance{};
  std::uint32_t sync_id = 0;           ///< default: the instance's VRID, or 0 (the caller resolves it)
  std::uint16_t max_len = 0;
  std::uint16_t port = 0;
  std::uint8_t ttl = 0;
  std::optional<IpAddress> group{};

  /// The daemon to start for a role.
  SyncDaemon daemon(SyncRole role) const;
  bool operator==(const SyncDaemonConfig&) const = default;
};

/// The roles that should run, given whether the tracked VRRP instance is MASTER.
std::vector<SyncRole> wanted_sync_roles(const SyncDaemonConfig& c, bool instance_is_master);

/// True if a running daemon (as the kernel reports it, with its defaults filled in) is the
/// one `c` asks for: same interface and sync id, and equal in every field `c` sets.
bool sync_daemon_matches(const SyncDaemonConfig& c, const SyncDaemon& running);

/// Starts and stops the kernel's sync daemons as the VRRP state changes.
class SyncDaemonController {
 public:
  SyncDaemonController(Backend& backend, log::Channel log, SyncDaemonConfig config);

  /// At start-up (the instance is not MASTER yet).
  [[nodiscard]] Result<void> start() { return on_vrrp_state(false); }
  /// The tracked instance became MASTER (true) or left MASTER (false). Stops our daemons
  /// that should not run first, then starts the missing ones. A daemon with another
  /// interface or sync id is not ours: left alone, unless it holds a role we need.
  [[nodiscard]] Result<void> on_vrrp_state(bool master);
  /// At shutdown: stops our daemons (those matching the config).
  [[nodiscard]] Result<void> stop();

 private:
  Result<void> converge(const std::vector<SyncRole>& wanted);

  Backend& backend_;
  log::Channel log_;
  SyncDaemonConfig config_;
};

}  // namespace stayalived::ipvs
