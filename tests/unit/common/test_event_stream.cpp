// The event stream's bus: every subscriber sees every event, in order, and an event
// published from a subscriber waits until the current one has reached everyone.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stayalived/common/event_stream.hpp"

using namespace stayalived::events;

TEST_CASE("event stream: subscribers see each event once, in subscription order") {
  Bus bus;
  std::vector<std::string> seen;
  bus.subscribe([&](const Event& e) { seen.push_back("a" + std::to_string(e.index())); });
  bus.on<RealServerChange>([&](const RealServerChange& c) { seen.push_back("b " + c.real_server); });
  bus.publish(RealServerChange{.virtual_server = "vs", .real_server = "rs1", .up = true, .checker = "", .outcome = ""});
  bus.publish(ReloadOutcome{.applied = true, .errors = 0, .warnings = 1});
  CHECK(seen == std::vector<std::string>{"a5", "b rs1", "a8"});
  CHECK(bus.published() == 2);
}

TEST_CASE("event stream: an event published by a subscriber comes after the current one, for everyone") {
  Bus bus;
  std::vector<std::string> first, second;
  bus.on<VrrpInstanceTransition>([&](const VrrpInstanceTransition& t) {
    first.push_back(t.instance);
    // A group follows its member: published from inside the delivery of the member's event.
    if (t.instance == "VI_1") bus.publish(VrrpGroupTransition{.group = "G", .from = VrrpState::Backup, .to = VrrpState::Master});
  });
  bus.subscribe([&](const Event& e) {
    if (const auto* t = std::get_if<VrrpInstanceTransition>(&e)) second.push_back(t->instance);
    if (const auto* g = std::get_if<VrrpGroupTransition>(&e)) second.push_back(g->group);
  });
  bus.publish(VrrpInstanceTransition{.instance = "VI_1", .group = "G", .interface = "eth0", .from = VrrpState::Backup,
                                     .to = VrrpState::Master, .cause = VrrpCause::MasterDown, .priority = 100,
                                     .peer = "", .peer_priority = 0, .faults = {}});
  // The second subscriber saw the member before the group (it would have seen the group
  // first had the nested publish been delivered at once).
  CHECK(second == std::vector<std::string>{"VI_1", "G"});
  CHECK(first == std::vector<std::string>{"VI_1"});
  CHECK(bus.published() == 2);
}

TEST_CASE("event stream: names") {
  CHECK(name(VrrpState::Master) == "MASTER");
  CHECK(name(VrrpCause::HigherPriority) == "higher_priority");
}
