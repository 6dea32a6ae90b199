// The VRRP shell's dispatch and lifecycle (see runtime_impl.hpp for the other rooms): every
// input becomes an Event for one instance, the engine answers with actions, execute()
// carries them out in order and then publishes the state changes among them.
#include <boost/asio/post.hpp>

#include <algorithm>
#include <utility>

#include "runtime_impl.hpp"
#include "stayalived/common/overloaded.hpp"
#include "stayalived/vrrp/wording.hpp"

namespace stayalived::vrrp {

std::array<RateLimiter, kDropReasons> make_drop_limiters() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<RateLimiter, kDropReasons>{((void)I, RateLimiter(1.0, 5.0))...};
  }(std::make_index_sequence<kDropReasons>{});
}

Runtime::Impl::Inst* Runtime::Impl::inst_named(std::string_view name) const {
  for (const auto& p : insts)
    if (p && p->conf.name == name) return p.get();
  return nullptr;
}

// --- events in, actions out -----------------------------------------------------------------

void Runtime::Impl::deliver(InstanceId id, const Event& e) {
  if (!engine.exists(id)) return;
  if (Inst* in = inst(id)) {
    // A take-over replaces the master the core remembers: keep who it was, for the event.
    const auto& core = engine.instance(id);
    in->heard = core.master_address();
    in->heard_priority = core.master_priority();
  }
  execute(engine.handle(id, e, Clock::now()));
}

// The network work of an output (adverts, VIPs, GARP) is done before anyone hears of the
// state changes in it: they wait in `pending` until the outermost execute() ends.
void Runtime::Impl::execute(const EngineOutput& out) {
  ++executing;
  for (const auto& item : out) {
    std::visit(overloaded{
                   [&](const InstanceAction& a) {
                     if (Inst* in = inst(a.instance)) act(*in, a.action);
                   },
                   [&](const GroupSyncing& g) {
                     log.info("VRRP_Group({}) Syncing instances to {} state", engine.group_name(g.group), name(g.target));
                   },
                   [&](const GroupTransition& g) { group_changed(g); },
               },
               item);
  }
  if (--executing > 0) return;
  auto ready = std::move(pending);
  pending.clear();
  for (auto& e : ready) bus.publish(std::move(e));
}

void Runtime::Impl::publish(events::Event e) {
  if (executing > 0)
    pending.push_back(std::move(e));
  else
    bus.publish(std::move(e));
}

void Runtime::Impl::act(Inst& in, const Action& a) {
  std::visit(overloaded{
                 [&](const Transition& t) { transition(in, t); },
                 [&](const SendAdvert& s) { send_advert(in, s.priority); },
                 [&](const ArmTimer& t) { arm(in, t.id, t.at); },
                 [&](const CancelTimer& t) { in.timers[static_cast<std::size_t>(t.id)]->cancel(); },
                 [&](const AddAddresses&) { set_addresses(in, true); },
                 [&](const RemoveAddresses&) {
                   if (!stopping || !opts.dont_release_vrrp || opts.release_vips) set_addresses(in, false);
                 },
                 [&](const SendGratuitous& g) { gratuitous(in, g.repeat); },
                 [&](const Dropped& d) { dropped(in, d); },
                 [&](const Note& n) { note(in, n); },
                 [&](const MasterRxLowerPriority& m) {
                   publish(events::VrrpLowerPriorityAdvert{.instance = in.name(),
                                                           .peer = m.source.to_string(),
                                                           .peer_priority = m.priority,
                                                           .priority = engine.instance(in.id).priority()});
                 },
                 [&](const WantMaster&) {},
             },
             a);
}

void Runtime::Impl::arm(Inst& in, TimerId id, TimePoint at) {
  auto& t = *in.timers[static_cast<std::size_t>(id)];
  t.expires_at(at);
  t.async_wait([this, iid = in.id, id](const boost::system::error_code& ec) {
    if (ec) return;
    deliver(iid, TimerExpired{id});
  });
}

// --- state changes: published, with their cause ----------------------------------------------

void Runtime::Impl::transition(Inst& in, const Transition& t) {
  const auto& core = engine.instance(in.id);
  if (t.from == State::Master) {
    // Leaving Master: what is still queued must not announce addresses we gave up.
    if (auto g = garps.find(in.ifindex); g != garps.end()) g->second->clear();
  }
  events::VrrpInstanceTransition e{.instance = in.name(),
                                   .group = in.setup.sync_group,
                                   .interface = in.ifname(),
                                   .from = event_state(t.from),
                                   .to = event_state(t.to),
                                   .cause = event_cause(t.reason, in.deleting),
                                   .priority = core.priority(),
                                   .peer = {},
                                   .peer_priority = 0,
                                   .faults = {}};
  // The other router: the one whose advert made us step down, or the master last heard
  // before we took over.
  if (t.reason == Reason::HigherPriority && core.master_address()) {
    e.peer = core.master_address()->to_string();
    e.peer_priority = core.master_priority();
  } else if (t.reason == Reason::MasterDown && in.heard) {
    e.peer = in.heard->to_string();
    e.peer_priority = in.heard_priority;
  }
  if (t.to == State::Fault) e.faults = faults_of(in);
  publish(std::move(e));
}

void Runtime::Impl::group_changed(const GroupTransition& g) {
  publish(events::VrrpGroupTransition{.group = engine.group_name(g.group), .from = event_state(g.from), .to = event_state(g.to)});
}

void Runtime::Impl::note(Inst& in, const Note& n) {
  const std::string line = note_line(in.name(), n);
  if (!line.empty()) log.info("{}", line);
  if (n.kind == Note::Kind::PriorityChanged && in.started)
    publish(events::VrrpPriorityChange{.instance = in.name(),
                                       .from = static_cast<std::uint8_t>(n.ours),
                                       .to = static_cast<std::uint8_t>(n.theirs),
                                       .state = event_state(engine.instance(in.id).state())});
}

void Runtime::Impl::dropped(Inst& in, const Dropped& d) {
  auto& limiter = in.drop_log[static_cast<std::size_t>(d.reason)];
  if (!limiter.allow(Clock::now())) return;
  const auto suppressed = limiter.take_suppressed();
  const auto& c = engine.instance(in.id).config();
  log.info("{}", drop_line(in.name(), d, c.auth_type, c.vrid, suppressed_suffix(suppressed)));
  publish(events::AdvertsDropped{.where = in.name(), .reason = std::string(name(d.reason)), .count = suppressed + 1});
}

// --- building and starting -------------------------------------------------------------------

// The one conversion from configuration to a running instance (start and reload).
std::unique_ptr<Runtime::Impl::Inst> Runtime::Impl::make_inst(const config::VrrpInstance& vi) {
  auto in = std::make_unique<Inst>();
  in->conf = vi;
  in->setup = instance_setup(vi, *cfg);
  in->send_checksum = in->setup.send_checksum;
  if (auto l = link_named(in->ifname())) in->ifindex = l->index;
  for (auto& t : in->timers) t = std::make_unique<boost::asio::steady_timer>(io);
  return in;
}

void Runtime::Impl::build_groups() {
  engine.clear_groups();
  for (const auto& g : cfg->sync_groups) {
    std::vector<InstanceId> members;
    for (const auto& m : g.group)
      if (auto id = engine.find(m)) members.push_back(*id);
    if (!members.empty()) engine.add_group(g.name, members);
  }
}

void Runtime::Impl::start_instance(Inst& in) {
  in.started = true;
  if (no_peer_fault(in.conf))
    log.info("({}) Cannot use unicast without any peers - going to fault state", in.name());
  else if (in.conf.unicast_peers.empty() && (in.conf.unicast_peer_block || in.conf.unicast_ttl))
    log.warning("({}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This "
                "usage is deprecated - please update your configuration.", in.name());
  deliver(in.id, evaluate_tracking(in, false));
  deliver(in.id, Start{});
}

Result<> Runtime::Impl::start(std::shared_ptr<const config::Config> c) {
  cfg = std::move(c);
  auto n = ports->open_netlink();
  if (!n) return Unexpected(n.error());
  nl = std::move(*n);
  nl->set_receive_buffers(cfg->global.vrrp_netlink_cmd_rcv_bufs, cfg->global.vrrp_netlink_monitor_rcv_bufs);
  if (auto l = nl->dump_links()) {
    for (auto& li : *l) links[li.index] = li;
  } else {
    return Unexpected(l.error());
  }
  if (auto a = nl->dump_addresses()) addrs = std::move(*a);
  if (opts.log_address_changes)
    for (const auto& a : addrs) log_address_change(a, true);
  if (auto r = nl->watch([this](const NetEvent& ev) { net_event(ev); }); !r) return r;
  install_statics(nullptr);

  for (const auto& vi : cfg->vrrp_instances) {
    auto in = make_inst(vi);
    in->id = engine.add(in->setup.core);
    if (insts.size() <= in->id) insts.resize(in->id + 1);
    insts[in->id] = std::move(in);
  }
  build_groups();
  for (auto& p : insts) {
    if (!p) continue;
    refresh_source(*p);
    open_io(*p);
  }
  start_trackers();
  running = true;
  const auto delay = cfg->global.vrrp_startup_delay;
  if (delay > microseconds::zero()) {
    log.info("Delaying startup for {} seconds", std::chrono::duration<double>(delay).count());
    startup_timer = std::make_unique<boost::asio::steady_timer>(io, delay);
    startup_timer->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      for (auto& p : insts)
        if (p) start_instance(*p);
    });
  } else {
    for (auto& p : insts)
      if (p) start_instance(*p);
  }
  return {};
}

// --- stop ------------------------------------------------------------------------------------

void Runtime::Impl::stop(std::function<void()> done) {
  if (stopping) {
    if (done) boost::asio::post(io, std::move(done));
    return;
  }
  stopping = true;
  if (startup_timer) startup_timer->cancel();
  for (auto& [name, d] : link_delays) d.timer->cancel();
  link_delays.clear();
  for (auto& p : insts)
    if (p && p->started) deliver(p->id, Shutdown{});
  stop_trackers();
  for (auto& p : insts)
    if (p)
      for (auto& t : p->timers) t->cancel();
  // Let queued gratuitous ARPs go? No: a stopping router must not announce VIPs it removed.
  garps.clear();
  if (!opts.dont_release_vrrp) remove_statics();
  for (auto& [k, s] : socks) s.s->close();
  socks.clear();
  if (nl) nl->close();
  if (fw) fw->close();
  fw.reset();
  fw_dropped.clear();
  running = false;
  if (done) boost::asio::post(io, std::move(done));
}

// --- Runtime ---------------------------------------------------------------------------------

Runtime::Runtime(boost::asio::io_context& io, log::Logger& logger, ScriptHost& scripts, events::Bus& bus, Options opts)
    : Runtime(io, logger, scripts, bus, opts, system_ports(io)) {}

Runtime::Runtime(boost::asio::io_context& io, log::Logger& logger, ScriptHost& scripts, events::Bus& bus, Options opts,
                 std::unique_ptr<Ports> ports)
    : impl_(std::make_unique<Impl>(io, logger, scripts, bus, opts, std::move(ports))) {}

Runtime::~Runtime() {
  if (impl_ && impl_->running) impl_->stop(nullptr);
}

Result<> Runtime::start(std::shared_ptr<const config::Config> cfg) {
  auto r = impl_->start(std::move(cfg));
  if (!r) impl_->stop(nullptr);
  return r;
}

Result<> Runtime::apply(std::shared_ptr<const config::Config> cfg) { return impl_->apply(std::move(cfg)); }

void Runtime::stop(std::function<void()> done) { impl_->stop(std::move(done)); }

const config::VrrpInstance* Runtime::instance_config(std::string_view name) const {
  const auto* in = impl_->inst_named(name);
  return in ? &in->conf : nullptr;
}

const config::Config* Runtime::config() const { return impl_->cfg.get(); }

std::vector<InstanceInfo> Runtime::instances() const {
  std::vector<InstanceInfo> out;
  for (const auto& p : impl_->insts) {
    if (!p || !impl_->engine.exists(p->id)) continue;
    const auto& i = impl_->engine.instance(p->id);
    InstanceInfo info;
    info.name = p->name();
    info.interface = p->ifname();
    info.vrid = i.config().vrid;
    info.version = i.config().version;
    info.family = p->family();
    info.state = i.state();
    info.base_priority = i.config().priority;
    info.effective_priority = i.priority();
    info.advert_interval = i.config().advert_interval;
    info.master_adver_interval = i.master_adver_interval();
    info.master_address = i.master_address();
    // keepalived reports the priority heard from the master; a master has heard none.
    info.master_priority = i.state() == State::Backup ? i.master_priority() : 0;
    info.source = p->src;
    info.group = p->setup.sync_group;
    info.wants_master = i.wants_master();
    info.maintenance = i.maintenance();
    info.handing_over = i.handing_over();
    info.fault = i.tracking_fault() || i.group_fault();
    info.stats = i.stats();
    out.push_back(std::move(info));
  }
  return out;
}

std::vector<SocketInfo> Runtime::sockets() const {
  std::vector<SocketInfo> out;
  for (const auto& [k, s] : impl_->socks) out.push_back(s.info);
  return out;
}

std::vector<ScriptInfo> Runtime::scripts() const {
  std::vector<ScriptInfo> out;
  for (const auto& [name, st] : impl_->scripts) out.push_back(ScriptInfo{name, st.debounce.ok(), st.running});
  return out;
}

void Runtime::clear_stats() {
  for (auto& p : impl_->insts)
    if (p && impl_->engine.exists(p->id)) impl_->engine.instance(p->id).clear_stats();
  for (auto& [k, s] : impl_->socks) {
    s.info.received = 0;
    s.info.drops = {};
  }
}

}  // namespace stayalived::vrrp
