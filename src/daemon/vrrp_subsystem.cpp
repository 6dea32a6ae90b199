#include "vrrp_subsystem.hpp"

#include "stayalived/metrics/exposition.hpp"
#include "stayalived/vrrp/subscribers.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace stayalived::daemon {

namespace {

std::string_view scope_word(std::uint8_t s) {
  switch (s) {
    case 0: return "global";
    case 200: return "site";
    case 253: return "link";
    case 254: return "host";
    case 255: return "nowhere";
    default: return {};
  }
}

// keepalived's VIP line in dumps: "192.0.2.100/24 dev eth0 scope global set".
std::string vip_line(const config::VirtualAddress& a, const std::string& iface, bool set) {
  std::string l = a.address.to_string();
  if (l.find('/') == std::string::npos) l += fmt::format("/{}", a.address.length);
  l += " dev " + a.dev.value_or(iface);
  const std::uint8_t scope = a.scope.value_or(0);
  const auto w = scope_word(scope);
  l += " scope " + (w.empty() ? std::to_string(scope) : std::string(w));
  if (set) l += " set";
  return l;
}

// "1795376080.203551 (Sun Nov 22 19:34:40.203551 2026)", keepalived's time stamps in dumps.
std::string time_stamp(std::chrono::system_clock::time_point t) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  ::localtime_r(&secs, &tm);
  char a[32], b[16];
  std::strftime(a, sizeof a, "%a %b %e %H:%M:%S", &tm);
  std::strftime(b, sizeof b, "%Y", &tm);
  return fmt::format("{}.{:06} ({}.{:06} {})", secs, us % 1000000, a, us % 1000000, b);
}

// keepalived's error counters (keepalived.stats and keepalived.json), from our drop reasons.
struct KeepalivedErrors {
  std::uint64_t length, ttl, type, interval, addr_list, auth_type, auth_mismatch, auth_failure;
};

KeepalivedErrors keepalived_errors(const vrrp::DropCounters& d) {
  using R = vrrp::DropReason;
  return {d[R::Truncated] + d[R::BadLength],       d[R::BadTtl] + d[R::TtlOutOfRange],
          d[R::BadType],                           d[R::BadInterval] + d[R::IntervalMismatch],
          d[R::AddressCount] + d[R::AddressList],  d[R::BadAuthType],
          d[R::AuthTypeMismatch],                  d[R::AuthFailure]};
}

std::string_view auth_name(const config::VrrpInstance& v) {
  if (!v.authentication) return "none";
  switch (v.authentication->type) {
    case config::AuthType::Pass: return "SIMPLE_PASSWORD";
    case config::AuthType::Ah: return "IPSEC_AH";
    case config::AuthType::None: break;
  }
  return "none";
}

// notify_deleted given: a removed instance is notified DELETED rather than FAULT.
bool notify_deleted(const config::VrrpInstance& v) { return v.notify.deleted_set || v.notify.deleted.has_value(); }

}  // namespace

VrrpSubsystem::VrrpSubsystem(boost::asio::io_context& io, log::Logger& logger, const Options& opts, NotifyHub& hub,
                             events::Bus& bus)
    : io_(io),
      log_(logger, log::Source::Vrrp),
      hub_(hub),
      host_(hub.notify_runner(), hub.track_runner(), logger, &fifos_),
      runtime_(io, logger, host_, bus, vrrp::Runtime::Options{opts.dont_release_vrrp, opts.release_vips, opts.address_monitoring}) {
  // The VRRP subscribers of the event stream: keepalived's log lines, notify scripts and
  // FIFO lines, and the dumps' time of each instance's last transition.
  vrrp::log_transitions(bus, log_);
  vrrp::run_notify_scripts(bus, host_,
                           vrrp::NotifyLookup{[this](std::string_view n) { return runtime_.instance_config(n); },
                                              [this] { return runtime_.config(); }});
  bus.on<events::VrrpInstanceTransition>([this](const events::VrrpInstanceTransition& t) {
    last_transition_[t.instance] = std::chrono::system_clock::now();
    last_event_[t.instance] = t;
  });
}

VrrpSubsystem::~VrrpSubsystem() = default;

const config::VrrpInstance* VrrpSubsystem::find(const std::string& name) const {
  if (!cfg_) return nullptr;
  for (const auto& v : cfg_->vrrp_instances)
    if (v.name == name) return &v;
  return nullptr;
}

void VrrpSubsystem::refresh_fifos() { fifos_ = hub_.fifos(); }

// VRRP never reads real servers: it keeps the configuration without them (see
// config::Config::without_real_servers), so that they are freed once the checkers have theirs.
void VrrpSubsystem::start(const ConfigPtr& full) {
  cfg_ = std::make_shared<const config::Config>(full->without_real_servers());
  refresh_fifos();
  host_.prepare(*cfg_);
  if (auto r = runtime_.start(cfg_); !r) log_.error("VRRP cannot start: {}", r.error().message);
}

void VrrpSubsystem::reload(const ConfigPtr& /*old_cfg*/, const ConfigPtr& full) {
  const ConfigPtr new_cfg = std::make_shared<const config::Config>(full->without_real_servers());
  refresh_fifos();
  host_.prepare(*new_cfg);
  // Keep the configuration the running instances were built from until the runtime has
  // taken the new one: transitions during apply() look their VIPs up in cfg_.
  auto previous = cfg_;
  cfg_ = new_cfg;
  if (auto r = runtime_.apply(new_cfg); !r) {
    log_.error("VRRP reload failed: {}", r.error().message);
    cfg_ = previous;
    return;
  }
  // keepalived restarts its FIFO scripts on a reload, and with this option tells them the
  // states; a reader of ours that missed the reload learns them the same way.
  if (cfg_->global.fifo_write_vrrp_states_on_reload) vrrp::write_states_to_fifos(runtime_.instances(), *cfg_, host_);
}

void VrrpSubsystem::stop(std::function<void()> done) {
  runtime_.stop([this, done = std::move(done)]() mutable {
    // notify_stop scripts were started by the runtime's stop; give them up to 2 s (40 looks,
    // 50 ms apart) before the daemon ends what is left.
    auto timer = std::make_shared<boost::asio::steady_timer>(io_);
    auto wait = std::make_shared<std::function<void(int)>>();
    *wait = [this, timer, wait, done](int left) mutable {
      if (hub_.notify_runner().stats().running == 0 || left == 0) {
        auto d = std::move(done);
        *wait = nullptr;  // break the self-reference
        d();
        return;
      }
      timer->expires_after(std::chrono::milliseconds(50));
      timer->async_wait([wait, left](const boost::system::error_code&) {
        if (*wait) (*wait)(left - 1);
      });
    };
    (*wait)(40);
  });
}

void VrrpSubsystem::write_data(std::string& out) const {
  out += "------< VRRP Topology >------\n";
  for (const auto& i : runtime_.instances()) {
    const auto* v = find(i.name);
    out += fmt::format(" VRRP Instance = {}\n", i.name);
    out += fmt::format("   VRRP Version = {}\n", i.version);
    if (i.group) out += fmt::format("   Sync group = {}\n", *i.group);
    out += fmt::format("   State = {}\n", vrrp::name(i.state));
    out += fmt::format("   Wantstate = {}\n", i.wants_master ? "MASTER" : vrrp::name(i.state));
    // An instance with a configuration fault is refused when the configuration is read.
    out += "   Number of config faults = 0\n";
    if (auto it = last_transition_.find(i.name); it != last_transition_.end())
      out += fmt::format("   Last transition = {}\n", time_stamp(it->second));
    if (v) {
      // RFC 5798's Master_Down_Interval: down_timer_adverts x Master_Adver_Interval + Skew_Time,
      // Skew_Time = (256 - priority) x Master_Adver_Interval / 256.
      const std::uint64_t adv_us = static_cast<std::uint64_t>(i.master_adver_interval.count()) * 10000;
      const std::uint64_t down_us = v->down_timer_adverts * adv_us + (256 - i.base_priority) * adv_us / 256;
      out += fmt::format("   Master down timer = {} usecs\n", down_us);
    }
    if (i.state == vrrp::State::Backup && i.master_address) {
      out += fmt::format("   Master router = {}\n", i.master_address->to_string());
      out += fmt::format("   Master priority = {}\n", i.master_priority);
      if (i.version == 3)
        out += fmt::format("   Master advert int = {:.2f} sec\n", static_cast<double>(i.master_adver_interval.count()) / 100.0);
    }
    out += fmt::format("   Interface = {}\n", i.interface);
    if (i.source) out += fmt::format("   Using src_ip = {}\n", i.source->to_string());
    if (v) {
      if (!v->unicast_peers.empty()) {
        out += "   Unicast Peer :\n";
        for (const auto& p : v->unicast_peers)
          out += fmt::format("     {} min_ttl {} max_ttl {}\n", p.address.to_string(), p.min_ttl.value_or(0),
                             p.max_ttl.value_or(255));
      } else if (v->mcast_dst_ip) {
        out += fmt::format("   Multicast address {}\n", v->mcast_dst_ip->to_string());
      } else {
        out += fmt::format("   Multicast address {}\n", i.family == vrrp::Family::Inet ? "224.0.0.18" : "ff02::12");
      }
      out += fmt::format("   Gratuitous ARP delay = {}\n", v->garp_master_delay.count());
      out += fmt::format("   Gratuitous ARP repeat = {}\n", v->garp_master_repeat);
      out += fmt::format("   Gratuitous ARP refresh = {}\n", v->garp_master_refresh.count());
      out += fmt::format("   Gratuitous ARP refresh repeat = {}\n", v->garp_master_refresh_repeat);
      out += fmt::format("   Gratuitous ARP lower priority delay = {}\n", v->garp_lower_prio_delay.count());
      out += fmt::format("   Gratuitous ARP lower priority repeat = {}\n", v->garp_lower_prio_repeat);
      out += fmt::format("   Down timer adverts = {}\n", v->down_timer_adverts);
      out += fmt::format("   Send advert after receive lower priority advert = {}\n",
                         v->lower_prio_no_advert ? "false" : "true");
      out += fmt::format("   Send advert after receive higher priority advert = {}\n",
                         v->higher_prio_send_advert ? "true" : "false");
    }
    out += fmt::format("   Virtual Router ID = {}\n", i.vrid);
    out += fmt::format("   Priority = {}\n", i.base_priority);
    out += fmt::format("   Effective priority = {}\n", i.effective_priority);
    const auto cs = i.advert_interval.count();
    if (cs % 100 == 0)
      out += fmt::format("   Advert interval = {} sec\n", cs / 100);
    else
      out += fmt::format("   Advert interval = {} milli-sec\n", cs * 10);
    if (v) {
      out += fmt::format("   Accept = {}\n", v->accept.value_or(!v->strict_mode) ? "enabled" : "disabled");
      out += fmt::format("   Preempt = {}\n", v->nopreempt ? "disabled" : "enabled");
      if (v->preempt_delay.count() > 0)
        out += fmt::format("   Preempt delay = {} secs\n", v->preempt_delay.count() / 1000000.0);
      out += fmt::format("   Promote_secondaries = {}\n", v->promote_secondaries ? "enabled" : "disabled");
      out += fmt::format("   Authentication type = {}\n", auth_name(*v));
      const std::string iface = v->interface.value_or(i.interface);
      const bool set = i.state == vrrp::State::Master;
      out += fmt::format("   Virtual IP ({}):\n", v->virtual_ipaddress.size());
      for (const auto& a : v->virtual_ipaddress) out += "     " + vip_line(a, iface, set) + "\n";
      if (!v->virtual_ipaddress_excluded.empty()) {
        out += "   Virtual IP Excluded :\n";
        for (const auto& a : v->virtual_ipaddress_excluded) out += "     " + vip_line(a, iface, set) + "\n";
      }
      out += fmt::format("   Using smtp notification = {}\n", v->smtp_alert.value_or(false) ? "yes" : "no");
      out += fmt::format("   Notify deleted = {}\n", notify_deleted(*v) ? "Deleted" : "Fault");
      out += fmt::format("   Notify priority changes = {}\n", v->notify_priority_changes ? "true" : "false");
    }
  }
  out += "------< VRRP Sockpool >------\n";
  for (const auto& s : runtime_.sockets()) {
    out += fmt::format("   Interface = {}\n", s.interface);
    out += fmt::format("   Family = {}\n", s.family == vrrp::Family::Inet ? "IPv4" : "IPv6");
    out += fmt::format("   Protocol = {}\n", s.protocol == 51 ? "AH" : "VRRP");
    out += fmt::format("   Received = {}\n", s.received);
    out += fmt::format("   Dropped = {}\n", s.drops.total());
    out += "   VRRP instances\n";
    for (const auto& i : runtime_.instances())
      if (i.interface == s.interface && i.family == s.family) {
        const auto* v = find(i.name);
        const bool ah = v && v->authentication && v->authentication->type == config::AuthType::Ah;
        if (ah == (s.protocol == 51)) out += fmt::format("     {} vrid {}\n", i.name, i.vrid);
      }
  }
}

void VrrpSubsystem::write_stats(std::string& out, bool clear) {
  for (const auto& i : runtime_.instances()) {
    const auto& s = i.stats;
    out += fmt::format("VRRP Instance: {}\n", i.name);
    out += "  Advertisements:\n";
    out += fmt::format("    Received: {}\n", s.adverts_received);
    out += fmt::format("    Sent: {}\n", s.adverts_sent);
    out += fmt::format("  Became master: {}\n", s.became_master);
    out += fmt::format("  Released master: {}\n", s.released_master);
    const auto e = keepalived_errors(s.drops);
    out += "  Packet Errors:\n";
    out += fmt::format("    Length: {}\n", e.length);
    out += fmt::format("    TTL: {}\n", e.ttl);
    out += fmt::format("    Invalid Type: {}\n", e.type);
    out += fmt::format("    Advertisement Interval: {}\n", e.interval);
    out += fmt::format("    Address List: {}\n", e.addr_list);
    out += "  Authentication Errors:\n";
    out += fmt::format("    Invalid Type: {}\n", e.auth_type);
    out += fmt::format("    Type Mismatch: {}\n", e.auth_mismatch);
    out += fmt::format("    Failure: {}\n", e.auth_failure);
    out += "  Priority Zero:\n";
    out += fmt::format("    Received: {}\n", s.priority_zero_received);
    out += fmt::format("    Sent: {}\n", s.priority_zero_sent);
  }
  if (clear) runtime_.clear_stats();
}

void VrrpSubsystem::write_json(boost::json::object& root) const {
  using R = vrrp::DropReason;
  boost::json::array arr;
  for (const auto& i : runtime_.instances()) {
    const auto* v = find(i.name);
    boost::json::object data;
    data["iname"] = i.name;
    data["dont_track_primary"] = v && v->dont_track_primary ? 1 : 0;
    data["skip_check_adv_addr"] = v && v->skip_check_adv_addr ? 1 : 0;
    data["strict_mode"] = v && v->strict_mode ? 1 : 0;
    data["vmac_ifname"] = "";
    data["ifp_ifname"] = i.interface;
    data["master_priority"] = i.master_priority;
    const auto lt = last_transition_.find(i.name);
    data["last_transition"] = lt == last_transition_.end() ? 0.0 : epoch_seconds(lt->second);
    if (v) {
      data["garp_delay"] = v->garp_master_delay.count();
      data["garp_refresh"] = v->garp_master_refresh.count();
      data["garp_rep"] = v->garp_master_repeat;
      data["garp_refresh_rep"] = v->garp_master_refresh_repeat;
      data["garp_lower_prio_delay"] = v->garp_lower_prio_delay.count();
      data["garp_lower_prio_rep"] = v->garp_lower_prio_repeat;
      data["lower_prio_no_advert"] = v->lower_prio_no_advert ? 1 : 0;
      data["higher_prio_send_advert"] = v->higher_prio_send_advert ? 1 : 0;
    }
    data["vrid"] = i.vrid;
    data["base_priority"] = i.base_priority;
    data["effective_priority"] = i.effective_priority;
    data["vipset"] = i.state == vrrp::State::Master;
    data["promote_secondaries"] = v && v->promote_secondaries;
    data["adver_int"] = static_cast<double>(i.advert_interval.count()) / 100.0;
    data["master_adver_int"] = static_cast<double>(i.master_adver_interval.count()) / 100.0;
    data["accept"] = v && v->accept.value_or(!v->strict_mode) ? 1 : 0;
    data["nopreempt"] = v && v->nopreempt;
    data["preempt_delay"] = v ? static_cast<double>(v->preempt_delay.count()) / 1e6 : 0.0;
    data["state"] = static_cast<int>(i.state);
    data["wantstate"] = i.wants_master ? 2 : static_cast<int>(i.state);
    data["version"] = i.version;
    data["smtp_alert"] = v && v->smtp_alert.value_or(false);
    data["notify_deleted"] = v && notify_deleted(*v);
    boost::json::array vips, evips;
    if (v) {
      const std::string iface = v->interface.value_or(i.interface);
      const bool set = i.state == vrrp::State::Master;
      for (const auto& a : v->virtual_ipaddress) vips.emplace_back(vip_line(a, iface, set));
      for (const auto& a : v->virtual_ipaddress_excluded) evips.emplace_back(vip_line(a, iface, set));
    }
    data["vips"] = std::move(vips);
    if (!evips.empty()) data["evips"] = std::move(evips);
    data["auth_type"] = v && v->authentication ? static_cast<int>(v->authentication->type) : 0;
    if (i.group) data["sync_group"] = *i.group;

    const auto& s = i.stats;
    const auto& d = s.drops;
    boost::json::object stats;
    stats["advert_rcvd"] = s.adverts_received;
    stats["advert_sent"] = s.adverts_sent;
    stats["become_master"] = s.became_master;
    stats["release_master"] = s.released_master;
    const auto e = keepalived_errors(d);
    stats["packet_len_err"] = e.length;
    stats["advert_interval_err"] = e.interval;
    stats["ip_ttl_err"] = e.ttl;
    stats["invalid_type_rcvd"] = e.type;
    stats["addr_list_err"] = e.addr_list;
    stats["invalid_authtype"] = e.auth_type;
    stats["authtype_mismatch"] = e.auth_mismatch;
    stats["auth_failure"] = e.auth_failure;
    stats["pri_zero_rcvd"] = s.priority_zero_received;
    stats["pri_zero_sent"] = s.priority_zero_sent;
    // Beyond keepalived: every drop reason by name (codec.hpp), and send errors.
    boost::json::object by_reason;
    for (std::size_t r = 0; r < vrrp::kDropReasons; ++r)
      by_reason[std::string(vrrp::name(static_cast<R>(r)))] = d.by_reason[r];
    stats["drops"] = std::move(by_reason);
    stats["send_errors"] = s.send_errors;
    stats["lower_prio_unanswered"] = s.lower_priority_unanswered;
    stats["lower_prio_unlogged"] = s.lower_priority_unlogged;

    boost::json::object entry;
    entry["data"] = std::move(data);
    entry["stats"] = std::move(stats);
    arr.push_back(std::move(entry));
  }
  root["vrrp"] = std::move(arr);
}

std::string VrrpSubsystem::status() const {
  std::string s;
  for (const auto& i : runtime_.instances())
    s += (s.empty() ? "" : ", ") + i.name + " " + std::string(vrrp::name(i.state));
  return s;
}

// Prometheus: keepalived-exporter's families and labels (github.com/mehdy/keepalived-exporter,
// internal/collector/collector.go), from the same counters as keepalived.json, so that its
// dashboards and alerts work unchanged; then ours (stayalived_*).
void VrrpSubsystem::write_metrics(metrics::Exposition& x) const {
  using R = vrrp::DropReason;
  const auto instances = runtime_.instances();
  for (const auto& i : instances) {
    const auto* v = find(i.name);
    const std::string vrid = std::to_string(i.vrid);
    const double state = static_cast<double>(static_cast<int>(i.state));  // INIT 0, BACKUP 1, MASTER 2, FAULT 3
    // keepalived_vrrp_state: one sample per VIP, its address and device taken from the VIP
    // line as the exporter does ("192.0.2.100/24 dev eth0 scope global"); one with an empty
    // ip_address when the instance has none.
    const auto per_vip = [&](std::string_view family, std::string_view help,
                             const std::vector<config::VirtualAddress>& vips, bool always) {
      const std::string iface = v && v->interface ? *v->interface : i.interface;
      for (const auto& a : vips) {
        const std::string line = vip_line(a, iface, false);
        const auto sp = line.find(' ');
        const std::string ip = line.substr(0, sp);
        const std::string dev = a.dev.value_or(iface);
        x.gauge(family, help, {{"iname", i.name}, {"intf", dev}, {"vrid", vrid}, {"ip_address", ip}}, state);
      }
      if (vips.empty() && always)
        x.gauge(family, help, {{"iname", i.name}, {"intf", i.interface}, {"vrid", vrid}, {"ip_address", ""}}, state);
    };
    static const std::vector<config::VirtualAddress> none;
    per_vip("keepalived_vrrp_state", "State of vrrp", v ? v->virtual_ipaddress : none, true);
    per_vip("keepalived_vrrp_excluded_state", "State of vrrp with excluded VIP",
            v ? v->virtual_ipaddress_excluded : none, false);
  }
  const auto counters = [&](std::string_view family, std::string_view help, auto value) {
    for (const auto& i : instances)
      x.counter(family, help, {{"iname", i.name}, {"intf", i.interface}, {"vrid", std::to_string(i.vrid)}},
                static_cast<double>(value(i)));
  };
  counters("keepalived_gratuitous_arp_delay_total", "Gratuitous ARP delay", [&](const vrrp::InstanceInfo& i) {
    const auto* v = find(i.name);
    return v ? v->garp_master_delay.count() : 0;
  });
  using I = const vrrp::InstanceInfo&;
  counters("keepalived_advertisements_received_total", "Advertisements received", [](I i) { return i.stats.adverts_received; });
  counters("keepalived_advertisements_sent_total", "Advertisements sent", [](I i) { return i.stats.adverts_sent; });
  counters("keepalived_become_master_total", "Became master", [](I i) { return i.stats.became_master; });
  counters("keepalived_release_master_total", "Released master", [](I i) { return i.stats.released_master; });
  counters("keepalived_packet_length_errors_total", "Packet length errors",
           [](I i) { return keepalived_errors(i.stats.drops).length; });
  counters("keepalived_advertisements_interval_errors_total", "Advertisement interval errors",
           [](I i) { return keepalived_errors(i.stats.drops).interval; });
  counters("keepalived_ip_ttl_errors_total", "TTL errors", [](I i) { return keepalived_errors(i.stats.drops).ttl; });
  counters("keepalived_invalid_type_received_total", "Invalid type errors",
           [](I i) { return keepalived_errors(i.stats.drops).type; });
  counters("keepalived_address_list_errors_total", "Address list errors",
           [](I i) { return keepalived_errors(i.stats.drops).addr_list; });
  counters("keepalived_authentication_invalid_total", "Authentication invalid",
           [](I i) { return keepalived_errors(i.stats.drops).auth_type; });
  counters("keepalived_authentication_mismatch_total", "Authentication mismatch",
           [](I i) { return keepalived_errors(i.stats.drops).auth_mismatch; });
  counters("keepalived_authentication_failure_total", "Authentication failure",
           [](I i) { return keepalived_errors(i.stats.drops).auth_failure; });
  counters("keepalived_priority_zero_received_total", "Priority zero received",
           [](I i) { return i.stats.priority_zero_received; });
  counters("keepalived_priority_zero_sent_total", "Priority zero sent", [](I i) { return i.stats.priority_zero_sent; });

  // keepalived-exporter reads these from keepalived.data's "VRRP Script" section: status
  // BAD 0 / GOOD 1, state idle 0 / running 1 (its list goes on with the two termination
  // states, which our runner does not report).
  for (const auto& sc : runtime_.scripts()) {
    x.gauge("keepalived_script_status", "Tracker Script Status", {{"name", sc.name}}, sc.good ? 1 : 0);
    x.gauge("keepalived_script_state", "Tracker Script State", {{"name", sc.name}}, sc.running ? 1 : 0);
  }

  // Ours.
  counters("stayalived_vrrp_send_errors_total", "Adverts that could not be sent", [](I i) { return i.stats.send_errors; });
  for (const auto& i : instances) {
    const std::string vrid = std::to_string(i.vrid);
    const metrics::Labels l{{"iname", i.name}, {"intf", i.interface}, {"vrid", vrid}};
    x.gauge("stayalived_vrrp_base_priority", "Configured priority", l, i.base_priority);
    x.gauge("stayalived_vrrp_effective_priority", "Priority after tracking weights", l, i.effective_priority);
    x.gauge("stayalived_vrrp_master_priority", "Priority in the master's last advert (BACKUP), else 0", l,
            i.master_priority);
    const auto lt = last_transition_.find(i.name);
    x.gauge("stayalived_vrrp_last_transition_timestamp_seconds", "Time of the instance's last state change (0: none)",
            l, lt == last_transition_.end() ? 0.0 : epoch_seconds(lt->second));
  }
  constexpr std::string_view drop_help = "Adverts dropped for this instance, by reason";
  for (std::size_t r = 0; r < vrrp::kDropReasons; ++r)
    for (const auto& i : instances)
      x.counter("stayalived_vrrp_adverts_dropped_total", drop_help,
                {{"iname", i.name}, {"intf", i.interface}, {"vrid", std::to_string(i.vrid)},
                 {"reason", vrrp::name(static_cast<R>(r))}},
                static_cast<double>(i.stats.drops.by_reason[r]));
  constexpr std::string_view sock_help = "Adverts dropped by a VRRP socket before an instance was found, by reason";
  for (const auto& s : runtime_.sockets()) {
    const std::string_view fam = s.family == vrrp::Family::Inet ? "ipv4" : "ipv6";
    const std::string_view proto = s.protocol == 51 ? "ah" : "vrrp";
    x.counter("stayalived_vrrp_socket_received_total", "Packets received by a VRRP socket",
              {{"intf", s.interface}, {"family", fam}, {"protocol", proto}}, static_cast<double>(s.received));
    for (std::size_t r = 0; r < vrrp::kDropReasons; ++r)
      if (s.drops.by_reason[r] != 0)
        x.counter("stayalived_vrrp_socket_adverts_dropped_total", sock_help,
                  {{"intf", s.interface}, {"family", fam}, {"protocol", proto}, {"reason", vrrp::name(static_cast<R>(r))}},
                  static_cast<double>(s.drops.by_reason[r]));
  }
}

}  // namespace stayalived::daemon
