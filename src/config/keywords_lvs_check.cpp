// LVS checker keywords, after keepalived.conf(5) "LVS CONFIGURATION" and keepalived 2.2.7's
// reactions: the timing keywords (valid at virtual_server, real_server and checker level),
// the connection keywords, those of each checker kind (HTTP_GET/SSL_GET with url,
// MISC_CHECK, SMTP_CHECK with host, DNS_CHECK, UDP_CHECK, FILE_CHECK, BFD_CHECK) and the
// checkers' tables. The checker blocks open in keywords_lvs.cpp (real_server).
#include <fmt/format.h>

#include "handler_util.hpp"

namespace stayalived::config::detail {

// Timing keywords valid in virtual_server, real_server and checkers: each level records
// its own value; inheritance is resolved when the virtual_server closes.
void h_timing(Builder& b, const Stmt& s) {
  const auto& k = s.head.text;
  const bool in_ck = b.ck != nullptr;
  const bool in_rs = !in_ck && b.rs != nullptr;
  if (k == "retry" || k == "nb_get_retry") {
    if (k == "nb_get_retry") b.warn(s, 0, "'nb_get_retry' is deprecated; use 'retry'");
    // keepalived: 0 is allowed in a checker, not at real/virtual server level.
    auto v = b.integer(s, 0, in_ck ? 0 : 1, kU32);
    if (!v) return;
    const auto n = static_cast<std::uint32_t>(*v);
    if (in_ck) b.ck->retry = n, b.mark(kRetry);
    else if (in_rs) b.rs_defaults_.back().retry = n;
    else if (b.vs) b.vs->retry = n;
    return;
  }
  if (k == "alpha" && (in_ck || in_rs)) {
    auto v = b.boolean(s, 0);
    if (!v) return;
    if (in_ck) b.ck->alpha = *v, b.mark(kAlpha);
    else b.rs_defaults_.back().alpha = *v;
    return;
  }
  if (k == "log_all_failures") {
    if (!in_ck) return;
    if (auto v = b.boolean(s, 0)) b.ck->log_all_failures = *v, b.mark(kLogAllFailures);
    return;
  }
  if (k == "inhibit_on_failure") {
    if (!in_rs) return;
    if (auto v = b.boolean(s, 0)) b.rs->inhibit_on_failure = *v, b.rs_defaults_.back().bits |= kInhibit;
    return;
  }
  microseconds lo{0};
  microseconds hi{INT64_MAX / 2};
  if (k == "connect_timeout") lo = microseconds{1}, hi = microseconds{kU32};
  if (k == "delay_loop") lo = microseconds{1};
  auto v = b.timer(s, 0, lo, hi);
  if (!v) return;
  if (in_ck) {
    if (k == "connect_timeout") {
      if (b.smtp_host) b.smtp_host->connect_timeout = *v;
      else b.ck->connection.connect_timeout = *v, b.mark(kConnectTimeout);
    } else if (k == "delay_before_retry") b.ck->delay_before_retry = *v, b.mark(kDelayBeforeRetry);
    else if (k == "warmup") b.ck->warmup = *v, b.mark(kWarmup);
    else if (k == "delay_loop") b.ck->delay_loop = *v, b.mark(kDelayLoop);
  } else if (in_rs) {
    auto& d = b.rs_defaults_.back();
    if (k == "connect_timeout") d.connect_timeout = *v;
    else if (k == "delay_before_retry") d.delay_before_retry = *v;
    else if (k == "warmup") d.warmup = *v;
    else if (k == "delay_loop") d.delay_loop = *v;
  } else if (b.vs) {
    if (k == "connect_timeout") b.vs->connect_timeout = *v;
    else if (k == "delay_before_retry") b.vs->delay_before_retry = *v;
    else if (k == "warmup") b.vs->warmup = *v;
    else if (k == "delay_loop") b.vs->delay_loop = *v;
  }
}

namespace {

void h_conn(Builder& b, const Stmt& s) {
  auto* c = cur<CheckConnection>(b);
  if (!c) return;
  const auto& k = s.head.text;
  if (k == "connect_ip" || k == "bindto") {
    auto a = b.sockaddr(s.args[0].text, s.arg_loc(0));
    if (!a) return b.warn(s, 0, fmt::format("{}: {} '{}' is not an IP address; ignored", b.block_label(), k, s.args[0].text));
    (k == "connect_ip" ? c->connect_ip : c->bindto) = a;
  } else if (k == "connect_port" || k == "bind_port") {
    if (auto p = b.port(s, 0)) (k == "connect_port" ? c->connect_port : c->bind_port) = p;
  } else if (k == "bind_if") {
    c->bind_if = s.args[0].text;
  } else if (k == "fwmark") {
    if (auto v = b.integer(s, 0, 0, kU32)) c->fwmark = static_cast<std::uint32_t>(*v);
  }
}
void h_smtp_host(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  if (!b.ck) return b.skip_block();
  b.smtp_hosts_.emplace_back();
  b.smtp_host = &b.smtp_hosts_.back();
}
void h_helo_name(Builder& b, const Stmt& s) {
  auto* m = cur<SmtpCheck>(b);
  if (!m) return;
  if (s.args.empty()) return b.warn(s, 0, "SMTP_CHECK: 'helo_name' needs a name; ignored");
  m->helo_name = s.args[0].text;
}
void h_http_protocol(Builder& b, const Stmt& s) {
  auto* h = cur<HttpCheck>(b);
  if (!h) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("{}: 'http_protocol' needs 1.0, 1.0C or 1.1; ignored", b.block_label()));
  const auto& w = s.args[0].text;
  if (w == "1.0") h->http_protocol = HttpProtocol::Http10;
  else if (w == "1.0C" || w == "1.0c") h->http_protocol = HttpProtocol::Http10Close;
  else if (w == "1.1") h->http_protocol = HttpProtocol::Http11;
  else b.warn(s, 0, fmt::format("{}: http_protocol '{}' is not 1.0, 1.0C or 1.1; ignored", b.block_label(), w));
}
void h_http_bool(Builder& b, const Stmt& s) {
  auto* h = cur<HttpCheck>(b);
  if (!h) return;
  auto v = b.boolean(s, 0);
  if (!v) return;
  (s.head.text == "fast_recovery" ? h->fast_recovery : h->enable_sni) = *v;
}
void h_http_virtualhost(Builder& b, const Stmt& s) {
  if (s.args.empty()) return b.warn(s, 0, fmt::format("{}: 'virtualhost' needs a name; ignored", b.block_label()));
  if (b.url) b.url->virtualhost = s.args[0].text;
  else if (auto* h = cur<HttpCheck>(b)) h->virtualhost = s.args[0].text;
}
void h_url(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  auto* h = cur<HttpCheck>(b);
  if (!h) return b.skip_block();
  Url u;
  u.loc = s.loc;
  h->urls.push_back(std::move(u));
  b.url = &h->urls.back();
}
void h_url_path(Builder& b, const Stmt& s) {
  if (b.url) b.url->path = s.args[0].text;
}
void h_url_digest(Builder& b, const Stmt& s) {
  if (!b.url) return;
  const auto& d = s.args[0].text;
  // A url has one digest: keepalived 2.2.7 (measured) reports any later one as "Digest
  // 'HEX' is a duplicate" and keeps the first.
  if (b.url->digest) return b.warn(s, 0, fmt::format("url: a digest is already given; '{}' ignored (a url has one)", d));
  if (d.size() != 32)
    return b.warn(s, 0, fmt::format("url digest '{}' must be 32 hex characters (an MD5), not {}; ignored", d, d.size()));
  std::array<std::uint8_t, 16> md{};
  for (std::size_t i = 0; i < 16; ++i) {
    const auto hex = parse_hex_string(d.substr(i * 2, 2), false);
    if (!hex || hex->data.size() != 1) return b.warn(s, 0, fmt::format("url digest '{}' is not hexadecimal; ignored", d));
    md[i] = hex->data[0];
  }
  b.url->digest = md;
}
void h_url_status(Builder& b, const Stmt& s) {
  if (!b.url) return;
  std::vector<StatusRange> ranges;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const std::string_view w = s.args[i].text;
    const auto dash = w.find('-');
    std::int64_t lo = 0, hi = 0;
    const bool ok = dash == std::string_view::npos
                        ? parse_int(w, 100, 599, lo) == NumError::Ok && (hi = lo, true)
                        : parse_int(w.substr(0, dash), 100, 599, lo) == NumError::Ok &&
                              parse_int(w.substr(dash + 1), 100, 599, hi) == NumError::Ok && lo <= hi;
    if (!ok) {
      b.warn(s, i, fmt::format("url status_code '{}' is not a code or range within 100..599; ignored", w));
      continue;
    }
    ranges.push_back(StatusRange{static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)});
  }
  b.url->status_codes.insert(b.url->status_codes.end(), ranges.begin(), ranges.end());
}
void h_url_regex(Builder& b, const Stmt& s) {
  if (!b.url) return;
  const auto& k = s.head.text;
  if (k == "regex_no_match") {
    b.url->regex_no_match = true;
  } else if (k == "regex") {
    if (!s.args.empty()) b.url->regex = s.args[0].text;
  } else if (k == "regex_options") {
    for (const auto& a : s.args) b.url->regex_options.push_back(a.text);
  } else if (k == "regex_stack") {
    if (s.args.size() < 2) return b.warn(s, 0, "url regex_stack needs START and MAX; ignored");
    auto st = b.integer(s, 0, 0, kU32);
    auto mx = b.integer(s, 1, 0, kU32);
    if (st && mx) b.url->regex_stack_start = static_cast<std::uint32_t>(*st), b.url->regex_stack_max = static_cast<std::uint32_t>(*mx);
  } else if (!s.args.empty()) {
    if (auto v = b.integer(s, 0, 0, kU32)) (k == "regex_min_offset" ? b.url->regex_min_offset : b.url->regex_max_offset) = static_cast<std::uint32_t>(*v);
  }
}
void h_misc_path(Builder& b, const Stmt& s) {
  auto* m = cur<MiscCheck>(b);
  if (!m || s.args.empty()) return;
  Script sc;
  sc.loc = s.loc;
  auto argv = split_command(s.args[0].text);
  if (!argv || argv->empty()) return b.warn(s, 0, fmt::format("MISC_CHECK: invalid misc_path '{}'; ignored", s.args[0].text));
  sc.argv = std::move(*argv);
  // Further words are arguments as they stand; a NUL ends one, as in a split command line.
  for (std::size_t i = 1; i < s.args.size(); ++i) {
    const std::string& w = s.args[i].text;
    sc.argv.push_back(w.substr(0, w.find('\0')));
  }
  sc.run_as = m->path.run_as;
  m->path = std::move(sc);
}
void h_misc_timeout(Builder& b, const Stmt& s) {
  auto* m = cur<MiscCheck>(b);
  if (!m) return;
  if (auto v = b.integer(s, 0, 0, kU32)) m->timeout = microseconds{seconds{*v}};
}
void h_misc_user(Builder& b, const Stmt& s) {
  auto* m = cur<MiscCheck>(b);
  if (!m) return;
  if (s.args.empty()) return b.warn(s, 0, "MISC_CHECK: 'user' needs a user name; ignored");
  m->path.run_as = RunAs{s.args[0].text, s.args.size() > 1 ? std::optional(s.args[1].text) : std::nullopt, s.arg_loc(0)};
}
void h_dns_type(Builder& b, const Stmt& s) {
  auto* d = cur<DnsCheck>(b);
  if (!d) return;
  auto t = parse_dns_type(s.args[0].text);
  if (!t) return b.warn(s, 0, fmt::format("DNS_CHECK: unknown type '{}' (A NS CNAME SOA MX TXT AAAA); ignored", s.args[0].text));
  d->type = *t;
}
void h_dns_name(Builder& b, const Stmt& s) {
  auto* d = cur<DnsCheck>(b);
  if (!d) return;
  const auto& n = s.args[0].text;
  // keepalived 2.2.7 (measured): "DNS_CHECK name already specified - ignoring" (a name
  // other than the default root is taken as given).
  if (d->name != ".") return b.warn(s, 0, fmt::format("DNS_CHECK: name already specified ('{}'); '{}' ignored", d->name, n));
  if (n != "." && (n.find("..") != std::string::npos || n.front() == '.'))
    return b.warn(s, 0, fmt::format("DNS_CHECK: name '{}' has an empty label; ignored", n));
  d->name = n;
}
void h_udp_hex(Builder& b, const Stmt& s) {
  auto* u = cur<UdpCheck>(b);
  if (!u) return;
  const bool reply = s.head.text == "require_reply";
  if (s.args.empty()) {
    if (reply) u->require_reply = true;
    else b.warn(s, 0, "UDP_CHECK: 'payload' needs a hex string; ignored");
    return;
  }
  std::string all;
  for (const auto& a : s.args) all += a.text + " ";
  auto hex = parse_hex_string(all, reply);
  if (!hex) return b.warn(s, 0, fmt::format("UDP_CHECK: '{}' is not a hex string; ignored", s.head.text));
  if (reply) {
    u->require_reply = true;
    u->reply_data = std::move(hex->data);
    u->reply_mask = std::move(hex->mask);
  } else {
    u->payload = std::move(hex->data);
  }
}
void h_udp_len(Builder& b, const Stmt& s) {
  auto* u = cur<UdpCheck>(b);
  if (!u) return;
  if (auto v = b.integer(s, 0, 0, 65535)) (s.head.text == "min_reply_length" ? u->min_reply_length : u->max_reply_length) = static_cast<std::uint16_t>(*v);
}
void h_file_track(Builder& b, const Stmt& s) {
  if (auto* f = cur<FileCheck>(b)) f->track_file = s.args[0].text;
}
void h_file_weight(Builder& b, const Stmt& s) {
  auto* f = cur<FileCheck>(b);
  if (!f) return;
  if (s.args.empty()) return b.warn(s, 0, "FILE_CHECK: 'weight' needs a number; ignored");
  // As keepalived: a weight that does not read leaves the whole line unused (its 'reverse'
  // too); 'noreverse' is the default spelled out; any other option is reported.
  const auto v = b.integer(s, 0, -2147483647, 2147483647);
  if (!v) return;
  f->weight = static_cast<int>(*v);
  if (s.args.size() < 2) return;
  if (s.args[1].text == "reverse") f->reverse = true;
  else if (s.args[1].text == "noreverse") f->reverse = false;
  else b.warn(s, 1, fmt::format("FILE_CHECK: unknown weight option '{}' (only 'reverse' or 'noreverse'); ignored", s.args[1].text));
}
void h_bfd_name(Builder& b, const Stmt& s) {
  auto* f = cur<BfdCheck>(b);
  if (!f) return;
  // keepalived 2.2.7 (measured): "BFD_CHECK - BFD NEW already specified as FIRST".
  if (!f->name.empty())
    return b.warn(s, 0, fmt::format("BFD_CHECK: bfd_instance already specified as '{}'; '{}' ignored", f->name, s.args[0].text));
  f->name = s.args[0].text;
}

#define SA_CHECK_TIMING                                                          \
  {"alpha", KwKind::Leaf, Ctx::Top, h_timing, 0},                              \
      {"retry", KwKind::Leaf, Ctx::Top, h_timing, 1},                          \
      {"delay_before_retry", KwKind::Leaf, Ctx::Top, h_timing, 1},             \
      {"warmup", KwKind::Leaf, Ctx::Top, h_timing, 1},                         \
      {"delay_loop", KwKind::Leaf, Ctx::Top, h_timing, 1},                     \
      {"log_all_failures", KwKind::Leaf, Ctx::Top, h_timing, 0}
#define SA_CHECK_CONN                                                            \
  {"connect_ip", KwKind::Leaf, Ctx::Top, h_conn, 1},                           \
      {"connect_port", KwKind::Leaf, Ctx::Top, h_conn, 1},                     \
      {"bindto", KwKind::Leaf, Ctx::Top, h_conn, 1},                           \
      {"bind_if", KwKind::Leaf, Ctx::Top, h_conn, 1},                          \
      {"bind_port", KwKind::Leaf, Ctx::Top, h_conn, 1},                        \
      {"fwmark", KwKind::Leaf, Ctx::Top, h_conn, 1},                           \
      {"connect_timeout", KwKind::Leaf, Ctx::Top, h_timing, 1}

const KeywordDef kTcp[] = {SA_CHECK_TIMING, SA_CHECK_CONN};
const KeywordDef kPing[] = {SA_CHECK_TIMING, SA_CHECK_CONN};
const KeywordDef kHttp[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"http_protocol", KwKind::Leaf, Ctx::Top, h_http_protocol, 0},
    {"fast_recovery", KwKind::Leaf, Ctx::Top, h_http_bool, 0},
    {"enable_sni", KwKind::Leaf, Ctx::Top, h_http_bool, 0},
    {"virtualhost", KwKind::Leaf, Ctx::Top, h_http_virtualhost, 0},
    {"nb_get_retry", KwKind::Leaf, Ctx::Top, h_timing, 1},
    {"url", KwKind::Block, Ctx::Url, h_url, 0},
};
const KeywordDef kMisc[] = {
    SA_CHECK_TIMING,
    {"misc_path", KwKind::Leaf, Ctx::Top, h_misc_path, 0},
    {"misc_timeout", KwKind::Leaf, Ctx::Top, h_misc_timeout, 1},
    {"misc_dynamic", KwKind::Leaf, Ctx::Top, flag<&MiscCheck::dynamic>, 0},
    {"user", KwKind::Leaf, Ctx::Top, h_misc_user, 0},
};
const KeywordDef kSmtp[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"helo_name", KwKind::Leaf, Ctx::Top, h_helo_name, 0},
    {"host", KwKind::Block, Ctx::SmtpHost, h_smtp_host, 0},
};
const KeywordDef kSmtpHost[] = {SA_CHECK_CONN};
const KeywordDef kDns[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"type", KwKind::Leaf, Ctx::Top, h_dns_type, 1},
    {"name", KwKind::Leaf, Ctx::Top, h_dns_name, 1},
};
const KeywordDef kUdp[] = {
    SA_CHECK_TIMING,
    SA_CHECK_CONN,
    {"payload", KwKind::Leaf, Ctx::Top, h_udp_hex, 0},
    {"require_reply", KwKind::Leaf, Ctx::Top, h_udp_hex, 0},
    {"min_reply_length", KwKind::Leaf, Ctx::Top, h_udp_len, 1},
    {"max_reply_length", KwKind::Leaf, Ctx::Top, h_udp_len, 1},
};
const KeywordDef kFile[] = {
    {"track_file", KwKind::Leaf, Ctx::Top, h_file_track, 1},
    {"weight", KwKind::Leaf, Ctx::Top, h_file_weight, 0},
};
const KeywordDef kBfd[] = {
    {"alpha", KwKind::Leaf, Ctx::Top, h_timing, 0},
    {"name", KwKind::Leaf, Ctx::Top, h_bfd_name, 1},
};
#undef SA_CHECK_TIMING
#undef SA_CHECK_CONN

const KeywordDef kUrl[] = {
    {"path", KwKind::Leaf, Ctx::Top, h_url_path, 1},
    {"digest", KwKind::Leaf, Ctx::Top, h_url_digest, 1},
    {"status_code", KwKind::Leaf, Ctx::Top, h_url_status, 0},
    {"virtualhost", KwKind::Leaf, Ctx::Top, h_http_virtualhost, 0},
    {"regex", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_no_match", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_options", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_stack", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_min_offset", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
    {"regex_max_offset", KwKind::Leaf, Ctx::Top, h_url_regex, 0},
};

}  // namespace

std::span<const KeywordDef> lvs_check_keywords(Ctx c) {
  switch (c) {
    case Ctx::TcpCheck: return kTcp;
    case Ctx::HttpCheck:
    case Ctx::SslCheck: return kHttp;
    case Ctx::MiscCheck: return kMisc;
    case Ctx::SmtpCheck: return kSmtp;
    case Ctx::SmtpHost: return kSmtpHost;
    case Ctx::DnsCheck: return kDns;
    case Ctx::UdpCheck: return kUdp;
    case Ctx::PingCheck: return kPing;
    case Ctx::FileCheck: return kFile;
    case Ctx::BfdCheck: return kBfd;
    case Ctx::Url: return kUrl;
    default: return {};
  }
}

}  // namespace stayalived::config::detail
