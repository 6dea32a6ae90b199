// Internal: small generic keyword handlers (flags, numbers, timers, strings, scripts) bound
// to a model field through a member pointer, and the accessors for "the object being
// built" of each block kind.
#pragma once

#include <fmt/format.h>

#include <span>
#include <type_traits>

#include "builder.hpp"
#include "keywords.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

/// The object of type T being built (the innermost open block of that kind).
template <class T>
T* cur(Builder& b);
template <> inline GlobalDefs* cur<GlobalDefs>(Builder& b) { return &b.cfg.global; }
template <> inline VrrpInstance* cur<VrrpInstance>(Builder& b) { return b.vi; }
template <> inline VrrpSyncGroup* cur<VrrpSyncGroup>(Builder& b) { return b.sg; }
template <> inline VirtualServer* cur<VirtualServer>(Builder& b) { return b.vs; }
template <> inline RealServer* cur<RealServer>(Builder& b) { return b.rs; }
template <> inline Checker* cur<Checker>(Builder& b) { return b.ck; }
template <> inline CheckConnection* cur<CheckConnection>(Builder& b) {
  return b.smtp_host ? b.smtp_host : b.ck ? &b.ck->connection : nullptr;
}
template <> inline Url* cur<Url>(Builder& b) { return b.url; }
template <> inline VrrpScript* cur<VrrpScript>(Builder& b) { return b.vscript; }
template <> inline TrackFile* cur<TrackFile>(Builder& b) { return b.tfile; }
template <> inline TrackProcess* cur<TrackProcess>(Builder& b) { return b.tproc; }
template <> inline BfdInstance* cur<BfdInstance>(Builder& b) { return b.bfd; }
template <> inline GarpGroup* cur<GarpGroup>(Builder& b) { return b.garp; }
template <> inline SslConfig* cur<SslConfig>(Builder& b) { return b.ssl; }
template <> inline Authentication* cur<Authentication>(Builder& b) { return b.auth; }
template <> inline HttpCheck* cur<HttpCheck>(Builder& b) { return b.ck ? std::get_if<HttpCheck>(&b.ck->spec) : nullptr; }
template <> inline MiscCheck* cur<MiscCheck>(Builder& b) { return b.ck ? std::get_if<MiscCheck>(&b.ck->spec) : nullptr; }
template <> inline SmtpCheck* cur<SmtpCheck>(Builder& b) { return b.ck ? std::get_if<SmtpCheck>(&b.ck->spec) : nullptr; }
template <> inline DnsCheck* cur<DnsCheck>(Builder& b) { return b.ck ? std::get_if<DnsCheck>(&b.ck->spec) : nullptr; }
template <> inline UdpCheck* cur<UdpCheck>(Builder& b) { return b.ck ? std::get_if<UdpCheck>(&b.ck->spec) : nullptr; }
template <> inline FileCheck* cur<FileCheck>(Builder& b) { return b.ck ? std::get_if<FileCheck>(&b.ck->spec) : nullptr; }
template <> inline BfdCheck* cur<BfdCheck>(Builder& b) { return b.ck ? std::get_if<BfdCheck>(&b.ck->spec) : nullptr; }

template <class M>
struct member_traits;
template <class C, class F>
struct member_traits<F C::*> {
  using object = C;
  using field = F;
};

template <auto M>
auto* obj(Builder& b) {
  return cur<typename member_traits<decltype(M)>::object>(b);
}

/// `keyword`: sets a bool (extra words are ignored, as keepalived does).
template <auto M>
void flag(Builder& b, const Stmt&) {
  if (auto* o = obj<M>(b)) o->*M = true;
}

/// `keyword [<BOOL>]`: bool or optional<bool>; no value means true.
template <auto M>
void boolopt(Builder& b, const Stmt& s) {
  auto* o = obj<M>(b);
  if (!o) return;
  if (auto v = b.boolean(s, 0)) o->*M = *v;
}

/// `keyword N` with N in [Lo, Hi], into an integer or optional integer field.
template <auto M, std::int64_t Lo, std::int64_t Hi>
void number(Builder& b, const Stmt& s) {
  auto* o = obj<M>(b);
  if (!o) return;
  if (auto v = b.integer(s, 0, Lo, Hi)) {
    using F = typename member_traits<decltype(M)>::field;
    if constexpr (std::is_same_v<F, std::optional<int>>) o->*M = static_cast<int>(*v);
    else if constexpr (std::is_same_v<F, std::optional<std::uint32_t>>) o->*M = static_cast<std::uint32_t>(*v);
    else if constexpr (std::is_same_v<F, std::optional<std::uint8_t>>) o->*M = static_cast<std::uint8_t>(*v);
    else if constexpr (std::is_same_v<F, std::optional<std::uint16_t>>) o->*M = static_cast<std::uint16_t>(*v);
    else if constexpr (std::is_same_v<F, seconds>) o->*M = seconds{*v};
    else if constexpr (std::is_same_v<F, std::optional<seconds>>) o->*M = seconds{*v};
    else o->*M = static_cast<F>(*v);
  }
}

/// `keyword <TIMER>` with the value in [Lo, Hi] microseconds.
template <auto M, std::int64_t Lo, std::int64_t Hi>
void timer(Builder& b, const Stmt& s) {
  auto* o = obj<M>(b);
  if (!o) return;
  if (auto v = b.timer(s, 0, microseconds{Lo}, microseconds{Hi})) o->*M = *v;
}

/// `keyword STRING` (the first word; quotes already removed).
template <auto M>
void string(Builder& b, const Stmt& s) {
  auto* o = obj<M>(b);
  if (!o) return;
  if (s.args.empty()) {
    b.warn(s, 0, fmt::format("'{}' needs a value; ignored", s.head.text));
    return;
  }
  o->*M = s.args[0].text;
}

/// `keyword SCRIPT [username [groupname]]`.
template <auto M>
void script(Builder& b, const Stmt& s) {
  auto* o = obj<M>(b);
  if (!o) return;
  if (s.args.empty()) {
    b.warn(s, 0, fmt::format("'{}' needs a script; ignored", s.head.text));
    return;
  }
  if (auto sc = b.script(s, 0)) o->*M = std::move(*sc);
}

/// A keyword keepalived knows and accepts but that has no effect we model.
inline void ignored(Builder&, const Stmt&) {}

/// The name given after a block keyword (its first word), or "" when there is none.
inline std::string name_of(const Stmt& s) { return s.args.empty() ? std::string() : s.args[0].text; }

inline constexpr std::int64_t kSec = 1000000;
inline constexpr std::int64_t kU32 = 4294967295LL;

// Tables of each context, defined beside their handlers.
std::span<const KeywordDef> top_keywords();                  // keywords_static.cpp
std::span<const KeywordDef> global_keywords();               // keywords_global.cpp
std::span<const KeywordDef> static_keywords(Ctx c);          // keywords_static.cpp
std::span<const KeywordDef> vrrp_track_keywords(Ctx c);      // keywords_vrrp_track.cpp
std::span<const KeywordDef> vrrp_keywords(Ctx c);            // keywords_vrrp.cpp
std::span<const KeywordDef> lvs_keywords(Ctx c);             // keywords_lvs.cpp
std::span<const KeywordDef> lvs_check_keywords(Ctx c);       // keywords_lvs_check.cpp
/// Item handlers of list contexts, by module.
Handler global_list_handler(Ctx c);
Handler static_list_handler(Ctx c);
Handler vrrp_track_list_handler(Ctx c);
Handler vrrp_list_handler(Ctx c);
Handler lvs_list_handler(Ctx c);

/// connect_timeout, retry, delay_before_retry, warmup, delay_loop, alpha, log_all_failures
/// and inhibit_on_failure at virtual_server, real_server or checker level (defined in
/// keywords_lvs_check.cpp, also used by the tables of keywords_lvs.cpp).
void h_timing(Builder& b, const Stmt& s);

}  // namespace stayalived::config::detail
