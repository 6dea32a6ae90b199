#include "stayalived/check/address.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>

#include <fmt/format.h>

namespace stayalived::check {

std::string lower_name(Protocol p) {
  std::string s(net::to_string(p));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string format_service(const Endpoint& ep, Protocol p) {
  return fmt::format("[{}]:{}:{}", ep.address.to_string(), lower_name(p), ep.port);
}

std::string format_vs(const VirtualServerKey& vs) {
  switch (vs.kind) {
    case VirtualServerKey::Kind::Address: return format_service(vs.endpoint, vs.protocol);
    case VirtualServerKey::Kind::Fwmark: return fmt::format("FWM {}", vs.fwmark);
    case VirtualServerKey::Kind::Group: return fmt::format("[{}]:0", vs.group);
  }
  return "?";
}

std::string format_rs(const Endpoint& rs, const VirtualServerKey& vs) {
  if (vs.kind == VirtualServerKey::Kind::Fwmark) return fmt::format("[{}]:none:{}", rs.address.to_string(), rs.port);
  return format_service(rs, vs.protocol);
}

}  // namespace stayalived::check
