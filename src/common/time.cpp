#include "stayalived/common/time.hpp"

#include <ctime>

#include <fmt/chrono.h>

namespace stayalived {

std::string clock_time(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  return fmt::format("{:%H:%M:%S}", tm);
}

}  // namespace stayalived
