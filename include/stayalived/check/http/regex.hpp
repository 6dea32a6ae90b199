// `regex` of the url block (keepalived.conf(5)): a PCRE2 pattern searched for in the response
// body, which arrives in pieces. keepalived 2.2.7 is built with PCRE2 and its regex_options
// are PCRE2 compile options, so we use PCRE2 too: the same pattern means the same thing.
//
// The body is never stored: RegexScanner matches each piece as it arrives, with PCRE2's
// partial matching (PCRE2_PARTIAL_HARD) to find matches that straddle pieces, and keeps only
// the tail of a partial match (bounded) plus the lookbehind context. Pure: no I/O, no clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "stayalived/common/expected.hpp"

namespace stayalived::http {

/// The PCRE2 compile option for one of keepalived's `regex_options` names ("caseless",
/// "multiline", "dotall", ...); nullopt for an unknown name (keepalived ignores those).
std::optional<std::uint32_t> regex_option_flag(std::string_view name);

/// `regex_stack START MAX`: a JIT stack for complicated patterns (0, 0: PCRE2's default).
struct RegexJitStack {
  std::size_t start = 0;
  std::size_t max = 0;
};

/// A compiled pattern, shared by every check that uses it (immutable after compile).
class Regex {
 public:
  /// Compiles `pattern` with `options` (an OR of regex_option_flag values). The error reads
  /// like keepalived's: "Invalid regex: 'PATTERN' at offset N: MESSAGE".
  static Expected<std::shared_ptr<const Regex>, std::string> compile(std::string_view pattern,
                                                                     std::uint32_t options = 0,
                                                                     RegexJitStack stack = {});
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  const std::string& pattern() const { return pattern_; }
  std::uint32_t options() const { return options_; }

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  Regex() = default;
  std::string pattern_;
  std::uint32_t options_ = 0;
  std::unique_ptr<Impl> impl_;
};

/// Searches one body, fed in pieces, for a Regex.
class RegexScanner {
 public:
  /// A partial match is kept across pieces up to this many bytes; a longer one is dropped
  /// (keepalived keeps at most its 4095-byte buffer).
  static constexpr std::size_t kDefaultMaxKeep = 16384;

  /// `min_offset` / `max_offset` are regex_min_offset / regex_max_offset: a match counts only
  /// if it starts at a body offset in [min_offset, max_offset].
  RegexScanner(std::shared_ptr<const Regex> regex, std::size_t min_offset = 0,
               std::optional<std::size_t> max_offset = std::nullopt,
               std::size_t max_keep = kDefaultMaxKeep);
  ~RegexScanner();
  RegexScanner(RegexScanner&&) noexcept;
  RegexScanner& operator=(RegexScanner&&) noexcept;

  /// The next body bytes.
  void feed(std::span<const std::uint8_t> data);
  /// The end of the body: a pending partial match gets its last chance (so that '$' and
  /// '\z' can match at the real end).
  void finish();

  bool matched() const { return matched_; }
  /// Count of partial matches dropped because they grew beyond max_keep.
  std::size_t dropped_partials() const { return dropped_; }
  /// Count of PCRE2 errors (match or JIT-stack limits) met; such a piece counts as no match.
  std::size_t errors() const { return errors_; }

 private:
  void match(std::span<const std::uint8_t> subject, std::uint64_t subject_pos, std::size_t start,
             bool final);

  std::shared_ptr<const Regex> regex_;
  std::optional<std::size_t> max_offset_;
  std::size_t max_keep_;
  std::string keep_;              // retained bytes: lookbehind context and a partial match
  std::uint64_t keep_pos_ = 0;    // body offset of keep_[0]
  std::uint64_t scan_from_ = 0;   // body offset where the next match attempt may start
  std::uint64_t fed_ = 0;         // body bytes fed so far
  bool partial_pending_ = false;
  bool matched_ = false;
  bool done_ = false;             // matched, or past max_offset
  std::size_t dropped_ = 0;
  std::size_t errors_ = 0;
};

}  // namespace stayalived::http
