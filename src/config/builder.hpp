// Internal: builds the model from the statements the grammar recognises (the grammar's
// actions only build). The builder converts keyword arguments into typed values,
// with keepalived's acceptance rules: a bad value is a warning and the keyword is ignored
// (or a documented default is used); a missing required parameter is an error. Checks that
// need more than one statement (references, duplicates, families, ...) are the
// validator's (validate.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diag.hpp"
#include "keywords.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// What the builder may ask of the preprocessor (keywords that change how the rest of the
/// input is read).
struct PreprocessorHooks {
  std::function<void(const IncludeCheck&)> set_include_check;  ///< include_check
  std::function<IncludeCheck()> include_check;                 ///< current checks
  std::function<void(std::uint32_t)> seed_random;              ///< random_seed
};

/// Fields that inherit from an enclosing block; bits record what a block set explicitly.
enum InheritBit : std::uint32_t {
  kVersion = 1u << 0,
  kCheckUnicastSrc = 1u << 1,
  kGarpMasterDelay = 1u << 2,
  kGarpMasterRepeat = 1u << 3,
  kGarpLowerPrioDelay = 1u << 4,
  kGarpLowerPrioRepeat = 1u << 5,
  kGarpMasterRefresh = 1u << 6,
  kGarpMasterRefreshRepeat = 1u << 7,
  kGarpExtraIf = 1u << 8,
  kDownTimerAdverts = 1u << 9,
  kLowerPrioNoAdvert = 1u << 10,
  kHigherPrioSendAdvert = 1u << 11,
  kSkipCheckAdvAddr = 1u << 12,
  kStrictMode = 1u << 13,
  kNotifyPriorityChanges = 1u << 14,
  kPriority = 1u << 15,
  kAdvertInt = 1u << 16,
  // real servers and checkers
  kWeight = 1u << 17,
  kForwarding = 1u << 18,
  kInhibit = 1u << 19,
  kConnectTimeout = 1u << 20,
  kRetry = 1u << 21,
  kDelayBeforeRetry = 1u << 22,
  kWarmup = 1u << 23,
  kDelayLoop = 1u << 24,
  kAlpha = 1u << 25,
  kLogAllFailures = 1u << 26,
  // virtual servers
  kProtocol = 1u << 27,
  kScheduler = 1u << 28,
};

class Builder {
 public:
  Builder(Config& cfg, DiagSink& diags, const LoadOptions& opts, PreprocessorHooks hooks);

  // --- called by the grammar -------------------------------------------------------------
  /// A leaf keyword, or an item of a list block.
  void statement(const KeywordDef* kw, const Stmt& s);
  /// A word that is not a keyword of the current block.
  void unknown(const Stmt& s);
  /// A block keyword; its block follows (open_brace or missing_brace, then close_block).
  void open_block(const KeywordDef* kw, const Stmt& s);
  /// The block just opened had no '{' (keepalived reads it as a block anyway).
  void missing_brace(const Loc& at);
  /// '}' of the innermost block (synthetic at end of input: `at_eof`).
  void close_block(const Loc& at, bool at_eof);
  /// '{' where no block can start.
  void stray_lbrace(const Loc& at);
  /// '}' at top level.
  void stray_rbrace(const Loc& at);
  /// Called once at the end: resolves inheritance from global_defs.
  void finish();

  // --- for keyword handlers --------------------------------------------------------------
  Config& cfg;
  DiagSink& diags;
  const LoadOptions& opts;
  PreprocessorHooks hooks;

  // The objects being built (valid while their block is open).
  VrrpInstance* vi = nullptr;
  VrrpSyncGroup* sg = nullptr;
  Tracking* track = nullptr;
  std::vector<VirtualAddress>* vips = nullptr;
  VirtualServer* vs = nullptr;
  RealServer* rs = nullptr;
  Checker* ck = nullptr;
  CheckConnection* smtp_host = nullptr;
  Url* url = nullptr;
  VrrpScript* vscript = nullptr;
  TrackFile* tfile = nullptr;
  TrackProcess* tproc = nullptr;
  bool tproc_weight_set = false;        ///< the open vrrp_track_process had a non-zero `weight` line
  bool lvs_sync_from_instance = false;  ///< lvs_sync_daemon came from an instance's lvs_sync_daemon_interface
  BfdInstance* bfd = nullptr;
  GarpGroup* garp = nullptr;
  TrackGroup* tgroup = nullptr;
  VirtualServerGroup* vsg = nullptr;
  SslConfig* ssl = nullptr;
  Authentication* auth = nullptr;

  /// The name of the innermost named block, for messages ("vrrp_instance VI_1").
  std::string block_label() const;

  /// Records an explicitly set inheritable field of the current instance / real server /
  /// checker / virtual server.
  void mark(InheritBit bit);
  /// At the end of a virtual_server: what a checker kind has no use for (builder.cpp).
  void normalize_unused(Checker& chk, const VirtualServer& v, std::size_t vs_index, std::size_t r, std::size_t c);

  // Value parsing with keepalived's rules; on failure a warning names the keyword and the
  // value and nullopt is returned.
  std::optional<std::int64_t> integer(const Stmt& s, std::size_t i, std::int64_t lo, std::int64_t hi);
  std::optional<microseconds> timer(const Stmt& s, std::size_t i, microseconds lo, microseconds hi);
  /// <BOOL> at argument i; absent means true.
  std::optional<bool> boolean(const Stmt& s, std::size_t i);
  std::optional<IpAddress> address(const Stmt& s, std::size_t i, std::string_view what);
  std::optional<Port> port(const Stmt& s, std::size_t i);
  /// An address where keepalived takes a socket address (inet_stosockaddr): anything from
  /// the first '-' or '/' on is dropped, silently there; here with a note. `text` is the
  /// word at `loc`.
  std::optional<IpAddress> sockaddr(std::string_view text, const Loc& loc);
  /// A script and its optional [username [groupname]].
  std::optional<Script> script(const Stmt& s, std::size_t i = 0);
  /// Warning at argument i (or the keyword when i is past the end).
  void warn(const Stmt& s, std::size_t i, std::string msg);
  /// Warning about extra words after what a keyword takes.
  void extra_args(const Stmt& s, std::size_t used);
  /// keepalived keeps the first of many single-valued keywords given twice in one block, and
  /// says "already specified - ignoring": true (and the warning) when `s` is such a repeat.
  /// `note`: keepalived only logs it (net_namespace), which does not change the exit code.
  bool repeated(const Stmt& s, bool already_set, bool note = false);

  struct RsDefaults {
    std::optional<microseconds> connect_timeout, delay_before_retry, warmup, delay_loop;
    std::optional<std::uint32_t> retry;
    std::optional<bool> alpha;
    std::uint32_t bits = 0;
  };

 public:
  /// The block just opened is skipped up to its closing '}' (keepalived's reaction to a
  /// virtual_server or real_server whose address is invalid, or an unnamed vrrp_instance).
  void skip_block() { skip_request_ = true; }
  /// Taken by the driver: true once after skip_block().
  bool take_skip_request() {
    const bool r = skip_request_;
    skip_request_ = false;
    return r;
  }

  // Build state shared with the keyword handlers (internal class).
  struct AdvertInt {
    microseconds value;
    Loc loc;
  };
  std::vector<std::optional<AdvertInt>> vi_advert_;  // parallel to cfg.vrrp_instances
  std::vector<std::uint32_t> vi_bits_;  // parallel to cfg.vrrp_instances
  std::uint32_t vs_bits_ = 0;
  std::vector<RsDefaults> rs_defaults_;                 // per real server of the current vs
  std::vector<std::vector<std::uint32_t>> ck_bits_;     // per checker of each real server
  std::vector<CheckConnection> smtp_hosts_;             // `host` blocks of the current SMTP_CHECK
  // The preference given to the next rule without one, per family: keepalived 2.2.7 counts
  // down from 16384 in the order of the lines.
  std::uint32_t next_rule_preference_v4_ = 16384;
  std::uint32_t next_rule_preference_v6_ = 16384;

 private:
  /// Warns when the line just handled has no effect in stayalived (no_effect.hpp).
  void warn_no_effect(Ctx ctx, const Stmt& s);

  struct Frame {
    Ctx ctx;
    Loc loc;
    bool braced = true;
    std::size_t items = 0;  // list items seen
  };
  void on_close(const Frame& f, const Loc& at);
  void close_virtual_server();
  void close_checker();

  std::vector<Frame> frames_;
  bool skip_request_ = false;
  struct CheckerRef {
    std::size_t vs, rs, ck;
  };
  std::vector<CheckerRef> inherit_log_all_failures_;
};

}  // namespace stayalived::config::detail
