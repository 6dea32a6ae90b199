// The subsystems of the daemon, created as the command line asks: -P runs VRRP only, -C the
// checkers and IPVS only; by default both. The one place that knows them all, and where
// their events meet on the event stream: a VRRP instance's VIPs present or gone drive the
// checkers' ha_suspend, and its MASTER state the IPVS sync daemon (lvs_sync_daemon ...
// inst NAME).
#include "lvs_subsystem.hpp"
#include "stayalived/daemon/app.hpp"
#include "vrrp_subsystem.hpp"

namespace stayalived::daemon {

void add_subsystems(App& app, boost::asio::io_context& io, log::Logger& logger, const Options& opts) {
  NotifyHub& hub = app.notify_hub();
  const bool with_vrrp = opts.runs_vrrp();
  const bool with_check = opts.runs_checkers();
  VrrpSubsystem* vrrp = nullptr;
  LvsSubsystem* lvs = nullptr;
  // Stopped in reverse order: the checkers and IPVS first, then VRRP (its last adverts and
  // notify_stop scripts), as keepalived's parent stops its children.
  if (with_vrrp) {
    auto v = std::make_unique<VrrpSubsystem>(io, logger, opts, hub, app.events());
    vrrp = v.get();
    app.add(std::move(v));
  }
  if (with_check) {
    auto l = std::make_unique<LvsSubsystem>(io, logger, opts, hub, app.events());
    lvs = l.get();
    app.add(std::move(l));
  }
  if (vrrp && lvs) {
    app.events().on<events::VrrpInstanceTransition>([vrrp, lvs](const events::VrrpInstanceTransition& t) {
      const bool master = t.to == events::VrrpState::Master;
      const config::VrrpInstance* inst = vrrp->runtime().instance_config(t.instance);
      if (inst && (t.from == events::VrrpState::Master) != master) {
        for (const auto& a : inst->virtual_ipaddress) lvs->set_address_present(a.address.address, master);
        for (const auto& a : inst->virtual_ipaddress_excluded) lvs->set_address_present(a.address.address, master);
      }
      lvs->on_vrrp_state(t.instance, master);
    });
  }
}

}  // namespace stayalived::daemon
