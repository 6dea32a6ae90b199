#include "stayalived/check/http/request.hpp"

namespace stayalived::http {

std::optional<HttpProtocol> parse_http_protocol(std::string_view s) {
  if (s == "1.0") return HttpProtocol::V1_0;
  if (s == "1.0C" || s == "1.0c") return HttpProtocol::V1_0C;
  if (s == "1.1") return HttpProtocol::V1_1;
  return std::nullopt;
}

std::string host_header(const std::optional<std::string>& virtualhost, std::string_view address,
                        std::uint16_t port) {
  if (virtualhost) return *virtualhost;
  std::string h;
  h.reserve(address.size() + 8);
  const bool v6 = address.find(':') != std::string_view::npos;
  if (v6) h += '[';
  h += address;
  if (v6) h += ']';
  h += ':';
  h += std::to_string(port);
  return h;
}

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
  r += host_header(spec.virtualhost, address, port);
  r += "\r\n\r\n";
  return r;
}

}  // namespace stayalived::http
