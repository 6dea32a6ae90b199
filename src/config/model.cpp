// Small helpers of the config model: names of enum values, lookups by name.
#include "stayalived/config/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace stayalived::config {

const std::string& SourceFiles::name(const Loc& loc) const {
  static const std::string empty;
  return loc.file < names.size() ? names[loc.file] : empty;
}

std::string Script::command_line() const {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

CheckerKind Checker::kind() const {
  if (const auto* h = std::get_if<HttpCheck>(&spec)) return h->ssl ? CheckerKind::Ssl : CheckerKind::Http;
  switch (spec.index()) {
    case 0: return CheckerKind::Tcp;
    case 2: return CheckerKind::Misc;
    case 3: return CheckerKind::Smtp;
    case 4: return CheckerKind::Dns;
    case 5: return CheckerKind::Udp;
    case 6: return CheckerKind::Ping;
    case 7: return CheckerKind::File;
    default: return CheckerKind::Bfd;
  }
}

namespace {

template <class T>
const T* find_named(const std::vector<T>& v, std::string_view name) {
  const auto it = std::find_if(v.begin(), v.end(), [&](const T& x) { return x.name == name; });
  return it == v.end() ? nullptr : &*it;
}

constexpr std::array<std::string_view, 14> kSchedulers = {
    "rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos"};
constexpr std::array<std::string_view, 7> kDnsTypes = {"A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA"};
constexpr std::array<std::string_view, 10> kCheckerNames = {
    "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "SMTP_CHECK",
    "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK"};

}  // namespace

const VrrpInstance* Config::find_vrrp_instance(std::string_view n) const { return find_named(vrrp_instances, n); }
const VrrpScript* Config::find_vrrp_script(std::string_view n) const { return find_named(vrrp_scripts, n); }
const TrackFile* Config::find_track_file(std::string_view n) const { return find_named(track_files, n); }
const TrackProcess* Config::find_track_process(std::string_view n) const { return find_named(track_processes, n); }
const BfdInstance* Config::find_bfd_instance(std::string_view n) const { return find_named(bfd_instances, n); }
const VirtualServerGroup* Config::find_virtual_server_group(std::string_view n) const {
  return find_named(virtual_server_groups, n);
}

Config Config::without_real_servers() const {
  // Every member but virtual_servers is copied as is (tests/unit/config checks with a config
  // that sets them all that nothing else differs).
  Config c;
  c.global = global;
  c.linkbeat_interfaces = linkbeat_interfaces;
  c.interface_up_down_delays = interface_up_down_delays;
  c.track_groups = track_groups;
  c.static_ipaddresses = static_ipaddresses;
  c.static_routes = static_routes;
  c.static_rules = static_rules;
  c.bfd_instances = bfd_instances;
  c.vrrp_scripts = vrrp_scripts;
  c.track_files = track_files;
  c.track_processes = track_processes;
  c.garp_groups = garp_groups;
  c.sync_groups = sync_groups;
  c.vrrp_instances = vrrp_instances;
  c.ssl = ssl;
  c.virtual_server_groups = virtual_server_groups;
  c.files = files;
  c.virtual_servers.reserve(virtual_servers.size());
  for (const VirtualServer& vs : virtual_servers) {
    // One virtual server's real servers are copied and dropped at a time.
    VirtualServer& v = c.virtual_servers.emplace_back(vs);
    std::vector<RealServer>().swap(v.real_servers);
  }
  return c;
}

std::string_view to_string(CheckerKind k) { return kCheckerNames[static_cast<std::size_t>(k)]; }
std::string_view to_string(Scheduler s) { return kSchedulers[static_cast<std::size_t>(s)]; }
std::string_view to_string(ForwardingMethod m) {
  switch (m) {
    case ForwardingMethod::Nat: return "NAT";
    case ForwardingMethod::Dr: return "DR";
    case ForwardingMethod::Tun: return "TUN";
  }
  return "?";
}
std::string_view to_string(VrrpState s) { return s == VrrpState::Master ? "MASTER" : "BACKUP"; }
std::string_view to_string(AuthType t) {
  switch (t) {
    case AuthType::Pass: return "PASS";
    case AuthType::Ah: return "AH";
    case AuthType::None: break;
  }
  return "";
}
std::string_view to_string(HttpProtocol p) {
  switch (p) {
    case HttpProtocol::Http10: return "1.0";
    case HttpProtocol::Http10Close: return "1.0C";
    case HttpProtocol::Http11: return "1.1";
  }
  return "?";
}
std::string_view to_string(DnsType t) { return kDnsTypes[static_cast<std::size_t>(t)]; }
std::string_view to_string(TunnelType t) {
  switch (t) {
    case TunnelType::Ipip: return "ipip";
    case TunnelType::Gue: return "gue";
    case TunnelType::Gre: return "gre";
  }
  return "?";
}
std::string_view to_string(TunnelChecksum c) {
  switch (c) {
    case TunnelChecksum::NoCsum: return "nocsum";
    case TunnelChecksum::Csum: return "csum";
    case TunnelChecksum::RemCsum: return "remcsum";
  }
  return "?";
}

std::optional<Scheduler> parse_scheduler(std::string_view name) {
  for (std::size_t i = 0; i < kSchedulers.size(); ++i)
    if (kSchedulers[i] == name) return static_cast<Scheduler>(i);
  return std::nullopt;
}

std::optional<DnsType> parse_dns_type(std::string_view name) {
  for (std::size_t i = 0; i < kDnsTypes.size(); ++i) {
    const auto& n = kDnsTypes[i];
    if (n.size() == name.size() &&
        std::equal(n.begin(), n.end(), name.begin(),
                   [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); }))
      return static_cast<DnsType>(i);
  }
  return std::nullopt;
}

}  // namespace stayalived::config
