// The result of one check, as a value (the outcome is an enum; expected failures
// are values, not exceptions). Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace stayalived::check {

/// What one check found. One name per way a real server can fail, so that logs, stats and
/// tests can tell them apart.
enum class Outcome : std::uint8_t {
  Ok,
  ConnectRefused,      ///< RST to our SYN, or ICMP port unreachable (UDP)
  ConnectTimeout,      ///< no answer to connect within connect_timeout
  Unreachable,         ///< ICMP host/net unreachable, no route
  ConnectError,        ///< other connect failure (errno in CheckResult::code)
  ReadTimeout,         ///< connected, but the answer did not come in time
  Reset,               ///< connection reset while talking
  Closed,              ///< the peer closed before the exchange was complete
  ProtocolError,       ///< garbage, oversized or malformed answer
  BadReply,            ///< well-formed answer that says "no" (SMTP code, DNS rcode, reply bytes)
  NoReply,             ///< UDP/ICMP: nothing came back but a reply is required
  ScriptFailed,        ///< MISC_CHECK exited 1 (or was killed by a signal)
  ScriptTimeout,       ///< MISC_CHECK ran past misc_timeout
  ScriptError,         ///< MISC_CHECK could not be started
  FileFault,           ///< FILE_CHECK: the tracked value says down
  TlsHandshakeFailed,  ///< SSL_GET
  StatusMismatch,      ///< HTTP status not in status_code
  DigestMismatch,      ///< HTTP body digest differs
  RegexMismatch,       ///< HTTP body regex (not) matched
  LocalError,          ///< our side failed (socket(), bind(), SO_MARK): errno in code
  Cancelled,           ///< stopped or reconfigured while running; never counted
};

/// How many outcomes there are (Cancelled is the last).
inline constexpr std::size_t kOutcomes = static_cast<std::size_t>(Outcome::Cancelled) + 1;

/// Short lower-case name for logs and stats ("connect refused").
std::string_view to_string(Outcome o);

/// Adjustment of the real server's weight reported by a dynamic checker.
struct WeightReport {
  /// MISC_CHECK misc_dynamic: exit status - 2, which replaces the configured weight
  /// (keepalived.conf(5): weight += status - 2 - configured weight).
  std::optional<std::int64_t> misc_weight{};
  /// FILE_CHECK dynamic: value read x weight, added to the weight.
  std::optional<std::int64_t> delta{};
  friend bool operator==(const WeightReport&, const WeightReport&) = default;
};

/// The result of one check.
struct CheckResult {
  Outcome outcome = Outcome::Ok;
  std::int32_t code = 0;   ///< errno, SMTP reply code, DNS rcode, exit status: what failed
  WeightReport weight{};     ///< dynamic weight, for MISC_CHECK and FILE_CHECK
  /// What the outcome does not say (an HTTP head too large, OpenSSL's reason): static text,
  /// never owned, for the line that takes a server down; null when the outcome says it all.
  const char* detail = nullptr;

  bool ok() const { return outcome == Outcome::Ok; }
  static CheckResult success() { return {}; }
  static CheckResult failure(Outcome o, std::int32_t c = 0, const char* detail = nullptr) { return {o, c, {}, detail}; }
};

}  // namespace stayalived::check
