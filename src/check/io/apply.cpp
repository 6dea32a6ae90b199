// The checkers' reload: a new definition applied without a flap (see Runtime::apply).
#include <malloc.h>

#include <algorithm>
#include <map>

#include "runtime_impl.hpp"

namespace stayalived::check {

namespace {

std::size_t def_hash(const CheckerDef& d) {
  std::size_t h = hash_value(d.connect.target);
  h ^= (d.kind.index() + 1) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<std::size_t>(d.timing.delay_loop.count()) * 0xC2B2AE3D27D4EB4FULL;
  return h;
}

}  // namespace

const CheckTiming* Runtime::Impl::intern(const CheckTiming& t) {
  std::size_t h = static_cast<std::size_t>(t.delay_loop.count()) * 31 + static_cast<std::size_t>(t.connect_timeout.count());
  h = h * 31 + static_cast<std::size_t>(t.delay_before_retry.count()) + t.retry * 7 + (t.alpha ? 1 : 0);
  for (auto [it, end] = timing_index_.equal_range(h); it != end; ++it)
    if (*it->second == t) return it->second;
  timings_.push_back(t);
  timing_index_.emplace(h, &timings_.back());
  return &timings_.back();
}

ApplyReport Runtime::Impl::apply(Definition def) {
  ApplyReport rep;
  const TimePoint now = Clock::now();
  globals_ = def.globals;

  // What the old configuration knew: real-server liveness and virtual-server state by key.
  std::map<VirtualServerKey, std::uint32_t> old_vs;
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) old_vs.emplace(vs_[vi].def.key, vi);
  auto old_rs_alive = [&](const VirtualServerKey& k, const Endpoint& ep) -> std::optional<bool> {
    const auto it = old_vs.find(k);
    if (it == old_vs.end()) return std::nullopt;
    const VsRec& v = vs_[it->second];
    for (std::uint32_t i = 0; i < v.rs_count; ++i)
      if (rs_pool_[v.rs_begin + i].endpoint == ep) return rs_pool_[v.rs_begin + i].status.alive;
    return std::nullopt;
  };

  // SSL_GET's client context, built from the SSL { } block when some checker needs it.
  bool need_tls = false;
  for (const auto& v : def.virtual_servers)
    for (const auto& r : v.real_servers)
      for (const auto& c : r.checkers)
        if (const auto* h = std::get_if<HttpCheck>(&c.kind); h != nullptr && h->tls) need_tls = true;
  if (need_tls && (!env_.tls || !(tls_settings_ == globals_.ssl))) {
    if (auto env = make_probe_env(globals_.ssl)) {
      env_ = *env;
      tls_settings_ = globals_.ssl;
    } else {
      log_.error("SSL_GET: {}", env.error().message);
    }
  }

  // Existing slots, by the hash of their definition.
  std::unordered_multimap<std::size_t, std::uint32_t> index;
  const std::size_t old_count = slots_.size();
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    const Slot& s = slots_[id];
    if (s.probe && !s.retired) index.emplace(s.key, id);
  }
  std::vector<bool> used(old_count, false);

  std::vector<VsRec> vs;
  std::vector<RsRec> rs;
  std::vector<PoolEntry> pool;
  std::vector<std::uint32_t> rs_slots;
  std::vector<ScriptDef> scripts;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> subscriptions;  // (slot, real server)
  std::vector<std::uint32_t> fresh;  // new slots, scheduled below
  vs.reserve(def.virtual_servers.size());
  for (auto& vdef : def.virtual_servers) {
    const auto vi = static_cast<std::uint32_t>(vs.size());
    VsRec v;
    v.rs_begin = static_cast<std::uint32_t>(rs.size());
    v.rs_count = static_cast<std::uint32_t>(vdef.real_servers.size());
    for (RealServerDef& rdef : vdef.real_servers) {
      RsRec r{.weight = rdef.weight, .vs = vi, .slots_begin = static_cast<std::uint32_t>(rs_slots.size())};
      r.smtp_alert = rdef.smtp_alert;
      if (!rdef.notify_up.empty()) {
        r.notify_up = static_cast<std::uint32_t>(scripts.size());
        scripts.push_back(std::move(rdef.notify_up));
      }
      if (!rdef.notify_down.empty()) {
        r.notify_down = static_cast<std::uint32_t>(scripts.size());
        scripts.push_back(std::move(rdef.notify_down));
      }
      const auto ri = static_cast<std::uint32_t>(rs.size());
      std::optional<bool> carried;
      bool carried_looked = false;
      for (const CheckerDef& c : rdef.checkers) {
        const std::size_t h = def_hash(c);
        std::uint32_t found = kNoSlot;
        for (auto [it, end] = index.equal_range(h); it != end; ++it) {
          const Slot& s = slots_[it->second];
          if (*s.timing == c.timing && s.probe->same(c)) {
            found = it->second;
            break;
          }
        }
        if (found == kNoSlot) {
          std::unique_ptr<Probe> probe = make_probe(c, env_);
          if (!probe) {
            ++rep.skipped;
            log_.error("{} for service {} in VS {} is not available in this build: checker ignored",
                       kind_name(c.kind), format_rs(rdef.endpoint, vdef.key), format_vs(vdef.key));
            continue;
          }
          found = new_slot();
          Slot& s = slots_[found];
          s.probe = std::move(probe);
          s.timing = intern(c.timing);
          s.key = h;
          s.state = CheckerState::initial(c.timing);
          if (!carried_looked) {
            carried = old_rs_alive(vdef.key, rdef.endpoint);
            carried_looked = true;
          }
          if (carried) s.state.up = *carried;  // no flap on reload
          index.emplace(h, found);
          fresh.push_back(found);
          ++rep.added;
          if (found < used.size()) used[found] = true;
        } else if (found < used.size() && !used[found]) {
          used[found] = true;
          ++rep.kept;
        }
        if (std::find(rs_slots.begin() + r.slots_begin, rs_slots.end(), found) == rs_slots.end()) {
          rs_slots.push_back(found);
          ++r.nslots;
          subscriptions.emplace_back(found, ri);
        }
        log_.debug("Activating healthchecker for service {} for VS {}", format_rs(rdef.endpoint, vdef.key),
                   format_vs(vdef.key));
      }
      pool.push_back(PoolEntry{rdef.endpoint, rdef.inhibit_on_failure, {}});
      rs.push_back(r);
    }
    // The runtime keeps compact records, not the definitions (the checkers live in their
    // probes): bytes per real server, not kilobytes.
    vdef.real_servers.clear();
    vdef.real_servers.shrink_to_fit();
    v.def = std::move(vdef);
    vs.push_back(std::move(v));
  }
  // Everything old that this configuration does not use ends.
  for (std::uint32_t id = 0; id < old_count; ++id) {
    if (!used[id] && slots_[id].probe && !slots_[id].retired &&
        std::find(fresh.begin(), fresh.end(), id) == fresh.end()) {
      retire(id);
      ++rep.removed;
    }
  }

  // Subscribers of every slot, flat (counting sort by slot).
  sub_begin_.assign(slots_.size(), 0);
  sub_count_.assign(slots_.size(), 0);
  for (const auto& [slot, ri] : subscriptions) ++sub_count_[slot];
  std::uint32_t acc = 0;
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    sub_begin_[id] = acc;
    acc += sub_count_[id];
  }
  subs_.assign(acc, 0);
  {
    std::vector<std::uint32_t> fill(slots_.size(), 0);
    for (const auto& [slot, ri] : subscriptions) subs_[sub_begin_[slot] + fill[slot]++] = ri;
  }

  std::vector<VsRec> old = std::move(vs_);
  vs_ = std::move(vs);
  rs_ = std::move(rs);
  rs_pool_ = std::move(pool);
  rs_slots_ = std::move(rs_slots);
  scripts_ = std::move(scripts);
  for (std::uint32_t ri = 0; ri < rs_.size(); ++ri) rs_pool_[ri].status = compute_status(ri);
  stats_.checkers = rs_slots_.size();

  // Virtual-server state: carried by key, else initial.
  for (auto& v : vs_) {
    if (auto it = old_vs.find(v.def.key); it != old_vs.end()) {
      VsRec& o = old[it->second];
      v.quorum_up = o.quorum_up;
      v.published = o.published;
      v.last = std::move(o.last);
      old_vs.erase(it);
    } else {
      v.quorum_up = false;  // gained at the first evaluation if the weight is there
    }
    v.dirty = true;
  }
  for (const auto& [key, vi] : old_vs)
    if (hooks_.on_pool_removed) hooks_.on_pool_removed(key);

  // Suspension and the active count of every slot.
  for (Slot& s : slots_) s.active = 0;
  for (std::uint32_t vi = 0; vi < vs_.size(); ++vi) vs_[vi].suspended = vs_suspended(vs_[vi].def);
  for (const auto& r : rs_) {
    if (vs_[r.vs].suspended) continue;
    for (std::uint32_t k = 0; k < r.nslots; ++k) ++slots_[rs_slots_[r.slots_begin + k]].active;
  }

  if (first_apply_ && globals_.rs_init_notifies) {
    // rs_init_notifies: "Send notifies at startup for real servers that are starting up".
    for (std::uint32_t ri = 0; ri < rs_.size(); ++ri) {
      const RsRec& r = rs_[ri];
      const std::string_view kind = r.nslots > 0 ? slots_[rs_slots_[r.slots_begin]].probe->kind() : "CHECK";
      rs_transition(ri, rs_pool_[ri].status.alive, kind, CheckResult::success(), ChangeCause::Startup);
    }
  }
  first_apply_ = false;

  watch_files();
  if (started_ && !stopped_) {
    for (std::uint32_t id : fresh)
      if (slots_[id].active > 0) schedule_first(id, now);
    // Kept slots that were idle (suspended before) and are active now.
    for (std::uint32_t id = 0; id < slots_.size(); ++id) {
      Slot& s = slots_[id];
      if (s.probe && !s.retired && s.active > 0 && !s.running && !s.scheduled &&
          std::find(fresh.begin(), fresh.end(), id) == fresh.end())
        schedule_first(id, now);
    }
  }
  stats_.unique_checkers = 0;
  for (const Slot& s : slots_)
    if (s.probe && !s.retired) ++stats_.unique_checkers;
  stats_.real_servers = rs_.size();
  stats_.virtual_servers = vs_.size();
  flush();
  log_.info("Checkers: {} kept, {} added, {} removed, {} unique for {} real servers", rep.kept, rep.added,
            rep.removed, stats_.unique_checkers, rs_.size());
  // The definition (and, on reload, the previous records) were large and are gone: give the
  // memory back to the system rather than keep it in the heap for good.
  ::malloc_trim(0);
  return rep;
}

// FILE_CHECK's files: the paths of the checkers that track one.
void Runtime::Impl::watch_files() {
  std::vector<std::pair<std::string, std::uint32_t>> files;
  for (std::uint32_t id = 0; id < slots_.size(); ++id) {
    const Slot& s = slots_[id];
    if (!s.probe || s.retired) continue;
    const std::string path(s.probe->tracked_path());
    if (!path.empty()) files.emplace_back(path, id);
  }
  files_.watch(files);
}

}  // namespace stayalived::check
