// What the checkers tell the outside world when a real server or a quorum changes state:
// notify scripts (argv as configured: keepalived passes no extra arguments to notify_up,
// notify_down, quorum_up and quorum_down), lvs_notify_fifo lines, SMTP alerts. The texts are
// built by pure functions; delivering them is the notify module's job, behind Notifier.
#pragma once

#include <string>
#include <string_view>

#include "stayalived/check/address.hpp"
#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"

namespace stayalived::check {

/// An SMTP alert: subject and body (keepalived's shape); the notify module adds the
/// envelope (notification_email_from, notification_email, smtp_server).
struct Alert {
  std::string subject{};
  std::string body{};
  friend bool operator==(const Alert&, const Alert&) = default;
};

/// Where checker notifications go. Implemented by the daemon over the notify module;
/// calls never block (the implementation queues).
class Notifier {
 public:
  virtual ~Notifier() = default;
  /// Runs a notify script (notify_up/notify_down/quorum_up/quorum_down) in the background.
  virtual void run_script(const ScriptDef& script) = 0;
  /// Writes a line (without the final newline) to lvs_notify_fifo / notify_fifo.
  virtual void fifo_line(const std::string& line) = 0;
  /// Sends an SMTP alert.
  virtual void alert(const Alert& alert) = 0;
};

/// lvs_notify_fifo line for a real server: "RS [192.0.2.11]:tcp:80 [192.0.2.100]:tcp:80 UP"
/// ("RS [192.0.2.11]:none:0 FWM 7 UP" in a fwmark service).
std::string fifo_rs_line(const Endpoint& rs, const VirtualServerKey& vs, bool up);
/// lvs_notify_fifo line for a virtual server's quorum: "VS [192.0.2.100]:tcp:80 DOWN".
std::string fifo_vs_line(const VirtualServerKey& vs, bool up);

/// The checker's words in a real-server alert, as keepalived 2.2.7 writes them:
/// "TCP CHECK succeed on service", "UDP CHECK failed on service", "ICMP CHECK ...",
/// "MISC CHECK succeeded on service" / "MISC CHECK failed on service"; the other kinds
/// "CHECK succeed on service" / "CHECK failed on service : <reason>".
std::string checker_message(std::string_view kind, bool up, const CheckResult& cause, const Endpoint& target);

/// SMTP alert for a real server: subject "[router_id] Realserver [rs]:tcp:80 of virtual
/// server [vs]:tcp:80 - UP|DOWN", body "=> <checker_message> <=".
Alert rs_alert(std::string_view router_id, const Endpoint& rs, const VirtualServerKey& vs, bool up,
               std::string_view message);

/// What happened to a quorum.
enum class QuorumEvent : std::uint8_t { StartingUp, Gained, Lost };

/// SMTP alert for a virtual server: subject "[router_id] Virtualserver [vs] - UP|DOWN", body
/// "=> Gained quorum 2+1=3 <= 4 <=", "=> Starting with quorum up 2+1=3 <= 8 <=" or
/// "=> Lost quorum 2+1=1 <= 0 <=" (keepalived prints quorum-hysteresis after the '+' when
/// quorum is lost).
Alert quorum_alert(std::string_view router_id, const VirtualServerKey& vs, QuorumEvent event,
                   std::int64_t quorum, std::int64_t hysteresis, std::int64_t alive_weight);

/// A script as keepalived logs it: its words joined by blanks.
std::string script_text(const ScriptDef& script);

}  // namespace stayalived::check
