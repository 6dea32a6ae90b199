// A fake-clock harness for the pure state machine: it keeps "now", feeds events, and can
// jump to the next armed timer and fire it, as the I/O shell would.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "fixtures.hpp"
#include "stayalived/vrrp/instance.hpp"

namespace vrrp_test {

using namespace stayalived;
using namespace stayalived::vrrp;

template <class T>
std::vector<T> all_of_type(const Actions& acts) {
  std::vector<T> v;
  for (const auto& a : acts)
    if (const auto* p = std::get_if<T>(&a)) v.push_back(*p);
  return v;
}
template <class T>
bool has(const Actions& acts) {
  return !all_of_type<T>(acts).empty();
}
template <class T>
std::optional<T> first(const Actions& acts) {
  auto v = all_of_type<T>(acts);
  if (v.empty()) return std::nullopt;
  return v.front();
}
inline bool has_note(const Actions& acts, Note::Kind k) {
  auto n = all_of_type<Note>(acts);
  return std::any_of(n.begin(), n.end(), [&](const Note& x) { return x.kind == k; });
}
inline std::optional<Transition> transition_of(const Actions& acts) { return first<Transition>(acts); }

/// A basic instance config: VRID 51, priority 100, interval 1 s, one VIP.
inline InstanceConfig basic(std::uint8_t version = 2, std::uint8_t priority = 100) {
  InstanceConfig c;
  c.name = "VI_1";
  c.vrid = 51;
  c.version = version;
  c.priority = priority;
  c.advert_interval = centiseconds(100);
  c.addresses = {ip("192.0.2.100")};
  return c;
}

struct Sim {
  explicit Sim(InstanceConfig cfg, const char* self = "192.0.2.1") : inst(std::move(cfg)) { inst.set_source(ip(self)); }

  Instance inst;
  TimePoint now = t0();

  Actions feed(const Event& e) { return inst.handle(e, now); }
  Actions start() { return feed(Start{}); }
  void advance(Duration d) { now += d; }

  /// An advert from `src` as the codec would hand it over.
  Received advert(std::uint8_t prio, const char* src = "192.0.2.2", centiseconds interval = centiseconds(100),
                  std::vector<IpAddress> addrs = {}) const {
    Received rx;
    rx.advert.version = inst.config().version;
    rx.advert.vrid = inst.config().vrid;
    rx.advert.priority = prio;
    rx.advert.interval = interval;
    rx.advert.addresses = addrs.empty() ? inst.config().addresses : std::move(addrs);
    rx.source = ip(src);
    rx.destination = traits(inst.config().family).default_group;
    rx.ttl = 255;
    return rx;
  }
  Actions receive(std::uint8_t prio, const char* src = "192.0.2.2", centiseconds interval = centiseconds(100)) {
    return feed(AdvertReceived{advert(prio, src, interval), std::nullopt});
  }
  Actions receive(const Received& rx, std::optional<DropReason> auth = std::nullopt) {
    return feed(AdvertReceived{rx, auth});
  }

  /// The earliest armed timer, if any.
  std::optional<TimerId> next_timer() const {
    std::optional<TimerId> best;
    for (std::size_t i = 0; i < kTimers; ++i) {
      const auto id = static_cast<TimerId>(i);
      if (inst.deadline(id) == TimePoint{}) continue;
      if (!best || inst.deadline(id) < inst.deadline(*best)) best = id;
    }
    return best;
  }
  /// Jumps to a timer's deadline and fires it.
  Actions fire(TimerId id) {
    REQUIRE(inst.deadline(id) != TimePoint{});
    now = std::max(now, inst.deadline(id));
    return feed(TimerExpired{id});
  }
  /// How long until a timer fires.
  Duration until(TimerId id) const { return inst.deadline(id) - now; }
};

}  // namespace vrrp_test
