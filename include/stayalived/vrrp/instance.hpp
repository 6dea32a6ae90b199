// The VRRP instance: a pure state machine. It owns no socket, timer or clock:
// `handle(event, now)` returns the actions the I/O shell must carry out (send an advert, arm
// a timer, add the VIPs, send gratuitous ARPs...). Every state change goes through one
// chokepoint and appears in the actions as one Transition{from, to, reason}; logging, notify
// scripts, FIFOs, SMTP alerts and statistics subscribe to that, never to the handlers.
//
// Protocol: RFC 5798 section 6.4 (VRRPv3) and RFC 3768 section 6.4 (VRRPv2), with the
// behaviour of keepalived 2.2.7 where it goes beyond them (preempt_delay, FAULT state from
// tracking, sync groups, forcing a new election on a lower-priority advert, GARP bursts).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stayalived/common/event_stream.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/vrrp/codec.hpp"
#include "stayalived/vrrp/ip.hpp"
#include "stayalived/vrrp/stats.hpp"

namespace stayalived::vrrp {

/// RFC 5798 section 6.4 states, plus keepalived's FAULT.
enum class State : std::uint8_t { Init, Backup, Master, Fault };

/// keepalived's upper-case state names ("MASTER"), as in logs and notify arguments.
std::string_view name(State s);

/// Why a transition happened.
enum class Reason : std::uint8_t {
  Startup,         ///< Init -> Backup: the protocol starts
  AddressOwner,    ///< Init -> Master: priority 255 with state MASTER (section 6.4.1)
  MasterDown,      ///< Backup -> Master: Master_Down_Timer fired (section 6.4.2)
  HigherPriority,  ///< Master -> Backup: a higher priority advert (section 6.4.3)
  Fault,           ///< -> Fault: a tracked interface, script, file or process failed
  FaultCleared,    ///< Fault -> Backup
  SyncGroup,       ///< following another member of the sync group
  Shutdown,        ///< -> Init: the daemon (or a reload) stops the instance
  AddressLost,     ///< Master -> Backup: someone deleted one of its VIPs (keepalived)
  Maintenance,     ///< Master -> Backup: an operator's maintenance (stayalivedctl)
};

/// A short name of a reason ("master_down"), for logs and JSON.
std::string_view name(Reason r);

/// The state and the reason as the event stream says them (whose names are the ones above);
/// a shutdown of an instance that a reload removed is `Deleted`.
events::VrrpState event_state(State s);
events::VrrpCause event_cause(Reason r, bool deleting = false);

/// The one record of a state change.
struct Transition {
  State from;
  State to;
  Reason reason;
  friend bool operator==(const Transition&, const Transition&) = default;
};

/// The instance's timers. Protocol is the RFC's Adver_Timer in Master and Master_Down_Timer
/// in Backup (only one of them runs at a time); the others pace gratuitous ARP / NA.
enum class TimerId : std::uint8_t { Protocol, GarpDelayed, GarpRefresh };
inline constexpr std::size_t kTimers = 3;

// --- Events --------------------------------------------------------------------------

/// Enter the protocol (RFC section 6.4.1 "Startup event").
struct Start {};
/// A wire-valid advert for this VRID. `auth_error` is the verdict of verify_auth, which the
/// shell runs because it needs the raw bytes.
struct AdvertReceived {
  Received rx;
  std::optional<DropReason> auth_error;
};
/// A timer the shell armed has fired.
struct TimerExpired {
  TimerId id;
};
/// Tracking (interfaces, scripts, files, processes) computed a new status.
struct TrackingUpdate {
  bool fault = false;
  std::uint8_t priority = 100;  ///< effective priority, [1, 254] or 255 for an owner
  friend bool operator==(const TrackingUpdate&, const TrackingUpdate&) = default;
};
/// A command of the sync group this instance belongs to.
struct SyncCommand {
  enum class Kind : std::uint8_t { ToMaster, ToBackup, Fault, FaultCleared } kind;
  /// The reason the member records: SyncGroup when it follows another member, MasterDown
  /// for the member whose own timer completed the group's wish to become Master.
  Reason reason = Reason::SyncGroup;
};
/// The daemon (or a reload removing the instance) stops it (section 6.4.2/6.4.3 "Shutdown").
struct Shutdown {};
/// A VIP of this Master was deleted behind its back (not by us; no_track VIPs excepted).
/// keepalived steps down with priority 0 and holds a new election after Skew_Time, which
/// re-adds the addresses on whichever router wins.
struct AddressLost {};

/// An operator's maintenance (stayalivedctl maintenance / resume): while on, the instance
/// hands over as on shutdown (a Master sends priority 0 and becomes Backup) and never
/// becomes Master; it still listens and answers as a Backup. Off: the protocol resumes.
struct Maintenance {
  bool on = true;
};

/// Everything an instance reacts to.
using Event =
    std::variant<Start, AdvertReceived, TimerExpired, TrackingUpdate, SyncCommand, Shutdown, AddressLost, Maintenance>;

// --- Actions -------------------------------------------------------------------------

/// Send one advert with this priority (0 when leaving Master).
struct SendAdvert {
  std::uint8_t priority;
  friend bool operator==(const SendAdvert&, const SendAdvert&) = default;
};
/// (Re)arm a timer to fire at `at`.
struct ArmTimer {
  TimerId id;
  TimePoint at;
  friend bool operator==(const ArmTimer&, const ArmTimer&) = default;
};
/// Stop a timer.
struct CancelTimer {
  TimerId id;
  friend bool operator==(const CancelTimer&, const CancelTimer&) = default;
};
/// Add the VIPs, excluded VIPs, virtual routes and rules.
struct AddAddresses {
  friend bool operator==(const AddAddresses&, const AddAddresses&) = default;
};
/// Remove them.
struct RemoveAddresses {
  friend bool operator==(const RemoveAddresses&, const RemoveAddresses&) = default;
};
/// Send `repeat` gratuitous ARPs / unsolicited NAs for every VIP (paced by the shell).
struct SendGratuitous {
  unsigned repeat;
  friend bool operator==(const SendGratuitous&, const SendGratuitous&) = default;
};
/// An advert the instance refused (counted in its stats already), with what the log needs.
struct Dropped {
  DropReason reason;
  IpAddress source;
  std::int64_t ours = 0;    ///< our value (count, interval in centiseconds...)
  std::int64_t theirs = 0;  ///< the advert's
  std::optional<IpAddress> missing;  ///< AddressList: the first VIP of ours not in the advert
  friend bool operator==(const Dropped&, const Dropped&) = default;
};
/// Something keepalived logs that is not a transition.
struct Note {
  enum class Kind : std::uint8_t {
    LowerPriorityDiscarded,  ///< Backup ignored a lower priority advert (preempt)
    HigherPriorityReceived,  ///< Master saw a higher priority advert
    LowerPriorityReceived,   ///< Master saw a lower priority one: "forcing new election"
    PriorityZeroReceived,    ///< Backup saw priority 0
    PriorityZeroSent,        ///< "sent 0 priority"
    IntervalLearned,         ///< v3 Backup took the master's advert interval
    IntervalRestored,        ///< v3 new Master goes back to its own interval
    PriorityChanged,         ///< effective priority changed
    MasterDownTimeout,       ///< "Receive advertisement timeout"
    OldChecksumDetected,     ///< a peer uses keepalived's pre-1.3.6 unicast checksum
    EnteringMaster,          ///< "Entering MASTER STATE": logged before the VIPs are set, as keepalived does
  } kind;
  IpAddress source;
  std::int64_t theirs = 0;
  std::int64_t ours = 0;
  friend bool operator==(const Note&, const Note&) = default;
};
/// keepalived's notify_master_rx_lower_pri / MASTER_RX_LOWER_PRI.
struct MasterRxLowerPriority {
  IpAddress source;
  std::uint8_t priority;
  friend bool operator==(const MasterRxLowerPriority&, const MasterRxLowerPriority&) = default;
};
/// A sync group member's Master_Down_Timer fired: it would become Master, and asks its group.
struct WantMaster {
  friend bool operator==(const WantMaster&, const WantMaster&) = default;
};

/// What the shell must do, in order.
using Action = std::variant<Transition, SendAdvert, ArmTimer, CancelTimer, AddAddresses, RemoveAddresses,
                            SendGratuitous, Dropped, Note, MasterRxLowerPriority, WantMaster>;
using Actions = std::vector<Action>;

// --- Configuration ---------------------------------------------------------------------

/// A unicast_peer and its keepalived per-peer options.
struct UnicastPeer {
  IpAddress address;
  std::optional<std::uint8_t> min_ttl;
  std::optional<std::uint8_t> max_ttl;
  friend bool operator==(const UnicastPeer&, const UnicastPeer&) = default;
};

/// Gratuitous ARP / NA pacing of one instance (keepalived.conf garp_* and vrrp_garp_*).
struct GarpSettings {
  Duration master_delay = seconds(5);      ///< second burst after becoming Master (0: none)
  unsigned master_repeat = 5;              ///< messages per burst
  Duration lower_prio_delay = seconds(5);  ///< second burst after a lower priority advert
  unsigned lower_prio_repeat = 5;          ///< burst on a lower priority advert (0: none)
  Duration master_refresh{0};              ///< periodic refresh while Master (0: none)
  unsigned master_refresh_repeat = 1;
  friend bool operator==(const GarpSettings&, const GarpSettings&) = default;
};

/// The protocol settings of one vrrp_instance, as the core needs them.
struct InstanceConfig {
  std::string name;
  std::uint8_t vrid = 0;
  std::uint8_t version = 2;
  Family family = Family::Inet;
  std::uint8_t priority = 100;             ///< configured (base) priority
  centiseconds advert_interval{100};
  State initial_state = State::Backup;     ///< "state MASTER" gives Master
  bool preempt = true;                     ///< cleared by nopreempt
  Duration preempt_delay{0};
  bool skip_check_adv_addr = false;
  bool lower_prio_no_advert = false;
  bool higher_prio_send_advert = false;
  unsigned down_timer_adverts = 3;         ///< RFC: 3
  std::vector<IpAddress> addresses;        ///< advertised VIPs (virtual_ipaddress)
  AuthType auth_type = AuthType::None;
  std::vector<UnicastPeer> peers;          ///< empty: multicast
  bool check_unicast_src = false;
  bool sync_group_member = false;
  GarpSettings garp;
  friend bool operator==(const InstanceConfig&, const InstanceConfig&) = default;
};

/// RFC 3768 section 6.1 / RFC 5798 section 6.1 timing, for a priority and interval.
struct Timing {
  /// Skew_Time: v2 (256 - priority) / 256 s; v3 ((256 - priority) * interval) / 256, in
  /// whole microseconds (as keepalived; RFC 5798's centiseconds would round priorities
  /// 100 and 101 to the same value).
  static Duration skew(std::uint8_t version, std::uint8_t priority, centiseconds master_adver_interval);
  /// Master_Down_Interval = adverts x Master_Adver_Interval + Skew_Time.
  static Duration master_down(std::uint8_t version, std::uint8_t priority, centiseconds master_adver_interval,
                              unsigned adverts = 3);
};

/// One VRRP instance.
class Instance {
 public:
  explicit Instance(InstanceConfig cfg);

  /// Feeds one event at time `now` and returns what to do.
  Actions handle(const Event& e, TimePoint now);

  /// The address this router sends from (the interface's primary address, mcast_src_ip or
  /// unicast_src_ip); used to break priority ties and to recognise our own adverts.
  void set_source(const IpAddress& a) { source_ = a; }
  const IpAddress& source() const { return source_; }

  /// Takes new settings on reload, keeping state and timers (hitless). Priority, interval,
  /// preempt and address changes take effect from the next event; returns actions to apply
  /// now (for a Master: an advert carrying the new values).
  Actions reconfigure(InstanceConfig cfg, TimePoint now);

  const InstanceConfig& config() const { return cfg_; }
  State state() const { return state_; }
  /// Effective priority (base priority adjusted by tracking).
  std::uint8_t priority() const { return priority_; }
  bool tracking_fault() const { return tracking_fault_; }
  bool group_fault() const { return group_fault_; }
  /// In an operator's maintenance (the Maintenance event).
  bool maintenance() const { return maintenance_; }
  /// A Master in maintenance that sent priority 0 and keeps its VIPs until another router
  /// advertises as master (or a Master_Down_Interval passes without one).
  bool handing_over() const { return handing_over_; }
  /// Master_Adver_Interval: ours as Master, the master's (v3) as Backup.
  centiseconds master_adver_interval() const { return master_adver_interval_; }
  Duration skew_time() const;
  Duration master_down_interval() const;
  /// The source of the last advert accepted from a master.
  const std::optional<IpAddress>& master_address() const { return master_address_; }
  /// The priority in that advert.
  std::uint8_t master_priority() const { return master_priority_; }
  /// A sync group member whose Master_Down_Timer fired and that waits for its group.
  bool wants_master() const { return wants_master_; }
  /// When a timer is due (TimePoint{} if it is not armed).
  TimePoint deadline(TimerId id) const { return deadlines_[static_cast<std::size_t>(id)]; }
  const InstanceStats& stats() const { return stats_; }
  /// Counts a drop the shell decided on this instance's behalf.
  void count_drop(DropReason r) { stats_.count(r); }
  /// Counts an advert the shell failed to send (adverts are counted when asked for).
  void count_send_error() { ++stats_.send_errors; }
  /// Clears the statistics (keepalived's STATS_CLEAR).
  void clear_stats() { stats_ = {}; }

 private:
  struct Out;  // action collector

  void on_start(Out& out, TimePoint now);
  void on_advert(Out& out, const AdvertReceived& ev, TimePoint now);
  void on_timer(Out& out, TimerId id, TimePoint now);
  void on_tracking(Out& out, const TrackingUpdate& ev, TimePoint now);
  void on_sync(Out& out, const SyncCommand& c, TimePoint now);
  void on_shutdown(Out& out, TimePoint now);
  void on_address_lost(Out& out, TimePoint now);
  void on_maintenance(Out& out, bool on, TimePoint now);

  bool check_advert(Out& out, const Received& rx, const std::optional<DropReason>& auth_error);
  void backup_advert(Out& out, const Received& rx, TimePoint now);
  void master_advert(Out& out, const Received& rx, TimePoint now);

  // The chokepoint: every state change goes through here.
  void transition(Out& out, State to, Reason why, TimePoint now);
  void enter_master(Out& out, TimePoint now);
  void leave_master(Out& out, bool send_priority_zero);
  void send_priority_zero(Out& out);
  void arm(Out& out, TimerId id, TimePoint at);
  void cancel(Out& out, TimerId id);
  void arm_master_down(Out& out, TimePoint now, Duration extra = Duration{0});
  bool in_fault() const { return tracking_fault_ || group_fault_; }
  void garp_burst(Out& out, unsigned repeat, Duration delay, unsigned delayed_repeat, TimePoint now);

  InstanceConfig cfg_;
  State state_ = State::Init;
  std::uint8_t priority_;
  bool tracking_fault_ = false;
  bool group_fault_ = false;
  bool maintenance_ = false;
  bool handing_over_ = false;
  bool started_ = false;
  bool wants_master_ = false;
  IpAddress source_;
  centiseconds master_adver_interval_;
  std::optional<IpAddress> master_address_;
  std::uint8_t master_priority_ = 0;
  std::optional<TimePoint> preempt_until_;  // preempt_delay: lower adverts still accepted until then
  std::optional<TimePoint> lower_answered_;  // the last lower-priority advert answered or logged
  bool lower_allowed(TimePoint now);
  unsigned garp_delayed_repeat_ = 0;
  std::array<TimePoint, kTimers> deadlines_{};
  InstanceStats stats_;
};

}  // namespace stayalived::vrrp
