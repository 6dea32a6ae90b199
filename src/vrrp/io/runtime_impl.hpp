// The VRRP shell's state and its rooms (private to src/vrrp/io). One Impl, its member
// functions defined by topic:
//   runtime.cpp       dispatch (events in, the core's actions out), transitions published on
//                     the event stream, start, stop, the public Runtime
//   adverts.cpp       advert sockets: sending, receiving, refused packets
//   addresses.cpp     VIPs, routes, rules, gratuitous ARP/NA, the kernel's interface and
//                     address tables and their changes
//   tracker_host.cpp  tracked interfaces, vrrp_scripts, track_files, track_processes
//   reload.cpp        apply(): a new configuration, hitless for unchanged instances
// Every instance is built by make_inst from vrrp::instance_setup, at start and at reload.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <climits>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "ports.hpp"
#include "stayalived/common/event_stream.hpp"
#include "stayalived/common/rate_limit.hpp"
#include "stayalived/vrrp/engine.hpp"
#include "stayalived/vrrp/from_config.hpp"
#include "stayalived/vrrp/runtime.hpp"
#include "trackers.hpp"

namespace stayalived::vrrp {

/// Log rate of one drop reason: a burst of 5 lines, then one per second, per reason.
std::array<RateLimiter, kDropReasons> make_drop_limiters();

struct Runtime::Impl {
  Impl(boost::asio::io_context& io_, log::Logger& logger, ScriptHost& host_, events::Bus& bus_, Options o,
       std::unique_ptr<Ports> p)
      : io(io_), log(logger, log::Source::Vrrp), host(host_), bus(bus_), opts(o), ports(std::move(p)) {}

  // --- state ---------------------------------------------------------------------------

  struct Inst {
    InstanceId id = 0;
    config::VrrpInstance conf;
    InstanceSetup setup;
    int ifindex = 0;
    std::optional<IpAddress> src;  // what we send from now
    std::optional<IpAddress> tracked_src;  // track_src_ip: the address that must stay
    std::uint16_t ip_id = 0;
    std::uint32_t ah_seq = 0;
    ChecksumKind send_checksum = ChecksumKind::Standard;  // may switch to the peer's old one
    std::map<std::string, bool> item_fault;  // per tracked file/process: last fault, for the log
    std::array<std::unique_ptr<boost::asio::steady_timer>, kTimers> timers;
    // One limiter per drop reason: a flood of one kind cannot hide another kind.
    std::array<RateLimiter, kDropReasons> drop_log = make_drop_limiters();
    RateLimiter send_log{1.0, 3.0};
    std::set<IpAddress> removing;  // addresses we deleted: their removal is no news
    std::optional<IpAddress> heard;  // the master heard before the current event (for its cause)
    std::uint8_t heard_priority = 0;
    bool deleting = false;
    bool started = false;

    const std::string& name() const { return conf.name; }
    const std::string& ifname() const { return setup.interface; }
    Family family() const { return setup.family; }
  };

  struct Sock {
    std::unique_ptr<AdvertPort> s;
    std::uint32_t rx_buffer = 0;  // SO_RCVBUF set, 0: the kernel's
    std::set<IpAddress> groups;
    SocketInfo info;
    std::array<RateLimiter, kDropReasons> log = make_drop_limiters();
  };

  struct ScriptState {
    config::VrrpScript conf;
    ScriptDebounce debounce;
    std::unique_ptr<boost::asio::steady_timer> timer;
    bool running = false;
    int last_status = INT_MIN;
    std::chrono::system_clock::time_point last_result{};  // for explain
    std::string last_why;                                  // the last failure's words
    bool reported = false;  // first result logged
  };

  boost::asio::io_context& io;
  log::Channel log;
  ScriptHost& host;
  events::Bus& bus;
  Options opts;
  std::unique_ptr<Ports> ports;
  std::shared_ptr<const config::Config> cfg;
  std::unique_ptr<NetlinkPort> nl;
  std::map<int, LinkInfo> links;
  std::vector<AddrInfo> addrs;
  // Per (interface, family): the address last reported as "Assigned address ... for interface".
  std::map<std::pair<int, Family>, IpAddress> assigned;
  Engine engine;
  std::vector<std::unique_ptr<Inst>> insts;  // by InstanceId
  std::map<std::tuple<int, int, int>, Sock> socks;
  std::map<int, std::unique_ptr<GarpPort>> garps;
  // The VRRP firewall (firewall.hpp): opened with the first instance that needs it; the
  // addresses it drops, by instance (a Master that does not accept).
  // interface_up_down_delays: a link's change of state waits its delay before the
  // instances see it; meanwhile they see the state it had (a flap within the delay is none).
  struct LinkDelay {
    bool shown_usable = false;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  std::map<std::string, LinkDelay> link_delays;
  std::unique_ptr<FirewallPort> fw;
  FirewallOptions fw_options;
  std::map<std::string, std::vector<DroppedAddress>> fw_dropped;
  std::map<std::string, ScriptState> scripts;
  std::unique_ptr<TrackFiles> files;
  std::map<std::string, std::int64_t> file_values;
  std::unique_ptr<ProcessWatcher> procs;
  std::unique_ptr<boost::asio::steady_timer> startup_timer;
  std::vector<events::Event> pending;  // published once the actions that caused them are done
  int executing = 0;
  bool stopping = false;
  bool running = false;

  Inst* inst(InstanceId id) { return id < insts.size() ? insts[id].get() : nullptr; }
  Inst* inst_named(std::string_view name) const;

  // --- runtime.cpp: dispatch ----------------------------------------------------------------
  void deliver(InstanceId id, const Event& e);
  void execute(const EngineOutput& out);
  void act(Inst& in, const Action& a);
  void arm(Inst& in, TimerId id, TimePoint at);
  void transition(Inst& in, const Transition& t);
  void group_changed(const GroupTransition& g);
  void note(Inst& in, const Note& n);
  void dropped(Inst& in, const Dropped& d);
  void publish(events::Event e);
  Result<> start(std::shared_ptr<const config::Config> c);
  void start_instance(Inst& in);
  void build_groups();
  std::unique_ptr<Inst> make_inst(const config::VrrpInstance& vi);
  void stop(std::function<void()> done);

  // --- adverts.cpp ------------------------------------------------------------------------
  Sock* sock_for(int ifindex, Family f, int proto);
  void send_advert(Inst& in, std::uint8_t prio);
  void received(Sock& s, int ifindex, Family fam, std::span<const std::uint8_t> bytes, const Ipv6Meta& meta);
  void wire_drop(Sock& s, int ifindex, Family fam, DropReason r, const Peek& pk);
  Result<> ensure_socket(Inst& in, int proto);
  std::uint32_t rx_buffer_size(const std::tuple<int, int, int>& key) const;
  void open_io(Inst& in);
  void close_unused_sockets();

  // --- addresses.cpp ------------------------------------------------------------------------
  std::optional<LinkInfo> link_named(const std::string& name) const;
  bool is_our_vip(const IpAddress& a) const;
  std::optional<IpAddress> primary_address(int ifindex, Family f) const;
  void refresh_source(Inst& in);
  void log_interface_addresses(int ifindex);
  int ifindex_of(const std::optional<std::string>& dev, int fallback) const;
  bool uses_interface(const std::string& name) const;
  std::vector<AddressSpec> vip_specs(const config::VrrpInstance& conf, int ifindex, Family fam, bool excluded) const;
  std::vector<AddressSpec> vip_specs(const Inst& in, bool excluded) const {
    return vip_specs(in.conf, in.ifindex, in.family(), excluded);
  }
  std::vector<RouteSpec> route_specs(const config::VrrpInstance& conf) const;
  /// Routes with their interfaces resolved (virtual or static).
  std::vector<RouteSpec> route_specs(const std::vector<config::Route>& routes) const;
  void set_addresses(Inst& in, bool add);
  /// Records what `in` has dropped by the firewall (its VIPs and E-VIPs when `master` and it
  /// does not accept; nothing otherwise) and brings the tables in line.
  void firewall(const Inst& in, const config::VrrpInstance& conf, bool master);
  void sync_firewall();
  Result<> remove_address(Inst& in, const AddressSpec& s);
  void address_removed(const AddrInfo& ai);
  void log_address_change(const AddrInfo& a, bool added);
  void gratuitous(Inst& in, unsigned repeat);
  void ensure_garp(int ifindex);
  void net_event(const NetEvent& ev);
  void resync();
  void follow_interface(const std::string& name, int index);
  /// Whether the instances see interface `name` usable (interface_up_down_delays).
  bool link_usable(const std::string& name) const;
  /// A link's usability changed: now, or after its delay. True if it is delayed.
  bool delay_link_change(const std::string& name, bool was, bool now);
  void reconcile_addresses(const std::vector<std::pair<Inst*, config::VrrpInstance>>& masters);

  // --- statics.cpp ------------------------------------------------------------------------
  std::vector<AddressSpec> static_address_specs(const config::Config& c) const;
  /// Adds the static addresses, routes and rules of `cfg` (after removing those only `old`
  /// had, on a reload).
  void install_statics(const config::Config* old);
  /// At the stop (unless -V): the static addresses, routes and rules go, as keepalived's.
  void remove_statics();
  void static_address_removed(const AddrInfo& ai);
  void static_link_appeared(const LinkInfo& link);

  // --- tracker_host.cpp -----------------------------------------------------------------
  struct Observed {
    TrackInput input;
    std::string failing;  // "interface eth1 down": the Fault event's words for it
  };
  std::vector<Observed> observe(const Inst& in) const;
  TrackingUpdate evaluate_tracking(Inst& in, bool log_items);
  static bool no_peer_fault(const config::VrrpInstance& v);
  std::vector<std::string> faults_of(const Inst& in);
  void retrack(Inst& in);
  void retrack_where(const std::function<bool(const TrackSpec&)>& pred);
  void start_script(ScriptState& st);
  void run_script(ScriptState& st);
  void start_trackers();
  void init_track_file(const config::TrackFile& f);
  void stop_trackers();

  // --- reload.cpp ---------------------------------------------------------------------------
  Result<> apply(std::shared_ptr<const config::Config> c);
  static bool same_identity(const Inst& in, const config::VrrpInstance& vi);
};

}  // namespace stayalived::vrrp
