// The VRRP shell's trackers: what each instance tracks (interfaces, vrrp_scripts, track_files,
// track_processes) is observed here and reduced by the pure rules of tracking.hpp into the
// TrackingUpdate the instance gets. Scripts run through the ScriptHost (bounded, off the
// loop); files and processes have their watchers (trackers.hpp).
#include <unistd.h>

#include <cstdio>

#include "runtime_impl.hpp"

namespace stayalived::vrrp {

// The inputs of an instance's tracking as things stand, each with what it is when it fails.
std::vector<Runtime::Impl::Observed> Runtime::Impl::observe(const Inst& in) const {
  const Impl& rt = *this;
  std::vector<Observed> out;
  for (const auto& t : in.setup.tracks) {
    Observed o{TrackInput{t.kind, t.weight, t.reverse, true, 0}, {}};
    switch (t.kind) {
      case TrackKind::Interface: {
        auto l = rt.link_named(t.name);
        o.input.up = rt.link_usable(t.name);
        o.failing = "interface " + t.name + (l ? " down" : " missing");
        break;
      }
      case TrackKind::Script: {
        auto it = rt.scripts.find(t.name);
        o.input.up = it != rt.scripts.end() && it->second.debounce.ok();
        o.failing = "script " + t.name + " failed";
        break;
      }
      case TrackKind::File: {
        auto it = rt.file_values.find(t.name);
        o.input.value = it == rt.file_values.end() ? 0 : it->second;
        o.failing = "file " + t.name + " value " + std::to_string(o.input.value);
        break;
      }
      case TrackKind::Process:
        o.input.up = rt.procs && rt.procs->up(t.name);
        o.failing = "process " + t.name + " not running";
        break;
    }
    out.push_back(std::move(o));
  }
  return out;
}

TrackingUpdate Runtime::Impl::evaluate_tracking(Inst& in, bool log_items) {
  std::vector<TrackInput> inputs;
  const auto observed = observe(in);
  for (std::size_t i = 0; i < observed.size(); ++i) {
    const auto& t = in.setup.tracks[i];
    const auto& ti = observed[i].input;
    if (t.kind == TrackKind::File || t.kind == TrackKind::Process) {
      const bool f = effect(ti).fault;
      auto [it, fresh] = in.item_fault.try_emplace(t.name, f);
      if (!fresh && it->second != f) {
        it->second = f;
        if (log_items)
          log.info("({}): tracked {} {} {} FAULT state", in.name(), name(t.kind), t.name, f ? "now" : "leaving");
      }
    }
    inputs.push_back(ti);
  }
  auto u = evaluate(in.conf.priority, inputs);
  // Nothing can be sent without a source address (keepalived: FAULT).
  if (!in.src || in.ifindex == 0) u.fault = true;
  if (no_peer_fault(in.conf)) u.fault = true;
  return u;
}

// unicast_fault_no_peer: a unicast_peer block (or unicast_ttl) without peers is FAULT
// rather than multicast, as keepalived 2.2.7 does.
bool Runtime::Impl::no_peer_fault(const config::VrrpInstance& v) {
  return v.unicast_fault_no_peer && v.unicast_peers.empty() && (v.unicast_peer_block || v.unicast_ttl);
}

std::vector<std::string> Runtime::Impl::faults_of(const Inst& in) {
  std::vector<std::string> out;
  if (in.ifindex == 0) out.push_back("interface " + in.ifname() + " missing");
  else if (!in.src) out.push_back("no source address on " + in.ifname());
  if (no_peer_fault(in.conf)) out.push_back("no unicast peers");
  for (const auto& o : observe(in))
    if (effect(o.input).fault) out.push_back(o.failing);
  return out;
}

void Runtime::Impl::retrack(Inst& in) {
  if (!in.started) return;
  deliver(in.id, evaluate_tracking(in, true));
}

void Runtime::Impl::retrack_where(const std::function<bool(const TrackSpec&)>& pred) {
  for (auto& p : insts) {
    if (!p) continue;
    if (std::any_of(p->setup.tracks.begin(), p->setup.tracks.end(), pred)) retrack(*p);
  }
}

void Runtime::Impl::start_script(ScriptState& st) {
  st.timer->expires_after(st.conf.interval);
  st.timer->async_wait([this, &st](const boost::system::error_code& ec) {
    if (ec || stopping) return;
    run_script(st);
    start_script(st);
  });
}

void Runtime::Impl::run_script(ScriptState& st) {
  if (st.running) return;  // still running from last time: skip this turn
  st.running = true;
  const Duration timeout = st.conf.timeout ? Duration(*st.conf.timeout) : Duration(st.conf.interval);
  host.check(st.conf.script, timeout, [this, name = st.conf.name](bool ok, int status, std::string why) {
    auto it = scripts.find(name);
    if (it == scripts.end()) return;
    ScriptState& s = it->second;
    s.running = false;
    if (stopping) return;
    if (status != s.last_status && s.last_status != INT_MIN && status >= 0)
      log.info("Script `{}` now returning {}", name, status);
    s.last_status = status;
    s.last_result = std::chrono::system_clock::now();
    s.last_why = ok ? std::string() : why;
    const bool changed = s.debounce.apply(ok);
    if (changed || !s.reported) {
      s.reported = true;
      if (s.debounce.ok())
        log.info("VRRP_Script({}) succeeded", name);
      else
        log.info("VRRP_Script({}) failed ({})", name, why);
    }
    if (changed) retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Script && t.name == name; });
  });
}

void Runtime::Impl::start_trackers() {
  std::set<std::string> used_scripts, used_files, used_procs;
  for (auto& p : insts)
    if (p)
      for (const auto& t : p->setup.tracks) {
        if (t.kind == TrackKind::Script) used_scripts.insert(t.name);
        if (t.kind == TrackKind::File) used_files.insert(t.name);
        if (t.kind == TrackKind::Process) used_procs.insert(t.name);
      }
  for (const auto& s : cfg->vrrp_scripts) {
    if (!used_scripts.count(s.name)) continue;  // keepalived runs only scripts in use
    ScriptState st{s, ScriptDebounce(s.rise, s.fall, s.init_fail), std::make_unique<boost::asio::steady_timer>(io)};
    auto [it, _] = scripts.insert_or_assign(s.name, std::move(st));
    run_script(it->second);
    start_script(it->second);
  }
  if (!used_files.empty()) {
    files = std::make_unique<TrackFiles>(io);
    for (const auto& f : cfg->track_files) {
      if (!used_files.count(f.name)) continue;
      if (f.init_file) init_track_file(f);
      auto v = files->add(f.name, f.file);
      if (!v) {
        log.warning("track_file {}: {}", f.name, v.error().message);
        file_values[f.name] = read_track_file(f.file);
      } else {
        file_values[f.name] = *v;
      }
    }
    files->on_change([this](const std::string& name, std::int64_t v) {
      file_values[name] = v;
      retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::File && t.name == name; });
    });
  }
  if (!used_procs.empty()) {
    procs = std::make_unique<ProcessWatcher>(io, cfg->global.process_monitor_rcv_bufs);
    for (const auto& tp : cfg->track_processes)
      if (used_procs.count(tp.name)) procs->add(tp);
    if (auto w = procs->start()) log.warning("track_process: {}", *w);
    procs->on_change([this](const std::string& name, bool up) {
      log.info("Process {} {}", name, up ? "now running" : "no longer running");
      retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Process && t.name == name; });
    });
  }
}

void Runtime::Impl::init_track_file(const config::TrackFile& f) {
  const bool exists = ::access(f.file.c_str(), F_OK) == 0;
  if (exists && !f.init_overwrite) return;
  if (std::FILE* fp = std::fopen(f.file.c_str(), "w")) {
    std::fprintf(fp, "%d\n", f.init_value);
    std::fclose(fp);
  } else {
    log.warning("track_file {}: cannot initialise {}", f.name, f.file);
  }
}

void Runtime::Impl::stop_trackers() {
  for (auto& [n, s] : scripts) s.timer->cancel();
  scripts.clear();
  if (files) files->close();
  files.reset();
  if (procs) procs->close();
  procs.reset();
  file_values.clear();
}

}  // namespace stayalived::vrrp
