// The validation pass, scripts: every configured script (vrrp_script, notify scripts,
// MISC_CHECK, notify_up/down, quorum_up/down, the FIFOs' scripts, startup/shutdown) is looked up on the search path, given the
// user it runs as (script_user, keepalived_script or root) and, with
// enable_script_security, checked for safe ownership and modes (keepalived.conf(5)).
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "validate_ctx.hpp"

namespace stayalived::config::detail {

namespace {

// Which of keepalived's script-security summaries a script counts towards: the VRRP
// process's, the checker process's (MISC_CHECK, notify_up/down, quorum_*, the LVS FIFO's
// script) or the parent's start/shutdown scripts.
enum class Side : std::uint8_t { Vrrp, Checker, StartStop };

struct ScriptRef {
  Script* script;
  std::string what;   // "vrrp_script chk", "notify_master of vrrp_instance VI_1", ...
  Side side;
  bool is_vrrp_script;
  std::size_t vrrp_script_index;
};

std::string resolve_program(const VCtx& c, const std::string& prog, bool& found) {
  const FileSystem& fs = *c.opts.files;
  found = false;
  if (prog.find('/') != std::string::npos) {
    const std::string p = prog[0] == '/' ? prog : c.opts.cwd + "/" + prog;
    const FileInfo f = fs.stat(p);
    found = f.exists && !f.is_dir && (f.mode & 0111);
    return p;
  }
  std::string_view path = c.opts.search_path;
  while (!path.empty()) {
    const auto colon = path.find(':');
    const auto dir = path.substr(0, colon);
    const std::string p = std::string(dir) + "/" + prog;
    const FileInfo f = fs.stat(p);
    if (f.exists && !f.is_dir && (f.mode & 0111)) {
      found = true;
      return p;
    }
    if (colon == std::string_view::npos) break;
    path.remove_prefix(colon + 1);
  }
  return prog;
}

// The file and every directory above it must be owned by root and not writable by other
// users (keepalived.conf(5) enable_script_security); the sticky bit exempts a directory
// from the write rule.
std::optional<std::string> insecure_path(const VCtx& c, const std::string& path) {
  const FileSystem& fs = *c.opts.files;
  std::string cur = path;
  bool file = true;
  while (!cur.empty()) {
    const FileInfo f = fs.stat(cur);
    if (f.exists) {
      if (f.uid != 0) return fmt::format("'{}' is not owned by root", cur);
      const bool sticky_dir = !file && (f.mode & 01000);
      if (!sticky_dir && ((f.mode & 002) || ((f.mode & 020) && f.gid != 0)))
        return fmt::format("'{}' is writable by non-root users (mode {:04o})", cur, f.mode);
    }
    file = false;
    if (cur == "/") break;
    const auto slash = cur.rfind('/');
    cur = slash == 0 ? "/" : cur.substr(0, slash);
  }
  return std::nullopt;
}

}  // namespace

void validate_scripts(VCtx& c) {
  GlobalDefs& g = c.cfg.global;
  std::vector<ScriptRef> refs;
  for (std::size_t i = 0; i < c.cfg.vrrp_scripts.size(); ++i)
    refs.push_back({&c.cfg.vrrp_scripts[i].script, fmt::format("vrrp_script {}", c.cfg.vrrp_scripts[i].name), Side::Vrrp, true, i});
  const auto add_notify = [&](VrrpNotify& n, const std::string& owner) {
    const std::pair<std::optional<Script>*, std::string_view> list[] = {
        {&n.master, "notify_master"}, {&n.backup, "notify_backup"}, {&n.fault, "notify_fault"},
        {&n.stop, "notify_stop"},     {&n.deleted, "notify_deleted"}, {&n.master_rx_lower_pri, "notify_master_rx_lower_pri"},
        {&n.any, "notify"}};
    for (auto& [s, name] : list)
      if (*s) refs.push_back({&**s, fmt::format("{} of {}", name, owner), Side::Vrrp, false, 0});
  };
  for (auto& v : c.cfg.vrrp_instances) add_notify(v.notify, fmt::format("vrrp_instance {}", v.name));
  for (auto& sg : c.cfg.sync_groups) add_notify(sg.notify, fmt::format("vrrp_sync_group {}", sg.name));
  for (auto& vs : c.cfg.virtual_servers) {
    const std::string who = vs_label(vs);
    if (vs.quorum_up) refs.push_back({&*vs.quorum_up, "quorum_up of " + who, Side::Checker, false, 0});
    if (vs.quorum_down) refs.push_back({&*vs.quorum_down, "quorum_down of " + who, Side::Checker, false, 0});
    for (auto& rs : vs.real_servers) {
      // Named only when it has a script: most real servers have none, and formatting the
      // label of each was a measurable part of loading 20,000 of them.
      const bool has_misc = std::any_of(rs.checkers.begin(), rs.checkers.end(), [](const Checker& ck) {
        const auto* m = std::get_if<MiscCheck>(&ck.spec);
        return m && !m->path.argv.empty();
      });
      if (!rs.notify_up && !rs.notify_down && !has_misc) continue;
      const std::string rwho = fmt::format("real_server {} of {}", rs.address.to_string(), who);
      if (rs.notify_up) refs.push_back({&*rs.notify_up, "notify_up of " + rwho, Side::Checker, false, 0});
      if (rs.notify_down) refs.push_back({&*rs.notify_down, "notify_down of " + rwho, Side::Checker, false, 0});
      for (auto& ck : rs.checkers)
        if (auto* m = std::get_if<MiscCheck>(&ck.spec); m && !m->path.argv.empty())
          refs.push_back({&m->path, "MISC_CHECK of " + rwho, Side::Checker, false, 0});
    }
  }
  // A FIFO's script belongs to the process that writes the FIFO: the VRRP process (its own
  // FIFO's and the shared notify_fifo's) when there is an instance, the checker process (its
  // own and the shared one) when there is a virtual server. keepalived 2.2.7 counts it
  // towards the script-security summary then, FIFO or not (measured).
  const auto add_fifo_script = [&](std::optional<Script>& script, std::string_view name, Side side) {
    if (script && !script->argv.empty()) refs.push_back({&*script, std::string(name), side, false, 0});
  };
  if (!c.cfg.vrrp_instances.empty()) {
    add_fifo_script(g.notify_fifo_script, "notify_fifo_script", Side::Vrrp);
    add_fifo_script(g.vrrp_notify_fifo_script, "vrrp_notify_fifo_script", Side::Vrrp);
  }
  if (!c.cfg.virtual_servers.empty()) {
    add_fifo_script(g.notify_fifo_script, "notify_fifo_script", Side::Checker);
    add_fifo_script(g.lvs_notify_fifo_script, "lvs_notify_fifo_script", Side::Checker);
  }
  if (g.startup_script) refs.push_back({&*g.startup_script, "startup_script", Side::StartStop, false, 0});
  if (g.shutdown_script) refs.push_back({&*g.shutdown_script, "shutdown_script", Side::StartStop, false, 0});
  if (refs.empty()) return;

  // The default user (keepalived.conf(5) script_user): script_user, else keepalived_script
  // if it exists, else root -- except that enable_script_security refuses root as a default.
  enum class Default { User, Root, None } def = Default::Root;
  std::string def_user = "root";
  if (g.script_user) {
    const bool ok = c.opts.user_exists(g.script_user->user) &&
                    (!g.script_user->group || c.opts.group_exists(*g.script_user->group));
    if (ok) {
      def = g.script_user->user == "root" ? Default::Root : Default::User;
      def_user = g.script_user->user;
    } else {
      c.diags.warn(g.script_user->loc, fmt::format("script_user {}{}: no such user or group; scripts without their own user cannot run",
                                      g.script_user->user, g.script_user->group ? " " + *g.script_user->group : ""));
      def = Default::None;
    }
  } else if (c.opts.user_exists("keepalived_script")) {
    def = Default::User;
    def_user = "keepalived_script";
  } else if (g.enable_script_security) {
    def = Default::None;
  }

  std::set<std::string> tracked;
  for (const auto& v : c.cfg.vrrp_instances)
    for (const auto& t : v.track.scripts) tracked.insert(t.name);
  for (const auto& sg : c.cfg.sync_groups)
    for (const auto& t : sg.track.scripts) tracked.insert(t.name);
  bool vrrp_root = false, checker_root = false, start_root = false, told_no_default = false;
  std::vector<std::size_t> drop_vrrp_scripts;
  for (auto& r : refs) {
    Script& s = *r.script;
    if (r.is_vrrp_script && s.argv.empty()) {
      // keepalived: "No script set for vrrp_script X - removing".
      c.diags.warn(c.cfg.vrrp_scripts[r.vrrp_script_index].end_loc, fmt::format("{}: no script set; removed", r.what));
      drop_vrrp_scripts.push_back(r.vrrp_script_index);
      continue;
    }
    bool root = false;
    bool found = false;
    const std::string path = s.argv.empty() ? std::string() : resolve_program(c, s.argv[0], found);
    // keepalived silently skips a notify/checker script it cannot find (before looking at
    // its user); a vrrp_script's user is checked first.
    if (!r.is_vrrp_script && !found) continue;
    if (s.run_as) {
      if (!c.opts.user_exists(s.run_as->user) || (s.run_as->group && !c.opts.group_exists(*s.run_as->group))) {
        c.diags.warn(s.loc, fmt::format("{}: user {} does not exist; script removed", r.what, s.run_as->user));
        if (r.is_vrrp_script) drop_vrrp_scripts.push_back(r.vrrp_script_index);
        else s.argv.clear();
        continue;
      }
      root = s.run_as->user == "root" || s.run_as->user == "0";
    } else if (def == Default::None) {
      const Loc at = r.is_vrrp_script ? c.cfg.vrrp_scripts[r.vrrp_script_index].end_loc : s.loc;
      if (!told_no_default && !g.script_user) {
        c.diags.warn(at, "enable_script_security: the default script user keepalived_script does not exist and root is not "
                         "allowed; set script_user or give each script a user");
        told_no_default = true;
      }
      c.diags.warn(at, fmt::format("{}: no user to run it as; script removed", r.what));
      if (r.is_vrrp_script) drop_vrrp_scripts.push_back(r.vrrp_script_index);
      else s.argv.clear();
      continue;
    } else {
      root = def == Default::Root;
    }
    if (s.argv.empty()) continue;
    if (!found) {
      // keepalived disables a vrrp_script it cannot find, and silently skips other scripts.
      if (r.is_vrrp_script && tracked.count(c.cfg.vrrp_scripts[r.vrrp_script_index].name))
        c.diags.warn(c.cfg.vrrp_scripts[r.vrrp_script_index].end_loc,
                     fmt::format("{}: script '{}' not found or not executable; the script is disabled", r.what, s.argv[0]));
      continue;
    }
    if (!root) continue;
    (r.side == Side::Checker ? checker_root : r.side == Side::StartStop ? start_root : vrrp_root) = true;
    if (g.enable_script_security) {
      if (auto why = insecure_path(c, path)) {
        c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, s.loc,
                    fmt::format("{}: unsafe permissions ({}) for a script run as root; script disabled", r.what, *why));
        if (r.is_vrrp_script) drop_vrrp_scripts.push_back(r.vrrp_script_index);
        else s.argv.clear();
      }
    }
  }
  // Remove what could not run (references to removed vrrp_scripts are reported by the
  // tracking checks, which run after this).
  std::sort(drop_vrrp_scripts.begin(), drop_vrrp_scripts.end());
  drop_vrrp_scripts.erase(std::unique(drop_vrrp_scripts.begin(), drop_vrrp_scripts.end()), drop_vrrp_scripts.end());
  for (auto it = drop_vrrp_scripts.rbegin(); it != drop_vrrp_scripts.rend(); ++it)
    c.cfg.vrrp_scripts.erase(c.cfg.vrrp_scripts.begin() + static_cast<std::ptrdiff_t>(*it));
  const auto clear_empty = [](std::optional<Script>& s) {
    if (s && s->argv.empty()) s.reset();
  };
  for (auto& v : c.cfg.vrrp_instances)
    for (auto* s : {&v.notify.master, &v.notify.backup, &v.notify.fault, &v.notify.stop, &v.notify.master_rx_lower_pri, &v.notify.any})
      clear_empty(*s);
  for (auto& sg : c.cfg.sync_groups)
    for (auto* s : {&sg.notify.master, &sg.notify.backup, &sg.notify.fault, &sg.notify.stop, &sg.notify.any}) clear_empty(*s);
  for (auto* s : {&g.notify_fifo_script, &g.vrrp_notify_fifo_script, &g.lvs_notify_fifo_script, &g.startup_script,
                  &g.shutdown_script})
    clear_empty(*s);
  for (auto& vs : c.cfg.virtual_servers) {
    clear_empty(vs.quorum_up);
    clear_empty(vs.quorum_down);
    for (auto& rs : vs.real_servers) {
      clear_empty(rs.notify_up);
      clear_empty(rs.notify_down);
    }
  }

  if (!g.enable_script_security) {
    // keepalived 2.2.7: "SECURITY VIOLATION - scripts are being executed but
    // script_security not enabled" (-t exit status 6). The VRRP side's is said by
    // vrrp_script_security_summary, once the interfaces are checked.
    c.vrrp_scripts_as_root = vrrp_root;
    if (checker_root)
      c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, Loc{},
                  "checker scripts run as root but enable_script_security is not set (set it in global_defs, or set "
                  "script_user to a non-root user)");
    if (start_root)
      c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, Loc{},
                  "startup/shutdown scripts run as root but enable_script_security is not set (set it in global_defs, or "
                  "set script_user to a non-root user)");
  }
}

void vrrp_script_security_summary(VCtx& c) {
  if (c.missing_vrrp_interface)
    c.diags.warn(Loc{}, "Non-existent interface specified in configuration (keepalived's VRRP process stops here, before it "
                        "checks its scripts; set dynamic_interfaces if the interface appears later)");
  else if (c.vrrp_scripts_as_root)
    c.diags.add(Severity::Warning, DiagClass::ScriptSecurity, Loc{},
                "scripts run as root but enable_script_security is not set (set it in global_defs, or set script_user "
                "to a non-root user)");
}

}  // namespace stayalived::config::detail
