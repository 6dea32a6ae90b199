// Internal: what the files of the validation pass share (validate.cpp: the VRRP rules and
// the order of the phases; validate_lvs.cpp: the LVS rules; validate_scripts.cpp: scripts
// and enable_script_security): the pass's context and the phases defined apart.
#pragma once

#include <fmt/format.h>

#include <string>
#include <variant>

#include "diag.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// What every rule of the pass works on: the config (corrected in place), the load's
/// options, the diagnostics and the reading order.
struct VCtx {
  Config& cfg;
  const LoadOptions& opts;
  DiagSink& diags;
  const LineOrder& order;

  // With dynamic_interfaces, interfaces may appear later: keepalived does not check them.
  bool iface_exists(const std::string& name) const {
    return cfg.global.dynamic_interfaces || !opts.interface_exists || opts.interface_exists(name);
  }
  bool before(const Loc& a, const Loc& b) const { return order.of(a) < order.of(b); }

  // An interface the VRRP side names (an instance's, a tracked one, an address's or a
  // route's dev, a linkbeat interface): keepalived's VRRP process reports each missing one,
  // then stops with "Non-existent interface specified in configuration" before it checks
  // its scripts' security (measured with keepalived 2.2.7 -t: exit 5, where the same config
  // with the interface present exits 6 for a root script).
  bool vrrp_iface_exists(const std::string& name) {
    const bool ok = iface_exists(name);
    if (!ok) missing_vrrp_interface = true;
    return ok;
  }
  bool missing_vrrp_interface = false;
  bool vrrp_scripts_as_root = false;  // set by validate_scripts; the summary waits for the interfaces
};

/// "virtual_server ADDRESS PORT", "virtual_server fwmark N" or "virtual_server group NAME".
inline std::string vs_label(const VirtualServer& vs) {
  if (const auto* a = std::get_if<VsAddress>(&vs.key)) return fmt::format("virtual_server {} {}", a->address.to_string(), a->port);
  if (const auto* f = std::get_if<VsFwmark>(&vs.key)) return fmt::format("virtual_server fwmark {}", f->mark);
  return fmt::format("virtual_server group {}", std::get<VsGroup>(vs.key).name);
}

/// The LVS rules (virtual_server_group, virtual_server, real_server, checkers); may remove
/// virtual servers (and their scripts). Defined in validate_lvs.cpp.
void validate_lvs(VCtx& c);
/// Scripts: found on the search path, run as an existing user, and safe under
/// enable_script_security; may remove vrrp_scripts. Defined in validate_scripts.cpp.
void validate_scripts(VCtx& c);
/// After the VRRP rules: keepalived's summary of a missing interface, else the VRRP
/// scripts' security summary. Defined in validate_scripts.cpp.
void vrrp_script_security_summary(VCtx& c);

}  // namespace stayalived::config::detail
