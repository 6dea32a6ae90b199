#include "stayalived/ipvs/sync_daemon.hpp"

#include <algorithm>

namespace stayalived::ipvs {

namespace {
std::string_view role_name(SyncRole r) { return r == SyncRole::Master ? "master" : "backup"; }
}  // namespace

SyncDaemon SyncDaemonConfig::daemon(SyncRole role) const {
  return SyncDaemon{.role = role,
                    .interface = interface,
                    .sync_id = sync_id,
                    .max_len = max_len,
                    .port = port,
                    .ttl = ttl,
                    .group = group};
}

std::vector<SyncRole> wanted_sync_roles(const SyncDaemonConfig& c, bool instance_is_master) {
  if (!c.vrrp_instance) return {SyncRole::Master, SyncRole::Backup};
  return {instance_is_master ? SyncRole::Master : SyncRole::Backup};
}

bool sync_daemon_matches(const SyncDaemonConfig& c, const SyncDaemon& r) {
  if (r.interface != c.interface || r.sync_id != c.sync_id) return false;
  if (c.max_len && r.max_len != c.max_len) return false;
  if (c.port && r.port != c.port) return false;
  if (c.ttl && r.ttl != c.ttl) return false;
  if (c.group && r.group != c.group) return false;
  return true;
}

SyncDaemonController::SyncDaemonController(Backend& backend, log::Channel log, SyncDaemonConfig config)
    : backend_(backend), log_(log), config_(std::move(config)) {}

Result<void> SyncDaemonController::on_vrrp_state(bool master) {
  return converge(wanted_sync_roles(config_, master));
}

Result<void> SyncDaemonController::stop() { return converge({}); }

Result<void> SyncDaemonController::converge(const std::vector<SyncRole>& wanted) {
  auto running = backend_.sync_daemons();
  if (!running) return Unexpected(running.error());
  Result<void> result;
  auto want = [&](SyncRole r) { return std::find(wanted.begin(), wanted.end(), r) != wanted.end(); };
  std::vector<SyncRole> keep;
  for (const auto& d : *running) {
    bool ours = sync_daemon_matches(config_, d);
    if (want(d.role) && ours) {
      keep.push_back(d.role);
      continue;
    }
    // A daemon of a role we do not want that is not ours (another interface or sync id)
    // is left alone; one in a role we need is replaced, as the kernel runs one per role.
    if (!want(d.role) && !ours) continue;
    if (auto r = backend_.stop_sync_daemon(d.role); !r) {
      log_.error("IPVS: cannot stop the {} sync daemon: {}", role_name(d.role), r.error().message);
      result = r;
    } else {
      log_.info("IPVS: stopped the {} sync daemon on {}", role_name(d.role), d.interface);
    }
  }
  for (SyncRole role : wanted) {
    if (std::find(keep.begin(), keep.end(), role) != keep.end()) continue;
    if (auto r = backend_.start_sync_daemon(config_.daemon(role)); !r) {
      log_.error("IPVS: cannot start the {} sync daemon on {} (syncid {}): {}", role_name(role), config_.interface,
                 config_.sync_id, r.error().message);
      result = r;
    } else {
      log_.info("IPVS: started the {} sync daemon on {} (syncid {})", role_name(role), config_.interface,
                config_.sync_id);
    }
  }
  return result;
}

}  // namespace stayalived::ipvs
