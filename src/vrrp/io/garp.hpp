// Sends gratuitous ARPs and unsolicited NAs on one interface through an AF_PACKET socket,
// paced by garp_interval / gna_interval (keepalived.conf "vrrp_garp_interval",
// "vrrp_gna_interval", garp_group).
//
// Control flow: send() appends one message per address to a bounded queue. With a zero
// interval the queue is written out at once; otherwise one message goes now and a
// steady_timer releases the next after the interval, until the queue is empty. The socket
// is opened with protocol 0, so it never receives anything.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/vrrp/announce.hpp"
#include "stayalived/vrrp/ip.hpp"
#include "ports.hpp"

namespace stayalived::vrrp {

/// Gratuitous ARP / unsolicited NA sender of one interface.
class GratuitousSender final : public GarpPort {
 public:

  static Result<std::unique_ptr<GratuitousSender>> open(boost::asio::io_context& io, int ifindex, std::string ifname);
  ~GratuitousSender() override;
  GratuitousSender(const GratuitousSender&) = delete;
  GratuitousSender& operator=(const GratuitousSender&) = delete;

  /// The interface's MAC address (frames carry it).
  void set_mac(const MacAddress& mac) override { mac_ = mac; }
  /// Delays between two messages of one family on this interface.
  void set_intervals(microseconds arp, microseconds na) override {
    arp_interval_ = arp;
    na_interval_ = na;
  }
  void on_sent(SentHook h) override { hook_ = std::move(h); }

  /// Queues `repeat` rounds of one message per address (VIP1, VIP2, VIP1, VIP2...).
  void send(const std::vector<IpAddress>& addresses, unsigned repeat) override;
  /// Drops what is still queued.
  void clear() override;

  const std::string& ifname() const override { return ifname_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t dropped() const { return dropped_; }

 private:
  GratuitousSender(boost::asio::io_context& io, int fd, int ifindex, std::string ifname);
  void pump();
  bool transmit(const IpAddress& a);

  int fd_;
  int ifindex_;
  std::string ifname_;
  Mac mac_{};
  microseconds arp_interval_{0};
  microseconds na_interval_{0};
  std::deque<IpAddress> queue_;
  boost::asio::steady_timer timer_;
  bool waiting_ = false;
  SentHook hook_;
  std::uint64_t sent_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace stayalived::vrrp
