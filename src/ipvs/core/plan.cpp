#include "stayalived/ipvs/plan.hpp"

#include <fmt/format.h>

namespace stayalived::ipvs {

std::string_view to_string(OpKind k) {
  switch (k) {
    case OpKind::AddService: return "add service";
    case OpKind::EditService: return "edit service";
    case OpKind::DeleteService: return "delete service";
    case OpKind::AddDest: return "add destination";
    case OpKind::EditDest: return "edit destination";
    case OpKind::DeleteDest: return "delete destination";
  }
  return "?";
}

std::string Op::object() const {
  if (!is_dest()) return service.key.to_string();
  return fmt::format("{} -> {}", service.key.to_string(), dest.key.to_string());
}

void Ownership::claim(const State& s) {
  for (const auto& [k, e] : s.services) {
    services.insert(k);
    for (const auto& [dk, d] : e.dests) dests.insert({k, dk});
  }
}

void Ownership::release(const ServiceKey& k) {
  services.erase(k);
  // DestKey{} (0.0.0.0:0, the first family) is below every destination of k.
  auto it = dests.lower_bound({k, DestKey{}});
  while (it != dests.end() && it->first == k) it = dests.erase(it);
}

namespace {

Op service_op(OpKind kind, const Service& s) { return Op{.kind = kind, .service = s, .dest = {}}; }

Op dest_op(OpKind kind, const Service& s, const Destination& d) {
  return Op{.kind = kind, .service = s, .dest = d};
}

}  // namespace

std::vector<Op> plan(const State& desired, const State& observed, const Ownership& owned) {
  std::vector<Op> ops;
  std::vector<Op> dest_deletes;
  std::vector<Op> service_deletes;

  for (const auto& [key, want] : desired.services) {
    const ServiceEntry* have = observed.find(key);
    if (have == nullptr) {
      ops.push_back(service_op(OpKind::AddService, want.service));
      for (const auto& [dk, d] : want.dests) ops.push_back(dest_op(OpKind::AddDest, want.service, d));
      continue;
    }
    if (!want.service.same_settings(have->service)) ops.push_back(service_op(OpKind::EditService, want.service));
    for (const auto& [dk, d] : want.dests) {
      auto it = have->dests.find(dk);
      if (it == have->dests.end())
        ops.push_back(dest_op(OpKind::AddDest, want.service, d));
      else if (!d.same_settings(it->second))
        ops.push_back(dest_op(OpKind::EditDest, want.service, d));
    }
    for (const auto& [dk, d] : have->dests) {
      if (!want.dests.contains(dk) && owned.owns(key, dk))
        dest_deletes.push_back(dest_op(OpKind::DeleteDest, want.service, d));
    }
  }
  for (const auto& [key, have] : observed.services) {
    if (!desired.services.contains(key) && owned.owns(key))
      service_deletes.push_back(service_op(OpKind::DeleteService, have.service));
  }
  ops.insert(ops.end(), dest_deletes.begin(), dest_deletes.end());
  ops.insert(ops.end(), service_deletes.begin(), service_deletes.end());
  return ops;
}

void apply_to(State& table, const Op& op) {
  switch (op.kind) {
    case OpKind::AddService:
    case OpKind::EditService:
      table.put(op.service);
      break;
    case OpKind::DeleteService:
      table.services.erase(op.service.key);
      break;
    case OpKind::AddDest:
    case OpKind::EditDest:
      table.put(op.service.key, op.dest);
      break;
    case OpKind::DeleteDest:
      if (auto it = table.services.find(op.service.key); it != table.services.end())
        it->second.dests.erase(op.dest.key);
      break;
  }
}

}  // namespace stayalived::ipvs
