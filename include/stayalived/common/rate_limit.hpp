// A token bucket for log sites that can be driven by untrusted input (a flood of bad
// packets must not flood the log). Pure: the caller passes the time.
#pragma once

#include <cstdint>

#include "stayalived/common/time.hpp"

namespace stayalived {

class RateLimiter {
 public:
  /// At most `burst` events at once, refilled at `per_second` events per second.
  RateLimiter(double per_second, double burst) : rate_(per_second), burst_(burst), tokens_(burst) {}

  /// True if an event at `now` may be let through. Events refused are counted, so that the
  /// next accepted log line can say how many were suppressed.
  bool allow(TimePoint now) {
    if (last_ != TimePoint{}) {
      const double dt = std::chrono::duration<double>(now - last_).count();
      if (dt > 0) tokens_ = tokens_ + dt * rate_ > burst_ ? burst_ : tokens_ + dt * rate_;
    }
    last_ = now;
    if (tokens_ >= 1.0) {
      tokens_ -= 1.0;
      return true;
    }
    ++suppressed_;
    return false;
  }

  /// Number of events refused since the last call, and reset.
  std::uint64_t take_suppressed() {
    const auto n = suppressed_;
    suppressed_ = 0;
    return n;
  }

 private:
  double rate_;
  double burst_;
  double tokens_;
  TimePoint last_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace stayalived
