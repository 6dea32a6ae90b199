// Raw sockets for IP protocol 112 (and 51, AH) on one interface and family.
//
// Control flow: the socket is bound to its interface (SO_BINDTODEVICE), so the kernel hands
// it the adverts of that interface only; Asio reports it readable and receive() drains up to
// a bounded number of datagrams per wake-up, passing each (bytes, metadata) to the callback,
// then waits again. Sending is one sendto/sendmsg per advert: IPv4 packets carry the header
// we built (IP_HDRINCL, as keepalived: TOS 0xc0, our IP id, AH), IPv6 ones get theirs from the
// kernel with the source we choose (IPV6_PKTINFO), hop limit 255 and traffic class 0xc0.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/vrrp/codec.hpp"
#include "stayalived/vrrp/ip.hpp"
#include "ports.hpp"

namespace stayalived::vrrp {

/// One raw socket for VRRP adverts on an interface.
class AdvertSocket final : public AdvertPort {
 public:

  /// Opens a raw socket for `protocol` (112 or 51) on interface `ifname`/`ifindex`.
  static Result<std::unique_ptr<AdvertSocket>> open(boost::asio::io_context& io, Family family, int protocol,
                                                    int ifindex, const std::string& ifname);
  ~AdvertSocket() override;
  AdvertSocket(const AdvertSocket&) = delete;
  AdvertSocket& operator=(const AdvertSocket&) = delete;

  /// Joins a multicast group on the interface (left when the socket closes).
  Result<> join(const IpAddress& group) override;
  /// Leaves a group joined before.
  void leave(const IpAddress& group) override;

  /// IPv4: sends a whole packet built by encode_ipv4 to `dst`.
  Result<> send_ipv4(std::span<const std::uint8_t> packet, const IpAddress& dst) override;
  /// IPv6: sends a VRRP message from `src` to `dst` with hop limit `hops`.
  Result<> send_ipv6(std::span<const std::uint8_t> message, const IpAddress& src, const IpAddress& dst, int hops) override;

  /// Starts receiving; `h` runs for each datagram until close().
  void receive(Handler h) override;
  int set_receive_buffer(std::uint32_t bytes) override;
  /// Stops receiving and closes the socket.
  void close() override;

  Family family() const { return family_; }
  int protocol() const { return protocol_; }
  int ifindex() const { return ifindex_; }

 private:
  AdvertSocket(boost::asio::io_context& io, Family f, int protocol, int ifindex, int fd);
  void wait();
  void drain();

  boost::asio::posix::stream_descriptor sd_;
  Family family_;
  int protocol_;
  int ifindex_;
  Handler handler_;
  std::vector<IpAddress> joined_;
  std::vector<std::uint8_t> buf_;
};

}  // namespace stayalived::vrrp
