// The signals the daemon reacts to, with keepalived's numbers (keepalived(8) SIGNALS).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace stayalived::daemon {

/// What a signal asks the daemon to do (keepalived's SIGFUNC names).
enum class SignalFunction { Reload, Stop, Data, Stats, StatsClear, Json };

/// keepalived's name for a function, as accepted by --signum.
std::string_view name(SignalFunction f);

/// --signum=SIGFUNC: the signal number keepalived uses for STOP, RELOAD, DATA, STATS,
/// STATS_CLEAR and JSON. JSON is SIGRTMIN+2 and STATS_CLEAR SIGRTMAX-1 (36 and 63 on
/// glibc/Linux). TDATA is not built into Debian's keepalived, nor into ours.
std::optional<int> signal_number(std::string_view sigfunc);

/// The function of a received signal; SIGINT is a stop, like SIGTERM.
std::optional<SignalFunction> function_of(int signo);

/// Every signal the daemon handles.
std::vector<int> handled_signals();

}  // namespace stayalived::daemon
