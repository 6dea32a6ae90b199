// Counters of what the event stream carries (common/event_stream.hpp): VRRP transitions by
// cause, sync-group transitions, real-server flips, quorum changes, IPVS apply results and
// reloads. A subscriber of the Bus, pure: it reads no clock (the time of a reload comes
// from the caller's `now`).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>

#include "stayalived/common/event_stream.hpp"
#include "stayalived/metrics/exposition.hpp"

namespace stayalived::metrics {

class EventCounters {
 public:
  /// Seconds since the epoch, for the time of the last successful reload.
  using Clock = std::function<double()>;
  explicit EventCounters(Clock now) : now_(std::move(now)) {}

  /// Subscribes to `bus`; the counters must outlive it (or the bus must stop publishing).
  void subscribe(events::Bus& bus);
  /// Counts one event.
  void count(const events::Event& e);
  /// Adds the stayalived_* families of the counters.
  void write(Exposition& x) const;

 private:
  Clock now_;
  // instance, from, to, cause
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::uint64_t> vrrp_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> groups_;
  // virtual server, real server, "up"/"down"
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> real_servers_;
  std::map<std::tuple<std::string, std::string>, std::uint64_t> quorum_;
  std::uint64_t ipvs_rounds_ = 0, ipvs_writes_ = 0, ipvs_confirmed_ = 0, ipvs_failures_ = 0;
  std::uint64_t ipvs_unresolved_ = 0;
  std::uint64_t reloads_ok_ = 0, reloads_failed_ = 0;
  double last_reload_ok_ = 0;
  std::uint64_t adverts_dropped_reports_ = 0;
};

}  // namespace stayalived::metrics
