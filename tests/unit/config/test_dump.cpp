// The canonical dump: deterministic, and loading it back gives an equal Config (checked on
// every corpus config and on the golden inputs), and golden files (input -> dump,
// input -> diagnostics) under tests/data/config/.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"
#include "stayalived/config/dump.hpp"

using namespace stayalived::config;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Round trip: dump(load(x)) loads to an equal config and dumps identically.
void check_round_trip(const Config& cfg, const std::string& what) {
  const std::string text = dump(cfg);
  const auto again = testcfg::load(text);
  INFO(what, "\n--- dump:\n", text, "\n--- diagnostics of the dump:\n", testcfg::all(again));
  REQUIRE(again.config);
  CHECK(*again.config == cfg);
  CHECK(dump(*again.config) == text);
}

}  // namespace

TEST_CASE("dump round-trips every corpus config") {
  const fs::path pub = fs::path(STAYALIVED_TEST_DATA) / "corpus" / "public";
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(pub)) {
    if (!e.is_regular_file()) continue;
    auto opts = testcfg::options(std::make_shared<SystemFiles>());
    opts.cwd = pub.string();
    const auto r = load_file(e.path().string(), opts);
    if (!r.config) continue;  // the two fatal ones
    check_round_trip(*r.config, e.path().filename().string());
    ++n;
  }
  CHECK(n == 104);
}

TEST_CASE("golden files: tests/data/config/*.conf -> .dump and .diag") {
  // Each input is loaded as /etc/keepalived/keepalived.conf in the hermetic world of
  // testcfg::options(); its dump and its diagnostics (file names shortened) must match the
  // golden files byte for byte. Regenerate with SA_UPDATE_GOLDEN=1 after reviewing.
  const fs::path dir = fs::path(STAYALIVED_TEST_DATA) / "config";
  const bool update = std::getenv("SA_UPDATE_GOLDEN") != nullptr;
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".conf") continue;
    ++n;
    const auto r = testcfg::load(slurp(e.path()));
    std::string diags;
    for (auto d : r.diagnostics) {
      d.loc.file = e.path().filename().string();
      diags += d.format() + "\n";
    }
    diags += "exit " + std::to_string(r.config_test_exit_code()) + "\n";
    const std::string dumped = r.config ? dump(*r.config) : "(rejected)\n";
    auto dump_path = e.path(), diag_path = e.path();
    dump_path.replace_extension(".dump");
    diag_path.replace_extension(".diag");
    if (update) {
      std::ofstream(dump_path) << dumped;
      std::ofstream(diag_path) << diags;
    }
    INFO(e.path().filename().string());
    CHECK(slurp(dump_path) == dumped);
    CHECK(slurp(diag_path) == diags);
    if (r.config) check_round_trip(*r.config, e.path().string());
  }
  CHECK(n >= 5);
}

TEST_CASE("dump round trip: the gaps the config fuzzer found stay closed") {
  // A real_server's timing on a checker that has no use for it (FILE_CHECK runs on inotify):
  // the dump leaves it out, so the model must not keep it either.
  const auto file = testcfg::load(
      "track_file tf {\n file /run/tf\n}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 192.0.2.8 80 {\n"
      "  retry 2\n  delay_loop 7\n  connect_timeout 9\n  FILE_CHECK {\n   track_file tf\n  }\n }\n}\n");
  REQUIRE(file.config);
  check_round_trip(*file.config, "FILE_CHECK with real_server timing");
  // A list entry the preprocessor would take for a definition, an @id line or an include.
  const auto words = testcfg::load("global_defs {\n notification_email {\n  \"$I=\"\n  \"@x\"\n  \"include\"\n }\n}\n");
  REQUIRE(words.config);
  CHECK(words.config->global.notification_email == std::vector<std::string>{"$I=", "@x", "include"});
  check_round_trip(*words.config, "list entries that look like preprocessor lines");
  // FILE_CHECK's 'weight . reverse': as keepalived, a weight that does not read drops the
  // line, its 'reverse' with it (the model kept 'reverse' with no weight, which the dump
  // cannot say).
  const auto bad_weight = testcfg::load(
      "track_file tf {\n file /run/tf\n}\nvirtual_server 192.0.2.1 80 {\n protocol TCP\n real_server 192.0.2.8 80 {\n"
      "  FILE_CHECK {\n   track_file tf\n   weight . reverse\n  }\n }\n}\n");
  REQUIRE(bad_weight.config);
  const auto& fc = std::get<stayalived::config::FileCheck>(bad_weight.config->virtual_servers.at(0).real_servers.at(0).checkers.at(0).spec);
  CHECK_FALSE(fc.weight.has_value());
  CHECK_FALSE(fc.reverse);
  check_round_trip(*bad_weight.config, "FILE_CHECK weight that does not read, with reverse");
  // A rule's table (or goto target) given beside another action: the model keeps it, so the
  // dump must say it ("table 1 unreachable" was dumped as "unreachable").
  const auto rule = testcfg::load("static_rules {\n from 192.0.2.0/24 table 1 unreachable\n from 192.0.2.0/24 goto 7 table 2\n}\n");
  REQUIRE(rule.config);
  const std::string d = dump(*rule.config);
  CHECK(d.find("table 1 unreachable") != std::string::npos);
  CHECK(d.find("goto 7 table 2") != std::string::npos);
  check_round_trip(*rule.config, "a rule's table beside another action");
}
