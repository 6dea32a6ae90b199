#include <doctest/doctest.h>

#include <string>

#include "stayalived/common/digest.hpp"

using namespace stayalived;

namespace {
std::span<const std::uint8_t> bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
}  // namespace

TEST_CASE("MD5 test vectors (RFC 1321 appendix A.5)") {
  CHECK(to_hex(md5(bytes(""))) == "d41d8cd98f00b204e9800998ecf8427e");
  CHECK(to_hex(md5(bytes("abc"))) == "900150983cd24fb0d6963f7d28e17f72");
  CHECK(to_hex(md5(bytes("message digest"))) == "f96b697d7cb7938d525a2f31aaf161d0");
}

TEST_CASE("incremental MD5 equals one-shot, and resets after finish") {
  const std::string text = "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
  Md5 m;
  for (std::size_t i = 0; i < text.size(); i += 7) m.update(std::string_view(text).substr(i, 7));
  CHECK(to_hex(m.finish()) == "57edf4a22be3c955ac49da2e2107b67a");
  m.update(std::string_view("abc"));
  CHECK(to_hex(m.finish()) == "900150983cd24fb0d6963f7d28e17f72");
}

TEST_CASE("HMAC-MD5 test vectors (RFC 2202)") {
  const std::string key1(16, '\x0b');
  CHECK(to_hex(hmac_md5(bytes(key1), bytes("Hi There"))) == "9294727a3638bb1c13f48ef8158bfc9d");
  CHECK(to_hex(hmac_md5(bytes("Jefe"), bytes("what do ya want for nothing?"))) ==
        "750c783e6ab0b503eaa86e310a5db738");
}
