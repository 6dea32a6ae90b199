#include "stayalived/notify/events.hpp"

#include <fmt/format.h>

namespace stayalived::notify {

std::string_view scope_word(VrrpScope scope) {
  return scope == VrrpScope::Group ? "GROUP" : "INSTANCE";
}

std::string_view event_word(VrrpEvent event) {
  switch (event) {
    case VrrpEvent::Master: return "MASTER";
    case VrrpEvent::Backup: return "BACKUP";
    case VrrpEvent::Fault: return "FAULT";
    case VrrpEvent::Stop: return "STOP";
    case VrrpEvent::Deleted: return "DELETED";
    case VrrpEvent::MasterRxLowerPri: return "MASTER_RX_LOWER_PRI";
    case VrrpEvent::MasterPriority: return "MASTER_PRIORITY";
    case VrrpEvent::BackupPriority: return "BACKUP_PRIORITY";
  }
  return "";
}

std::vector<std::string> vrrp_notify_argv(std::vector<std::string> configured, VrrpScope scope,
                                          std::string_view name, VrrpEvent event, int priority) {
  configured.emplace_back(scope_word(scope));
  configured.emplace_back(name);
  configured.emplace_back(event_word(event));
  configured.push_back(std::to_string(priority));
  return configured;
}

std::string vrrp_fifo_line(VrrpScope scope, std::string_view name, VrrpEvent event, int priority) {
  return fmt::format("{} \"{}\" {} {}", scope_word(scope), name, event_word(event), priority);
}

std::string lvs_service(std::string_view address, std::string_view protocol, std::uint16_t port) {
  return fmt::format("[{}]:{}:{}", address, protocol, port);
}

std::string lvs_fwmark(std::uint32_t mark) { return fmt::format("FWM {}", mark); }

std::string lvs_group(std::string_view name) { return fmt::format("[{}]:0", name); }

std::string lvs_vs_fifo_line(std::string_view vs, bool up) {
  return fmt::format("VS {} {}", vs, up ? "UP" : "DOWN");
}

std::string lvs_rs_fifo_line(std::string_view rs, std::string_view vs, bool up) {
  return fmt::format("RS {} {} {}", rs, vs, up ? "UP" : "DOWN");
}

}  // namespace stayalived::notify
