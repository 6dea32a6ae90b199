// Internal: the VRRP side of the daemon as a Subsystem. Owns the VRRP runtime and its
// script host (on the daemon's NotifyHub: runner, FIFOs, script security), and writes
// keepalived's VRRP dumps: the "VRRP Topology" data section, keepalived.stats blocks and
// keepalived.json's array of instances.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "stayalived/daemon/cli.hpp"
#include "stayalived/daemon/notify_hub.hpp"
#include "stayalived/daemon/subsystem.hpp"
#include "stayalived/vrrp/runtime.hpp"
#include "stayalived/vrrp/script_host.hpp"

namespace stayalived::daemon {

class VrrpSubsystem final : public Subsystem {
 public:
  VrrpSubsystem(boost::asio::io_context& io, log::Logger& logger, const Options& opts, NotifyHub& hub,
                events::Bus& bus);
  ~VrrpSubsystem() override;

  std::string_view name() const override { return "VRRP"; }
  void start(const ConfigPtr& cfg) override;
  void reload(const ConfigPtr& old_cfg, const ConfigPtr& new_cfg) override;
  void stop(std::function<void()> done) override;
  void write_data(std::string& out) const override;
  void write_stats(std::string& out, bool clear) override;
  void write_json(boost::json::object& root) const override;
  void write_metrics(metrics::Exposition& out) const override;
  std::string status() const override;
  // vrrp_control.cpp: stayalivedctl
  void describe(boost::json::object& root) const override;
  bool explain(std::string_view name, boost::json::object& out) const override;
  void preview(const ConfigPtr& new_cfg, boost::json::object& out) const override;
  std::optional<CommandOutcome> command(std::string_view verb, std::string_view target, const boost::json::object& args,
                                        std::function<void(CommandOutcome)> done) override;

  vrrp::Runtime& runtime() { return runtime_; }

 private:
  const config::VrrpInstance* find(const std::string& name) const;
  void refresh_fifos();

  boost::asio::io_context& io_;
  log::Channel log_;
  NotifyHub& hub_;
  notify::NotifyFifos fifos_;
  vrrp::NotifyScriptHost host_;
  vrrp::Runtime runtime_;
  std::shared_ptr<const config::Config> cfg_;
  std::map<std::string, std::chrono::system_clock::time_point> last_transition_;
  std::map<std::string, events::VrrpInstanceTransition> last_event_;  // for explain
};

}  // namespace stayalived::daemon
