// The canonical text of a configuration (-d/--dump-conf and the golden tests).
#pragma once

#include <string>

#include "stayalived/config/model.hpp"

namespace stayalived::config {

/// Canonical, deterministic keepalived.conf text of `cfg`: every block in model order,
/// settings in a fixed order, only those that differ from keepalived's defaults (or are
/// set, for optional ones), inherited checker settings written out. Loading the dump gives
/// a Config equal (==) to `cfg` for the golden and corpus configs; the config fuzzer still
/// finds exceptions among inputs the validator had to repair (tests/fuzz/fuzz_config_parse.cpp).
std::string dump(const Config& cfg);

}  // namespace stayalived::config
