// libFuzzer: the control socket's request parser and the client's response parser, on any
// bytes (what a local client can send the daemon, and what stayalivedctl reads back).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stayalived/control/history.hpp"
#include "stayalived/control/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto r = stayalived::control::parse_request(in)) {
    (void)r->str("name");
    (void)r->flag("follow");
    (void)r->integer("limit");
    (void)stayalived::control::find_verb(r->verb);
    (void)stayalived::control::encode_request(r->id, r->verb, r->args);
  }
  if (auto r = stayalived::control::parse_response(in); r && r->body.is_object())
    (void)stayalived::control::describe_event(r->body.get_object());
  return 0;
}
