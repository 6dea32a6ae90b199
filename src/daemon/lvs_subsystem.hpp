// Internal: the checkers and IPVS, together as keepalived's checker process is: checker
// results become per-real-server health, health becomes the desired IPVS table, and the
// Reconciler moves the kernel toward it in bounded steps on the loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "stayalived/check/runtime.hpp"
#include "stayalived/common/event_stream.hpp"
#include "stayalived/daemon/cli.hpp"
#include "stayalived/daemon/notify_hub.hpp"
#include "stayalived/daemon/subsystem.hpp"
#include "stayalived/ipvs/backend.hpp"
#include "stayalived/ipvs/from_config.hpp"
#include "stayalived/ipvs/reconciler.hpp"
#include "stayalived/ipvs/sync_daemon.hpp"

namespace stayalived::daemon {

class LvsSubsystem final : public Subsystem {
 public:
  LvsSubsystem(boost::asio::io_context& io, log::Logger& logger, const Options& opts, NotifyHub& hub,
               events::Bus& bus);
  ~LvsSubsystem() override;

  std::string_view name() const override { return "checkers"; }
  void start(const ConfigPtr& cfg) override;
  void reload(const ConfigPtr& old_cfg, const ConfigPtr& new_cfg) override;
  void stop(std::function<void()> done) override;
  void write_data(std::string& out) const override;
  void write_json(boost::json::object& root) const override;
  void write_metrics(metrics::Exposition& out) const override;
  std::string status() const override;
  // lvs_control.cpp: stayalivedctl
  void describe(boost::json::object& root) const override;
  bool explain(std::string_view name, boost::json::object& out) const override;
  void preview(const ConfigPtr& new_cfg, boost::json::object& out) const override;
  std::optional<CommandOutcome> command(std::string_view verb, std::string_view target, const boost::json::object& args,
                                        std::function<void(CommandOutcome)> done) override;

  /// ha_suspend input: a VIP appeared on or left this host (VRRP became master or not).
  void set_address_present(const config::IpAddress& addr, bool present);
  /// lvs_sync_daemon follows the state of its VRRP instance.
  void on_vrrp_state(const std::string& instance, bool master);

 private:
  void configure(const config::Config& cfg);
  void on_pool(const check::DesiredPool& pool);
  void take_pool(const check::DesiredPool& pool);
  ipvs::State desired() const;
  void publish();
  void schedule_step();
  bool open_backend();
  void configure_sync();
  config::RcvBufs netlink_bufs_;  // lvs_netlink_cmd_rcv_bufs

  boost::asio::io_context& io_;
  log::Logger& logger_;
  log::Channel log_;
  const Options& opts_;
  NotifyHub& hub_;
  events::Bus& bus_;
  ipvs::Progress round_;  ///< the plan being applied, over the loop turns it takes
  std::unique_ptr<check::Runtime> checks_;
  ipvs::IpvsConfig ipvs_cfg_;
  std::vector<check::DesiredPool> pools_;  ///< the checkers' pool of each virtual server (config order)
  std::map<check::VirtualServerKey, std::size_t> index_;
  std::unique_ptr<ipvs::Backend> backend_;
  std::unique_ptr<ipvs::Reconciler> reconciler_;
  std::unique_ptr<ipvs::SyncDaemonController> sync_;
  ipvs::SyncDaemonConfig sync_cfg_;
  std::set<std::string> vrrp_masters_;  ///< instances now MASTER (for the sync daemon)
  bool stepping_ = false;
  bool desired_stale_ = false;  ///< health changed since the desired table was last built
  bool stopped_ = false;
  /// Real servers the operator disabled (stayalivedctl disable), by "ADDRESS:PORT": out of
  /// every pool they are in, whatever their checkers say, until enabled.
  std::set<std::string> disabled_;
  /// The last change of each real server ("VS|RS"), with its time, for explain.
  std::map<std::string, std::pair<events::RealServerChange, std::chrono::system_clock::time_point>> last_change_;
  /// Real servers being drained (stayalivedctl drain): weight 0 in every pool until their
  /// active connections end or the deadline passes; then disabled.
  struct Drain {
    check::Endpoint endpoint;
    std::chrono::steady_clock::time_point started, deadline;
    std::function<void(CommandOutcome)> done;
  };
  std::map<std::string, Drain> draining_;
  std::unique_ptr<boost::asio::steady_timer> drain_timer_;
  void watch_drains();
  /// A /proc file of our network namespace (/proc/net/ip_vs...), at most 64 MiB; nullopt
  /// if it cannot be opened (no ip_vs).
  static std::optional<std::string> read_proc(const char* path);
  /// node_exporter's IPVS families, from /proc/net/ip_vs and /proc/net/ip_vs_stats.
  static void write_ipvs_metrics(metrics::Exposition& x);
  /// Our services' and real servers' traffic counters, read from the kernel (netlink)
  /// and labelled with the virtual server each belongs to.
  void write_traffic_metrics(metrics::Exposition& x, const std::vector<check::DesiredPool>& pools) const;
  void end_drain(const std::string& target, CommandOutcome outcome);
  /// The pool without the disabled real servers, and with weight 0 for those draining.
  check::DesiredPool without_disabled(const check::DesiredPool& p) const;
};

}  // namespace stayalived::daemon
