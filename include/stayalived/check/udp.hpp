// UDP_CHECK payloads and reply patterns (keepalived.conf(5) UDP_CHECK). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"

namespace stayalived::check::udp {

/// Parses a HEX_STR as keepalived.conf(5) describes it: blank-separated groups, each read
/// two hex digits at a time, a lone last digit being the low nibble ("Ab12f 3 456" is
/// AB 12 0F 03 45 06). With `allow_wildcard`, X/x stands for a nibble that is not compared.
/// nullopt on any other character.
std::optional<std::vector<HexNibble>> parse_hex(std::string_view text, bool allow_wildcard);

/// The bytes of a pattern without wildcards (payload).
std::vector<std::uint8_t> to_bytes(std::span<const HexNibble> nibbles);

/// The verdict over a reply datagram: its length within [min, max] and, when a pattern is
/// given, equal to it over the shorter of the two (X nibbles ignored).
CheckResult verdict(const UdpCheck& spec, std::span<const std::uint8_t> reply);

}  // namespace stayalived::check::udp
