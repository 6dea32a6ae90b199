// Address and rule lines (virtual_ipaddress[_excluded], static_ipaddress, virtual_rules,
// static_rules), and the names of scopes, route protocols and route types. The syntax is
// that of `ip address add` and `ip rule add` as keepalived.conf(5) describes it; the
// acceptance follows keepalived 2.2.7: an unknown option word on an address line is warned
// about and skipped, an unparsable address drops the line, an unknown rule word is skipped.
// Route lines are in keywords_route.cpp.
#include "addr_lines.hpp"

#include <fmt/format.h>

#include <array>

#include "addr_lines_util.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

namespace {

// rt_scope names (ip-address(8)).
constexpr std::array<Named, 5> kScopes{{{"global", 0}, {"site", 200}, {"link", 253}, {"host", 254}, {"nowhere", 255}}};

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
      Loc at = s.loc;
      at.column = w[i].column;
      b.diags.add(Severity::Warning, DiagClass::NoEffect, at,
                  fmt::format("'use_vmac' on the address line of {} is accepted but has no effect in stayalived: "
                              "VMAC interfaces are not created; the address goes on the instance's interface",
                              first));
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.table = table_value(b, s, i, v->text, "rule");
      if (!r.table) return std::nullopt;
      r.action = RuleAction::Table;
    } else if (opt == "goto") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.iif = v->text;
    } else if (opt == "oif") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.oif = v->text;
    } else if (opt == "tos" || opt == "dsfield") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      auto t = number_or_name(v->text, 255, std::nullopt);
      if (!t) {
        b.warn(s, i, fmt::format("invalid rule tos '{}'; ignored", v->text));
        continue;
      }
      r.tos = static_cast<std::uint8_t>(*t);
    } else if (opt == "fwmark") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
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
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 0xffffffffLL, n) != NumError::Ok) {
        b.warn(s, i, fmt::format("invalid rule preference '{}'; ignored", v->text));
        continue;
      }
      r.preference = static_cast<std::uint32_t>(n);
    } else if (opt == "realms") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.realms = parse_realms(v->text);
      if (!r.realms) b.warn(s, i, fmt::format("invalid rule realms '{}'; ignored", v->text));
    } else if (opt == "l3mdev") {
      r.l3mdev = true;
    } else if (opt == "uidrange") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.uidrange = parse_range(v->text, 0xffffffffu, true);
      if (!r.uidrange) b.warn(s, i, fmt::format("invalid uidrange '{}' (A-B); ignored", v->text));
    } else if (opt == "protocol") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      auto p = number_or_name(v->text, 255, lookup(kProtos, v->text));
      if (!p) b.warn(s, i, fmt::format("unknown rule protocol '{}'; ignored", v->text));
      else r.protocol = static_cast<std::uint8_t>(*p);
    } else if (opt == "ipproto") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      const std::string l = lower(v->text);
      std::optional<std::uint32_t> p = l == "tcp" ? 6u : l == "udp" ? 17u : l == "sctp" ? 132u : l == "icmp" ? 1u
                                                                                           : l == "ipv6-icmp" ? 58u
                                                                                                               : number_or_name(l, 255, std::nullopt);
      if (!p) b.warn(s, i, fmt::format("unknown rule ipproto '{}'; ignored", v->text));
      else r.ip_proto = static_cast<std::uint8_t>(*p);
    } else if (opt == "sport" || opt == "dport") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      auto rg = parse_range(v->text, 65535, true);
      if (!rg) b.warn(s, i, fmt::format("invalid {} range '{}' (A-B); ignored", opt, v->text));
      else (opt == "sport" ? r.sport : r.dport) = rg;
    } else if (opt == "suppress_prefixlength" || opt == "suppress_prefixlen") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 128, n) != NumError::Ok) b.warn(s, i, fmt::format("invalid {} '{}'; ignored", opt, v->text));
      else r.suppress_prefixlen = static_cast<std::uint32_t>(n);
    } else if (opt == "suppress_ifgroup" || opt == "sup_group") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, 0xffffffffLL, n) != NumError::Ok) b.warn(s, i, fmt::format("invalid {} '{}'; ignored", opt, v->text));
      else r.suppress_ifgroup = static_cast<std::uint32_t>(n);
    } else if (opt == "tunnel-id") {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      std::int64_t n = 0;
      if (parse_int(v->text, 0, INT64_MAX, n) != NumError::Ok) b.warn(s, i, fmt::format("invalid tunnel-id '{}'; ignored", v->text));
      else r.tunnel_id = static_cast<std::uint64_t>(n);
    } else if (opt == "no_track" && !is_static) {
      r.no_track = true;
    } else if (opt == "track_group" && is_static) {
      const Word* v = take_value(b, s, i, opt);
      if (!v) return std::nullopt;
      r.track_group = v->text;
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
  // (keepalived.conf(5) "Static routes/addresses/rules"); keepalived 2.2.7 gives each rule
  // without one the next of 16384, 16383, ... (one count per family) and warns.
  if (!r.preference) {
    auto& next = r.family == Family::Inet6 ? b.next_rule_preference_v6_ : b.next_rule_preference_v4_;
    r.preference = next;
    if (next > 0) --next;
    b.diags.warn(item.loc, fmt::format("rule without 'preference': {} is assigned, probably not the order you want; "
                                       "add 'preference N'",
                                       *r.preference));
  }
  // keepalived 2.2.7 tracks its rules by their protocol: a tracked rule (a virtual rule
  // without no_track, a static rule with a track_group) is always "proto keepalived".
  constexpr std::uint8_t kRtprotKeepalived = 18;
  if (r.protocol && *r.protocol != kRtprotKeepalived && (is_static ? r.track_group.has_value() : !r.no_track)) {
    b.diags.warn(item.loc, "a tracked rule must have protocol keepalived (18); protocol reset (add no_track to keep it)");
    r.protocol = kRtprotKeepalived;
  }
  return r;
}

}  // namespace stayalived::config::detail
