#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "stayalived/metrics/event_counters.hpp"
#include "stayalived/metrics/exposition.hpp"

using namespace stayalived::metrics;
namespace ev = stayalived::events;

TEST_CASE("metrics: values are written as the text format reads them") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(2) == "2");
  CHECK(format_value(-3) == "-3");
  CHECK(format_value(18446744073709551615.0) == "1.8446744073709552e+19");
  CHECK(format_value(0.1) == "0.1");
  CHECK(format_value(0.005) == "0.005");
  CHECK(format_value(1.5e-7) == "1.5e-07");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::nan("")) == "NaN");
}

TEST_CASE("metrics: label values and help texts are escaped") {
  CHECK(escape_label_value(R"(a\b"c)" "\nd") == R"(a\\b\"c\nd)");
  CHECK(escape_label_value("[192.0.2.1]:tcp:80") == "[192.0.2.1]:tcp:80");
  CHECK(escape_help("x\\y\nz \"q\"") == "x\\\\y\\nz \"q\"");
  CHECK(valid_metric_name("keepalived_vrrp_state"));
  CHECK(valid_metric_name("a:b_c9"));
  CHECK_FALSE(valid_metric_name("9abc"));
  CHECK_FALSE(valid_metric_name("a-b"));
  CHECK_FALSE(valid_metric_name(""));
  CHECK(valid_label_name("ip_address"));
  CHECK_FALSE(valid_label_name("__name__"));
  CHECK_FALSE(valid_label_name("a:b"));
}

TEST_CASE("metrics: one HELP and TYPE per family, samples grouped in first-seen order") {
  Exposition x;
  x.gauge("a_state", "State\nof a", {{"iname", "VI_1"}}, 2);
  x.counter("b_total", "B", {}, 7);
  x.gauge("a_state", "ignored", {{"iname", "VI \"2\""}}, 1);
  x.declare("c_total", Type::Counter, "empty");
  x.gauge("bad-name", "x", {}, 1);                // refused: not a metric name
  x.gauge("d", "x", {{"le", "1"}}, 1);            // refused: le is the histogram's
  CHECK(x.text() ==
        "# HELP a_state State\\nof a\n# TYPE a_state gauge\n"
        "a_state{iname=\"VI_1\"} 2\n"
        "a_state{iname=\"VI \\\"2\\\"\"} 1\n"
        "# HELP b_total B\n# TYPE b_total counter\nb_total 7\n"
        "# HELP c_total empty\n# TYPE c_total counter\n");
}

TEST_CASE("metrics: histograms have cumulative buckets, +Inf, sum and count") {
  Histogram h({0.1, 0.01, 1});
  h.observe(0.005);
  h.observe(0.01);  // le is inclusive
  h.observe(0.5);
  h.observe(3);
  CHECK(h.count() == 4);
  Exposition x;
  x.histogram("lag_seconds", "Lag", {{"loop", "main"}}, h);
  CHECK(x.text() ==
        "# HELP lag_seconds Lag\n# TYPE lag_seconds histogram\n"
        "lag_seconds_bucket{loop=\"main\",le=\"0.01\"} 2\n"
        "lag_seconds_bucket{loop=\"main\",le=\"0.1\"} 2\n"
        "lag_seconds_bucket{loop=\"main\",le=\"1\"} 3\n"
        "lag_seconds_bucket{loop=\"main\",le=\"+Inf\"} 4\n"
        "lag_seconds_sum{loop=\"main\"} 3.515\n"
        "lag_seconds_count{loop=\"main\"} 4\n");
  Histogram g({0.001, 0.01});
  const std::uint64_t per[] = {5, 0, 2};
  g.assign(per, 1.25);
  CHECK(g.cumulative(0) == 5);
  CHECK(g.cumulative(1) == 5);
  CHECK(g.count() == 7);
  CHECK(g.sum() == 1.25);
}

TEST_CASE("metrics: the event stream's changes are counted") {
  double now = 1700000000.5;
  EventCounters c([&] { return now; });
  ev::Bus bus;
  c.subscribe(bus);
  bus.publish(ev::VrrpInstanceTransition{.instance = "VI_1", .from = ev::VrrpState::Backup,
                                         .to = ev::VrrpState::Master, .cause = ev::VrrpCause::MasterDown});
  bus.publish(ev::VrrpInstanceTransition{.instance = "VI_1", .from = ev::VrrpState::Backup,
                                         .to = ev::VrrpState::Master, .cause = ev::VrrpCause::MasterDown});
  bus.publish(ev::RealServerChange{.virtual_server = "[192.0.2.100]:tcp:80", .real_server = "[192.0.2.11]:tcp:80"});
  bus.publish(ev::ReloadOutcome{.applied = true});
  bus.publish(ev::ReloadOutcome{.applied = false, .errors = 1});
  Exposition x;
  c.write(x);
  const std::string t = x.text();
  CHECK(t.find("stayalived_vrrp_transitions_total{iname=\"VI_1\",from=\"BACKUP\",to=\"MASTER\",cause=\"master_down\"} 2\n") !=
        std::string::npos);
  CHECK(t.find("stayalived_real_server_transitions_total{virtual_server=\"[192.0.2.100]:tcp:80\","
               "real_server=\"[192.0.2.11]:tcp:80\",to=\"down\"} 1\n") != std::string::npos);
  CHECK(t.find("stayalived_reloads_total{result=\"success\"} 1\n") != std::string::npos);
  CHECK(t.find("stayalived_reloads_total{result=\"failure\"} 1\n") != std::string::npos);
  CHECK(t.find("stayalived_last_reload_success_timestamp_seconds 1700000000.5\n") != std::string::npos);
  CHECK(t.find("# TYPE stayalived_quorum_transitions_total counter\n") != std::string::npos);
}
