// rtnetlink for the VRRP shell: the interface and address tables, VIPs, virtual routes and
// rules, and a monitor of link/address changes. The implementation (rtnetlink.cpp) is the one
// file that includes libnl-route; this header shows none of it.
//
// Control flow: commands (add/delete an address, route or rule; dump tables) are netlink
// requests answered by the kernel at once, sent on a command socket and acknowledged before
// returning (microseconds; keepalived does the same). Changes arrive on a second socket
// subscribed to RTNLGRP_LINK and RTNLGRP_IPV4/IPV6_IFADDR, which is read when Asio reports it
// readable; each message becomes a NetEvent for the callback. If the kernel dropped
// notifications (receive buffer overrun), the monitor reports Resync and the owner re-reads
// the tables.
#pragma once

#include <boost/asio/io_context.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/vrrp/ip.hpp"

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
  friend bool operator==(const RouteSpec&, const RouteSpec&) = default;
};

/// The rtnetlink sockets.
class Rtnetlink {
 public:
  /// Opens the command socket; the monitor starts with watch().
  static Result<std::unique_ptr<Rtnetlink>> open(boost::asio::io_context& io);
  ~Rtnetlink();
  Rtnetlink(const Rtnetlink&) = delete;
  Rtnetlink& operator=(const Rtnetlink&) = delete;

  Result<std::vector<LinkInfo>> dump_links();
  Result<std::vector<AddrInfo>> dump_addresses();

  /// Adds an address; an address already there is success.
  Result<> add_address(const AddressSpec& a);
  /// Deletes an address; true if it was there (the kernel then reports its removal), false
  /// if it was already gone.
  Result<bool> delete_address(const AddressSpec& a);
  /// Adds a route (prepend, or append with `append`); one already there is success.
  Result<> add_route(const RouteSpec& r);
  Result<> delete_route(const RouteSpec& r);
  /// Adds a rule; one already there is success.
  Result<> add_rule(const config::Rule& r);
  Result<> delete_rule(const config::Rule& r);

  /// Starts the monitor; `on_event` runs on the io_context for every change.
  Result<> watch(std::function<void(const NetEvent&)> on_event);
  /// Stops the monitor and closes the sockets.
  void close();

 private:
  struct Impl;
  explicit Rtnetlink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Converts between the config model's address type and ours.
IpAddress to_vrrp(const config::IpAddress& a);
config::IpAddress to_config(const IpAddress& a);

}  // namespace stayalived::vrrp
