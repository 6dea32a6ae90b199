// Fakes of the VRRP shell's ports (src/vrrp/io/ports.hpp) and script host, for unit tests of
// the runtime without root: an in-memory kernel with interfaces, addresses and a log of what
// was added and removed; advert sockets that record what is sent and let the test inject
// what is received; gratuitous ARP senders that record their bursts.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ports.hpp"
#include "stayalived/vrrp/runtime.hpp"

namespace vrrp_test {

using namespace stayalived;
using namespace stayalived::vrrp;

/// What the fakes saw, shared by the test and the ports the runtime opened.
struct FakeWorld {
  std::vector<LinkInfo> links;
  std::vector<AddrInfo> addrs;
  std::vector<std::string> netlink_ops;  ///< "add 192.0.2.100/24 dev 2", "del ...", "route add ..."
  std::function<void(const NetEvent&)> netlink_watch;
  struct Sent {
    int ifindex;
    IpAddress destination;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Sent> adverts_sent;
  std::map<int, AdvertPort::Handler> advert_rx;  ///< by ifindex
  std::vector<std::string> garps;  ///< "eth0 192.0.2.100 x5"
  std::pair<std::uint32_t, std::uint32_t> netlink_bufs{};  ///< command, monitor (0: unset)
  std::map<int, std::uint32_t> advert_bufs;                 ///< by ifindex: the last SO_RCVBUF
  /// The firewall: addresses dropped by family ("" when none), times opened, tables open.
  std::map<Family, std::vector<DroppedAddress>> firewall;
  std::vector<FirewallOptions> firewall_opened;
  bool firewall_open = false;
  std::string dropped(Family f = Family::Inet) const {
    std::string out;
    if (auto it = firewall.find(f); it != firewall.end())
      for (const auto& a : it->second)
        out += (out.empty() ? "" : " ") + a.address.to_string() + (a.ifname.empty() ? "" : "%" + a.ifname);
    return out;
  }

  /// Delivers an advert packet to the socket of `ifindex`, as the kernel would.
  void receive(int ifindex, const std::vector<std::uint8_t>& bytes) {
    if (auto it = advert_rx.find(ifindex); it != advert_rx.end()) it->second(bytes, Ipv6Meta{});
  }
  /// Reports a link change, as rtnetlink would.
  void link_change(LinkInfo l) {
    for (auto& x : links)
      if (x.index == l.index) x = l;
    if (netlink_watch) netlink_watch(NetEvent{NetEvent::Kind::LinkChanged, l, {}});
  }
  /// Priorities of the adverts sent so far, in order.
  std::vector<int> sent_priorities() const {
    std::vector<int> out;
    for (const auto& s : adverts_sent) {
      auto rx = decode_ipv4(s.bytes, DecodeOptions{});
      out.push_back(rx ? rx->advert.priority : -1);
    }
    return out;
  }
};

class FakeNetlink final : public NetlinkPort {
 public:
  explicit FakeNetlink(FakeWorld& w) : w_(w) {}
  Result<std::vector<LinkInfo>> dump_links() override { return w_.links; }
  Result<std::vector<AddrInfo>> dump_addresses() override { return w_.addrs; }
  Result<> add_address(const AddressSpec& a) override {
    w_.netlink_ops.push_back("add " + a.va.address.to_string() + " dev " + std::to_string(a.ifindex));
    return {};
  }
  Result<bool> delete_address(const AddressSpec& a) override {
    w_.netlink_ops.push_back("del " + a.va.address.to_string() + " dev " + std::to_string(a.ifindex));
    return false;  // as if already gone: no removal report follows
  }
  Result<> add_route(const RouteSpec& r) override {
    w_.netlink_ops.push_back("route add " + r.route.destination.to_string());
    return {};
  }
  Result<> delete_route(const RouteSpec& r) override {
    w_.netlink_ops.push_back("route del " + r.route.destination.to_string());
    return {};
  }
  Result<> add_rule(const config::Rule&) override {
    w_.netlink_ops.push_back("rule add");
    return {};
  }
  Result<> delete_rule(const config::Rule&) override {
    w_.netlink_ops.push_back("rule del");
    return {};
  }  void set_receive_buffers(const config::RcvBufs& cmd, const config::RcvBufs& monitor) override {
    w_.netlink_bufs = {cmd.bytes.value_or(0), monitor.bytes.value_or(0)};
  }

  Result<> watch(std::function<void(const NetEvent&)> on_event) override {
    w_.netlink_watch = std::move(on_event);
    return {};
  }
  void close() override { w_.netlink_watch = nullptr; }

 private:
  FakeWorld& w_;
};

class FakeAdvert final : public AdvertPort {
 public:
  FakeAdvert(FakeWorld& w, int ifindex) : w_(w), ifindex_(ifindex) {}
  Result<> join(const IpAddress&) override { return {}; }
  void leave(const IpAddress&) override {}
  Result<> send_ipv4(std::span<const std::uint8_t> packet, const IpAddress& dst) override {
    w_.adverts_sent.push_back({ifindex_, dst, std::vector<std::uint8_t>(packet.begin(), packet.end())});
    return {};
  }
  Result<> send_ipv6(std::span<const std::uint8_t> message, const IpAddress&, const IpAddress& dst, int) override {
    w_.adverts_sent.push_back({ifindex_, dst, std::vector<std::uint8_t>(message.begin(), message.end())});
    return {};
  }
  void receive(Handler h) override { w_.advert_rx[ifindex_] = std::move(h); }
  int set_receive_buffer(std::uint32_t bytes) override {
    w_.advert_bufs[ifindex_] = bytes;
    return 0;
  }
  void close() override { w_.advert_rx.erase(ifindex_); }

 private:
  FakeWorld& w_;
  int ifindex_;
};

class FakeGarp final : public GarpPort {
 public:
  FakeGarp(FakeWorld& w, std::string ifname) : w_(w), ifname_(std::move(ifname)) {}
  void set_mac(const MacAddress&) override {}
  void set_intervals(microseconds, microseconds) override {}
  void on_sent(SentHook) override {}
  void send(const std::vector<IpAddress>& addresses, unsigned repeat) override {
    for (const auto& a : addresses) w_.garps.push_back(ifname_ + " " + a.to_string() + " x" + std::to_string(repeat));
  }
  void clear() override {}
  const std::string& ifname() const override { return ifname_; }

 private:
  FakeWorld& w_;
  std::string ifname_;
};

class FakeFirewall final : public FirewallPort {
 public:
  explicit FakeFirewall(FakeWorld& w) : w_(w) { w_.firewall_open = true; }
  Result<> sync(Family family, const std::vector<DroppedAddress>& addresses) override {
    auto sorted = addresses;
    std::sort(sorted.begin(), sorted.end());
    w_.firewall[family] = sorted;
    return {};
  }
  void close() override {
    w_.firewall.clear();
    w_.firewall_open = false;
  }

 private:
  FakeWorld& w_;
};

class FakePorts final : public Ports {
 public:
  explicit FakePorts(FakeWorld& w) : w_(w) {}
  Result<std::unique_ptr<AdvertPort>> open_advert(Family, int, int ifindex, const std::string&) override {
    return std::unique_ptr<AdvertPort>(std::make_unique<FakeAdvert>(w_, ifindex));
  }
  Result<std::unique_ptr<NetlinkPort>> open_netlink() override {
    return std::unique_ptr<NetlinkPort>(std::make_unique<FakeNetlink>(w_));
  }
  Result<std::unique_ptr<GarpPort>> open_garp(int, const std::string& ifname) override {
    return std::unique_ptr<GarpPort>(std::make_unique<FakeGarp>(w_, ifname));
  }
  Result<std::unique_ptr<FirewallPort>> open_firewall(const FirewallOptions& o) override {
    w_.firewall_opened.push_back(o);
    return std::unique_ptr<FirewallPort>(std::make_unique<FakeFirewall>(w_));
  }

 private:
  FakeWorld& w_;
};

/// Records notify scripts and FIFO lines; every vrrp_script check succeeds.
class FakeScripts final : public ScriptHost {
 public:
  explicit FakeScripts(boost::asio::io_context& io) : io_(io) {}
  void notify(const config::Script& script, std::vector<std::string> extra) override {
    std::string line;
    for (const auto& a : script.argv) line += (line.empty() ? "" : " ") + a;
    for (const auto& a : extra) line += " " + a;
    notified.push_back(line);
  }
  void check(const config::Script&, Duration, std::function<void(bool, int, std::string)> done) override {
    boost::asio::post(io_, [done = std::move(done)] { done(true, 0, ""); });
  }
  void fifo(const std::string& line) override { fifo_lines.push_back(line); }
  std::vector<std::string> notified;
  std::vector<std::string> fifo_lines;

 private:
  boost::asio::io_context& io_;
};

}  // namespace vrrp_test
