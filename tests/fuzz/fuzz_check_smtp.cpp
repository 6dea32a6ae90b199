// Fuzz target: the SMTP reply parser, fed in chunks whose sizes come from the input
// (a server may split a reply anywhere). Invariants: bounded state, codes in 200..559,
// and the same bytes give the same answer whatever the chunking.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "stayalived/check/smtp.hpp"

using namespace stayalived::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t step = 1 + data[0] % 17;
  const std::span<const std::uint8_t> bytes(data + 1, size - 1);

  smtp::ReplyParser whole;
  whole.feed(bytes);
  smtp::ReplyParser chunked;
  for (std::size_t i = 0; i < bytes.size(); i += step)
    chunked.feed(bytes.subspan(i, std::min(step, bytes.size() - i)));

  if (whole.status() != chunked.status() || whole.error() != chunked.error()) std::abort();
  if (whole.status() == smtp::Status::Complete) {
    if (whole.code() < 200 || whole.code() > 559 || whole.code() != chunked.code()) std::abort();
    if (whole.lines() == 0 || whole.lines() > smtp::kMaxLines) std::abort();
  }
  if (whole.text().size() > smtp::kMaxLine) std::abort();
  return 0;
}
