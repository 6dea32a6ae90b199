// The pure health reducer and the desired pool (health.hpp), on a fake clock: time is only
// an argument here.
#include <doctest/doctest.h>

#include "stayalived/check/from_config.hpp"
#include "stayalived/check/health.hpp"
#include "stayalived/config/load.hpp"

using namespace stayalived;
using namespace stayalived::check;
using std::chrono::seconds;

namespace {

const TimePoint t0{seconds(1000)};

CheckResult ok() { return CheckResult::success(); }
CheckResult fail() { return CheckResult::failure(Outcome::ConnectRefused, 111); }

CheckTiming timing(unsigned retry, bool alpha = false) {
  CheckTiming t;
  t.delay_loop = seconds(6);
  t.delay_before_retry = seconds(2);
  t.retry = retry;
  t.alpha = alpha;
  return t;
}

Endpoint ep(const char* a, std::uint16_t port = 80) { return Endpoint{*IpAddress::parse(a), port}; }

VirtualServerDef vs_with(std::size_t n, std::int64_t quorum, std::int64_t hysteresis) {
  VirtualServerDef vs;
  vs.key.endpoint = ep("192.0.2.100");
  vs.quorum = quorum;
  vs.hysteresis = hysteresis;
  for (std::size_t i = 0; i < n; ++i) {
    RealServerDef rs;
    rs.endpoint = ep("192.0.2.1", static_cast<std::uint16_t>(8000 + i));
    vs.real_servers.push_back(rs);
  }
  return vs;
}

// A checker that has already run and is up.
CheckerState running(const CheckTiming& t) {
  CheckerState s = CheckerState::initial(t);
  s.has_run = true;
  return s;
}

std::vector<PoolEntry> entries(const VirtualServerDef& vs, std::initializer_list<RealServerStatus> st) {
  std::vector<PoolEntry> out;
  std::size_t i = 0;
  for (const auto& s : st) {
    out.push_back({vs.real_servers[i].endpoint, vs.real_servers[i].inhibit_on_failure, s});
    ++i;
  }
  return out;
}

}  // namespace

TEST_CASE("reducer: the first check is not retried (keepalived 2.2.7)") {
  const CheckTiming t = timing(3);
  const Step st = reduce(CheckerState::initial(t), t, fail(), t0);
  CHECK(st.first);
  CHECK(st.change == Change::Down);
  CHECK(st.retries == 0);
  CHECK(st.next_check == t0 + seconds(6));
  const Step ok1 = reduce(CheckerState::initial(t), t, ok(), t0);
  CHECK(ok1.first);
  CHECK(ok1.change == Change::None);
  CHECK_FALSE(reduce(ok1.state, t, ok(), t0 + seconds(6)).first);
}

TEST_CASE("reducer: an up checker goes down only after `retry` extra failures") {
  const CheckTiming t = timing(2);
  CheckerState s = running(t);
  REQUIRE(s.up);

  Step st = reduce(s, t, fail(), t0);
  CHECK(st.change == Change::None);
  CHECK(st.retrying);
  CHECK(st.state.up);
  CHECK(st.next_check == t0 + seconds(2));  // delay_before_retry

  st = reduce(st.state, t, fail(), t0 + seconds(2));
  CHECK(st.change == Change::None);
  CHECK(st.state.retries_used == 2);
  CHECK(st.next_check == t0 + seconds(4));

  st = reduce(st.state, t, fail(), t0 + seconds(4));
  CHECK(st.change == Change::Down);
  CHECK(st.retries == 2);
  CHECK_FALSE(st.state.up);
  CHECK_FALSE(st.retrying);
  CHECK(st.next_check == t0 + seconds(10));  // delay_loop once down
  CHECK(st.state.retries_used == 0);
}

TEST_CASE("reducer: a success between failures resets the retry count") {
  const CheckTiming t = timing(1);
  Step st = reduce(running(t), t, fail(), t0);
  REQUIRE(st.retrying);
  st = reduce(st.state, t, ok(), t0 + seconds(2));
  CHECK(st.change == Change::None);
  CHECK(st.state.retries_used == 0);
  CHECK(st.next_check == t0 + seconds(8));
  st = reduce(st.state, t, fail(), t0 + seconds(8));
  CHECK(st.change == Change::None);  // one retry again
  st = reduce(st.state, t, fail(), t0 + seconds(10));
  CHECK(st.change == Change::Down);
}

TEST_CASE("reducer: retry 0 takes the server down at the first failure") {
  const CheckTiming t = timing(0);
  const Step st = reduce(running(t), t, fail(), t0);
  CHECK(st.change == Change::Down);
  CHECK(st.retries == 0);
  CHECK(st.next_check == t0 + seconds(6));
}

TEST_CASE("reducer: alpha starts down, one success brings it up, failures while down change nothing") {
  const CheckTiming t = timing(3, /*alpha=*/true);
  CheckerState s = CheckerState::initial(t);
  CHECK_FALSE(s.up);
  Step st = reduce(s, t, fail(), t0);
  CHECK(st.change == Change::None);
  CHECK_FALSE(st.retrying);
  CHECK(st.next_check == t0 + seconds(6));
  st = reduce(st.state, t, ok(), t0 + seconds(6));
  CHECK(st.change == Change::Up);
  CHECK(st.state.up);
  CHECK(st.state.has_run);
}

TEST_CASE("reducer: a down checker comes back at the first success") {
  const CheckTiming t = timing(0);
  Step st = reduce(CheckerState::initial(t), t, fail(), t0);
  REQUIRE(st.change == Change::Down);
  st = reduce(st.state, t, fail(), t0 + seconds(6));
  CHECK(st.change == Change::None);
  st = reduce(st.state, t, ok(), t0 + seconds(12));
  CHECK(st.change == Change::Up);
}

TEST_CASE("reducer: cancelled results change nothing") {
  const CheckTiming t = timing(0);
  const CheckerState s = CheckerState::initial(t);
  const Step st = reduce(s, t, CheckResult::failure(Outcome::Cancelled), t0);
  CHECK(st.change == Change::None);
  CHECK(st.state == s);
}

TEST_CASE("reducer: misc_dynamic weight reports, exit 0 keeps the weight") {
  const CheckTiming t = timing(0);
  CheckResult w10 = ok();
  w10.weight.misc_weight = 10;
  Step st = reduce(CheckerState::initial(t), t, w10, t0);
  CHECK(st.change == Change::Weight);
  CHECK(st.state.weight.misc_weight == 10);
  st = reduce(st.state, t, ok(), t0 + seconds(6));  // exit 0: unchanged
  CHECK(st.change == Change::None);
  CHECK(st.state.weight.misc_weight == 10);
  CheckResult w20 = ok();
  w20.weight.misc_weight = 20;
  st = reduce(st.state, t, w20, t0 + seconds(12));
  CHECK(st.change == Change::Weight);
  st = reduce(st.state, t, fail(), t0 + seconds(18));
  CHECK(st.change == Change::Down);
  CHECK_FALSE(st.state.weight.misc_weight.has_value());
}

TEST_CASE("real server: alive iff every checker is up, dynamic weights apply") {
  CheckerState up;
  CheckerState down;
  down.up = false;
  const CheckerState* both_up[] = {&up, &up};
  const CheckerState* one_down[] = {&up, &down};
  CHECK(real_server_status(5, both_up) == RealServerStatus{true, 5});
  CHECK_FALSE(real_server_status(5, one_down).alive);
  CHECK(real_server_status(7, {}).alive);  // no checkers: always alive

  CheckerState misc;
  misc.weight.misc_weight = 253;  // exit status 255
  const CheckerState* m[] = {&misc};
  CHECK(real_server_status(1, m).weight == 253);
  CheckerState file;
  file.weight.delta = -30;
  const CheckerState* mf[] = {&misc, &file};
  CHECK(real_server_status(1, mf).weight == 223);
  file.weight.delta = -1000;
  CHECK(real_server_status(1, mf).weight == 0);  // clamped
}

TEST_CASE("pool: down real servers leave, inhibit_on_failure keeps them at weight 0") {
  VirtualServerDef vs = vs_with(3, 1, 0);
  vs.real_servers[0].weight = 3;
  vs.real_servers[2].inhibit_on_failure = true;
  const PoolStep p = compute_pool(vs, entries(vs, {{true, 3}, {false, 1}, {false, 1}}), true);
  REQUIRE(p.pool.members.size() == 2);
  CHECK(p.pool.members[0] == PoolMember{vs.real_servers[0].endpoint, 3, false});
  CHECK(p.pool.members[1] == PoolMember{vs.real_servers[2].endpoint, 0, false});
  CHECK(p.quorum_up);
  CHECK_FALSE(p.change);
}

TEST_CASE("pool: quorum with hysteresis is lost below quorum-hysteresis, regained at quorum+hysteresis") {
  const VirtualServerDef vs = vs_with(5, 3, 1);  // lost when < 2, gained when >= 4
  auto status = [&vs](int alive) {
    std::vector<PoolEntry> v;
    for (int i = 0; i < 5; ++i) v.push_back({vs.real_servers[static_cast<std::size_t>(i)].endpoint, false, {i < alive, 1}});
    return v;
  };
  PoolStep p = compute_pool(vs, status(2), true);
  CHECK(p.quorum_up);  // 2 >= 3-1: still up
  CHECK_FALSE(p.change);
  p = compute_pool(vs, status(1), true);
  CHECK_FALSE(p.quorum_up);
  REQUIRE(p.change);
  CHECK_FALSE(p.change->up);
  CHECK(p.change->alive_weight == 1);
  p = compute_pool(vs, status(3), false);
  CHECK_FALSE(p.quorum_up);  // 3 < 3+1: still down
  CHECK_FALSE(p.change);
  p = compute_pool(vs, status(4), false);
  CHECK(p.quorum_up);
  REQUIRE(p.change);
  CHECK(p.change->up);
}

TEST_CASE("pool: without quorum the sorry server replaces the real servers") {
  VirtualServerDef vs = vs_with(2, 2, 0);
  vs.sorry_server = SorryServerDef{ep("192.0.2.250"), false};
  vs.real_servers[1].inhibit_on_failure = true;
  PoolStep p = compute_pool(vs, entries(vs, {{true, 1}, {false, 1}}), true);
  CHECK_FALSE(p.quorum_up);
  CHECK(p.pool.sorry_active);
  REQUIRE(p.pool.members.size() == 2);
  CHECK(p.pool.members[0] == PoolMember{vs.real_servers[1].endpoint, 0, false});  // inhibited
  CHECK(p.pool.members[1] == PoolMember{ep("192.0.2.250"), 1, true});

  const auto both = entries(vs, {{true, 1}, {true, 1}});
  p = compute_pool(vs, both, false);
  CHECK(p.quorum_up);
  CHECK_FALSE(p.pool.sorry_active);
  CHECK(p.pool.members.size() == 2);
  for (const auto& m : p.pool.members) CHECK_FALSE(m.sorry);

  vs.sorry_server->inhibit = true;  // sorry_server_inhibit: kept at weight 0 while unused
  p = compute_pool(vs, both, true);
  REQUIRE(p.pool.members.size() == 3);
  CHECK(p.pool.members[2] == PoolMember{ep("192.0.2.250"), 0, true});
}

TEST_CASE("pool: a virtual server starts without quorum and gains it at its first evaluation") {
  const VirtualServerDef vs = vs_with(2, 2, 1);
  CHECK_FALSE(compute_pool(vs, entries(vs, {{true, 1}, {true, 1}}), false).change);  // 2 < 2+1
  const PoolStep p = compute_pool(vs, entries(vs, {{true, 1}, {true, 2}}), false);
  REQUIRE(p.change);
  CHECK(p.change->up);
}

TEST_CASE("pool: a quorum above the total weight is lowered to it once, by the config, and the pool follows") {
  // keepalived 2.2.7: "quorum 5 ... exceeds total weight of real servers 2, reducing quorum
  // to 2". Without the lowering, two live servers of weight 1 would never gain quorum 5 and
  // the sorry server would stand in for good.
  auto r = stayalived::config::load_string(
      "virtual_server 192.0.2.100 80 {\n protocol TCP\n lb_algo rr\n lb_kind DR\n quorum 5\n"
      " sorry_server 192.0.2.99 80\n real_server 192.0.2.11 80 {\n }\n real_server 192.0.2.12 80 {\n }\n}\n",
      "quorum.conf");
  REQUIRE(r.config);
  const Definition d = from_config(*r.config);
  REQUIRE(d.virtual_servers.size() == 1);
  const VirtualServerDef& vs = d.virtual_servers[0];
  CHECK(vs.quorum == 2);
  std::vector<PoolEntry> rs;
  for (const auto& s : vs.real_servers) rs.push_back(PoolEntry{s.endpoint, false, RealServerStatus{true, 1}});
  const PoolStep start = compute_pool(vs, rs, false);
  CHECK(start.quorum_up);
  CHECK_FALSE(start.pool.sorry_active);
  CHECK(start.pool.members.size() == 2);
  rs[0].status.alive = false;
  const PoolStep lost = compute_pool(vs, rs, true);
  CHECK_FALSE(lost.quorum_up);
  CHECK(lost.pool.sorry_active);
}
