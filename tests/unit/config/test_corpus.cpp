// The real-world corpus (tests/data/corpus, from public repositories; see SOURCES.md) against
// keepalived 2.2.7's own verdicts (EXPECTED.tsv, expected/*.out), taken with interfaces lo
// and eth0 present and without the configs' scripts: the same world is injected here.
//
//  - every config keepalived did not reject fatally loads without an error of ours;
//  - every config it rejected fatally is rejected by us, with an error on its line;
//  - the lines where keepalived and we report something are the same, except for the
//    reviewed differences listed in DIFFERENCES.tsv (each with its reason); the table must
//    match exactly, so a fixed difference has to be removed from it too.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "helpers.hpp"

using namespace stayalived::config;

namespace {

const std::string kCorpus = std::string(STAYALIVED_TEST_DATA) + "/corpus";
const std::string kPublic = kCorpus + "/public";

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot read ", path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> split_tabs(const std::string& l) {
  std::vector<std::string> out;
  std::stringstream ss(l);
  for (std::string f; std::getline(ss, f, '\t');) out.push_back(f);
  return out;
}

// The world keepalived saw: the corpus files, the system files of present-files.txt.
class CorpusFiles final : public FileSystem {
 public:
  CorpusFiles() {
    for (const auto& l : read_lines(kCorpus + "/present-files.txt")) {
      if (l.empty() || l[0] == '#') continue;
      const auto f = split_tabs(l);
      present_[f[0]] = {static_cast<mode_t>(std::stoul(f[1], nullptr, 8)), f.at(2) == "d"};
    }
  }
  std::optional<std::string> read(const std::string& path, int& error) const override {
    if (!inside(path)) {
      error = ENOENT;
      return std::nullopt;
    }
    return real_.read(path, error);
  }
  std::vector<std::string> glob(const std::string& pattern) const override {
    return inside(pattern) ? real_.glob(pattern) : std::vector<std::string>{};
  }
  FileInfo stat(const std::string& path) const override {
    if (inside(path)) return real_.stat(path);
    FileInfo f;
    if (const auto it = present_.find(path); it != present_.end()) {
      f.exists = true;
      f.mode = it->second.first;
      f.is_dir = it->second.second;
      f.is_regular = !f.is_dir;
    }
    return f;
  }

 private:
  static bool inside(const std::string& p) { return p.compare(0, kPublic.size(), kPublic) == 0; }
  SystemFiles real_;
  std::map<std::string, std::pair<mode_t, bool>> present_;  // mode, is a directory
};

struct Expected {
  std::string file;
  int rc = 0;
  std::set<unsigned> lines;  // lines of the main file keepalived reported something on
};

std::vector<Expected> expected_results() {
  std::vector<Expected> out;
  for (const auto& l : read_lines(kCorpus + "/EXPECTED.tsv")) {
    const auto f = split_tabs(l);
    if (f.size() < 2 || f[0] == "file") continue;
    Expected e;
    e.file = f[0];
    e.rc = std::stoi(f[1]);
    // First section of the .out file (the run with lo and eth0 present).
    for (const auto& o : read_lines(kCorpus + "/expected/" + e.file + ".out")) {
      if (o.rfind("# ---", 0) == 0) break;
      if (o.empty() || o[0] != '(') continue;
      const auto close = o.find(')');
      const auto inner = o.substr(1, close - 1);
      const auto pos = inner.rfind("Line ");
      if (pos == std::string::npos) continue;
      const auto name = inner.substr(0, pos);
      if (!name.empty() && name != e.file + ": ") continue;  // an included file's line
      e.lines.insert(static_cast<unsigned>(std::stoul(inner.substr(pos + 5))));
    }
    out.push_back(std::move(e));
  }
  return out;
}

LoadOptions corpus_options() {
  auto o = testcfg::options(std::make_shared<CorpusFiles>());
  o.cwd = kPublic;
  o.config_id = "vm";  // the measurement host's name: no @id in the corpus matches it
  o.host_resolves = [](std::string_view n) { return n == "localhost"; };  // /etc/hosts, no DNS
  return o;
}

struct Outcome {
  LoadResult result;
  std::set<unsigned> lines;
};

Outcome load_corpus(const std::string& file) {
  Outcome o;
  const std::string path = kPublic + "/" + file;
  o.result = load_file(path, corpus_options());
  // keepalived acts on the keywords we warn have no effect: those lines are not compared.
  for (const auto& d : o.result.diagnostics)
    if (d.loc.file == path && d.loc.line > 0 && d.klass != DiagClass::NoEffect) o.lines.insert(d.loc.line);
  return o;
}

}  // namespace

TEST_CASE("corpus: every config keepalived does not reject fatally loads without an error") {
  const auto all = expected_results();
  REQUIRE(all.size() == 106);
  for (const auto& e : all) {
    if (e.rc == 2) continue;
    const auto o = load_corpus(e.file);
    INFO(e.file, "\n", testcfg::all(o.result));
    CHECK_FALSE(o.result.has_errors());
    CHECK(o.result.config != nullptr);
  }
}

TEST_CASE("corpus: every config keepalived rejects fatally is rejected, with an error on its line") {
  std::size_t fatal = 0;
  for (const auto& e : expected_results()) {
    if (e.rc != 2) continue;
    ++fatal;
    const auto o = load_corpus(e.file);
    INFO(e.file, "\n", testcfg::all(o.result));
    CHECK(o.result.config == nullptr);
    CHECK(o.result.config_test_exit_code() == 2);
    // keepalived's fatal error is the last line it printed.
    const unsigned fatal_line = *e.lines.rbegin();
    bool found = false;
    for (const auto& d : o.result.diagnostics)
      if (d.severity == Severity::Error && d.loc.line == fatal_line) found = true;
    CHECK_MESSAGE(found, "no error on line ", fatal_line);
  }
  CHECK(fatal == 2);
}

TEST_CASE("corpus: diagnostics on the same lines and the same exit codes as keepalived, but for DIFFERENCES.tsv") {
  // The reviewed table: file, kind (ours | keepalived | rc), line or our exit code, reason.
  std::set<std::string> listed;
  for (const auto& l : read_lines(kCorpus + "/DIFFERENCES.tsv")) {
    if (l.empty() || l[0] == '#') continue;
    const auto f = split_tabs(l);
    REQUIRE_MESSAGE(f.size() >= 4, "malformed DIFFERENCES.tsv line: ", l);
    listed.insert(f[0] + "\t" + f[1] + "\t" + f[2]);
  }
  std::set<std::string> actual;
  std::map<std::string, std::string> hint;  // what was said there, to help the review
  for (const auto& e : expected_results()) {
    const auto o = load_corpus(e.file);
    for (unsigned n : o.lines) {
      if (e.lines.count(n)) continue;
      const std::string key = e.file + "\tours\t" + std::to_string(n);
      actual.insert(key);
      for (const auto& d : o.result.diagnostics)
        if (d.loc.line == n && d.loc.file == kPublic + "/" + e.file) hint[key] += d.message + "; ";
    }
    for (unsigned n : e.lines)
      if (!o.lines.count(n)) actual.insert(e.file + "\tkeepalived\t" + std::to_string(n));
    if (o.result.keepalived_exit_code() != e.rc)
      actual.insert(e.file + "\trc\t" + std::to_string(o.result.keepalived_exit_code()));
  }
  std::string unlisted, stale;
  for (const auto& a : actual)
    if (!listed.count(a)) unlisted += a + "\t?\t" + hint[a] + "\n";
  for (const auto& l : listed)
    if (!actual.count(l)) stale += l + "\n";
  INFO("differences not in DIFFERENCES.tsv (review, then add with a reason):\n", unlisted);
  INFO("entries of DIFFERENCES.tsv that no longer occur (remove them):\n", stale);
  CHECK(unlisted.empty());
  CHECK(stale.empty());
}
