#include <fmt/format.h>

#include "stayalived/check/notify.hpp"

namespace stayalived::check {

std::string fifo_rs_line(const Endpoint& rs, const VirtualServerKey& vs, bool up) {
  return fmt::format("RS {} {} {}", format_service(rs, vs.protocol), format_vs(vs), up ? "UP" : "DOWN");
}

std::string fifo_vs_line(const VirtualServerKey& vs, bool up) {
  return fmt::format("VS {} {}", format_vs(vs), up ? "UP" : "DOWN");
}

Alert rs_alert(std::string_view router_id, const Endpoint& rs, const VirtualServerKey& vs, bool up) {
  return Alert{
      fmt::format("[{}] Realserver {} of virtual server {} - {}", router_id,
                  format_service(rs, vs.protocol), format_vs(vs), up ? "UP" : "DOWN"),
      up ? "=> CHECK succeed on service <=" : "=> CHECK failed on service <="};
}

Alert quorum_alert(std::string_view router_id, const VirtualServerKey& vs, bool up) {
  return Alert{fmt::format("[{}] Virtual Server {} - {}", router_id, format_vs(vs), up ? "UP" : "DOWN"),
               up ? "=> Gained quorum <=" : "=> Lost quorum <="};
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
