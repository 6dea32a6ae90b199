// Address, route and rule lines (virtual_ipaddress[_excluded], static_ipaddress,
// virtual_routes, static_routes, virtual_rules, static_rules). The syntax is that of
// `ip address add`, `ip route add` and `ip rule add` as keepalived.conf(5) describes it;
// the acceptance follows keepalived 2.2.7: an unknown option word on an address line is
// warned about and skipped, an unparsable address drops the line, an unknown route word
// drops the route, an unknown rule word is skipped.
#include "addr_lines.hpp"

#include <fmt/format.h>

#include <array>

#include "values.hpp"

namespace stayalived::config::detail {

namespace {

struct Named {
  std::string_view name;
  std::uint32_t value;
};

// rt_scope names (ip-address(8)).
constexpr std::array<Named, 5> kScopes{{{"global", 0}, {"site", 200}, {"link", 253}, {"host", 254}, {"nowhere", 255}}};
// Built-in routing tables (/etc/iproute2/rt_tables as shipped).
constexpr std::array<Named, 4> kTables{{{"unspec", 0}, {"default", 253}, {"main", 254}, {"local", 255}}};
// Route protocols (/etc/iproute2/rt_protos as shipped, and keepalived's own 18).
constexpr std::array<Named, 16> kProtos{{{"unspec", 0},
                                         {"redirect", 1},
                                         {"kernel", 2},
                                         {"boot", 3},
                                         {"static", 4},
                                         {"gated", 8},
                                         {"ra", 9},
                                         {"mrt", 10},
                                         {"zebra", 11},
                                         {"bird", 12},
                                         {"dnrouted", 13},
                                         {"xorp", 14},
                                         {"ntk", 15},
                                         {"dhcp", 16},
                                         {"keepalived", 18},
                                         {"babel", 42}}};
constexpr std::array<Named, 10> kRouteTypes{{{"unicast", 0},
                                             {"local", 1},
                                             {"broadcast", 2},
                                             {"anycast", 3},
                                             {"multicast", 4},
                                             {"blackhole", 5},
                                             {"unreachable", 6},
                                             {"prohibit", 7},
                                             {"throw", 8},
                                             {"nat", 9}}};

template <std::size_t N>
std::optional<std::uint32_t> lookup(const std::array<Named, N>& table, std::string_view name) {
  for (const auto& n : table)
    if (n.name == name) return n.value;
  return std::nullopt;
}

std::optional<std::uint32_t> number_or_name(std::string_view w, std::uint32_t max, std::optional<std::uint32_t> named) {
  if (named) return named;
  std::int64_t v = 0;
  if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
    std::uint64_t h = 0;
    for (char c : w.substr(2)) {
      const int d = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
      if (d < 0 || h > 0xffffffffULL) return std::nullopt;
      h = h * 16 + static_cast<unsigned>(d);
    }
    if (h > max) return std::nullopt;
    return static_cast<std::uint32_t>(h);
  }
  if (parse_int(w, 0, max, v) != NumError::Ok) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

// A word after an option keyword, or a warning that it is missing.
const Word* value_after(Builder& b, const Stmt& s, std::size_t i, std::string_view opt) {
  if (i < s.args.size()) return &s.args[i];
  // keepalived stops reading the configuration here (exit 2).
  b.diags.error(s.arg_loc(i - 1), fmt::format("'{}' needs a value on this line", opt));
  return nullptr;
}

// All the words of the line: the head then the arguments.
std::vector<Word> words_of(const Stmt& s) {
  std::vector<Word> w;
  w.reserve(s.args.size() + 1);
  w.push_back(s.head);
  w.insert(w.end(), s.args.begin(), s.args.end());
  return w;
}

Stmt as_stmt(const Stmt& s) {
  // An item line whose words are all "arguments": handlers index from 0 = head.
  Stmt t;
  t.head = Word{"", false, s.head.column};
  t.args = words_of(s);
  t.loc = s.loc;
  return t;
}

std::optional<std::uint32_t> parse_realms(std::string_view w) {
  const auto slash = w.find('/');
  std::int64_t from = 0, to = 0;
  if (slash == std::string_view::npos) {
    if (parse_int(w, 0, 0xffff, to) != NumError::Ok) return std::nullopt;
    return static_cast<std::uint32_t>(to);
  }
  if (parse_int(w.substr(0, slash), 0, 0xffff, from) != NumError::Ok ||
      parse_int(w.substr(slash + 1), 0, 0xffff, to) != NumError::Ok)
    return std::nullopt;
  return static_cast<std::uint32_t>((from << 16) | to);
}

std::optional<Range32> parse_range(std::string_view w, std::uint32_t max, bool require_dash) {
  const auto dash = w.find('-');
  std::int64_t a = 0, b = 0;
  if (dash == std::string_view::npos) {
    if (require_dash || parse_int(w, 0, max, a) != NumError::Ok) return std::nullopt;
    return Range32{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a)};
  }
  if (parse_int(w.substr(0, dash), 0, max, a) != NumError::Ok || parse_int(w.substr(dash + 1), 0, max, b) != NumError::Ok ||
      b < a)
    return std::nullopt;
  return Range32{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(b)};
}

}  // namespace

std::optional<std::uint8_t> parse_scope(std::string_view w) {
  if (auto v = number_or_name(w, 255, lookup(kScopes, w))) return static_cast<std::uint8_t>(*v);
  return std::nullopt;
}

std::string_view scope_name(std::uint8_t v) {
  for (const auto& n : kScopes)
    if (n.value == v) return n.name;
  return {};
}

std::string_view protocol_name(std::uint8_t v) {
  for (const auto& n : kProtos)
    if (n.value == v) return n.name;
  return {};
}

std::string_view route_type_name(RouteType t) { return kRouteTypes[static_cast<std::size_t>(t)].name; }

std::optional<VirtualAddress> parse_address_line(Builder& b, const Stmt& item, AddressLine kind) {
  const Stmt s = as_stmt(item);
  const auto& w = s.args;
  VirtualAddress a;
  a.loc = item.loc;
  const auto& first = w[0].text;
  const auto slash = first.find('/');
  auto ip = IpAddress::parse(std::string_view(first).substr(0, slash));
  if (!ip) {
    b.warn(s, 0, fmt::format("'{}' is not a valid IP address; address line ignored", first));
    return std::nullopt;
  }
  a.address = IpPrefix{*ip, ip->max_prefix()};
  if (slash != std::string::npos) {
    std::int64_t len = 0;
    if (parse_int(std::string_view(first).substr(slash + 1), 0, ip->max_prefix(), len) == NumError::Ok) {
      a.address.length = static_cast<std::uint8_t>(len);
    } else {
      b.warn(s, 0, fmt::format("invalid prefix length in '{}' (0..{}); /{} is used", first, ip->max_prefix(),
                               ip->max_prefix()));
    }
  }
  for (std::size_t i = 1; i < w.size(); ++i) {
    const std::string_view opt = w[i].text;
    const auto need = [&](std::string_view what) -> const Word* {
      if (i + 1 < w.size()) return &w[++i];
      b.warn(s, i, fmt::format("'{}' on an address line needs {}; ignored", opt, what));
      return nullptr;
    };
    if (opt == "dev") {
      if (const auto* v = need("an interface name")) a.dev = v->text;
    } else if (opt == "brd" || opt == "broadcast") {
      if (const auto* v = need("an address, '+' or '-'")) {
        if (v->text == "+") a.broadcast_mode = BroadcastMode::SetHost;
        else if (v->text == "-") a.broadcast_mode = BroadcastMode::ClearHost;
        else if (auto bi = IpAddress::parse(v->text); bi && bi->family == ip->family) {
          a.broadcast_mode = BroadcastMode::Address;
          a.broadcast = bi;
        } else {
          b.warn(s, i, fmt::format("invalid broadcast address '{}' for {}; ignored", v->text, first));
        }
      }
    } else if (opt == "scope") {
      if (const auto* v = need("a scope (global, site, link, host, nowhere or 0..255)")) {
        if (auto sc = parse_scope(v->text)) a.scope = sc;
        else b.warn(s, i, fmt::format("invalid scope '{}' for {} (global, site, link, host, nowhere or 0..255); ignored", v->text, first));
      }
    } else if (opt == "label") {
      if (const auto* v = need("a label")) a.label = v->text;
    } else if (opt == "peer") {
      if (const auto* v = need("an address")) {
        auto p = IpAddress::parse(v->text);
        if (p && p->family == ip->family) a.peer = IpPrefix{*p, p->max_prefix()};
        else b.warn(s, i, fmt::format("invalid peer address '{}' for {}; ignored", v->text, first));
      }
    } else if (opt == "home") {
      a.home = true;
    } else if (opt == "-nodad") {
      a.nodad = true;
    } else if (opt == "mngtmpaddr") {
      a.mngtmpaddr = true;
    } else if (opt == "noprefixroute") {
      a.noprefixroute = true;
    } else if (opt == "autojoin") {
      a.autojoin = true;
    } else if (opt == "no_track" && kind != AddressLine::Static) {
      a.no_track = true;
    } else if (opt == "use_vmac" && kind == AddressLine::Vip) {
      a.use_vmac = true;
    } else if (opt == "track_group" && kind == AddressLine::Static) {
      if (const auto* v = need("a track_group name")) a.track_group = v->text;
    } else if (opt == "preferred_lft") {
      if (const auto* v = need("a lifetime in seconds or 'forever'")) {
        std::int64_t n = 0;
        if (v->text == "forever") a.preferred_lft = kLifetimeForever;
        else if (parse_int(v->text, 0, kLifetimeForever, n) == NumError::Ok) a.preferred_lft = static_cast<std::uint32_t>(n);
        else b.warn(s, i, fmt::format("invalid preferred_lft '{}' for {} (seconds or 'forever'); ignored", v->text, first));
      }
    } else {
      b.warn(s, i, fmt::format("unknown option '{}' on the address line of {}; ignored", opt, first));
    }
  }
  return a;
}

std::optional<Route> parse_route_line(Builder& b, const Stmt& item, bool is_static) {
  const Stmt s = as_stmt(item);
  const auto& w = s.args;
  Route r;
  r.loc = item.loc;
  bool have_dest = false, inet6 = false;
  const auto metric = [&](std::size_t& i, std::optional<std::uint32_t>& field, RouteMetric m) -> bool {
    const auto opt = w[i].text;
    if (i + 1 < w.size() && w[i + 1].text == "lock") {
      r.locked |= 1u << static_cast<unsigned>(m);
      ++i;
    }
    const Word* v = value_after(b, s, i + 1, opt);
    if (!v) return false;
    ++i;
    std::int64_t n = 0;
    if (parse_int(v->text, 0, kLifetimeForever, n) != NumError::Ok) {
      b.warn(s, i, fmt::format("route option '{}' needs a number, not '{}'; route ignored", opt, v->text));
      return false;
    }
    field = static_cast<std::uint32_t>(n);
    return true;
  };
  const auto addr = [&](std::size_t i, std::string_view what) -> std::optional<IpAddress> {
    auto a = IpAddress::parse(w[i].text);
    if (!a) b.warn(s, i, fmt::format("invalid {} '{}' in a route; route ignored", what, w[i].text));
    return a;
  };
  std::size_t i = 0;
  if (auto t = lookup(kRouteTypes, w[0].text)) {
    r.type = static_cast<RouteType>(*t);
    ++i;
  }
  for (; i < w.size(); ++i) {
    const std::string_view opt = w[i].text;
    if (opt == "src") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.src = addr(i, "source address");
      if (!r.src) return std::nullopt;
    } else if (opt == "via" || opt == "gw") {
      if (opt == "gw") b.warn(s, i, "'gw' in a route is deprecated; use 'via'");
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      if (v->text == "inet6" || v->text == "inet") {  // via inet6 ADDR
        const Word* v2 = value_after(b, s, i + 1, opt);
        if (!v2) return std::nullopt;
        ++i;
      }
      r.via = addr(i, "gateway");
      if (!r.via) return std::nullopt;
    } else if (opt == "or") {
      b.warn(s, i, "'or' in a route is deprecated; use 'nexthop'");
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.or_via = addr(i, "alternative gateway");
      if (!r.or_via) return std::nullopt;
    } else if (opt == "dev" || opt == "oif") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.dev = w[++i].text;
    } else if (opt == "scope") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.scope = parse_scope(v->text);
      if (!r.scope) {
        b.warn(s, i, fmt::format("invalid route scope '{}'; route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "table") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.table = number_or_name(v->text, 0xffffffffu, lookup(kTables, v->text));
      if (!r.table) {
        b.warn(s, i, fmt::format("routing table '{}' is not a number or a built-in name (main, local, default); "
                                 "route ignored",
                                 v->text));
        return std::nullopt;
      }
    } else if (opt == "metric" || opt == "priority" || opt == "preference") {
      if (!metric(i, r.metric, RouteMetric::Mtu)) return std::nullopt;
      r.locked &= ~(1u << static_cast<unsigned>(RouteMetric::Mtu));
    } else if (opt == "tos" || opt == "dsfield") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      auto t = number_or_name(v->text, 255, std::nullopt);
      if (!t) {
        b.warn(s, i, fmt::format("invalid route tos '{}'; route ignored", v->text));
        return std::nullopt;
      }
      r.tos = static_cast<std::uint8_t>(*t);
    } else if (opt == "protocol" || opt == "proto") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      auto p = number_or_name(v->text, 255, lookup(kProtos, v->text));
      if (!p) {
        b.warn(s, i, fmt::format("unknown route protocol '{}'; route ignored", v->text));
        return std::nullopt;
      }
      r.protocol = static_cast<std::uint8_t>(*p);
    } else if (opt == "mtu") {
      if (!metric(i, r.mtu, RouteMetric::Mtu)) return std::nullopt;
    } else if (opt == "hoplimit") {
      if (!metric(i, r.hoplimit, RouteMetric::Hoplimit)) return std::nullopt;
    } else if (opt == "advmss") {
      if (!metric(i, r.advmss, RouteMetric::Advmss)) return std::nullopt;
    } else if (opt == "rtt") {
      if (!metric(i, r.rtt, RouteMetric::Rtt)) return std::nullopt;
    } else if (opt == "rttvar") {
      if (!metric(i, r.rttvar, RouteMetric::Rttvar)) return std::nullopt;
    } else if (opt == "reordering") {
      if (!metric(i, r.reordering, RouteMetric::Reordering)) return std::nullopt;
    } else if (opt == "window") {
      if (!metric(i, r.window, RouteMetric::Window)) return std::nullopt;
    } else if (opt == "cwnd") {
      if (!metric(i, r.cwnd, RouteMetric::Cwnd)) return std::nullopt;
    } else if (opt == "ssthresh") {
      if (!metric(i, r.ssthresh, RouteMetric::Ssthresh)) return std::nullopt;
    } else if (opt == "rto_min") {
      if (!metric(i, r.rto_min, RouteMetric::RtoMin)) return std::nullopt;
    } else if (opt == "initcwnd") {
      if (!metric(i, r.initcwnd, RouteMetric::Initcwnd)) return std::nullopt;
    } else if (opt == "initrwnd") {
      if (!metric(i, r.initrwnd, RouteMetric::Initrwnd)) return std::nullopt;
    } else if (opt == "realms") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.realms = parse_realms(v->text);
      if (!r.realms) {
        b.warn(s, i, fmt::format("invalid route realms '{}' (FROM/TO or TO, 0..65535); route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "features") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      if (v->text != "ecn") {
        b.warn(s, i, fmt::format("unknown route feature '{}' (only 'ecn'); route ignored", v->text));
        return std::nullopt;
      }
      r.features_ecn = true;
    } else if (opt == "quickack" || opt == "fastopen_no_cookie") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      if (v->text != "0" && v->text != "1") {
        b.warn(s, i, fmt::format("route option '{}' takes 0 or 1, not '{}'; route ignored", opt, v->text));
        return std::nullopt;
      }
      (opt == "quickack" ? r.quickack : r.fastopen_no_cookie) = v->text == "1";
    } else if (opt == "congctl") {
      if (i + 1 < w.size() && w[i + 1].text == "lock") {
        r.congctl_lock = true;
        ++i;
      }
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.congctl = w[++i].text;
    } else if (opt == "pref") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      if (v->text == "low") r.pref = 3;
      else if (v->text == "medium") r.pref = 0;
      else if (v->text == "high") r.pref = 1;
      else {
        b.warn(s, i, fmt::format("route pref '{}' is not low, medium or high; route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "ttl-propagate") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.ttl_propagate_set = true;
      r.ttl_propagate = v->text == "enabled";
      if (v->text != "enabled" && v->text != "disabled") {
        b.warn(s, i, fmt::format("ttl-propagate takes enabled or disabled, not '{}'; route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "onlink") {
      r.onlink = true;
    } else if (opt == "encap") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      RouteEncap e;
      if (v->text == "mpls") {
        e.type = RouteEncap::Type::Mpls;
        const Word* l = value_after(b, s, i + 1, "encap mpls");
        if (!l) return std::nullopt;
        ++i;
        std::string_view labels = l->text;
        while (!labels.empty()) {
          const auto sl = labels.find('/');
          std::int64_t n = 0;
          if (parse_int(labels.substr(0, sl), 0, 0xfffff, n) != NumError::Ok) {
            b.warn(s, i, fmt::format("invalid MPLS label stack '{}'; route ignored", l->text));
            return std::nullopt;
          }
          e.mpls_labels.push_back(static_cast<std::uint32_t>(n));
          if (sl == std::string_view::npos) break;
          labels.remove_prefix(sl + 1);
        }
      } else if (v->text == "ip" || v->text == "ip6") {
        e.type = v->text == "ip" ? RouteEncap::Type::Ip : RouteEncap::Type::Ip6;
        while (i + 1 < w.size()) {
          const auto k = w[i + 1].text;
          if (k == "id" || k == "dst" || k == "tos" || k == "tc" || k == "ttl" || k == "hoplimit") {
            const Word* x = value_after(b, s, i + 2, k);
            if (!x) return std::nullopt;
            i += 2;
            std::int64_t n = 0;
            if (k == "dst") {
              e.dst = IpAddress::parse(x->text);
              if (!e.dst) {
                b.warn(s, i, fmt::format("invalid encap dst '{}'; route ignored", x->text));
                return std::nullopt;
              }
            } else if (k == "id") {
              if (parse_int(x->text, 0, INT64_MAX, n) != NumError::Ok) return std::nullopt;
              e.id = static_cast<std::uint64_t>(n);
            } else {
              if (parse_int(x->text, 0, 255, n) != NumError::Ok) {
                b.warn(s, i, fmt::format("invalid encap {} '{}'; route ignored", k, x->text));
                return std::nullopt;
              }
              (k == "tos" || k == "tc" ? e.tos : e.ttl) = static_cast<std::uint8_t>(n);
            }
          } else if (k == "csum") {
            e.csum = true;
            ++i;
          } else {
            break;
          }
        }
      } else if (v->text == "ila") {
        e.type = RouteEncap::Type::Ila;
        const Word* l = value_after(b, s, i + 1, "encap ila");
        if (!l) return std::nullopt;
        ++i;
      } else {
        b.warn(s, i, fmt::format("unknown route encap '{}' (mpls, ip, ip6 or ila); route ignored", v->text));
        return std::nullopt;
      }
      r.encap = std::move(e);
    } else if (opt == "nexthop") {
      NextHop nh;
      while (i + 1 < w.size()) {
        const auto k = w[i + 1].text;
        if (k == "via") {
          const Word* x = value_after(b, s, i + 2, k);
          if (!x) return std::nullopt;
          i += 2;
          nh.via = IpAddress::parse(x->text);
          if (!nh.via) {
            b.warn(s, i, fmt::format("invalid nexthop gateway '{}'; route ignored", x->text));
            return std::nullopt;
          }
        } else if (k == "dev") {
          const Word* x = value_after(b, s, i + 2, k);
          if (!x) return std::nullopt;
          i += 2;
          nh.dev = x->text;
        } else if (k == "weight") {
          const Word* x = value_after(b, s, i + 2, k);
          if (!x) return std::nullopt;
          i += 2;
          std::int64_t n = 0;
          if (parse_int(x->text, 1, 256, n) != NumError::Ok) {
            b.warn(s, i, fmt::format("nexthop weight '{}' is not in 1..256; route ignored", x->text));
            return std::nullopt;
          }
          nh.weight = static_cast<std::uint8_t>(n - 1);
        } else if (k == "onlink") {
          nh.onlink = true;
          ++i;
        } else if (k == "realms") {
          const Word* x = value_after(b, s, i + 2, k);
          if (!x) return std::nullopt;
          i += 2;
          nh.realms = parse_realms(x->text);
        } else {
          break;
        }
      }
      r.nexthops.push_back(std::move(nh));
    } else if (opt == "vrf") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.vrf = w[++i].text;
    } else if (opt == "append") {
      r.append = true;
    } else if (opt == "no_track" && !is_static) {
      r.no_track = true;
    } else if (opt == "track_group" && is_static) {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.track_group = w[++i].text;
    } else if (opt == "inet6") {
      inet6 = true;
    } else if (opt == "inet") {
    } else if (opt == "to" || !have_dest) {
      if (opt == "to") {
        const Word* v = value_after(b, s, i + 1, opt);
        if (!v) return std::nullopt;
        ++i;
      }
      const std::string_view d = w[i].text;
      if (d == "default" || d == "all" || d == "any") {
        r.destination = IpPrefix{inet6 ? IpAddress::v6({}) : IpAddress{}, 0};
      } else {
        auto p = IpPrefix::parse(d);
        if (!p) {
          b.warn(s, i, fmt::format("'{}' is neither a route option nor a destination address; route ignored", d));
          return std::nullopt;
        }
        r.destination = *p;
      }
      have_dest = true;
    } else {
      b.warn(s, i, fmt::format("unknown route option '{}'; route ignored", opt));
      return std::nullopt;
    }
  }
  if (!have_dest) {
    b.warn(s, 0, "route without a destination; route ignored");
    return std::nullopt;
  }
  if (inet6 && r.destination.address.is_v4() && r.destination.length == 0) r.destination.address = IpAddress::v6({});
  return r;
}

std::optional<Rule> parse_rule_line(Builder& b, const Stmt& item, bool is_static) {
  const Stmt s = as_stmt(item);
  const auto& w = s.args;
  Rule r;
  r.loc = item.loc;
  bool family_set = false;
  const auto fam = [&](Family f, std::size_t i) -> bool {
    if (family_set && r.family != f) {
      b.warn(s, i, "rule mixes IPv4 and IPv6 addresses; rule ignored");
      return false;
    }
    r.family = f;
    family_set = true;
    return true;
  };
  for (std::size_t i = 0; i < w.size(); ++i) {
    const std::string_view opt = w[i].text;
    if (opt == "from" || opt == "to") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      if (v->text == "all") continue;
      auto p = IpPrefix::parse(v->text);
      if (!p) {
        b.warn(s, i, fmt::format("invalid rule address '{}'; rule ignored", v->text));
        return std::nullopt;
      }
      if (!fam(p->address.family, i)) return std::nullopt;
      (opt == "from" ? r.from : r.to) = *p;
    } else if (opt == "not") {
      r.invert = true;
    } else if (opt == "table" || opt == "lookup") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.table = number_or_name(v->text, 0xffffffffu, lookup(kTables, v->text));
      if (!r.table) {
        b.warn(s, i, fmt::format("routing table '{}' is not a number or a built-in name (main, local, default); "
                                 "rule ignored",
                                 v->text));
        return std::nullopt;
      }
      r.action = RuleAction::Table;
    } else if (opt == "goto") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 0xffffffffLL, n) != NumError::Ok) {
        b.warn(s, i, fmt::format("rule goto '{}' is not a number; rule ignored", v->text));
        return std::nullopt;
      }
      r.goto_target = static_cast<std::uint32_t>(n);
      r.action = RuleAction::Goto;
    } else if (opt == "nop") {
      r.action = RuleAction::Nop;
    } else if (opt == "blackhole") {
      r.action = RuleAction::Blackhole;
    } else if (opt == "unreachable") {
      r.action = RuleAction::Unreachable;
    } else if (opt == "prohibit") {
      r.action = RuleAction::Prohibit;
    } else if (opt == "iif" || opt == "dev") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.iif = w[++i].text;
    } else if (opt == "oif") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.oif = w[++i].text;
    } else if (opt == "tos" || opt == "dsfield") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      auto t = number_or_name(v->text, 255, std::nullopt);
      if (!t) {
        b.warn(s, i, fmt::format("invalid rule tos '{}'; ignored", v->text));
        continue;
      }
      r.tos = static_cast<std::uint8_t>(*t);
    } else if (opt == "fwmark") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      const std::string_view t = v->text;
      const auto sl = t.find('/');
      auto mark = number_or_name(t.substr(0, sl), 0xffffffffu, std::nullopt);
      std::optional<std::uint32_t> mask;
      if (sl != std::string_view::npos) mask = number_or_name(t.substr(sl + 1), 0xffffffffu, std::nullopt);
      if (!mark || (sl != std::string_view::npos && !mask)) {
        b.warn(s, i, fmt::format("invalid rule fwmark '{}' (MARK[/MASK]); ignored", t));
        continue;
      }
      r.fwmark = mark;
      r.fwmask = mask;
    } else if (opt == "preference" || opt == "priority" || opt == "order") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 0xffffffffLL, n) != NumError::Ok) {
        b.warn(s, i, fmt::format("invalid rule preference '{}'; ignored", v->text));
        continue;
      }
      r.preference = static_cast<std::uint32_t>(n);
    } else if (opt == "realms") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.realms = parse_realms(v->text);
      if (!r.realms) b.warn(s, i, fmt::format("invalid rule realms '{}'; ignored", v->text));
    } else if (opt == "l3mdev") {
      r.l3mdev = true;
    } else if (opt == "uidrange") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      r.uidrange = parse_range(v->text, 0xffffffffu, true);
      if (!r.uidrange) b.warn(s, i, fmt::format("invalid uidrange '{}' (A-B); ignored", v->text));
    } else if (opt == "protocol") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      auto p = number_or_name(v->text, 255, lookup(kProtos, v->text));
      if (!p) b.warn(s, i, fmt::format("unknown rule protocol '{}'; ignored", v->text));
      else r.protocol = static_cast<std::uint8_t>(*p);
    } else if (opt == "ipproto") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      const std::string l = lower(v->text);
      std::optional<std::uint32_t> p = l == "tcp" ? 6u : l == "udp" ? 17u : l == "sctp" ? 132u : l == "icmp" ? 1u
                                                                                           : l == "ipv6-icmp" ? 58u
                                                                                                               : number_or_name(l, 255, std::nullopt);
      if (!p) b.warn(s, i, fmt::format("unknown rule ipproto '{}'; ignored", v->text));
      else r.ip_proto = static_cast<std::uint8_t>(*p);
    } else if (opt == "sport" || opt == "dport") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      auto rg = parse_range(v->text, 65535, true);
      if (!rg) b.warn(s, i, fmt::format("invalid {} range '{}' (A-B); ignored", opt, v->text));
      else (opt == "sport" ? r.sport : r.dport) = rg;
    } else if (opt == "suppress_prefixlength" || opt == "suppress_prefixlen") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 128, n) != NumError::Ok) b.warn(s, i, fmt::format("invalid {} '{}'; ignored", opt, v->text));
      else r.suppress_prefixlen = static_cast<std::uint32_t>(n);
    } else if (opt == "suppress_ifgroup" || opt == "sup_group") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 0xffffffffLL, n) != NumError::Ok) b.warn(s, i, fmt::format("invalid {} '{}'; ignored", opt, v->text));
      else r.suppress_ifgroup = static_cast<std::uint32_t>(n);
    } else if (opt == "tunnel-id") {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      ++i;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, INT64_MAX, n) != NumError::Ok) b.warn(s, i, fmt::format("invalid tunnel-id '{}'; ignored", v->text));
      else r.tunnel_id = static_cast<std::uint64_t>(n);
    } else if (opt == "no_track" && !is_static) {
      r.no_track = true;
    } else if (opt == "track_group" && is_static) {
      const Word* v = value_after(b, s, i + 1, opt);
      if (!v) return std::nullopt;
      r.track_group = w[++i].text;
    } else if (opt == "inet6") {
      if (!fam(Family::Inet6, i)) return std::nullopt;
    } else if (opt == "inet") {
      if (!fam(Family::Inet, i)) return std::nullopt;
    } else {
      b.warn(s, i, fmt::format("unknown rule option '{}'; ignored", opt));
    }
  }
  // A line whose words were all ignored selects and does nothing: skip it rather than
  // install a rule matching everything.
  {
    Rule blank;
    blank.loc = r.loc;
    if (r == blank) {
      b.diags.warn(item.loc, "rule with nothing to match or do; ignored");
      return std::nullopt;
    }
  }
  // Rules need a preference, or their order depends on the order instances change state
  // (keepalived.conf(5) "Static routes/addresses/rules"); keepalived picks one and warns.
  if (!r.preference && !b.warned_rule_preference_) {
    b.warned_rule_preference_ = true;
    b.diags.warn(item.loc, "rule without 'preference': one is assigned, probably not the order you want; add 'preference N'");
  }
  return r;
}

}  // namespace stayalived::config::detail
