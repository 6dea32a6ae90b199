#include "stayalived/ipvs/fake_backend.hpp"

#include <algorithm>

namespace stayalived::ipvs {

Result<State> FakeBackend::dump(const std::function<bool(const ServiceKey&)>& with_dests) {
  ++dumps;
  ++counters_.reads;
  if (dump_error) return Unexpected(*dump_error);
  State out;
  for (const auto& [k, e] : table.services) {
    if (dump_skips && dump_skips(k)) continue;
    auto& copy = out.put(e.service);
    if (with_dests && with_dests(k)) {
      copy.dests = e.dests;
      ++counters_.reads;
    }
  }
  return out;
}

Result<std::optional<ServiceEntry>> FakeBackend::lookup(const ServiceKey& key) {
  ++lookups;
  ++counters_.reads;
  if (dump_error) return Unexpected(*dump_error);
  const ServiceEntry* e = table.find(key);
  if (e == nullptr) return std::optional<ServiceEntry>{};
  return std::optional<ServiceEntry>{*e};
}

Result<std::vector<ServiceStats>> FakeBackend::stats(const std::function<bool(const ServiceKey&)>& with_dests) {
  ++counters_.reads;
  if (dump_error) return Unexpected(*dump_error);
  std::vector<ServiceStats> out;
  for (const auto& [k, e] : table.services) {
    ServiceStats s{.key = k, .traffic = {}, .dests = {}};
    if (auto it = service_traffic.find(k); it != service_traffic.end()) s.traffic = it->second;
    if (with_dests && with_dests(k)) {
      ++counters_.reads;
      for (const auto& [dk, d] : e.dests) {
        DestStats ds{.key = dk, .weight = d.weight};
        if (auto it = dest_traffic.find({k, dk}); it != dest_traffic.end()) ds.traffic = it->second;
        s.dests.push_back(ds);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<OpError> FakeBackend::execute(std::span<const Op> ops) {
  std::vector<OpError> results;
  results.reserve(ops.size());
  if (!ops.empty()) ++counters_.sends;
  for (const auto& op : ops) {
    ++counters_.writes;
    ++counters_.received;
    log.push_back(op);
    OpError e = inject ? inject(op) : 0;
    if (e == 0) e = run(op);
    if (e == 0 && lose_ack && lose_ack(op)) e = kLost;
    ++(e == 0 ? counters_.acked : e == kLost ? counters_.lost : counters_.refused);
    results.push_back(e);
  }
  return results;
}

OpError FakeBackend::run(const Op& op) {
  auto it = table.services.find(op.service.key);
  switch (op.kind) {
    case OpKind::AddService:
      if (it != table.services.end()) return EEXIST;
      if (!schedulers.contains(op.service.scheduler)) return ENOENT;
      if (!op.service.pe_name.empty() && !persistence_engines.contains(op.service.pe_name)) return ENOENT;
      break;
    case OpKind::EditService:
      if (it == table.services.end()) return ESRCH;
      if (!schedulers.contains(op.service.scheduler)) return ENOENT;
      if (!op.service.pe_name.empty() && !persistence_engines.contains(op.service.pe_name)) return ENOENT;
      break;
    case OpKind::DeleteService:
      if (it == table.services.end()) return ESRCH;
      break;
    case OpKind::AddDest:
    case OpKind::EditDest:
    case OpKind::DeleteDest: {
      if (it == table.services.end()) return ESRCH;
      bool exists = it->second.dests.contains(op.dest.key);
      if (op.kind == OpKind::AddDest && exists) return EEXIST;
      if (op.kind != OpKind::AddDest && !exists) return ENOENT;
      // The kernel accepts a destination of another family only for tunnels.
      if (op.kind != OpKind::DeleteDest && op.dest.key.address.family != op.service.key.family &&
          op.dest.forward != Forward::Tunnel)
        return EINVAL;
      if (op.kind != OpKind::DeleteDest && op.dest.lower_threshold > op.dest.upper_threshold) return ERANGE;
      break;
    }
  }
  apply_to(table, op);
  return 0;
}

Result<void> FakeBackend::flush() {
  ++counters_.writes;
  ++counters_.sends;
  table.services.clear();
  return {};
}

Result<void> FakeBackend::set_timeouts(const Timeouts& t) {
  ++counters_.writes;
  ++counters_.sends;
  if (t.tcp) current_timeouts.tcp = t.tcp;
  if (t.tcp_fin) current_timeouts.tcp_fin = t.tcp_fin;
  if (t.udp) current_timeouts.udp = t.udp;
  return {};
}

Result<void> FakeBackend::start_sync_daemon(const SyncDaemon& d) {
  ++counters_.writes;
  ++counters_.sends;
  for (const auto& x : daemons)
    if (x.role == d.role) return Unexpected(Error{"File exists", EEXIST});
  daemons.push_back(d);
  return {};
}

Result<void> FakeBackend::stop_sync_daemon(SyncRole role) {
  ++counters_.writes;
  ++counters_.sends;
  auto it = std::find_if(daemons.begin(), daemons.end(), [&](const SyncDaemon& d) { return d.role == role; });
  if (it == daemons.end()) return Unexpected(Error{"No such process", ESRCH});
  daemons.erase(it);
  return {};
}

}  // namespace stayalived::ipvs
