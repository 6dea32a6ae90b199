#include "stayalived/common/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace stayalived {

struct Md5::State {
  EVP_MD_CTX* ctx = nullptr;
  ~State() { EVP_MD_CTX_free(ctx); }
};

namespace {
void init(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("MD5 is not available in this OpenSSL");
}
}  // namespace

Md5::Md5() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  if (state_->ctx == nullptr) throw std::bad_alloc();
  init(state_->ctx);
}
Md5::~Md5() = default;
Md5::Md5(Md5&&) noexcept = default;
Md5& Md5::operator=(Md5&&) noexcept = default;

void Md5::update(std::span<const std::uint8_t> data) {
  EVP_DigestUpdate(state_->ctx, data.data(), data.size());
}

Md5Digest Md5::finish() {
  Md5Digest out{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(state_->ctx, out.data(), &n);
  init(state_->ctx);
  return out;
}

Md5Digest md5(std::span<const std::uint8_t> data) {
  Md5 m;
  m.update(data);
  return m.finish();
}

Md5Digest hmac_md5(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  Md5Digest out{};
  unsigned int n = 0;
  HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(), &n);
  return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    s += kHex[b >> 4];
    s += kHex[b & 0xf];
  }
  return s;
}

}  // namespace stayalived
