// libFuzzer target for the metrics module's text: listen addresses and the exposition
// writer. Properties checked beyond "no crash": a listen address that parses prints as
// text that parses to the same address; any bytes as a label value and a help text give
// exactly three lines (HELP, TYPE, the sample), and the label value reads back unchanged
// through the format's unescaping.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "stayalived/metrics/exposition.hpp"
#include "stayalived/metrics/http_server.hpp"

using namespace stayalived::metrics;

namespace {

std::string unescape(std::string_view v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\' || i + 1 == v.size()) {
      out += v[i];
      continue;
    }
    const char c = v[++i];
    out += c == 'n' ? '\n' : c;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto a = parse_listen_address(text)) {
    const auto again = parse_listen_address(to_string(*a));
    if (!again || !(*again == *a)) std::abort();
  }
  Exposition x;
  x.gauge("fuzz_value", text, {{"label", text}}, static_cast<double>(size));
  const std::string out = x.text();
  std::size_t lines = 0;
  for (const char c : out) lines += c == '\n' ? 1 : 0;
  if (lines != 3) std::abort();
  // The sample is the third line (the help text may contain anything, the sample's
  // opening included).
  const std::string_view sample = std::string_view(out).substr(out.find('\n', out.find('\n') + 1) + 1);
  const std::string_view open = "fuzz_value{label=\"";
  const auto end = sample.rfind("\"} ");
  if (!sample.starts_with(open) || end == std::string_view::npos || end < open.size()) std::abort();
  if (unescape(sample.substr(open.size(), end - open.size())) != text) std::abort();
  return 0;
}
