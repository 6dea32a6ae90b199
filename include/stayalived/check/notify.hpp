// What the checkers tell the outside world when a real server or a quorum changes state:
// notify scripts (argv as configured: keepalived passes no extra arguments to notify_up,
// notify_down, quorum_up and quorum_down), lvs_notify_fifo lines, SMTP alerts. The texts are
// built by pure functions; delivering them is the notify module's job, behind Notifier.
#pragma once

#include <string>
#include <string_view>

#include "stayalived/check/address.hpp"
#include "stayalived/check/definition.hpp"

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

/// lvs_notify_fifo line for a real server: "RS [192.0.2.11]:tcp:80 [192.0.2.100]:tcp:80 UP".
std::string fifo_rs_line(const Endpoint& rs, const VirtualServerKey& vs, bool up);
/// lvs_notify_fifo line for a virtual server's quorum: "VS [192.0.2.100]:tcp:80 DOWN".
std::string fifo_vs_line(const VirtualServerKey& vs, bool up);

/// SMTP alert for a real server: subject "[router_id] Realserver [rs]:tcp:80 of virtual
/// server [vs]:tcp:80 - UP", body "=> CHECK succeed on service <=" or
/// "=> CHECK failed on service <=".
Alert rs_alert(std::string_view router_id, const Endpoint& rs, const VirtualServerKey& vs, bool up);
/// SMTP alert for a quorum change: subject "[router_id] Virtual Server [vs] - UP|DOWN", body
/// "=> Gained quorum <=" or "=> Lost quorum <=".
Alert quorum_alert(std::string_view router_id, const VirtualServerKey& vs, bool up);

/// A script as keepalived logs it: its words joined by blanks.
std::string script_text(const ScriptDef& script);

}  // namespace stayalived::check
