// The VRRP shell's reload: a new configuration applied without a failover. Instances whose
// identity (name, interface, VRID, family) is unchanged keep their state and timers and take
// their new settings (from the same conversion as at start, make_inst / instance_setup);
// the Masters' addresses change by difference; removed instances stop (notify DELETED or
// FAULT); new ones start; trackers are rebuilt, a vrrp_script keeping its state if its block
// did not change.
#include "runtime_impl.hpp"

namespace stayalived::vrrp {

bool Runtime::Impl::same_identity(const Inst& in, const config::VrrpInstance& vi) {
  return in.conf.interface == vi.interface && in.conf.virtual_router_id == vi.virtual_router_id &&
         in.family() == instance_family(vi);
}

Result<> Runtime::Impl::apply(std::shared_ptr<const config::Config> c) {
  if (!running) return start(std::move(c));
  const auto previous = cfg;
  cfg = std::move(c);
  install_statics(previous.get());
  // 1. Instances that are gone, or whose identity changed, stop (notify DELETED / FAULT).
  std::set<std::string> kept;
  for (auto& p : insts) {
    if (!p) continue;
    const auto* vi = cfg->find_vrrp_instance(p->name());
    if (vi && same_identity(*p, *vi)) {
      kept.insert(p->name());
      continue;
    }
    p->deleting = true;
    deliver(p->id, Shutdown{});
    for (auto& t : p->timers) t->cancel();
    engine.remove(p->id);
    p.reset();
  }
  // 2. Trackers are rebuilt; a script keeps its state if its block did not change.
  std::map<std::string, ScriptState> old_scripts;
  for (auto& [n, s] : scripts) {
    s.timer->cancel();
    old_scripts.emplace(n, std::move(s));
  }
  scripts.clear();
  if (files) files->close();
  files.reset();
  if (procs) procs->close();
  procs.reset();
  // 3. Kept instances take their new settings; the Masters' addresses change once all of
  //    them have theirs.
  std::vector<std::pair<Inst*, config::VrrpInstance>> masters;
  for (auto& p : insts) {
    if (!p || !kept.count(p->name())) continue;
    auto fresh = make_inst(*cfg->find_vrrp_instance(p->name()));
    const auto old = p->conf;
    // A checksum switched to the peer's old one stays switched, unless the setting changed.
    if (fresh->setup.send_checksum != p->setup.send_checksum) p->send_checksum = fresh->setup.send_checksum;
    p->conf = std::move(fresh->conf);
    p->setup = std::move(fresh->setup);
    execute(engine.reconfigure(p->id, p->setup.core, Clock::now()));
    if (engine.instance(p->id).state() == State::Master) masters.emplace_back(p.get(), old);
  }
  reconcile_addresses(masters);
  for (auto& p : insts) {
    if (!p || !kept.count(p->name())) continue;
    if (p->tracked_src && p->tracked_src != p->conf.source_ip) p->tracked_src.reset();  // chosen again
    refresh_source(*p);
    open_io(*p);
  }
  // 4. New instances.
  std::vector<InstanceId> fresh;
  for (const auto& vi : cfg->vrrp_instances) {
    if (kept.count(vi.name)) continue;
    auto in = make_inst(vi);
    const InstanceId id = engine.add(in->setup.core);
    in->id = id;
    if (insts.size() <= id) insts.resize(id + 1);
    insts[id] = std::move(in);
    fresh.push_back(id);
  }
  build_groups();
  for (InstanceId id : fresh) {
    refresh_source(*insts[id]);
    open_io(*insts[id]);
  }
  start_trackers();
  for (auto& [n, s] : scripts) {
    auto o = old_scripts.find(n);
    if (o != old_scripts.end() && o->second.conf == s.conf) {
      s.debounce = o->second.debounce;
      s.last_status = o->second.last_status;
      s.reported = o->second.reported;
    }
  }
  close_unused_sockets();
  // 5. Tracking of kept instances is evaluated again; new ones start.
  for (auto& p : insts)
    if (p && kept.count(p->name())) retrack(*p);
  for (InstanceId id : fresh) start_instance(*insts[id]);
  return {};
}

}  // namespace stayalived::vrrp
