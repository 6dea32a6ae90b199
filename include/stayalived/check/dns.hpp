// DNS_CHECK wire format (RFC 1035 section 4.1): our own query encoder and a bounded response
// parser. Pure: byte spans in, values out. Every response byte is untrusted: names are
// walked with a bound on labels and compression jumps, every length is checked, nothing is
// overlaid on the buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/check/definition.hpp"
#include "stayalived/check/outcome.hpp"

namespace stayalived::check::dns {

/// Largest DNS message over UDP without EDNS (RFC 1035 section 2.3.4); we read at most this.
inline constexpr std::size_t kMaxUdpMessage = 512;

/// Parses a keepalived.conf DNS_CHECK `type` (A, NS, CNAME, SOA, MX, TXT, AAAA; any case).
std::optional<DnsType> parse_type(std::string_view text);
/// The mnemonic of a type ("SOA").
std::string_view to_string(DnsType t);

/// Encodes a standard query (RD set, one question, class IN) for `name` ("." or
/// "example.com", with or without the final dot). Empty if the name is invalid (label over
/// 63 octets, name over 255, empty label).
std::vector<std::uint8_t> encode_query(std::uint16_t id, std::string_view name, DnsType type);

/// Why a response was rejected by the parser.
enum class ParseError : std::uint8_t {
  None,
  TooShort,        ///< less than a header, or a section runs past the end
  BadName,         ///< label type 0x40/0x80, name over 255 octets, too many labels
  PointerLoop,     ///< too many compression jumps, or a forward/self pointer
  TooManyRecords,  ///< counts beyond what 512 octets can hold
};
/// Name of a parse error.
std::string_view to_string(ParseError e);

/// The parts of a response the verdict needs.
struct Response {
  std::uint16_t id = 0;
  bool qr = false;          ///< a response
  std::uint8_t opcode = 0;
  bool tc = false;          ///< truncated
  std::uint8_t rcode = 0;   ///< RFC 1035 section 4.1.1 RCODE
  std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
  std::string qname{};        ///< first question, lower case, dotted, "." for the root
  std::uint16_t qtype = 0, qclass = 0;
  std::size_t records_walked = 0;  ///< answer + authority + additional records parsed
};

/// Parses a response, walking every section. Bounded: at most kMaxUdpMessage octets are
/// looked at, at most 128 labels per name, at most 16 compression jumps per name.
ParseError parse_response(std::span<const std::uint8_t> msg, Response& out);

/// The query a response must answer.
struct Question {
  std::uint16_t id = 0;
  std::string name{};   ///< as configured
  DnsType type = DnsType::SOA;
};

/// True when `r` is an answer to `q` at all (same id, QR set): anything else is someone
/// else's datagram and is ignored.
bool answers(const Response& r, const Question& q);

/// The verdict over a parsed answer: success when RCODE is NOERROR and the question is
/// echoed (same name, case-insensitive, type and class IN). An empty answer section with
/// NOERROR is a success: the server answered (keepalived.conf(5) only asks for an answer).
CheckResult verdict(const Response& r, const Question& q);

/// RCODE mnemonic (RFC 1035 section 4.1.1, RFC 2136): "NOERROR", "SERVFAIL", ...
std::string_view rcode_name(std::uint8_t rcode);

/// Lower-cases and canonicalizes a configured name ("Example.COM." -> "example.com").
std::string canonical_name(std::string_view name);

}  // namespace stayalived::check::dns
