#include "lvs_subsystem.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <fmt/format.h>

#include "stayalived/check/announcer.hpp"
#include "stayalived/check/from_config.hpp"
#include "stayalived/ipvs/desired.hpp"
#include "stayalived/metrics/exposition.hpp"
#include "stayalived/check/address.hpp"

namespace stayalived::daemon {

namespace {
// Writes per loop turn: a plan of thousands of writes must not hold the loop (VRRP adverts
// share it); each turn is a few milliseconds of netlink at most.
constexpr std::size_t kStepBudget = 256;
}  // namespace

LvsSubsystem::LvsSubsystem(boost::asio::io_context& io, log::Logger& logger, const Options& opts,
                           NotifyHub& hub, events::Bus& bus)
    : io_(io), logger_(logger), log_(logger, log::Source::Check), opts_(opts), hub_(hub), bus_(bus) {
  bus_.on<events::RealServerChange>([this](const events::RealServerChange& c) {
    last_change_[c.virtual_server + "|" + c.real_server] = {c, std::chrono::system_clock::now()};
  });
}

LvsSubsystem::~LvsSubsystem() = default;

bool LvsSubsystem::open_backend() {
  if (backend_) return true;
  ipvs::NetlinkOptions no;
  if (netlink_bufs_.bytes) {
    no.rcvbuf = static_cast<int>(std::min<std::uint32_t>(*netlink_bufs_.bytes, INT32_MAX));
    no.rcvbuf_configured = true;
    no.rcvbuf_force = netlink_bufs_.force;
  }
  auto b = ipvs::make_netlink_backend(no);
  if (!b) {
    // keepalived: "IPVS: Can't initialize ipvs: ..." — the checkers still run (notify
    // scripts, alerts), the table is retried at the next reload.
    log_.error("IPVS: Can't initialize ipvs: {}", b.error().message);
    return false;
  }
  backend_ = std::move(*b);
  ipvs::ReconcilerOptions ro = ipvs_cfg_.options;
  ro.release_on_stop = !opts_.dont_release_ipvs;
  reconciler_ = std::make_unique<ipvs::Reconciler>(*backend_, log_, ro);
  return true;
}

void LvsSubsystem::configure(const config::Config& cfg) {
  netlink_bufs_ = cfg.global.lvs_netlink_cmd_rcv_bufs;  // for the socket when it opens
  auto ic = ipvs::from_config(cfg);
  if (!ic) {
    log_.error("IPVS configuration: {}", ic.error());
    ipvs_cfg_ = {};
  } else {
    ipvs_cfg_ = std::move(*ic);
  }
  for (const auto& w : ipvs_cfg_.warnings) log_.warning("{}", w);
  index_.clear();
  for (std::size_t i = 0; i < cfg.virtual_servers.size(); ++i) index_[check::key_of(cfg.virtual_servers[i])] = i;
  pools_.assign(ipvs_cfg_.virtual_servers.size(), check::DesiredPool{});
}

// The checkers decide every pool (membership, weights, quorum, sorry server): IPVS takes
// their pools as they are, with the settings of the configuration around them.
ipvs::State LvsSubsystem::desired() const {
  std::vector<std::string> errors;
  std::vector<check::DesiredPool> pools;
  pools.reserve(pools_.size());
  for (const auto& p : pools_) pools.push_back(without_disabled(p));
  auto state = ipvs::build_desired(ipvs_cfg_.virtual_servers, pools, &errors);
  for (const auto& e : errors) log_.error("IPVS: {}", e);
  return state;
}

void LvsSubsystem::take_pool(const check::DesiredPool& pool) {
  const auto it = index_.find(pool.vs);
  if (it != index_.end() && it->second < pools_.size()) pools_[it->second] = pool;
}

void LvsSubsystem::start(const ConfigPtr& cfg_ptr) {
  const config::Config& cfg = *cfg_ptr;
  configure(cfg);
  check::Hooks hooks;
  hooks.on_pool = [this](const check::DesiredPool& p) { on_pool(p); };
  // The checkers report their changes as values; the announcer logs them as keepalived
  // does, sends the notify scripts, FIFO lines and alerts, and puts them on the event stream.
  hooks.on_change = check::Announcer(log_, hub_.check_notifier(), &bus_);
  hooks.scripts = hub_.check_script_runner();
  checks_ = std::make_unique<check::Runtime>(io_, logger_, std::move(hooks));
  std::vector<std::string> warnings;
  checks_->apply(check::from_config(cfg, &warnings));  // publishes every pool
  for (const auto& w : warnings) log_.warning("{}", w);
  if (!ipvs_cfg_.virtual_servers.empty() && open_backend()) {
    auto r = reconciler_->start(desired());
    if (!r) log_.error("IPVS: {}", r.error().message);
    schedule_step();
  }
  configure_sync();
  checks_->start();
}

void LvsSubsystem::reload(const ConfigPtr& /*old_cfg*/, const ConfigPtr& new_ptr) {
  const config::Config& new_cfg = *new_ptr;
  configure(new_cfg);
  std::vector<std::string> warnings;
  checks_->apply(check::from_config(new_cfg, &warnings));  // logs what it kept, added, removed
  for (const auto& w : warnings) log_.warning("{}", w);
  // Every pool as the checkers now see it (unchanged ones are not published again, and the
  // indexes may have moved).
  for (const auto& p : checks_->pools()) take_pool(p);
  if (reconciler_) reconciler_->reload_timeouts(ipvs_cfg_.options.timeouts);
  if (!ipvs_cfg_.virtual_servers.empty() && open_backend() && reconciler_->desired().services.empty() &&
      reconciler_->observed().services.empty()) {
    auto r = reconciler_->start(desired());
    if (!r) log_.error("IPVS: {}", r.error().message);
  }
  configure_sync();
  publish();
}

void LvsSubsystem::on_pool(const check::DesiredPool& pool) {
  take_pool(pool);
  publish();
}

// Health changes arrive in bursts (every virtual server gains its quorum at start, a
// switch port takes many real servers down at once): the desired table is rebuilt and
// re-planned once per turn of the loop, not once per change. (Once per change cost
// O(changes x table): a minute of CPU before the first write at 1,000 x 10 in the VM.)
void LvsSubsystem::publish() {
  if (!reconciler_ || stopped_) return;
  desired_stale_ = true;
  schedule_step();
}

void LvsSubsystem::schedule_step() {
  if (stepping_ || !reconciler_) return;
  stepping_ = true;
  boost::asio::post(io_, [this] {
    stepping_ = false;
    if (!reconciler_ || stopped_) return;
    if (desired_stale_) {
      desired_stale_ = false;
      reconciler_->set_desired(desired());
    }
    auto p = reconciler_->step(kStepBudget);
    for (const auto& f : p.failures) log_.error("IPVS: {}", f.message());
    const bool more = p.more;
    round_.merge(std::move(p));
    if (more) {
      schedule_step();
      return;
    }
    // The table is where the plan wanted it (or as near as the kernel allowed).
    if (round_.executed > 0) {
      const events::IpvsApplied done{.writes = round_.executed,
                                     .confirmed = round_.confirmed,
                                     .failures = round_.failures.size(),
                                     .unresolved = reconciler_->unresolved().size()};
      if (log_.detail())
        log_.info("IPVS: table applied: {} writes, {} confirmed, {} failed, {} unresolved", done.writes,
                  done.confirmed, done.failures, done.unresolved);
      bus_.publish(done);
    }
    round_ = {};
  });
}

void LvsSubsystem::set_address_present(const config::IpAddress& addr, bool present) {
  if (checks_) checks_->set_address_present(addr, present);
}

void LvsSubsystem::on_vrrp_state(const std::string& instance, bool master) {
  if (master)
    vrrp_masters_.insert(instance);
  else
    vrrp_masters_.erase(instance);
  if (!sync_ || stopped_ || sync_cfg_.vrrp_instance != instance) return;
  if (auto r = sync_->on_vrrp_state(master); !r) log_.error("IPVS: sync daemon: {}", r.error().message);
}

void LvsSubsystem::configure_sync() {
  const auto& want = ipvs_cfg_.sync_daemon;
  if (sync_ && want && *want == sync_cfg_) return;
  if (sync_) {
    if (auto r = sync_->stop(); !r) log_.error("IPVS: sync daemon: {}", r.error().message);
    sync_.reset();
  }
  if (!want || !open_backend()) return;
  sync_cfg_ = *want;
  sync_ = std::make_unique<ipvs::SyncDaemonController>(*backend_, log_, sync_cfg_);
  const bool master = sync_cfg_.vrrp_instance && vrrp_masters_.contains(*sync_cfg_.vrrp_instance);
  if (auto r = sync_->on_vrrp_state(master); !r) log_.error("IPVS: sync daemon: {}", r.error().message);
}

void LvsSubsystem::stop(std::function<void()> done) {
  stopped_ = true;
  if (drain_timer_) drain_timer_->cancel();
  for (auto& [t, d] : draining_)
    if (d.done) d.done(CommandOutcome{false, "the daemon stopped before " + t + " was drained"});
  draining_.clear();
  if (checks_) checks_->stop();
  if (sync_) {
    if (auto r = sync_->stop(); !r) log_.error("IPVS: sync daemon: {}", r.error().message);
    sync_.reset();
  }
  if (reconciler_) {
    const auto p = reconciler_->shutdown();
    for (const auto& f : p.failures) log_.error("IPVS: {}", f.message());
  }
  done();
}

void LvsSubsystem::write_data(std::string& out) const {
  if (checks_) out += checks_->dump();
}

void LvsSubsystem::write_json(boost::json::object& root) const {
  if (!checks_) return;
  boost::json::array vss;
  const auto pools = checks_->pools();
  for (std::size_t i = 0; i < pools.size(); ++i) {
    boost::json::object vs;
    vs["name"] = i < ipvs_cfg_.virtual_servers.size() ? ipvs_cfg_.virtual_servers[i].name : std::string();
    vs["quorum_up"] = pools[i].quorum_up;
    vs["sorry_active"] = pools[i].sorry_active;
    vs["suspended"] = checks_->suspended(i);
    boost::json::array rss;
    for (const auto& rs : checks_->real_servers(i)) {
      boost::json::object o;
      o["address"] = rs.endpoint.address.to_string();
      o["port"] = rs.endpoint.port;
      o["alive"] = rs.alive;
      o["weight"] = rs.weight;
      o["checkers"] = rs.checkers;
      o["checkers_up"] = rs.checkers_up;
      rss.push_back(std::move(o));
    }
    vs["real_servers"] = std::move(rss);
    vss.push_back(std::move(vs));
  }
  root["virtual_servers"] = std::move(vss);
  const auto st = checks_->stats();
  root["checker_stats"] = {{"checks_started", st.checks_started},
                           {"checks_completed", st.checks_completed},
                           {"checks_failed", st.checks_failed},
                           {"checkers", st.checkers},
                           {"unique_checkers", st.unique_checkers}};
  boost::json::object ipvs;
  ipvs["available"] = reconciler_ != nullptr;
  if (reconciler_) {
    ipvs["services"] = reconciler_->observed().services.size();
    ipvs["destinations"] = reconciler_->observed().dest_count();
    ipvs["unresolved_failures"] = reconciler_->unresolved().size();
    if (backend_) ipvs["netlink_writes"] = backend_->counters().writes;
  }
  root["ipvs"] = std::move(ipvs);
}

std::string LvsSubsystem::status() const {
  if (!checks_) return {};
  std::size_t up = 0, total = 0;
  for (std::size_t i = 0; i < pools_.size(); ++i)
    for (const auto& rs : checks_->real_servers(i)) {
      ++total;
      up += rs.alive ? 1 : 0;
    }
  if (total == 0) return {};
  return fmt::format("real servers {}/{} up", up, total);
}

// Prometheus: real servers and quorum per virtual server, the checkers' counters and
// lateness, and what IPVS holds: node_exporter's families and, per service and real
// server, the kernel's traffic counters.
void LvsSubsystem::write_metrics(metrics::Exposition& x) const {
  if (!checks_) return;
  const auto pools = checks_->pools();
  for (std::size_t i = 0; i < pools.size(); ++i) {
    const std::string vs = check::format_vs(pools[i].vs);
    std::size_t up = 0, total = 0;
    for (const auto& rs : checks_->real_servers(i)) {
      const std::string name = check::format_rs(rs.endpoint, pools[i].vs);
      x.gauge("stayalived_real_server_up", "1 while the real server is in its pool (its checkers say up)",
              {{"virtual_server", vs}, {"real_server", name}}, rs.alive ? 1 : 0);
      x.gauge("stayalived_real_server_weight", "Weight of the real server in its pool",
              {{"virtual_server", vs}, {"real_server", name}}, static_cast<double>(rs.weight));
      ++total;
      up += rs.alive ? 1 : 0;
    }
    x.gauge("stayalived_virtual_server_real_servers_up", "Real servers up in the virtual server", {{"virtual_server", vs}},
            static_cast<double>(up));
    x.gauge("stayalived_virtual_server_real_servers", "Real servers configured in the virtual server",
            {{"virtual_server", vs}}, static_cast<double>(total));
    x.gauge("stayalived_virtual_server_quorum_up", "1 while the virtual server has its quorum", {{"virtual_server", vs}},
            pools[i].quorum_up ? 1 : 0);
    x.gauge("stayalived_virtual_server_sorry_server_active", "1 while the sorry server serves the virtual server",
            {{"virtual_server", vs}}, pools[i].sorry_active ? 1 : 0);
    x.gauge("stayalived_virtual_server_suspended", "1 while ha_suspend suspends the virtual server's checks",
            {{"virtual_server", vs}}, checks_->suspended(i) ? 1 : 0);
  }
  const auto st = checks_->stats();
  constexpr std::string_view res_help = "Checks completed, by result";
  x.counter("stayalived_checks_total", res_help, {{"result", "success"}},
            static_cast<double>(st.checks_completed - std::min(st.checks_failed, st.checks_completed)));
  x.counter("stayalived_checks_total", res_help, {{"result", "failure"}}, static_cast<double>(st.checks_failed));
  for (std::size_t o = 0; o + 1 < check::kOutcomes; ++o)  // the last, Cancelled, is never counted
    x.counter("stayalived_check_results_total", "Checks completed, by outcome",
              {{"outcome", check::to_string(static_cast<check::Outcome>(o))}}, static_cast<double>(st.by_outcome[o]));
  std::vector<double> bounds;
  for (const auto b : check::Stats::kDurationBounds) bounds.push_back(std::chrono::duration<double>(b).count());
  metrics::Histogram took(std::move(bounds));
  took.assign(st.duration_buckets, std::chrono::duration<double>(st.total_duration).count());
  x.histogram("stayalived_check_duration_seconds", "How long checks took, from launch to result", {}, took);
  x.counter("stayalived_checks_started_total", "Checks started", {}, static_cast<double>(st.checks_started));
  x.counter("stayalived_check_deadlines_total", "Checks ended by their deadline (connect_timeout)", {},
            static_cast<double>(st.deadlines_hit));
  x.counter("stayalived_check_retries_total", "Check failures absorbed by retry", {}, static_cast<double>(st.retries));
  x.counter("stayalived_checker_transitions_total", "Checker up/down changes", {}, static_cast<double>(st.transitions));
  x.gauge("stayalived_checks_in_flight", "Checks running now", {}, static_cast<double>(st.in_flight));
  x.gauge("stayalived_checkers", "Checkers in the configuration", {{"kind", "configured"}}, static_cast<double>(st.checkers));
  x.gauge("stayalived_checkers", "Checkers in the configuration", {{"kind", "unique"}},
          static_cast<double>(st.unique_checkers));
  // The schedule's lateness (start - due time), in the buckets the runtime keeps.
  metrics::Histogram late({0.001, 0.01, 0.1});
  const std::uint64_t per[] = {st.late_under_1ms, st.late_under_10ms, st.late_under_100ms, st.late_over_100ms};
  late.assign(per, std::chrono::duration<double>(st.total_lateness).count());
  x.histogram("stayalived_check_lateness_seconds", "How late scheduled checks started", {}, late);
  x.gauge("stayalived_ipvs_available", "1 when the IPVS generic-netlink family could be opened", {},
          reconciler_ ? 1 : 0);
  if (reconciler_) {
    x.gauge("stayalived_ipvs_services", "IPVS services in the kernel, as last read", {},
            static_cast<double>(reconciler_->observed().services.size()));
    x.gauge("stayalived_ipvs_destinations", "IPVS destinations in the kernel, as last read", {},
            static_cast<double>(reconciler_->observed().dest_count()));
  }
  if (reconciler_) {
    write_ipvs_metrics(x);
    write_traffic_metrics(x, pools);
  }
  if (backend_)
    x.counter("stayalived_ipvs_netlink_messages_total", "Generic-netlink messages that change the kernel's IPVS table",
              {}, static_cast<double>(backend_->counters().writes));
}

}  // namespace stayalived::daemon
