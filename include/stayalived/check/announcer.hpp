// The subscriber of the checker runtime's changes (changes.hpp): keepalived 2.2.7's log
// lines for them, the notify scripts, lvs_notify_fifo lines and SMTP alerts (through a
// Notifier, which queues), and the daemon's event stream (RealServerChange, QuorumChange).
#pragma once

#include <memory>

#include "stayalived/check/changes.hpp"
#include "stayalived/check/notify.hpp"
#include "stayalived/common/event_stream.hpp"
#include "stayalived/common/log.hpp"

namespace stayalived::check {

class Announcer {
 public:
  /// `notifier` and `bus` may be null (then nothing is sent there).
  Announcer(log::Channel log, std::shared_ptr<Notifier> notifier, events::Bus* bus = nullptr)
      : log_(log), notifier_(std::move(notifier)), bus_(bus) {}

  void operator()(const PoolChange& c);

 private:
  void real_server(const RealServerTransition& t);
  void quorum(const QuorumTransition& t);
  void run(const ScriptDef* script, const std::string& what);

  log::Channel log_;
  std::shared_ptr<Notifier> notifier_;
  events::Bus* bus_;
};

}  // namespace stayalived::check
