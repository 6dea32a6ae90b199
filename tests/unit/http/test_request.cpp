// The request bytes, as captured from keepalived 2.2.7's genhash against a local listener.
#include <doctest/doctest.h>

#include "stayalived/check/http/request.hpp"

using namespace stayalived::http;

TEST_CASE("request: HTTP/1.0 default, Host from the destination address and port") {
  CHECK(build_request({.path = "/index.html"}, "127.0.0.1", 18080) ==
        "GET /index.html HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 127.0.0.1:18080\r\n\r\n");
}

TEST_CASE("request: 1.1 and 1.0C add Connection: close before Host") {
  CHECK(build_request({.path = "/x", .protocol = HttpProtocol::V1_1}, "127.0.0.1", 18080) ==
        "GET /x HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\n"
        "Host: 127.0.0.1:18080\r\n\r\n");
  CHECK(build_request({.path = "/x", .virtualhost = "example.com", .protocol = HttpProtocol::V1_0C},
                      "127.0.0.1", 18080) ==
        "GET /x HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: example.com\r\n\r\n");
}

TEST_CASE("request: virtualhost is sent verbatim, without the port") {
  CHECK(host_header(std::string("example.com:99"), "10.0.0.1", 80) == "example.com:99");
  CHECK(host_header(std::string("www.example.org"), "::1", 443) == "www.example.org");
}

TEST_CASE("request: IPv6 destinations are bracketed (RFC 3986 3.2.2)") {
  CHECK(host_header(std::nullopt, "::1", 18090) == "[::1]:18090");
  CHECK(build_request({.path = "/s", .protocol = HttpProtocol::V1_1}, "2001:db8::1", 80) ==
        "GET /s HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nConnection: close\r\nHost: [2001:db8::1]:80\r\n\r\n");
}

TEST_CASE("request: http_protocol spellings") {
  CHECK(parse_http_protocol("1.0") == HttpProtocol::V1_0);
  CHECK(parse_http_protocol("1.0C") == HttpProtocol::V1_0C);
  CHECK(parse_http_protocol("1.0c") == HttpProtocol::V1_0C);
  CHECK(parse_http_protocol("1.1") == HttpProtocol::V1_1);
  CHECK_FALSE(parse_http_protocol("2.0"));
  CHECK_FALSE(parse_http_protocol("1.1c"));
  CHECK_FALSE(parse_http_protocol(""));
}
