// PCRE2 behind stayalived::http::Regex (the only file that includes pcre2.h).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "stayalived/check/http/regex.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace stayalived::http {

struct Regex::Impl {
  pcre2_code* code = nullptr;
  // Match data and JIT stack are only used inside one synchronous pcre2_match call at a time
  // (one thread runs every check), so every scanner of this pattern shares them.
  pcre2_match_data* match_data = nullptr;
  pcre2_match_context* match_context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  std::size_t context_bytes = 1;  // lookbehind (PCRE2_INFO_MAXLOOKBEHIND), at least one byte
  bool utf = false;

  ~Impl() {
    pcre2_match_context_free(match_context);
    pcre2_jit_stack_free(jit_stack);
    pcre2_match_data_free(match_data);
    pcre2_code_free(code);
  }
};

namespace {

struct OptionName {
  std::string_view name;
  std::uint32_t flag;
};

// keepalived.conf(5), url { regex_options }: "See man pcre2api".
constexpr std::array<OptionName, 24> kOptions{{
    {"allow_empty_class", PCRE2_ALLOW_EMPTY_CLASS},
    {"alt_bsux", PCRE2_ALT_BSUX},
    {"auto_callout", PCRE2_AUTO_CALLOUT},
    {"caseless", PCRE2_CASELESS},
    {"dollar_endonly", PCRE2_DOLLAR_ENDONLY},
    {"dotall", PCRE2_DOTALL},
    {"dupnames", PCRE2_DUPNAMES},
    {"extended", PCRE2_EXTENDED},
    {"firstline", PCRE2_FIRSTLINE},
    {"match_unset_backref", PCRE2_MATCH_UNSET_BACKREF},
    {"multiline", PCRE2_MULTILINE},
    {"never_ucp", PCRE2_NEVER_UCP},
    {"never_utf", PCRE2_NEVER_UTF},
    {"no_auto_capture", PCRE2_NO_AUTO_CAPTURE},
    {"no_auto_possess", PCRE2_NO_AUTO_POSSESS},
    {"no_dotstar_anchor", PCRE2_NO_DOTSTAR_ANCHOR},
    {"no_start_optimize", PCRE2_NO_START_OPTIMIZE},
    {"ucp", PCRE2_UCP},
    {"ungreedy", PCRE2_UNGREEDY},
    {"utf", PCRE2_UTF},
    {"never_backslash_c", PCRE2_NEVER_BACKSLASH_C},
    {"alt_circumflex", PCRE2_ALT_CIRCUMFLEX},
    {"alt_verbnames", PCRE2_ALT_VERBNAMES},
    {"use_offset_limit", PCRE2_USE_OFFSET_LIMIT},
}};

std::string pcre2_message(int code) {
  std::array<PCRE2_UCHAR, 256> buf{};
  const int n = pcre2_get_error_message(code, buf.data(), buf.size());
  if (n < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buf.data()), static_cast<std::size_t>(n));
}

}  // namespace

std::optional<std::uint32_t> regex_option_flag(std::string_view name) {
  for (const auto& o : kOptions)
    if (o.name == name) return o.flag;
  return std::nullopt;
}

Regex::~Regex() = default;

Expected<std::shared_ptr<const Regex>, std::string> Regex::compile(std::string_view pattern,
                                                                   std::uint32_t options,
                                                                   RegexJitStack stack) {
  auto impl = std::make_unique<Impl>();
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  // A body is untrusted bytes: in UTF mode an invalid sequence must not turn the whole piece
  // into an error (which would make the result depend on how the body was cut); it simply
  // never matches (PCRE2_MATCH_INVALID_UTF).
  const std::uint32_t compile_options = (options & PCRE2_UTF) != 0 ? options | PCRE2_MATCH_INVALID_UTF : options;
  impl->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), compile_options,
                             &err, &err_offset, nullptr);
  if (impl->code == nullptr)
    return Unexpected{"Invalid regex: '" + std::string(pattern) + "' at offset " +
                      std::to_string(err_offset) + ": " + pcre2_message(err)};
  // JIT for complete and partial matching; the interpreter serves if JIT is unavailable.
  (void)pcre2_jit_compile(impl->code, PCRE2_JIT_COMPLETE | PCRE2_JIT_PARTIAL_HARD);
  impl->match_data = pcre2_match_data_create_from_pattern(impl->code, nullptr);
  if (impl->match_data == nullptr) return Unexpected{std::string("regex: out of memory")};
  if (stack.max > 0) {
    impl->match_context = pcre2_match_context_create(nullptr);
    impl->jit_stack = pcre2_jit_stack_create(std::max<std::size_t>(stack.start, 1), stack.max, nullptr);
    if (impl->match_context == nullptr || impl->jit_stack == nullptr)
      return Unexpected{std::string("regex: cannot create the JIT stack")};
    pcre2_jit_stack_assign(impl->match_context, nullptr, impl->jit_stack);
  }
  std::uint32_t lookbehind = 0;
  pcre2_pattern_info(impl->code, PCRE2_INFO_MAXLOOKBEHIND, &lookbehind);
  std::uint32_t all_options = 0;
  pcre2_pattern_info(impl->code, PCRE2_INFO_ALLOPTIONS, &all_options);
  impl->utf = (all_options & PCRE2_UTF) != 0;
  // Lookbehind is counted in characters: up to 4 bytes each in UTF-8.
  impl->context_bytes = std::max<std::size_t>(1, static_cast<std::size_t>(lookbehind) * (impl->utf ? 4 : 1));

  std::shared_ptr<Regex> r(new Regex());
  r->pattern_ = std::string(pattern);
  r->options_ = options;
  r->impl_ = std::move(impl);
  return std::shared_ptr<const Regex>(std::move(r));
}

RegexScanner::RegexScanner(std::shared_ptr<const Regex> regex, std::size_t min_offset,
                           std::optional<std::size_t> max_offset, std::size_t max_keep)
    : regex_(std::move(regex)),
      max_offset_(max_offset),
      max_keep_(max_keep),
      scan_from_(min_offset) {}

RegexScanner::~RegexScanner() = default;
RegexScanner::RegexScanner(RegexScanner&&) noexcept = default;
RegexScanner& RegexScanner::operator=(RegexScanner&&) noexcept = default;

namespace {

// Keeps subject[from, end) in `keep`, where subject may alias keep.
void keep_tail(std::string& keep, std::span<const std::uint8_t> subject, std::size_t from) {
  if (!keep.empty() && reinterpret_cast<const char*>(subject.data()) == keep.data()) {
    keep.erase(0, from);
  } else {
    keep.assign(reinterpret_cast<const char*>(subject.data()) + from, subject.size() - from);
  }
}

}  // namespace

void RegexScanner::feed(std::span<const std::uint8_t> data) {
  const std::uint64_t pos = fed_;
  fed_ += data.size();
  if (done_ || data.empty()) return;
  if (max_offset_ && scan_from_ > *max_offset_) {
    done_ = true;
    keep_.clear();
    return;
  }
  const auto& impl = regex_->impl();
  if (fed_ <= scan_from_) {
    // No match can start in this piece (regex_min_offset): keep only the context.
    keep_.append(reinterpret_cast<const char*>(data.data()), data.size());
    if (keep_.size() > impl.context_bytes) keep_.erase(0, keep_.size() - impl.context_bytes);
    keep_pos_ = fed_ - keep_.size();
    return;
  }
  if (keep_.empty()) {
    match(data, pos, static_cast<std::size_t>(std::max(scan_from_, pos) - pos), false);
  } else {
    keep_.append(reinterpret_cast<const char*>(data.data()), data.size());
    const std::span<const std::uint8_t> subject(reinterpret_cast<const std::uint8_t*>(keep_.data()), keep_.size());
    match(subject, keep_pos_, static_cast<std::size_t>(std::max(scan_from_, keep_pos_) - keep_pos_), false);
  }
}

void RegexScanner::finish() {
  if (done_) return;
  if (partial_pending_) {
    const std::span<const std::uint8_t> subject(reinterpret_cast<const std::uint8_t*>(keep_.data()), keep_.size());
    match(subject, keep_pos_, static_cast<std::size_t>(scan_from_ - keep_pos_), true);
  }
  done_ = true;
  keep_.clear();
  keep_.shrink_to_fit();
}

namespace {

// In UTF mode a piece may end inside a character: the length of the longest prefix of `s`
// that ends on a character boundary (invalid sequences are left for PCRE2 to reject).
std::size_t utf8_complete_prefix(std::span<const std::uint8_t> s) {
  const std::size_t n = s.size();
  for (std::size_t back = 1; back <= 3 && back <= n; ++back) {
    const std::uint8_t c = s[n - back];
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
    const std::size_t need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

}  // namespace

void RegexScanner::match(std::span<const std::uint8_t> subject, std::uint64_t subject_pos,
                         std::size_t start, bool final) {
  const auto& impl = regex_->impl();
  // Hold back a character cut by the end of the piece; it is kept for the next one.
  const std::size_t usable = impl.utf && !final ? utf8_complete_prefix(subject) : subject.size();
  std::uint32_t opts = final ? 0 : PCRE2_PARTIAL_HARD;
  if (subject_pos > 0) opts |= PCRE2_NOTBOL;  // the subject does not start the body
  const int rc = start > usable ? PCRE2_ERROR_NOMATCH
                                : pcre2_match(impl.code, subject.data(), usable, start, opts,
                                              impl.match_data, impl.match_context);
  const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(impl.match_data);
  partial_pending_ = false;

  if (rc >= 0) {  // a match (rc == 0: more groups than the ovector holds; still a match)
    const std::uint64_t at = subject_pos + ov[0];
    matched_ = !max_offset_ || at <= *max_offset_;
    done_ = true;
    keep_.clear();
    return;
  }

  // The context kept for the next piece starts `lb` bytes before where matching resumes, on
  // a character boundary in UTF mode.
  const auto context_start = [&](std::size_t resume) {
    std::size_t from = resume > impl.context_bytes ? resume - impl.context_bytes : 0;
    if (impl.utf)
      while (from > 0 && (subject[from] & 0xC0) == 0x80) --from;
    return from;
  };

  if (rc == PCRE2_ERROR_PARTIAL) {
    // Nothing can match before ov[0]; a match may start there once more data arrives.
    const std::size_t partial_at = ov[0];
    if (max_offset_ && subject_pos + partial_at > *max_offset_) {
      done_ = true;
      keep_.clear();
      return;
    }
    const std::size_t from = context_start(partial_at);
    if (subject.size() - from <= max_keep_) {
      keep_tail(keep_, subject, from);
      keep_pos_ = subject_pos + from;
      scan_from_ = subject_pos + partial_at;
      partial_pending_ = true;
      return;
    }
    ++dropped_;  // too long to keep: give up on this partial match, as keepalived does
  } else if (rc != PCRE2_ERROR_NOMATCH) {
    ++errors_;
  }
  // No match can start before `usable`: resume there, with context (and any held-back bytes).
  const std::size_t from = context_start(usable);
  keep_tail(keep_, subject, from);
  keep_pos_ = subject_pos + from;
  scan_from_ = std::max<std::uint64_t>(scan_from_, subject_pos + usable);
  partial_pending_ = usable < subject.size();
}

}  // namespace stayalived::http
