// The event stream: every state change of the daemon, published once, as a value, on the
// event loop. The runtimes (VRRP, checkers, IPVS, reload) publish; everything that reacts
// to a change is a subscriber: logging in keepalived's wording, notify scripts and FIFOs,
// SMTP alerts, the dumps' last-transition times, the checkers' ha_suspend and the IPVS
// sync daemon (and later metrics, history, the control socket, SNMP traps, D-Bus signals).
// A runtime calls none of them directly.
//
// The values are plain data in the daemon's common vocabulary (names, text addresses, small
// enums): a subscriber needs no subsystem's internals to read them. Delivery is synchronous
// and in subscription order; a subscriber must not block (scripts are spawned, mail is
// queued). A runtime publishes a transition after the network work it implies (adverts,
// VIPs, gratuitous ARP) is done.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stayalived::events {

/// A VRRP state, as the stream names it.
enum class VrrpState : std::uint8_t { Init, Backup, Master, Fault };
/// "INIT", "BACKUP", "MASTER", "FAULT".
std::string_view name(VrrpState s);

/// Why a VRRP instance changed state (RFC 5798 section 6.4 and keepalived's additions).
enum class VrrpCause : std::uint8_t {
  Startup,         ///< Init -> Backup: the protocol starts
  AddressOwner,    ///< Init -> Master: priority 255 with state MASTER
  MasterDown,      ///< Backup -> Master: Master_Down_Timer fired (no advert, or priority 0)
  HigherPriority,  ///< Master -> Backup: an advert with a higher priority (peer, peer_priority)
  Fault,           ///< -> Fault: tracking failed (faults names what)
  FaultCleared,    ///< Fault -> Backup: tracking recovered
  SyncGroup,       ///< following another member of its sync group
  Shutdown,        ///< -> Init: the daemon stops
  Deleted,         ///< -> Init: a reload removed the instance
  AddressLost,     ///< Master -> Backup: one of its VIPs was deleted behind its back
  Maintenance,     ///< Master -> Backup: an operator put it in maintenance (stayalivedctl)
};
/// "startup", "master_down", "higher_priority", ...
std::string_view name(VrrpCause c);

/// A VRRP instance changed state.
struct VrrpInstanceTransition {
  std::string instance;
  std::optional<std::string> group;  ///< its sync group
  std::string interface;
  VrrpState from = VrrpState::Init;
  VrrpState to = VrrpState::Init;
  VrrpCause cause = VrrpCause::Startup;
  std::uint8_t priority = 0;          ///< our effective priority at the time
  std::string peer;                   ///< the other router involved (an advert's source), if any
  std::uint8_t peer_priority = 0;     ///< the priority in its advert
  std::vector<std::string> faults;    ///< Fault: what tracking saw failing ("interface eth1 down")
  friend bool operator==(const VrrpInstanceTransition&, const VrrpInstanceTransition&) = default;
};

/// A sync group changed state (all its members followed).
struct VrrpGroupTransition {
  std::string group;
  VrrpState from = VrrpState::Init;
  VrrpState to = VrrpState::Init;
  friend bool operator==(const VrrpGroupTransition&, const VrrpGroupTransition&) = default;
};

/// A VRRP instance's effective priority changed (tracking weights).
struct VrrpPriorityChange {
  std::string instance;
  std::uint8_t from = 0;
  std::uint8_t to = 0;
  VrrpState state = VrrpState::Init;
  friend bool operator==(const VrrpPriorityChange&, const VrrpPriorityChange&) = default;
};

/// A Master heard an advert with a lower priority (keepalived's notify_master_rx_lower_pri).
struct VrrpLowerPriorityAdvert {
  std::string instance;
  std::string peer;
  std::uint8_t peer_priority = 0;
  std::uint8_t priority = 0;  ///< ours
  friend bool operator==(const VrrpLowerPriorityAdvert&, const VrrpLowerPriorityAdvert&) = default;
};

/// A burst of adverts refused for one reason, as reported (rate-limited) by the VRRP shell.
struct AdvertsDropped {
  std::string where;      ///< the instance, or "IPv4"/"IPv6" before an instance is known
  std::string reason;     ///< vrrp::name(DropReason), e.g. "auth_failure"
  std::uint64_t count = 0;  ///< this report and the ones suppressed since the last
  friend bool operator==(const AdvertsDropped&, const AdvertsDropped&) = default;
};

/// A real server was added to or removed from its pool by its checkers.
struct RealServerChange {
  std::string virtual_server;  ///< keepalived's format, "[192.0.2.100]:tcp:80"
  std::string real_server;     ///< "[192.0.2.11]:tcp:80"
  bool up = false;
  std::string checker;         ///< the checker whose result decided it ("TCP_CHECK"), if any
  std::string outcome;         ///< its outcome ("connection refused"), empty when up
  friend bool operator==(const RealServerChange&, const RealServerChange&) = default;
};

/// A virtual server gained or lost its quorum.
struct QuorumChange {
  std::string virtual_server;
  bool up = false;
  std::int64_t quorum = 0;
  std::int64_t hysteresis = 0;
  std::int64_t alive_weight = 0;
  friend bool operator==(const QuorumChange&, const QuorumChange&) = default;
};

/// The IPVS table was brought to the desired state (or could not be, in part).
struct IpvsApplied {
  std::size_t writes = 0;      ///< sent
  std::size_t confirmed = 0;   ///< acknowledged with success by the kernel
  std::size_t failures = 0;    ///< refused or unanswered (re-planned when they can be)
  std::size_t unresolved = 0;  ///< still failing after re-planning
  friend bool operator==(const IpvsApplied&, const IpvsApplied&) = default;
};

/// A reload (HUP) ended.
struct ReloadOutcome {
  bool applied = false;    ///< false: the configuration had errors, the running one stays
  std::size_t errors = 0;
  std::size_t warnings = 0;
  friend bool operator==(const ReloadOutcome&, const ReloadOutcome&) = default;
};

/// Everything the stream carries.
using Event = std::variant<VrrpInstanceTransition, VrrpGroupTransition, VrrpPriorityChange, VrrpLowerPriorityAdvert,
                           AdvertsDropped, RealServerChange, QuorumChange, IpvsApplied, ReloadOutcome>;

/// The stream: publish() hands an event to every subscriber, in subscription order, on the
/// caller's thread (the event loop). An event published by a subscriber is delivered after
/// the current one has reached every subscriber, so each subscriber sees events in order.
class Bus {
 public:
  using Handler = std::function<void(const Event&)>;

  /// Adds a subscriber; it sees every event published from now on.
  void subscribe(Handler h) { handlers_.push_back(std::move(h)); }

  /// Adds a subscriber of one kind of event.
  template <class T>
  void on(std::function<void(const T&)> f) {
    subscribe([f = std::move(f)](const Event& e) {
      if (const T* v = std::get_if<T>(&e)) f(*v);
    });
  }

  /// Delivers `e` to every subscriber.
  void publish(Event e);

  /// Events published so far (all kinds), for the dumps and tests.
  std::uint64_t published() const { return published_; }

 private:
  std::vector<Handler> handlers_;
  std::vector<Event> queue_;
  bool delivering_ = false;
  std::uint64_t published_ = 0;
};

}  // namespace stayalived::events
