// The data dump (SIGUSR1, keepalived.data): the "Global definitions" section, written in
// keepalived 2.2.7's line format so that scripts that read it keep working. Pure: what the
// dump needs from the system (resolved users, the umask) comes in through DumpContext.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "stayalived/config/model.hpp"

namespace stayalived::daemon {

/// What the global section shows that is not in the configuration itself.
struct DumpContext {
  /// uid:gid a `[user [group]]` resolves to (nullopt: the default script user).
  std::function<std::pair<uid_t, gid_t>(const std::optional<config::RunAs>&)> resolve_user =
      [](const std::optional<config::RunAs>&) { return std::pair<uid_t, gid_t>{0, 0}; };
  mode_t umask = 0177;                   ///< the process umask
  std::string router_id_default;         ///< host name, used when router_id is unset
};

/// keepalived's "------< Global definitions >------" section, one " Name = value" per line.
std::string dump_global_definitions(const config::Config& cfg, const DumpContext& ctx);

}  // namespace stayalived::daemon
