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

std::vector<ProcService> parse_proc_ip_vs_table(std::string_view text) {
  std::vector<ProcService> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const auto w = words(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (w.size() >= 3 && (w[0] == "TCP" || w[0] == "UDP" || w[0] == "SCTP")) {
      const auto ep = endpoint(w[1]);
      if (!ep) continue;
      out.push_back(ProcService{std::string(w[0]), *ep, 0, std::string(w[2]), {}});
    } else if (w.size() >= 3 && w[0] == "FWM") {
      std::uint32_t mark = 0;
      if (!hex(w[1], mark)) continue;
      out.push_back(ProcService{"FWM", {}, mark, std::string(w[2]), {}});
    } else if (w.size() >= 6 && w[0] == "->" && !out.empty()) {
      // "-> ADDR:PORT FORWARD WEIGHT ACTIVE INACTIVE" (the header line says RemoteAddress).
      const auto ep = endpoint(w[1]);
      if (!ep) continue;
      ProcDest d;
      d.key = *ep;
      d.forward = std::string(w[2]);
      if (std::from_chars(w[3].data(), w[3].data() + w[3].size(), d.weight).ec != std::errc() ||
          std::from_chars(w[4].data(), w[4].data() + w[4].size(), d.conns.active).ec != std::errc() ||
          std::from_chars(w[5].data(), w[5].data() + w[5].size(), d.conns.inactive).ec != std::errc())
        continue;
      out.back().dests.push_back(std::move(d));
    }
  }
  return out;
}

std::map<DestKey, DestConnections> parse_proc_ip_vs(std::string_view text) {
  std::map<DestKey, DestConnections> out;
  for (const auto& s : parse_proc_ip_vs_table(text))
    for (const auto& d : s.dests) {
      auto& c = out[d.key];
      c.active += d.conns.active;
      c.inactive += d.conns.inactive;
    }
  return out;
}

// "   Total Incoming Outgoing         Incoming         Outgoing"
// "   Conns  Packets  Packets            Bytes            Bytes"
// "      1E      2A5      1F4             9C40             7D00"   (hex)
std::optional<ProcTotals> parse_proc_ip_vs_stats(std::string_view text) {
  std::size_t pos = 0;
  int line = 0;
  while (pos < text.size()) {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const auto w = words(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (++line != 3) continue;
    ProcTotals t;
    if (w.size() < 5 || !hex(w[0], t.connections) || !hex(w[1], t.incoming_packets) || !hex(w[2], t.outgoing_packets) ||
        !hex(w[3], t.incoming_bytes) || !hex(w[4], t.outgoing_bytes))
      return std::nullopt;
    return t;
  }
  return std::nullopt;
}

}  // namespace stayalived::ipvs
