#include "stayalived/vrrp/script_host.hpp"

#include <unistd.h>

#include <algorithm>

namespace stayalived::vrrp {

NotifyScriptHost::NotifyScriptHost(notify::ScriptRunner& notifies, notify::ScriptRunner& tracks, log::Logger& logger,
                                   const notify::NotifyFifos* fifos,
                                   std::shared_ptr<const notify::UserDatabase> users,
                                   std::shared_ptr<const notify::FileSystemView> fs)
    : notifies_(notifies),
      tracks_(tracks),
      log_(logger, log::Source::Vrrp),
      users_(users ? std::move(users) : std::make_shared<notify::SystemUserDatabase>()),
      fs_(fs ? std::move(fs) : std::make_shared<notify::SystemFileSystem>()),
      fifos_(fifos) {}

std::string NotifyScriptHost::key(const config::Script& s) {
  std::string k = s.argv.empty() ? std::string() : s.argv[0];
  if (s.run_as) k += std::string(1, '\0') + s.run_as->user + std::string(1, '\0') + s.run_as->group.value_or("");
  return k;
}

void NotifyScriptHost::prepare_one(const config::Script& s, const std::string& what) {
  if (s.argv.empty()) return;
  const auto k = key(s);
  if (scripts_.count(k)) return;
  Prepared p;
  std::optional<notify::Credentials> who = default_user_;
  if (s.run_as) {
    auto r = notify::resolve_script_user(s.run_as->user, s.run_as->group, *users_);
    if (!r) {
      log_.warning("{} for {}", r.error(), what);
      scripts_[k] = p;
      return;
    }
    who = *r;
  }
  if (!who) {
    log_.warning("{}", notify::no_default_user_message(what));
    scripts_[k] = p;
    return;
  }
  char cwd[4096] = "/";
  if (::getcwd(cwd, sizeof cwd) == nullptr) cwd[0] = '/', cwd[1] = '\0';
  const auto c = notify::check_script(s.argv[0], *who, notify::ScriptLookup{notify::kScriptPath, cwd}, *fs_);
  for (const auto& w : c.warnings) log_.warning("{}", w);
  const auto msg = c.keepalived_message(s.argv[0], *who, security_);
  if (!msg.empty()) log_.warning("{}", msg);
  p.usable = c.usable(security_);
  p.exec_path = c.exec_path;
  p.who = *who;
  scripts_[k] = p;
}

void NotifyScriptHost::prepare(const config::Config& cfg) {
  scripts_.clear();
  security_ = cfg.global.enable_script_security;
  const auto du = notify::default_script_user(
      cfg.global.script_user ? std::optional(cfg.global.script_user->user) : std::nullopt,
      cfg.global.script_user ? cfg.global.script_user->group : std::nullopt, security_, *users_);
  default_user_ = du.credentials;
  bool any_script = !cfg.vrrp_scripts.empty();
  auto has = [](const config::VrrpNotify& n) {
    return n.master || n.backup || n.fault || n.stop || n.deleted || n.master_rx_lower_pri || n.any;
  };
  for (const auto& vi : cfg.vrrp_instances) any_script = any_script || has(vi.notify);
  for (const auto& g : cfg.sync_groups) any_script = any_script || has(g.notify);
  if (any_script)  // keepalived says who runs scripts only when there are some
    for (const auto& m : du.messages) log_.warning("{}", m);
  auto notifies = [&](const config::VrrpNotify& n, const std::string& owner) {
    for (const auto* s : {&n.master, &n.backup, &n.fault, &n.stop, &n.deleted, &n.master_rx_lower_pri, &n.any})
      if (*s) prepare_one(**s, "notify script of " + owner);
  };
  for (const auto& vi : cfg.vrrp_instances) notifies(vi.notify, vi.name);
  for (const auto& g : cfg.sync_groups) notifies(g.notify, g.name);
  for (const auto& s : cfg.vrrp_scripts) prepare_one(s.script, "vrrp script " + s.name);

}

const NotifyScriptHost::Prepared* NotifyScriptHost::find(const config::Script& s) {
  auto it = scripts_.find(key(s));
  if (it == scripts_.end()) {
    prepare_one(s, "script " + (s.argv.empty() ? std::string() : s.argv[0]));
    it = scripts_.find(key(s));
  }
  if (it == scripts_.end() || !it->second.usable) return nullptr;
  return &it->second;
}

void NotifyScriptHost::notify(const config::Script& script, std::vector<std::string> extra_args) {
  const auto* p = find(script);
  if (!p) return;
  notify::ScriptSpec spec;
  spec.argv = script.argv;
  spec.argv[0] = p->exec_path;
  spec.argv.insert(spec.argv.end(), extra_args.begin(), extra_args.end());
  spec.run_as = p->who;
  notifies_.async_run(std::move(spec), [this, name = script.argv[0]](notify::ScriptResult r) {
    if (r.outcome == notify::ScriptOutcome::FailedToStart)
      log_.warning("Notify script {} {}", name, r.describe());
  });
}

void NotifyScriptHost::check(const config::Script& script, Duration timeout,
                             std::function<void(bool, int, std::string)> done) {
  const auto* p = find(script);
  if (!p) {
    done(false, -1, "disabled (insecure or missing)");
    return;
  }
  notify::ScriptSpec spec;
  spec.argv = script.argv;
  spec.argv[0] = p->exec_path;
  spec.run_as = p->who;
  spec.timeout = timeout;
  tracks_.async_run(std::move(spec), [done = std::move(done)](notify::ScriptResult r) {
    const int status = r.outcome == notify::ScriptOutcome::Exited ? r.exit_status : -1;
    done(r.succeeded(), status, r.describe());
  });
}

void NotifyScriptHost::fifo(const std::string& line) {
  if (fifos_) fifos_->vrrp_line(line);
}

}  // namespace stayalived::vrrp
