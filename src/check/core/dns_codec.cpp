// DNS query encoder and bounded response parser (RFC 1035 sections 3.1, 4.1).
#include <cctype>

#include "stayalived/check/dns.hpp"

namespace stayalived::check::dns {

namespace {

constexpr std::size_t kHeader = 12;
constexpr std::size_t kMaxName = 255;      // RFC 1035 section 2.3.4
constexpr std::size_t kMaxLabel = 63;
constexpr int kMaxLabels = 128;
constexpr int kMaxJumps = 16;

std::uint16_t be16(std::span<const std::uint8_t> b, std::size_t off) {
  return static_cast<std::uint16_t>((b[off] << 8) | b[off + 1]);
}

void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Reads a possibly compressed name at `off`; on success `off` is past the name in the
// original position and `name` holds it dotted and lower case ("" for the root).
ParseError read_name(std::span<const std::uint8_t> msg, std::size_t& off, std::string* name) {
  std::size_t pos = off;
  std::size_t end_of_name = 0;  // where parsing continues after the first jump
  bool jumped = false;
  int jumps = 0;
  std::size_t total = 1;  // the final root label
  for (int labels = 0;; ++labels) {
    if (labels > kMaxLabels) return ParseError::BadName;
    if (pos >= msg.size()) return ParseError::TooShort;
    const std::uint8_t len = msg[pos];
    if ((len & 0xC0) == 0xC0) {
      if (pos + 1 >= msg.size()) return ParseError::TooShort;
      const std::size_t target = static_cast<std::size_t>(((len & 0x3F) << 8) | msg[pos + 1]);
      // Only backward pointers: a name can only refer to what came before it, which also
      // rules out loops together with the jump bound.
      if (target >= pos || ++jumps > kMaxJumps) return ParseError::PointerLoop;
      if (!jumped) end_of_name = pos + 2;
      jumped = true;
      pos = target;
      continue;
    }
    if ((len & 0xC0) != 0) return ParseError::BadName;  // 0x40, 0x80: extended/reserved
    if (len == 0) {
      off = jumped ? end_of_name : pos + 1;
      return ParseError::None;
    }
    if (pos + 1 + len > msg.size()) return ParseError::TooShort;
    total += 1u + len;
    if (total > kMaxName) return ParseError::BadName;
    if (name != nullptr) {
      if (!name->empty()) name->push_back('.');
      for (std::size_t i = 0; i < len; ++i) name->push_back(lower(static_cast<char>(msg[pos + 1 + i])));
    }
    pos += 1u + len;
  }
}

}  // namespace

std::optional<DnsType> parse_type(std::string_view text) {
  static constexpr std::pair<std::string_view, DnsType> kTypes[] = {
      {"A", DnsType::A},   {"NS", DnsType::NS},   {"CNAME", DnsType::CNAME}, {"SOA", DnsType::SOA},
      {"MX", DnsType::MX}, {"TXT", DnsType::TXT}, {"AAAA", DnsType::AAAA}};
  for (const auto& [n, t] : kTypes) {
    if (n.size() != text.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size(); ++i)
      if (std::toupper(static_cast<unsigned char>(text[i])) != n[i]) same = false;
    if (same) return t;
  }
  return std::nullopt;
}

std::string_view to_string(DnsType t) {
  switch (t) {
    case DnsType::A: return "A";
    case DnsType::NS: return "NS";
    case DnsType::CNAME: return "CNAME";
    case DnsType::SOA: return "SOA";
    case DnsType::MX: return "MX";
    case DnsType::TXT: return "TXT";
    case DnsType::AAAA: return "AAAA";
  }
  return "?";
}

std::string canonical_name(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(lower(c));
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::vector<std::uint8_t> encode_query(std::uint16_t id, std::string_view name, DnsType type) {
  std::vector<std::uint8_t> out;
  out.reserve(kHeader + name.size() + 6);
  put16(out, id);
  put16(out, 0x0100);  // QR=0, OPCODE=QUERY, RD=1
  put16(out, 1);       // QDCOUNT
  put16(out, 0);
  put16(out, 0);
  put16(out, 0);
  const std::string n = canonical_name(name);
  std::size_t total = 1;
  std::size_t start = 0;
  while (start < n.size()) {
    std::size_t dot = n.find('.', start);
    if (dot == std::string::npos) dot = n.size();
    const std::size_t len = dot - start;
    if (len == 0 || len > kMaxLabel) return {};
    total += 1 + len;
    if (total > kMaxName) return {};
    out.push_back(static_cast<std::uint8_t>(len));
    out.insert(out.end(), n.begin() + static_cast<std::ptrdiff_t>(start),
               n.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  put16(out, static_cast<std::uint16_t>(type));
  put16(out, 1);  // class IN
  return out;
}

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::None: return "ok";
    case ParseError::TooShort: return "truncated message";
    case ParseError::BadName: return "bad name";
    case ParseError::PointerLoop: return "compression pointer loop";
    case ParseError::TooManyRecords: return "too many records";
  }
  return "?";
}

ParseError parse_response(std::span<const std::uint8_t> msg, Response& out) {
  if (msg.size() > kMaxUdpMessage) msg = msg.first(kMaxUdpMessage);
  if (msg.size() < kHeader) return ParseError::TooShort;
  out = Response{};
  out.id = be16(msg, 0);
  const std::uint16_t flags = be16(msg, 2);
  out.qr = (flags & 0x8000) != 0;
  out.opcode = static_cast<std::uint8_t>((flags >> 11) & 0xF);
  out.tc = (flags & 0x0200) != 0;
  out.rcode = static_cast<std::uint8_t>(flags & 0xF);
  out.qdcount = be16(msg, 4);
  out.ancount = be16(msg, 6);
  out.nscount = be16(msg, 8);
  out.arcount = be16(msg, 10);
  // A question takes at least 5 octets and a record at least 11: counts beyond what the
  // message can hold are rejected before walking anything.
  const std::size_t body = msg.size() - kHeader;
  const std::size_t min_len = std::size_t{out.qdcount} * 5 +
                              (std::size_t{out.ancount} + out.nscount + out.arcount) * 11;
  if (min_len > body) return out.tc ? ParseError::TooShort : ParseError::TooManyRecords;

  std::size_t off = kHeader;
  for (std::uint16_t i = 0; i < out.qdcount; ++i) {
    std::string name;
    if (auto e = read_name(msg, off, i == 0 ? &name : nullptr); e != ParseError::None) return e;
    if (off + 4 > msg.size()) return ParseError::TooShort;
    if (i == 0) {
      out.qname = name.empty() ? "." : name;
      out.qtype = be16(msg, off);
      out.qclass = be16(msg, off + 2);
    }
    off += 4;
  }
  const std::size_t records = std::size_t{out.ancount} + out.nscount + out.arcount;
  for (std::size_t i = 0; i < records; ++i) {
    if (auto e = read_name(msg, off, nullptr); e != ParseError::None) return e;
    if (off + 10 > msg.size()) return ParseError::TooShort;
    const std::uint16_t rdlength = be16(msg, off + 8);
    off += 10;
    if (off + rdlength > msg.size()) return ParseError::TooShort;
    off += rdlength;
    ++out.records_walked;
  }
  return ParseError::None;
}

bool answers(const Response& r, const Question& q) { return r.qr && r.id == q.id; }

std::string_view rcode_name(std::uint8_t rcode) {
  static constexpr std::string_view kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                                "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                                "NXRRSET", "NOTAUTH", "NOTZONE"};
  return rcode < std::size(kNames) ? kNames[rcode] : "RCODE?";
}

CheckResult verdict(const Response& r, const Question& q) {
  if (r.rcode != 0) return CheckResult::failure(Outcome::BadReply, r.rcode);
  if (r.opcode != 0 || r.qdcount < 1) return CheckResult::failure(Outcome::ProtocolError);
  const std::string name = canonical_name(q.name);
  const std::string_view want = name.empty() ? std::string_view(".") : std::string_view(name);
  if (r.qname != want || r.qtype != static_cast<std::uint16_t>(q.type) || r.qclass != 1)
    return CheckResult::failure(Outcome::ProtocolError);
  return CheckResult::success();
}

}  // namespace stayalived::check::dns
