// Route lines (virtual_routes, static_routes). The syntax is that of `ip route add` as
// keepalived.conf(5) describes it; the acceptance follows keepalived 2.2.7: an unknown route
// word drops the route.
#include <fmt/format.h>

#include "addr_lines.hpp"
#include "addr_lines_util.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

std::optional<Route> parse_route_line(Builder& b, const Stmt& item, bool is_static) {
  const Stmt s = as_stmt(item);
  const auto& w = s.args;
  Route r;
  r.loc = item.loc;
  bool have_dest = false, inet6 = false;
  // A metric: `NAME [lock] VALUE`; returns the value's word (i moves onto it). keepalived
  // 2.2.7 takes `lock` only on mtu, rtt, rttvar, ssthresh, cwnd, advmss, reordering and
  // rto_min, and drops the route for the others.
  const auto metric_value = [&](std::size_t& i, std::optional<RouteMetric> lockable) -> const Word* {
    const auto opt = w[i].text;
    std::uint32_t lock = 0;
    if (i + 1 < w.size() && w[i + 1].text == "lock") {
      if (!lockable) {
        b.warn(s, i + 1, fmt::format("route option '{}' cannot be locked; route ignored", opt));
        return nullptr;
      }
      lock = 1u << static_cast<unsigned>(*lockable);
      ++i;
    }
    const Word* v = value_after(b, s, i + 1, opt);
    if (!v) return nullptr;
    ++i;
    r.locked |= lock;
    return v;
  };
  const auto metric = [&](std::size_t& i, std::optional<std::uint32_t>& field,
                          std::optional<RouteMetric> lockable) -> bool {
    const auto opt = w[i].text;
    const Word* v = metric_value(i, lockable);
    if (!v) return false;
    std::int64_t n = 0;
    if (parse_int(v->text, 0, kLifetimeForever, n) != NumError::Ok) {
      b.warn(s, i, fmt::format("route option '{}' needs a number, not '{}'; route ignored", opt, v->text));
      return false;
    }
    field = static_cast<std::uint32_t>(n);
    return true;
  };
  // rtt, rttvar, rto_min: `NAME [lock] TIME`, kept as the kernel's value (1/per_ms ms). As
  // keepalived 2.2.7 reads them: a bare number is the kernel's value as is, a number with
  // s|sec|secs|ms|msec|msecs a time; anything under 200 ms becomes 200 ms.
  const auto rtt_metric = [&](std::size_t& i, std::optional<std::uint32_t>& field, RouteMetric m,
                              std::uint32_t per_ms) -> bool {
    const auto opt = w[i].text;
    const Word* v = metric_value(i, m);
    if (!v) return false;
    const std::string_view t = v->text;
    std::size_t digits = 0;
    while (digits < t.size() && t[digits] >= '0' && t[digits] <= '9') ++digits;
    const std::string_view unit = t.substr(digits);
    std::uint64_t scale = 0;
    if (unit.empty()) scale = 1;
    else if (unit == "s" || unit == "sec" || unit == "secs") scale = 1000ull * per_ms;
    else if (unit == "ms" || unit == "msec" || unit == "msecs") scale = per_ms;
    std::int64_t n = 0;
    if (!scale || digits == 0 || parse_int(t.substr(0, digits), 0, kLifetimeForever, n) != NumError::Ok ||
        static_cast<std::uint64_t>(n) * scale > kLifetimeForever) {
      b.warn(s, i, fmt::format("route option '{}' needs a time (N, Nms or Ns), not '{}'; route ignored", opt, t));
      return false;
    }
    field = static_cast<std::uint32_t>(static_cast<std::uint64_t>(n) * scale);
    if (*field < 200 * per_ms) {
      b.warn(s, i, fmt::format("route option '{}' {} is below the minimum of 200ms; 200ms is used", opt, t));
      field = 200 * per_ms;
    }
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.src = addr(i, "source address");
      if (!r.src) return std::nullopt;
    } else if (opt == "via" || opt == "gw") {
      if (opt == "gw") b.warn(s, i, "'gw' in a route is deprecated; use 'via'");
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      if (v->text == "inet6" || v->text == "inet") {  // via inet6 ADDR
        const Word* v2 = value_after(b, s, i + 1, opt);
        if (!v2) return std::nullopt;
        ++i;
      }
      r.via = addr(i, "gateway");
      if (!r.via) return std::nullopt;
    } else if (opt == "or") {
      b.warn(s, i, "'or' in a route is deprecated; use 'nexthop'");
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.or_via = addr(i, "alternative gateway");
      if (!r.or_via) return std::nullopt;
    } else if (opt == "dev" || opt == "oif") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.dev = v->text;
    } else if (opt == "scope") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.scope = parse_scope(v->text);
      if (!r.scope) {
        b.warn(s, i, fmt::format("invalid route scope '{}'; route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "table") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.table = table_value(b, s, i, v->text, "route");
      if (!r.table) return std::nullopt;
    } else if (opt == "metric" || opt == "priority" || opt == "preference") {
      if (!metric(i, r.metric, std::nullopt)) return std::nullopt;
    } else if (opt == "tos" || opt == "dsfield") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      auto t = number_or_name(v->text, 255, std::nullopt);
      if (!t) {
        b.warn(s, i, fmt::format("invalid route tos '{}'; route ignored", v->text));
        return std::nullopt;
      }
      r.tos = static_cast<std::uint8_t>(*t);
    } else if (opt == "protocol" || opt == "proto") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      auto p = number_or_name(v->text, 255, lookup(kProtos, v->text));
      if (!p) {
        b.warn(s, i, fmt::format("unknown route protocol '{}'; route ignored", v->text));
        return std::nullopt;
      }
      r.protocol = static_cast<std::uint8_t>(*p);
    } else if (opt == "mtu") {
      if (!metric(i, r.mtu, RouteMetric::Mtu)) return std::nullopt;
    } else if (opt == "hoplimit") {
      if (!metric(i, r.hoplimit, std::nullopt)) return std::nullopt;
    } else if (opt == "advmss") {
      if (!metric(i, r.advmss, RouteMetric::Advmss)) return std::nullopt;
    } else if (opt == "rtt") {
      if (!rtt_metric(i, r.rtt, RouteMetric::Rtt, 8)) return std::nullopt;
    } else if (opt == "rttvar") {
      if (!rtt_metric(i, r.rttvar, RouteMetric::Rttvar, 4)) return std::nullopt;
    } else if (opt == "reordering") {
      if (!metric(i, r.reordering, RouteMetric::Reordering)) return std::nullopt;
    } else if (opt == "window") {
      if (!metric(i, r.window, std::nullopt)) return std::nullopt;
    } else if (opt == "cwnd") {
      if (!metric(i, r.cwnd, RouteMetric::Cwnd)) return std::nullopt;
    } else if (opt == "ssthresh") {
      if (!metric(i, r.ssthresh, RouteMetric::Ssthresh)) return std::nullopt;
    } else if (opt == "rto_min") {
      if (!rtt_metric(i, r.rto_min, RouteMetric::RtoMin, 1)) return std::nullopt;
    } else if (opt == "initcwnd") {
      if (!metric(i, r.initcwnd, std::nullopt)) return std::nullopt;
    } else if (opt == "initrwnd") {
      if (!metric(i, r.initrwnd, std::nullopt)) return std::nullopt;
    } else if (opt == "realms") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.realms = parse_realms(v->text);
      if (!r.realms) {
        b.warn(s, i, fmt::format("invalid route realms '{}' (FROM/TO or TO, 0..65535); route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "features") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      if (v->text != "ecn") {
        b.warn(s, i, fmt::format("unknown route feature '{}' (only 'ecn'); route ignored", v->text));
        return std::nullopt;
      }
      r.features_ecn = true;
    } else if (opt == "quickack" || opt == "fastopen_no_cookie") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.congctl = v->text;
    } else if (opt == "pref") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      if (v->text == "low") r.pref = 3;
      else if (v->text == "medium") r.pref = 0;
      else if (v->text == "high") r.pref = 1;
      else {
        b.warn(s, i, fmt::format("route pref '{}' is not low, medium or high; route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "ttl-propagate") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.ttl_propagate_set = true;
      r.ttl_propagate = v->text == "enabled";
      if (v->text != "enabled" && v->text != "disabled") {
        b.warn(s, i, fmt::format("ttl-propagate takes enabled or disabled, not '{}'; route ignored", v->text));
        return std::nullopt;
      }
    } else if (opt == "onlink") {
      r.onlink = true;
    } else if (opt == "encap") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
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
            // keepalived 2.2.7 does not know csum after encap ip|ip6 and drops the route.
            b.warn(s, i + 1, "route encap option 'csum' is not supported (as in keepalived 2.2.7); route ignored");
            return std::nullopt;
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.vrf = v->text;
    } else if (opt == "append") {
      r.append = true;
      r.add = false;
    } else if (opt == "add") {
      r.add = true;
      r.append = false;
    } else if (opt == "no_track" && !is_static) {
      r.no_track = true;
    } else if (opt == "track_group" && is_static) {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.track_group = v->text;
    } else if (opt == "inet6") {
      inet6 = true;
    } else if (opt == "inet") {
    } else if (opt == "to" || !have_dest) {
      if (opt == "to") {
        const Word* v = take_value(b, s, i, opt);
        if (!v) return std::nullopt;
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
  // keepalived 2.2.7 tracks its routes by their protocol: a tracked route (a virtual route
  // without no_track, a static route with a track_group) is always "proto keepalived".
  constexpr std::uint8_t kRtprotKeepalived = 18;
  if (r.protocol && *r.protocol != kRtprotKeepalived && (is_static ? r.track_group.has_value() : !r.no_track)) {
    b.diags.warn(item.loc, "a tracked route must have protocol keepalived (18); protocol reset (add no_track to keep it)");
    r.protocol = kRtprotKeepalived;
  }
  return r;
}

}  // namespace stayalived::config::detail
