// The builder's plumbing: block frames, value parsing with diagnostics, and the
// inheritance of settings (virtual_server -> real_server -> checker at the end of each
// virtual_server; global_defs -> vrrp_instance at the end of the input, since global_defs
// may come after the instances, as keepalived allows).
#include "builder.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "no_effect.hpp"
#include "values.hpp"

namespace stayalived::config::detail {

Builder::Builder(Config& c, DiagSink& d, const LoadOptions& o, PreprocessorHooks h)
    : cfg(c), diags(d), opts(o), hooks(std::move(h)) {
  frames_.push_back(Frame{Ctx::Top, Loc{}, true, 0});
}

std::string Builder::block_label() const {
  if (url && ck) return "url";
  if (ck) return std::string(to_string(ck->kind()));
  if (rs) return fmt::format("real_server {}", rs->address.to_string());
  if (vs) {
    if (const auto* a = std::get_if<VsAddress>(&vs->key)) return fmt::format("virtual_server {} {}", a->address.to_string(), a->port);
    if (const auto* f = std::get_if<VsFwmark>(&vs->key)) return fmt::format("virtual_server fwmark {}", f->mark);
    return fmt::format("virtual_server group {}", std::get<VsGroup>(vs->key).name);
  }
  if (vi) return fmt::format("vrrp_instance {}", vi->name);
  if (sg) return fmt::format("vrrp_sync_group {}", sg->name);
  if (vscript) return fmt::format("vrrp_script {}", vscript->name);
  if (tfile) return fmt::format("track_file {}", tfile->name);
  if (tproc) return fmt::format("vrrp_track_process {}", tproc->name);
  if (bfd) return fmt::format("bfd_instance {}", bfd->name);
  if (vsg) return fmt::format("virtual_server_group {}", vsg->name);
  return std::string(ctx_name(frames_.back().ctx));
}

void Builder::warn(const Stmt& s, std::size_t i, std::string msg) { diags.warn(s.arg_loc(i), std::move(msg)); }

namespace {
// The words of `s` from argument `from` on, as written, one space apart.
std::string words_from(const Stmt& s, std::size_t from) {
  std::string out;
  for (std::size_t i = from; i < s.args.size(); ++i) out += (out.empty() ? "" : " ") + s.args[i].text;
  return out;
}
}  // namespace

bool Builder::repeated(const Stmt& s, bool already_set, bool note) {
  if (!already_set) return false;
  const std::string words = words_from(s, 0);
  const std::string label = block_label();
  diags.add(note ? Severity::Note : Severity::Warning, DiagClass::General, s.arg_loc(0),
            fmt::format("{}{}'{}' already specified; {} ignored (the first is kept, as keepalived does)",
                        label.empty() ? "" : label, label.empty() ? "" : ": ", s.head.text,
                        words.empty() ? std::string("this one") : fmt::format("'{}'", words)));
  return true;
}

void Builder::extra_args(const Stmt& s, std::size_t used) {
  if (s.args.size() <= used) return;
  const std::string extra = words_from(s, used);
  warn(s, used, fmt::format("'{}' takes {} parameter{}; '{}' ignored", s.head.text, used, used == 1 ? "" : "s", extra));
}

std::optional<std::int64_t> Builder::integer(const Stmt& s, std::size_t i, std::int64_t lo, std::int64_t hi) {
  if (i >= s.args.size()) {
    warn(s, i, fmt::format("'{}' needs a number ({}..{}); ignored", s.head.text, lo, hi));
    return std::nullopt;
  }
  std::int64_t v = 0;
  switch (parse_int(s.args[i].text, lo, hi, v)) {
    case NumError::Ok: return v;
    case NumError::NotANumber:
      warn(s, i, fmt::format("'{}' value '{}' is not a whole number ({}..{}); ignored", s.head.text, s.args[i].text, lo, hi));
      return std::nullopt;
    case NumError::OutOfRange:
      warn(s, i, fmt::format("'{}' value {} is out of range {}..{}; ignored", s.head.text, s.args[i].text, lo, hi));
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<microseconds> Builder::timer(const Stmt& s, std::size_t i, microseconds lo, microseconds hi) {
  if (i >= s.args.size()) {
    warn(s, i, fmt::format("'{}' needs a time in seconds; ignored", s.head.text));
    return std::nullopt;
  }
  microseconds v{};
  switch (parse_timer(s.args[i].text, lo, hi, v)) {
    case NumError::Ok: return v;
    case NumError::NotANumber:
      warn(s, i, fmt::format("'{}' value '{}' is not a time in seconds (e.g. 2 or 1.5); ignored", s.head.text, s.args[i].text));
      return std::nullopt;
    case NumError::OutOfRange:
      warn(s, i, fmt::format("'{}' value {} is out of range {}..{} seconds; ignored", s.head.text, s.args[i].text,
                             format_timer(lo), format_timer(hi)));
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<bool> Builder::boolean(const Stmt& s, std::size_t i) {
  if (i >= s.args.size()) return true;
  if (auto b = parse_bool(s.args[i].text)) return b;
  warn(s, i, fmt::format("'{}' value '{}' is not one of on|off|true|false|yes|no; ignored", s.head.text, s.args[i].text));
  return std::nullopt;
}

std::optional<IpAddress> Builder::address(const Stmt& s, std::size_t i, std::string_view what) {
  if (i >= s.args.size()) {
    warn(s, i, fmt::format("'{}' needs {}; ignored", s.head.text, what));
    return std::nullopt;
  }
  if (auto a = IpAddress::parse(s.args[i].text)) return a;
  warn(s, i, fmt::format("'{}' value '{}' is not a valid IP address ({}); ignored", s.head.text, s.args[i].text, what));
  return std::nullopt;
}

std::optional<IpAddress> Builder::sockaddr(std::string_view text, const Loc& loc) {
  const auto cut = text.find_first_of("-/");
  if (cut == std::string_view::npos) return IpAddress::parse(std::string(text));
  auto a = IpAddress::parse(std::string(text.substr(0, cut)));
  if (a)
    diags.note(loc, fmt::format("'{}': '{}' after the address is ignored, as keepalived ignores it", text, text.substr(cut)));
  return a;
}

std::optional<Port> Builder::port(const Stmt& s, std::size_t i) {
  auto v = integer(s, i, 1, 65535);
  if (!v) return std::nullopt;
  return static_cast<Port>(*v);
}

std::optional<Script> Builder::script(const Stmt& s, std::size_t i) {
  if (i >= s.args.size()) return std::nullopt;
  Script out;
  out.loc = s.loc;
  const auto& w = s.args[i];
  auto argv = split_command(w.text);
  if (!argv) {
    warn(s, i, fmt::format("'{}': unterminated quote in script '{}'; ignored", s.head.text, w.text));
    return std::nullopt;
  }
  if (argv->empty()) {
    warn(s, i, fmt::format("'{}': empty script; ignored", s.head.text));
    return std::nullopt;
  }
  out.argv = std::move(*argv);
  if (i + 1 < s.args.size()) {
    RunAs r;
    r.user = s.args[i + 1].text;
    r.loc = s.arg_loc(i + 1);
    if (i + 2 < s.args.size()) r.group = s.args[i + 2].text;
    out.run_as = std::move(r);
    if (i + 3 < s.args.size())
      warn(s, i + 3, fmt::format("'{}' takes SCRIPT [username [groupname]]; extra words ignored (quote a script that "
                                 "has arguments)",
                                 s.head.text));
  }
  return out;
}

void Builder::mark(InheritBit bit) {
  if (ck) {
    auto& v = ck_bits_.back();
    v.back() |= bit;
  } else if (rs) {
    rs_defaults_.back().bits |= bit;
  } else if (vs) {
    vs_bits_ |= bit;
  } else if (vi) {
    vi_bits_.back() |= bit;
  }
}

// --- grammar callbacks ------------------------------------------------------------------

void Builder::statement(const KeywordDef* kw, const Stmt& s) {
  if (frames_.size() > 1) ++frames_.back().items;
  if (s.args.size() < kw->min_args) {
    // keepalived stops reading the configuration here (exit 2); we report and go on.
    diags.error(s.loc, fmt::format("'{}' is missing its parameter", s.head.text));
    return;
  }
  kw->handler(*this, s);
  warn_no_effect(frames_.back().ctx, s);
}

void Builder::warn_no_effect(Ctx ctx, const Stmt& s) {
  if (const NoEffect* e = no_effect(ctx, s))
    diags.add(Severity::Warning, DiagClass::NoEffect, s.loc,
              fmt::format("'{}' is accepted but has no effect in stayalived: {}", s.head.text, e->why));
}

void Builder::unknown(const Stmt& s) {
  if (frames_.size() > 1) ++frames_.back().items;
  const Ctx ctx = frames_.back().ctx;
  std::string hint;
  if (s.head.text == "nb_get_retry")
    hint = " (keepalived accepts nb_get_retry only in HTTP_GET and SSL_GET; use 'retry')";
  else if (s.head.text == "{" || s.head.text == "}")
    hint = "";
  else if (s.head.text == "<<<<<<<" || s.head.text == "=======" || s.head.text == ">>>>>>>" || s.head.text == "|||||||")
    // keepalived says "Unknown keyword" too, and reads both sides of the conflict.
    hint = " (a Git conflict marker: the lines of both sides are read; resolve the conflict)";
  else if (find_keyword(Ctx::Top, s.head.text) || find_keyword(Ctx::GlobalDefs, s.head.text))
    hint = ctx == Ctx::Top ? "" : " (it belongs to another block: is a '}' missing above?)";
  diags.warn(s.loc, fmt::format("unknown keyword '{}' in {}; line ignored{}", s.head.text,
                                ctx == Ctx::Top ? std::string("the top level") : block_label(), hint));
}

void Builder::open_block(const KeywordDef* kw, const Stmt& s) {
  if (frames_.size() > 1) ++frames_.back().items;
  const Ctx parent = frames_.back().ctx;
  frames_.push_back(Frame{kw->child, s.loc, true, 0});
  if (s.args.size() < kw->min_args) {
    // keepalived stops reading the configuration here (exit 2); we skip the block.
    diags.error(s.loc, fmt::format("'{}' is missing its name; block skipped", s.head.text));
    skip_block();
    return;
  }
  kw->handler(*this, s);
  warn_no_effect(parent, s);
}

void Builder::missing_brace(const Loc& at) {
  frames_.back().braced = false;
  diags.warn(at, fmt::format("missing '{{' after '{}' (opened at line {}); the block is read as if it were there",
                             ctx_name(frames_.back().ctx), frames_.back().loc.line));
}

void Builder::close_block(const Loc& at, bool at_eof) {
  if (frames_.size() <= 1) return;
  const Frame f = frames_.back();
  if (at_eof)
    diags.warn(f.loc, fmt::format("'{}' block opened here is not closed at the end of the input (missing '}}')",
                                  ctx_name(f.ctx)));
  on_close(f, at);
  frames_.pop_back();
}

void Builder::stray_lbrace(const Loc& at) {
  diags.warn(at, "unexpected '{' (no block starts here); ignored");
}

void Builder::stray_rbrace(const Loc& at) {
  diags.warn(at, "unexpected '}' at the top level (no block is open); ignored");
}

void Builder::on_close(const Frame& f, const Loc& at) {
  switch (f.ctx) {
    case Ctx::NotificationEmail:
      if (f.items == 0) diags.warn(at, "empty notification_email block (remove it or add addresses)");
      break;
    case Ctx::GarpInterfaces:
      if (f.items == 0) diags.warn(f.loc, "empty garp_group interfaces block");
      break;
    case Ctx::VrrpInstance:
      vi = nullptr;
      track = nullptr;
      break;
    case Ctx::SyncGroup:
      sg = nullptr;
      track = nullptr;
      break;
    case Ctx::VipList:
    case Ctx::EvipList:
    case Ctx::StaticIpaddress:
      vips = nullptr;
      break;
    case Ctx::Authentication: auth = nullptr; break;
    case Ctx::VirtualServer: close_virtual_server(); break;
    case Ctx::RealServer: rs = nullptr; break;
    case Ctx::TcpCheck:
    case Ctx::HttpCheck:
    case Ctx::SslCheck:
    case Ctx::MiscCheck:
    case Ctx::SmtpCheck:
    case Ctx::DnsCheck:
    case Ctx::UdpCheck:
    case Ctx::PingCheck:
    case Ctx::FileCheck:
    case Ctx::BfdCheck: close_checker(); break;
    case Ctx::SmtpHost: smtp_host = nullptr; break;
    case Ctx::Url: url = nullptr; break;
    case Ctx::VrrpScript:
      if (vscript) vscript->end_loc = at;
      vscript = nullptr;
      break;
    case Ctx::TrackFile: tfile = nullptr; break;
    case Ctx::TrackProcess: tproc = nullptr; break;
    case Ctx::BfdInstance: bfd = nullptr; break;
    case Ctx::GarpGroup: garp = nullptr; break;
    case Ctx::TrackGroup: tgroup = nullptr; break;
    case Ctx::VirtualServerGroup: vsg = nullptr; break;
    case Ctx::Ssl: ssl = nullptr; break;
    default: break;
  }
}

void Builder::close_checker() {
  if (!ck) return;
  // SMTP_CHECK `host { ... }` blocks (keepalived's old multi-host syntax) are checkers of
  // their own with the same settings and that host's connection.
  if (!smtp_hosts_.empty() && rs) {
    const Checker base = *ck;
    const std::uint32_t bits = ck_bits_.back().back();
    for (auto& h : smtp_hosts_) {
      Checker c = base;
      h.connect_timeout = base.connection.connect_timeout;
      c.connection = h;
      rs->checkers.push_back(std::move(c));
      ck_bits_.back().push_back(bits);
    }
    smtp_hosts_.clear();
  }
  ck = nullptr;
  url = nullptr;
}

void Builder::close_virtual_server() {
  if (!vs) return;
  // Effective settings of real servers and checkers (keepalived.conf(5) "LVS
  // CONFIGURATION": the virtual server setting is the default for real servers, and the
  // real server setting is the default for checkers).
  const std::size_t vs_index = static_cast<std::size_t>(vs - cfg.virtual_servers.data());
  // keepalived 2.2.7 fills in a missing protocol (UDP!), scheduler (wlc) and forwarding
  // method (NAT) with a warning each; a fwmark service has no protocol.
  const bool fwmark = std::holds_alternative<VsFwmark>(vs->key);
  const std::string label = block_label();
  if (fwmark) {
    if (vs_bits_ & kProtocol)
      diags.warn(vs->loc, fmt::format("{}: protocol is ignored for a fwmark service; remove it", label));
    vs->protocol = Protocol::Tcp;
  } else if (!(vs_bits_ & kProtocol)) {
    diags.warn(vs->loc, fmt::format("{}: no protocol set; keepalived 2.2.7 uses UDP (add 'protocol TCP' if that is meant)", label));
    vs->protocol = Protocol::Udp;
  }
  if (!(vs_bits_ & kScheduler)) diags.warn(vs->loc, fmt::format("{}: no lvs_sched set; wlc is used", label));
  if (!(vs_bits_ & kForwarding)) diags.warn(vs->loc, fmt::format("{}: no lvs_method set; NAT is used", label));
  for (std::size_t r = 0; r < vs->real_servers.size(); ++r) {
    auto& rsv = vs->real_servers[r];
    const RsDefaults& d = rs_defaults_[r];
    if (!(d.bits & kWeight)) rsv.weight = vs->weight.value_or(1);
    if (!(d.bits & kForwarding)) rsv.forwarding = vs->forwarding;
    if (!(d.bits & kInhibit)) rsv.inhibit_on_failure = vs->inhibit_on_failure;
    for (std::size_t c = 0; c < rsv.checkers.size(); ++c) {
      auto& chk = rsv.checkers[c];
      const std::uint32_t bits = ck_bits_[r][c];
      const CheckerKind kind = chk.kind();
      if (!(bits & kDelayLoop)) chk.delay_loop = d.delay_loop.value_or(vs->delay_loop);
      if (!(bits & kConnectTimeout))
        chk.connection.connect_timeout = d.connect_timeout.value_or(vs->connect_timeout.value_or(seconds{5}));
      if (!(bits & kRetry)) {
        const std::uint32_t def = kind == CheckerKind::Dns ? 3 : kind == CheckerKind::Misc ? 0 : 1;
        chk.retry = d.retry.value_or(vs->retry.value_or(def));
      }
      if (!(bits & kDelayBeforeRetry)) {
        const microseconds def = kind == CheckerKind::Dns                                  ? chk.delay_loop
                                 : (kind == CheckerKind::Http || kind == CheckerKind::Ssl) ? microseconds{seconds{3}}
                                                                                           : microseconds{seconds{1}};
        chk.delay_before_retry = d.delay_before_retry.value_or(vs->delay_before_retry.value_or(def));
      }
      if (!(bits & kWarmup)) {
        if (d.warmup) chk.warmup = d.warmup;
        else if (vs->warmup) chk.warmup = vs->warmup;
      }
      if (!(bits & kAlpha)) chk.alpha = d.alpha.value_or(vs->alpha);
      if (!(bits & kLogAllFailures)) inherit_log_all_failures_.push_back({vs_index, r, c});
      if (auto* h = std::get_if<HttpCheck>(&chk.spec); h && !h->virtualhost) {
        if (rsv.virtualhost) h->virtualhost = rsv.virtualhost;
        else if (vs->virtualhost) h->virtualhost = vs->virtualhost;
      }
      normalize_unused(chk, *vs, vs_index, r, c);
    }
  }
  // The real servers are complete: the slack that vector growth left (up to half of the
  // vector, about 5 MB at 20,000 real servers) goes now rather than at the end of the load,
  // where it would already have counted in the peak.
  vs->real_servers.shrink_to_fit();
  rs_defaults_.clear();
  ck_bits_.clear();
  vs_bits_ = 0;
  vs = nullptr;
  rs = nullptr;
}

// Settings a kind of checker has no use for (a FILE_CHECK runs on inotify, not on a timer; a
// BFD_CHECK follows its BFD session; MISC_CHECK and both of those open no connection) take
// the values the virtual_server alone gives: what a real_server or the block itself said
// changes nothing, and the model stays what its canonical dump reads back as.
void Builder::normalize_unused(Checker& chk, const VirtualServer& v, std::size_t vs_index, std::size_t r, std::size_t c) {
  const CheckerKind kind = chk.kind();
  if (kind == CheckerKind::Misc || kind == CheckerKind::File || kind == CheckerKind::Bfd)
    chk.connection.connect_timeout = v.connect_timeout.value_or(seconds{5});
  if (kind != CheckerKind::File && kind != CheckerKind::Bfd) return;
  chk.delay_loop = v.delay_loop;
  chk.retry = v.retry.value_or(1);
  chk.delay_before_retry = v.delay_before_retry.value_or(microseconds{seconds{1}});
  chk.warmup = v.warmup;
  if (kind == CheckerKind::File) chk.alpha = v.alpha;
  if (ck_bits_[r][c] & kLogAllFailures) inherit_log_all_failures_.push_back({vs_index, r, c});
}

void Builder::finish() {
  // Synthetic '}' for blocks left open are produced by the driver; here only inheritance.
  const GlobalDefs& g = cfg.global;
  for (std::size_t i = 0; i < cfg.vrrp_instances.size(); ++i) {
    auto& v = cfg.vrrp_instances[i];
    const std::uint32_t bits = i < vi_bits_.size() ? vi_bits_[i] : 0;
    if (!(bits & kStrictMode)) v.strict_mode = g.vrrp_strict;
    if (!(bits & kVersion)) v.version = g.vrrp_version;
    if (!(bits & kCheckUnicastSrc)) v.check_unicast_src = g.vrrp_check_unicast_src;
    if (!(bits & kGarpMasterDelay)) v.garp_master_delay = g.vrrp_garp_master_delay;
    if (!(bits & kGarpMasterRepeat)) v.garp_master_repeat = g.vrrp_garp_master_repeat;
    if (!(bits & kGarpLowerPrioDelay)) v.garp_lower_prio_delay = g.vrrp_garp_lower_prio_delay.value_or(v.garp_master_delay);
    if (!(bits & kGarpLowerPrioRepeat))
      v.garp_lower_prio_repeat = g.vrrp_garp_lower_prio_repeat.value_or(v.garp_master_repeat);
    if (!(bits & kGarpMasterRefresh)) v.garp_master_refresh = g.vrrp_garp_master_refresh;
    if (!(bits & kGarpMasterRefreshRepeat)) v.garp_master_refresh_repeat = g.vrrp_garp_master_refresh_repeat;
    if (!(bits & kGarpExtraIf)) v.garp_extra_if = g.vrrp_garp_extra_if;
    if (!(bits & kDownTimerAdverts)) v.down_timer_adverts = g.vrrp_down_timer_adverts;
    // vrrp_strict implies lower_prio_no_advert (keepalived.conf(5) vrrp_lower_prio_no_advert).
    if (!(bits & kLowerPrioNoAdvert)) v.lower_prio_no_advert = g.vrrp_lower_prio_no_advert.value_or(v.strict_mode);
    if (!(bits & kHigherPrioSendAdvert)) v.higher_prio_send_advert = g.vrrp_higher_prio_send_advert.value_or(false);
    if (!(bits & kSkipCheckAdvAddr)) v.skip_check_adv_addr = g.vrrp_skip_check_adv_addr;
    if (!(bits & kNotifyPriorityChanges)) v.notify_priority_changes = g.vrrp_notify_priority_changes;
    // IPv6 instances always run VRRPv3 (keepalived.conf(5) vrrp_version; RFC 5798).
    if (!v.virtual_ipaddress.empty() && v.virtual_ipaddress.front().address.address.is_v6()) v.version = 3;
    // advert_int precision: whole seconds in VRRPv2 (RFC 3768 5.3.7, an 8-bit count of
    // seconds), centiseconds in VRRPv3 (RFC 5798 5.2.7). keepalived rounds and warns.
    if (i < vi_advert_.size() && vi_advert_[i]) {
      const auto us = vi_advert_[i]->value;
      if (v.version == 2 && us.count() % 1000000 != 0) {
        const auto secs = std::max<std::int64_t>(1, (us.count() + 500000) / 1000000);
        diags.warn(vi_advert_[i]->loc, fmt::format("vrrp_instance {}: VRRPv2 advert_int must be whole seconds; {} s is used "
                                                    "instead of {} (or use version 3)",
                                                    v.name, secs, format_timer(us)));
        v.advert_int = centiseconds{secs * 100};
      } else if (v.version == 3 && us.count() % 10000 != 0) {
        const auto cs = std::max<std::int64_t>(1, (us.count() + 5000) / 10000);
        diags.warn(vi_advert_[i]->loc, fmt::format("vrrp_instance {}: VRRPv3 advert_int is in units of 10 ms; {} is used instead of {}",
                                                    v.name, format_timer(microseconds{cs * 10000}), format_timer(us)));
        v.advert_int = centiseconds{cs};
      }
    }
  }
  for (const auto& r : inherit_log_all_failures_) {
    if (r.vs < cfg.virtual_servers.size() && r.rs < cfg.virtual_servers[r.vs].real_servers.size() &&
        r.ck < cfg.virtual_servers[r.vs].real_servers[r.rs].checkers.size())
      cfg.virtual_servers[r.vs].real_servers[r.rs].checkers[r.ck].log_all_failures = g.checker_log_all_failures;
  }
}

}  // namespace stayalived::config::detail
