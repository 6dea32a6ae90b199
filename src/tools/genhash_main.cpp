// genhash(1): keepalived's genhash, on stayalived's HTTP/TLS core.
#include <string>
#include <vector>

#include "stayalived/tools/genhash.hpp"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return stayalived::tools::genhash_main(argc > 0 ? argv[0] : "genhash", args);
}
