// The checker runtime's Definition from a loaded configuration (config::Config). Written
// once here so that the daemon only calls from_config() and Runtime::apply(). Pure.
#pragma once

#include <string>
#include <vector>

#include "stayalived/check/definition.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::check {

/// The key of a configured virtual server.
VirtualServerKey key_of(const config::VirtualServer& vs);

/// Builds the Definition: every virtual server in file order, each real server with its
/// checkers resolved (targets from connect_ip/connect_port or the real server, timing as
/// the loader inherited it, virtualhost from url, checker, real server or virtual server,
/// FILE_CHECK paths from their track_file, smtp_alert defaults of keepalived.conf(5)).
/// Checkers that cannot run here (BFD_CHECK, FILE_CHECK naming an unknown track_file) are
/// left out with a line in `warnings`.
Definition from_config(const config::Config& cfg, std::vector<std::string>* warnings = nullptr);

}  // namespace stayalived::check
