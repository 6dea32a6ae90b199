// ICMP and ICMPv6 echo (RFC 792, RFC 4443 section 4) for PING_CHECK. Pure.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "stayalived/check/address.hpp"

namespace stayalived::check::icmp {

/// Echo request type: 8 (ICMP) or 128 (ICMPv6).
std::uint8_t echo_request_type(Family f);
/// Echo reply type: 0 (ICMP) or 129 (ICMPv6).
std::uint8_t echo_reply_type(Family f);

/// RFC 1071 Internet checksum.
std::uint16_t checksum(std::span<const std::uint8_t> data);

/// An echo request with `payload`. The ICMP checksum is filled in for IPv4; for ICMPv6 the
/// kernel computes it (it covers a pseudo-header only the kernel knows fully).
std::vector<std::uint8_t> encode_echo(Family f, std::uint16_t id, std::uint16_t seq,
                                      std::span<const std::uint8_t> payload);

/// How a received datagram relates to our request.
enum class Match : std::uint8_t {
  Reply,       ///< our echo reply
  Unrelated,   ///< someone else's ICMP (other id/seq/type): ignore, keep waiting
  Malformed,   ///< too short or corrupt
};

/// Matches a datagram read from an ICMP socket. `has_ip_header`: raw IPv4 sockets deliver the
/// IP header first. `check_id`: false for datagram ("ping") sockets, where the kernel owns
/// the identifier.
Match match_echo_reply(Family f, std::span<const std::uint8_t> datagram, bool has_ip_header,
                       bool check_id, std::uint16_t id, std::uint16_t seq,
                       std::span<const std::uint8_t> payload);

}  // namespace stayalived::check::icmp
