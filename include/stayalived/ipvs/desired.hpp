// From virtual servers (as configured) and the pools the checkers decided to the IPVS
// table we want. Pure.
//
// Who is in a pool, with which weight, and whether the sorry server stands in (quorum,
// hysteresis, inhibit_on_failure) is decided in one place: the checkers' pool
// (check::compute_pool, check/health.hpp), which goes straight here. This file adds only
// what IPVS needs around it: the services a virtual server stands for (its group
// expanded), their settings, and each member's forwarding, tunnel and thresholds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stayalived/check/health.hpp"
#include "stayalived/common/expected.hpp"
#include "stayalived/ipvs/model.hpp"

namespace stayalived::ipvs {

/// How packets reach a real server (keepalived.conf "lvs_method NAT|DR|TUN [type ...]").
struct ForwardSpec {
  Forward method = Forward::Masq;
  TunnelType tun_type = TunnelType::Ipip;
  std::uint16_t tun_port = 0;          ///< "type gue port NUM"
  std::uint16_t tun_flags = 0;         ///< nocsum (0) | csum | remcsum

  bool operator==(const ForwardSpec&) const = default;
};

/// A real_server (or sorry_server) block, with virtual-server defaults already applied.
struct RealServerSpec {
  IpAddress address{};
  std::uint16_t port = 0;
  std::uint32_t weight = 1;
  std::optional<ForwardSpec> forward{};  ///< its own lvs_method; unset: the virtual server's
  std::uint32_t upper_threshold = 0;   ///< uthreshold
  std::uint32_t lower_threshold = 0;   ///< lthreshold

  /// The destination key it is programmed under (before the DR/TUN port rule).
  DestKey key() const { return DestKey{address, port}; }
  bool operator==(const RealServerSpec&) const = default;
};

/// One line of a virtual_server_group: an address range with a port, or a fwmark.
struct GroupEntry {
  IpAddress first{};                       ///< range start (a single address: first == last)
  IpAddress last{};
  std::uint16_t port = 0;
  std::uint32_t fwmark = 0;            ///< non-zero: a "fwmark N [inet|inet6]" line
  std::optional<Family> family{};        ///< the fwmark line's family, if given

  bool operator==(const GroupEntry&) const = default;
};

/// A virtual_server block, resolved to the IPVS services it stands for.
struct VirtualServerSpec {
  std::string name{};                    ///< keepalived's name for logs, e.g. "[10.0.0.1]:tcp:80"
  std::vector<ServiceKey> services{};    ///< one; or the expansion of its group
  Service settings{};                    ///< scheduler, flags, persistence (key unused)
  ForwardSpec forward{};                 ///< lvs_method / lb_kind
  std::vector<RealServerSpec> real_servers{};
  std::optional<RealServerSpec> sorry_server{};  ///< its forwarding, when the pool has it

  bool operator==(const VirtualServerSpec&) const = default;
};

/// The destinations of a virtual server for a pool the checkers computed (membership and
/// weights are theirs; forwarding, tunnel and thresholds come from the spec). A member is
/// the real server with the same address and port, else the only real server with that
/// address (the spec may have reset a DR port to the service's); an unknown member is an
/// error naming it.
Expected<std::vector<Destination>, std::string> pool_destinations(const VirtualServerSpec& vs,
                                                                  std::span<const check::PoolMember> pool);

/// The whole desired table: `pools[i]` is the checkers' pool of `vss[i]`; a virtual server
/// without one is left out (its services are not wanted, yet). A DR or TUN destination
/// takes the port of each service it serves (0 for fwmark services), as keepalived programs
/// it; NAT destinations keep theirs. Members that match no real server are skipped and
/// named in `errors` when given.
State build_desired(std::span<const VirtualServerSpec> vss, std::span<const check::DesiredPool> pools,
                    std::vector<std::string>* errors = nullptr);

/// Expands virtual_server_group lines into service keys for a protocol: every address of
/// each range (IPv4 or IPv6, inclusive), and fwmark lines with their family or
/// `fwmark_family`. Fails on a reversed or mixed-family range, or one of more than
/// `max_per_range` addresses.
Expected<std::vector<ServiceKey>, std::string> expand_group(std::span<const GroupEntry> entries, Protocol protocol,
                                                            Family fwmark_family = Family::Inet,
                                                            std::uint32_t max_per_range = 65536);

}  // namespace stayalived::ipvs
