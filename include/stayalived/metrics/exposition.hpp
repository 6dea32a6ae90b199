// Prometheus text exposition format 0.0.4: a pure writer. Subsystems add samples in any
// order; each metric family is written once, its # HELP and # TYPE lines first and its
// samples together, in the order the families were first seen (the format requires one
// group per family). No I/O, no clock.
//
//   Exposition x;
//   x.gauge("keepalived_vrrp_state", "State of vrrp", {{"iname", "VI_1"}, {"vrid", "51"}}, 2);
//   std::string body = x.text();
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace stayalived::metrics {

/// The Content-Type of the text format this writer produces.
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

/// One label of a sample: a name ([a-zA-Z_][a-zA-Z0-9_]*) and any UTF-8 value.
struct Label {
  std::string_view name;
  std::string_view value;
};
using Labels = std::initializer_list<Label>;

/// Cumulative buckets over fixed upper bounds (the +Inf bucket is implicit).
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  /// Counts one observation.
  void observe(double v);
  /// Sets the state from counts per bucket (not cumulative; one more than bounds, the
  /// last for values above every bound) and a sum (for counters kept elsewhere).
  void assign(std::span<const std::uint64_t> per_bucket, double sum);

  const std::vector<double>& bounds() const { return bounds_; }
  /// Observations <= bounds()[i] (cumulative), i < bounds().size().
  std::uint64_t cumulative(std::size_t i) const;
  std::uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> per_bucket_;  // bounds_.size() + 1
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

enum class Type { Counter, Gauge, Histogram };

/// A scrape's worth of samples (see the file comment).
class Exposition {
 public:
  void counter(std::string_view name, std::string_view help, Labels labels, double value);
  void gauge(std::string_view name, std::string_view help, Labels labels, double value);
  /// name_bucket{...,le="B"}, name_sum, name_count.
  void histogram(std::string_view name, std::string_view help, Labels labels, const Histogram& h);
  /// Declares a family without samples yet (its HELP and TYPE are written even if empty).
  void declare(std::string_view name, Type type, std::string_view help);

  /// The exposition, every family in the order first seen.
  std::string text() const;
  std::size_t families() const { return families_.size(); }

 private:
  struct Family {
    std::string name;
    Type type;
    std::string help;
    std::string samples;
  };
  Family& family(std::string_view name, Type type, std::string_view help);
  static void sample(std::string& out, std::string_view name, Labels labels, const Label* extra, double value);

  std::vector<Family> families_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

/// A sample value as the format writes it: integers without a fraction, others in the
/// shortest form that reads back exactly, "NaN", "+Inf", "-Inf".
std::string format_value(double v);
/// A label value escaped: backslash, double quote and line feed.
std::string escape_label_value(std::string_view v);
/// A HELP text escaped: backslash and line feed.
std::string escape_help(std::string_view v);
/// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
/// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved).
bool valid_label_name(std::string_view name);

}  // namespace stayalived::metrics
