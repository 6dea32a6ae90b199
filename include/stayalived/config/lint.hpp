// stayalivedctl lint: known pitfalls of keepalived configurations that are valid (so -t
// accepts them) but rarely mean what their author wanted. Each finding has a stable id, so
// that one line can be silenced with a comment on it or on the line above:
//     vrrp_strict   # lint: ignore SA001
// Pure: it reads the loaded model, and the files' lines only for those comments.
#pragma once

#include <string>
#include <vector>

#include "stayalived/config/diagnostic.hpp"
#include "stayalived/config/load.hpp"

namespace stayalived::config {

struct Finding {
  std::string id;       ///< "SA001"
  Location loc;
  std::string message;  ///< what is wrong, in one line
  std::string fix;      ///< what to change
};

/// The pitfalls of a loaded configuration (none if it did not load), in file order.
std::vector<Finding> lint(const LoadResult& result);

/// "FILE:LINE: SA001: MESSAGE (fix: FIX)".
std::string format(const Finding& f);

}  // namespace stayalived::config
