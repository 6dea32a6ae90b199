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
#include "ports.hpp"

namespace stayalived::vrrp {

/// The rtnetlink sockets: NetlinkPort on the system.
class Rtnetlink final : public NetlinkPort {
 public:
  /// Opens the command socket; the monitor starts with watch().
  static Result<std::unique_ptr<Rtnetlink>> open(boost::asio::io_context& io);
  ~Rtnetlink() override;
  Rtnetlink(const Rtnetlink&) = delete;
  Rtnetlink& operator=(const Rtnetlink&) = delete;

  Result<std::vector<LinkInfo>> dump_links() override;
  Result<std::vector<AddrInfo>> dump_addresses() override;

  /// Adds an address; an address already there is success.
  Result<> add_address(const AddressSpec& a) override;
  /// Deletes an address; true if it was there (the kernel then reports its removal), false
  /// if it was already gone.
  Result<bool> delete_address(const AddressSpec& a) override;
  /// Adds a route (prepend, or append with `append`); one already there is success.
  Result<> add_route(const RouteSpec& r) override;
  Result<> delete_route(const RouteSpec& r) override;
  /// Adds a rule; one already there is success.
  Result<> add_rule(const config::Rule& r) override;
  Result<> delete_rule(const config::Rule& r) override;

  /// Starts the monitor; `on_event` runs on the io_context for every change.
  void set_receive_buffers(const config::RcvBufs& cmd, const config::RcvBufs& monitor) override;
  Result<> watch(std::function<void(const NetEvent&)> on_event) override;
  /// Stops the monitor and closes the sockets.
  void close() override;

 private:
  struct Impl;
  explicit Rtnetlink(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};


}  // namespace stayalived::vrrp
