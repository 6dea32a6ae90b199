// The IPVS model: plain value types for what the kernel's ip_vs holds (services and their
// destinations), as we desire it and as we read it back. Pure: no libnl, no Asio, no clock.
//
// Field meanings follow linux/ip_vs.h and ipvsadm(8); the names of keepalived.conf(5)
// keywords that fill them are given where they differ.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/common/net.hpp"

namespace stayalived::ipvs {

// Addresses, families and protocols are the daemon's one vocabulary (common/net.hpp); the
// kernel's AF_ and IPPROTO_ numbers are the codec's business (genl_codec.cpp).
using net::Family;
using net::IpAddress;
using net::Protocol;

using net::to_string;  ///< Protocol: "TCP", "UDP", "SCTP" (ipvsadm's spelling)

/// Identifies a virtual service: <family, protocol, address, port> or <family, fwmark>.
/// Build with make() or fwmark_service() so unused fields stay zero and keys compare as
/// the kernel matches them.
struct ServiceKey {
  Family family = Family::Inet;
  std::uint32_t fwmark = 0;            ///< non-zero: a firewall-mark service
  Protocol protocol = Protocol::Tcp;   ///< unused (Tcp) for fwmark services
  IpAddress address{};                     ///< unused (zero) for fwmark services
  std::uint16_t port = 0;              ///< host order; unused for fwmark services

  /// A <protocol, address, port> service (its family is the address's).
  static ServiceKey make(Protocol p, const IpAddress& a, std::uint16_t port);
  /// A firewall-mark service of a family.
  static ServiceKey fwmark_service(std::uint32_t mark, Family family = Family::Inet);
  /// True for a firewall-mark service.
  bool is_fwmark() const { return fwmark != 0; }
  /// "TCP 10.0.0.1:80", "UDP [2001:db8::1]:53", "FWM 5", "FWM 5 IPv6".
  std::string to_string() const;

  auto operator<=>(const ServiceKey&) const = default;
};

/// Virtual service flags (linux/ip_vs.h IP_VS_SVC_F_*).
namespace svc_flag {
inline constexpr std::uint32_t kPersistent = 0x0001;
inline constexpr std::uint32_t kHashed = 0x0002;     ///< set by the kernel on every service
inline constexpr std::uint32_t kOnePacket = 0x0004;  ///< keepalived.conf "ops"
inline constexpr std::uint32_t kSched1 = 0x0008;     ///< flag-1, sh-fallback, mh-fallback
inline constexpr std::uint32_t kSched2 = 0x0010;     ///< flag-2, sh-port, mh-port
inline constexpr std::uint32_t kSched3 = 0x0020;     ///< flag-3
/// The flags we program and compare; the kernel owns kHashed.
inline constexpr std::uint32_t kUserMask = kPersistent | kOnePacket | kSched1 | kSched2 | kSched3;
}  // namespace svc_flag

/// A virtual service and its settings.
struct Service {
  ServiceKey key{};
  std::string scheduler = "wlc";       ///< lvs_sched / lb_algo (keepalived's default: wlc)
  std::uint32_t flags = 0;             ///< svc_flag bits within kUserMask
  std::uint32_t timeout = 0;           ///< persistence_timeout, seconds
  /// persistence_granularity: for IPv4 a host-order netmask (default 255.255.255.255),
  /// for IPv6 a prefix length (default 128).
  std::uint32_t netmask = 0xffffffff;
  std::string pe_name{};                 ///< persistence_engine ("" for none)

  /// The default netmask of a family (what ipvsadm and keepalived send).
  static std::uint32_t default_netmask(Family family) { return family == Family::Inet6 ? 128 : 0xffffffff; }
  /// The settings only (not the key) are equal.
  bool same_settings(const Service& o) const {
    return scheduler == o.scheduler && (flags & svc_flag::kUserMask) == (o.flags & svc_flag::kUserMask) &&
           timeout == o.timeout && netmask == o.netmask && pe_name == o.pe_name;
  }
  bool operator==(const Service&) const = default;
};

/// Forwarding methods (IP_VS_CONN_F_* & IP_VS_CONN_F_FWD_MASK).
enum class Forward : std::uint32_t { Masq = 0, Local = 1, Tunnel = 2, Route = 3, Bypass = 4 };

/// "Masq", "Local", "Tunnel", "Route", "Bypass" (ipvsadm -L's column).
std::string_view to_string(Forward f);

/// Tunnel encapsulations for Forward::Tunnel (keepalived.conf "lvs_method TUN type ...").
enum class TunnelType : std::uint8_t { Ipip = 0, Gue = 1, Gre = 2 };

/// Tunnel checksum flags (IP_VS_TUNNEL_ENCAP_FLAG_*): 0 is nocsum.
namespace tun_flag {
inline constexpr std::uint16_t kNoCsum = 0;
inline constexpr std::uint16_t kCsum = 1 << 0;
inline constexpr std::uint16_t kRemCsum = 1 << 1;
}  // namespace tun_flag

/// Identifies a destination within a service: its address and port (host order). The
/// family may differ from the service's (tunnelled real servers only).
using DestKey = net::Endpoint;

/// A destination (real server or sorry server) of a service.
struct Destination {
  DestKey key{};
  Forward forward = Forward::Masq;     ///< lvs_method / lb_kind (keepalived's default: NAT)
  std::uint32_t weight = 1;
  std::uint32_t upper_threshold = 0;   ///< uthreshold
  std::uint32_t lower_threshold = 0;   ///< lthreshold
  TunnelType tun_type = TunnelType::Ipip;
  std::uint16_t tun_port = 0;          ///< GUE port, host order
  std::uint16_t tun_flags = 0;         ///< tun_flag bits

  /// The settings only (not the key) are equal, comparing tunnel fields only for tunnels.
  bool same_settings(const Destination& o) const;
  bool operator==(const Destination&) const = default;
};

/// A service with its destinations.
struct ServiceEntry {
  Service service{};
  std::map<DestKey, Destination> dests{};

  bool operator==(const ServiceEntry&) const = default;
};

/// A whole IPVS table (desired, observed, or the part we own), ordered by key.
struct State {
  std::map<ServiceKey, ServiceEntry> services{};

  /// Adds or replaces a service (keeps its destinations if it already exists).
  ServiceEntry& put(const Service& s);
  /// Adds or replaces a destination of an existing service; false if there is no service.
  bool put(const ServiceKey& svc, const Destination& d);
  /// The service of a key, or nullptr.
  const ServiceEntry* find(const ServiceKey& k) const;
  /// Number of destinations over all services.
  std::size_t dest_count() const;

  bool operator==(const State&) const = default;
};

/// The kernel's traffic counters of a service or destination since it was added
/// (IPVS_*_ATTR_STATS64, or the 32-bit IPVS_*_ATTR_STATS of older kernels; ipvsadm -L --stats).
struct TrafficStats {
  std::uint64_t connections = 0;
  std::uint64_t incoming_packets = 0;
  std::uint64_t outgoing_packets = 0;
  std::uint64_t incoming_bytes = 0;
  std::uint64_t outgoing_bytes = 0;

  bool operator==(const TrafficStats&) const = default;
};

/// A destination's counters and its connections now.
struct DestStats {
  DestKey key{};
  std::uint32_t weight = 0;
  std::uint32_t active_connections = 0;
  std::uint32_t inactive_connections = 0;
  std::uint32_t persistent_connections = 0;
  TrafficStats traffic{};

  bool operator==(const DestStats&) const = default;
};

/// A service's counters, with its destinations' (when they were asked for).
struct ServiceStats {
  ServiceKey key{};
  TrafficStats traffic{};
  std::vector<DestStats> dests{};

  bool operator==(const ServiceStats&) const = default;
};

/// Connection timeouts (ipvsadm --set; keepalived.conf lvs_timeouts). 0 leaves one unchanged.
struct Timeouts {
  std::uint32_t tcp = 0;
  std::uint32_t tcp_fin = 0;
  std::uint32_t udp = 0;

  bool operator==(const Timeouts&) const = default;
};

/// The two roles of the connection-synchronisation daemon (IP_VS_STATE_*).
enum class SyncRole : std::uint32_t { Master = 1, Backup = 2 };

/// A connection-synchronisation daemon (keepalived.conf lvs_sync_daemon).
struct SyncDaemon {
  SyncRole role = SyncRole::Backup;
  std::string interface{};               ///< mcast_ifn
  std::uint32_t sync_id = 0;           ///< "id", 0-255
  std::uint16_t max_len = 0;           ///< "maxlen", 0 = kernel default
  std::uint16_t port = 0;              ///< "port", 0 = kernel default (8848)
  std::uint8_t ttl = 0;                ///< "ttl", 0 = kernel default
  std::optional<IpAddress> group{};        ///< "group", unset = kernel default (224.0.0.81)

  bool operator==(const SyncDaemon&) const = default;
};

}  // namespace stayalived::ipvs
