// The reload's address plan across Masters (address_plan.hpp): each Master changes its VIPs by
// difference, and an address that changes hands between two Masters in one reload stays.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stayalived/vrrp/address_plan.hpp"

using namespace stayalived::vrrp;

namespace {
// An address entry: "ADDR" or "ADDR#OPTION" (same address, another option).
using Entry = std::string;
std::string addr_of(const Entry& e) { return e.substr(0, e.find('#')); }
const auto same = [](const Entry& a, const Entry& b) { return addr_of(a) == addr_of(b); };
const auto equal = [](const Entry& a, const Entry& b) { return a == b; };

std::vector<std::string> list(const std::vector<AddressChange<Entry>>& cs) {
  std::vector<std::string> out;
  for (const auto& c : cs) out.push_back(std::to_string(c.owner) + ":" + c.item);
  return out;
}
using V = std::vector<std::string>;
}  // namespace

TEST_CASE("one Master: added and removed by difference, unchanged ones untouched") {
  const auto p = plan_addresses<Entry>({{{"a", "b"}, {"b", "c"}}}, same, equal);
  CHECK(list(p.remove) == V{"0:a"});
  CHECK(list(p.add) == V{"0:c"});
}

TEST_CASE("an option changed within one Master: removed and added again") {
  const auto p = plan_addresses<Entry>({{{"a#x"}, {"a#y"}}}, same, equal);
  CHECK(list(p.remove) == V{"0:a#x"});
  CHECK(list(p.add) == V{"0:a#y"});
}

TEST_CASE("a VIP moved from the first Master to the second stays installed") {
  // VI_1 {a, m} -> {a}; VI_2 {b} -> {b, m}: m is neither removed nor added (no GARP).
  const auto p = plan_addresses<Entry>({{{"a", "m"}, {"a"}}, {{"b"}, {"b", "m"}}}, same, equal);
  CHECK(p.remove.empty());
  CHECK(p.add.empty());
}

TEST_CASE("a VIP moved from the second Master to the first stays installed (order does not matter)") {
  // Instance by instance, the first one would find m present and the second delete it.
  const auto p = plan_addresses<Entry>({{{"a"}, {"a", "m"}}, {{"b", "m"}, {"b"}}}, same, equal);
  CHECK(p.remove.empty());
  CHECK(p.add.empty());
}

TEST_CASE("a moved VIP with other changes around it") {
  const auto p = plan_addresses<Entry>({{{"a", "m"}, {"n"}}, {{"b"}, {"b", "m#label"}}}, same, equal);
  CHECK(list(p.remove) == V{"0:a"});
  CHECK(list(p.add) == V{"0:n"});
}

TEST_CASE("a VIP given to a non-Master is removed, a VIP taken from a removed instance is added") {
  // Only Masters are in the plan: a Backup that gains m does not keep it installed.
  auto p = plan_addresses<Entry>({{{"a", "m"}, {"a"}}}, same, equal);
  CHECK(list(p.remove) == V{"0:m"});
  // The former owner is gone (it released its VIPs when it stopped): the new one adds m.
  p = plan_addresses<Entry>({{{"b"}, {"b", "m"}}}, same, equal);
  CHECK(list(p.add) == V{"0:m"});
  CHECK(p.remove.empty());
}
