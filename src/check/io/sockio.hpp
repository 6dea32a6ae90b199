// Socket helpers shared by the network probes (private to src/check): conversions to Asio
// endpoints, the generic connection options (bindto, bind_port, bind_if, fwmark) and the
// mapping of socket errors to outcomes.
#pragma once

#include <sys/epoll.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/basic_endpoint.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>
#include <cstring>
#include <optional>

#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"

namespace stayalived::check::sockio {

inline boost::asio::ip::address to_asio(const IpAddress& a) {
  if (a.is_v4()) {
    boost::asio::ip::address_v4::bytes_type b;
    std::memcpy(b.data(), a.bytes.data(), 4);
    return boost::asio::ip::address_v4(b);
  }
  boost::asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.bytes.data(), 16);
  return boost::asio::ip::address_v6(b, a.scope_id);
}

template <class Protocol>
typename Protocol::endpoint to_asio(const Endpoint& ep) {
  return typename Protocol::endpoint(to_asio(ep.address), ep.port);
}

/// An IPv6 link-local address needs the interface it lives on (keepalived.conf(5): bind_if
/// is "needed if the bindto address is IPv6 link local"): the scope comes from bind_if.
inline IpAddress scoped(IpAddress a, const ConnectOptions& c) {
  const bool link_local = !a.is_v4() && a.bytes[0] == 0xfe && (a.bytes[1] & 0xc0) == 0x80;
  if (link_local && a.scope_id == 0 && !c.bind_if.empty()) a.scope_id = ::if_nametoindex(c.bind_if.c_str());
  return a;
}

/// The address and port to connect to, scoped.
template <class Protocol>
typename Protocol::endpoint target_of(const ConnectOptions& c) {
  return to_asio<Protocol>(Endpoint{scoped(c.target.address, c), c.target.port});
}

/// Fills a sockaddr for an address and port; returns its length.
inline socklen_t to_sockaddr(const IpAddress& a, std::uint16_t port, sockaddr_storage& ss) {
  ss = {};
  if (a.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, a.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  std::memcpy(&sin6->sin6_addr, a.bytes.data(), 16);
  sin6->sin6_scope_id = a.scope_id;
  return sizeof(sockaddr_in6);
}

/// Applies bindto, bind_port, bind_if and fwmark to an open socket; 0 or an errno.
inline int apply_options(int fd, const ConnectOptions& c) {
  if (c.fwmark != 0) {
    const int mark = static_cast<int>(c.fwmark);
    if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0) return errno;
  }
  if (!c.bind_if.empty() &&
      ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c.bind_if.c_str(), static_cast<socklen_t>(c.bind_if.size())) != 0)
    return errno;
  if (c.bindto || c.bind_port != 0) {
    // A fixed source port is reused by every check: let a new socket take it while the
    // last connection is in TIME_WAIT.
    if (c.bind_port != 0) {
      const int one = 1;
      if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) return errno;
    }
    IpAddress local;
    if (c.bindto)
      local = *c.bindto;
    else
      local.family = c.target.address.family;
    sockaddr_storage ss;
    const socklen_t len = to_sockaddr(scoped(local, c), c.bind_port, ss);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) return errno;
  }
  return 0;
}

/// Starts a connect of the non-blocking socket `fd` to the target (scoped): 0 when it
/// connected at once, EINPROGRESS, or the errno of the failure.
inline int connect_nonblocking(int fd, const ConnectOptions& c) {
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(scoped(c.target.address, c), c.target.port, ss);
  return ::connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) == 0 ? 0 : errno;
}

/// The error of a connect that completed (its socket became writable, with `edges` from
/// epoll): 0 when it succeeded. Writable without an error condition is a success; SO_ERROR
/// is read only to name a failure.
inline int connect_error(int fd, std::uint32_t edges) {
  if ((edges & (EPOLLERR | EPOLLHUP)) == 0) return 0;
  int err = 0;
  socklen_t elen = sizeof err;
  return ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 ? err : errno;
}

/// The same for an Asio socket.
template <class Socket>
boost::system::error_code apply_options(Socket& sock, const ConnectOptions& c) {
  if (const int e = apply_options(sock.native_handle(), c); e != 0) return {e, boost::system::system_category()};
  return {};
}

/// Opens `sock` for the target's family and applies the connection options.
template <class Socket, class Protocol>
boost::system::error_code open_with_options(Socket& sock, const ConnectOptions& c, Protocol proto) {
  boost::system::error_code ec;
  sock.open(proto, ec);
  if (ec) return ec;
  return apply_options(sock, c);
}

/// The outcome of a failed connect (or of an ICMP error reported on a connected socket).
inline CheckResult connect_failure(const boost::system::error_code& ec) {
  switch (ec.value()) {
    case ECONNREFUSED: return CheckResult::failure(Outcome::ConnectRefused, ec.value());
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EHOSTDOWN:
    case ENETDOWN: return CheckResult::failure(Outcome::Unreachable, ec.value());
    case ETIMEDOUT: return CheckResult::failure(Outcome::ConnectTimeout, ec.value());
    case ECONNRESET: return CheckResult::failure(Outcome::Reset, ec.value());
    default: return CheckResult::failure(Outcome::ConnectError, ec.value());
  }
}

/// Opens `sock` (a UDP socket) for the target with the connection options and connects it
/// (so that ICMP errors come back on it): nullopt, or the check's failure.
template <class UdpSocket>
std::optional<CheckResult> open_connected_udp(UdpSocket& sock, const ConnectOptions& c) {
  using Proto = typename UdpSocket::protocol_type;
  if (auto ec = open_with_options(sock, c, c.target.address.is_v4() ? Proto::v4() : Proto::v6()))
    return CheckResult::failure(Outcome::LocalError, ec.value());
  boost::system::error_code ec;
  sock.connect(target_of<Proto>(c), ec);
  if (ec) return connect_failure(ec);
  return std::nullopt;
}

/// The outcome of a failed read or write after the connection was established.
inline CheckResult io_failure(const boost::system::error_code& ec) {
  if (ec == boost::asio::error::eof) return CheckResult::failure(Outcome::Closed);
  switch (ec.value()) {
    case ECONNRESET:
    case EPIPE: return CheckResult::failure(Outcome::Reset, ec.value());
    case ECONNREFUSED: return CheckResult::failure(Outcome::ConnectRefused, ec.value());
    case EHOSTUNREACH:
    case ENETUNREACH: return CheckResult::failure(Outcome::Unreachable, ec.value());
    default: return CheckResult::failure(Outcome::ConnectError, ec.value());
  }
}

}  // namespace stayalived::check::sockio
