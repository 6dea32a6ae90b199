// STEPPING STONE (see README in this folder): a small reader for the subset of
// keepalived.conf the VRRP namespace scenarios use, building the real config model, until
// config::load_file is on main. The daemon, not this driver, is the final state.
#pragma once

#include <string>

#include "stayalived/common/expected.hpp"
#include "stayalived/config/model.hpp"

namespace vrrp_driver {

/// Reads `path`; errors name the line.
stayalived::Result<stayalived::config::Config> read_conf(const std::string& path);

}  // namespace vrrp_driver
