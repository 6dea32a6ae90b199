// Addresses, endpoints and the identities of virtual and real servers, as plain values.
// Pure: no Asio, no sockets (the I/O shell converts to sockaddr). Formatting follows
// keepalived's log format, "[192.0.2.1]:tcp:80", so that log filters keep matching.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "stayalived/common/net.hpp"

namespace stayalived::check {

// Addresses, endpoints and protocols are the daemon's one vocabulary (common/net.hpp).
using net::Endpoint;
using net::Family;
using net::hash_value;
using net::IpAddress;
using net::Protocol;

/// "tcp", "udp", "sctp" as keepalived prints them.
std::string lower_name(Protocol p);

/// keepalived's service format: "[192.0.2.1]:tcp:80", "[2001:db8::1]:udp:53".
std::string format_service(const Endpoint& ep, Protocol p);

/// The identity of a virtual server, as written after `virtual_server`: an address and port,
/// a firewall mark, or a virtual_server_group name. Equal keys mean the same service across
/// a reload.
struct VirtualServerKey {
  enum class Kind : std::uint8_t { Address, Fwmark, Group };
  Kind kind = Kind::Address;
  Endpoint endpoint{};          ///< Kind::Address
  std::uint32_t fwmark = 0;   ///< Kind::Fwmark
  std::string group{};          ///< Kind::Group
  Protocol protocol = Protocol::Tcp;
  Family family = Family::Inet; ///< for fwmark services (ip_family)

  friend auto operator<=>(const VirtualServerKey&, const VirtualServerKey&) = default;
  friend bool operator==(const VirtualServerKey&, const VirtualServerKey&) = default;
};

/// keepalived's virtual server format: "[192.0.2.100]:tcp:80", "FWM 7", "[group]:0".
std::string format_vs(const VirtualServerKey& vs);

/// keepalived's format of a real server of `vs`: "[192.0.2.11]:tcp:80"; the real servers of
/// a fwmark service have no protocol: "[192.0.2.11]:none:0".
std::string format_rs(const Endpoint& rs, const VirtualServerKey& vs);


}  // namespace stayalived::check
