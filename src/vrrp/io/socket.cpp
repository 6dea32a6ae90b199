#include "socket.hpp"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace stayalived::vrrp {

namespace {

constexpr int kTrafficClass = 0xc0;   // as keepalived (and the IPv4 TOS): internetwork control
constexpr std::size_t kMaxDatagram = 65536;
constexpr int kMaxPerWakeup = 64;     // bounded drain: a flood cannot starve the loop

Error sys_error(const std::string& what) { return Error{what + ": " + std::strerror(errno), errno}; }

template <class T>
int setopt(int fd, int level, int name, const T& v) {
  return ::setsockopt(fd, level, name, &v, sizeof v);
}

}  // namespace

AdvertSocket::AdvertSocket(boost::asio::io_context& io, Family f, int protocol, int ifindex, int fd)
    : sd_(io, fd), family_(f), protocol_(protocol), ifindex_(ifindex), buf_(kMaxDatagram) {}

AdvertSocket::~AdvertSocket() { close(); }

Result<std::unique_ptr<AdvertSocket>> AdvertSocket::open(boost::asio::io_context& io, Family family, int protocol,
                                                         int ifindex, const std::string& ifname) {
  const int domain = family == Family::Inet ? AF_INET : AF_INET6;
  const int fd = ::socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
  if (fd < 0) return Unexpected(sys_error("socket(raw, " + std::to_string(protocol) + ")"));
  auto fail = [&](const std::string& what) {
    auto e = sys_error(what);
    ::close(fd);
    return Unexpected(e);
  };
  if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(), static_cast<socklen_t>(ifname.size())) < 0)
    return fail("SO_BINDTODEVICE " + ifname);
  if (family == Family::Inet) {
    if (setopt(fd, IPPROTO_IP, IP_HDRINCL, 1) < 0) return fail("IP_HDRINCL");
    if (setopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0) < 0) return fail("IP_MULTICAST_LOOP");
    ip_mreqn mr{};
    mr.imr_ifindex = ifindex;
    if (setopt(fd, IPPROTO_IP, IP_MULTICAST_IF, mr) < 0) return fail("IP_MULTICAST_IF");
  } else {
    if (setopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) < 0) return fail("IPV6_RECVPKTINFO");
    if (setopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) < 0) return fail("IPV6_RECVHOPLIMIT");
    if (setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0) < 0) return fail("IPV6_MULTICAST_LOOP");
    if (setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex) < 0) return fail("IPV6_MULTICAST_IF");
    if (setopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) < 0) return fail("IPV6_MULTICAST_HOPS");
    if (setopt(fd, IPPROTO_IPV6, IPV6_TCLASS, kTrafficClass) < 0) return fail("IPV6_TCLASS");
  }
  return std::unique_ptr<AdvertSocket>(new AdvertSocket(io, family, protocol, ifindex, fd));
}

Result<> AdvertSocket::join(const IpAddress& group) {
  const int fd = sd_.native_handle();
  int r;
  if (family_ == Family::Inet) {
    ip_mreqn mr{};
    std::memcpy(&mr.imr_multiaddr, group.span().data(), 4);
    mr.imr_ifindex = ifindex_;
    r = setopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, mr);
  } else {
    ipv6_mreq mr{};
    std::memcpy(&mr.ipv6mr_multiaddr, group.span().data(), 16);
    mr.ipv6mr_interface = static_cast<unsigned>(ifindex_);
    r = setopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, mr);
  }
  if (r < 0 && errno != EADDRINUSE) return Unexpected(sys_error("join " + group.to_string()));
  joined_.push_back(group);
  return {};
}

void AdvertSocket::leave(const IpAddress& group) {
  if (!sd_.is_open()) return;
  const int fd = sd_.native_handle();
  if (family_ == Family::Inet) {
    ip_mreqn mr{};
    std::memcpy(&mr.imr_multiaddr, group.span().data(), 4);
    mr.imr_ifindex = ifindex_;
    (void)setopt(fd, IPPROTO_IP, IP_DROP_MEMBERSHIP, mr);
  } else {
    ipv6_mreq mr{};
    std::memcpy(&mr.ipv6mr_multiaddr, group.span().data(), 16);
    mr.ipv6mr_interface = static_cast<unsigned>(ifindex_);
    (void)setopt(fd, IPPROTO_IPV6, IPV6_LEAVE_GROUP, mr);
  }
  std::erase(joined_, group);
}

Result<> AdvertSocket::send_ipv4(std::span<const std::uint8_t> packet, const IpAddress& dst) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  std::memcpy(&to.sin_addr, dst.span().data(), 4);
  const auto n = ::sendto(sd_.native_handle(), packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&to),
                          sizeof to);
  if (n < 0) return Unexpected(sys_error("send to " + dst.to_string()));
  return {};
}

Result<> AdvertSocket::send_ipv6(std::span<const std::uint8_t> message, const IpAddress& src, const IpAddress& dst,
                                 int hops) {
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  std::memcpy(&to.sin6_addr, dst.span().data(), 16);
  if (dst.is_multicast() || dst.is_link_local()) to.sin6_scope_id = static_cast<std::uint32_t>(ifindex_);
  iovec iov{const_cast<std::uint8_t*>(message.data()), message.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
  in6_pktinfo pi{};
  std::memcpy(&pi.ipi6_addr, src.span().data(), 16);
  pi.ipi6_ifindex = static_cast<unsigned>(ifindex_);
  std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
  c = CMSG_NXTHDR(&msg, c);
  c->cmsg_level = IPPROTO_IPV6;
  c->cmsg_type = IPV6_HOPLIMIT;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &hops, sizeof hops);
  if (::sendmsg(sd_.native_handle(), &msg, 0) < 0) return Unexpected(sys_error("send to " + dst.to_string()));
  return {};
}

void AdvertSocket::receive(Handler h) {
  handler_ = std::move(h);
  wait();
}

void AdvertSocket::wait() {
  if (!sd_.is_open()) return;
  sd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: closing
    drain();
    wait();
  });
}

void AdvertSocket::drain() {
  for (int i = 0; i < kMaxPerWakeup && sd_.is_open(); ++i) {
    sockaddr_storage from{};
    iovec iov{buf_.data(), buf_.size()};
    alignas(cmsghdr) char control[256];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const auto n = ::recvmsg(sd_.native_handle(), &msg, MSG_DONTWAIT);
    if (n < 0) return;  // EAGAIN: drained (other errors: try again on the next wake-up)
    Ipv6Meta meta;
    if (family_ == Family::Inet6) {
      const auto* f6 = reinterpret_cast<const sockaddr_in6*>(&from);
      meta.source = *IpAddress::from_bytes(std::span(reinterpret_cast<const std::uint8_t*>(&f6->sin6_addr), 16));
      for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6) continue;
        if (c->cmsg_type == IPV6_PKTINFO) {
          in6_pktinfo pi;
          std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
          meta.destination = *IpAddress::from_bytes(std::span(reinterpret_cast<const std::uint8_t*>(&pi.ipi6_addr), 16));
        } else if (c->cmsg_type == IPV6_HOPLIMIT) {
          std::memcpy(&meta.hop_limit, CMSG_DATA(c), sizeof(int));
        }
      }
    }
    if (handler_) handler_(std::span(buf_.data(), static_cast<std::size_t>(n)), meta);
  }
}

void AdvertSocket::close() {
  if (!sd_.is_open()) return;
  for (auto g : std::vector<IpAddress>(joined_)) leave(g);
  boost::system::error_code ec;
  sd_.cancel(ec);
  sd_.close(ec);
}

int AdvertSocket::set_receive_buffer(std::uint32_t bytes) {
  return net::set_receive_buffer(sd_.native_handle(), bytes, false);
}

}  // namespace stayalived::vrrp
