#include <fmt/format.h>

#include "stayalived/check/notify.hpp"

namespace stayalived::check {

std::string fifo_rs_line(const Endpoint& rs, const VirtualServerKey& vs, bool up) {
  return fmt::format("RS {} {} {}", format_rs(rs, vs), format_vs(vs), up ? "UP" : "DOWN");
}

std::string fifo_vs_line(const VirtualServerKey& vs, bool up) {
  return fmt::format("VS {} {}", format_vs(vs), up ? "UP" : "DOWN");
}

std::string checker_message(std::string_view kind, bool up, const CheckResult& cause, const Endpoint& target) {
  if (kind == "TCP_CHECK") return up ? "TCP CHECK succeed on service" : "TCP CHECK failed on service";
  if (kind == "UDP_CHECK") return up ? "UDP CHECK succeed on service" : "UDP CHECK failed on service";
  if (kind == "PING_CHECK") return up ? "ICMP CHECK succeed on service" : "ICMP CHECK failed on service";
  if (kind == "MISC_CHECK") return up ? "MISC CHECK succeeded on service" : "MISC CHECK failed on service";
  if (up) return "CHECK succeed on service";
  switch (cause.outcome) {
    case Outcome::ConnectRefused:
    case Outcome::ConnectTimeout:
    case Outcome::Unreachable:
    case Outcome::ConnectError:
      return fmt::format("CHECK failed on service : Could not connect to server [{}]:{}", target.addr.to_string(),
                         target.port);
    default: return fmt::format("CHECK failed on service : {}", to_string(cause.outcome));
  }
}

Alert rs_alert(std::string_view router_id, const Endpoint& rs, const VirtualServerKey& vs, bool up,
               std::string_view message) {
  return Alert{fmt::format("[{}] Realserver {} of virtual server {} - {}", router_id, format_rs(rs, vs),
                           format_vs(vs), up ? "UP" : "DOWN"),
               fmt::format("=> {} <=", message)};
}

Alert quorum_alert(std::string_view router_id, const VirtualServerKey& vs, QuorumEvent event,
                   std::int64_t quorum, std::int64_t hysteresis, std::int64_t alive_weight) {
  const bool up = event != QuorumEvent::Lost;
  const char* what = event == QuorumEvent::StartingUp ? "Starting with quorum up"
                     : event == QuorumEvent::Gained   ? "Gained quorum"
                                                      : "Lost quorum";
  return Alert{fmt::format("[{}] Virtualserver {} - {}", router_id, format_vs(vs), up ? "UP" : "DOWN"),
               fmt::format("=> {} {}+{}={} <= {} <=", what, quorum, hysteresis,
                           up ? quorum + hysteresis : quorum - hysteresis, alive_weight)};
}

std::string script_text(const ScriptDef& script) {
  std::string out;
  for (const auto& a : script.argv) {
    if (!out.empty()) out.push_back(' ');
    out += a;
  }
  return out;
}

}  // namespace stayalived::check
