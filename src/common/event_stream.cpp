#include "stayalived/common/event_stream.hpp"

namespace stayalived::events {

std::string_view name(VrrpState s) {
  switch (s) {
    case VrrpState::Init: return "INIT";
    case VrrpState::Backup: return "BACKUP";
    case VrrpState::Master: return "MASTER";
    case VrrpState::Fault: return "FAULT";
  }
  return "?";
}

std::string_view name(VrrpCause c) {
  switch (c) {
    case VrrpCause::Startup: return "startup";
    case VrrpCause::AddressOwner: return "address_owner";
    case VrrpCause::MasterDown: return "master_down";
    case VrrpCause::HigherPriority: return "higher_priority";
    case VrrpCause::Fault: return "fault";
    case VrrpCause::FaultCleared: return "fault_cleared";
    case VrrpCause::SyncGroup: return "sync_group";
    case VrrpCause::Shutdown: return "shutdown";
    case VrrpCause::Deleted: return "deleted";
    case VrrpCause::AddressLost: return "address_lost";
    case VrrpCause::Maintenance: return "maintenance";
  }
  return "?";
}

// A subscriber may publish (a transition's subscriber reporting another change): that event
// waits in the queue until the current one has reached everyone, so that no subscriber sees
// a later event before an earlier one.
void Bus::publish(Event e) {
  ++published_;
  queue_.push_back(std::move(e));
  if (delivering_) return;
  delivering_ = true;
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    const Event current = std::move(queue_[i]);
    for (std::size_t h = 0; h < handlers_.size(); ++h) handlers_[h](current);
  }
  queue_.clear();
  delivering_ = false;
}

}  // namespace stayalived::events
