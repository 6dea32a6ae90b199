// The TLS client context of SSL_GET, shared by every check (one SSL_CTX for the process, as in
// keepalived): built from the global SSL { } block of keepalived.conf(5).
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

#include "stayalived/common/expected.hpp"

namespace stayalived::http {

/// The SSL { } block: password, ca, certificate, key (all optional; none = an auto-generated
/// context, as keepalived says).
struct TlsConfig {
  std::string password{};     ///< password: for an encrypted key file
  std::string ca{};           ///< ca: CA file (PEM), loaded into the verify store
  std::string certificate{};  ///< certificate: client certificate chain (PEM)
  std::string key{};          ///< key: client private key (PEM)

  bool operator==(const TlsConfig&) const = default;
};

/// A client SSL_CTX. As in keepalived 2.2.7, the server's certificate is not verified (a
/// health check tests the service, not its identity): `ca` is loaded but only used if a
/// caller turns verification on through context(). Session tickets are not used; buffers
/// are released while idle (SSL_MODE_RELEASE_BUFFERS) to keep idle connections small.
class TlsContext {
 public:
  /// Builds the context; the error names the file that could not be loaded, in keepalived's
  /// words ("SSL error : Cant load certificate file...").
  static Result<std::shared_ptr<TlsContext>> create(const TlsConfig& config = {});

  boost::asio::ssl::context& context() { return ctx_; }

  explicit TlsContext(boost::asio::ssl::context ctx) : ctx_(std::move(ctx)) {}

 private:
  boost::asio::ssl::context ctx_;
};

}  // namespace stayalived::http
