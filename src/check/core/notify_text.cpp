#include <fmt/format.h>

#include "stayalived/check/notify.hpp"
#include "stayalived/notify/alert.hpp"
#include "stayalived/notify/events.hpp"

namespace stayalived::check {

// The texts are the notify module's (one place for keepalived's FIFO lines and alerts); this
// file only puts the checkers' endpoints and keys into the forms it takes.

std::string fifo_rs_line(const Endpoint& rs, const VirtualServerKey& vs, bool up) {
  return notify::lvs_rs_fifo_line(format_rs(rs, vs), format_vs(vs), up);
}

std::string fifo_vs_line(const VirtualServerKey& vs, bool up) { return notify::lvs_vs_fifo_line(format_vs(vs), up); }

std::string checker_message(std::string_view kind, bool up, const CheckResult& cause, const Endpoint& target) {
  namespace m = notify::checker_messages;
  if (kind == "TCP_CHECK") return std::string(up ? m::kTcpUp : m::kTcpDown);
  if (kind == "UDP_CHECK") return std::string(up ? m::kUdpUp : m::kUdpDown);
  if (kind == "PING_CHECK") return std::string(up ? m::kPingUp : m::kPingDown);
  if (kind == "MISC_CHECK") return std::string(up ? m::kMiscUp : m::kMiscDown);
  if (up) return std::string(m::kGenericUp);
  switch (cause.outcome) {
    case Outcome::ConnectRefused:
    case Outcome::ConnectTimeout:
    case Outcome::Unreachable:
    case Outcome::ConnectError:
      return m::generic_down(fmt::format("Could not connect to server [{}]:{}", target.address.to_string(), target.port));
    default: return m::generic_down(to_string(cause.outcome));
  }
}

Alert rs_alert(std::string_view router_id, const Endpoint& rs, const VirtualServerKey& vs, bool up,
               std::string_view message) {
  auto mail = notify::real_server_alert(router_id, format_rs(rs, vs), format_vs(vs), up, message);
  return Alert{std::move(mail.subject), std::move(mail.body)};
}

Alert quorum_alert(std::string_view router_id, const VirtualServerKey& vs, QuorumEvent event,
                   std::int64_t quorum, std::int64_t hysteresis, std::int64_t alive_weight) {
  const auto change = event == QuorumEvent::StartingUp ? notify::QuorumChange::StartingUp
                      : event == QuorumEvent::Gained   ? notify::QuorumChange::Gained
                                                       : notify::QuorumChange::Lost;
  auto mail = notify::virtual_server_alert(router_id, format_vs(vs), change, static_cast<unsigned>(quorum),
                                           static_cast<unsigned>(hysteresis), static_cast<long>(alive_weight));
  return Alert{std::move(mail.subject), std::move(mail.body)};
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
