#include "stayalived/check/http/tls.hpp"

#include <openssl/ssl.h>

namespace stayalived::http {

Result<std::shared_ptr<TlsContext>> TlsContext::create(const TlsConfig& config) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX* native = ctx.native_handle();
  // A check connects, asks once and closes: no session cache, and no record buffers held by
  // connections that are idle (SSL_MODE_RELEASE_BUFFERS).
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  ctx.set_verify_mode(ssl::verify_none);

  boost::system::error_code ec;
  if (!config.password.empty()) {
    const std::string password = config.password;
    ctx.set_password_callback(
        [password](std::size_t, ssl::context::password_purpose) { return password; }, ec);
  }
  if (!config.certificate.empty()) {
    ctx.use_certificate_chain_file(config.certificate, ec);
    if (ec)
      return Unexpected{Error{"SSL error : Cant load certificate file " + config.certificate + ": " +
                                  ec.message(), ec.value()}};
  }
  if (!config.key.empty()) {
    ctx.use_private_key_file(config.key, ssl::context::pem, ec);
    if (ec)
      return Unexpected{Error{"SSL error : Cant load key file " + config.key + ": " + ec.message(),
                              ec.value()}};
  }
  if (!config.ca.empty()) {
    ctx.load_verify_file(config.ca, ec);
    if (ec)
      return Unexpected{Error{"SSL error : Cant load CA file " + config.ca + ": " + ec.message(),
                              ec.value()}};
  }
  return std::make_shared<TlsContext>(std::move(ctx));
}

}  // namespace stayalived::http
