// Socket helpers shared by the network probes (private to src/check): conversions to Asio
// endpoints, the generic connection options (bindto, bind_port, bind_if, fwmark) and the
// mapping of socket errors to outcomes.
#pragma once

#include <sys/socket.h>
#include <net/if.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/basic_endpoint.hpp>
#include <boost/system/error_code.hpp>

#include <cerrno>
#include <cstring>

#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"

namespace stayalived::check::net {

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
  return typename Protocol::endpoint(to_asio(ep.addr), ep.port);
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
  return to_asio<Protocol>(Endpoint{scoped(c.target.addr, c), c.target.port});
}

/// Opens `sock` for the target's family and applies bindto, bind_port, bind_if and fwmark.
template <class Socket, class Protocol>
boost::system::error_code open_with_options(Socket& sock, const ConnectOptions& c, Protocol proto) {
  boost::system::error_code ec;
  sock.open(proto, ec);
  if (ec) return ec;
  const int fd = sock.native_handle();
  if (c.fwmark != 0) {
    const int mark = static_cast<int>(c.fwmark);
    if (::setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0)
      return {errno, boost::system::system_category()};
  }
  if (!c.bind_if.empty()) {
    if (::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, c.bind_if.c_str(),
                     static_cast<socklen_t>(c.bind_if.size())) != 0)
      return {errno, boost::system::system_category()};
  }
  if (c.bindto || c.bind_port != 0) {
    // A fixed source port is reused by every check: let a new socket take it while the
    // last connection is in TIME_WAIT.
    if (c.bind_port != 0) sock.set_option(typename Socket::reuse_address(true), ec);
    IpAddress local;
    if (c.bindto)
      local = *c.bindto;
    else
      local.family = c.target.addr.family;
    sock.bind(to_asio<Protocol>(Endpoint{scoped(local, c), c.bind_port}), ec);
    if (ec) return ec;
  }
  return {};
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

}  // namespace stayalived::check::net
