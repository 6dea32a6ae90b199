// The subsystems of the daemon, created as the command line asks. Each subsystem lands
// here with its adapter (vrrp_subsystem.cpp, check_subsystem.cpp, ipvs_subsystem.cpp).
#include "stayalived/daemon/app.hpp"

namespace stayalived::daemon {

void add_subsystems(App& /*app*/, boost::asio::io_context& /*io*/, log::Logger& /*logger*/,
                    const Options& /*opts*/) {}

}  // namespace stayalived::daemon
