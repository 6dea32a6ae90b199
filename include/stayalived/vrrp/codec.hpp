// VRRP advertisement codec (RFC 3768 section 5, RFC 5798 section 5): pure functions from bytes
// to host-order values and back. Decoding reads big-endian fields explicitly and never
// overlays a struct on a buffer; every refusal is a named DropReason. Wire checks live here
// (lengths, TTL on multicast, version, type, checksum, authentication); instance checks (VRID,
// interval, address list, unicast peers) live in the core (instance.hpp).
//
// keepalived 2.2.7's wire format, as captured from it (tests/data/vrrp/):
//   - IPv4 header built by the sender: TOS 0xc0, no DF, TTL 255, an IP id counting up from 1
//     per instance;
//   - VRRPv2 always carries the 8 bytes of authentication data (zero without auth);
//   - VRRPv3 checksums include the pseudo-header with the real destination. keepalived
//     before 1.3.6 put the multicast group in the pseudo-header of unicast adverts too;
//     2.2.7 still accepts that ("old_unicast_checksum"), and so do we (ChecksumKind);
//   - AH (IP protocol 51): SPI = sender address, sequence number from 1, ICV = first 96 bits
//     of HMAC-MD5 keyed with the 8-byte password over the IPv4 header with TOS, fragment
//     field and header checksum zeroed - but *not* the TTL, unlike RFC 2402 - then the AH
//     header with a zero ICV, then the VRRP message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/vrrp/ip.hpp"

namespace stayalived::vrrp {

inline constexpr std::uint8_t kProtoVrrp = 112;  ///< IANA protocol number of VRRP
inline constexpr std::uint8_t kProtoAh = 51;     ///< IPsec AH
inline constexpr std::uint8_t kVrrpTtl = 255;    ///< RFC 5798 section 5.1.1.3
inline constexpr std::uint8_t kPriorityStop = 0;   ///< "stop participating" (section 5.2.4)
inline constexpr std::uint8_t kPriorityOwner = 255;  ///< IP address owner
inline constexpr std::size_t kMaxAddresses = 255;    ///< 8-bit Count IPvX Addr

/// VRRPv2 authentication types (RFC 3768 section 5.3.6; keepalived keeps PASS and AH).
enum class AuthType : std::uint8_t { None = 0, Pass = 1, Ah = 2 };

/// keepalived's auth_pass: the first 8 characters, zero padded.
using AuthKey = std::array<std::uint8_t, 8>;

/// Builds an AuthKey from a configured password (truncated to 8 characters, as keepalived).
AuthKey make_auth_key(std::string_view password);

/// Why a received packet was dropped. The first group is decided by the codec from the bytes
/// alone; the second by the instance the packet is addressed to.
enum class DropReason : std::uint8_t {
  Truncated,        ///< shorter than the headers it announces
  BadIpHeader,      ///< not IPv4, bad header length, a fragment, not protocol 112/51
  BadLength,        ///< VRRP length does not match the address count
  BadTtl,           ///< TTL / hop limit is not 255 on a multicast advert
  BadVersion,       ///< not VRRP 2 or 3, or v2 over IPv6
  BadType,          ///< not an ADVERTISEMENT (type 1)
  BadChecksum,      ///< VRRP checksum wrong
  BadAuthType,      ///< unknown authentication type, or a malformed AH header
  BadInterval,      ///< advertisement interval of zero
  UnknownVrid,      ///< no instance with this VRID on the socket
  VersionMismatch,  ///< version differs from the instance's
  AuthTypeMismatch, ///< authentication type differs from the instance's
  AuthFailure,      ///< wrong password or HMAC
  IntervalMismatch, ///< VRRPv2 interval differs from ours (RFC 3768 section 7.1)
  AddressCount,     ///< number of addresses differs from ours
  AddressList,      ///< an address of ours is missing from the advert
  NotAPeer,         ///< unicast source is not a configured peer (check_unicast_src)
  TtlOutOfRange,    ///< unicast TTL outside the peer's min_ttl..max_ttl
  OwnAdvert,        ///< our own advert looped back
  kCount
};
inline constexpr std::size_t kDropReasons = static_cast<std::size_t>(DropReason::kCount);

/// A short stable name ("bad_ttl"), used in stats and JSON dumps.
std::string_view name(DropReason r);

/// Which pseudo-header a VRRPv3 checksum was computed with.
enum class ChecksumKind : std::uint8_t {
  Standard,              ///< RFC 5798: the real destination address
  MulticastPseudoHeader  ///< keepalived < 1.3.6 unicast: the multicast group instead
};

/// The fields of an advertisement, in host order.
struct Advert {
  std::uint8_t version = 2;                 ///< 2 or 3
  std::uint8_t vrid = 0;                    ///< Virtual Rtr ID
  std::uint8_t priority = 0;                ///< 0 = stop, 255 = owner
  AuthType auth_type = AuthType::None;      ///< VRRPv2 only
  centiseconds interval{100};               ///< v2: whole seconds; v3: 12-bit centiseconds
  std::vector<IpAddress> addresses;         ///< all of the packet's family
  AuthKey auth_data{};                      ///< VRRPv2 PASS: the password bytes (else zero)

  friend bool operator==(const Advert&, const Advert&) = default;
};

/// AH header fields of a received packet.
struct AhHeader {
  std::uint32_t spi = 0;
  std::uint32_t sequence = 0;
};

/// A decoded, wire-valid advertisement and where it came from.
struct Received {
  Advert advert;
  IpAddress source;
  IpAddress destination;
  std::uint8_t ttl = 0;  ///< TTL or hop limit
  ChecksumKind checksum = ChecksumKind::Standard;
  std::optional<AhHeader> ah;
};

/// What the kernel tells about a received IPv6 packet (the raw socket gives no header).
struct Ipv6Meta {
  IpAddress source;
  IpAddress destination;
  int hop_limit = -1;
};

/// Receiving side's settings that the wire checks depend on.
struct DecodeOptions {
  /// The multicast group of this family (vrrp_mcast_group4/6), for the old checksum.
  std::optional<IpAddress> group;
  /// Accept VRRPv3 unicast adverts with keepalived's pre-1.3.6 checksum
  /// (cleared by "old_unicast_checksum never").
  bool accept_old_checksum = true;
};

/// RFC 1071 Internet checksum over `data`, continuing a partial (unfolded) sum.
std::uint16_t inet_checksum(std::span<const std::uint8_t> data, std::uint32_t partial = 0);

/// Decodes an IPv4 packet as the raw socket hands it over: IP header, optional AH, VRRP.
Expected<Received, DropReason> decode_ipv4(std::span<const std::uint8_t> packet,
                                           const DecodeOptions& opts = {});

/// Decodes the payload of an IPv6 packet (the VRRP message) with what IPV6_RECVPKTINFO and
/// IPV6_RECVHOPLIMIT reported.
Expected<Received, DropReason> decode_ipv6(std::span<const std::uint8_t> payload, const Ipv6Meta& meta,
                                           const DecodeOptions& opts = {});

/// Checks a VRRPv2 advert's authentication against the receiving instance's
/// (RFC 2338 section 10; keepalived's AH as described above). `packet` is what decode_ipv4
/// was given. Returns the drop reason, or nullopt if it passes. Compares in constant time.
std::optional<DropReason> verify_auth(std::span<const std::uint8_t> packet, const Received& rx,
                                      AuthType expected, const AuthKey& key);

/// What can still be read from a packet that failed to decode, so that the shell can name
/// the instance it was meant for and log it as keepalived does. Best effort, never fails.
struct Peek {
  std::optional<std::uint8_t> vrid;
  int version = -1;
  int type = -1;
  int auth_type = -1;      ///< VRRPv2
  int ttl = -1;
  std::size_t length = 0;    ///< bytes of the VRRP message
  std::size_t expected = 0;  ///< bytes its header announces (0 if unknown)
};

/// Peeks into an IPv4 packet (header, optional AH, VRRP).
Peek peek_ipv4(std::span<const std::uint8_t> packet);
/// Peeks into an IPv6 payload.
Peek peek_ipv6(std::span<const std::uint8_t> payload, int hop_limit);

/// Everything needed to put an advert on the wire.
struct Frame {
  Advert advert;
  IpAddress source;
  IpAddress destination;
  std::uint8_t ttl = kVrrpTtl;
  std::uint16_t ip_id = 0;     ///< IPv4 identification
  std::uint32_t ah_sequence = 0;
  AuthKey key{};               ///< PASS password or AH HMAC key (advert.auth_type says which)
  ChecksumKind checksum = ChecksumKind::Standard;
  IpAddress group;             ///< used by ChecksumKind::MulticastPseudoHeader
};

/// The VRRP message alone (the IPv6 payload, or what follows the IPv4/AH headers).
std::vector<std::uint8_t> encode_vrrp(const Frame& f);

/// A whole IPv4 packet: header (TOS 0xc0, no DF), AH if advert.auth_type is Ah, VRRP.
std::vector<std::uint8_t> encode_ipv4(const Frame& f);

}  // namespace stayalived::vrrp
