#include "stayalived/daemon/notify_hub.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "stayalived/notify/alert.hpp"
#include "stayalived/notify/script_security.hpp"

namespace stayalived::daemon {

namespace {

std::optional<notify::Credentials> resolve(const std::optional<config::RunAs>& who,
                                           const std::optional<notify::Credentials>& fallback) {
  if (!who) return fallback;
  notify::SystemUserDatabase users;
  auto c = notify::resolve_script_user(who->user, who->group, users);
  if (!c) return std::nullopt;
  return *c;
}

// check::Notifier over the hub: scripts through the notify runner, lines to the LVS FIFOs,
// alerts through the one SMTP queue.
class HubCheckNotifier final : public check::Notifier {
 public:
  explicit HubCheckNotifier(NotifyHub& hub, log::Channel log) : hub_(hub), log_(log) {}
  void run_script(const check::ScriptDef& script) override {
    if (script.empty()) return;
    auto who = hub_.credentials(script.user, script.group);
    if (!who) {
      log_.warning("Not running {}: no user to run it as", script.argv.front());
      return;
    }
    notify::ScriptSpec spec;
    spec.argv = script.argv;
    spec.run_as = who;
    auto log = log_;
    const std::string name = script.argv.front();
    hub_.notify_runner().async_run(spec, [log, name](notify::ScriptResult r) {
      if (!r.succeeded()) log.warning("Notify script {} {}", name, r.describe());
    });
  }
  void fifo_line(const std::string& line) override { hub_.fifos().lvs_line(line); }
  void alert(const check::Alert& a) override { hub_.alert(notify::AlertMail{a.subject, a.body}); }

 private:
  NotifyHub& hub_;
  log::Channel log_;
};

// check::ScriptPort (MISC_CHECK) over the hub's check runner.
class HubScriptPort final : public check::ScriptPort {
 public:
  explicit HubScriptPort(NotifyHub& hub) : hub_(hub) {}
  boost::asio::awaitable<check::ScriptExit> run(const check::ScriptDef& script, Duration timeout) override {
    auto who = hub_.credentials(script.user, script.group);
    if (!who) co_return check::ScriptExit{check::ScriptExit::Kind::SpawnFailed, EPERM};
    notify::ScriptSpec spec;
    spec.argv = check::exec_argv(script.argv);
    spec.run_as = who;
    spec.timeout = timeout;
    const notify::ScriptResult r = co_await hub_.check_runner().async_run(spec, boost::asio::use_awaitable);
    co_return check::script_exit_of(r);
  }

 private:
  NotifyHub& hub_;
};

}  // namespace

namespace {
// A budget's options: its size, and a log line when it fills up and when it has room again
// (the scripts that wait are counted in the runner's stats).
notify::ScriptRunner::Options budget(log::Channel log, std::string what) {
  notify::ScriptRunner::Options o;
  o.on_full = [log, what = std::move(what)](bool full, const notify::ScriptRunnerStats& s) {
    if (full)
      log.warning("Scripts: {} are at their limit ({} running); more wait for one to end", what, s.running);
    else
      log.info("Scripts: {} below their limit again ({} waited so far)", what, s.waited);
  };
  return o;
}
}  // namespace

NotifyHub::NotifyHub(boost::asio::io_context& io, log::Logger& logger)
    : io_(io),
      logger_(logger),
      log_(logger, log::Source::Main),
      notify_runner_(io, budget(log_, "notify scripts")),
      track_runner_(io, budget(log_, "vrrp_script checks")),
      check_runner_(io, budget(log_, "MISC_CHECK scripts")) {}

NotifyHub::~NotifyHub() { stop(); }

void NotifyHub::configure(const config::Config& cfg) {
  const auto& g = cfg.global;
  router_id_ = g.router_id.value_or(notify::local_host_name());
  // keepalived's defaults for VRRP mail: the block's smtp_alert, else smtp_alert_vrrp, else
  // smtp_alert (measured against keepalived 2.2.7: a group's mail does not replace its
  // members' own).
  const auto mailed = [&](const std::optional<bool>& own) {
    return own.value_or(g.smtp_alert_vrrp.value_or(g.smtp_alert.value_or(false)));
  };
  vrrp_mail_instances_.clear();
  vrrp_mail_groups_.clear();
  for (const auto& v : cfg.vrrp_instances)
    if (mailed(v.smtp_alert)) vrrp_mail_instances_.insert(v.name);
  for (const auto& sg : cfg.sync_groups)
    if (mailed(sg.smtp_alert)) vrrp_mail_groups_.insert(sg.name);
  no_email_faults_ = g.no_email_faults;
  notify::SystemUserDatabase users;
  const auto def = notify::default_script_user(
      g.script_user ? std::optional<std::string>(g.script_user->user) : std::nullopt,
      g.script_user ? g.script_user->group : std::nullopt, g.enable_script_security, users);
  default_credentials_ = def.credentials;

  configure_fifo(notify_, g.notify_fifo, g.notify_fifo_script);
  configure_fifo(vrrp_, g.vrrp_notify_fifo, g.vrrp_notify_fifo_script);
  configure_fifo(lvs_, g.lvs_notify_fifo, g.lvs_notify_fifo_script);

  std::optional<notify::SmtpSettings> smtp;
  if (g.smtp_server && !g.notification_email.empty()) {
    notify::SmtpSettings s;
    s.server = *g.smtp_server;
    s.port = g.smtp_port;
    s.connect_timeout = g.smtp_connect_timeout;
    s.helo_name = g.smtp_helo_name.value_or("");
    s.from = g.notification_email_from.value_or("");
    s.to = g.notification_email;
    smtp = std::move(s);
  }
  const bool same = smtp.has_value() == smtp_settings_.has_value() &&
                    (!smtp || (smtp->server == smtp_settings_->server && smtp->port == smtp_settings_->port &&
                               smtp->connect_timeout == smtp_settings_->connect_timeout &&
                               smtp->helo_name == smtp_settings_->helo_name &&
                               smtp->from == smtp_settings_->from && smtp->to == smtp_settings_->to));
  if (!same) {
    // A changed server: mail already queued for the old one still goes there.
    alerter_.reset();
    smtp_settings_ = smtp;
    if (smtp) alerter_ = std::make_unique<notify::SmtpAlerter>(io_, log::Channel(logger_, log::Source::Main), *smtp);
  }
}

void NotifyHub::configure_fifo(FifoSlot& slot, const std::optional<config::Fifo>& f,
                               const std::optional<config::Script>& script) {
  if (slot.cfg == f && slot.script_cfg == script && (slot.fifo || !f)) return;
  stop_fifo_script(slot);
  slot.fifo.reset();
  slot.cfg = f;
  slot.script_cfg = script;
  if (!f) return;
  notify::NotifyFifo::Options o;
  o.path = f->path;
  if (f->run_as) o.owner = resolve(f->run_as, std::nullopt);
  slot.fifo = std::make_unique<notify::NotifyFifo>(o, log::Channel(logger_, log::Source::Main));
  if (auto r = slot.fifo->open(); !r) {
    log_.error("cannot open notify FIFO {}: {}", f->path, r.error().message);
    slot.fifo.reset();
    return;
  }
  if (script && !script->argv.empty()) {
    // The FIFO's reader runs for as long as the FIFO is configured (keepalived starts it
    // with the FIFO's name as its last argument).
    auto who = resolve(script->run_as, default_credentials_);
    if (!who) {
      log_.warning("Not starting FIFO script {}: no user to run it as", script->argv.front());
      return;
    }
    notify::ScriptSpec spec;
    spec.argv = notify::fifo_script_argv(script->argv, f->path);
    spec.run_as = who;
    slot.script_cancel = std::make_unique<boost::asio::cancellation_signal>();
    auto log = log_;
    notify_runner_.async_run(spec, boost::asio::bind_cancellation_slot(
                                slot.script_cancel->slot(), [log, path = f->path](notify::ScriptResult r) {
                                  if (r.outcome != notify::ScriptOutcome::Cancelled)
                                    log.warning("FIFO script for {} ended: {}", path, r.describe());
                                }));
  }
}

void NotifyHub::run_once(const config::Script& script, std::chrono::seconds timeout, std::string what,
                         std::function<void()> done) {
  auto who = resolve(script.run_as, default_credentials_);
  if (!who || script.argv.empty()) {
    log_.warning("Not running {} {}: no user to run it as", what, script.command_line());
    boost::asio::post(io_, std::move(done));
    return;
  }
  notify::ScriptSpec spec;
  spec.argv = script.argv;
  spec.run_as = who;
  spec.timeout = timeout;
  log_.info("Running {} {}", what, script.command_line());
  notify_runner_.async_run(spec, [log = log_, what = std::move(what), cmd = script.command_line(),
                                  done = std::move(done)](notify::ScriptResult r) {
    if (r.outcome == notify::ScriptOutcome::TimedOut)
      log.warning("{} {} timed out", what, cmd);
    else if (!r.succeeded())
      log.warning("{} {} {}", what, cmd, r.describe());
    done();
  });
}

void NotifyHub::stop_fifo_script(FifoSlot& slot) {
  if (slot.script_cancel) slot.script_cancel->emit(boost::asio::cancellation_type::terminal);
  slot.script_cancel.reset();
}

void NotifyHub::stop() {
  for (auto* s : {&notify_, &vrrp_, &lvs_}) stop_fifo_script(*s);
  // keepalived's scripts get SIGTERM when it exits; SIGKILL follows after the grace time.
  for (auto* r : {&notify_runner_, &track_runner_, &check_runner_}) r->stop();
  if (alerter_) alerter_->stop();
}

notify::NotifyFifos NotifyHub::fifos() const {
  return notify::NotifyFifos{notify_.fifo.get(), vrrp_.fifo.get(), lvs_.fifo.get()};
}

void NotifyHub::alert(notify::AlertMail mail) {
  if (alerter_) alerter_->send(std::move(mail));
}

namespace {
std::optional<notify::VrrpEvent> mailed_state(events::VrrpState s, bool no_email_faults) {
  switch (s) {
    case events::VrrpState::Master: return notify::VrrpEvent::Master;
    case events::VrrpState::Backup: return notify::VrrpEvent::Backup;
    case events::VrrpState::Fault:
      if (!no_email_faults) return notify::VrrpEvent::Fault;
      break;
    case events::VrrpState::Init: break;
  }
  return std::nullopt;
}
}  // namespace

void NotifyHub::mail_vrrp_transitions(events::Bus& bus) {
  bus.on<events::VrrpInstanceTransition>([this](const events::VrrpInstanceTransition& t) {
    if (!vrrp_mail_instances_.contains(t.instance)) return;
    if (auto st = mailed_state(t.to, no_email_faults_)) alert(notify::vrrp_instance_alert(router_id_, t.instance, *st));
  });
  bus.on<events::VrrpGroupTransition>([this](const events::VrrpGroupTransition& g) {
    if (!vrrp_mail_groups_.contains(g.group)) return;
    if (auto st = mailed_state(g.to, no_email_faults_)) alert(notify::vrrp_group_alert(router_id_, g.group, *st));
  });
}

std::optional<notify::Credentials> NotifyHub::credentials(const std::string& user,
                                                         const std::string& group) const {
  if (user.empty()) return default_credentials_;
  notify::SystemUserDatabase users;
  auto c = notify::resolve_script_user(user, group.empty() ? std::nullopt : std::optional<std::string>(group),
                                       users);
  if (!c) return std::nullopt;
  return *c;
}

std::shared_ptr<check::Notifier> NotifyHub::check_notifier() {
  return std::make_shared<HubCheckNotifier>(*this, log::Channel(logger_, log::Source::Check));
}

std::shared_ptr<check::ScriptPort> NotifyHub::check_script_runner() {
  return std::make_shared<HubScriptPort>(*this);
}

}  // namespace stayalived::daemon
