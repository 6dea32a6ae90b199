// The system's ports: the real sockets, rtnetlink and AF_PACKET senders.
#include "ports.hpp"

#include <boost/asio/io_context.hpp>

#include "garp.hpp"
#include "nftables.hpp"
#include "rtnetlink.hpp"
#include "socket.hpp"

namespace stayalived::vrrp {

namespace {

class SystemPorts final : public Ports {
 public:
  explicit SystemPorts(boost::asio::io_context& io) : io_(io) {}

  Result<std::unique_ptr<AdvertPort>> open_advert(Family family, int protocol, int ifindex,
                                                  const std::string& ifname) override {
    auto s = AdvertSocket::open(io_, family, protocol, ifindex, ifname);
    if (!s) return Unexpected(s.error());
    return std::unique_ptr<AdvertPort>(std::move(*s));
  }
  Result<std::unique_ptr<NetlinkPort>> open_netlink() override {
    auto n = Rtnetlink::open(io_);
    if (!n) return Unexpected(n.error());
    return std::unique_ptr<NetlinkPort>(std::move(*n));
  }
  Result<std::unique_ptr<GarpPort>> open_garp(int ifindex, const std::string& ifname) override {
    auto g = GratuitousSender::open(io_, ifindex, ifname);
    if (!g) return Unexpected(g.error());
    return std::unique_ptr<GarpPort>(std::move(*g));
  }
  Result<std::unique_ptr<FirewallPort>> open_firewall(const FirewallOptions& options) override {
    auto f = Nftables::open(options);
    if (!f) return Unexpected(f.error());
    return std::unique_ptr<FirewallPort>(std::move(*f));
  }

 private:
  boost::asio::io_context& io_;
};

}  // namespace

std::unique_ptr<Ports> system_ports(boost::asio::io_context& io) { return std::make_unique<SystemPorts>(io); }

}  // namespace stayalived::vrrp
