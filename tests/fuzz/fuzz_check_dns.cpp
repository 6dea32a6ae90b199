// Fuzz target: the DNS_CHECK response parser and verdict (every response byte is
// untrusted). Invariants: parsing never reads out of bounds (ASan), never loops (libFuzzer
// timeout), and a parsed response is only a success when it is an answer to our question.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "stayalived/check/dns.hpp"

using namespace stayalived::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> msg(data, size);
  dns::Response r;
  const dns::ParseError e = dns::parse_response(msg, r);
  if (e == dns::ParseError::None) {
    const dns::Question q{r.id, ".", DnsType::SOA};
    const CheckResult v = dns::verdict(r, q);
    if (v.ok() && (r.rcode != 0 || r.qname != "." || r.qtype != 6 || r.qclass != 1)) std::abort();
    if (r.qname.size() > 255 + 1) std::abort();
  }
  // The encoder must take any name without misbehaving, and what it makes must parse back.
  const std::string_view name(reinterpret_cast<const char*>(data), size < 300 ? size : 300);
  const auto query = dns::encode_query(0x4242, name, DnsType::A);
  if (!query.empty()) {
    dns::Response back;
    if (dns::parse_response(query, back) != dns::ParseError::None) std::abort();
    if (back.id != 0x4242 || back.qr || back.qtype != 1) std::abort();
  }
  return 0;
}
