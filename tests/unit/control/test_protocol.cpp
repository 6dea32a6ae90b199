// The control protocol (pure): request parsing with its limits and errors, the verb table,
// response encoding and parsing, and the history ring with its followers.
#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include "stayalived/control/history.hpp"
#include "stayalived/control/protocol.hpp"

using namespace stayalived;
using namespace stayalived::control;

TEST_CASE("control protocol: a request and its fields") {
  auto r = parse_request(R"({"v":1,"id":7,"verb":"explain","args":{"name":"VI_1","follow":true,"limit":5}})");
  REQUIRE(r);
  CHECK(r->id == 7);
  CHECK(r->verb == "explain");
  CHECK(r->str("name") == "VI_1");
  CHECK(r->flag("follow"));
  CHECK_FALSE(r->flag("absent"));
  CHECK(r->integer("limit") == 5);
  CHECK_FALSE(r->str("limit"));
  // encode_request round-trips.
  std::string line = encode_request(9, "status", boost::json::object{{"x", 1}});
  REQUIRE(line.back() == '\n');
  line.pop_back();
  auto back = parse_request(line);
  REQUIRE(back);
  CHECK(back->id == 9);
  CHECK(back->verb == "status");
  CHECK(back->integer("x") == 1);
}

TEST_CASE("control protocol: bad requests get a code and the id when readable") {
  const auto code = [](std::string_view line) {
    auto r = parse_request(line);
    REQUIRE_FALSE(r);
    return std::string(r.error().code);
  };
  CHECK(code("garbage") == "bad_request");
  CHECK(code("[1,2]") == "bad_request");
  CHECK(code(R"({"id":3,"verb":"status"})") == "bad_request");  // no version
  CHECK(code(R"({"v":2,"verb":"status"})") == "unsupported_version");
  CHECK(code(R"({"v":1})") == "bad_request");
  CHECK(code(R"({"v":1,"verb":""})") == "bad_request");
  CHECK(code(R"({"v":1,"verb":7})") == "bad_request");
  CHECK(code(R"({"v":1,"verb":"status","args":[]})") == "bad_request");
  CHECK(code(R"({"v":1,"id":"x","verb":"status"})") == "bad_request");
  CHECK(code(std::string(kMaxRequestBytes + 1, ' ')) == "too_large");
  // Deep nesting is refused, not recursed into.
  std::string deep = R"({"v":1,"verb":"status","args":{"a":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  CHECK(code(deep) == "bad_request");
  auto r = parse_request(R"({"v":1,"id":12,"verb":""})");
  REQUIRE_FALSE(r);
  CHECK(r.error().id == 12);
}

TEST_CASE("control protocol: the verb table says which verbs change state") {
  REQUIRE(find_verb("status"));
  CHECK(find_verb("status")->access == Access::Read);
  CHECK(find_verb("history")->access == Access::Read);
  CHECK(find_verb("reload_dry_run")->access == Access::Read);
  for (const char* v : {"reload", "maintenance", "resume", "disable", "enable"}) {
    REQUIRE(find_verb(v));
    CHECK(find_verb(v)->access == Access::Admin);
  }
  CHECK_FALSE(find_verb("shutdown"));
}

TEST_CASE("control protocol: responses") {
  auto ok = parse_response(encode_result(4, boost::json::object{{"a", 1}}));
  REQUIRE(ok);
  CHECK(ok->kind == Response::Kind::Result);
  CHECK(ok->id == 4);
  CHECK(ok->body.as_object().at("a").as_int64() == 1);
  auto err = parse_response(encode_error(5, errc::kForbidden, "no"));
  REQUIRE(err);
  CHECK(err->kind == Response::Kind::Error);
  CHECK(err->error_code == "forbidden");
  CHECK(err->error_message == "no");
  auto ev = parse_response(encode_event(6, boost::json::object{{"type", "reload"}}));
  REQUIRE(ev);
  CHECK(ev->kind == Response::Kind::Event);
  CHECK_FALSE(parse_response("{}"));
  CHECK_FALSE(parse_response("nope"));
}

TEST_CASE("control history: a bounded ring with times, and followers") {
  auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  History h(3, [&] { return now; });
  std::vector<boost::json::object> seen;
  const auto f = h.follow([&](const boost::json::object& e) { seen.push_back(e); });
  for (int i = 0; i < 5; ++i)
    h.record(events::ReloadOutcome{.applied = i % 2 == 0, .errors = static_cast<std::size_t>(i), .warnings = 0});
  CHECK(h.size() == 3);
  CHECK(h.recorded() == 5);
  auto all = h.recent();
  REQUIRE(all.size() == 3);
  CHECK(all[0].as_object().at("errors").as_uint64() == 2);  // the oldest two were dropped
  CHECK(all[2].as_object().at("seq").as_uint64() == 5);
  CHECK(all[2].as_object().at("time").as_double() == doctest::Approx(1'700'000'000.0));
  CHECK(h.recent(1).size() == 1);
  CHECK(seen.size() == 5);
  h.unfollow(f);
  h.record(events::ReloadOutcome{});
  CHECK(seen.size() == 5);
  // A follower that unfollows itself while being called is safe.
  std::uint64_t self = 0;
  int calls = 0;
  self = h.follow([&](const boost::json::object&) {
    ++calls;
    h.unfollow(self);
  });
  h.record(events::ReloadOutcome{});
  h.record(events::ReloadOutcome{});
  CHECK(calls == 1);
}

TEST_CASE("control history: events in JSON and in words") {
  events::VrrpInstanceTransition t;
  t.instance = "VI_1";
  t.interface = "eth0";
  t.from = events::VrrpState::Master;
  t.to = events::VrrpState::Backup;
  t.cause = events::VrrpCause::HigherPriority;
  t.priority = 100;
  t.peer = "192.0.2.2";
  t.peer_priority = 150;
  const auto j = to_json(t);
  CHECK(j.at("type").as_string() == "vrrp_transition");
  CHECK(j.at("cause").as_string() == "higher_priority");
  CHECK(describe_event(j) == "VI_1 MASTER -> BACKUP (higher_priority), peer 192.0.2.2 priority 150, our priority 100");
  events::RealServerChange rs{"[192.0.2.100]:tcp:80", "[192.0.2.11]:tcp:80", false, "TCP_CHECK", "connection refused"};
  CHECK(describe_event(to_json(rs)) == "[192.0.2.11]:tcp:80 in [192.0.2.100]:tcp:80 DOWN (TCP_CHECK: connection refused)");
  CHECK(describe_event(to_json(events::QuorumChange{"VS", false, 3, 1, 2})) ==
        "VS quorum LOST (alive weight 2, quorum 3, hysteresis 1)");
}
