// Per-instance VRRP counters, for keepalived's stats and JSON dumps (SIGUSR2 / SIGJSON).
#pragma once

#include <array>
#include <cstdint>
#include <numeric>

#include "stayalived/vrrp/codec.hpp"

namespace stayalived::vrrp {

/// Counts of dropped packets, one per DropReason.
struct DropCounters {
  std::array<std::uint64_t, kDropReasons> by_reason{};

  void count(DropReason r) { ++by_reason[static_cast<std::size_t>(r)]; }
  std::uint64_t operator[](DropReason r) const { return by_reason[static_cast<std::size_t>(r)]; }
  std::uint64_t total() const { return std::accumulate(by_reason.begin(), by_reason.end(), std::uint64_t{0}); }
};

/// What one instance has seen and done (keepalived's "VRRP Instance" stats block).
struct InstanceStats {
  /// Valid adverts for this VRID (keepalived 2.2.7, measured: 5 with a wrong password, 3
  /// with TTL 64 and 2 good ones give "Received: 2"); the invalid ones are in `drops`.
  std::uint64_t adverts_received = 0;
  std::uint64_t adverts_sent = 0;
  std::uint64_t send_errors = 0;
  std::uint64_t became_master = 0;
  std::uint64_t released_master = 0;
  std::uint64_t priority_zero_received = 0;
  std::uint64_t priority_zero_sent = 0;
  /// Lower-priority adverts a master did not answer (nor log), and that a backup did not
  /// log: an instance answers and logs at most one per 3/4 of its advert interval, so that
  /// a flood of (spoofed) adverts makes it send no more than a peer at the same interval.
  std::uint64_t lower_priority_unanswered = 0;
  std::uint64_t lower_priority_unlogged = 0;
  DropCounters drops;

  void count(DropReason r) { drops.count(r); }
};

}  // namespace stayalived::vrrp
