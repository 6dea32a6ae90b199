#include "stayalived/vrrp/codec.hpp"

#include <algorithm>
#include <array>

#include "stayalived/common/digest.hpp"

namespace stayalived::vrrp {

namespace {

constexpr std::size_t kIpv4HeaderMin = 20;
constexpr std::size_t kAhLength = 24;       // next hdr, len, reserved, SPI, seq, 96-bit ICV
constexpr std::uint8_t kAhLengthField = 4;  // (24 / 4) - 2 (RFC 4302 section 2.2)
constexpr std::size_t kIcvOffset = 12;
constexpr std::size_t kIcvLength = 12;      // HMAC-MD5-96
constexpr std::size_t kVrrpHeader = 8;
constexpr std::size_t kV2AuthData = 8;
constexpr std::uint8_t kTypeAdvert = 1;
constexpr std::uint8_t kIpTos = 0xc0;       // what keepalived sends (internetwork control)

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
void put16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  v[at] = static_cast<std::uint8_t>(x >> 8);
  v[at + 1] = static_cast<std::uint8_t>(x);
}
void append(std::vector<std::uint8_t>& v, std::span<const std::uint8_t> b) { v.insert(v.end(), b.begin(), b.end()); }
void append32(std::vector<std::uint8_t>& v, std::uint32_t x) {
  for (int s = 24; s >= 0; s -= 8) v.push_back(static_cast<std::uint8_t>(x >> s));
}

// Unfolded one's complement sum of 16-bit big-endian words.
std::uint32_t partial_sum(std::span<const std::uint8_t> d, std::uint32_t acc) {
  std::size_t i = 0;
  for (; i + 1 < d.size(); i += 2) {
    acc += static_cast<std::uint32_t>((d[i] << 8) | d[i + 1]);
    acc = (acc & 0xffff) + (acc >> 16);
  }
  if (i < d.size()) {
    acc += static_cast<std::uint32_t>(d[i] << 8);
    acc = (acc & 0xffff) + (acc >> 16);
  }
  return acc;
}

// RFC 5798 section 5.2.8: the pseudo-header of the IP version in use.
std::uint32_t pseudo_header_sum(const IpAddress& src, const IpAddress& dst, std::size_t length) {
  std::uint32_t acc = partial_sum(src.span(), 0);
  acc = partial_sum(dst.span(), acc);
  if (src.is_v4()) {
    const std::array<std::uint8_t, 4> tail{0, kProtoVrrp, static_cast<std::uint8_t>(length >> 8),
                                           static_cast<std::uint8_t>(length)};
    return partial_sum(tail, acc);
  }
  const std::array<std::uint8_t, 8> tail{static_cast<std::uint8_t>(length >> 24), static_cast<std::uint8_t>(length >> 16),
                                         static_cast<std::uint8_t>(length >> 8),  static_cast<std::uint8_t>(length),
                                         0, 0, 0, kProtoVrrp};
  return partial_sum(tail, acc);
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) return false;
  std::uint8_t diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<std::uint8_t>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

Unexpected<DropReason> drop(DropReason r) { return Unexpected<DropReason>{r}; }

// The VRRP message, after the IP (and AH) headers. `via_ah` tells whether it came in AH.
Expected<Received, DropReason> parse_vrrp(std::span<const std::uint8_t> m, Family fam, const IpAddress& src,
                                          const IpAddress& dst, std::uint8_t ttl, bool via_ah,
                                          const DecodeOptions& opts) {
  if (m.size() < kVrrpHeader) return drop(DropReason::Truncated);
  Received rx;
  Advert& a = rx.advert;
  a.version = static_cast<std::uint8_t>(m[0] >> 4);
  if (a.version != 2 && a.version != 3) return drop(DropReason::BadVersion);
  if (fam == Family::Inet6 && a.version == 2) return drop(DropReason::BadVersion);
  if ((m[0] & 0x0f) != kTypeAdvert) return drop(DropReason::BadType);
  a.vrid = m[1];
  a.priority = m[2];
  const std::size_t count = m[3];
  const std::size_t asize = traits(fam).address_size;
  std::size_t expected = kVrrpHeader + count * asize;
  if (a.version == 2) {
    expected += kV2AuthData;
    if (m[4] > static_cast<std::uint8_t>(AuthType::Ah)) return drop(DropReason::BadAuthType);
    a.auth_type = static_cast<AuthType>(m[4]);
    if ((a.auth_type == AuthType::Ah) != via_ah) return drop(DropReason::BadAuthType);
    a.interval = centiseconds(std::int64_t{m[5]} * 100);
  } else {
    if (via_ah) return drop(DropReason::BadAuthType);
    a.interval = centiseconds(be16(m.data() + 4) & 0x0fff);
  }
  if (m.size() != expected) return drop(DropReason::BadLength);
  if (a.interval.count() == 0) return drop(DropReason::BadInterval);

  // Checksums: v2 over the message alone (RFC 3768 section 5.3.8), v3 with the pseudo-header.
  if (a.version == 2) {
    if (inet_checksum(m) != 0) return drop(DropReason::BadChecksum);
  } else if (inet_checksum(m, pseudo_header_sum(src, dst, m.size())) != 0) {
    const bool old_ok = opts.accept_old_checksum && opts.group && !dst.is_multicast() &&
                        opts.group->family == fam &&
                        inet_checksum(m, pseudo_header_sum(src, *opts.group, m.size())) == 0;
    if (!old_ok) return drop(DropReason::BadChecksum);
    rx.checksum = ChecksumKind::MulticastPseudoHeader;
  }

  a.addresses.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    a.addresses.push_back(*IpAddress::from_bytes(m.subspan(kVrrpHeader + i * asize, asize)));
  if (a.version == 2 && a.auth_type == AuthType::Pass) {  // otherwise the field means nothing
    const auto auth = m.subspan(kVrrpHeader + count * asize, kV2AuthData);
    std::copy(auth.begin(), auth.end(), a.auth_data.begin());
  }
  rx.source = src;
  rx.destination = dst;
  rx.ttl = ttl;
  return rx;
}

}  // namespace

AuthKey make_auth_key(std::string_view password) {
  AuthKey k{};
  for (std::size_t i = 0; i < k.size() && i < password.size(); ++i) k[i] = static_cast<std::uint8_t>(password[i]);
  return k;
}

std::string_view name(DropReason r) {
  static constexpr std::array<std::string_view, kDropReasons> kNames = {
      "truncated",        "bad_ip_header",     "bad_length",   "bad_ttl",          "bad_version",
      "bad_type",         "bad_checksum",      "bad_auth_type", "bad_interval",    "unknown_vrid",
      "version_mismatch", "auth_type_mismatch", "auth_failure", "interval_mismatch", "address_count",
      "address_list",     "not_a_peer",        "ttl_out_of_range", "own_advert"};
  const auto i = static_cast<std::size_t>(r);
  return i < kNames.size() ? kNames[i] : "unknown";
}

std::uint16_t inet_checksum(std::span<const std::uint8_t> data, std::uint32_t partial) {
  std::uint32_t acc = partial_sum(data, partial);
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  return static_cast<std::uint16_t>(~acc & 0xffff);
}

Expected<Received, DropReason> decode_ipv4(std::span<const std::uint8_t> p, const DecodeOptions& opts) {
  if (p.size() < kIpv4HeaderMin) return drop(DropReason::Truncated);
  if ((p[0] >> 4) != 4) return drop(DropReason::BadIpHeader);
  const std::size_t ihl = std::size_t{p[0] & 0x0fu} * 4;
  if (ihl < kIpv4HeaderMin) return drop(DropReason::BadIpHeader);
  if (ihl > p.size()) return drop(DropReason::Truncated);
  const std::size_t total = be16(p.data() + 2);
  if (total < ihl) return drop(DropReason::BadIpHeader);
  if (total > p.size()) return drop(DropReason::Truncated);
  p = p.first(total);  // anything beyond the IP length is link padding
  if ((be16(p.data() + 6) & 0x3fff) != 0) return drop(DropReason::BadIpHeader);  // MF or offset
  const std::uint8_t ttl = p[8];
  const std::uint8_t proto = p[9];
  const IpAddress src = *IpAddress::from_bytes(p.subspan(12, 4));
  const IpAddress dst = *IpAddress::from_bytes(p.subspan(16, 4));

  std::optional<AhHeader> ah;
  std::span<const std::uint8_t> msg;
  if (proto == kProtoAh) {
    if (p.size() < ihl + kAhLength) return drop(DropReason::Truncated);
    const auto h = p.subspan(ihl, kAhLength);
    if (h[0] != kProtoVrrp || h[1] != kAhLengthField) return drop(DropReason::BadAuthType);
    ah = AhHeader{be32(h.data() + 4), be32(h.data() + 8)};
    msg = p.subspan(ihl + kAhLength);
  } else if (proto == kProtoVrrp) {
    msg = p.subspan(ihl);
  } else {
    return drop(DropReason::BadIpHeader);
  }
  // RFC 5798 section 7.1: TTL must be 255. Unicast adverts may be routed; their TTL is
  // checked against the peer's min_ttl/max_ttl by the instance.
  if (dst.is_multicast() && ttl != kVrrpTtl) return drop(DropReason::BadTtl);
  auto rx = parse_vrrp(msg, Family::Inet, src, dst, ttl, ah.has_value(), opts);
  if (rx) rx->ah = ah;
  return rx;
}

Expected<Received, DropReason> decode_ipv6(std::span<const std::uint8_t> payload, const Ipv6Meta& meta,
                                           const DecodeOptions& opts) {
  if (!meta.source.is_v6() || !meta.destination.is_v6()) return drop(DropReason::BadIpHeader);
  if (meta.destination.is_multicast() && meta.hop_limit != kVrrpTtl) return drop(DropReason::BadTtl);
  const auto hops = static_cast<std::uint8_t>(std::clamp(meta.hop_limit, 0, 255));
  return parse_vrrp(payload, Family::Inet6, meta.source, meta.destination, hops, false, opts);
}

std::optional<DropReason> verify_auth(std::span<const std::uint8_t> packet, const Received& rx, AuthType expected,
                                      const AuthKey& key) {
  const Advert& a = rx.advert;
  if (a.version != 2) return expected == AuthType::None ? std::nullopt : std::optional(DropReason::AuthTypeMismatch);
  if (a.auth_type != expected) return DropReason::AuthTypeMismatch;
  switch (expected) {
    case AuthType::None:
      return std::nullopt;
    case AuthType::Pass:
      if (!constant_time_equal(a.auth_data, key)) return DropReason::AuthFailure;
      return std::nullopt;
    case AuthType::Ah: {
      if (packet.size() < kIpv4HeaderMin) return DropReason::AuthFailure;
      const std::size_t ihl = std::size_t{packet[0] & 0x0fu} * 4;
      const std::size_t total = std::min<std::size_t>(be16(packet.data() + 2), packet.size());
      if (total < ihl + kAhLength) return DropReason::AuthFailure;
      std::vector<std::uint8_t> copy(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(total));
      std::array<std::uint8_t, kIcvLength> icv{};
      std::copy_n(copy.begin() + static_cast<std::ptrdiff_t>(ihl + kIcvOffset), kIcvLength, icv.begin());
      copy[1] = 0;                 // TOS
      copy[6] = copy[7] = 0;       // flags, fragment offset
      copy[10] = copy[11] = 0;     // header checksum
      std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(ihl + kIcvOffset), kIcvLength, 0);
      const auto mac = hmac_md5(key, copy);
      if (!constant_time_equal(std::span(mac).first(kIcvLength), icv)) return DropReason::AuthFailure;
      return std::nullopt;
    }
  }
  return DropReason::BadAuthType;
}

namespace {
Peek peek_vrrp(std::span<const std::uint8_t> m, std::size_t asize, Peek p) {
  p.length = m.size();
  if (m.size() >= 1) {
    p.version = m[0] >> 4;
    p.type = m[0] & 0x0f;
  }
  if (m.size() >= 2) p.vrid = m[1];
  if (m.size() >= 5 && p.version == 2) p.auth_type = m[4];
  if (m.size() >= 4) p.expected = kVrrpHeader + m[3] * asize + (p.version == 2 ? kV2AuthData : 0);
  return p;
}
}  // namespace

Peek peek_ipv4(std::span<const std::uint8_t> p) {
  Peek out;
  if (p.size() < kIpv4HeaderMin) return out;
  out.ttl = p[8];
  const std::size_t ihl = std::size_t{p[0] & 0x0fu} * 4;
  if (ihl < kIpv4HeaderMin || ihl > p.size()) return out;
  const std::size_t total = std::min<std::size_t>(be16(p.data() + 2), p.size());
  if (total < ihl) return out;
  std::size_t off = ihl;
  if (p[9] == kProtoAh) off += kAhLength;
  if (off > total) return out;
  return peek_vrrp(p.subspan(off, total - off), 4, out);
}

Peek peek_ipv6(std::span<const std::uint8_t> payload, int hop_limit) {
  Peek out;
  out.ttl = hop_limit;
  return peek_vrrp(payload, 16, out);
}

std::vector<std::uint8_t> encode_vrrp(const Frame& f) {
  const Advert& a = f.advert;
  std::vector<std::uint8_t> m;
  const std::size_t count = std::min(a.addresses.size(), kMaxAddresses);
  m.reserve(kVrrpHeader + count * 16 + kV2AuthData);
  m.push_back(static_cast<std::uint8_t>((a.version << 4) | kTypeAdvert));
  m.push_back(a.vrid);
  m.push_back(a.priority);
  m.push_back(static_cast<std::uint8_t>(count));
  if (a.version == 2) {
    m.push_back(static_cast<std::uint8_t>(a.auth_type));
    const auto secs = std::clamp<std::int64_t>(a.interval.count() / 100, 1, 255);
    m.push_back(static_cast<std::uint8_t>(secs));
  } else {
    const auto cs = static_cast<std::uint16_t>(std::clamp<std::int64_t>(a.interval.count(), 1, 0x0fff));
    m.push_back(static_cast<std::uint8_t>(cs >> 8));
    m.push_back(static_cast<std::uint8_t>(cs));
  }
  m.push_back(0);
  m.push_back(0);
  for (std::size_t i = 0; i < count; ++i) append(m, a.addresses[i].span());
  if (a.version == 2) {
    if (a.auth_type == AuthType::Pass)
      append(m, f.key);
    else
      m.insert(m.end(), kV2AuthData, 0);
    put16(m, 6, inet_checksum(m));
  } else {
    const IpAddress& dst = f.checksum == ChecksumKind::MulticastPseudoHeader ? f.group : f.destination;
    put16(m, 6, inet_checksum(m, pseudo_header_sum(f.source, dst, m.size())));
  }
  return m;
}

std::vector<std::uint8_t> encode_ipv4(const Frame& f) {
  const auto vrrp = encode_vrrp(f);
  const bool ah = f.advert.version == 2 && f.advert.auth_type == AuthType::Ah;
  std::vector<std::uint8_t> p;
  p.reserve(kIpv4HeaderMin + (ah ? kAhLength : 0) + vrrp.size());
  const std::size_t total = kIpv4HeaderMin + (ah ? kAhLength : 0) + vrrp.size();
  p.push_back(0x45);
  p.push_back(0);  // TOS: zero while the AH ICV is computed
  p.push_back(static_cast<std::uint8_t>(total >> 8));
  p.push_back(static_cast<std::uint8_t>(total));
  p.push_back(static_cast<std::uint8_t>(f.ip_id >> 8));
  p.push_back(static_cast<std::uint8_t>(f.ip_id));
  p.push_back(0);
  p.push_back(0);
  p.push_back(f.ttl);
  p.push_back(ah ? kProtoAh : kProtoVrrp);
  p.push_back(0);
  p.push_back(0);
  append(p, f.source.span());
  append(p, f.destination.span());
  if (ah) {
    p.push_back(kProtoVrrp);
    p.push_back(kAhLengthField);
    p.push_back(0);
    p.push_back(0);
    append(p, f.source.span());  // keepalived uses the sender's address as SPI
    append32(p, f.ah_sequence);
    p.insert(p.end(), kIcvLength, 0);
    append(p, vrrp);
    const auto mac = hmac_md5(f.key, p);
    std::copy_n(mac.begin(), kIcvLength, p.begin() + static_cast<std::ptrdiff_t>(kIpv4HeaderMin + kIcvOffset));
  } else {
    append(p, vrrp);
  }
  p[1] = kIpTos;
  put16(p, 10, inet_checksum(std::span(p).first(kIpv4HeaderMin)));
  return p;
}

}  // namespace stayalived::vrrp
