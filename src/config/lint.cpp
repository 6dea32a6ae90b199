#include "stayalived/config/lint.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

namespace stayalived::config {

namespace {

class Linter {
 public:
  explicit Linter(const Config& c) : c_(c) {}

  void add(const char* id, const Loc& loc, std::string message, std::string fix) {
    Location l{c_.files.name(loc), loc.line, 0};
    if (silenced(l, id)) return;
    out.push_back(Finding{id, std::move(l), std::move(message), std::move(fix)});
  }

  std::vector<Finding> out;

 private:
  // "# lint: ignore SA001" (or "! lint: ignore ...") on the line or on the line above.
  bool silenced(const Location& l, std::string_view id) {
    if (l.file.empty() || l.line == 0) return false;
    auto& lines = files_[l.file];
    if (lines.empty()) {
      std::ifstream in(l.file);
      std::string s;
      std::size_t bytes = 0;
      // Bounded: a config file's comments are what we look for, not its size.
      while (std::getline(in, s) && bytes < (64u << 20)) {
        bytes += s.size();
        lines.push_back(std::move(s));
      }
      if (lines.empty()) lines.emplace_back();
    }
    for (std::uint32_t n : {l.line, l.line - 1}) {
      if (n == 0 || n > lines.size()) continue;
      const std::string& s = lines[n - 1];
      const auto at = s.find("lint: ignore");
      if (at != std::string::npos && s.find(id, at) != std::string::npos) return true;
    }
    return false;
  }

  const Config& c_;
  std::map<std::string, std::vector<std::string>> files_;
};

std::string in_seconds(microseconds us) { return fmt::format("{:g} s", static_cast<double>(us.count()) / 1e6); }

}  // namespace

std::vector<Finding> lint(const LoadResult& result) {
  if (!result.config) return {};
  const Config& c = *result.config;
  Linter l(c);
  for (const auto& v : c.vrrp_instances) {
    // keepalived #474 and many since: strict mode without accept drops every packet sent to
    // the VIPs, on the master too (only VRRP itself answers).
    if (v.strict_mode && !v.accept.value_or(false))
      l.add("SA001", v.loc,
            fmt::format("vrrp_instance {}: strict mode without 'accept': the master drops all traffic to its VIPs "
                        "(ping, connections)",
                        v.name),
            "add 'accept' to the instance (with strict mode it needs version 3), or drop vrrp_strict / strict_mode");
    if (v.source_ip)
      for (const auto& p : v.unicast_peers)
        if (p.address == *v.source_ip)
          l.add("SA002", p.loc,
                fmt::format("vrrp_instance {}: unicast_peer {} is our own unicast_src_ip: we would hear our own adverts",
                            v.name, p.address.to_string()),
                "list only the other routers in unicast_peer");
  }
  // Alerts are sent to smtp_server; without one keepalived sends nothing, and says nothing.
  if (!c.global.smtp_server)
    for (const auto& v : c.vrrp_instances)
      if (v.smtp_alert.value_or(c.global.smtp_alert_vrrp.value_or(c.global.smtp_alert.value_or(false))))
        l.add("SA003", v.loc,
              fmt::format("vrrp_instance {}: smtp_alert is on but global_defs has no smtp_server: no mail is sent",
                          v.name),
              "set smtp_server (and notification_email) in global_defs");
  for (const auto& vs : c.virtual_servers) {
    for (const auto& rs : vs.real_servers)
      for (const auto& ck : rs.checkers)
        if (ck.connection.connect_timeout >= ck.delay_loop)
          l.add("SA004", ck.loc,
                fmt::format("connect_timeout {} is not below delay_loop {}: a check can still be waiting when the "
                            "next one is due, and a dead server is seen late",
                            in_seconds(ck.connection.connect_timeout), in_seconds(ck.delay_loop)),
                "make connect_timeout shorter than delay_loop");
  }
  // keepalived runs a vrrp_script only while an instance or a sync group tracks it.
  std::set<std::string> tracked;
  for (const auto& v : c.vrrp_instances)
    for (const auto& t : v.track.scripts) tracked.insert(t.name);
  for (const auto& g : c.sync_groups)
    for (const auto& t : g.track.scripts) tracked.insert(t.name);
  for (const auto& sc : c.vrrp_scripts)
    if (!tracked.contains(sc.name))
      l.add("SA005", sc.loc, fmt::format("vrrp_script {} is tracked by no instance or sync group: it never runs", sc.name),
            "add it to a track_script block, or remove it");
  std::stable_sort(l.out.begin(), l.out.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.loc.file, a.loc.line) < std::tie(b.loc.file, b.loc.line);
  });
  return std::move(l.out);
}

std::string format(const Finding& f) {
  return fmt::format("{}:{}: {}: {} (fix: {})", f.loc.file, f.loc.line, f.id, f.message, f.fix);
}

}  // namespace stayalived::config
