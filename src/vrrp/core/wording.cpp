#include "stayalived/vrrp/wording.hpp"

#include <fmt/format.h>

namespace stayalived::vrrp {

namespace {
std::string ms(std::int64_t cs) { return std::to_string(cs * 10) + "ms"; }
}  // namespace

std::string transition_line(std::string_view instance, State to, bool at_startup) {
  switch (to) {
    case State::Backup: return fmt::format("({}) Entering BACKUP STATE{}", instance, at_startup ? " (init)" : "");
    case State::Master: return fmt::format("({}) Entering MASTER STATE", instance);
    case State::Fault: return fmt::format("({}) Entering FAULT STATE", instance);
    case State::Init: break;
  }
  return {};
}

std::vector<std::string> startup_fault_lines(std::string_view instance, const std::vector<std::string>& faults) {
  std::vector<std::string> out;
  for (const auto& f : faults)
    if (f.starts_with("interface ") && f.ends_with(" down")) out.push_back(fmt::format("({}): entering FAULT state ({})", instance, f));
  out.push_back(fmt::format("({}) entering FAULT state", instance));
  return out;
}

std::string note_line(std::string_view nm, const Note& n) {
  switch (n.kind) {
    case Note::Kind::LowerPriorityDiscarded:
      return fmt::format("({}) received lower priority ({}) advert from {} - discarding", nm, n.theirs,
                         n.source.to_string());
    case Note::Kind::HigherPriorityReceived:
      return fmt::format("({}) Master received advert from {} with higher priority {}, ours {}", nm,
                         n.source.to_string(), n.theirs, n.ours);
    case Note::Kind::LowerPriorityReceived:
      return fmt::format("({}) Received advert from {} with lower priority {}, ours {}, forcing new election", nm,
                         n.source.to_string(), n.theirs, n.ours);
    case Note::Kind::PriorityZeroReceived: return fmt::format("({}) Backup received priority 0 advertisement", nm);
    case Note::Kind::PriorityZeroSent: return fmt::format("({}) sent 0 priority", nm);
    case Note::Kind::IntervalLearned:
      return fmt::format("({}) advertisement interval updated from {} to {} by master", nm, ms(n.ours), ms(n.theirs));
    case Note::Kind::IntervalRestored:
      return fmt::format("({}) changing advert interval from {} to locally configured {}", nm, ms(n.theirs),
                         ms(n.ours));
    case Note::Kind::PriorityChanged:
      return fmt::format("({}) Changing effective priority from {} to {}", nm, n.ours, n.theirs);
    case Note::Kind::MasterDownTimeout: return fmt::format("({}) Receive advertisement timeout", nm);
    case Note::Kind::EnteringMaster: return transition_line(nm, State::Master, false);
    case Note::Kind::OldChecksumDetected: break;
  }
  return {};
}

std::string suppressed_suffix(std::uint64_t n) {
  return n ? fmt::format(" ({} similar messages suppressed)", n) : std::string();
}

std::string drop_line(std::string_view nm, const Dropped& d, AuthType auth, std::uint8_t vrid, std::string_view more) {
  const auto src = d.source.to_string();
  switch (d.reason) {
    case DropReason::IntervalMismatch:
      return fmt::format("({}) advertisement interval mismatch mine={} sec rcv'd={} sec{}", nm, d.ours / 100,
                         d.theirs / 100, more);
    case DropReason::AddressCount:
      return fmt::format("({}) received an unexpected ip number count {}, expected {}!{}", nm, d.theirs, d.ours, more);
    case DropReason::AddressList:
      return fmt::format("({}) ip address associated with VRID {} not present in MASTER advert: {}{}", nm,
                         static_cast<int>(vrid), d.missing ? d.missing->to_string() : std::string("?"), more);
    case DropReason::VersionMismatch:
      return fmt::format("({}) wrong version. Received {} and expect {}{}", nm, d.theirs, d.ours, more);
    case DropReason::AuthTypeMismatch:
      return fmt::format("({}) received a {} auth, expecting {}!{}", nm, d.theirs, d.ours, more);
    case DropReason::AuthFailure:
      if (auth == AuthType::Ah)
        return fmt::format("({}) invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !{}", nm, more);
      return fmt::format("({}) received an invalid passwd!{}", nm, more);
    case DropReason::NotAPeer:
      return fmt::format("({}) advert from {} is not from a unicast peer - ignoring{}", nm, src, more);
    case DropReason::TtlOutOfRange:
      return fmt::format("({}) advert from {} has TTL {} outside the peer's range{}", nm, src, d.theirs, more);
    default: break;
  }
  return fmt::format("({}) dropped advert from {}: {}{}", nm, src, name(d.reason), more);
}

std::string wire_drop_line(const WireDropContext& c, DropReason r, const Peek& pk, std::string_view more) {
  const std::string who = c.instance ? "(" + *c.instance + ") " : std::string(name(c.family)) + " ";
  switch (r) {
    case DropReason::Truncated:
      return fmt::format("{} VRRP packet too short - {} bytes{}", name(c.family), pk.length, more);
    case DropReason::BadLength:
      return fmt::format("{}vrrp packet too {}, length {} and expect {}{}", who,
                         pk.length < pk.expected ? "short" : "long", pk.length, pk.expected, more);
    case DropReason::BadTtl: return fmt::format("{}invalid TTL/HL. Received {} and expect 255{}", who, pk.ttl, more);
    case DropReason::BadVersion:
      return fmt::format("{}wrong version. Received {} and expect {}{}", who, pk.version, c.version, more);
    case DropReason::BadType: return fmt::format("{}Invalid packet type. {} and expect 1{}", who, pk.type, more);
    case DropReason::BadChecksum: return fmt::format("{}Invalid VRRPv{} checksum{}", who, pk.version, more);
    case DropReason::BadAuthType:
      return fmt::format("{}received a {} auth, expecting {}!{}", who, pk.auth_type, c.auth_type, more);
    case DropReason::BadInterval:
      return fmt::format("{}advertisement interval mismatch mine={} sec rcv'd=0 sec{}", who, c.interval_secs, more);
    default: break;
  }
  return fmt::format("{}VRRP packet dropped: {}{}", who, name(r), more);
}

}  // namespace stayalived::vrrp
