// MD5 and HMAC-MD5, the only digests keepalived uses (HTTP_GET/SSL_GET "digest", genhash,
// VRRPv2 AH authentication). The implementation is the one file that includes OpenSSL's
// digest headers; callers see plain bytes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace stayalived {

using Md5Digest = std::array<std::uint8_t, 16>;

/// Incremental MD5, fed with response bodies chunk by chunk.
class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(Md5&&) noexcept;
  Md5& operator=(Md5&&) noexcept;
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;

  void update(std::span<const std::uint8_t> data);
  void update(std::string_view data) {
    update(std::span(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
  }
  /// Finishes and returns the digest; the object is reset for reuse.
  Md5Digest finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// MD5 of a whole buffer.
Md5Digest md5(std::span<const std::uint8_t> data);

/// HMAC-MD5 (RFC 2104) of `data` with `key`.
Md5Digest hmac_md5(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

/// Lower-case hex, as keepalived prints digests.
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace stayalived
