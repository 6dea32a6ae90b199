// doctest's main, with one rule more: a run asked for test cases by name (--test-case, as
// ctest runs each case) that finds none fails. A name ctest cannot pass through whole (a
// ';' splits a ctest list) would otherwise select nothing and pass without running a check.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <string_view>

namespace {

unsigned g_selected = 0;
bool g_ran = false;

// Counts the test cases that passed the filters; reports nothing itself.
struct SelectionCounter : doctest::IReporter {
  explicit SelectionCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats& s) override {
    g_selected = s.numTestCasesPassingFilters;
    g_ran = true;
  }
  void test_case_start(const doctest::TestCaseData&) override {}
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData&) override {}
};

REGISTER_LISTENER("sa_selection_counter", 1, SelectionCounter);

bool names_test_cases(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    for (std::string_view p : {"--test-case=", "-tc=", "--dt-test-case=", "--dt-tc="})
      if (a.starts_with(p)) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  const int rc = context.run();
  if (context.shouldExit() || rc != 0) return rc;
  if (g_ran && g_selected == 0 && names_test_cases(argc, argv)) {
    std::fprintf(stderr, "no test case matches the --test-case filter: nothing was checked\n");
    return 1;
  }
  return rc;
}
