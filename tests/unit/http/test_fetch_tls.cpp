// SSL_GET fetches against a TLS server of ours on loopback (test keys in tests/data/http).
#include <doctest/doctest.h>

#include <string>

#include "http_test_util.hpp"
#include "stayalived/check/http/fetch.hpp"
#include "test_server.hpp"

using namespace stayalived;
using namespace stayalived::http;
using namespace http_test;

namespace {

const std::string kData = STAYALIVED_TEST_DATA "/http/";

asio::ssl::context server_context(bool require_client_cert = false) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  ctx.use_certificate_chain_file(kData + "server.pem");
  ctx.use_private_key_file(kData + "server.key", asio::ssl::context::pem);
  if (require_client_cert) {
    ctx.load_verify_file(kData + "client.pem");
    ctx.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

std::shared_ptr<TlsContext> client_context(const TlsConfig& c = {}) {
  auto ctx = TlsContext::create(c);
  REQUIRE_MESSAGE(ctx.has_value(), (ctx ? std::string() : ctx.error().message));
  return *ctx;
}

FetchSpec tls_spec(const tcp::endpoint& ep) {
  FetchSpec s;
  s.target.destination = ep;
  s.tls.enabled = true;
  s.options.step_timeout = 1s;
  s.options.total_timeout = 5s;
  return s;
}

const std::string kPage = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello tls\n";

}  // namespace

TEST_CASE("tls: a page over TLS, with SNI, ended by close_notify") {
  asio::io_context io;
  auto sctx = server_context();
  TestServer server(io, {Act::send(kPage), Act::close()}, &sctx);
  auto cctx = client_context();
  FetchSpec spec = tls_spec(server.endpoint());
  spec.tls.sni = "server.test";
  spec.expect.digest = parse_digest(md5_hex("hello tls\n"));
  const FetchResult r = run(io, fetch(spec, cctx.get()));
  CHECK(r.outcome == Outcome::Ok);
  CHECK(r.end == StreamEnd::Closed);
  CHECK(server.sni() == "server.test");
  CHECK(server.request() == build_request(spec.request, "127.0.0.1", server.endpoint().port()));
}

TEST_CASE("tls: no SNI unless asked, a close without close_notify still ends the page") {
  asio::io_context io;
  auto sctx = server_context();
  TestServer server(io, {Act::send(kPage)}, &sctx);  // then closes TCP without close_notify
  auto cctx = client_context();
  FetchSpec spec = tls_spec(server.endpoint());
  spec.expect.digest = parse_digest(md5_hex("hello tls\n"));
  const FetchResult r = run(io, fetch(spec, cctx.get()));
  CHECK(r.outcome == Outcome::Ok);
  CHECK(r.end == StreamEnd::ClosedUnclean);
  CHECK(server.sni().empty());
}

TEST_CASE("tls: a reset before the response ends fails SSL_GET as it fails HTTP_GET, after its end it does not") {
  asio::io_context io;
  auto sctx = server_context();
  TestServer cut(io, {Act::send("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\npartial"), Act::wait(50ms), Act::reset()},
                 &sctx);
  auto cctx = client_context();
  const FetchResult r = run(io, fetch(tls_spec(cut.endpoint()), cctx.get()));
  CHECK(r.outcome == Outcome::ConnectionReset);
  CHECK(keepalived_reason(r.outcome, true) == "SSL read error from");
  asio::io_context io2;
  TestServer whole(io2, {Act::send("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nbody"), Act::wait(50ms), Act::reset()},
                   &sctx);
  const FetchResult w = run(io2, fetch(tls_spec(whole.endpoint()), cctx.get()));
  CHECK(w.outcome == Outcome::Ok);
}

TEST_CASE("tls: handshake with a server that does not speak TLS") {
  asio::io_context io;
  TestServer plain(io, {Act::send(kPage)}, nullptr, false, false);  // answers the ClientHello with HTTP
  auto cctx = client_context();
  const FetchResult r = run(io, fetch(tls_spec(plain.endpoint()), cctx.get()));
  CHECK(r.outcome == Outcome::TlsHandshakeFailed);
  CHECK(r.error);
}

TEST_CASE("tls: handshake with a server that says nothing") {
  asio::io_context io;
  TestServer mute(io, {Act::hold()});
  auto cctx = client_context();
  FetchSpec spec = tls_spec(mute.endpoint());
  spec.options.step_timeout = 200ms;
  CHECK(run(io, fetch(spec, cctx.get())).outcome == Outcome::TlsHandshakeTimeout);
}

TEST_CASE("tls: tls_compliant sends close_notify, by default the socket is just closed") {
  for (const bool compliant : {true, false}) {
    CAPTURE(compliant);
    asio::io_context io;
    auto sctx = server_context();
    TestServer server(io, {Act::send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), Act::hold()}, &sctx);
    auto cctx = client_context();
    FetchSpec spec = tls_spec(server.endpoint());
    spec.tls.compliant_shutdown = compliant;
    spec.options.step_timeout = 300ms;
    const FetchResult r = run(io, fetch(spec, cctx.get()));
    CHECK(r.outcome == Outcome::Ok);
    CHECK(r.end == StreamEnd::MessageComplete);
    io.restart();
    io.run();  // let the server see how the client left
    CHECK(server.client_sent_close_notify() == compliant);
  }
}

TEST_CASE("tls: client certificate from the SSL block") {
  asio::io_context io;
  auto sctx = server_context(true);
  TestServer server(io, {Act::send(kPage), Act::close()}, &sctx);
  auto cctx = client_context({.certificate = kData + "client.pem", .key = kData + "client.key"});
  CHECK(run(io, fetch(tls_spec(server.endpoint()), cctx.get())).outcome == Outcome::Ok);
  CHECK(server.handshake_ok());
}

TEST_CASE("tls: without the client certificate the server refuses") {
  asio::io_context io;
  auto sctx = server_context(true);
  TestServer server(io, {Act::send(kPage), Act::close()}, &sctx);
  auto cctx = client_context();
  const FetchResult r = run(io, fetch(tls_spec(server.endpoint()), cctx.get()));
  // TLS 1.2 fails the handshake; TLS 1.3 completes it on the client side and the server's
  // alert arrives instead of a response.
  CHECK((r.outcome == Outcome::TlsHandshakeFailed || r.outcome == Outcome::NoResponse));
  io.restart();
  io.run();
  CHECK_FALSE(server.handshake_ok());
}

TEST_CASE("tls: an encrypted key with its password") {
  asio::io_context io;
  auto sctx = server_context(true);
  TestServer server(io, {Act::send(kPage), Act::close()}, &sctx);
  auto cctx = client_context(
      {.password = "secret", .certificate = kData + "client.pem", .key = kData + "client-encrypted.key"});
  CHECK(run(io, fetch(tls_spec(server.endpoint()), cctx.get())).outcome == Outcome::Ok);
}

TEST_CASE("tls: the SSL block's files must load") {
  auto bad_password = TlsContext::create(
      {.password = "wrong", .certificate = kData + "client.pem", .key = kData + "client-encrypted.key"});
  REQUIRE_FALSE(bad_password);
  CHECK(bad_password.error().message.find("Cant load key file") != std::string::npos);
  auto no_cert = TlsContext::create({.certificate = kData + "missing.pem"});
  REQUIRE_FALSE(no_cert);
  CHECK(no_cert.error().message.find("Cant load certificate file") != std::string::npos);
  auto no_ca = TlsContext::create({.ca = kData + "missing.pem"});
  REQUIRE_FALSE(no_ca);
  CHECK(no_ca.error().message.find("Cant load CA file") != std::string::npos);
  CHECK(TlsContext::create({.ca = kData + "server.pem"}).has_value());
}

TEST_CASE("tls: SSL_GET without a context fails cleanly") {
  asio::io_context io;
  TestServer server(io, {Act::hold()});
  CHECK(run(io, fetch(tls_spec(server.endpoint()), nullptr)).outcome == Outcome::TlsHandshakeFailed);
}

TEST_CASE("tls: a clean close before any response is keepalived's \"SSL read error from\"") {
  asio::io_context io;
  auto sctx = server_context();
  TestServer server(io, {Act::close()}, &sctx);
  auto cctx = client_context();
  const FetchResult r = run(io, fetch(tls_spec(server.endpoint()), cctx.get()));
  CHECK(r.outcome == Outcome::NoResponse);
  CHECK(r.end == StreamEnd::Closed);
  CHECK(keepalived_reason(r, true) == "SSL read error from");
  CHECK(keepalived_reason(r.outcome, true) == "Read, no data received from ");
}
