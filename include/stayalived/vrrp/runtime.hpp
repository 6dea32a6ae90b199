// The VRRP runtime: the I/O shell the daemon owns. It builds the pure engine (instances and
// sync groups) from a config::Config and connects it to the world: raw VRRP sockets,
// rtnetlink (VIPs, routes, rules, link and address changes), gratuitous ARP / NA, trackers
// (interfaces, vrrp_scripts, track_files, track_processes), notify scripts and FIFOs, and
// keepalived's log lines. Everything runs on the daemon's one io_context.
//
// Control flow: every input (a datagram, a timer, a netlink change, a tracker result) is
// turned into an Event for one instance and handed to the engine with the current time; the
// engine returns actions, which execute() carries out in order. The state changes among
// them are published on the event stream (common/event_stream.hpp) once the network work
// of that output is done: keepalived's log lines for them, notify scripts and FIFOs
// (vrrp/subscribers.hpp), SMTP alerts, the dumps, the checkers' ha_suspend and the IPVS
// sync daemon subscribe; nothing here calls into them.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/event_stream.hpp"
#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/config/model.hpp"
#include "stayalived/vrrp/instance.hpp"
#include "stayalived/vrrp/stats.hpp"

namespace stayalived::vrrp {

class Ports;

/// How the runtime runs scripts and writes notify FIFO lines; the daemon provides it on top
/// of the notify module (script runner, script security, FIFOs).
class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
  /// Runs a notify script with `extra_args` appended to its argv; fire and forget.
  virtual void notify(const config::Script& script, std::vector<std::string> extra_args) = 0;
  /// Runs a vrrp_script check with a timeout; `done` runs on the loop with the verdict
  /// (exit status 0) and, for the log, the exit status or -1 and a description.
  virtual void check(const config::Script& script, Duration timeout,
                     std::function<void(bool success, int status, std::string why)> done) = 0;
  /// Writes one line (without newline) to the notify FIFOs that take VRRP events
  /// (notify_fifo and vrrp_notify_fifo).
  virtual void fifo(const std::string& line) = 0;
};

/// What the dumps (data, stats, JSON) need about one instance.
struct InstanceInfo {
  std::string name;
  std::string interface;
  std::uint8_t vrid = 0;
  std::uint8_t version = 2;
  Family family = Family::Inet;
  State state = State::Init;
  std::uint8_t base_priority = 0;
  std::uint8_t effective_priority = 0;
  centiseconds advert_interval{100};
  centiseconds master_adver_interval{100};
  std::optional<IpAddress> master_address;
  std::uint8_t master_priority = 0;  ///< of the master's last advert (Backup), else 0
  std::optional<IpAddress> source;
  std::optional<std::string> group;
  bool wants_master = false;
  bool maintenance = false;
  bool handing_over = false;  ///< a Master in maintenance waiting for the new master's advert
  bool fault = false;  ///< tracking or its sync group holds it in FAULT
  InstanceStats stats;
};

/// One tracked object of an instance as it stands now (stayalivedctl explain).
struct TrackedView {
  std::string kind;   ///< "interface", "script", "file", "process"
  std::string name;
  bool up = true;
  int weight = 0;
  bool reverse = false;
  bool fault = false;          ///< it holds the instance in FAULT
  std::int64_t delta = 0;      ///< what it adds to the priority now
  std::string detail;          ///< "exit status 1 at 12:00:01" for a script, "value 3" for a file
};

/// Counters of the sockets (drops before an instance is known).
struct SocketInfo {
  std::string interface;
  Family family = Family::Inet;
  int protocol = 112;
  std::uint64_t received = 0;
  DropCounters drops;
};

/// A vrrp_script's state (metrics; keepalived's "VRRP Script" data section).
struct ScriptInfo {
  std::string name;
  bool good = true;      ///< its debounced result: GOOD, else BAD
  bool running = false;  ///< a run is in flight
};

/// The VRRP subsystem.
class Runtime {
 public:
  struct Options {
    bool dont_release_vrrp = false;  ///< -V: leave VIPs, routes and rules on stop
    bool release_vips = false;       ///< -X: on stop, remove every configured VIP, master or not
    /// -a: log every address the kernel reports added or removed (keepalived's "Netlink
    /// reflector reports IP ADDR added to IF"), those present at start too, but not our VIPs.
    bool log_address_changes = false;
  };

  /// On the system's sockets and rtnetlink; `bus` receives the state changes.
  Runtime(boost::asio::io_context& io, log::Logger& logger, ScriptHost& scripts, events::Bus& bus, Options opts);
  /// On `ports` (the unit tests' fakes; src/vrrp/io/ports.hpp).
  Runtime(boost::asio::io_context& io, log::Logger& logger, ScriptHost& scripts, events::Bus& bus, Options opts,
          std::unique_ptr<Ports> ports);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  /// Builds the instances of `cfg`, opens what they need and starts them (each enters
  /// BACKUP, or MASTER for an address owner). An error leaves nothing running.
  Result<> start(std::shared_ptr<const config::Config> cfg);

  /// Hitless reload: instances whose identity (name, interface, VRID, family) is
  /// unchanged keep their state and timers and take the new settings; VIPs, routes and
  /// rules of a Master change by difference; removed instances stop (notify DELETED or
  /// FAULT), new ones start.
  Result<> apply(std::shared_ptr<const config::Config> cfg);

  /// Graceful stop: Masters send priority 0, notify_stop scripts run, VIPs/routes/rules go
  /// (unless -V), sockets close. `done` runs (posted) when it is over.
  void stop(std::function<void()> done);

  /// The configuration of a running instance (also of one a reload is removing, while its
  /// last transition is published), or nullptr.
  const config::VrrpInstance* instance_config(std::string_view name) const;
  /// The configuration the runtime runs (nullptr before start).
  const config::Config* config() const;

  /// Snapshot for dumps.
  std::vector<InstanceInfo> instances() const;
  std::vector<SocketInfo> sockets() const;
  std::vector<ScriptInfo> scripts() const;
  /// keepalived's STATS_CLEAR.
  void clear_stats();

  /// stayalivedctl maintenance / resume: false if there is no such instance.
  bool set_maintenance(std::string_view instance, bool on);
  /// The tracked objects of an instance, with their effect now (empty if unknown).
  std::vector<TrackedView> tracked(std::string_view instance) const;
  /// The members of a sync group (empty if there is no such group).
  std::vector<std::string> group_members(std::string_view group) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stayalived::vrrp
