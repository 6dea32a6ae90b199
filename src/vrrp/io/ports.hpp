// The VRRP shell's doors to the kernel, as small interfaces: advert sockets, rtnetlink
// (interfaces, addresses, VIPs, routes, rules and their changes) and gratuitous ARP/NA
// senders, opened through Ports. The daemon uses the system's (socket.cpp, rtnetlink.cpp,
// garp.cpp); the unit tests use fakes (tests/unit/vrrp/fake_ports.hpp), so that the shell's
// dispatch, addresses and reload are tested without root.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/vrrp/codec.hpp"
#include "stayalived/vrrp/firewall.hpp"
#include "stayalived/vrrp/ip.hpp"

namespace boost::asio {
class io_context;
}

namespace stayalived::vrrp {

using MacAddress = std::array<std::uint8_t, 6>;

/// An interface as the kernel reports it.
struct LinkInfo {
  int index = 0;
  std::string name;
  bool up = false;       ///< IFF_UP
  bool running = false;  ///< IFF_RUNNING (carrier)
  MacAddress mac{};
  bool has_mac = false;
  std::optional<std::uint32_t> vrf_table;  ///< a VRF device: its routing table (IFLA_VRF_TABLE)
  std::uint32_t mtu = 0;                   ///< IFLA_MTU (0: unknown)
  /// keepalived's notion of a usable interface: administratively up with a carrier.
  bool usable() const { return up && running; }
};

/// An address on an interface.
struct AddrInfo {
  int index = 0;
  IpAddress address;
  std::uint8_t prefix = 0;
  std::uint8_t scope = 0;
  std::uint32_t flags = 0;  ///< IFA_F_*
  bool secondary() const;
  bool tentative() const;
};

/// A change seen by the monitor.
struct NetEvent {
  enum class Kind { LinkChanged, LinkRemoved, AddressAdded, AddressRemoved, Resync } kind;
  LinkInfo link;  ///< LinkChanged/LinkRemoved
  AddrInfo addr;  ///< AddressAdded/AddressRemoved
};

/// An address to add or delete (a VIP or excluded VIP with its options resolved).
struct AddressSpec {
  int ifindex = 0;
  config::VirtualAddress va;  ///< address/prefix, brd, scope, label, peer, flags, lifetime
  friend bool operator==(const AddressSpec&, const AddressSpec&) = default;
};

/// A route with its interface names resolved to indexes.
struct RouteSpec {
  config::Route route;
  int ifindex = 0;                  ///< dev, 0 if none
  std::vector<int> nexthop_ifindex; ///< dev of each nexthop
  std::optional<std::uint32_t> vrf_table;  ///< `vrf NAME`: the VRF device's table, if it is one
  friend bool operator==(const RouteSpec&, const RouteSpec&) = default;
};

/// One raw socket for VRRP (112) or AH (51) adverts on an interface and family.
class AdvertPort {
 public:
  /// A received datagram and what came with it (IPv6: from the control messages).
  using Handler = std::function<void(std::span<const std::uint8_t> bytes, const Ipv6Meta& meta)>;
  virtual ~AdvertPort() = default;
  /// Joins a multicast group on the interface (left when the port closes).
  virtual Result<> join(const IpAddress& group) = 0;
  /// Leaves a group joined before.
  virtual void leave(const IpAddress& group) = 0;
  /// IPv4: sends a whole packet built by encode_ipv4 to `dst`.
  virtual Result<> send_ipv4(std::span<const std::uint8_t> packet, const IpAddress& dst) = 0;
  /// IPv6: sends a VRRP message from `src` to `dst` with hop limit `hops`.
  virtual Result<> send_ipv6(std::span<const std::uint8_t> message, const IpAddress& src, const IpAddress& dst,
                             int hops) = 0;
  /// Starts receiving; `h` runs on the loop for each datagram until close().
  virtual void receive(Handler h) = 0;
  /// SO_RCVBUF (vrrp_rx_bufs_policy, kernel_rx_buf_size); the errno of a failure, or 0.
  virtual int set_receive_buffer(std::uint32_t bytes) = 0;
  /// Stops receiving and closes.
  virtual void close() = 0;
};

/// The kernel's interface and address tables, the VIPs, routes and rules we install, and
/// the changes to them.
class NetlinkPort {
 public:
  virtual ~NetlinkPort() = default;
  virtual Result<std::vector<LinkInfo>> dump_links() = 0;
  virtual Result<std::vector<AddrInfo>> dump_addresses() = 0;
  /// Adds an address; an address already there is success.
  virtual Result<> add_address(const AddressSpec& a) = 0;
  /// Deletes an address; true if it was there (its removal is then reported through
  /// watch()), false if it was already gone.
  virtual Result<bool> delete_address(const AddressSpec& a) = 0;
  /// Adds a route; one already there is success.
  virtual Result<> add_route(const RouteSpec& r) = 0;
  virtual Result<> delete_route(const RouteSpec& r) = 0;
  /// Adds a rule; one already there is success.
  virtual Result<> add_rule(const config::Rule& r) = 0;
  virtual Result<> delete_rule(const config::Rule& r) = 0;
  /// vrrp_netlink_cmd_rcv_bufs / vrrp_netlink_monitor_rcv_bufs: the command socket's now,
  /// the monitor's when watch() opens it (unset: ours, 1 MiB for the monitor).
  virtual void set_receive_buffers(const config::RcvBufs& cmd, const config::RcvBufs& monitor) = 0;
  /// Starts reporting changes; `on_event` runs on the loop for each.
  virtual Result<> watch(std::function<void(const NetEvent&)> on_event) = 0;
  /// Stops reporting and closes.
  virtual void close() = 0;
};

/// Gratuitous ARPs / unsolicited NAs of one interface, paced.
class GarpPort {
 public:
  /// Called after each message is handed to the kernel (keepalived's detail log line).
  using SentHook = std::function<void(const IpAddress&, bool ok)>;
  virtual ~GarpPort() = default;
  /// The interface's MAC address (frames carry it).
  virtual void set_mac(const MacAddress& mac) = 0;
  /// Delays between two messages of one family on this interface.
  virtual void set_intervals(microseconds arp, microseconds na) = 0;
  virtual void on_sent(SentHook h) = 0;
  /// Queues `repeat` rounds of one message per address (VIP1, VIP2, VIP1, VIP2...).
  virtual void send(const std::vector<IpAddress>& addresses, unsigned repeat) = 0;
  /// Drops what is still queued.
  virtual void clear() = 0;
  virtual const std::string& ifname() const = 0;
};

/// The VRRP firewall's nftables tables (stayalived/vrrp/firewall.hpp).
class FirewallPort {
 public:
  virtual ~FirewallPort() = default;
  /// Makes the set of dropped addresses of `family` exactly `addresses` (the family's table
  /// is created the first time it is not empty).
  virtual Result<> sync(Family family, const std::vector<DroppedAddress>& addresses) = 0;
  /// Deletes the tables created (at stop).
  virtual void close() = 0;
};

/// Opens the ports.
class Ports {
 public:
  virtual ~Ports() = default;
  virtual Result<std::unique_ptr<AdvertPort>> open_advert(Family family, int protocol, int ifindex,
                                                          const std::string& ifname) = 0;
  virtual Result<std::unique_ptr<NetlinkPort>> open_netlink() = 0;
  virtual Result<std::unique_ptr<GarpPort>> open_garp(int ifindex, const std::string& ifname) = 0;
  virtual Result<std::unique_ptr<FirewallPort>> open_firewall(const FirewallOptions& options) = 0;
};

/// The system's ports: raw sockets, rtnetlink, AF_PACKET, on `io`.
std::unique_ptr<Ports> system_ports(boost::asio::io_context& io);

}  // namespace stayalived::vrrp
