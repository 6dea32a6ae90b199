// plan(): add, remove, edit in place, weight changes, group expansion, sorry server in
// and out, quorum, and never touching what we do not own.
#include <doctest/doctest.h>

#include "helpers.hpp"
#include "stayalived/ipvs/desired.hpp"
#include "stayalived/ipvs/plan.hpp"

using namespace ipvs_test;

namespace {

State table(std::initializer_list<std::pair<Service, std::vector<Destination>>> entries) {
  State s;
  for (const auto& [svc, dests] : entries) {
    s.put(svc);
    for (const auto& d : dests) s.put(svc.key, d);
  }
  return s;
}

std::vector<std::string> describe(const std::vector<Op>& ops) {
  std::vector<std::string> out;
  for (const auto& op : ops) out.push_back(std::string(to_string(op.kind)) + " " + op.object());
  return out;
}

Ownership owning(const State& s) {
  Ownership o;
  o.claim(s);
  return o;
}

}  // namespace

TEST_CASE("plan: from empty, each service is followed by its destinations") {
  auto a = service(tcp("10.0.0.1", 80));
  auto b = service(tcp("10.0.0.2", 80));
  State want = table({{a, {dest("10.0.1.1", 80), dest("10.0.1.2", 80)}}, {b, {dest("10.0.1.3", 80)}}});
  auto ops = plan(want, State{}, owning(want));
  CHECK(describe(ops) == std::vector<std::string>{
                             "add service TCP 10.0.0.1:80",
                             "add destination TCP 10.0.0.1:80 -> 10.0.1.1:80",
                             "add destination TCP 10.0.0.1:80 -> 10.0.1.2:80",
                             "add service TCP 10.0.0.2:80",
                             "add destination TCP 10.0.0.2:80 -> 10.0.1.3:80",
                         });
  CHECK(ops[1].dest == dest("10.0.1.1", 80));
  CHECK(ops[0].service == a);
}

TEST_CASE("plan: equal tables need nothing") {
  auto a = service(tcp("10.0.0.1", 80));
  State want = table({{a, {dest("10.0.1.1", 80)}}});
  CHECK(plan(want, want, owning(want)).empty());
}

TEST_CASE("plan: a weight change is one edit, not delete + add") {
  auto a = service(tcp("10.0.0.1", 80));
  State have = table({{a, {dest("10.0.1.1", 80, 1), dest("10.0.1.2", 80, 1)}}});
  State want = table({{a, {dest("10.0.1.1", 80, 1), dest("10.0.1.2", 80, 5)}}});
  auto ops = plan(want, have, owning(have));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].kind == OpKind::EditDest);
  CHECK(ops[0].dest.weight == 5);
  CHECK(ops[0].object() == "TCP 10.0.0.1:80 -> 10.0.1.2:80");
}

TEST_CASE("plan: forwarding, thresholds and tunnel changes are edits in place") {
  auto a = service(tcp("10.0.0.1", 80));
  auto d = dest("10.0.1.1", 80);
  State have = table({{a, {d}}});
  auto tun = d;
  tun.forward = Forward::Tunnel;
  tun.tun_type = TunnelType::Gue;
  tun.tun_port = 6080;
  auto ops = plan(table({{a, {tun}}}), have, owning(have));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].kind == OpKind::EditDest);
  auto th = d;
  th.upper_threshold = 100;
  ops = plan(table({{a, {th}}}), have, owning(have));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].kind == OpKind::EditDest);
}

TEST_CASE("plan: scheduler, persistence and flag changes edit the service in place") {
  auto a = service(tcp("10.0.0.1", 80), "rr");
  State have = table({{a, {dest("10.0.1.1", 80)}}});
  auto b = a;
  b.scheduler = "mh";
  b.flags = svc_flag::kSched1 | svc_flag::kSched2 | svc_flag::kPersistent;
  b.timeout = 300;
  auto ops = plan(table({{b, {dest("10.0.1.1", 80)}}}), have, owning(have));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].kind == OpKind::EditService);
  CHECK(ops[0].service.scheduler == "mh");
}

TEST_CASE("plan: removed real server and removed service, deletes after adds") {
  auto a = service(tcp("10.0.0.1", 80));
  auto b = service(tcp("10.0.0.2", 80));
  auto c = service(tcp("10.0.0.3", 80));
  State have = table({{a, {dest("10.0.1.1", 80), dest("10.0.1.2", 80)}}, {b, {dest("10.0.1.3", 80)}}});
  State want = table({{a, {dest("10.0.1.1", 80)}}, {c, {dest("10.0.1.9", 80)}}});
  auto ops = plan(want, have, owning(have));
  CHECK(describe(ops) == std::vector<std::string>{
                             "add service TCP 10.0.0.3:80",
                             "add destination TCP 10.0.0.3:80 -> 10.0.1.9:80",
                             "delete destination TCP 10.0.0.1:80 -> 10.0.1.2:80",
                             "delete service TCP 10.0.0.2:80",
                         });
}

TEST_CASE("plan: foreign services and hand-added destinations are never touched") {
  auto ours = service(tcp("10.0.0.1", 80));
  auto foreign = service(tcp("192.0.2.1", 80));
  State have = table({{ours, {dest("10.0.1.1", 80), dest("10.0.9.9", 80)}}, {foreign, {dest("10.0.1.1", 80)}}});
  State want = table({{ours, {dest("10.0.1.1", 80)}}});
  Ownership owned = owning(want);  // the hand-added 10.0.9.9 and the foreign service are not ours
  CHECK(plan(want, have, owned).empty());
  // Even with nothing desired, only owned things go.
  auto ops = plan(State{}, have, owned);
  CHECK(describe(ops) == std::vector<std::string>{"delete service TCP 10.0.0.1:80"});
}

TEST_CASE("plan: an existing service we want is adopted: edited, not re-added") {
  auto want_svc = service(tcp("10.0.0.1", 80), "wrr");
  auto existing = service(tcp("10.0.0.1", 80), "rr");
  State have = table({{existing, {dest("10.0.1.1", 80, 3)}}});
  State want = table({{want_svc, {dest("10.0.1.1", 80, 1), dest("10.0.1.2", 80, 1)}}});
  auto ops = plan(want, have, owning(want));
  CHECK(describe(ops) == std::vector<std::string>{
                             "edit service TCP 10.0.0.1:80",
                             "edit destination TCP 10.0.0.1:80 -> 10.0.1.1:80",
                             "add destination TCP 10.0.0.1:80 -> 10.0.1.2:80",
                         });
}

TEST_CASE("plan: mixed families and fwmark services keep their own keys") {
  auto v6 = service(ServiceKey::make(Protocol::Udp, ip("2001:db8::1"), 53));
  auto fwm = service(ServiceKey::fwmark_service(5));
  auto tun6 = dest("2001:db8::10", 0, 1, Forward::Tunnel);
  State want = table({{v6, {dest("2001:db8::2", 53)}}, {fwm, {tun6, dest("10.0.1.1", 0, 1, Forward::Route)}}});
  auto ops = plan(want, State{}, owning(want));
  CHECK(describe(ops) == std::vector<std::string>{
                             "add service FWM 5",
                             "add destination FWM 5 -> 10.0.1.1:0",
                             "add destination FWM 5 -> [2001:db8::10]:0",
                             "add service UDP [2001:db8::1]:53",
                             "add destination UDP [2001:db8::1]:53 -> [2001:db8::2]:53",
                         });
}

TEST_CASE("plan + build_desired: a health flip changes exactly that destination") {
  VirtualServerSpec vs;
  vs.services = {tcp("10.0.0.1", 80)};
  vs.settings.scheduler = "rr";
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.1"), .port = 80},
                     RealServerSpec{.address = ip("10.0.1.2"), .port = 80},
                     RealServerSpec{.address = ip("10.0.1.3"), .port = 80}};
  std::vector<VirtualServerSpec> vss{vs};
  const PoolRules rules{.inhibit = {false, false, true}};
  auto pools = [&](std::vector<bool> alive) {
    return std::vector{checker_pool(vs, alive, true, rules).pool};
  };
  State before = build_desired(vss, pools({true, true, true}));
  auto ops = plan(build_desired(vss, pools({true, false, true})), before, owning(before));
  CHECK(describe(ops) == std::vector<std::string>{"delete destination TCP 10.0.0.1:80 -> 10.0.1.2:80"});
  // inhibit_on_failure: weight 0 instead of removal, one edit.
  ops = plan(build_desired(vss, pools({true, true, false})), before, owning(before));
  REQUIRE(ops.size() == 1);
  CHECK(ops[0].kind == OpKind::EditDest);
  CHECK(ops[0].dest.weight == 0);
}

TEST_CASE("plan + build_desired: a group expands to one service per address and fwmark") {
  std::vector<GroupEntry> g{{.first = ip("10.0.2.1"), .last = ip("10.0.2.3"), .port = 80},
                            {.first = {}, .last = {}, .port = 0, .fwmark = 9, .family = {}}};
  auto keys = expand_group(g, Protocol::Tcp);
  REQUIRE(keys);
  VirtualServerSpec vs;
  vs.services = *keys;
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.6"), .port = 80}};
  std::vector<VirtualServerSpec> vss{vs};
  State want = build_desired(vss, std::vector{checker_pool(vs, {true}, false).pool});
  auto ops = plan(want, State{}, owning(want));
  CHECK(describe(ops) == std::vector<std::string>{
                             "add service TCP 10.0.2.1:80",
                             "add destination TCP 10.0.2.1:80 -> 10.0.1.6:80",
                             "add service TCP 10.0.2.2:80",
                             "add destination TCP 10.0.2.2:80 -> 10.0.1.6:80",
                             "add service TCP 10.0.2.3:80",
                             "add destination TCP 10.0.2.3:80 -> 10.0.1.6:80",
                             "add service FWM 9",
                             "add destination FWM 9 -> 10.0.1.6:80",
                         });
  // A health flip in a group touches the destination in every service of the group.
  ops = plan(build_desired(vss, std::vector{checker_pool(vs, {false}, true).pool}), want, owning(want));
  CHECK(ops.size() == 4);
  for (const auto& op : ops) CHECK(op.kind == OpKind::DeleteDest);
}

TEST_CASE("plan + build_desired: sorry server in when quorum is lost, out when regained") {
  VirtualServerSpec vs;
  vs.services = {tcp("10.0.0.9", 80)};
  vs.real_servers = {RealServerSpec{.address = ip("10.0.1.1"), .port = 80},
                     RealServerSpec{.address = ip("10.0.1.2"), .port = 80}};
  vs.sorry_server = RealServerSpec{.address = ip("10.0.1.99"), .port = 80};
  std::vector<VirtualServerSpec> vss{vs};
  const PoolRules rules{.quorum = 2};
  auto start = checker_pool(vs, {true, true}, false, rules);
  REQUIRE(start.quorum_up);
  State up = build_desired(vss, std::vector{start.pool});
  CHECK(up.find(vss[0].services[0])->dests.size() == 2);

  auto lost = checker_pool(vs, {false, true}, start.quorum_up, rules);
  CHECK_FALSE(lost.quorum_up);
  State down = build_desired(vss, std::vector{lost.pool});
  auto ops = plan(down, up, owning(up));
  // The sorry server goes in before the real servers go out: the pool is never empty.
  CHECK(describe(ops) == std::vector<std::string>{
                             "add destination TCP 10.0.0.9:80 -> 10.0.1.99:80",
                             "delete destination TCP 10.0.0.9:80 -> 10.0.1.1:80",
                             "delete destination TCP 10.0.0.9:80 -> 10.0.1.2:80",
                         });
  Ownership owned = owning(up);
  owned.claim(down);
  auto regained = checker_pool(vs, {true, true}, lost.quorum_up, rules);
  CHECK(regained.quorum_up);
  ops = plan(build_desired(vss, std::vector{regained.pool}), down, owned);
  CHECK(describe(ops) == std::vector<std::string>{
                             "add destination TCP 10.0.0.9:80 -> 10.0.1.1:80",
                             "add destination TCP 10.0.0.9:80 -> 10.0.1.2:80",
                             "delete destination TCP 10.0.0.9:80 -> 10.0.1.99:80",
                         });
}

TEST_CASE("apply_to replays ops onto a table") {
  auto a = service(tcp("10.0.0.1", 80));
  State want = table({{a, {dest("10.0.1.1", 80), dest("10.0.1.2", 80, 4)}}});
  State t;
  for (const auto& op : plan(want, t, owning(want))) apply_to(t, op);
  CHECK(t == want);
  for (const auto& op : plan(State{}, t, owning(want))) apply_to(t, op);
  CHECK(t.services.empty());
}

TEST_CASE("Ownership::release forgets a service and only its destinations") {
  auto a = service(tcp("10.0.0.1", 80));
  auto b = service(tcp("10.0.0.2", 80));
  State s = table({{a, {dest("10.0.1.1", 80), dest("2001:db8::1", 80, 1, Forward::Tunnel)}}, {b, {dest("10.0.1.1", 80)}}});
  Ownership o = owning(s);
  o.release(a.key);
  CHECK_FALSE(o.owns(a.key));
  CHECK_FALSE(o.owns(a.key, DestKey{ip("10.0.1.1"), 80}));
  CHECK_FALSE(o.owns(a.key, DestKey{ip("2001:db8::1"), 80}));
  CHECK(o.owns(b.key));
  CHECK(o.owns(b.key, DestKey{ip("10.0.1.1"), 80}));
}
