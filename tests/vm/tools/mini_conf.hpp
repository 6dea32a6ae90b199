// TEMPORARY, test-only: reads the LVS subset of keepalived.conf (global_defs LVS keywords,
// vrrp_instance names and VRIDs, virtual_server_group, virtual_server, real_server) into
// the config model, so the VM tests can give our IPVS code and the real keepalived the
// same file before config::load_file lands on main. It is not a keepalived.conf parser:
// no include, no @/$/~ preprocessing, no validation, unknown keywords are skipped.
// Replace with config::load_file when it is available.
#pragma once

#include <string>

#include "stayalived/common/expected.hpp"
#include "stayalived/config/model.hpp"

namespace mini_conf {

/// Reads `path`; an error names the line.
stayalived::Expected<stayalived::config::Config, std::string> load(const std::string& path);

}  // namespace mini_conf
