#include "stayalived/vrrp/engine.hpp"

#include <algorithm>
#include <deque>

namespace stayalived::vrrp {

InstanceId Engine::add(InstanceConfig cfg) {
  instances_.push_back(std::make_unique<Instance>(std::move(cfg)));
  group_of_.emplace_back();
  return instances_.size() - 1;
}

GroupId Engine::add_group(std::string name, std::vector<InstanceId> members) {
  const GroupId g = groups_.size();
  for (InstanceId m : members) {
    group_of_.at(m) = g;
    auto cfg = instances_.at(m)->config();
    if (!cfg.sync_group_member) {
      cfg.sync_group_member = true;
      (void)instances_[m]->reconfigure(std::move(cfg), TimePoint{});  // not started: no actions
    }
  }
  groups_.push_back(Group{std::move(name), std::move(members), State::Init});
  return g;
}

void Engine::remove(InstanceId id) {
  if (!exists(id)) return;
  if (auto g = group_of_[id]) {
    auto& m = groups_[*g].members;
    m.erase(std::remove(m.begin(), m.end(), id), m.end());
  }
  instances_[id].reset();
  group_of_[id].reset();
}

void Engine::clear_groups() {
  groups_.clear();
  for (auto& g : group_of_) g.reset();
}

std::vector<InstanceId> Engine::ids() const {
  std::vector<InstanceId> v;
  for (InstanceId i = 0; i < instances_.size(); ++i)
    if (instances_[i]) v.push_back(i);
  return v;
}

std::optional<InstanceId> Engine::find(std::string_view name) const {
  for (InstanceId i = 0; i < instances_.size(); ++i)
    if (instances_[i] && instances_[i]->config().name == name) return i;
  return std::nullopt;
}

std::optional<GroupId> Engine::group_of(InstanceId id) const {
  return id < group_of_.size() ? group_of_[id] : std::nullopt;
}

EngineOutput Engine::handle(InstanceId id, const Event& e, TimePoint now) {
  EngineOutput out;
  if (!exists(id)) return out;
  run({Pending{id, e}}, now, out);
  return out;
}

EngineOutput Engine::reconfigure(InstanceId id, InstanceConfig cfg, TimePoint now) {
  EngineOutput out;
  if (!exists(id)) return out;
  cfg.sync_group_member = group_of_[id].has_value();
  for (auto& a : instances_[id]->reconfigure(std::move(cfg), now)) out.push_back(InstanceAction{id, std::move(a)});
  return out;
}

void Engine::run(std::vector<Pending> initial, TimePoint now, EngineOutput& out) {
  std::deque<Pending> queue(initial.begin(), initial.end());
  std::vector<GroupId> touched;
  // Bounded: each member can change state at most a few times per input (Backup, Master,
  // Fault); the bound only guards against a logic error looping forever.
  std::size_t budget = 64 + 16 * instances_.size();
  while (!queue.empty() && budget-- > 0) {
    Pending p = std::move(queue.front());
    queue.pop_front();
    if (!exists(p.id)) continue;
    Actions acts = instances_[p.id]->handle(p.event, now);
    for (const auto& a : acts) out.push_back(InstanceAction{p.id, a});
    if (auto g = group_of_[p.id]) {
      std::vector<Pending> more;
      react(*g, p.id, acts, more, out);
      for (auto& m : more) queue.push_back(std::move(m));
      more.clear();
      settle_faults(*g, p.id, queue, more, out);
      for (auto& m : more) queue.push_back(std::move(m));
      if (std::find(touched.begin(), touched.end(), *g) == touched.end()) touched.push_back(*g);
    }
  }
  for (GroupId g : touched) update_group_state(g, out);
}

void Engine::react(GroupId g, InstanceId who, const Actions& acts, std::vector<Pending>& queue, EngineOutput& out) {
  const auto& members = groups_[g].members;
  auto command_others = [&](SyncCommand::Kind k, State target) {
    bool any = false;
    for (InstanceId m : members) {
      if (m == who || !exists(m)) continue;
      const State s = instances_[m]->state();
      const bool needed = (k == SyncCommand::Kind::ToMaster && s == State::Backup) ||
                          (k == SyncCommand::Kind::ToBackup && s == State::Master);
      if (!needed) continue;
      if (!any) out.push_back(GroupSyncing{g, target});
      any = true;
      queue.push_back(Pending{m, SyncCommand{k, Reason::SyncGroup}});
    }
  };
  for (const auto& a : acts) {
    if (const auto* t = std::get_if<Transition>(&a)) {
      if (t->reason == Reason::SyncGroup || t->reason == Reason::Shutdown) continue;
      if (t->to == State::Master)
        command_others(SyncCommand::Kind::ToMaster, State::Master);
      else if (t->from == State::Master && t->to == State::Backup)
        command_others(SyncCommand::Kind::ToBackup, State::Backup);
    } else if (std::holds_alternative<WantMaster>(a)) {
      const bool all_ready = std::all_of(members.begin(), members.end(), [&](InstanceId m) {
        if (m == who || !exists(m)) return true;
        const Instance& i = *instances_[m];
        return i.state() == State::Master || (i.state() == State::Backup && i.wants_master());
      });
      if (all_ready) queue.push_back(Pending{who, SyncCommand{SyncCommand::Kind::ToMaster, Reason::MasterDown}});
    }
  }
}

void Engine::settle_faults(GroupId g, InstanceId who, const std::deque<Pending>& pending,
                           std::vector<Pending>& queue, EngineOutput& out) {
  const auto& members = groups_[g].members;
  const bool group_fault = std::any_of(members.begin(), members.end(), [&](InstanceId m) {
    return exists(m) && instances_[m]->tracking_fault();
  });
  // Only started members take part (the Init state ignores sync commands anyway).
  // A member with a command still queued will be looked at again after it.
  auto pending_for = [&](InstanceId m) {
    return std::any_of(pending.begin(), pending.end(), [&](const Pending& p) { return p.id == m; });
  };
  std::vector<InstanceId> targets;
  for (InstanceId m : members) {
    if (!exists(m) || instances_[m]->state() == State::Init || pending_for(m)) continue;
    if (instances_[m]->group_fault() != group_fault) targets.push_back(m);
  }
  if (targets.empty()) return;
  const auto kind = group_fault ? SyncCommand::Kind::Fault : SyncCommand::Kind::FaultCleared;
  // The member whose event changed things moves first, then the group follows it.
  std::stable_partition(targets.begin(), targets.end(), [&](InstanceId m) { return m == who; });
  bool announced = false;
  for (InstanceId m : targets) {
    if (m != who && !announced) {
      out.push_back(GroupSyncing{g, group_fault ? State::Fault : State::Backup});
      announced = true;
    }
    const Reason why = m == who && !group_fault ? Reason::FaultCleared : Reason::SyncGroup;
    queue.push_back(Pending{m, SyncCommand{kind, why}});
  }
}

void Engine::update_group_state(GroupId g, EngineOutput& out) {
  Group& grp = groups_[g];
  bool all_init = true, any_init = false, all_master = true, any_fault = false;
  for (InstanceId m : grp.members) {
    if (!exists(m)) continue;
    const State s = instances_[m]->state();
    all_init = all_init && s == State::Init;
    any_init = any_init || s == State::Init;
    all_master = all_master && s == State::Master;
    any_fault = any_fault || s == State::Fault;
  }
  State now_state = State::Backup;
  if (all_init)
    now_state = State::Init;
  else if (any_init)
    now_state = grp.state;  // members starting or stopping one by one: no change until all are
  else if (any_fault)
    now_state = State::Fault;
  else if (all_master)
    now_state = State::Master;
  if (now_state != grp.state) {
    out.push_back(GroupTransition{g, grp.state, now_state});
    grp.state = now_state;
  }
}

}  // namespace stayalived::vrrp
