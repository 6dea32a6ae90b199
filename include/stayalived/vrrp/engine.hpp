// The pure VRRP engine: every instance and sync group of a configuration, and the rules that
// make sync group members move together (keepalived.conf(5) "vrrp_sync_group"). Like an
// Instance it owns no I/O: `handle` delivers one event to one instance, lets the groups
// react, and returns every resulting action in order, tagged with its instance. The I/O
// shell (runtime.hpp) executes them.
//
// Sync group rules, as keepalived 2.2.7 applies them:
//  - a member whose Master_Down_Timer fires only becomes Master once every other member
//    wants to as well (or already is); then the whole group goes Master ("Syncing instances
//    to MASTER state");
//  - a member that goes Master or falls back to Backup takes the others along;
//  - a member with a tracking fault puts the whole group in FAULT until no member has one.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "stayalived/vrrp/instance.hpp"

namespace stayalived::vrrp {

/// Index of an instance in the engine (stable while the instance exists).
using InstanceId = std::size_t;
/// Index of a sync group.
using GroupId = std::size_t;

/// An action of one instance.
struct InstanceAction {
  InstanceId instance;
  Action action;
};
/// A sync group makes its members follow one of them ("VRRP_Group(G) Syncing instances to
/// MASTER state").
struct GroupSyncing {
  GroupId group;
  State target;
};
/// A sync group's own state changed (for the group's notify scripts: "GROUP G STATE 0").
struct GroupTransition {
  GroupId group;
  State from;
  State to;
};
/// One item of the engine's output, in the order things happened.
using EngineItem = std::variant<InstanceAction, GroupSyncing, GroupTransition>;
using EngineOutput = std::vector<EngineItem>;

/// All instances and sync groups of one configuration.
class Engine {
 public:
  /// Adds an instance; returns its id.
  InstanceId add(InstanceConfig cfg);
  /// Adds a sync group of existing instances (marks them sync_group_member).
  GroupId add_group(std::string name, std::vector<InstanceId> members);
  /// Removes an instance (after it was shut down) from the engine and its group.
  void remove(InstanceId id);
  /// Forgets every sync group (a reload adds them again); members stay as they are.
  void clear_groups();

  /// Delivers `e` to instance `id` at `now`.
  EngineOutput handle(InstanceId id, const Event& e, TimePoint now);

  /// Reconfigures an instance in place (reload); see Instance::reconfigure.
  EngineOutput reconfigure(InstanceId id, InstanceConfig cfg, TimePoint now);

  bool exists(InstanceId id) const { return id < instances_.size() && instances_[id] != nullptr; }
  Instance& instance(InstanceId id) { return *instances_.at(id); }
  const Instance& instance(InstanceId id) const { return *instances_.at(id); }
  /// Ids of live instances, in the order they were added.
  std::vector<InstanceId> ids() const;
  /// Finds an instance by name.
  std::optional<InstanceId> find(std::string_view name) const;

  /// The group an instance belongs to, if any.
  std::optional<GroupId> group_of(InstanceId id) const;
  const std::string& group_name(GroupId g) const { return groups_.at(g).name; }
  const std::vector<InstanceId>& group_members(GroupId g) const { return groups_.at(g).members; }
  State group_state(GroupId g) const { return groups_.at(g).state; }

 private:
  struct Group {
    std::string name;
    std::vector<InstanceId> members;
    State state = State::Init;
  };
  struct Pending {
    InstanceId id;
    Event event;
  };

  void run(std::vector<Pending> queue, TimePoint now, EngineOutput& out);
  void react(GroupId g, InstanceId who, const Actions& acts, std::vector<Pending>& queue, EngineOutput& out);
  void settle_faults(GroupId g, InstanceId who, const std::deque<Pending>& pending, std::vector<Pending>& queue,
                     EngineOutput& out);
  void update_group_state(GroupId g, EngineOutput& out);

  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::optional<GroupId>> group_of_;
  std::vector<Group> groups_;
};

}  // namespace stayalived::vrrp
