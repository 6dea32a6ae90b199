// The generic-netlink messages of the kernel's IPVS family, built and parsed as bytes
// (linux/ip_vs.h, linux/netlink.h). Pure: no sockets, no libnl, so every attribute of
// every message is unit-tested without a kernel. backend_netlink.cpp only moves these
// bytes through a libnl socket.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/ipvs/model.hpp"
#include "stayalived/ipvs/plan.hpp"

namespace stayalived::ipvs::genl {

/// Netlink message types and flags the backend looks at (linux/netlink.h; checked
/// against the kernel header in genl_codec.cpp).
inline constexpr std::uint16_t kMsgError = 2;     ///< NLMSG_ERROR (also the ack)
inline constexpr std::uint16_t kMsgDone = 3;      ///< NLMSG_DONE, end of a dump
inline constexpr std::uint16_t kFlagMulti = 0x2;  ///< NLM_F_MULTI, part of a dump
inline constexpr std::uint16_t kFlagDumpIntr = 0x10;  ///< NLM_F_DUMP_INTR: the table changed during the dump

/// Bytes of one netlink message (header included), ready for sendmsg.
using Bytes = std::vector<std::uint8_t>;

/// Addressing shared by every request: the family id resolved for "IPVS", and our
/// sequence number (echoed in the kernel's answer).
struct Header {
  std::uint16_t family = 0;
  std::uint32_t seq = 0;
};

/// A write (service/destination add, edit, delete), asking for an acknowledgement.
Bytes encode_op(const Op& op, Header h);
/// Dump of every service (IPVS_CMD_GET_SERVICE, NLM_F_DUMP).
Bytes encode_get_services(Header h);
/// One service by its key (IPVS_CMD_GET_SERVICE without NLM_F_DUMP): the kernel answers
/// with that service or ESRCH.
Bytes encode_get_service(const ServiceKey& k, Header h);
/// Dump of one service's destinations (IPVS_CMD_GET_DEST, NLM_F_DUMP).
Bytes encode_get_dests(const ServiceKey& k, Header h);
/// IPVS_CMD_FLUSH: removes every service.
Bytes encode_flush(Header h);
/// IPVS_CMD_SET_CONFIG with the non-zero timeouts.
Bytes encode_set_timeouts(const Timeouts& t, Header h);
/// IPVS_CMD_GET_CONFIG: reads the timeouts.
Bytes encode_get_timeouts(Header h);
/// IPVS_CMD_NEW_DAEMON: starts a sync daemon (optional attributes only when set).
Bytes encode_new_daemon(const SyncDaemon& d, Header h);
/// IPVS_CMD_DEL_DAEMON: stops the sync daemon of a role.
Bytes encode_del_daemon(SyncRole role, Header h);
/// Dump of the running sync daemons (IPVS_CMD_GET_DAEMON).
Bytes encode_get_daemons(Header h);
/// IPVS_CMD_GET_INFO: version and connection table size.
Bytes encode_get_info(Header h);

/// One netlink message received from the kernel.
struct Message {
  std::uint16_t type = 0;                 ///< NLMSG_ERROR, NLMSG_DONE or the family id
  std::uint16_t flags = 0;
  std::uint32_t seq = 0;
  int error = 0;                          ///< NLMSG_ERROR / NLMSG_DONE: positive errno, 0 if none
  std::uint8_t cmd = 0;                   ///< family messages: the genl command
  std::span<const std::uint8_t> attrs;    ///< family messages: the attributes
};

/// Splits a received datagram into messages. Bounded: every length is checked against the
/// buffer; a malformed datagram is an error, never a read past the end.
Expected<std::vector<Message>, std::string> split(std::span<const std::uint8_t> datagram);

/// Decodes a service from a message carrying IPVS_CMD_ATTR_SERVICE.
Expected<Service, std::string> decode_service(const Message& m);
/// Decodes a destination from a message carrying IPVS_CMD_ATTR_DEST. `service_family` is
/// the destination's family when the kernel omits IPVS_DEST_ATTR_ADDR_FAMILY.
Expected<Destination, std::string> decode_dest(const Message& m, Family service_family);
/// Decodes a service's key and traffic counters (a GET_SERVICE answer).
Expected<ServiceStats, std::string> decode_service_stats(const Message& m);
/// Decodes a destination's key, weight, connection counts and traffic counters.
Expected<DestStats, std::string> decode_dest_stats(const Message& m, Family service_family);
/// Decodes a sync daemon from a message carrying IPVS_CMD_ATTR_DAEMON.
Expected<SyncDaemon, std::string> decode_daemon(const Message& m);
/// Decodes the timeouts of an IPVS_CMD_GET_CONFIG answer.
Expected<Timeouts, std::string> decode_timeouts(const Message& m);
/// Version (0x010201 = 1.2.1) and connection table size of an IPVS_CMD_GET_INFO answer.
struct Info {
  std::uint32_t version = 0;
  std::uint32_t conn_tab_size = 0;
};
/// Decodes an IPVS_CMD_GET_INFO answer.
Expected<Info, std::string> decode_info(const Message& m);

/// One attribute, for tests and decoders: type without the nested/byte-order flags.
struct Attr {
  std::uint16_t type = 0;
  bool nested = false;
  std::span<const std::uint8_t> data;
};
/// Parses a sequence of attributes (bounded, like split()).
Expected<std::vector<Attr>, std::string> parse_attrs(std::span<const std::uint8_t> bytes);

}  // namespace stayalived::ipvs::genl
