#include "stayalived/check/http/request.hpp"

#include <array>
#include <charconv>

namespace stayalived::http {

std::optional<HttpProtocol> parse_http_protocol(std::string_view s) {
  if (s == "1.0") return HttpProtocol::V1_0;
  if (s == "1.0C" || s == "1.0c") return HttpProtocol::V1_0C;
  if (s == "1.1") return HttpProtocol::V1_1;
  return std::nullopt;
}

namespace {

// Appends the Host header's value (see host_header) to `out`.
void append_host(std::string& out, const std::optional<std::string>& virtualhost, std::string_view address,
                 std::uint16_t port) {
  if (virtualhost) {
    out += *virtualhost;
    return;
  }
  const bool v6 = address.find(':') != std::string_view::npos;
  if (v6) out += '[';
  out += address;
  if (v6) out += ']';
  out += ':';
  std::array<char, 8> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), port).ptr;
  out.append(digits.data(), end);
}

}  // namespace

std::string host_header(const std::optional<std::string>& virtualhost, std::string_view address,
                        std::uint16_t port) {
  std::string h;
  append_host(h, virtualhost, address, port);
  return h;
}

// One allocation: an HTTP_GET builds a request at every check.
std::string build_request(const RequestSpec& spec, std::string_view address, std::uint16_t port) {
  std::string r;
  r.reserve(96 + spec.path.size() + address.size() +
            (spec.virtualhost ? spec.virtualhost->size() : 0));
  r += "GET ";
  r += spec.path;
  r += spec.protocol == HttpProtocol::V1_1 ? " HTTP/1.1\r\n" : " HTTP/1.0\r\n";
  r += "User-Agent: KeepAliveClient\r\n";
  if (spec.protocol != HttpProtocol::V1_0) r += "Connection: close\r\n";
  r += "Host: ";
  append_host(r, spec.virtualhost, address, port);
  r += "\r\n\r\n";
  return r;
}

}  // namespace stayalived::http
