// An in-memory Backend with the kernel's semantics for unit tests, as measured on Linux
// 6.1: adding an existing service or destination fails with EEXIST; any op on a missing
// service with ESRCH; editing or deleting a missing destination with ENOENT; an unknown
// scheduler or persistence engine with ENOENT; a lower threshold above the upper one with
// ERANGE; a destination of another family than its service, unless tunnelled, EINVAL. Tests can inject
// errors and change the table "under" the code being tested.
#pragma once

#include <cerrno>
#include <functional>
#include <map>
#include <utility>
#include <set>
#include <string>
#include <vector>

#include "stayalived/ipvs/backend.hpp"

namespace stayalived::ipvs {

/// In-memory kernel IPVS table.
class FakeBackend final : public Backend {
 public:
  /// The table as the kernel would hold it; tests may edit it directly.
  State table;
  std::vector<SyncDaemon> daemons;
  Timeouts current_timeouts{900, 120, 300};
  /// Schedulers the "kernel" has (others fail with ENOENT, like a missing module).
  std::set<std::string> schedulers{"rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh"};
  /// Persistence engines the "kernel" has.
  std::set<std::string> persistence_engines{"sip"};
  /// Every op executed, in order (also the failed ones).
  std::vector<Op> log;
  /// Called before each op; a non-zero return fails it with that errno.
  std::function<OpError(const Op&)> inject;
  /// When set, dump() fails with this error.
  std::optional<Error> dump_error;
  /// Services dump() leaves out although they exist (as the kernel's dump does while
  /// another namespace changes its services); lookup() still finds them.
  std::function<bool(const ServiceKey&)> dump_skips;
  /// Ops that run but whose acknowledgement is lost (execute() answers kLost).
  std::function<bool(const Op&)> lose_ack;
  /// Number of lookup() calls.
  int lookups = 0;
  /// Number of dump() calls.
  int dumps = 0;
  /// Traffic counters stats() reports, by service and by (service, destination).
  std::map<ServiceKey, TrafficStats> service_traffic;
  std::map<std::pair<ServiceKey, DestKey>, TrafficStats> dest_traffic;

  // The Backend interface (backend.hpp), on `table`.
  Result<State> dump(const std::function<bool(const ServiceKey&)>& with_dests) override;
  Result<std::optional<ServiceEntry>> lookup(const ServiceKey& key) override;
  /// The table's services and destinations with the counters in `traffic` (zero if absent).
  Result<std::vector<ServiceStats>> stats(const std::function<bool(const ServiceKey&)>& with_dests) override;
  std::vector<OpError> execute(std::span<const Op> ops) override;
  Result<void> flush() override;
  Result<Timeouts> timeouts() override { return current_timeouts; }
  Result<void> set_timeouts(const Timeouts& t) override;
  Result<std::vector<SyncDaemon>> sync_daemons() override { return daemons; }
  Result<void> start_sync_daemon(const SyncDaemon& d) override;
  Result<void> stop_sync_daemon(SyncRole role) override;
  Counters counters() const override { return counters_; }

 private:
  OpError run(const Op& op);
  Counters counters_;
};

}  // namespace stayalived::ipvs
