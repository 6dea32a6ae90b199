// The VRRP I/O shell. See runtime.hpp for the control flow; this file wires the engine to
// sockets (socket.hpp), rtnetlink (rtnetlink.hpp), gratuitous ARP/NA (garp.hpp) and the
// trackers (trackers.hpp), and writes keepalived 2.2.7's log lines.
#include "stayalived/vrrp/runtime.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "garp.hpp"
#include "rtnetlink.hpp"
#include "socket.hpp"
#include "stayalived/common/rate_limit.hpp"
#include "stayalived/notify/events.hpp"
#include "stayalived/vrrp/address_plan.hpp"
#include "stayalived/vrrp/engine.hpp"
#include "stayalived/vrrp/from_config.hpp"
#include "trackers.hpp"

namespace stayalived::vrrp {

namespace {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

std::string ms(std::int64_t cs) { return std::to_string(cs * 10) + "ms"; }

// Log rate of one drop reason: a burst of 5 lines, then one per second.
std::array<RateLimiter, kDropReasons> make_limiters() {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return std::array<RateLimiter, kDropReasons>{((void)I, RateLimiter(1.0, 5.0))...};
  }(std::make_index_sequence<kDropReasons>{});
}

// keepalived's notify vocabulary (notify/events.hpp) for a state.
notify::VrrpEvent event_of(State s) {
  switch (s) {
    case State::Master: return notify::VrrpEvent::Master;
    case State::Backup: return notify::VrrpEvent::Backup;
    case State::Fault: return notify::VrrpEvent::Fault;
    case State::Init: return notify::VrrpEvent::Stop;
  }
  return notify::VrrpEvent::Fault;
}

}  // namespace

struct Runtime::Impl {
  Impl(boost::asio::io_context& io_, log::Logger& logger, ScriptHost& host_, Options o)
      : io(io_), log(logger, log::Source::Vrrp), host(host_), opts(o) {}

  // --- state ---------------------------------------------------------------------------

  struct Inst {
    InstanceId id = 0;
    config::VrrpInstance conf;
    std::string ifname;
    int ifindex = 0;
    Family family = Family::Inet;
    IpAddress group;
    bool unicast = false;
    std::optional<IpAddress> src;  // what we send from now
    AuthKey key{};
    std::uint16_t ip_id = 0;
    std::uint32_t ah_seq = 0;
    ChecksumKind send_checksum = ChecksumKind::Standard;
    std::vector<TrackSpec> tracks;
    std::map<std::string, bool> item_fault;  // per tracked file/process: last fault, for the log
    std::array<std::unique_ptr<boost::asio::steady_timer>, kTimers> timers;
    // One limiter per drop reason: a flood of one kind cannot hide another kind.
    std::array<RateLimiter, kDropReasons> drop_log = make_limiters();
    RateLimiter send_log{1.0, 3.0};
    std::optional<std::string> group_name;
    std::set<IpAddress> removing;  // addresses we deleted: their removal is no news
    bool deleting = false;
    bool started = false;
  };

  struct Sock {
    std::unique_ptr<AdvertSocket> s;
    std::set<IpAddress> groups;
    SocketInfo info;
    std::array<RateLimiter, kDropReasons> log = make_limiters();
  };

  struct ScriptState {
    config::VrrpScript conf;
    ScriptDebounce debounce;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool running = false;
    int last_status = INT_MIN;
    bool reported = false;  // first result logged
  };

  boost::asio::io_context& io;
  log::Channel log;
  ScriptHost& host;
  Options opts;
  std::shared_ptr<const config::Config> cfg;
  std::unique_ptr<Rtnetlink> nl;
  std::map<int, LinkInfo> links;
  std::vector<AddrInfo> addrs;
  Engine engine;
  std::vector<std::unique_ptr<Inst>> insts;  // by InstanceId
  std::map<std::tuple<int, int, int>, Sock> socks;
  std::map<int, std::unique_ptr<GratuitousSender>> garps;
  std::map<std::string, ScriptState> scripts;
  std::unique_ptr<FileWatcher> files;
  std::map<std::string, std::int64_t> file_values;
  std::unique_ptr<ProcessWatcher> procs;
  std::vector<std::function<void(const InstanceTransition&)>> transition_subs;
  std::vector<std::function<void(const GroupChange&)>> group_subs;
  std::unique_ptr<boost::asio::steady_timer> startup_timer;
  bool stopping = false;
  bool running = false;

  // --- helpers -------------------------------------------------------------------------

  Inst* inst(InstanceId id) { return id < insts.size() ? insts[id].get() : nullptr; }

  std::optional<LinkInfo> link_named(const std::string& name) const {
    for (const auto& [i, l] : links)
      if (l.name == name) return l;
    return std::nullopt;
  }

  bool is_our_vip(const IpAddress& a) const {
    for (const auto& in : insts) {
      if (!in) continue;
      for (const auto& va : in->conf.virtual_ipaddress)
        if (to_vrrp(va.address.address) == a) return true;
      for (const auto& va : in->conf.virtual_ipaddress_excluded)
        if (to_vrrp(va.address.address) == a) return true;
    }
    return false;
  }

  // keepalived: the interface's primary IPv4 address, or its IPv6 link-local address.
  std::optional<IpAddress> primary_address(int ifindex, Family f) const {
    for (const auto& a : addrs) {
      if (a.index != ifindex || a.address.family() != f) continue;
      if (f == Family::Inet && (a.secondary() || is_our_vip(a.address))) continue;
      if (f == Family::Inet6 && !a.address.is_link_local()) continue;
      return a.address;
    }
    return std::nullopt;
  }

  void refresh_source(Inst& in) {
    std::optional<IpAddress> s;
    if (in.conf.source_ip)
      s = to_vrrp(*in.conf.source_ip);
    else if (in.ifindex)
      s = primary_address(in.ifindex, in.family);
    if (s == in.src) return;
    in.src = s;
    if (s) {
      engine.instance(in.id).set_source(*s);
      log.info("({}) Assigned address {} for interface {}", in.conf.name, s->to_string(), in.ifname);
    }
  }

  // --- tracking ------------------------------------------------------------------------

  TrackingUpdate evaluate_tracking(Inst& in, bool log_items) {
    std::vector<TrackInput> inputs;
    for (const auto& t : in.tracks) {
      TrackInput ti{t.kind, t.weight, t.reverse, true, 0};
      switch (t.kind) {
        case TrackKind::Interface: {
          auto l = link_named(t.name);
          ti.up = l && l->usable();
          break;
        }
        case TrackKind::Script: {
          auto it = scripts.find(t.name);
          ti.up = it != scripts.end() && it->second.debounce.ok();
          break;
        }
        case TrackKind::File:
          ti.value = file_values[t.name];
          break;
        case TrackKind::Process:
          ti.up = procs && procs->up(t.name);
          break;
      }
      if (t.kind == TrackKind::File || t.kind == TrackKind::Process) {
        const bool f = effect(ti).fault;
        auto [it, fresh] = in.item_fault.try_emplace(t.name, f);
        if (!fresh && it->second != f) {
          it->second = f;
          if (log_items)
            log.info("({}): tracked {} {} {} FAULT state", in.conf.name, name(t.kind), t.name, f ? "now" : "leaving");
        }
      }
      inputs.push_back(ti);
    }
    auto u = evaluate(in.conf.priority, inputs);
    // Nothing can be sent without a source address (keepalived: FAULT).
    if (!in.src || in.ifindex == 0) u.fault = true;
    return u;
  }

  void retrack(Inst& in) {
    if (!in.started) return;
    deliver(in.id, evaluate_tracking(in, true));
  }

  void retrack_where(const std::function<bool(const TrackSpec&)>& pred) {
    for (auto& p : insts) {
      if (!p) continue;
      if (std::any_of(p->tracks.begin(), p->tracks.end(), pred)) retrack(*p);
    }
  }

  // --- events in -----------------------------------------------------------------------

  void deliver(InstanceId id, const Event& e) {
    if (!engine.exists(id)) return;
    execute(engine.handle(id, e, Clock::now()));
  }

  void execute(const EngineOutput& out) {
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
  }

  void act(Inst& in, const Action& a) {
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
                   [&](const MasterRxLowerPriority& m) { rx_lower(in, m); },
                   [&](const WantMaster&) {},
               },
               a);
  }

  void arm(Inst& in, TimerId id, TimePoint at) {
    auto& t = *in.timers[static_cast<std::size_t>(id)];
    t.expires_at(at);
    t.async_wait([this, iid = in.id, id](const boost::system::error_code& ec) {
      if (ec) return;
      deliver(iid, TimerExpired{id});
    });
  }

  // --- transitions, notify -------------------------------------------------------------

  void transition(Inst& in, const Transition& t) {
    const auto prio = engine.instance(in.id).priority();
    switch (t.to) {
      case State::Backup:
        log.info("({}) Entering BACKUP STATE{}", in.conf.name, t.reason == Reason::Startup ? " (init)" : "");
        break;
      case State::Master:
        log.info("({}) Entering MASTER STATE", in.conf.name);
        break;
      case State::Fault:
        log.info("({}) Entering FAULT STATE", in.conf.name);
        break;
      case State::Init:
        break;
    }
    if (t.from == State::Master && garps.count(in.ifindex)) {
      // Leaving Master: what is still queued must not announce addresses we gave up.
      garps[in.ifindex]->clear();
    }
    notify_instance(in, t.to, prio);
    for (auto& f : transition_subs) f(InstanceTransition{in.conf.name, in.group_name, t, prio, in.ifname});
  }

  void notify_instance(Inst& in, State to, int prio) {
    const auto& n = in.conf.notify;
    const bool deleted = in.deleting && to == State::Init;
    const std::optional<config::Script>* script = nullptr;
    if (deleted) {
      script = n.deleted_set ? &n.deleted : &n.fault;
    } else {
      switch (to) {
        case State::Master: script = &n.master; break;
        case State::Backup: script = &n.backup; break;
        case State::Fault: script = &n.fault; break;
        case State::Init: script = &n.stop; break;
      }
    }
    // notify_deleted: DELETED; otherwise a deleted instance is reported as FAULT.
    const auto ev = deleted ? (n.deleted_set ? notify::VrrpEvent::Deleted : notify::VrrpEvent::Fault) : event_of(to);
    const std::string word(notify::event_word(ev));
    if (script && *script && !(*script)->argv.empty()) host.notify(**script, {});
    if (n.any) host.notify(*n.any, {"INSTANCE", in.conf.name, word, std::to_string(prio)});
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, in.conf.name, ev, prio));
  }

  void group_changed(const GroupTransition& g) {
    const auto& gname = engine.group_name(g.group);
    const config::VrrpSyncGroup* conf = nullptr;
    for (const auto& sg : cfg->sync_groups)
      if (sg.name == gname) conf = &sg;
    if (conf) {
      const auto& n = conf->notify;
      const std::optional<config::Script>* script = nullptr;
      switch (g.to) {
        case State::Master: script = &n.master; break;
        case State::Backup: script = &n.backup; break;
        case State::Fault: script = &n.fault; break;
        case State::Init: script = &n.stop; break;
      }
      const std::string word(notify::event_word(event_of(g.to)));
      if (script && *script && !(*script)->argv.empty()) host.notify(**script, {});
      if (n.any) host.notify(*n.any, {"GROUP", gname, word, "0"});  // a group's priority is 0
      host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Group, gname, event_of(g.to), 0));
    }
    for (auto& f : group_subs) f(GroupChange{gname, g.from, g.to});
  }

  void rx_lower(Inst& in, const MasterRxLowerPriority&) {
    const auto prio = engine.instance(in.id).priority();
    if (in.conf.notify.master_rx_lower_pri) host.notify(*in.conf.notify.master_rx_lower_pri, {});
    host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, in.conf.name, notify::VrrpEvent::MasterRxLowerPri, prio));
  }

  // --- log lines of the core's notes and drops -------------------------------------------

  void note(Inst& in, const Note& n) {
    const auto& nm = in.conf.name;
    switch (n.kind) {
      case Note::Kind::LowerPriorityDiscarded:
        log.info("({}) received lower priority ({}) advert from {} - discarding", nm, n.theirs, n.source.to_string());
        break;
      case Note::Kind::HigherPriorityReceived:
        log.info("({}) Master received advert from {} with higher priority {}, ours {}", nm, n.source.to_string(),
                 n.theirs, n.ours);
        break;
      case Note::Kind::LowerPriorityReceived:
        log.info("({}) Received advert from {} with lower priority {}, ours {}, forcing new election", nm,
                 n.source.to_string(), n.theirs, n.ours);
        break;
      case Note::Kind::PriorityZeroReceived:
        log.info("({}) Backup received priority 0 advertisement", nm);
        break;
      case Note::Kind::PriorityZeroSent:
        log.info("({}) sent 0 priority", nm);
        break;
      case Note::Kind::IntervalLearned:
        log.info("({}) advertisement interval updated from {} to {} by master", nm, ms(n.ours), ms(n.theirs));
        break;
      case Note::Kind::IntervalRestored:
        log.info("({}) changing advert interval from {} to locally configured {}", nm, ms(n.theirs), ms(n.ours));
        break;
      case Note::Kind::PriorityChanged: {
        log.info("({}) Changing effective priority from {} to {}", nm, n.ours, n.theirs);
        const bool fifo_prio = in.conf.notify_priority_changes || cfg->global.vrrp_notify_priority_changes;
        if (fifo_prio && in.started) {
          const bool master = engine.instance(in.id).state() == State::Master;
          host.fifo(notify::vrrp_fifo_line(notify::VrrpScope::Instance, nm,
                                           master ? notify::VrrpEvent::MasterPriority : notify::VrrpEvent::BackupPriority,
                                           static_cast<int>(n.theirs)));
        }
        break;
      }
      case Note::Kind::MasterDownTimeout:
        log.info("({}) Receive advertisement timeout", nm);
        break;
      case Note::Kind::OldChecksumDetected:
        break;
    }
  }

  void dropped(Inst& in, const Dropped& d) {
    auto& limiter = in.drop_log[static_cast<std::size_t>(d.reason)];
    if (!limiter.allow(Clock::now())) return;
    const auto& nm = in.conf.name;
    const auto src = d.source.to_string();
    const auto suppressed = limiter.take_suppressed();
    const std::string more = suppressed ? fmt::format(" ({} similar messages suppressed)", suppressed) : "";
    switch (d.reason) {
      case DropReason::IntervalMismatch:
        log.info("({}) advertisement interval mismatch mine={} sec rcv'd={} sec{}", nm, d.ours / 100, d.theirs / 100, more);
        break;
      case DropReason::AddressCount:
        log.info("({}) received an unexpected ip number count {}, expected {}!{}", nm, d.theirs, d.ours, more);
        break;
      case DropReason::AddressList:
        log.info("({}) ip address associated with VRID {} not present in MASTER advert: {}{}", nm,
                 static_cast<int>(in.conf.virtual_router_id.value_or(0)),
                 d.missing ? d.missing->to_string() : std::string("?"), more);
        break;
      case DropReason::VersionMismatch:
        log.info("({}) wrong version. Received {} and expect {}{}", nm, d.theirs, d.ours, more);
        break;
      case DropReason::AuthTypeMismatch:
        log.info("({}) received a {} auth, expecting {}!{}", nm, d.theirs, d.ours, more);
        break;
      case DropReason::AuthFailure:
        if (engine.instance(in.id).config().auth_type == AuthType::Ah)
          log.info("({}) invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !{}", nm, more);
        else
          log.info("({}) received an invalid passwd!{}", nm, more);
        break;
      case DropReason::NotAPeer:
        log.info("({}) advert from {} is not from a unicast peer - ignoring{}", nm, src, more);
        break;
      case DropReason::TtlOutOfRange:
        log.info("({}) advert from {} has TTL {} outside the peer's range{}", nm, src, d.theirs, more);
        break;
      default:
        log.info("({}) dropped advert from {}: {}{}", nm, src, name(d.reason), more);
        break;
    }
  }

  // --- sending adverts ------------------------------------------------------------------

  Sock* sock_for(int ifindex, Family f, int proto) {
    auto it = socks.find({ifindex, static_cast<int>(f), proto});
    return it == socks.end() ? nullptr : &it->second;
  }

  void send_advert(Inst& in, std::uint8_t prio) {
    auto& core = engine.instance(in.id);
    Sock* s = sock_for(in.ifindex, in.family, kProtoVrrp);
    if (!s || !in.src) {
      core.count_send_error();
      return;
    }
    const auto& c = core.config();
    Frame f;
    f.advert.version = c.version;
    f.advert.vrid = c.vrid;
    f.advert.priority = prio;
    f.advert.auth_type = c.auth_type;
    f.advert.interval = c.advert_interval;
    f.advert.addresses = c.addresses;
    if (c.auth_type == AuthType::Pass) f.advert.auth_data = in.key;
    f.key = in.key;
    f.source = *in.src;
    f.group = in.group;
    f.checksum = in.unicast ? in.send_checksum : ChecksumKind::Standard;
    std::vector<IpAddress> dests;
    if (in.unicast)
      for (const auto& p : c.peers) dests.push_back(p.address);
    else
      dests.push_back(in.group);
    for (const auto& d : dests) {
      f.destination = d;
      f.ttl = in.unicast ? in.conf.unicast_ttl.value_or(kVrrpTtl) : kVrrpTtl;
      Result<> r;
      if (in.family == Family::Inet) {
        if (++in.ip_id == 0) ++in.ip_id;  // 0 would let the kernel choose
        f.ip_id = in.ip_id;
        if (c.auth_type == AuthType::Ah) f.ah_sequence = ++in.ah_seq;
        r = s->s->send_ipv4(encode_ipv4(f), d);
      } else {
        r = s->s->send_ipv6(encode_vrrp(f), *in.src, d, f.ttl);
      }
      if (!r) {
        core.count_send_error();
        if (in.send_log.allow(Clock::now())) log.warning("({}) cannot send advert: {}", in.conf.name, r.error().message);
      }
    }
  }

  // --- receiving adverts -----------------------------------------------------------------

  void received(Sock& s, int ifindex, Family fam, std::span<const std::uint8_t> bytes, const Ipv6Meta& meta) {
    ++s.info.received;
    DecodeOptions dopts;
    dopts.group = to_vrrp(fam == Family::Inet ? cfg->global.vrrp_mcast_group4 : cfg->global.vrrp_mcast_group6);
    dopts.accept_old_checksum = true;
    auto rx = fam == Family::Inet ? decode_ipv4(bytes, dopts) : decode_ipv6(bytes, meta, dopts);
    if (!rx) {
      wire_drop(s, ifindex, fam, rx.error(), fam == Family::Inet ? peek_ipv4(bytes) : peek_ipv6(bytes, meta.hop_limit));
      return;
    }
    // Find the instance: same interface, family and VRID; with duplicated VRIDs (unicast),
    // the one whose peers include the sender.
    Inst* target = nullptr;
    for (auto& p : insts) {
      if (!p || !p->started || p->ifindex != ifindex || p->family != fam) continue;
      if (p->conf.virtual_router_id.value_or(0) != rx->advert.vrid) continue;
      const auto& peers = engine.instance(p->id).config().peers;
      const bool from_peer = std::any_of(peers.begin(), peers.end(), [&](const UnicastPeer& u) {
        return u.address == rx->source;
      });
      if (!target || from_peer) target = p.get();
      if (from_peer) break;
    }
    if (!target) {
      s.info.drops.count(DropReason::UnknownVrid);
      return;
    }
    Inst& in = *target;
    if (rx->checksum == ChecksumKind::MulticastPseudoHeader) {
      if (in.conf.old_unicast_checksum == config::OldUnicastChecksum::Never) {
        engine.instance(in.id).count_drop(DropReason::BadChecksum);
        return;
      }
      if (in.send_checksum == ChecksumKind::Standard) {
        in.send_checksum = ChecksumKind::MulticastPseudoHeader;
        log.info("({}) peer {} uses the old unicast checksum; using it too", in.conf.name, rx->source.to_string());
      }
    }
    std::optional<DropReason> auth;
    if (fam == Family::Inet) auth = verify_auth(bytes, *rx, engine.instance(in.id).config().auth_type, in.key);
    deliver(in.id, AdvertReceived{std::move(*rx), auth});
  }

  // A packet the codec refused: counted on the socket, and on the instance it was meant for
  // (by its VRID, when that can be read), then logged as keepalived words it.
  void wire_drop(Sock& s, int ifindex, Family fam, DropReason r, const Peek& pk) {
    s.info.drops.count(r);
    Inst* in = nullptr;
    if (pk.vrid)
      for (auto& p : insts)
        if (p && p->started && p->ifindex == ifindex && p->family == fam && p->conf.virtual_router_id == *pk.vrid)
          in = p.get();
    RateLimiter& limiter = (in ? in->drop_log : s.log)[static_cast<std::size_t>(r)];
    if (in) engine.instance(in->id).count_drop(r);
    if (!limiter.allow(Clock::now())) return;
    const auto n = limiter.take_suppressed();
    const std::string more = n ? fmt::format(" ({} similar messages suppressed)", n) : std::string();
    const std::string who = in ? "(" + in->conf.name + ") " : std::string(name(fam)) + " ";
    switch (r) {
      case DropReason::Truncated:
        log.info("{} VRRP packet too short - {} bytes{}", name(fam), pk.length, more);
        break;
      case DropReason::BadLength:
        log.info("{}vrrp packet too {}, length {} and expect {}{}", who, pk.length < pk.expected ? "short" : "long",
                 pk.length, pk.expected, more);
        break;
      case DropReason::BadTtl:
        log.info("{}invalid TTL/HL. Received {} and expect 255{}", who, pk.ttl, more);
        break;
      case DropReason::BadVersion:
        log.info("{}wrong version. Received {} and expect {}{}", who, pk.version,
                 in ? engine.instance(in->id).config().version : 3, more);
        break;
      case DropReason::BadType:
        log.info("{}Invalid packet type. {} and expect 1{}", who, pk.type, more);
        break;
      case DropReason::BadChecksum:
        log.info("{}Invalid VRRPv{} checksum{}", who, pk.version, more);
        break;
      case DropReason::BadAuthType:
        log.info("{}received a {} auth, expecting {}!{}", who, pk.auth_type,
                 in ? static_cast<int>(engine.instance(in->id).config().auth_type) : 0, more);
        break;
      case DropReason::BadInterval:
        log.info("{}advertisement interval mismatch mine={} sec rcv'd=0 sec{}", who,
                 in ? engine.instance(in->id).config().advert_interval.count() / 100 : 0, more);
        break;
      default:
        log.info("{}VRRP packet dropped: {}{}", who, name(r), more);
        break;
    }
  }

  // --- addresses, routes, rules ----------------------------------------------------------

  int ifindex_of(const std::optional<std::string>& dev, int fallback) const {
    if (!dev) return fallback;
    if (auto l = link_named(*dev)) return l->index;
    return 0;
  }

  std::vector<AddressSpec> vip_specs(const Inst& in, bool excluded) const {
    std::vector<AddressSpec> out;
    const auto& list = excluded ? in.conf.virtual_ipaddress_excluded : in.conf.virtual_ipaddress;
    for (const auto& va : list) {
      if (!excluded && to_vrrp(va.address.address).family() != in.family) continue;
      AddressSpec s{ifindex_of(va.dev, in.ifindex), va};
      if (s.ifindex) out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<RouteSpec> route_specs(const Inst& in) const {
    std::vector<RouteSpec> out;
    for (const auto& r : in.conf.virtual_routes) {
      RouteSpec s;
      s.route = r;
      s.ifindex = ifindex_of(r.dev, 0);
      for (const auto& nh : r.nexthops) s.nexthop_ifindex.push_back(ifindex_of(nh.dev, 0));
      out.push_back(std::move(s));
    }
    return out;
  }

  void set_addresses(Inst& in, bool add) {
    if (!nl) return;
    const auto& nm = in.conf.name;
    auto each = [&](auto&& list, auto&& op, const char* what) {
      for (const auto& x : list)
        if (auto r = op(x); !r) log.warning("({}) cannot {} {}: {}", nm, add ? "add" : "remove", what, r.error().message);
    };
    const auto vips = vip_specs(in, false);
    const auto evips = vip_specs(in, true);
    const auto routes = route_specs(in);
    const auto& rules = in.conf.virtual_rules;
    if (add) {
      if (!vips.empty()) log.info("({}) setting VIPs.", nm);
      each(vips, [&](const AddressSpec& s) { return nl->add_address(s); }, "VIP");
      if (!evips.empty()) log.info("({}) setting E-VIPs.", nm);
      each(evips, [&](const AddressSpec& s) { return nl->add_address(s); }, "E-VIP");
      if (!routes.empty()) log.info("({}) setting Virtual Routes", nm);
      each(routes, [&](const RouteSpec& s) { return nl->add_route(s); }, "route");
      if (!rules.empty()) log.info("({}) setting Virtual Rules", nm);
      each(rules, [&](const config::Rule& r) { return nl->add_rule(r); }, "rule");
    } else {
      if (!rules.empty()) log.info("({}) removing Virtual Rules", nm);
      each(rules, [&](const config::Rule& r) { return nl->delete_rule(r); }, "rule");
      if (!routes.empty()) log.info("({}) removing Virtual Routes", nm);
      each(routes, [&](const RouteSpec& s) { return nl->delete_route(s); }, "route");
      if (!vips.empty()) log.info("({}) removing VIPs.", nm);
      each(vips, [&](const AddressSpec& s) { return remove_address(in, s); }, "VIP");
      if (!evips.empty()) log.info("({}) removing E-VIPs.", nm);
      each(evips, [&](const AddressSpec& s) { return remove_address(in, s); }, "E-VIP");
    }
  }

  // The kernel's report of the removal comes later, through the monitor; it is ours when the
  // delete found the address. (Our own view of the addresses may not have it yet: an
  // instance that steps down right after taking its VIPs deletes them before the reports
  // of their addition have been read.)
  Result<> remove_address(Inst& in, const AddressSpec& s) {
    auto deleted = nl->delete_address(s);
    if (!deleted) return Unexpected(deleted.error());
    if (*deleted) in.removing.insert(to_vrrp(s.va.address.address));
    return {};
  }

  // An address went away. Ours (we deleted it) is no news; a VIP of a Master deleted by
  // someone else makes it step down for a new election (keepalived's behaviour).
  void address_removed(const AddrInfo& ai) {
    for (auto& p : insts) {
      if (!p || !p->started) continue;
      if (p->removing.erase(ai.address)) continue;
      for (const auto& va : p->conf.virtual_ipaddress) {
        if (va.no_track || to_vrrp(va.address.address) != ai.address) continue;
        if (ifindex_of(va.dev, p->ifindex) != ai.index) continue;
        const auto ifname = links.count(ai.index) ? links[ai.index].name : std::to_string(ai.index);
        log.info("Netlink reflector reports IP {} removed from {}", ai.address.to_string(), ifname);
        if (engine.instance(p->id).state() == State::Master) deliver(p->id, AddressLost{});
      }
    }
  }

  void gratuitous(Inst& in, unsigned repeat) {
    auto burst = [&](const std::vector<AddressSpec>& specs) {
      std::map<int, std::vector<IpAddress>> by_if;
      for (const auto& s : specs) {
        by_if[s.ifindex].push_back(to_vrrp(s.va.address.address));
      }
      for (auto& [ifindex, list] : by_if) {
        auto it = garps.find(ifindex);
        if (it == garps.end()) continue;
        for (const auto& a : list)
          log.info("({}) Sending/queueing {} on {} for {}", in.conf.name,
                   a.is_v4() ? "gratuitous ARPs" : "Unsolicited Neighbour Adverts", it->second->ifname(), a.to_string());
        it->second->send(list, repeat);
      }
    };
    burst(vip_specs(in, false));
    burst(vip_specs(in, true));
  }

  // --- sockets and senders ----------------------------------------------------------------

  Result<> ensure_socket(Inst& in, int proto) {
    auto key = std::make_tuple(in.ifindex, static_cast<int>(in.family), proto);
    auto it = socks.find(key);
    if (it == socks.end()) {
      auto s = AdvertSocket::open(io, in.family, proto, in.ifindex, in.ifname);
      if (!s) return Unexpected(s.error());
      Sock sk;
      sk.s = std::move(*s);
      sk.info.interface = in.ifname;
      sk.info.family = in.family;
      sk.info.protocol = proto;
      it = socks.emplace(key, std::move(sk)).first;
      Sock* sp = &it->second;
      const int ifindex = in.ifindex;
      const Family fam = in.family;
      sp->s->receive([this, sp, ifindex, fam](std::span<const std::uint8_t> b, const Ipv6Meta& m) {
        received(*sp, ifindex, fam, b, m);
      });
    }
    if (!in.unicast && !it->second.groups.count(in.group)) {
      if (auto r = it->second.s->join(in.group); !r) return r;
      it->second.groups.insert(in.group);
    }
    return {};
  }

  void ensure_garp(int ifindex) {
    if (ifindex == 0 || garps.count(ifindex)) return;
    auto l = links.find(ifindex);
    if (l == links.end()) return;
    auto g = GratuitousSender::open(io, ifindex, l->second.name);
    if (!g) {
      log.warning("cannot send gratuitous ARP/NA on {}: {}", l->second.name, g.error().message);
      return;
    }
    (*g)->set_mac(l->second.mac);
    microseconds arp = cfg->global.vrrp_garp_interval, na = cfg->global.vrrp_gna_interval;
    for (const auto& gg : cfg->garp_groups) {
      const bool mine = (gg.interface && *gg.interface == l->second.name) ||
                        std::find(gg.interfaces.begin(), gg.interfaces.end(), l->second.name) != gg.interfaces.end();
      if (!mine) continue;
      if (gg.garp_interval) arp = *gg.garp_interval;
      if (gg.gna_interval) na = *gg.gna_interval;
    }
    (*g)->set_intervals(arp, na);
    if (log.detail()) {
      (*g)->on_sent([this, name = l->second.name](const IpAddress& a, bool ok) {
        if (!ok) return;
        if (a.is_v4())
          log.info("Sending gratuitous ARP on {} for {}", name, a.to_string());
        else
          log.info("Sending unsolicited Neighbour Advert on {} for {}", name, a.to_string());
      });
    }
    garps.emplace(ifindex, std::move(*g));
  }

  // --- netlink events -----------------------------------------------------------------------

  void net_event(const NetEvent& ev) {
    switch (ev.kind) {
      case NetEvent::Kind::LinkChanged: {
        auto old = links.find(ev.link.index);
        const bool was = old != links.end() && old->second.usable();
        links[ev.link.index] = ev.link;
        if (auto g = garps.find(ev.link.index); g != garps.end()) g->second->set_mac(ev.link.mac);
        if (was != ev.link.usable()) {
          log.info("Netlink reports {} {}", ev.link.name, ev.link.usable() ? "up" : "down");
          const auto nm = ev.link.name;
          retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Interface && t.name == nm; });
        }
        break;
      }
      case NetEvent::Kind::LinkRemoved: {
        const auto nm = ev.link.name;
        links.erase(ev.link.index);
        log.info("Netlink reports {} removed", nm);
        retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Interface && t.name == nm; });
        break;
      }
      case NetEvent::Kind::AddressAdded:
      case NetEvent::Kind::AddressRemoved: {
        std::erase_if(addrs, [&](const AddrInfo& a) { return a.index == ev.addr.index && a.address == ev.addr.address; });
        if (ev.kind == NetEvent::Kind::AddressAdded) addrs.push_back(ev.addr);
        if (ev.kind == NetEvent::Kind::AddressRemoved) address_removed(ev.addr);
        for (auto& p : insts) {
          if (!p || p->ifindex != ev.addr.index) continue;
          const auto before = p->src;
          refresh_source(*p);
          if (before.has_value() != p->src.has_value()) retrack(*p);
        }
        break;
      }
      case NetEvent::Kind::Resync:
        resync();
        break;
    }
  }

  void resync() {
    if (!nl) return;
    if (auto l = nl->dump_links()) {
      std::map<int, LinkInfo> fresh;
      for (auto& li : *l) fresh[li.index] = li;
      links = std::move(fresh);
    }
    if (auto a = nl->dump_addresses()) addrs = std::move(*a);
    for (auto& p : insts)
      if (p) {
        refresh_source(*p);
        retrack(*p);
      }
  }

  // --- trackers -------------------------------------------------------------------------

  void start_script(ScriptState& st) {
    st.timer->expires_after(st.conf.interval);
    st.timer->async_wait([this, &st](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      run_script(st);
      start_script(st);
    });
  }

  void run_script(ScriptState& st) {
    if (st.running) return;  // still running from last time: skip this turn
    st.running = true;
    const Duration timeout = st.conf.timeout ? Duration(*st.conf.timeout) : Duration(st.conf.interval);
    host.check(st.conf.script, timeout, [this, name = st.conf.name](bool ok, int status, std::string why) {
      auto it = scripts.find(name);
      if (it == scripts.end()) return;
      ScriptState& s = it->second;
      s.running = false;
      if (stopping) return;
      if (status != s.last_status && s.last_status != INT_MIN && status >= 0)
        log.info("Script `{}` now returning {}", name, status);
      s.last_status = status;
      const bool changed = s.debounce.apply(ok);
      if (changed || !s.reported) {
        s.reported = true;
        if (s.debounce.ok())
          log.info("VRRP_Script({}) succeeded", name);
        else
          log.info("VRRP_Script({}) failed ({})", name, why);
      }
      if (changed)
        retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Script && t.name == name; });
    });
  }

  void start_trackers() {
    std::set<std::string> used_scripts, used_files, used_procs;
    for (auto& p : insts)
      if (p)
        for (const auto& t : p->tracks) {
          if (t.kind == TrackKind::Script) used_scripts.insert(t.name);
          if (t.kind == TrackKind::File) used_files.insert(t.name);
          if (t.kind == TrackKind::Process) used_procs.insert(t.name);
        }
    for (const auto& s : cfg->vrrp_scripts) {
      if (!used_scripts.count(s.name)) continue;  // keepalived runs only scripts in use
      ScriptState st{s, ScriptDebounce(s.rise, s.fall, s.init_fail), std::make_unique<boost::asio::steady_timer>(io)};
      auto [it, _] = scripts.insert_or_assign(s.name, std::move(st));
      run_script(it->second);
      start_script(it->second);
    }
    if (!used_files.empty()) {
      files = std::make_unique<FileWatcher>(io);
      for (const auto& f : cfg->track_files) {
        if (!used_files.count(f.name)) continue;
        if (f.init_file) init_track_file(f);
        auto v = files->add(f.name, f.file);
        if (!v) {
          log.warning("track_file {}: {}", f.name, v.error().message);
          file_values[f.name] = read_track_file(f.file);
        } else {
          file_values[f.name] = *v;
        }
      }
      files->on_change([this](const std::string& name, std::int64_t v) {
        file_values[name] = v;
        retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::File && t.name == name; });
      });
    }
    if (!used_procs.empty()) {
      procs = std::make_unique<ProcessWatcher>(io);
      for (const auto& tp : cfg->track_processes)
        if (used_procs.count(tp.name)) procs->add(tp);
      if (auto w = procs->start()) log.warning("track_process: {}", *w);
      procs->on_change([this](const std::string& name, bool up) {
        log.info("Process {} {}", name, up ? "now running" : "no longer running");
        retrack_where([&](const TrackSpec& t) { return t.kind == TrackKind::Process && t.name == name; });
      });
    }
  }

  void init_track_file(const config::TrackFile& f) {
    const bool exists = ::access(f.file.c_str(), F_OK) == 0;
    if (exists && !f.init_overwrite) return;
    if (std::FILE* fp = std::fopen(f.file.c_str(), "w")) {
      std::fprintf(fp, "%d\n", f.init_value);
      std::fclose(fp);
    } else {
      log.warning("track_file {}: cannot initialise {}", f.name, f.file);
    }
  }

  void stop_trackers() {
    for (auto& [n, s] : scripts) s.timer->cancel();
    scripts.clear();
    if (files) files->close();
    files.reset();
    if (procs) procs->close();
    procs.reset();
    file_values.clear();
  }

  // --- building instances ------------------------------------------------------------------

  std::unique_ptr<Inst> make_inst(const config::VrrpInstance& vi) {
    auto in = std::make_unique<Inst>();
    in->conf = vi;
    in->family = instance_family(vi);
    in->ifname = vi.interface.value_or("");
    if (auto l = link_named(in->ifname)) in->ifindex = l->index;
    in->unicast = !vi.unicast_peers.empty();
    if (vi.mcast_dst_ip)
      in->group = to_vrrp(*vi.mcast_dst_ip);
    else
      in->group = to_vrrp(in->family == Family::Inet ? cfg->global.vrrp_mcast_group4 : cfg->global.vrrp_mcast_group6);
    if (vi.authentication) in->key = make_auth_key(vi.authentication->password);
    if (vi.old_unicast_checksum == config::OldUnicastChecksum::On) in->send_checksum = ChecksumKind::MulticastPseudoHeader;
    in->tracks = tracking_of(vi, *cfg);
    if (auto g = sync_group_of(*cfg, vi.name)) in->group_name = g->name;
    for (auto& t : in->timers) t = std::make_unique<boost::asio::steady_timer>(io);
    return in;
  }

  void open_io(Inst& in) {
    if (in.ifindex == 0) {
      log.error("({}) interface {} not found - instance stays in FAULT state", in.conf.name, in.ifname);
      return;
    }
    if (auto r = ensure_socket(in, kProtoVrrp); !r)
      log.error("({}) cannot open VRRP socket on {}: {}", in.conf.name, in.ifname, r.error().message);
    if (engine.instance(in.id).config().auth_type == AuthType::Ah)
      if (auto r = ensure_socket(in, kProtoAh); !r)
        log.error("({}) cannot open AH socket on {}: {}", in.conf.name, in.ifname, r.error().message);
    for (const auto& s : vip_specs(in, false)) ensure_garp(s.ifindex);
    for (const auto& s : vip_specs(in, true)) ensure_garp(s.ifindex);
  }

  void build_groups() {
    engine.clear_groups();
    for (const auto& g : cfg->sync_groups) {
      std::vector<InstanceId> members;
      for (const auto& m : g.group)
        if (auto id = engine.find(m)) members.push_back(*id);
      if (!members.empty()) engine.add_group(g.name, members);
    }
  }

  void start_instance(Inst& in) {
    in.started = true;
    deliver(in.id, evaluate_tracking(in, false));
    deliver(in.id, Start{});
  }

  Result<> start(std::shared_ptr<const config::Config> c) {
    cfg = std::move(c);
    auto n = Rtnetlink::open(io);
    if (!n) return Unexpected(n.error());
    nl = std::move(*n);
    if (auto l = nl->dump_links()) {
      for (auto& li : *l) links[li.index] = li;
    } else {
      return Unexpected(l.error());
    }
    if (auto a = nl->dump_addresses()) addrs = std::move(*a);
    if (auto r = nl->watch([this](const NetEvent& ev) { net_event(ev); }); !r) return r;

    for (const auto& vi : cfg->vrrp_instances) {
      auto in = make_inst(vi);
      in->id = engine.add(core_config(vi, *cfg, sync_group_of(*cfg, vi.name) != nullptr));
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

  // --- reload --------------------------------------------------------------------------------

  static bool same_identity(const Inst& in, const config::VrrpInstance& vi) {
    return in.conf.interface == vi.interface && in.conf.virtual_router_id == vi.virtual_router_id &&
           in.family == instance_family(vi);
  }

  template <class T, class Eq>
  static std::vector<T> minus(const std::vector<T>& a, const std::vector<T>& b, Eq eq) {
    std::vector<T> out;
    for (const auto& x : a)
      if (std::none_of(b.begin(), b.end(), [&](const T& y) { return eq(x, y); })) out.push_back(x);
    return out;
  }

  // Only Masters have their addresses installed: they change them by difference, planned
  // across all of them (address_plan.hpp: an address moved between two Masters stays).
  void reconcile_addresses(const std::vector<std::pair<Inst*, config::VrrpInstance>>& masters) {
    const auto before_of = [&](const Inst& in, const config::VrrpInstance& old) {
      Inst b = Inst{};
      b.conf = old;
      b.ifindex = in.ifindex;
      b.family = in.family;
      return b;
    };
    const auto eq_a = [](const AddressSpec& x, const AddressSpec& y) { return x == y; };
    const auto same_a = [](const AddressSpec& x, const AddressSpec& y) {
      return x.ifindex == y.ifindex && to_vrrp(x.va.address.address) == to_vrrp(y.va.address.address);
    };
    const auto eq_r = [](const RouteSpec& x, const RouteSpec& y) { return x == y; };
    const auto eq_u = [](const config::Rule& x, const config::Rule& y) { return x == y; };
    for (bool excl : {false, true}) {
      std::vector<AddressSides<AddressSpec>> sides;
      for (const auto& [in, old] : masters)
        sides.push_back({vip_specs(before_of(*in, old), excl), vip_specs(*in, excl)});
      const auto plan = plan_addresses(sides, same_a, eq_a);
      for (const auto& c : plan.remove) (void)remove_address(*masters[c.owner].first, c.item);
      std::map<std::pair<std::size_t, int>, std::vector<IpAddress>> by_if;
      for (const auto& c : plan.add) {
        (void)nl->add_address(c.item);
        by_if[{c.owner, c.item.ifindex}].push_back(to_vrrp(c.item.va.address.address));
      }
      for (auto& [key, list] : by_if)
        if (auto g = garps.find(key.second); g != garps.end())
          g->second->send(list, masters[key.first].first->conf.garp_master_repeat);
    }
    for (const auto& [in, old] : masters) {
      const Inst before = before_of(*in, old);
      for (const auto& s : minus(route_specs(before), route_specs(*in), eq_r)) (void)nl->delete_route(s);
      for (const auto& s : minus(route_specs(*in), route_specs(before), eq_r)) (void)nl->add_route(s);
      for (const auto& r : minus(old.virtual_rules, in->conf.virtual_rules, eq_u)) (void)nl->delete_rule(r);
      for (const auto& r : minus(in->conf.virtual_rules, old.virtual_rules, eq_u)) (void)nl->add_rule(r);
    }
  }

  Result<> apply(std::shared_ptr<const config::Config> c) {
    if (!running) return start(std::move(c));
    auto old_cfg = cfg;
    cfg = std::move(c);
    // 1. Instances that are gone, or whose identity changed, stop (notify DELETED / FAULT).
    std::set<std::string> kept;
    for (auto& p : insts) {
      if (!p) continue;
      const auto* vi = cfg->find_vrrp_instance(p->conf.name);
      if (vi && same_identity(*p, *vi)) {
        kept.insert(p->conf.name);
        continue;
      }
      p->deleting = true;
      deliver(p->id, Shutdown{});
      for (auto& t : p->timers) t->cancel();
      engine.remove(p->id);
      p.reset();
    }
    // 2. Trackers are rebuilt; a script keeps its state if its block did not change.
    std::map<std::string, ScriptState> old_scripts;
    for (auto& [n, s] : scripts) {
      s.timer->cancel();
      old_scripts.emplace(n, std::move(s));
    }
    scripts.clear();
    if (files) files->close();
    files.reset();
    if (procs) procs->close();
    procs.reset();
    // 3. Kept instances take their new settings; the Masters' addresses change once all of
    //    them have theirs.
    std::vector<std::pair<Inst*, config::VrrpInstance>> masters;
    for (auto& p : insts) {
      if (!p || !kept.count(p->conf.name)) continue;
      const auto& vi = *cfg->find_vrrp_instance(p->conf.name);
      const auto old = p->conf;
      p->conf = vi;
      p->unicast = !vi.unicast_peers.empty();
      p->group = vi.mcast_dst_ip ? to_vrrp(*vi.mcast_dst_ip)
                                 : to_vrrp(p->family == Family::Inet ? cfg->global.vrrp_mcast_group4
                                                                     : cfg->global.vrrp_mcast_group6);
      p->key = vi.authentication ? make_auth_key(vi.authentication->password) : AuthKey{};
      p->tracks = tracking_of(vi, *cfg);
      p->group_name.reset();
      if (auto g = sync_group_of(*cfg, vi.name)) p->group_name = g->name;
      execute(engine.reconfigure(p->id, core_config(vi, *cfg, false), Clock::now()));
      if (engine.instance(p->id).state() == State::Master) masters.emplace_back(p.get(), old);
    }
    reconcile_addresses(masters);
    for (auto& p : insts) {
      if (!p || !kept.count(p->conf.name)) continue;
      refresh_source(*p);
      open_io(*p);
    }
    build_groups();
    // 4. New instances.
    std::vector<InstanceId> fresh;
    for (const auto& vi : cfg->vrrp_instances) {
      if (kept.count(vi.name)) continue;
      auto in = make_inst(vi);
      const InstanceId id = engine.add(core_config(vi, *cfg, sync_group_of(*cfg, vi.name) != nullptr));
      in->id = id;
      if (insts.size() <= id) insts.resize(id + 1);
      insts[id] = std::move(in);
      fresh.push_back(id);
    }
    build_groups();
    for (InstanceId id : fresh) {
      refresh_source(*insts[id]);
      open_io(*insts[id]);
    }
    start_trackers();
    for (auto& [n, s] : scripts) {
      auto o = old_scripts.find(n);
      if (o != old_scripts.end() && o->second.conf == s.conf) {
        s.debounce = o->second.debounce;
        s.last_status = o->second.last_status;
        s.reported = o->second.reported;
      }
    }
    close_unused_sockets();
    // 5. Tracking of kept instances is evaluated again; new ones start.
    for (auto& p : insts)
      if (p && kept.count(p->conf.name)) retrack(*p);
    for (InstanceId id : fresh) start_instance(*insts[id]);
    (void)old_cfg;
    return {};
  }

  void close_unused_sockets() {
    for (auto it = socks.begin(); it != socks.end();) {
      const auto [ifindex, fam, proto] = it->first;
      bool used = false;
      std::set<IpAddress> groups;
      for (auto& p : insts) {
        if (!p || p->ifindex != ifindex || static_cast<int>(p->family) != fam) continue;
        if (proto == kProtoAh && engine.instance(p->id).config().auth_type != AuthType::Ah) continue;
        used = true;
        if (!p->unicast) groups.insert(p->group);
      }
      if (!used) {
        it->second.s->close();
        it = socks.erase(it);
        continue;
      }
      for (auto g : std::set<IpAddress>(it->second.groups))
        if (!groups.count(g)) {
          it->second.s->leave(g);
          it->second.groups.erase(g);
        }
      ++it;
    }
  }

  // --- stop ---------------------------------------------------------------------------------

  void stop(std::function<void()> done) {
    if (stopping) {
      if (done) boost::asio::post(io, std::move(done));
      return;
    }
    stopping = true;
    if (startup_timer) startup_timer->cancel();
    for (auto& p : insts)
      if (p && p->started) deliver(p->id, Shutdown{});
    stop_trackers();
    for (auto& p : insts)
      if (p)
        for (auto& t : p->timers) t->cancel();
    // Let queued gratuitous ARPs go? No: a stopping router must not announce VIPs it removed.
    garps.clear();
    for (auto& [k, s] : socks) s.s->close();
    socks.clear();
    if (nl) nl->close();
    running = false;
    if (done) boost::asio::post(io, std::move(done));
  }
};

Runtime::Runtime(boost::asio::io_context& io, log::Logger& logger, ScriptHost& scripts, Options opts)
    : impl_(std::make_unique<Impl>(io, logger, scripts, opts)) {}

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

void Runtime::on_transition(std::function<void(const InstanceTransition&)> f) {
  impl_->transition_subs.push_back(std::move(f));
}

void Runtime::on_group_change(std::function<void(const GroupChange&)> f) { impl_->group_subs.push_back(std::move(f)); }

std::vector<InstanceInfo> Runtime::instances() const {
  std::vector<InstanceInfo> out;
  for (const auto& p : impl_->insts) {
    if (!p || !impl_->engine.exists(p->id)) continue;
    const auto& i = impl_->engine.instance(p->id);
    InstanceInfo info;
    info.name = p->conf.name;
    info.interface = p->ifname;
    info.vrid = i.config().vrid;
    info.version = i.config().version;
    info.family = p->family;
    info.state = i.state();
    info.base_priority = i.config().priority;
    info.effective_priority = i.priority();
    info.advert_interval = i.config().advert_interval;
    info.master_adver_interval = i.master_adver_interval();
    info.master_address = i.master_address();
    // keepalived reports the priority heard from the master; a master has heard none.
    info.master_priority = i.state() == State::Backup ? i.master_priority() : 0;
    info.source = p->src;
    info.group = p->group_name;
    info.wants_master = i.wants_master();
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

void Runtime::clear_stats() {
  for (auto& p : impl_->insts)
    if (p && impl_->engine.exists(p->id)) impl_->engine.instance(p->id).clear_stats();
  for (auto& [k, s] : impl_->socks) {
    s.info.received = 0;
    s.info.drops = {};
  }
}

}  // namespace stayalived::vrrp
