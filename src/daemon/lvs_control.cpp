// The checkers' and IPVS's answers to stayalivedctl: status, explain, the operator's
// disable / enable of real servers, and the IPVS operations a reload would perform.
#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>


#include "lvs_subsystem.hpp"
#include "stayalived/check/from_config.hpp"
#include "stayalived/ipvs/from_config.hpp"
#include "stayalived/ipvs/plan.hpp"
#include "stayalived/ipvs/proc_stats.hpp"
#include "stayalived/metrics/exposition.hpp"

namespace stayalived::daemon {

check::DesiredPool LvsSubsystem::without_disabled(const check::DesiredPool& p) const {
  if (disabled_.empty() && draining_.empty()) return p;
  check::DesiredPool out = p;
  std::erase_if(out.members, [this](const check::PoolMember& m) {
    return !m.sorry && disabled_.contains(m.endpoint.to_string());
  });
  for (auto& m : out.members)
    if (!m.sorry && draining_.contains(m.endpoint.to_string())) m.weight = 0;
  return out;
}

std::optional<std::string> LvsSubsystem::read_proc(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[65536];
  ssize_t n = 0;
  // Bounded: 64 MiB is far beyond any table we program.
  while (text.size() < (64u << 20) && (n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return text;
}

// The names and labels of node_exporter's IPVS collector, which reads the same files: a
// dashboard built on it works on these.
void LvsSubsystem::write_ipvs_metrics(metrics::Exposition& x) {
  if (const auto st = read_proc("/proc/net/ip_vs_stats")) {
    if (const auto t = ipvs::parse_proc_ip_vs_stats(*st)) {
      x.counter("node_ipvs_connections_total", "The total number of connections made.", {}, static_cast<double>(t->connections));
      x.counter("node_ipvs_incoming_packets_total", "The total number of incoming packets.", {},
                static_cast<double>(t->incoming_packets));
      x.counter("node_ipvs_outgoing_packets_total", "The total number of outgoing packets.", {},
                static_cast<double>(t->outgoing_packets));
      x.counter("node_ipvs_incoming_bytes_total", "The total amount of incoming data.", {},
                static_cast<double>(t->incoming_bytes));
      x.counter("node_ipvs_outgoing_bytes_total", "The total amount of outgoing data.", {},
                static_cast<double>(t->outgoing_bytes));
    }
  }
  const auto table = read_proc("/proc/net/ip_vs");
  if (!table) return;
  for (const auto& s : ipvs::parse_proc_ip_vs_table(*table)) {
    const bool fwm = s.protocol == "FWM";
    const std::string laddr = fwm ? std::string() : s.key.address.to_string();
    const std::string lport = fwm ? std::string("0") : std::to_string(s.key.port);
    const std::string mark = fwm ? std::to_string(s.fwmark) : std::string();
    for (const auto& d : s.dests) {
      const std::string raddr = d.key.address.to_string();
      const std::string rport = std::to_string(d.key.port);
      const metrics::Labels l{{"local_address", laddr}, {"local_port", lport}, {"remote_address", raddr},
                              {"remote_port", rport},   {"proto", s.protocol}, {"local_mark", mark}};
      x.gauge("node_ipvs_backend_connections_active", "The current active connections by local and remote address.", l,
              static_cast<double>(d.conns.active));
      x.gauge("node_ipvs_backend_connections_inactive", "The current inactive connections by local and remote address.",
              l, static_cast<double>(d.conns.inactive));
      x.gauge("node_ipvs_backend_weight", "The current backend weight by local and remote address.", l,
              static_cast<double>(d.weight));
    }
  }
}

// Per service and per real server: what `ipvsadm -L --stats` shows, for the services we
// own only (another program's services in this namespace are not ours to report). One
// dump of the services and one of each owned service's destinations, per scrape.
void LvsSubsystem::write_traffic_metrics(metrics::Exposition& x, const std::vector<check::DesiredPool>& pools) const {
  if (!backend_ || !reconciler_) return;
  std::map<ipvs::ServiceKey, std::string> vs_of;
  for (std::size_t i = 0; i < ipvs_cfg_.virtual_servers.size(); ++i) {
    const std::string name =
        i < pools.size() ? check::format_vs(pools[i].vs) : ipvs_cfg_.virtual_servers[i].name;
    for (const auto& k : ipvs_cfg_.virtual_servers[i].services) vs_of.emplace(k, name);
  }
  const auto& owned = reconciler_->owned();
  auto ours = [&](const ipvs::ServiceKey& k) { return vs_of.contains(k) && owned.services.contains(k); };
  auto read = backend_->stats(ours);
  if (!read) {
    x.gauge("stayalived_ipvs_stats_readable", "1 when the kernel's IPVS counters could be read", {}, 0);
    return;
  }
  x.gauge("stayalived_ipvs_stats_readable", "1 when the kernel's IPVS counters could be read", {}, 1);
  auto traffic = [&x](std::string_view what, const metrics::Labels& l, const ipvs::TrafficStats& t) {
    const std::string p = fmt::format("stayalived_ipvs_{}_", what);
    x.counter(p + "connections_total", fmt::format("Connections scheduled to the {}", what), l,
              static_cast<double>(t.connections));
    x.counter(p + "incoming_packets_total", fmt::format("Packets from clients to the {}", what), l,
              static_cast<double>(t.incoming_packets));
    x.counter(p + "outgoing_packets_total", fmt::format("Packets from the {} to clients", what), l,
              static_cast<double>(t.outgoing_packets));
    x.counter(p + "incoming_bytes_total", fmt::format("Bytes from clients to the {}", what), l,
              static_cast<double>(t.incoming_bytes));
    x.counter(p + "outgoing_bytes_total", fmt::format("Bytes from the {} to clients", what), l,
              static_cast<double>(t.outgoing_bytes));
  };
  for (const auto& s : *read) {
    if (!ours(s.key)) continue;
    const std::string& vs = vs_of.at(s.key);
    const std::string service = s.key.to_string();
    traffic("service", {{"virtual_server", vs}, {"service", service}}, s.traffic);
    for (const auto& d : s.dests) {
      // Labels hold views: the strings they name must outlive them.
      const std::string rs = d.key.to_string();
      const metrics::Labels l{{"virtual_server", vs}, {"service", service}, {"real_server", rs}};
      traffic("real_server", l, d.traffic);
      x.gauge("stayalived_ipvs_real_server_persistent_connections", "Persistence templates of the real server", l,
              static_cast<double>(d.persistent_connections));
    }
  }
}

// Once per half second while a drain runs: the kernel's connection counts (of this network
// namespace) for each draining real server.
void LvsSubsystem::watch_drains() {
  if (draining_.empty() || stopped_) return;
  if (!drain_timer_) drain_timer_ = std::make_unique<boost::asio::steady_timer>(io_);
  drain_timer_->expires_after(std::chrono::milliseconds(500));
  drain_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    const auto text = read_proc("/proc/net/ip_vs");
    const bool readable = text.has_value();
    const auto conns = ipvs::parse_proc_ip_vs(text.value_or(""));
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::pair<std::string, CommandOutcome>> ended;
    for (const auto& [target, d] : draining_) {
      std::uint64_t active = 0;
      bool seen = false;
      if (const auto it = conns.find(d.endpoint); it != conns.end()) {
        active = it->second.active;
        seen = true;
      } else {
        // A DR or TUN destination takes its service's port: count it by address.
        for (const auto& [k, c] : conns)
          if (k.address == d.endpoint.address) {
            active += c.active;
            seen = true;
          }
      }
      const double secs = std::chrono::duration<double>(now - d.started).count();
      if (!readable || !seen)
        ended.emplace_back(target, CommandOutcome{true, fmt::format("{} drained: not in the IPVS table; disabled", target)});
      else if (active == 0)
        ended.emplace_back(target, CommandOutcome{true, fmt::format("{} drained: no active connection after {:.1f} s; disabled",
                                                                    target, secs)});
      else if (now >= d.deadline)
        ended.emplace_back(target, CommandOutcome{true, fmt::format("{}: drain timeout after {:.1f} s with {} active "
                                                                    "connection(s); disabled",
                                                                    target, secs, active)});
    }
    for (auto& [t, o] : ended) end_drain(t, std::move(o));
    watch_drains();
  });
}

void LvsSubsystem::end_drain(const std::string& target, CommandOutcome outcome) {
  auto it = draining_.find(target);
  if (it == draining_.end()) return;
  auto done = std::move(it->second.done);
  draining_.erase(it);
  disabled_.insert(target);
  log_.info("{}", outcome.text);
  publish();
  if (done) done(std::move(outcome));
}

void LvsSubsystem::describe(boost::json::object& root) const {
  if (!checks_) return;
  boost::json::array vss;
  const auto pools = checks_->pools();
  for (std::size_t i = 0; i < pools.size() && i < ipvs_cfg_.virtual_servers.size(); ++i) {
    boost::json::object vs;
    vs["name"] = ipvs_cfg_.virtual_servers[i].name;
    vs["quorum_up"] = pools[i].quorum_up;
    vs["sorry_active"] = pools[i].sorry_active;
    vs["suspended"] = checks_->suspended(i);
    std::size_t up = 0, total = 0;
    boost::json::array rss;
    for (const auto& rs : checks_->real_servers(i)) {
      ++total;
      up += rs.alive ? 1 : 0;
      const std::string ep = rs.endpoint.to_string();
      boost::json::object o;
      o["address"] = ep;
      o["alive"] = rs.alive;
      o["weight"] = rs.weight;
      o["checkers_up"] = rs.checkers_up;
      o["checkers"] = rs.checkers;
      o["disabled"] = disabled_.contains(ep);
      o["draining"] = draining_.contains(ep);
      rss.push_back(std::move(o));
    }
    vs["up"] = up;
    vs["total"] = total;
    vs["real_servers"] = std::move(rss);
    vss.push_back(std::move(vs));
  }
  root["virtual_servers"] = std::move(vss);
  boost::json::object ipvs;
  ipvs["available"] = reconciler_ != nullptr;
  if (reconciler_) {
    ipvs["services"] = reconciler_->observed().services.size();
    ipvs["destinations"] = reconciler_->observed().dest_count();
    ipvs["unresolved_failures"] = reconciler_->unresolved().size();
  }
  if (sync_) {
    ipvs["sync_daemon"] = sync_cfg_.vrrp_instance && vrrp_masters_.contains(*sync_cfg_.vrrp_instance) ? "master" : "backup";
    ipvs["sync_interface"] = sync_cfg_.interface;
  }
  root["ipvs"] = std::move(ipvs);
}

bool LvsSubsystem::explain(std::string_view name, boost::json::object& out) const {
  if (!checks_) return false;
  boost::json::array reasons;
  bool found = false;
  bool is_vs = false;  // NAME is a virtual server's (else a real server's)
  const auto pools = checks_->pools();
  for (std::size_t i = 0; i < pools.size() && i < ipvs_cfg_.virtual_servers.size(); ++i) {
    const std::string& vsname = ipvs_cfg_.virtual_servers[i].name;
    const bool whole_vs = vsname == name;
    is_vs = is_vs || whole_vs;
    const auto rss = checks_->real_servers(i);
    for (std::size_t ri = 0; ri < rss.size(); ++ri) {
      const auto& rs = rss[ri];
      const std::string ep = rs.endpoint.to_string();
      if (!whole_vs && ep != name) continue;
      found = true;
      std::string line = fmt::format("{} in {}: {}", ep, vsname, rs.alive ? "UP" : "DOWN");
      line += fmt::format(", weight {}, {}/{} checkers up", rs.weight, rs.checkers_up, rs.checkers);
      if (disabled_.contains(ep)) line += ", DISABLED by the operator (out of the pool until 'stayalivedctl enable " + ep + "')";
      if (draining_.contains(ep)) line += ", DRAINING (weight 0 until its connections end)";
      // keepalived's name of a real server in its messages: "[10.0.0.2]:tcp:80".
      for (const auto& [key, change] : last_change_) {
        if (change.first.virtual_server != vsname) continue;
        const auto& c = change.first;
        if (c.real_server.find(rs.endpoint.address.to_string()) == std::string::npos ||
            !c.real_server.ends_with(":" + std::to_string(rs.endpoint.port)))
          continue;
        line += fmt::format("; {} at {}", c.up ? "up" : "down", clock_time(change.second));
        if (!c.checker.empty()) line += " by " + c.checker;
        if (!c.outcome.empty()) line += ": " + c.outcome;
      }
      reasons.emplace_back(line);
      // Each checker's last result ("TCP_CHECK: connection refused 0.4 s ago, retry 1 of 3").
      for (const auto& c : checks_->checkers(i, ri)) {
        const auto ms = [](Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
        std::string l = fmt::format("  {}: {}", c.kind, c.up ? "up" : "down");
        if (c.has_result)
          l += fmt::format(", last result {} {:.1f} s ago", c.last, static_cast<double>(ms(c.age)) / 1000.0);
        else
          l += ", not run yet";
        if (c.retries_used > 0) l += fmt::format(", retry {} of {}", c.retries_used, c.retry);
        if (c.running) l += ", running now";
        l += fmt::format(" (delay_loop {} s, connect_timeout {} s)", static_cast<double>(ms(c.delay_loop)) / 1000.0,
                         static_cast<double>(ms(c.connect_timeout)) / 1000.0);
        reasons.emplace_back(l);
      }
    }
    if (whole_vs) {
      found = true;
      reasons.emplace_back(fmt::format("{}: quorum {}{}{}", vsname, pools[i].quorum_up ? "up" : "LOST",
                                       pools[i].sorry_active ? ", sorry server active" : "",
                                       checks_->suspended(i) ? ", suspended (ha_suspend: its VIP is not here)" : ""));
    }
  }
  if (!found) return false;
  out["kind"] = is_vs ? "virtual_server" : "real_server";
  out["name"] = std::string(name);
  out["reasons"] = std::move(reasons);
  return true;
}

std::optional<Subsystem::CommandOutcome> LvsSubsystem::command(std::string_view verb, std::string_view target,
                                                              const boost::json::object& args,
                                                              std::function<void(CommandOutcome)> done) {
  if (verb != "disable" && verb != "enable" && verb != "drain") return std::nullopt;
  if (!checks_) return std::nullopt;
  const std::string t(target);
  std::size_t pools = 0;
  for (std::size_t i = 0; i < ipvs_cfg_.virtual_servers.size(); ++i)
    for (const auto& rs : checks_->real_servers(i))
      if (rs.endpoint.to_string() == t) ++pools;
  if (pools == 0) return std::nullopt;
  if (verb == "drain") {
    if (disabled_.contains(t)) return CommandOutcome{true, t + " is already disabled"};
    std::int64_t timeout = 60;
    if (const auto* v = args.if_contains("timeout"); v && v->is_int64()) timeout = v->get_int64();
    if (timeout < 0 || timeout > 86400) return CommandOutcome{false, "drain timeout must be 0..86400 seconds"};
    check::Endpoint ep;
    for (std::size_t i = 0; i < ipvs_cfg_.virtual_servers.size(); ++i)
      for (const auto& rs : checks_->real_servers(i))
        if (rs.endpoint.to_string() == t) ep = rs.endpoint;
    const auto now = std::chrono::steady_clock::now();
    if (auto it = draining_.find(t); it != draining_.end() && it->second.done)
      it->second.done(CommandOutcome{false, "replaced by a new drain of " + t});
    draining_[t] = Drain{ep, now, now + std::chrono::seconds(timeout), std::move(done)};
    log_.info("Real server {} draining by the operator (weight 0; {} pool(s); timeout {} s)", t, pools, timeout);
    publish();
    watch_drains();
    return CommandOutcome{true, fmt::format("{} draining: weight 0 in {} pool(s); it leaves once its connections end "
                                            "(at most {} s)", t, pools, timeout),
                          true};
  }
  if (verb == "disable") {
    if (disabled_.insert(t).second) log_.info("Real server {} disabled by the operator ({} pool(s))", t, pools);
  } else {
    disabled_.erase(t);
    if (auto it = draining_.find(t); it != draining_.end()) {
      auto d = std::move(it->second.done);
      draining_.erase(it);
      if (d) d(CommandOutcome{false, "the drain of " + t + " was ended by enable"});
    }
    log_.info("Real server {} enabled by the operator ({} pool(s))", t, pools);
  }
  publish();
  return CommandOutcome{true, fmt::format("real server {} {} in {} pool(s)", t,
                                          verb == "disable" ? "disabled" : "enabled (its checkers decide again)", pools)};
}

// The IPVS operations a reload to `new_cfg` would perform now: the new table with the
// health the checkers know (a real server that stays keeps its state, a new one counts
// as up, as its checkers start it), planned against the kernel's table as last read.
void LvsSubsystem::preview(const ConfigPtr& new_cfg, boost::json::object& out) const {
  auto ic = ipvs::from_config(*new_cfg);
  if (!ic) {
    out["ipvs_error"] = ic.error();
    return;
  }
  std::map<std::string, std::size_t> old_index;
  for (std::size_t i = 0; i < ipvs_cfg_.virtual_servers.size(); ++i) old_index[ipvs_cfg_.virtual_servers[i].name] = i;
  boost::json::array lvs;
  std::vector<check::DesiredPool> pools;
  for (std::size_t i = 0; i < ic->virtual_servers.size(); ++i) {
    const auto& spec = ic->virtual_servers[i];
    check::DesiredPool p;
    if (i < new_cfg->virtual_servers.size()) p.vs = check::key_of(new_cfg->virtual_servers[i]);
    const auto it = old_index.find(spec.name);
    const check::DesiredPool* old = it != old_index.end() && it->second < pools_.size() ? &pools_[it->second] : nullptr;
    const ipvs::VirtualServerSpec* old_spec = it != old_index.end() ? &ipvs_cfg_.virtual_servers[it->second] : nullptr;
    if (!old) lvs.push_back(boost::json::object{{"virtual_server", spec.name}, {"change", "added"}});
    for (const auto& rs : spec.real_servers) {
      const check::Endpoint ep{rs.address, rs.port};
      bool configured_before = false;
      std::uint32_t old_weight = 0;
      if (old_spec)
        for (const auto& o : old_spec->real_servers)
          if (o.address == rs.address && o.port == rs.port) {
            configured_before = true;
            old_weight = o.weight;
          }
      const check::PoolMember* m = nullptr;
      if (old)
        for (const auto& x : old->members)
          if (!x.sorry && x.endpoint == ep) m = &x;
      if (!configured_before) {
        if (old) lvs.push_back(boost::json::object{{"virtual_server", spec.name}, {"real_server", ep.to_string()}, {"change", "added"}});
        p.members.push_back(check::PoolMember{ep, rs.weight, false});
      } else if (m) {
        // Its checkers' weight, unless it was the configured one and that changed.
        const std::uint32_t w = m->weight == old_weight ? rs.weight : m->weight;
        if (rs.weight != old_weight)
          lvs.push_back(boost::json::object{{"virtual_server", spec.name}, {"real_server", ep.to_string()},
                                            {"change", fmt::format("weight {} -> {}", old_weight, rs.weight)}});
        p.members.push_back(check::PoolMember{ep, w, false});
      }
    }
    if (old_spec)
      for (const auto& o : old_spec->real_servers) {
        bool stays = false;
        for (const auto& rs : spec.real_servers) stays = stays || (o.address == rs.address && o.port == rs.port);
        if (!stays)
          lvs.push_back(boost::json::object{{"virtual_server", spec.name},
                                            {"real_server", check::Endpoint{o.address, o.port}.to_string()},
                                            {"change", "removed"}});
      }
    if (old && old->sorry_active && spec.sorry_server)
      p.members.push_back(check::PoolMember{check::Endpoint{spec.sorry_server->address, spec.sorry_server->port},
                                            spec.sorry_server->weight, true});
    if (old) {
      p.quorum_up = old->quorum_up;
      p.sorry_active = old->sorry_active;
    }
    pools.push_back(without_disabled(p));
  }
  for (const auto& [name, idx] : old_index) {
    bool stays = false;
    for (const auto& s : ic->virtual_servers) stays = stays || s.name == name;
    if (!stays) lvs.push_back(boost::json::object{{"virtual_server", name}, {"change", "removed"}});
  }
  out["lvs"] = std::move(lvs);
  if (!reconciler_) {
    out["ipvs_operations"] = boost::json::array{};
    out["ipvs_note"] = "IPVS is not in use";
    return;
  }
  const auto desired = ipvs::build_desired(ic->virtual_servers, pools);
  boost::json::array ops;
  for (const auto& op : ipvs::plan(desired, reconciler_->observed(), reconciler_->owned()))
    ops.emplace_back(fmt::format("{} {}", ipvs::to_string(op.kind), op.object()));
  out["ipvs_operations"] = std::move(ops);
}

}  // namespace stayalived::daemon
