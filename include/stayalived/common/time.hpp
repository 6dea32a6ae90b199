// Time types shared by the pure cores and the I/O shells. The pure cores never read a clock:
// they receive a TimePoint as an argument (the clock is passed explicitly).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace stayalived {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;
using Duration = Clock::duration;

/// VRRPv3 expresses intervals in centiseconds (RFC 5798 section 5.2.7).
using centiseconds = std::chrono::duration<std::int64_t, std::centi>;

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// A wall-clock time as seconds since the epoch (the JSON dumps and the control socket).
inline double epoch_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}
/// "HH:MM:SS" in local time, as operators read it in explanations.
std::string clock_time(std::chrono::system_clock::time_point t);

}  // namespace stayalived
