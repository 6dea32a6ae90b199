#include "garp.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace stayalived::vrrp {

namespace {
constexpr std::size_t kMaxQueued = 16384;  // a config with thousands of VIPs still fits
}

GratuitousSender::GratuitousSender(boost::asio::io_context& io, int fd, int ifindex, std::string ifname)
    : fd_(fd), ifindex_(ifindex), ifname_(std::move(ifname)), timer_(io) {}

GratuitousSender::~GratuitousSender() {
  timer_.cancel();
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<GratuitousSender>> GratuitousSender::open(boost::asio::io_context& io, int ifindex,
                                                                 std::string ifname) {
  // Protocol 0: a send-only packet socket (it is bound to no protocol, so receives nothing).
  const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unexpected(Error{std::string("socket(AF_PACKET): ") + std::strerror(errno), errno});
  return std::unique_ptr<GratuitousSender>(new GratuitousSender(io, fd, ifindex, std::move(ifname)));
}

void GratuitousSender::send(const std::vector<IpAddress>& addresses, unsigned repeat) {
  for (unsigned r = 0; r < repeat; ++r)
    for (const auto& a : addresses) {
      if (queue_.size() >= kMaxQueued) {
        ++dropped_;
        continue;
      }
      queue_.push_back(a);
    }
  if (!waiting_) pump();
}

void GratuitousSender::clear() {
  queue_.clear();
  timer_.cancel();
  waiting_ = false;
}

bool GratuitousSender::transmit(const IpAddress& a) {
  const auto frame = a.is_v4() ? gratuitous_arp(mac_, a) : unsolicited_na(mac_, a);
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex_;
  to.sll_protocol = htons(a.is_v4() ? ETH_P_ARP : ETH_P_IPV6);
  to.sll_halen = 6;
  std::memcpy(to.sll_addr, frame.data(), 6);
  const bool ok = ::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) >= 0;
  if (ok) ++sent_;
  if (hook_) hook_(a, ok);
  return ok;
}

void GratuitousSender::pump() {
  // Bounded: each pass removes one entry from a bounded queue.
  while (!queue_.empty()) {
    const IpAddress a = queue_.front();
    queue_.pop_front();
    transmit(a);
    const microseconds gap = a.is_v4() ? arp_interval_ : na_interval_;
    if (gap > microseconds::zero() && !queue_.empty()) {
      waiting_ = true;
      timer_.expires_after(gap);
      timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        waiting_ = false;
        pump();
      });
      return;
    }
  }
}

}  // namespace stayalived::vrrp
