// genhash's command line and output format, checked against what keepalived 2.2.7's genhash
// does (the interop scenario tests/netns/http/genhash.interop.sh compares whole runs).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stayalived/tools/genhash.hpp"

using namespace stayalived;
using namespace stayalived::tools;

namespace {

using Args = std::vector<std::string>;

GenhashOptions ok(const Args& a) {
  auto r = parse_genhash_args(a);
  REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().message));
  return *r;
}

std::string error(const Args& a, GenhashInvocation how = GenhashInvocation::Program) {
  auto r = parse_genhash_args(a, how);
  REQUIRE_FALSE(r.has_value());
  return r.error().message;
}

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

TEST_CASE("genhash: the mandatory options and their spellings") {
  const GenhashOptions o = ok({"-s", "127.0.0.1", "-p", "8080", "-u", "/index.html"});
  CHECK(o.server.to_string() == "127.0.0.1");
  CHECK(o.port == 8080);
  CHECK(o.url == "/index.html");
  CHECK_FALSE(o.ssl);
  CHECK_FALSE(o.verbose);
  CHECK(o.protocol == http::HttpProtocol::V1_0);
  CHECK_FALSE(o.timeout_seconds);
  const GenhashOptions l = ok({"--server=::1", "--port", "443", "--url=/x", "--use-ssl", "--use-sni",
                               "--use-virtualhost", "www.example.test", "--prot=1.1", "--time", " 5",
                               "--fwmark=7", "--verb"});
  CHECK(l.server.to_string() == "::1");
  CHECK(l.ssl);
  CHECK(l.sni);
  CHECK(l.virtualhost == "www.example.test");
  CHECK(l.protocol == http::HttpProtocol::V1_1);
  CHECK(l.timeout_seconds == 5ul);
  CHECK(l.fwmark == 7u);
  CHECK(l.verbose);
  const GenhashOptions b = ok({"-vSs127.0.0.1", "-p+80", "-u/", "-P", "1.0C"});
  CHECK(b.verbose);
  CHECK(b.ssl);
  CHECK(b.port == 80);
  CHECK(b.protocol == http::HttpProtocol::V1_0C);
  CHECK(ok({"-u", "/a", "-u", "/b", "-s", "127.0.0.1", "-p", "1"}).url == "/b");  // the last -u
  CHECK(ok({"-s", "127.0.0.1", "-p", "010", "-u", "/"}).port == 10);               // strtol, base 10
}

TEST_CASE("genhash: refusals and their messages (keepalived's words)") {
  CHECK(error({}) == "");
  CHECK(error({"-x"}) == "");  // one argument: usage only
  CHECK(error({"-x", "5"}) == "Unknown option -x");
  CHECK(error({"-x"}, GenhashInvocation::DaemonFlag) == "Unknown option -x");
  CHECK(error({"-T", "-s", "1.2.3.4"}) == "Unknown option -T");
  CHECK(error({"-H", "md5", "-s", "1.2.3.4"}) == "Unknown option -H");
  CHECK(error({"--bogus=5", "x"}) == "Unknown option --bogus=5");
  CHECK(error({"--u", "x"}) == "Unknown option --u");  // ambiguous prefix
  CHECK(error({"--verbose=1", "x"}) == "Unknown option --verbose=1");
  CHECK(error({"-p", "1", "-s"}) == "Missing parameter for option -s");
  CHECK(error({"-p", "1", "--server"}) == "Missing parameter for option --");  // sic
  CHECK(error({"-s", "localhost", "-p", "1"}) == "server should be an IP, not localhost");
  CHECK(error({"-s", "127.1", "-p", "1"}) == "server should be an IP, not 127.1");
  CHECK(error({"-s", "fe80::1%lo", "-p", "1"}) == "server should be an IP, not fe80::1%lo");
  for (const char* port : {"0", "-1", "65536", "0x10", "5x", ""}) {
    CAPTURE(port);
    CHECK(error({"-p", port, "-s", "127.0.0.1"}) == "invalid port number '" + std::string(port) + "'");
  }
  CHECK(error({"-t", "-5", "-s", "127.0.0.1"}) == "invalid timeout '-5'");
  CHECK(error({"-t", "", "-s", "127.0.0.1"}) == "invalid timeout ''");
  CHECK(error({"-t", "5s", "-s", "127.0.0.1"}) == "invalid timeout '5s'");
  CHECK(error({"-m", "-1", "-s", "127.0.0.1"}) == "invalid fwmark '-1'");
  CHECK(error({"-m", "abc", "-s", "127.0.0.1"}) == "invalid fwmark 'abc'");
  CHECK(error({"-P", "2.0", "-s", "127.0.0.1"}) == "invalid HTTP protocol version '2.0'");
  CHECK(error({"-P", "1.0k", "-s", "127.0.0.1"}) == "invalid HTTP protocol version '1.0k'");
  CHECK(error({"-s", "127.0.0.1", "-p", "1", "-u", "/", "extra", "more"}) == "Unexpected argument(s): extra more");
  CHECK(error({"-s", "127.0.0.1", "-p", "1", "-u", "/", "--", "-v"}) == "Unexpected argument(s): -v");
  CHECK(error({"-s", "127.0.0.1", "-p", "1"}) == "");           // no url
  CHECK(error({"-s", "127.0.0.1", "-p", "1", "-u", "/", "-h"}) == "");
  CHECK(error({"-h", "x"}) == "");                               // help before operands
  CHECK(error({"-h", "-x"}) == "Unknown option -x");             // but after option errors
  CHECK(error({"-h", "-p", "0"}) == "invalid port number '0'");
}

TEST_CASE("genhash: odd values keepalived accepts") {
  CHECK(ok({"-s", "127.0.0.1", "-p", "1", "-u", "/", "-m", ""}).fwmark == 0u);
  CHECK(ok({"-s", "127.0.0.1", "-p", "1", "-u", "/", "-t", "\t7"}).timeout_seconds == 7ul);
  CHECK(ok({"-s", "::ffff:127.0.0.1", "-p", "1", "-u", "/"}).server.is_v6());
  CHECK(ok({"-s", "127.0.0.1", "-p", "1", "-u", ""}).url.empty());
}

TEST_CASE("genhash: usage names the program as keepalived does") {
  const std::string p = genhash_usage("/usr/bin/genhash");
  CHECK(p.starts_with("Usage: /usr/bin/genhash COMMAND [OPTIONS]\nCommands:\n"));
  CHECK(p.ends_with("   --timeout         -t       Timeout in seconds\n"));
  CHECK(genhash_usage("stayalived", GenhashInvocation::DaemonFlag).starts_with("Usage: stayalived --genhash COMMAND"));
}

TEST_CASE("genhash: hex dump layout (recorded from keepalived's genhash -v)") {
  CHECK(hex_dump(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\n")) ==
        "0000  48 54 54 50 2f 31 2e 31 - 20 32 30 30 20 4f 4b 0d   HTTP/1.1 200 OK.\n"
        "0016  0a 43 6f 6e 74 65 6e 74 - 2d 4c 65 6e 67 74 68 3a   .Content-Length:\n"
        "0032  20 35 0d 0a 58 2d 41 3a - 20 62 0d 0a 0d 0a          5..X-A: b....  \n");
  CHECK(hex_dump(bytes("hello")) ==
        "0000  68 65 6c 6c 6f          -                           hello           \n");
  CHECK(hex_dump(bytes("")).empty());
  const std::string eight = "12345678";
  CHECK(hex_dump(bytes(eight)) == "0000  31 32 33 34 35 36 37 38 - " + std::string(24, ' ') + "  12345678        \n");
  std::string big(10016, '\x80');
  const std::string d = hex_dump(bytes(big));
  CHECK(d.find("\n10000  80 80") != std::string::npos);  // offsets widen past 9999
  CHECK(d.find("................\n") != std::string::npos);
}
