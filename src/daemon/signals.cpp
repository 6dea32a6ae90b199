#include "stayalived/daemon/signals.hpp"

#include <csignal>

namespace stayalived::daemon {

namespace {
int json_signal() { return SIGRTMIN + 2; }
int stats_clear_signal() { return SIGRTMAX - 1; }
}  // namespace

std::string_view name(SignalFunction f) {
  switch (f) {
    case SignalFunction::Reload: return "RELOAD";
    case SignalFunction::Stop: return "STOP";
    case SignalFunction::Data: return "DATA";
    case SignalFunction::Stats: return "STATS";
    case SignalFunction::StatsClear: return "STATS_CLEAR";
    case SignalFunction::Json: return "JSON";
  }
  return "";
}

std::optional<int> signal_number(std::string_view sigfunc) {
  if (sigfunc == "RELOAD") return SIGHUP;
  if (sigfunc == "STOP") return SIGTERM;
  if (sigfunc == "DATA") return SIGUSR1;
  if (sigfunc == "STATS") return SIGUSR2;
  if (sigfunc == "STATS_CLEAR") return stats_clear_signal();
  if (sigfunc == "JSON") return json_signal();
  return std::nullopt;
}

std::optional<SignalFunction> function_of(int signo) {
  if (signo == SIGHUP) return SignalFunction::Reload;
  if (signo == SIGTERM || signo == SIGINT) return SignalFunction::Stop;
  if (signo == SIGUSR1) return SignalFunction::Data;
  if (signo == SIGUSR2) return SignalFunction::Stats;
  if (signo == stats_clear_signal()) return SignalFunction::StatsClear;
  if (signo == json_signal()) return SignalFunction::Json;
  return std::nullopt;
}

std::vector<int> handled_signals() {
  return {SIGHUP, SIGTERM, SIGINT, SIGUSR1, SIGUSR2, json_signal(), stats_clear_signal()};
}

}  // namespace stayalived::daemon
