// Helpers shared by the http unit tests.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/check/http/verdict.hpp"
#include "stayalived/common/digest.hpp"

namespace http_test {

inline std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline std::string md5_hex(std::string_view s) { return stayalived::to_hex(stayalived::md5(bytes(s))); }

// Feeds `response` to a reader in pieces of `piece` bytes (0: all at once) and returns the
// summary.
inline stayalived::http::Response read_all(const stayalived::http::Expectation& e, std::string_view response,
                                           std::size_t piece = 0, stayalived::http::ResponseLimits limits = {},
                                           bool always_digest = false) {
  stayalived::http::ResponseReader reader(e, limits, always_digest);
  if (piece == 0) piece = response.size() ? response.size() : 1;
  for (std::size_t i = 0; i < response.size(); i += piece) reader.feed(bytes(response.substr(i, piece)));
  return reader.finish();
}

}  // namespace http_test
