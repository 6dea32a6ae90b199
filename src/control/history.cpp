#include "stayalived/control/history.hpp"

#include <boost/json/array.hpp>

#include <fmt/format.h>

#include <ctime>
#include <vector>

#include "stayalived/common/overloaded.hpp"

namespace stayalived::control {

namespace {

std::string_view vrrp_state(events::VrrpState s) { return events::name(s); }

std::string str_of(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_bool()) return v->get_bool() ? "true" : "false";
  return {};
}

}  // namespace

boost::json::object to_json(const events::Event& e) {
  boost::json::object o;
  std::visit(overloaded{
                 [&](const events::VrrpInstanceTransition& t) {
                   o["type"] = "vrrp_transition";
                   o["instance"] = t.instance;
                   if (t.group) o["group"] = *t.group;
                   o["interface"] = t.interface;
                   o["from"] = vrrp_state(t.from);
                   o["to"] = vrrp_state(t.to);
                   o["cause"] = events::name(t.cause);
                   o["priority"] = t.priority;
                   if (!t.peer.empty()) {
                     o["peer"] = t.peer;
                     o["peer_priority"] = t.peer_priority;
                   }
                   if (!t.faults.empty()) {
                     boost::json::array f;
                     for (const auto& x : t.faults) f.emplace_back(x);
                     o["faults"] = std::move(f);
                   }
                 },
                 [&](const events::VrrpGroupTransition& t) {
                   o["type"] = "vrrp_group_transition";
                   o["group"] = t.group;
                   o["from"] = vrrp_state(t.from);
                   o["to"] = vrrp_state(t.to);
                 },
                 [&](const events::VrrpPriorityChange& p) {
                   o["type"] = "vrrp_priority";
                   o["instance"] = p.instance;
                   o["from"] = p.from;
                   o["to"] = p.to;
                   o["state"] = vrrp_state(p.state);
                 },
                 [&](const events::VrrpLowerPriorityAdvert& a) {
                   o["type"] = "vrrp_lower_priority_advert";
                   o["instance"] = a.instance;
                   o["peer"] = a.peer;
                   o["peer_priority"] = a.peer_priority;
                   o["priority"] = a.priority;
                 },
                 [&](const events::AdvertsDropped& d) {
                   o["type"] = "adverts_dropped";
                   o["where"] = d.where;
                   o["reason"] = d.reason;
                   o["count"] = d.count;
                 },
                 [&](const events::RealServerChange& r) {
                   o["type"] = "real_server";
                   o["virtual_server"] = r.virtual_server;
                   o["real_server"] = r.real_server;
                   o["up"] = r.up;
                   if (!r.checker.empty()) o["checker"] = r.checker;
                   if (!r.outcome.empty()) o["outcome"] = r.outcome;
                 },
                 [&](const events::QuorumChange& q) {
                   o["type"] = "quorum";
                   o["virtual_server"] = q.virtual_server;
                   o["up"] = q.up;
                   o["quorum"] = q.quorum;
                   o["hysteresis"] = q.hysteresis;
                   o["alive_weight"] = q.alive_weight;
                 },
                 [&](const events::IpvsApplied& a) {
                   o["type"] = "ipvs_applied";
                   o["writes"] = a.writes;
                   o["confirmed"] = a.confirmed;
                   o["failures"] = a.failures;
                   o["unresolved"] = a.unresolved;
                 },
                 [&](const events::ReloadOutcome& r) {
                   o["type"] = "reload";
                   o["applied"] = r.applied;
                   o["errors"] = r.errors;
                   o["warnings"] = r.warnings;
                 },
             },
             e);
  return o;
}

std::string describe_event(const boost::json::object& e) {
  const std::string type = str_of(e, "type");
  if (type == "vrrp_transition") {
    std::string s = fmt::format("{} {} -> {} ({})", str_of(e, "instance"), str_of(e, "from"), str_of(e, "to"),
                                str_of(e, "cause"));
    if (e.contains("peer")) s += fmt::format(", peer {} priority {}", str_of(e, "peer"), str_of(e, "peer_priority"));
    s += fmt::format(", our priority {}", str_of(e, "priority"));
    if (const auto* f = e.if_contains("faults"); f && f->is_array())
      for (const auto& x : f->get_array())
        if (x.is_string()) s += fmt::format("; {}", std::string_view(x.get_string()));
    return s;
  }
  if (type == "vrrp_group_transition")
    return fmt::format("sync group {} {} -> {}", str_of(e, "group"), str_of(e, "from"), str_of(e, "to"));
  if (type == "vrrp_priority")
    return fmt::format("{} priority {} -> {} ({})", str_of(e, "instance"), str_of(e, "from"), str_of(e, "to"),
                       str_of(e, "state"));
  if (type == "vrrp_lower_priority_advert")
    return fmt::format("{} heard {} with lower priority {} (ours {})", str_of(e, "instance"), str_of(e, "peer"),
                       str_of(e, "peer_priority"), str_of(e, "priority"));
  if (type == "adverts_dropped")
    return fmt::format("{}: {} advert(s) dropped: {}", str_of(e, "where"), str_of(e, "count"), str_of(e, "reason"));
  if (type == "real_server") {
    std::string s = fmt::format("{} in {} {}", str_of(e, "real_server"), str_of(e, "virtual_server"),
                                str_of(e, "up") == "true" ? "UP" : "DOWN");
    if (e.contains("checker")) s += " (" + str_of(e, "checker");
    if (e.contains("outcome")) s += (e.contains("checker") ? ": " : " (") + str_of(e, "outcome");
    if (e.contains("checker") || e.contains("outcome")) s += ")";
    return s;
  }
  if (type == "quorum")
    return fmt::format("{} quorum {} (alive weight {}, quorum {}, hysteresis {})", str_of(e, "virtual_server"),
                       str_of(e, "up") == "true" ? "UP" : "LOST", str_of(e, "alive_weight"), str_of(e, "quorum"),
                       str_of(e, "hysteresis"));
  if (type == "ipvs_applied")
    return fmt::format("IPVS: {} write(s), {} confirmed, {} failed, {} unresolved", str_of(e, "writes"),
                       str_of(e, "confirmed"), str_of(e, "failures"), str_of(e, "unresolved"));
  if (type == "reload")
    return fmt::format("reload {} ({} error(s), {} warning(s))",
                       str_of(e, "applied") == "true" ? "applied" : "refused", str_of(e, "errors"),
                       str_of(e, "warnings"));
  if (type == "control")
    return fmt::format("{} {} by uid {}{}", str_of(e, "verb"), str_of(e, "target"), str_of(e, "uid"),
                       e.contains("detail") ? ": " + str_of(e, "detail") : std::string());
  return type;
}

void History::attach(events::Bus& bus) {
  bus.subscribe([this](const events::Event& e) { record(e); });
}

void History::record(const events::Event& e) { record(to_json(e)); }

void History::record(boost::json::object entry) {
  const auto now = clock_();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  entry["time"] = static_cast<double>(us) / 1e6;
  entry["seq"] = ++seq_;
  if (ring_.size() == capacity_) ring_.pop_front();
  ring_.push_back(std::move(entry));
  // A follower may unfollow itself (its connection failed): iterate over a copy of the keys.
  std::vector<std::uint64_t> keys;
  keys.reserve(followers_.size());
  for (const auto& [k, f] : followers_) keys.push_back(k);
  for (auto k : keys) {
    auto it = followers_.find(k);
    if (it != followers_.end()) it->second(ring_.back());
  }
}

boost::json::array History::recent(std::size_t limit) const {
  boost::json::array out;
  const std::size_t n = limit == 0 || limit > ring_.size() ? ring_.size() : limit;
  for (std::size_t i = ring_.size() - n; i < ring_.size(); ++i) out.push_back(ring_[i]);
  return out;
}

std::uint64_t History::follow(Follower f) {
  const auto h = next_follower_++;
  followers_.emplace(h, std::move(f));
  return h;
}

}  // namespace stayalived::control
