// From virtual servers (as configured) and the health of their real servers to the IPVS
// table we want: keepalived's rules for groups, inhibit_on_failure, quorum with
// hysteresis and the sorry server. Pure.
//
// The inputs are deliberately small value types: the daemon builds VirtualServerSpec from
// the config model (from_config.hpp) and VirtualServerStatus from the checkers' results,
// then calls build_desired() and hands the State to the Reconciler.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

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
  bool inhibit_on_failure = false;     ///< when down: weight 0 instead of removal
  bool alpha = false;                  ///< starts down until its first successful check

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
  std::optional<RealServerSpec> sorry_server{};  ///< its weight is always 1 when active
  bool sorry_server_inhibit = false;   ///< sorry server stays in with weight 0 when inactive
  std::uint32_t quorum = 1;
  std::uint32_t hysteresis = 0;

  bool operator==(const VirtualServerSpec&) const = default;
};

/// What the checkers say about one real server.
struct RealServerHealth {
  bool alive = true;
  std::optional<std::uint32_t> weight{}; ///< a checker-set weight (MISC_CHECK misc_dynamic)

  bool operator==(const RealServerHealth&) const = default;
};

/// The health of a virtual server's pool: one entry per real server (same order as
/// VirtualServerSpec::real_servers) and the quorum state.
///
/// The daemon normally feeds the checkers' pools instead (build_desired_from_pools), so
/// that quorum and membership have one owner; this form serves callers without checkers
/// (tools, tests) and start-up before the first check. From per-real-server results:
///   real_servers[j] = {.alive = status[j].alive, .weight = status[j].weight}
///   quorum_up       = next_quorum(...) or the checkers' PoolStep::quorum_up.
struct VirtualServerStatus {
  std::vector<RealServerHealth> real_servers{};
  bool quorum_up = true;

  bool operator==(const VirtualServerStatus&) const = default;
};

/// keepalived lowers a quorum above the total weight of the real servers to that total,
/// and a hysteresis >= quorum to quorum - 1 (unsigned, as keepalived: quorum 0 gives
/// 4294967295).
struct EffectiveQuorum {
  std::uint32_t quorum = 1;
  std::uint32_t hysteresis = 0;
};
/// The quorum and hysteresis keepalived actually uses for a virtual server.
EffectiveQuorum effective_quorum(const VirtualServerSpec& vs);

/// Sum of the weights of the live real servers (checker weight when set).
std::uint64_t live_weight(const VirtualServerSpec& vs, std::span<const RealServerHealth> health);

/// keepalived's quorum rule: up until the live weight drops below quorum - hysteresis,
/// down until it reaches quorum + hysteresis. At start-up `was_up` is false.
bool next_quorum(const VirtualServerSpec& vs, std::span<const RealServerHealth> health, bool was_up);

/// The status at start-up: every real server alive unless alpha, quorum computed from it.
VirtualServerStatus initial_status(const VirtualServerSpec& vs);

/// The destinations a virtual server wants now: live real servers with their weight;
/// dead ones at weight 0 if inhibit_on_failure, else absent; with the quorum down and a
/// sorry server, the sorry server (weight 1) instead of every real server; with
/// sorry_server_inhibit, the sorry server at weight 0 while not needed.
std::vector<Destination> desired_pool(const VirtualServerSpec& vs, const VirtualServerStatus& status);

/// The whole desired table; `status[i]` belongs to `vss[i]` (missing entries: initial).
/// A DR or TUN destination takes the port of each service it serves (0 for fwmark
/// services), as keepalived programs it; NAT destinations keep theirs.
State build_desired(std::span<const VirtualServerSpec> vss, std::span<const VirtualServerStatus> status);

/// One member of a pool decided by the checkers (check::DesiredPool's PoolMember:
/// endpoint address and port, weight, sorry flag).
struct PoolMember {
  IpAddress address{};
  std::uint16_t port = 0;
  std::uint32_t weight = 0;            ///< 0: in the pool but inhibited
  bool sorry = false;                  ///< the virtual server's sorry server

  bool operator==(const PoolMember&) const = default;
};

/// The destinations of a virtual server for a pool the checkers computed (membership and
/// weights are theirs; forwarding, tunnel and thresholds come from the spec). A member is
/// the real server with the same address and port, else the only real server with that
/// address (the spec may have reset a DR port to the service's); an unknown member is an
/// error naming it.
Expected<std::vector<Destination>, std::string> pool_destinations(const VirtualServerSpec& vs,
                                                                  std::span<const PoolMember> pool);

/// The whole desired table from the checkers' pools: `pools[i]` belongs to `vss[i]`
/// (a missing entry: initial_status). Members that match no real server are skipped and
/// named in `errors` when given.
State build_desired_from_pools(std::span<const VirtualServerSpec> vss, std::span<const std::vector<PoolMember>> pools,
                               std::vector<std::string>* errors = nullptr);

/// Expands virtual_server_group lines into service keys for a protocol: every address of
/// each range (IPv4 or IPv6, inclusive), and fwmark lines with their family or
/// `fwmark_family`. Fails on a reversed or mixed-family range, or one of more than
/// `max_per_range` addresses.
Expected<std::vector<ServiceKey>, std::string> expand_group(std::span<const GroupEntry> entries, Protocol protocol,
                                                            Family fwmark_family = Family::Inet,
                                                            std::uint32_t max_per_range = 65536);

}  // namespace stayalived::ipvs
