#include "stayalived/metrics/event_counters.hpp"

#include <type_traits>
#include <variant>

namespace stayalived::metrics {

void EventCounters::subscribe(events::Bus& bus) {
  bus.subscribe([this](const events::Event& e) { count(e); });
}

void EventCounters::count(const events::Event& event) {
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::VrrpInstanceTransition>) {
          ++vrrp_[{e.instance, std::string(events::name(e.from)), std::string(events::name(e.to)),
                   std::string(events::name(e.cause))}];
        } else if constexpr (std::is_same_v<T, events::VrrpGroupTransition>) {
          ++groups_[{e.group, std::string(events::name(e.from)), std::string(events::name(e.to))}];
        } else if constexpr (std::is_same_v<T, events::RealServerChange>) {
          ++real_servers_[{e.virtual_server, e.real_server, e.up ? "up" : "down"}];
        } else if constexpr (std::is_same_v<T, events::QuorumChange>) {
          ++quorum_[{e.virtual_server, e.up ? "up" : "down"}];
        } else if constexpr (std::is_same_v<T, events::IpvsApplied>) {
          ++ipvs_rounds_;
          ipvs_writes_ += e.writes;
          ipvs_confirmed_ += e.confirmed;
          ipvs_failures_ += e.failures;
          ipvs_unresolved_ = e.unresolved;
        } else if constexpr (std::is_same_v<T, events::ReloadOutcome>) {
          if (e.applied) {
            ++reloads_ok_;
            last_reload_ok_ = now_();
          } else {
            ++reloads_failed_;
          }
        } else if constexpr (std::is_same_v<T, events::AdvertsDropped>) {
          ++adverts_dropped_reports_;
        }
      },
      event);
}

void EventCounters::write(Exposition& x) const {
  constexpr std::string_view vrrp_help = "VRRP instance state changes, by the cause the runtime gave";
  x.declare("stayalived_vrrp_transitions_total", Type::Counter, vrrp_help);
  for (const auto& [k, n] : vrrp_) {
    const auto& [inst, from, to, cause] = k;
    x.counter("stayalived_vrrp_transitions_total", vrrp_help,
              {{"iname", inst}, {"from", from}, {"to", to}, {"cause", cause}}, static_cast<double>(n));
  }
  constexpr std::string_view group_help = "VRRP sync group state changes";
  x.declare("stayalived_vrrp_group_transitions_total", Type::Counter, group_help);
  for (const auto& [k, n] : groups_) {
    const auto& [group, from, to] = k;
    x.counter("stayalived_vrrp_group_transitions_total", group_help, {{"group", group}, {"from", from}, {"to", to}},
              static_cast<double>(n));
  }
  constexpr std::string_view rs_help = "Real servers added to (up) or removed from (down) their pool by their checkers";
  x.declare("stayalived_real_server_transitions_total", Type::Counter, rs_help);
  for (const auto& [k, n] : real_servers_) {
    const auto& [vs, rs, to] = k;
    x.counter("stayalived_real_server_transitions_total", rs_help,
              {{"virtual_server", vs}, {"real_server", rs}, {"to", to}}, static_cast<double>(n));
  }
  constexpr std::string_view q_help = "Virtual servers gaining (up) or losing (down) their quorum";
  x.declare("stayalived_quorum_transitions_total", Type::Counter, q_help);
  for (const auto& [k, n] : quorum_) {
    const auto& [vs, to] = k;
    x.counter("stayalived_quorum_transitions_total", q_help, {{"virtual_server", vs}, {"to", to}},
              static_cast<double>(n));
  }
  x.counter("stayalived_ipvs_apply_rounds_total", "Times the IPVS table was brought to the desired state", {},
            static_cast<double>(ipvs_rounds_));
  x.counter("stayalived_ipvs_writes_total", "IPVS writes sent to the kernel", {}, static_cast<double>(ipvs_writes_));
  x.counter("stayalived_ipvs_writes_confirmed_total", "IPVS writes the kernel acknowledged with success", {},
            static_cast<double>(ipvs_confirmed_));
  x.counter("stayalived_ipvs_write_failures_total", "IPVS writes refused or unanswered", {},
            static_cast<double>(ipvs_failures_));
  x.gauge("stayalived_ipvs_unresolved_failures", "IPVS operations still failing after the last apply round", {},
          static_cast<double>(ipvs_unresolved_));
  constexpr std::string_view r_help = "Reloads (SIGHUP) by outcome: success applied, failure kept the running configuration";
  x.counter("stayalived_reloads_total", r_help, {{"result", "success"}}, static_cast<double>(reloads_ok_));
  x.counter("stayalived_reloads_total", r_help, {{"result", "failure"}}, static_cast<double>(reloads_failed_));
  x.gauge("stayalived_last_reload_success_timestamp_seconds", "Time of the last successful reload (0: none yet)", {},
          last_reload_ok_);
  x.counter("stayalived_vrrp_drop_reports_total", "Rate-limited reports of dropped adverts (log lines)", {},
            static_cast<double>(adverts_dropped_reports_));
}

}  // namespace stayalived::metrics
