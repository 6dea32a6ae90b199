#include "stayalived/check/announcer.hpp"

namespace stayalived::check {

void Announcer::operator()(const PoolChange& c) {
  if (const auto* t = std::get_if<RealServerTransition>(&c)) return real_server(*t);
  if (const auto* q = std::get_if<QuorumTransition>(&c)) return quorum(*q);
  if (const auto* w = std::get_if<WeightChange>(&c))
    log_.info("Changing weight of service {} in VS {} to {}", format_rs(w->rs, w->vs), format_vs(w->vs), w->weight);
}

void Announcer::run(const ScriptDef* script, const std::string& what) {
  if (script == nullptr || script->empty()) return;
  log_.info("Executing [{}] for {}", script_text(*script), what);
  if (notifier_) notifier_->run_script(*script);
}

void Announcer::real_server(const RealServerTransition& t) {
  const std::string rs = format_rs(t.rs, t.vs);
  const std::string vs = format_vs(t.vs);
  if (t.cause != ChangeCause::Shutdown) {
    // Observed on keepalived 2.2.7: "Adding service X to VS Y", "Removing service X from VS
    // Y", and with inhibit_on_failure "Enabling service X of VS Y", "Disabling service ...".
    if (t.inhibit_on_failure)
      log_.info("{} service {} of VS {}", t.up ? "Enabling" : "Disabling", rs, vs);
    else if (t.up)
      log_.info("Adding service {} to VS {}", rs, vs);
    else
      log_.info("Removing service {} from VS {}", rs, vs);
  }
  run(t.script, "service " + rs + " in VS " + vs);
  if (notifier_) {
    notifier_->fifo_line(fifo_rs_line(t.rs, t.vs, t.up));
    // omega's notifications at shutdown send no mail (keepalived).
    if (t.smtp_alert && t.cause != ChangeCause::Shutdown)
      notifier_->alert(rs_alert(t.router_id, t.rs, t.vs, t.up, t.message));
  }
  if (bus_ && t.cause == ChangeCause::Check)
    bus_->publish(events::RealServerChange{.virtual_server = vs,
                                           .real_server = rs,
                                           .up = t.up,
                                           .checker = t.checker,
                                           .outcome = t.up ? std::string() : std::string(to_string(t.outcome))});
}

void Announcer::quorum(const QuorumTransition& t) {
  const std::string vs = format_vs(t.vs);
  const QuorumChange& q = t.change;
  if (t.cause == ChangeCause::Shutdown) {
    // omega: the quorum_down script of a quorum that was up, nothing else.
    run(t.script, "VS " + vs);
    return;
  }
  if (q.up)
    log_.info("Gained quorum {}+{}={} <= {} for VS {}", q.quorum, q.hysteresis, q.quorum + q.hysteresis, q.alive_weight,
              vs);
  else
    log_.info("Lost quorum {}-{}={} > {} for VS {}", q.quorum, q.hysteresis, q.quorum - q.hysteresis, q.alive_weight, vs);
  run(t.script, "VS " + vs);
  if (notifier_) {
    notifier_->fifo_line(fifo_vs_line(t.vs, q.up));
    const QuorumEvent ev = !q.up ? QuorumEvent::Lost : t.starting ? QuorumEvent::StartingUp : QuorumEvent::Gained;
    if (t.smtp_alert) notifier_->alert(quorum_alert(t.router_id, t.vs, ev, q.quorum, q.hysteresis, q.alive_weight));
  }
  if (bus_)
    bus_->publish(events::QuorumChange{.virtual_server = vs,
                                       .up = q.up,
                                       .quorum = q.quorum,
                                       .hysteresis = q.hysteresis,
                                       .alive_weight = q.alive_weight});
}

}  // namespace stayalived::check
