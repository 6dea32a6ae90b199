#include "stayalived/vrrp/instance.hpp"

#include <algorithm>
#include <utility>

#include "stayalived/common/overloaded.hpp"

namespace stayalived::vrrp {

events::VrrpState event_state(State s) {
  switch (s) {
    case State::Init: return events::VrrpState::Init;
    case State::Backup: return events::VrrpState::Backup;
    case State::Master: return events::VrrpState::Master;
    case State::Fault: return events::VrrpState::Fault;
  }
  return events::VrrpState::Init;
}

events::VrrpCause event_cause(Reason r, bool deleting) {
  switch (r) {
    case Reason::Startup: return events::VrrpCause::Startup;
    case Reason::AddressOwner: return events::VrrpCause::AddressOwner;
    case Reason::MasterDown: return events::VrrpCause::MasterDown;
    case Reason::HigherPriority: return events::VrrpCause::HigherPriority;
    case Reason::Fault: return events::VrrpCause::Fault;
    case Reason::FaultCleared: return events::VrrpCause::FaultCleared;
    case Reason::SyncGroup: return events::VrrpCause::SyncGroup;
    case Reason::Shutdown: return deleting ? events::VrrpCause::Deleted : events::VrrpCause::Shutdown;
    case Reason::AddressLost: return events::VrrpCause::AddressLost;
    case Reason::Maintenance: return events::VrrpCause::Maintenance;
  }
  return events::VrrpCause::Startup;
}

std::string_view name(State s) { return events::name(event_state(s)); }
std::string_view name(Reason r) { return events::name(event_cause(r)); }

Duration Timing::skew(std::uint8_t version, std::uint8_t priority, centiseconds mai) {
  const std::int64_t weight = 256 - std::int64_t{priority};
  // RFC 5798 section 6.1, in microseconds as keepalived computes it (in centiseconds,
  // priorities 100 and 101 would get the same Skew_Time).
  if (version == 3) return microseconds(weight * microseconds(mai).count() / 256);
  return microseconds(weight * 1'000'000 / 256);                      // RFC 3768 section 6.1
}

Duration Timing::master_down(std::uint8_t version, std::uint8_t priority, centiseconds mai, unsigned adverts) {
  return Duration(mai) * adverts + skew(version, priority, mai);
}

struct Instance::Out {
  Actions a;
  template <class T>
  void push(T&& x) {
    a.emplace_back(std::forward<T>(x));
  }
};

Instance::Instance(InstanceConfig cfg)
    : cfg_(std::move(cfg)), priority_(cfg_.priority), master_adver_interval_(cfg_.advert_interval) {}

Duration Instance::skew_time() const { return Timing::skew(cfg_.version, priority_, master_adver_interval_); }

Duration Instance::master_down_interval() const {
  return Timing::master_down(cfg_.version, priority_, master_adver_interval_, cfg_.down_timer_adverts);
}

Actions Instance::handle(const Event& e, TimePoint now) {
  Out out;
  std::visit(overloaded{
                 [&](const Start&) { on_start(out, now); },
                 [&](const AdvertReceived& ev) { on_advert(out, ev, now); },
                 [&](const TimerExpired& ev) { on_timer(out, ev.id, now); },
                 [&](const TrackingUpdate& ev) { on_tracking(out, ev, now); },
                 [&](const SyncCommand& ev) { on_sync(out, ev, now); },
                 [&](const Shutdown&) { on_shutdown(out, now); },
                 [&](const AddressLost&) { on_address_lost(out, now); },
                 [&](const Maintenance& ev) { on_maintenance(out, ev.on, now); },
             },
             e);
  return std::move(out.a);
}

// --- timers ------------------------------------------------------------------------------

void Instance::arm(Out& out, TimerId id, TimePoint at) {
  deadlines_[static_cast<std::size_t>(id)] = at;
  out.push(ArmTimer{id, at});
}

void Instance::cancel(Out& out, TimerId id) {
  auto& d = deadlines_[static_cast<std::size_t>(id)];
  if (d == TimePoint{}) return;
  d = TimePoint{};
  out.push(CancelTimer{id});
}

void Instance::arm_master_down(Out& out, TimePoint now, Duration extra) {
  arm(out, TimerId::Protocol, now + master_down_interval() + extra);
}

void Instance::garp_burst(Out& out, unsigned repeat, Duration delay, unsigned delayed_repeat, TimePoint now) {
  if (repeat > 0) out.push(SendGratuitous{repeat});
  if (delay > Duration::zero() && delayed_repeat > 0) {
    garp_delayed_repeat_ = delayed_repeat;
    arm(out, TimerId::GarpDelayed, now + delay);
  }
}

// --- the chokepoint ----------------------------------------------------------------------

void Instance::transition(Out& out, State to, Reason why, TimePoint now) {
  const State from = state_;
  if (from == to) return;
  out.push(Transition{from, to, why});
  // keepalived logs "Entering MASTER STATE" before it sets the VIPs, and the other state
  // lines after the VIPs are removed: the log subscriber writes those, this one is a Note.
  if (to == State::Master) out.push(Note{Note::Kind::EnteringMaster, source_, 0, 0});
  state_ = to;
  wants_master_ = false;
  // A hand-over already sent its priority 0; another would only restart the new master's
  // advert timer.
  const bool zero_sent = std::exchange(handing_over_, false);
  if (from == State::Master)
    leave_master(out, !zero_sent && (to == State::Fault || to == State::Init || why == Reason::AddressLost ||
                                     why == Reason::Maintenance));
  switch (to) {
    case State::Master:
      enter_master(out, now);
      break;
    case State::Backup:
      preempt_until_.reset();
      // keepalived's preempt_delay also holds back the first take-over after startup.
      arm_master_down(out, now, why == Reason::Startup && cfg_.preempt ? cfg_.preempt_delay : Duration{0});
      break;
    case State::Fault:
      cancel(out, TimerId::Protocol);
      master_address_.reset();
      break;
    case State::Init:
      for (std::size_t i = 0; i < kTimers; ++i) cancel(out, static_cast<TimerId>(i));
      if (from != State::Master) out.push(RemoveAddresses{});
      break;
  }
}

void Instance::enter_master(Out& out, TimePoint now) {
  if (master_adver_interval_ != cfg_.advert_interval) {
    out.push(Note{Note::Kind::IntervalRestored, source_, master_adver_interval_.count(), cfg_.advert_interval.count()});
    master_adver_interval_ = cfg_.advert_interval;
  }
  ++stats_.became_master;
  ++stats_.adverts_sent;
  // RFC 5798 section 6.4.1/6.4.2: send an ADVERTISEMENT, broadcast gratuitous ARP (the VIPs
  // come first so that the ARPs announce addresses we answer for), set the Adver_Timer.
  out.push(SendAdvert{priority_});
  arm(out, TimerId::Protocol, now + Duration(cfg_.advert_interval));
  out.push(AddAddresses{});
  garp_burst(out, cfg_.garp.master_repeat, cfg_.garp.master_delay, cfg_.garp.master_repeat, now);
  if (cfg_.garp.master_refresh > Duration::zero()) arm(out, TimerId::GarpRefresh, now + cfg_.garp.master_refresh);
  master_address_ = source_;
  master_priority_ = priority_;
  preempt_until_.reset();
}

// RFC 5798 section 6.4.3 "Shutdown": an advert with priority 0 lets a Backup take over
// after Skew_Time (keepalived sends one when it goes to FAULT too). Gratuitous ARPs stop:
// the addresses are being handed over.
void Instance::send_priority_zero(Out& out) {
  cancel(out, TimerId::GarpDelayed);
  cancel(out, TimerId::GarpRefresh);
  ++stats_.adverts_sent;
  ++stats_.priority_zero_sent;
  out.push(SendAdvert{kPriorityStop});
  out.push(Note{Note::Kind::PriorityZeroSent, source_, 0, priority_});
}

void Instance::leave_master(Out& out, bool send_priority_zero) {
  cancel(out, TimerId::GarpDelayed);
  cancel(out, TimerId::GarpRefresh);
  cancel(out, TimerId::Protocol);
  if (send_priority_zero) this->send_priority_zero(out);
  ++stats_.released_master;
  out.push(RemoveAddresses{});
}

// --- events ------------------------------------------------------------------------------

void Instance::on_start(Out& out, TimePoint now) {
  if (started_) return;
  started_ = true;
  // keepalived removes the VIPs at startup: a previous run killed with -9 may have left them.
  out.push(RemoveAddresses{});
  master_adver_interval_ = cfg_.advert_interval;
  if (in_fault()) {
    transition(out, State::Fault, Reason::Fault, now);
  } else if (cfg_.priority == kPriorityOwner && cfg_.initial_state == State::Master && !maintenance_) {
    transition(out, State::Master, Reason::AddressOwner, now);  // section 6.4.1
  } else {
    transition(out, State::Backup, Reason::Startup, now);
  }
}

void Instance::on_shutdown(Out& out, TimePoint now) {
  if (!started_) return;
  started_ = false;
  transition(out, State::Init, Reason::Shutdown, now);
}

void Instance::on_address_lost(Out& out, TimePoint now) {
  if (state_ != State::Master) return;
  transition(out, State::Backup, Reason::AddressLost, now);
  // A new election: after Skew_Time the highest priority router takes over (and adds the
  // addresses again); as we sent priority 0, the others do the same.
  arm(out, TimerId::Protocol, now + skew_time());
}

void Instance::on_maintenance(Out& out, bool on, TimePoint now) {
  if (maintenance_ == on) return;
  maintenance_ = on;
  if (!started_) return;
  if (on) {
    wants_master_ = false;
    if (state_ == State::Master) {
      // The hand-over: priority 0 now (a Backup takes over after its Skew_Time, RFC 5798
      // section 6.4.2), but the VIPs stay until the new master's first advert. Removing
      // them at once, as a shutdown does, would drop every packet sent to them during that
      // Skew_Time (and the connections in flight); this way the clients' traffic moves with
      // the new master's gratuitous ARPs. No adverts of ours meanwhile; if nobody takes
      // over within a Master_Down_Interval the VIPs go anyway.
      handing_over_ = true;
      send_priority_zero(out);
      arm_master_down(out, now);
    }
  } else if (handing_over_) {
    // Resumed before anyone took over: a master again, advertising its priority.
    handing_over_ = false;
    ++stats_.adverts_sent;
    out.push(SendAdvert{priority_});
    arm(out, TimerId::Protocol, now + Duration(cfg_.advert_interval));
  } else if (state_ == State::Backup) {
    // Back in the election: a Master_Down_Interval from now, unless a master speaks.
    arm_master_down(out, now);
  }
}

void Instance::on_timer(Out& out, TimerId id, TimePoint now) {
  auto& deadline = deadlines_[static_cast<std::size_t>(id)];
  // A timer that is not armed, or armed again for later, fired stale: ignore it.
  if (deadline == TimePoint{} || now < deadline) return;
  const TimePoint due = deadline;
  deadline = TimePoint{};
  switch (id) {
    case TimerId::Protocol:
      if (state_ == State::Backup && maintenance_) {
        // In maintenance the Backup never takes over: it keeps watching for a master.
        arm_master_down(out, now);
      } else if (state_ == State::Backup) {
        out.push(Note{Note::Kind::MasterDownTimeout, source_, 0, 0});
        if (cfg_.sync_group_member) {
          // keepalived: a member goes Master only when every member of its group would;
          // until then it keeps waiting (and asks again at each expiry).
          wants_master_ = true;
          arm_master_down(out, now);
          out.push(WantMaster{});
        } else {
          transition(out, State::Master, Reason::MasterDown, now);
        }
      } else if (state_ == State::Master && handing_over_) {
        // Nobody took over (our priority 0 may have been lost): the VIPs go, with another
        // priority 0 so that a Backup takes over after its Skew_Time.
        handing_over_ = false;
        transition(out, State::Backup, Reason::Maintenance, now);
      } else if (state_ == State::Master) {
        ++stats_.adverts_sent;
        out.push(SendAdvert{priority_});
        TimePoint next = due + Duration(cfg_.advert_interval);
        if (next <= now) next = now + Duration(cfg_.advert_interval);  // we were late: no burst
        arm(out, TimerId::Protocol, next);
      }
      break;
    case TimerId::GarpDelayed:
      if (state_ == State::Master && garp_delayed_repeat_ > 0) out.push(SendGratuitous{garp_delayed_repeat_});
      break;
    case TimerId::GarpRefresh:
      if (state_ == State::Master && cfg_.garp.master_refresh > Duration::zero()) {
        out.push(SendGratuitous{cfg_.garp.master_refresh_repeat});
        arm(out, TimerId::GarpRefresh, now + cfg_.garp.master_refresh);
      }
      break;
  }
}

bool Instance::check_advert(Out& out, const Received& rx, const std::optional<DropReason>& auth_error) {
  const Advert& a = rx.advert;
  auto refuse = [&](DropReason r, std::int64_t ours = 0, std::int64_t theirs = 0,
                    std::optional<IpAddress> missing = std::nullopt) {
    stats_.count(r);
    out.push(Dropped{r, rx.source, ours, theirs, missing});
    return false;
  };
  if (rx.source == source_) {
    stats_.count(DropReason::OwnAdvert);  // multicast loop or a unicast echo: not an error
    return false;
  }
  if (a.version != cfg_.version) return refuse(DropReason::VersionMismatch, cfg_.version, a.version);
  if (auth_error) return refuse(*auth_error, static_cast<int>(cfg_.auth_type), static_cast<int>(a.auth_type));
  if (!cfg_.peers.empty()) {
    const auto peer = std::find_if(cfg_.peers.begin(), cfg_.peers.end(),
                                   [&](const UnicastPeer& p) { return p.address == rx.source; });
    const bool check_src = cfg_.check_unicast_src ||
                           std::any_of(cfg_.peers.begin(), cfg_.peers.end(),
                                       [](const UnicastPeer& p) { return p.min_ttl || p.max_ttl; });
    if (peer == cfg_.peers.end()) {
      if (check_src) return refuse(DropReason::NotAPeer);
    } else if ((peer->min_ttl && rx.ttl < *peer->min_ttl) || (peer->max_ttl && rx.ttl > *peer->max_ttl)) {
      return refuse(DropReason::TtlOutOfRange, peer->min_ttl.value_or(0), rx.ttl);
    }
  }
  // RFC 3768 section 7.1: a VRRPv2 router MUST drop adverts with another interval. A VRRPv3
  // Backup learns the master's instead (RFC 5798 section 6.4.2).
  if (a.version == 2 && a.interval != cfg_.advert_interval)
    return refuse(DropReason::IntervalMismatch, cfg_.advert_interval.count(), a.interval.count());
  // keepalived's skip_check_adv_addr: trust the address list of the master we already know.
  const bool skip = cfg_.skip_check_adv_addr && master_address_ && *master_address_ == rx.source;
  if (!skip) {
    if (a.addresses.size() != cfg_.addresses.size())
      return refuse(DropReason::AddressCount, static_cast<std::int64_t>(cfg_.addresses.size()),
                    static_cast<std::int64_t>(a.addresses.size()));
    for (const auto& mine : cfg_.addresses)
      if (std::find(a.addresses.begin(), a.addresses.end(), mine) == a.addresses.end())
        return refuse(DropReason::AddressList, 0, 0, mine);
  }
  return true;
}

void Instance::on_advert(Out& out, const AdvertReceived& ev, TimePoint now) {
  if (!check_advert(out, ev.rx, ev.auth_error)) return;
  ++stats_.adverts_received;  // valid ones only, as keepalived counts them
  if (ev.rx.advert.priority == kPriorityStop) ++stats_.priority_zero_received;
  if (state_ == State::Backup)
    backup_advert(out, ev.rx, now);
  else if (state_ == State::Master)
    master_advert(out, ev.rx, now);
  // Init and Fault ignore adverts.
}

// RFC 5798 section 6.4.2, "If an ADVERTISEMENT is received".
void Instance::backup_advert(Out& out, const Received& rx, TimePoint now) {
  const std::uint8_t p = rx.advert.priority;
  if (p == kPriorityStop) {
    out.push(Note{Note::Kind::PriorityZeroReceived, rx.source, 0, priority_});
    arm(out, TimerId::Protocol, now + skew_time());
    return;
  }
  bool accept = !cfg_.preempt || p >= priority_;
  if (!accept && cfg_.preempt_delay > Duration::zero()) {
    // keepalived's preempt_delay: keep following a lower priority master for that long.
    if (!preempt_until_) preempt_until_ = now + cfg_.preempt_delay;
    accept = now < *preempt_until_;
  }
  if (!accept) {
    if (lower_allowed(now)) out.push(Note{Note::Kind::LowerPriorityDiscarded, rx.source, p, priority_});
    else ++stats_.lower_priority_unlogged;
    return;
  }
  if (p >= priority_) preempt_until_.reset();
  master_address_ = rx.source;
  master_priority_ = p;
  wants_master_ = false;
  if (cfg_.version == 3 && rx.advert.interval != master_adver_interval_) {
    out.push(Note{Note::Kind::IntervalLearned, rx.source, rx.advert.interval.count(), master_adver_interval_.count()});
    master_adver_interval_ = rx.advert.interval;
  }
  arm_master_down(out, now);
}

// RFC 5798 section 6.4.3, "If an ADVERTISEMENT is received".
void Instance::master_advert(Out& out, const Received& rx, TimePoint now) {
  const std::uint8_t p = rx.advert.priority;
  if (handing_over_) {
    // Our priority is 0 now: any master's advert is the hand-over done.
    if (p == kPriorityStop) return;
    master_address_ = rx.source;
    master_priority_ = p;
    transition(out, State::Backup, Reason::Maintenance, now);
    return;
  }
  if (p == kPriorityStop) {
    ++stats_.adverts_sent;
    out.push(SendAdvert{priority_});
    arm(out, TimerId::Protocol, now + Duration(cfg_.advert_interval));
    return;
  }
  const bool higher = p > priority_ || (p == priority_ && rx.source > source_);
  if (higher) {
    out.push(Note{Note::Kind::HigherPriorityReceived, rx.source, p, priority_});
    if (cfg_.higher_prio_send_advert) {
      ++stats_.adverts_sent;
      out.push(SendAdvert{priority_});
    }
    master_address_ = rx.source;
    master_priority_ = p;
    if (cfg_.version == 3 && rx.advert.interval != master_adver_interval_) {
      out.push(Note{Note::Kind::IntervalLearned, rx.source, rx.advert.interval.count(), master_adver_interval_.count()});
      master_adver_interval_ = rx.advert.interval;
    }
    transition(out, State::Backup, Reason::HigherPriority, now);
    return;
  }
  // keepalived: a lower priority master is told at once who the master is (unless
  // lower_prio_no_advert, the RFC's behaviour), and the VIPs are announced again. Bounded:
  // RFC 5798 says to discard such an advert; we answer at most one per 3/4 interval.
  if (!lower_allowed(now)) {
    ++stats_.lower_priority_unanswered;
    return;
  }
  out.push(Note{Note::Kind::LowerPriorityReceived, rx.source, p, priority_});
  out.push(MasterRxLowerPriority{rx.source, p});
  if (!cfg_.lower_prio_no_advert) {
    ++stats_.adverts_sent;
    out.push(SendAdvert{priority_});
    arm(out, TimerId::Protocol, now + Duration(cfg_.advert_interval));
  }
  garp_burst(out, cfg_.garp.lower_prio_repeat, cfg_.garp.lower_prio_delay, cfg_.garp.lower_prio_repeat, now);
}

// One answer (or log line) to lower-priority adverts per 3/4 of our advert interval: a
// real peer at the same interval is always answered, a flood at most 4 times in 3 intervals.
bool Instance::lower_allowed(TimePoint now) {
  if (lower_answered_ && now < *lower_answered_ + Duration(cfg_.advert_interval) * 3 / 4) return false;
  lower_answered_ = now;
  return true;
}

void Instance::on_tracking(Out& out, const TrackingUpdate& ev, TimePoint now) {
  const std::uint8_t p = cfg_.priority == kPriorityOwner ? kPriorityOwner : ev.priority;
  if (p != priority_) {
    out.push(Note{Note::Kind::PriorityChanged, source_, p, priority_});
    priority_ = p;
  }
  tracking_fault_ = ev.fault;
  if (!started_) return;
  if (in_fault()) {
    if (state_ == State::Backup || state_ == State::Master) transition(out, State::Fault, Reason::Fault, now);
  } else if (state_ == State::Fault) {
    transition(out, State::Backup, Reason::FaultCleared, now);
  }
}

void Instance::on_sync(Out& out, const SyncCommand& c, TimePoint now) {
  if (!started_) return;
  switch (c.kind) {
    case SyncCommand::Kind::ToMaster:
      if (state_ == State::Backup && !in_fault() && !maintenance_) transition(out, State::Master, c.reason, now);
      break;
    case SyncCommand::Kind::ToBackup:
      if (state_ == State::Master) transition(out, State::Backup, c.reason, now);
      break;
    case SyncCommand::Kind::Fault:
      group_fault_ = true;
      if (state_ == State::Backup || state_ == State::Master) transition(out, State::Fault, c.reason, now);
      break;
    case SyncCommand::Kind::FaultCleared:
      group_fault_ = false;
      if (state_ == State::Fault && !tracking_fault_) transition(out, State::Backup, c.reason, now);
      break;
  }
}

Actions Instance::reconfigure(InstanceConfig cfg, TimePoint now) {
  Out out;
  const InstanceConfig old = std::exchange(cfg_, std::move(cfg));
  if (cfg_.priority != old.priority) priority_ = cfg_.priority;  // tracking refines it next
  if (state_ != State::Backup) master_adver_interval_ = cfg_.advert_interval;
  if (state_ == State::Master) {
    if (cfg_.garp.master_refresh != old.garp.master_refresh) {
      if (cfg_.garp.master_refresh > Duration::zero())
        arm(out, TimerId::GarpRefresh, now + cfg_.garp.master_refresh);
      else
        cancel(out, TimerId::GarpRefresh);
    }
    if (cfg_.advert_interval != old.advert_interval || cfg_.priority != old.priority ||
        cfg_.addresses != old.addresses || cfg_.auth_type != old.auth_type) {
      ++stats_.adverts_sent;
      out.push(SendAdvert{priority_});
      arm(out, TimerId::Protocol, now + Duration(cfg_.advert_interval));
    }
  }
  if (!cfg_.sync_group_member) wants_master_ = false;
  return std::move(out.a);
}

}  // namespace stayalived::vrrp
