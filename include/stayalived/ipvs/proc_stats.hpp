// The kernel's IPVS table as /proc/net/ip_vs shows it (of the reading process's network
// namespace): what `stayalivedctl drain` waits on, the active connections per destination.
// Pure parsing; the caller reads the file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <string_view>

#include "stayalived/ipvs/model.hpp"

namespace stayalived::ipvs {

/// Connections of one destination, summed over every service it serves.
struct DestConnections {
  std::uint64_t active = 0;
  std::uint64_t inactive = 0;
  friend bool operator==(const DestConnections&, const DestConnections&) = default;
};

/// One destination line of /proc/net/ip_vs under its service.
struct ProcDest {
  DestKey key{};
  std::string forward;      ///< "Masq", "Route", "Tunnel", "Local"
  std::uint32_t weight = 0;
  DestConnections conns{};
};
/// One service of /proc/net/ip_vs: "TCP  C0000232:0050 rr" or "FWM  00000001 rr".
struct ProcService {
  std::string protocol;     ///< "TCP", "UDP", "SCTP", or "FWM" for a fwmark service
  DestKey key{};            ///< address and port (none for FWM)
  std::uint32_t fwmark = 0;
  std::string scheduler;
  std::vector<ProcDest> dests;
};

/// Parses /proc/net/ip_vs (IPv4 addresses as host-order hex, IPv6 as [addr]). Lines it
/// cannot read are skipped.
std::vector<ProcService> parse_proc_ip_vs_table(std::string_view text);

/// The same summed by destination over every service it serves.
std::map<DestKey, DestConnections> parse_proc_ip_vs(std::string_view text);

/// /proc/net/ip_vs_stats: the namespace's totals since ip_vs loaded (the counters a
/// service or destination has over netlink, model.hpp).
using ProcTotals = TrafficStats;
std::optional<ProcTotals> parse_proc_ip_vs_stats(std::string_view text);

}  // namespace stayalived::ipvs
