// The seam between the pure IPVS logic and the kernel: the Reconciler talks to a Backend.
// backend_netlink.cpp implements it over generic netlink; FakeBackend (fake_backend.hpp)
// implements it in memory with the kernel's error semantics, for unit tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/ipvs/model.hpp"
#include "stayalived/ipvs/plan.hpp"

namespace stayalived::ipvs {

/// The outcome of one operation: 0, a positive errno from the kernel, or kLost when its
/// acknowledgement never arrived (the state of that object is unknown: re-dump).
using OpError = int;
inline constexpr OpError kLost = -1;

/// What a backend has sent to the kernel since it was created (tests and bench/ count
/// them; "a reload that changes one real server performs exactly one write").
struct Counters {
  std::uint64_t writes = 0;      ///< messages that change the kernel (ops, flush, timeouts, daemons)
  std::uint64_t reads = 0;       ///< dump and get requests
  std::uint64_t sends = 0;       ///< sendmsg calls (several writes share one)
  std::uint64_t received = 0;    ///< messages received (acks, dump entries)
  std::uint64_t acked = 0;       ///< writes the kernel confirmed (an ack with error 0)
  std::uint64_t refused = 0;     ///< writes the kernel refused (an ack with an errno)
  std::uint64_t lost = 0;        ///< writes whose ack never arrived (state unknown: re-read)
  std::uint64_t overruns = 0;    ///< ENOBUFS on the socket: the kernel dropped answers to us
};

/// Access to the kernel's IPVS table.
class Backend {
 public:
  virtual ~Backend() = default;

  /// Reads every service, and the destinations of those for which `with_dests` is true
  /// (other services come back without destinations).
  ///
  /// A dump can miss services that exist: the kernel keeps one service table for all
  /// network namespaces and resumes a multi-part dump by position in it, without
  /// NLM_F_DUMP_INTR, so services another namespace removes meanwhile shift ours out of
  /// the dump (and ones it adds repeat some). Absence from a dump is a hint; lookup() is
  /// the answer.
  [[nodiscard]] virtual Result<State> dump(const std::function<bool(const ServiceKey&)>& with_dests) = 0;
  /// One service and its destinations by an exact request (IPVS_CMD_GET_SERVICE by key,
  /// not a dump), or nullopt when the kernel has no such service.
  [[nodiscard]] virtual Result<std::optional<ServiceEntry>> lookup(const ServiceKey& key) = 0;
  /// Executes `ops` in order; a failed op does not stop the ones after it. Returns one
  /// OpError per op.
  [[nodiscard]] virtual std::vector<OpError> execute(std::span<const Op> ops) = 0;
  /// The traffic counters of every service, with those of the destinations of the
  /// services for which `with_dests` is true (ipvsadm -L --stats). A read: no write.
  [[nodiscard]] virtual Result<std::vector<ServiceStats>> stats(
      const std::function<bool(const ServiceKey&)>& with_dests) = 0;
  /// Removes every service (ipvsadm -C).
  [[nodiscard]] virtual Result<void> flush() = 0;
  /// Reads the connection timeouts.
  [[nodiscard]] virtual Result<Timeouts> timeouts() = 0;
  /// Sets the non-zero connection timeouts.
  [[nodiscard]] virtual Result<void> set_timeouts(const Timeouts& t) = 0;
  /// The running sync daemons.
  [[nodiscard]] virtual Result<std::vector<SyncDaemon>> sync_daemons() = 0;
  /// Starts a sync daemon.
  [[nodiscard]] virtual Result<void> start_sync_daemon(const SyncDaemon& d) = 0;
  /// Stops the sync daemon of a role.
  [[nodiscard]] virtual Result<void> stop_sync_daemon(SyncRole role) = 0;
  /// Messages sent and received so far.
  virtual Counters counters() const = 0;
};

/// Options of the netlink backend.
struct NetlinkOptions {
  /// Writes per sendmsg: the kernel processes the batch in one call and queues one ack
  /// per message, so the batch is bounded by the receive buffer.
  std::size_t batch = 128;
  /// Bytes per sendmsg at most (the kernel refuses a datagram above its send buffer).
  std::size_t batch_bytes = 64 * 1024;
  /// Receive buffer in bytes (SO_RCVBUFFORCE when permitted).
  int rcvbuf = 4 << 20;
  /// lvs_netlink_cmd_rcv_bufs: this size instead, with SO_RCVBUFFORCE only if `rcvbuf_force`
  /// (lvs_netlink_cmd_rcv_bufs_force), as keepalived.
  bool rcvbuf_configured = false;
  bool rcvbuf_force = false;
};

/// Opens a generic-netlink socket and resolves the "IPVS" family. Fails (with the errno)
/// when ip_vs is not loaded and cannot be loaded, or without CAP_NET_ADMIN.
Result<std::unique_ptr<Backend>> make_netlink_backend(NetlinkOptions opts = {});

}  // namespace stayalived::ipvs
