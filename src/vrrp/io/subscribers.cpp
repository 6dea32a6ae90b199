#include "stayalived/vrrp/subscribers.hpp"

#include <algorithm>

#include "stayalived/notify/events.hpp"
#include "stayalived/vrrp/wording.hpp"

namespace stayalived::vrrp {

namespace {

State core_state(events::VrrpState s) {
  switch (s) {
    case events::VrrpState::Init: return State::Init;
    case events::VrrpState::Backup: return State::Backup;
    case events::VrrpState::Master: return State::Master;
    case events::VrrpState::Fault: return State::Fault;
  }
  return State::Init;
}

notify::VrrpEvent word_of(events::VrrpState s) {
  switch (s) {
    case events::VrrpState::Master: return notify::VrrpEvent::Master;
    case events::VrrpState::Backup: return notify::VrrpEvent::Backup;
    case events::VrrpState::Fault: return notify::VrrpEvent::Fault;
    case events::VrrpState::Init: return notify::VrrpEvent::Stop;
  }
  return notify::VrrpEvent::Fault;
}

const std::optional<config::Script>* script_for(const config::VrrpNotify& n, events::VrrpState s) {
  switch (s) {
    case events::VrrpState::Master: return &n.master;
    case events::VrrpState::Backup: return &n.backup;
    case events::VrrpState::Fault: return &n.fault;
    case events::VrrpState::Init: return &n.stop;
  }
  return nullptr;
}

void run(ScriptHost& host, const std::optional<config::Script>* script) {
  if (script && *script && !(*script)->argv.empty()) host.notify(**script, {});
}

}  // namespace

void log_transitions(events::Bus& bus, log::Channel log) {
  bus.on<events::VrrpInstanceTransition>([log](const events::VrrpInstanceTransition& t) {
    if (t.from == events::VrrpState::Init && t.to == events::VrrpState::Fault) {
      for (const auto& l : startup_fault_lines(t.instance, t.faults)) log.info("{}", l);
      return;
    }
    // "Entering MASTER STATE" was logged as the transition began (Note::Kind::EnteringMaster),
    // before the VIPs were set, where keepalived writes it.
    if (t.to == events::VrrpState::Master) return;
    const auto line = transition_line(t.instance, core_state(t.to), t.cause == events::VrrpCause::Startup);
    if (!line.empty()) log.info("{}", line);
  });
}

void run_notify_scripts(events::Bus& bus, ScriptHost& host, NotifyLookup lookup) {
  bus.on<events::VrrpInstanceTransition>([&host, lookup](const events::VrrpInstanceTransition& t) {
    const config::VrrpInstance* conf = lookup.instance(t.instance);
    if (!conf) return;
    const auto& n = conf->notify;
    // notify_deleted: DELETED; otherwise a removed instance is reported as FAULT.
    const bool deleted = t.cause == events::VrrpCause::Deleted;
    const auto* script = deleted ? (n.deleted_set ? &n.deleted : &n.fault) : script_for(n, t.to);
    const auto ev = deleted ? (n.deleted_set ? notify::VrrpEvent::Deleted : notify::VrrpEvent::Fault) : word_of(t.to);
    run(host, script);
    if (n.any) host.notify(*n.any, {"INSTANCE", t.instance, std::string(notify::event_word(ev)), std::to_string(t.priority)});
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, t.instance, ev, t.priority));
  });
  bus.on<events::VrrpGroupTransition>([&host, lookup](const events::VrrpGroupTransition& g) {
    const config::Config* cfg = lookup.config();
    if (!cfg) return;
    for (const auto& sg : cfg->sync_groups) {
      if (sg.name != g.group) continue;
      const auto ev = word_of(g.to);
      run(host, script_for(sg.notify, g.to));
      if (sg.notify.any) host.notify(*sg.notify.any, {"GROUP", g.group, std::string(notify::event_word(ev)), "0"});
      host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Group, g.group, ev, 0));  // a group's priority is 0
    }
  });
  bus.on<events::VrrpLowerPriorityAdvert>([&host, lookup](const events::VrrpLowerPriorityAdvert& a) {
    const config::VrrpInstance* conf = lookup.instance(a.instance);
    if (conf && conf->notify.master_rx_lower_pri) host.notify(*conf->notify.master_rx_lower_pri, {});
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, a.instance, notify::VrrpEvent::MasterRxLowerPri,
                                     a.priority));
  });
  bus.on<events::VrrpPriorityChange>([&host, lookup](const events::VrrpPriorityChange& c) {
    const config::VrrpInstance* conf = lookup.instance(c.instance);
    const config::Config* cfg = lookup.config();
    if (!conf || !(conf->notify_priority_changes || (cfg && cfg->global.vrrp_notify_priority_changes))) return;
    const bool master = c.state == events::VrrpState::Master;
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, c.instance,
                                     master ? notify::VrrpEvent::MasterPriority : notify::VrrpEvent::BackupPriority,
                                     c.to));
  });
}

}  // namespace stayalived::vrrp

namespace stayalived::vrrp {

void write_states_to_fifos(const std::vector<InstanceInfo>& instances, const config::Config& cfg, ScriptHost& host) {
  const auto event = [](State s) {
    switch (s) {
      case State::Master: return notify::VrrpEvent::Master;
      case State::Backup: return notify::VrrpEvent::Backup;
      case State::Fault: return notify::VrrpEvent::Fault;
      case State::Init: break;
    }
    return notify::VrrpEvent::Stop;
  };
  for (const auto& i : instances)
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, i.name, event(i.state), i.effective_priority));
  for (const auto& sg : cfg.sync_groups) {
    bool fault = false, all_master = !sg.group.empty();
    for (const auto& member : sg.group) {
      const auto it = std::find_if(instances.begin(), instances.end(), [&](const InstanceInfo& i) { return i.name == member; });
      if (it == instances.end()) continue;
      fault = fault || it->state == State::Fault;
      all_master = all_master && it->state == State::Master;
    }
    const auto ev = fault ? notify::VrrpEvent::Fault : all_master ? notify::VrrpEvent::Master : notify::VrrpEvent::Backup;
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Group, sg.name, ev, 0));
  }
}

}  // namespace stayalived::vrrp
