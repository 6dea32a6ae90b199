// The kernel's IPVS table as /proc/net/ip_vs shows it (of the reading process's network
// namespace): what `stayalivedctl drain` waits on, the active connections per destination.
// Pure parsing; the caller reads the file.
#pragma once

#include <cstdint>
#include <map>
#include <string_view>

#include "stayalived/ipvs/model.hpp"

namespace stayalived::ipvs {

/// Connections of one destination, summed over every service it serves.
struct DestConnections {
  std::uint64_t active = 0;
  std::uint64_t inactive = 0;
  friend bool operator==(const DestConnections&, const DestConnections&) = default;
};

/// Parses /proc/net/ip_vs ("-> C0A80002:0050 Masq 1 3 0" lines; IPv6 as [addr]:port).
/// Lines it cannot read are skipped.
std::map<DestKey, DestConnections> parse_proc_ip_vs(std::string_view text);

}  // namespace stayalived::ipvs
