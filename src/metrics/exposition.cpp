#include "stayalived/metrics/exposition.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include <fmt/format.h>

namespace stayalived::metrics {

namespace {

constexpr std::string_view type_name(Type t) {
  switch (t) {
    case Type::Counter: return "counter";
    case Type::Gauge: return "gauge";
    case Type::Histogram: return "histogram";
  }
  return "untyped";
}

bool name_char(char c, bool first, bool colon) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view name, bool colon) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!name_char(name[i], i == 0, colon)) return false;
  return true;
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  // +Inf is the implicit last bucket.
  while (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();
  per_bucket_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double v) {
  // The first bucket whose bound is >= v ("le"); NaN goes to +Inf only.
  const auto it = std::isnan(v) ? bounds_.end() : std::lower_bound(bounds_.begin(), bounds_.end(), v);
  ++per_bucket_[static_cast<std::size_t>(it - bounds_.begin())];
  ++count_;
  sum_ += v;
}

void Histogram::assign(std::span<const std::uint64_t> per_bucket, double sum) {
  std::fill(per_bucket_.begin(), per_bucket_.end(), 0);
  count_ = 0;
  for (std::size_t i = 0; i < per_bucket.size(); ++i) {
    per_bucket_[std::min(i, per_bucket_.size() - 1)] += per_bucket[i];
    count_ += per_bucket[i];
  }
  sum_ = sum;
}

std::uint64_t Histogram::cumulative(std::size_t i) const {
  std::uint64_t n = 0;
  for (std::size_t j = 0; j <= i && j < per_bucket_.size(); ++j) n += per_bucket_[j];
  return n;
}

namespace {
// Appends a value (format_value's text) to `out` without a temporary string: a scrape
// writes tens of thousands of them.
void append_value(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0) {
    // Integral values (counters, states) without exponent or fraction, up to 2^53 where a
    // double holds every integer.
    fmt::format_to(std::back_inserter(out), "{}", static_cast<std::int64_t>(v));
  } else {
    fmt::format_to(std::back_inserter(out), "{}", v);  // shortest round-trip form (Go's ParseFloat reads it)
  }
}

// The format's escapes, appended: backslash and line feed everywhere, double quote in
// label values. The common case, nothing to escape, is one append.
void append_escaped(std::string& out, std::string_view v, bool quotes) {
  if (v.find_first_of(quotes ? std::string_view("\\\n\"") : std::string_view("\\\n")) == std::string_view::npos) {
    out += v;
    return;
  }
  for (const char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '"' && quotes) out += "\\\"";
    else out += c;
  }
}
}  // namespace

std::string format_value(double v) {
  std::string out;
  append_value(out, v);
  return out;
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  append_escaped(out, v, true);
  return out;
}

std::string escape_help(std::string_view v) {
  std::string out;
  append_escaped(out, v, false);
  return out;
}

bool valid_metric_name(std::string_view name) { return valid_name(name, true); }

bool valid_label_name(std::string_view name) { return valid_name(name, false) && !name.starts_with("__"); }

Exposition::Family& Exposition::family(std::string_view name, Type type, std::string_view help) {
  if (const auto it = index_.find(name); it != index_.end()) return families_[it->second];
  index_.emplace(std::string(name), families_.size());
  families_.push_back(Family{std::string(name), type, std::string(help), {}});
  return families_.back();
}

void Exposition::sample(std::string& out, std::string_view name, Labels labels, const Label* extra, double value) {
  out += name;
  const std::size_t n = labels.size() + (extra ? 1 : 0);
  if (n > 0) {
    out += '{';
    bool first = true;
    const auto add = [&](const Label& l) {
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      append_escaped(out, l.value, true);
      out += '"';
    };
    for (const auto& l : labels) add(l);
    if (extra) add(*extra);
    out += '}';
  }
  out += ' ';
  append_value(out, value);
  out += '\n';
}

namespace {
bool labels_valid(Labels labels) {
  return std::all_of(labels.begin(), labels.end(), [](const Label& l) { return valid_label_name(l.name) && l.name != "le"; });
}
}  // namespace

void Exposition::declare(std::string_view name, Type type, std::string_view help) {
  if (valid_metric_name(name)) family(name, type, help);
}

void Exposition::counter(std::string_view name, std::string_view help, Labels labels, double value) {
  if (!valid_metric_name(name) || !labels_valid(labels)) return;
  sample(family(name, Type::Counter, help).samples, name, labels, nullptr, value);
}

void Exposition::gauge(std::string_view name, std::string_view help, Labels labels, double value) {
  if (!valid_metric_name(name) || !labels_valid(labels)) return;
  sample(family(name, Type::Gauge, help).samples, name, labels, nullptr, value);
}

void Exposition::histogram(std::string_view name, std::string_view help, Labels labels, const Histogram& h) {
  if (!valid_metric_name(name) || !labels_valid(labels)) return;
  std::string& out = family(name, Type::Histogram, help).samples;
  const std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < h.bounds().size(); ++i) {
    const std::string le = format_value(h.bounds()[i]);
    const Label extra{"le", le};
    sample(out, bucket, labels, &extra, static_cast<double>(h.cumulative(i)));
  }
  const Label inf{"le", "+Inf"};
  sample(out, bucket, labels, &inf, static_cast<double>(h.count()));
  sample(out, std::string(name) + "_sum", labels, nullptr, h.sum());
  sample(out, std::string(name) + "_count", labels, nullptr, static_cast<double>(h.count()));
}

std::string Exposition::text() const {
  std::string out;
  std::size_t size = 0;
  for (const auto& f : families_) size += f.samples.size() + 2 * f.name.size() + f.help.size() + 32;
  out.reserve(size);
  for (const auto& f : families_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escape_help(f.help), f.name, type_name(f.type));
    out += f.samples;
  }
  return out;
}

}  // namespace stayalived::metrics
