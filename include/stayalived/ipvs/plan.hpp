// plan(): the pure difference between the IPVS table we want and the one the kernel has,
// as the shortest ordered list of operations that turns one into the other (after
// Katran's Vip delta). No I/O: the Reconciler executes the list through a Backend.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "stayalived/ipvs/model.hpp"

namespace stayalived::ipvs {

/// The six writes the kernel offers for services and destinations.
enum class OpKind : std::uint8_t { AddService, EditService, DeleteService, AddDest, EditDest, DeleteDest };

/// "add service", "edit destination", ...
std::string_view to_string(OpKind k);

/// One write to the kernel. Service ops use `service`; destination ops use `service.key`
/// and `dest`.
struct Op {
  OpKind kind = OpKind::AddService;
  Service service{};
  Destination dest{};

  /// True for the three destination ops.
  bool is_dest() const { return kind >= OpKind::AddDest; }
  /// The object it acts on: "TCP 10.0.0.1:80" or "TCP 10.0.0.1:80 -> 10.0.0.2:80".
  std::string object() const;
  bool operator==(const Op&) const = default;
};

/// What we created or adopted, and therefore may change or remove. Rules outside it
/// (another tool's services, a destination an operator added by hand to one of our
/// services) are never touched.
struct Ownership {
  std::set<ServiceKey> services{};
  std::set<std::pair<ServiceKey, DestKey>> dests{};

  /// True if the service is ours.
  bool owns(const ServiceKey& k) const { return services.contains(k); }
  /// True if that destination of the service is ours.
  bool owns(const ServiceKey& k, const DestKey& d) const { return dests.contains({k, d}); }
  /// Takes ownership of everything in `s`.
  void claim(const State& s);
  /// Forgets a service and all of its destinations.
  void release(const ServiceKey& k);
};

/// The minimal ordered operations turning `observed` into `desired`, touching only what
/// `desired` names or `owned` holds:
///  1. per service in key order: add it (then its destinations) or edit it in place, then
///     add or edit its destinations (weights, forwarding, thresholds: edits, never
///     delete + add, so connections survive);
///  2. delete owned destinations no longer desired (after the adds, so a pool is never
///     empty in between: a sorry server goes in before the real servers go out);
///  3. delete owned services no longer desired (their destinations go with them).
std::vector<Op> plan(const State& desired, const State& observed, const Ownership& owned);

/// Applies a successful operation to a model of the kernel table (the Reconciler's cache
/// and the fake backend).
void apply_to(State& table, const Op& op);

}  // namespace stayalived::ipvs
