// libFuzzer target: arbitrary bytes through the whole config pipeline (preprocessor,
// Flex lexer, Bison grammar, builder, validator), then dump() and reload: the dump of any
// accepted config must load back into an equal Config. Includes and script checks see a
// small in-memory file system only (every file under /fuzz/ holds the input itself, so
// include cycles and fan-out are exercised); nothing reaches the real file system.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "stayalived/config/dump.hpp"
#include "stayalived/config/load.hpp"

namespace {

using namespace stayalived::config;

class FuzzFiles final : public FileSystem {
 public:
  explicit FuzzFiles(std::string_view text) : text_(text) {}
  std::optional<std::string> read(const std::string& path, int& error) const override {
    if (path.rfind("/fuzz/", 0) == 0) return text_;
    error = 2;  // ENOENT
    return std::nullopt;
  }
  std::vector<std::string> glob(const std::string& pattern) const override {
    if (pattern.rfind("/fuzz/", 0) != 0) return {};
    return {"/fuzz/g1.conf", "/fuzz/g2.conf", "/fuzz/g3.conf"};
  }
  FileInfo stat(const std::string& path) const override {
    FileInfo f;
    if (path == "/" || path == "/fuzz" || path == "/bin" || path == "/usr" || path == "/usr/bin") {
      f.exists = f.is_dir = true;
      f.mode = 0755;
    } else if (path.rfind("/fuzz/", 0) == 0 || path == "/bin/true" || path == "/usr/bin/true") {
      f.exists = f.is_regular = true;
      f.mode = path.rfind("/fuzz/", 0) == 0 ? 0666 : 0755;
    }
    return f;
  }

 private:
  std::string text_;
};

LoadOptions options(std::shared_ptr<const FileSystem> fs) {
  LoadOptions o;
  o.config_id = "fuzz";
  o.cwd = "/fuzz";
  o.files = std::move(fs);
  o.interface_exists = [](std::string_view n) { return n == "lo" || n == "eth0"; };
  o.user_exists = [](std::string_view n) { return n == "root" || n == "nobody"; };
  o.group_exists = [](std::string_view n) { return n == "root"; };
  o.host_resolves = [](std::string_view) { return false; };
  o.random_seed = 1;
  // Smaller limits than the daemon's, so that one input stays well under the timeout.
  o.limits.max_lines = 200000;
  o.limits.max_seq_iterations = 20000;
  o.limits.max_total_bytes = 16'000'000;
  o.limits.max_line_bytes = 200'000;
  o.limits.max_files = 200;
  o.limits.max_include_depth = 8;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fs = std::make_shared<FuzzFiles>(text);
  const auto r = load_string(text, "/fuzz/keepalived.conf", options(fs));
  for (const auto& d : r.diagnostics) (void)d.format();
  if (!r.config) return 0;
  // The dump round trip (load(dump(cfg)) == cfg) is checked, in the suite too, unless
  // SA_FUZZ_NO_ROUNDTRIP is set (to look for crashes, leaks and hangs only).
  static const bool roundtrip = std::getenv("SA_FUZZ_NO_ROUNDTRIP") == nullptr;
  if (!roundtrip) {
    (void)dump(*r.config);
    return 0;
  }
  const std::string once = dump(*r.config);
  auto fs2 = std::make_shared<FuzzFiles>(once);
  const auto again = load_string(once, "/fuzz/keepalived.conf", options(fs2));
  if (!again.config || !(*again.config == *r.config) || dump(*again.config) != once) {
    // Show what differs before failing, to make a finding easy to read.
    std::fprintf(stderr, "round trip failed\n--- dump:\n%s\n--- dump of the dump:\n%s\n--- diagnostics:\n", once.c_str(),
                 again.config ? dump(*again.config).c_str() : "(rejected)");
    for (const auto& d : again.diagnostics) std::fprintf(stderr, "%s\n", d.format().c_str());
    std::abort();
  }
  return 0;
}
