// The VRRP subsystem's answers to stayalivedctl: status, explain, maintenance and what a
// reload would change.
#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <set>

#include "stayalived/vrrp/from_config.hpp"
#include "vrrp_subsystem.hpp"

namespace stayalived::daemon {

namespace {

std::set<std::string> vip_set(const config::VrrpInstance& v) {
  std::set<std::string> out;
  for (const auto& a : v.virtual_ipaddress) out.insert(a.address.to_string());
  for (const auto& a : v.virtual_ipaddress_excluded) out.insert(a.address.to_string());
  return out;
}

// A reload keeps an instance (state and timers) when these are unchanged (vrrp/io/reload.cpp).
std::string identity(const config::VrrpInstance& v) {
  return fmt::format("{}|{}|{}|{}", v.name, v.interface.value_or(""), v.virtual_router_id.value_or(0),
                     vrrp::name(vrrp::instance_family(v)));
}

}  // namespace

void VrrpSubsystem::describe(boost::json::object& root) const {
  boost::json::array arr;
  for (const auto& i : runtime_.instances()) {
    boost::json::object o;
    o["name"] = i.name;
    o["interface"] = i.interface;
    o["vrid"] = i.vrid;
    o["state"] = std::string(vrrp::name(i.state));
    o["base_priority"] = i.base_priority;
    o["effective_priority"] = i.effective_priority;
    o["master"] = i.state == vrrp::State::Master ? (i.source ? i.source->to_string() : std::string("self"))
                  : i.master_address                ? i.master_address->to_string()
                                                    : std::string();
    if (i.group) o["sync_group"] = *i.group;
    o["maintenance"] = i.maintenance;
    o["handing_over"] = i.handing_over;
    const auto lt = last_transition_.find(i.name);
    o["since"] = lt == last_transition_.end() ? 0.0 : epoch_seconds(lt->second);
    boost::json::array vips;
    if (const auto* v = find(i.name))
      for (const auto& a : v->virtual_ipaddress) vips.emplace_back(a.address.to_string());
    o["vips"] = std::move(vips);
    arr.push_back(std::move(o));
  }
  root["vrrp"] = std::move(arr);
}

bool VrrpSubsystem::explain(std::string_view name, boost::json::object& out) const {
  const auto all = runtime_.instances();
  // A sync group: its members, each explained.
  if (const auto members = runtime_.group_members(name); !members.empty()) {
    out["kind"] = "sync_group";
    out["name"] = std::string(name);
    boost::json::array reasons;
    for (const auto& m : members) {
      boost::json::object sub;
      if (explain(m, sub))
        for (const auto& r : sub["reasons"].as_array()) reasons.emplace_back(fmt::format("{}: {}", m, std::string_view(r.as_string())));
    }
    out["reasons"] = std::move(reasons);
    return true;
  }
  const vrrp::InstanceInfo* info = nullptr;
  for (const auto& i : all)
    if (i.name == name) info = &i;
  if (info == nullptr) return false;
  const auto& i = *info;
  boost::json::array reasons;
  const auto lt = last_transition_.find(i.name);
  const std::string since = lt == last_transition_.end() ? std::string() : " since " + clock_time(lt->second);
  const auto ev = last_event_.find(i.name);
  const std::string state(vrrp::name(i.state));
  const std::string us = i.source ? i.source->to_string() : std::string("us");
  std::string why;
  if (i.handing_over) {
    why = "in maintenance by the operator: it sent priority 0 and keeps the VIPs until the new master advertises "
          "(at most a Master_Down_Interval)";
  } else if (i.maintenance) {
    why = fmt::format("in maintenance by the operator: it does not take over ('stayalivedctl resume {}' ends it)", i.name);
  } else if (i.state == vrrp::State::Fault) {
    why = "tracking holds it in FAULT";
    if (ev != last_event_.end() && !ev->second.faults.empty()) {
      why += ": ";
      for (std::size_t k = 0; k < ev->second.faults.size(); ++k) why += (k ? ", " : "") + ev->second.faults[k];
    }
  } else if (i.state == vrrp::State::Backup && i.master_address && (!i.source || *i.master_address != *i.source)) {
    const bool tie = i.master_priority == i.effective_priority;
    why = fmt::format("{} advertises priority {} {} our effective {}{}", i.master_address->to_string(), i.master_priority,
                      tie ? "=" : ">", i.effective_priority, tie ? " and has the higher address" : "");
    if (i.master_priority < i.effective_priority) {
      const auto* v = find(i.name);
      why = fmt::format("{} advertises priority {}, lower than our {}, and {}", i.master_address->to_string(),
                        i.master_priority, i.effective_priority,
                        v && v->nopreempt ? "nopreempt keeps us BACKUP" : "preempt_delay holds us back");
    }
  } else if (i.state == vrrp::State::Backup) {
    why = i.wants_master ? "its sync group waits for every member to be ready to take over"
                         : "no master heard yet: it takes over after Master_Down_Interval without an advert";
  } else if (i.state == vrrp::State::Master && ev != last_event_.end()) {
    switch (ev->second.cause) {
      case events::VrrpCause::AddressOwner: why = "it owns the addresses (priority 255)"; break;
      case events::VrrpCause::SyncGroup: why = "its sync group became MASTER"; break;
      default:
        why = ev->second.peer.empty()
                  ? "no advert from a master for Master_Down_Interval"
                  : fmt::format("no advert from a master for Master_Down_Interval (the last master was {} with priority {})",
                                ev->second.peer, ev->second.peer_priority);
    }
  }
  reasons.emplace_back(fmt::format("{}{}{}", state, since, why.empty() ? std::string() : " because " + why));
  // The priority and what makes it.
  std::string prio = fmt::format("effective priority {} (base {}", i.effective_priority, i.base_priority);
  const auto tracked = runtime_.tracked(i.name);
  for (const auto& t : tracked) {
    if (t.delta == 0 && !t.fault) continue;
    prio += fmt::format(", {} {} {}{}: {}", t.kind, t.name, t.up ? "up" : "failed",
                        t.detail.empty() ? std::string() : " (" + t.detail + ")",
                        t.fault ? std::string("FAULT") : fmt::format("weight {}{}", t.delta > 0 ? "+" : "", t.delta));
  }
  prio += ")";
  reasons.emplace_back(prio);
  for (const auto& t : tracked)
    if (t.delta == 0 && !t.fault)
      reasons.emplace_back(fmt::format("tracks {} {}: {}{}", t.kind, t.name, t.up ? "up" : "failed",
                                       t.detail.empty() ? std::string() : " (" + t.detail + ")"));
  if (ev != last_event_.end())
    reasons.emplace_back(fmt::format("last transition: {} -> {} ({}){}", events::name(ev->second.from),
                                     events::name(ev->second.to), events::name(ev->second.cause),
                                     ev->second.peer.empty() ? std::string()
                                                             : fmt::format(", peer {} priority {}", ev->second.peer,
                                                                           ev->second.peer_priority)));
  out["kind"] = "vrrp_instance";
  out["name"] = i.name;
  out["state"] = state;
  out["reasons"] = std::move(reasons);
  boost::json::array tr;
  for (const auto& t : tracked)
    tr.push_back(boost::json::object{{"kind", t.kind}, {"name", t.name}, {"up", t.up}, {"weight", t.weight},
                                     {"fault", t.fault}, {"delta", t.delta}, {"detail", t.detail}});
  out["tracked"] = std::move(tr);
  return true;
}

std::optional<Subsystem::CommandOutcome> VrrpSubsystem::command(std::string_view verb, std::string_view target,
                                                               const boost::json::object& /*args*/,
                                                               std::function<void(CommandOutcome)> /*done*/) {
  if (verb != "maintenance" && verb != "resume") return std::nullopt;
  const bool on = verb == "maintenance";
  std::vector<std::string> names = runtime_.group_members(target);
  const bool group = !names.empty();
  if (!group) {
    bool found = false;
    for (const auto& i : runtime_.instances()) found = found || i.name == target;
    if (!found) return std::nullopt;
    names.emplace_back(target);
  }
  for (const auto& n : names) runtime_.set_maintenance(n, on);
  std::string text = fmt::format("{} {} {}", group ? "sync group" : "instance", target,
                                 on ? "in maintenance: it hands over and stays BACKUP" : "resumed");
  if (group) {
    text += " (";
    for (std::size_t k = 0; k < names.size(); ++k) text += (k ? ", " : "") + names[k];
    text += ")";
  }
  return CommandOutcome{true, text};
}

void VrrpSubsystem::preview(const ConfigPtr& new_cfg, boost::json::object& out) const {
  boost::json::array changes;
  std::map<std::string, const config::VrrpInstance*> before, after;
  if (cfg_)
    for (const auto& v : cfg_->vrrp_instances) before[v.name] = &v;
  for (const auto& v : new_cfg->vrrp_instances) after[v.name] = &v;
  std::map<std::string, vrrp::State> state;
  for (const auto& i : runtime_.instances()) state[i.name] = i.state;
  for (const auto& [name, v] : before) {
    const auto it = after.find(name);
    if (it == after.end()) {
      changes.push_back(boost::json::object{{"instance", name}, {"change", "removed"},
                                            {"detail", state[name] == vrrp::State::Master ? "its VIPs are removed now" : ""}});
      continue;
    }
    const auto* w = it->second;
    if (identity(*v) != identity(*w)) {
      changes.push_back(boost::json::object{{"instance", name}, {"change", "replaced"},
                                            {"detail", "interface, VRID or family changed: it restarts in BACKUP"}});
      continue;
    }
    std::vector<std::string> what;
    if (v->priority != w->priority) what.push_back(fmt::format("priority {} -> {}", v->priority, w->priority));
    const auto a = vip_set(*v), b = vip_set(*w);
    const bool master = state[name] == vrrp::State::Master;
    for (const auto& x : b)
      if (!a.contains(x)) what.push_back(fmt::format("VIP {} added{}", x, master ? " (now: it is MASTER)" : ""));
    for (const auto& x : a)
      if (!b.contains(x)) what.push_back(fmt::format("VIP {} removed{}", x, master ? " (now: it is MASTER)" : ""));
    if (v->advert_int != w->advert_int) what.push_back("advert_int changed");
    if (v->track.scripts.size() != w->track.scripts.size() || v->track.interfaces.size() != w->track.interfaces.size())
      what.push_back("tracking changed");
    if (!what.empty()) {
      std::string d;
      for (std::size_t k = 0; k < what.size(); ++k) d += (k ? "; " : "") + what[k];
      changes.push_back(boost::json::object{{"instance", name}, {"change", "changed"}, {"detail", d}});
    }
  }
  for (const auto& [name, w] : after)
    if (!before.contains(name))
      changes.push_back(boost::json::object{{"instance", name}, {"change", "added"}, {"detail", "starts in BACKUP"}});
  out["vrrp"] = std::move(changes);
}

}  // namespace stayalived::daemon
