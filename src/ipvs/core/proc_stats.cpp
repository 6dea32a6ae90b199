#include "stayalived/ipvs/proc_stats.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>
#include <vector>

namespace stayalived::ipvs {

namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <class T>
bool hex(std::string_view s, T& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out, 16);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// "C0A80002:0050" (IPv4, host-order hex as the kernel prints it) or "[2001:0db8::1]:0050".
std::optional<DestKey> endpoint(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::uint16_t port = 0;
  if (!hex(s.substr(colon + 1), port)) return std::nullopt;
  std::string_view a = s.substr(0, colon);
  if (a.size() >= 2 && a.front() == '[' && a.back() == ']') {
    auto ip = net::IpAddress::parse(a.substr(1, a.size() - 2));
    if (!ip) return std::nullopt;
    return DestKey{*ip, port};
  }
  std::uint32_t v4 = 0;
  if (a.size() != 8 || !hex(a, v4)) return std::nullopt;
  const std::string dotted = std::to_string(v4 >> 24) + "." + std::to_string((v4 >> 16) & 0xff) + "." +
                             std::to_string((v4 >> 8) & 0xff) + "." + std::to_string(v4 & 0xff);
  auto ip = net::IpAddress::parse(dotted);
  if (!ip) return std::nullopt;
  return DestKey{*ip, port};
}

}  // namespace

std::map<DestKey, DestConnections> parse_proc_ip_vs(std::string_view text) {
  std::map<DestKey, DestConnections> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const auto w = words(text.substr(pos, nl - pos));
    pos = nl + 1;
    // "-> ADDR:PORT FORWARD WEIGHT ACTIVE INACTIVE" (the header line says RemoteAddress).
    if (w.size() < 6 || w[0] != "->") continue;
    const auto ep = endpoint(w[1]);
    if (!ep) continue;
    std::uint64_t active = 0, inactive = 0;
    if (std::from_chars(w[4].data(), w[4].data() + w[4].size(), active).ec != std::errc() ||
        std::from_chars(w[5].data(), w[5].data() + w[5].size(), inactive).ec != std::errc())
      continue;
    auto& d = out[*ep];
    d.active += active;
    d.inactive += inactive;
  }
  return out;
}

}  // namespace stayalived::ipvs
