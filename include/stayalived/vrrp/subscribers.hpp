// Subscribers of the event stream for VRRP: keepalived's log lines for transitions, and the
// notify scripts and FIFO lines keepalived runs and writes for them. The runtime publishes
// (runtime.hpp); these react; neither knows the other beyond the event values and the
// configuration lookups given here.
#pragma once

#include <functional>
#include <string_view>

#include "stayalived/common/event_stream.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/vrrp/runtime.hpp"

namespace stayalived::vrrp {

/// Logs "(VI_1) Entering MASTER STATE" and the like for every instance transition.
void log_transitions(events::Bus& bus, log::Channel log);

/// What the notify subscriber needs to know of the configuration, at the time of an event.
struct NotifyLookup {
  /// The instance's configuration (also while a reload removes it), or nullptr.
  std::function<const config::VrrpInstance*(std::string_view)> instance;
  /// The configuration running now (sync groups, global settings), or nullptr.
  std::function<const config::Config*()> config;
};

/// keepalived's notify_* scripts and FIFO lines for VRRP events: on a transition the state's
/// script (notify_master, _backup, _fault, _stop; notify_deleted or _fault for an instance a
/// reload removed), then the generic `notify` script with INSTANCE|GROUP NAME STATE PRIORITY,
/// then the FIFO line; notify_master_rx_lower_pri; priority changes on the FIFO with
/// notify_priority_changes.
void run_notify_scripts(events::Bus& bus, ScriptHost& host, NotifyLookup lookup);

/// fifo_write_vrrp_states_on_reload: the state of every instance, then of every sync group
/// (FAULT if a member is, MASTER if all are, else BACKUP), as FIFO lines.
void write_states_to_fifos(const std::vector<InstanceInfo>& instances, const config::Config& cfg, ScriptHost& host);

}  // namespace stayalived::vrrp
