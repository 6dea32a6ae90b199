#include <doctest/doctest.h>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/common/rate_limit.hpp"

using namespace stayalived;

TEST_CASE("keepalived's -g rule for subsystem log files") {
  using log::Source;
  CHECK(log::file_for("/var/log/keepalived.log", Source::Main) == "/var/log/keepalived.log");
  CHECK(log::file_for("/var/log/keepalived.log", Source::Vrrp) == "/var/log/keepalived_vrrp.log");
  CHECK(log::file_for("/var/log/keepalived.log", Source::Check) ==
        "/var/log/keepalived_healthcheckers.log");
  CHECK(log::file_for("/var/log.d/keepalived", Source::Bfd) == "/var/log.d/keepalived_bfd");
  CHECK(log::file_for("k.a.log", Source::Vrrp) == "k.a_vrrp.log");
}

TEST_CASE("syslog identities are keepalived's") {
  CHECK(log::ident(log::Source::Main) == "Keepalived");
  CHECK(log::ident(log::Source::Vrrp) == "Keepalived_vrrp");
  CHECK(log::ident(log::Source::Check) == "Keepalived_healthcheckers");
}

TEST_CASE("console timestamp prefix has keepalived's shape") {
  // 2026-11-02 03:04:05 UTC in whatever local zone: check the shape, not the zone.
  const std::string p = log::timestamp_prefix(1793588645);
  REQUIRE(p.size() == 26);
  CHECK(p.substr(p.size() - 2) == ": ");
  CHECK(p[3] == ' ');
  CHECK(p[7] == ' ');
}

TEST_CASE("logger fans out to sinks with the source and level") {
  log::Logger logger;
  auto sink = std::make_unique<log::MemorySink>();
  auto* mem = sink.get();
  logger.add_sink(std::move(sink));
  log::Channel vrrp(logger, log::Source::Vrrp);
  vrrp.info("({}) Entering {} STATE", "VI_1", "MASTER");
  REQUIRE(mem->lines.size() == 1);
  CHECK(mem->lines[0].text == "(VI_1) Entering MASTER STATE");
  CHECK(mem->lines[0].src == log::Source::Vrrp);
  CHECK(mem->lines[0].level == log::Level::Info);
}

TEST_CASE("rate limiter lets a burst through, then one per interval") {
  RateLimiter rl(1.0, 3.0);
  const TimePoint t0{seconds(100)};
  CHECK(rl.allow(t0));
  CHECK(rl.allow(t0));
  CHECK(rl.allow(t0));
  CHECK_FALSE(rl.allow(t0));
  CHECK_FALSE(rl.allow(t0 + milliseconds(500)));
  CHECK(rl.allow(t0 + milliseconds(1600)));
  CHECK(rl.take_suppressed() == 2);
  CHECK(rl.take_suppressed() == 0);
}

TEST_CASE("Expected holds a value or an error") {
  Result<int> ok = 5;
  REQUIRE(ok);
  CHECK(*ok == 5);
  Result<int> bad = Unexpected(Error{"boom", 3});
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "boom");
  Result<> v;
  CHECK(v.has_value());
  Result<> e = Unexpected(Error{"x"});
  CHECK_FALSE(e.has_value());
}
