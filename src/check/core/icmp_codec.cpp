#include "stayalived/check/icmp.hpp"

#include <algorithm>

namespace stayalived::check::icmp {

std::uint8_t echo_request_type(Family f) { return f == Family::Inet ? 8 : 128; }
std::uint8_t echo_reply_type(Family f) { return f == Family::Inet ? 0 : 129; }

std::uint16_t checksum(std::span<const std::uint8_t> data) {
  std::uint32_t sum = 0;
  std::size_t i = 0;
  for (; i + 1 < data.size(); i += 2) sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (i < data.size()) sum += static_cast<std::uint32_t>(data[i] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

std::vector<std::uint8_t> encode_echo(Family f, std::uint16_t id, std::uint16_t seq,
                                      std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out(8 + payload.size());
  out[0] = echo_request_type(f);
  out[1] = 0;
  out[4] = static_cast<std::uint8_t>(id >> 8);
  out[5] = static_cast<std::uint8_t>(id);
  out[6] = static_cast<std::uint8_t>(seq >> 8);
  out[7] = static_cast<std::uint8_t>(seq);
  std::copy(payload.begin(), payload.end(), out.begin() + 8);
  if (f == Family::Inet) {
    const std::uint16_t c = checksum(out);
    out[2] = static_cast<std::uint8_t>(c >> 8);
    out[3] = static_cast<std::uint8_t>(c);
  }
  return out;
}

Match match_echo_reply(Family f, std::span<const std::uint8_t> d, bool has_ip_header,
                       bool check_id, std::uint16_t id, std::uint16_t seq,
                       std::span<const std::uint8_t> payload) {
  if (has_ip_header) {
    if (d.empty()) return Match::Malformed;
    const std::size_t ihl = static_cast<std::size_t>(d[0] & 0x0F) * 4;
    if ((d[0] >> 4) != 4 || ihl < 20 || d.size() < ihl) return Match::Malformed;
    d = d.subspan(ihl);
  }
  if (d.size() < 8) return Match::Malformed;
  if (d[0] != echo_reply_type(f) || d[1] != 0) return Match::Unrelated;
  const auto rid = static_cast<std::uint16_t>((d[4] << 8) | d[5]);
  const auto rseq = static_cast<std::uint16_t>((d[6] << 8) | d[7]);
  if ((check_id && rid != id) || rseq != seq) return Match::Unrelated;
  if (f == Family::Inet && checksum(d) != 0) return Match::Malformed;
  const auto body = d.subspan(8);
  if (body.size() != payload.size() || !std::equal(body.begin(), body.end(), payload.begin()))
    return Match::Malformed;
  return Match::Reply;
}

}  // namespace stayalived::check::icmp
