// Coverage of stayalived.conf(5): every keyword the parser knows has an entry in the man
// page, in the part of the page that documents its block, and the page documents no
// keyword the parser does not know there.
//
// Source of truth: the keyword tables of src/config (keywords_of(ctx) for every block
// context; contexts are enumerated through ctx_name(), which names each one and returns
// "?" past the last, so a new context cannot be missed).
//
// Convention of the page (stated at the top of man/stayalived.conf.5 too):
//   - a keyword is documented when it is an argument of the `Ic` macro in the head of a
//     list entry: `.It Ic keyword Ar args ...`, or inside `.It Xo` ... `.Xc`;
//   - the entry must be in a subsection (`.Ss`) that documents the keyword's block; the
//     table kSections below maps each block context to the titles of those subsections
//     (a title matches when it equals the prefix or continues with a space or ':');
//   - `Ic` is used for keywords only; option words and values use `Cm`, so that the reverse
//     check (every `.It Ic` of a mapped subsection is a keyword of a block mapped there,
//     or the name the subsection is mapped by, for the forms of a block's header) catches
//     documented keywords that the parser does not accept.
// Keywords deliberately left out are listed in kUndocumented, each with its reason.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "../../../src/config/keywords.hpp"

namespace {

using stayalived::config::detail::Ctx;
using stayalived::config::detail::ctx_name;
using stayalived::config::detail::keywords_of;

const std::string kPage = STAYALIVED_SOURCE_DIR "/man/stayalived.conf.5";

/// Where the keywords of each block context are documented: subsection title prefixes.
/// List contexts (virtual_ipaddress, track_script, ...) have no keywords; they are listed
/// so that a new context without a mapping fails the test.
struct SectionMap {
  Ctx ctx;
  std::vector<std::string_view> titles;
};
const std::vector<SectionMap> kSections = {
    {Ctx::Top, {"Top-level keywords"}},
    {Ctx::GlobalDefs, {"global_defs"}},
    {Ctx::NotificationEmail, {}},
    {Ctx::LinkbeatInterfaces, {}},
    {Ctx::InterfaceDelays, {}},
    {Ctx::TrackGroup, {"track_group"}},
    {Ctx::TrackGroupGroup, {}},
    {Ctx::StaticIpaddress, {}},
    {Ctx::StaticRoutes, {}},
    {Ctx::StaticRules, {}},
    {Ctx::BfdInstance, {"bfd_instance"}},
    {Ctx::VrrpScript, {"vrrp_script"}},
    {Ctx::TrackFile, {"track_file"}},
    {Ctx::TrackProcess, {"vrrp_track_process"}},
    {Ctx::GarpGroup, {"garp_group"}},
    {Ctx::GarpInterfaces, {}},
    {Ctx::SyncGroup, {"vrrp_sync_group"}},
    {Ctx::SyncGroupGroup, {}},
    {Ctx::TrackInterfaceList, {}},
    {Ctx::TrackScriptList, {}},
    {Ctx::TrackFileList, {}},
    {Ctx::TrackProcessList, {}},
    {Ctx::TrackBfdList, {}},
    {Ctx::VrrpInstance, {"vrrp_instance"}},
    {Ctx::Authentication, {"vrrp_instance"}},
    {Ctx::VipList, {}},
    {Ctx::EvipList, {}},
    {Ctx::UnicastPeerList, {}},
    {Ctx::VirtualRoutes, {}},
    {Ctx::VirtualRules, {}},
    {Ctx::Ssl, {"SSL"}},
    {Ctx::VirtualServerGroup, {}},
    {Ctx::VirtualServer, {"virtual_server"}},
    {Ctx::RealServer, {"real_server"}},
    {Ctx::TcpCheck, {"Common checker options", "TCP_CHECK"}},
    {Ctx::HttpCheck, {"Common checker options", "HTTP_GET"}},
    {Ctx::SslCheck, {"Common checker options", "HTTP_GET"}},
    {Ctx::MiscCheck, {"Common checker options", "MISC_CHECK"}},
    {Ctx::SmtpCheck, {"Common checker options", "SMTP_CHECK"}},
    {Ctx::SmtpHost, {"Common checker options", "SMTP_CHECK"}},
    {Ctx::DnsCheck, {"Common checker options", "DNS_CHECK"}},
    {Ctx::UdpCheck, {"Common checker options", "UDP_CHECK"}},
    {Ctx::PingCheck, {"Common checker options", "TCP_CHECK"}},
    {Ctx::FileCheck, {"FILE_CHECK"}},
    {Ctx::BfdCheck, {"Common checker options", "BFD_CHECK"}},
    {Ctx::Url, {"HTTP_GET"}},
};

/// Keywords deliberately not documented: {block, keyword, reason}. Empty: every keyword
/// the parser knows has an entry.
struct Undocumented {
  Ctx ctx;
  std::string_view keyword;
  std::string_view reason;
};
const std::vector<Undocumented> kUndocumented = {};

std::vector<Ctx> all_contexts() {
  std::vector<Ctx> out;
  for (unsigned i = 0; i < 256; ++i) {
    const auto c = static_cast<Ctx>(i);
    if (ctx_name(c) == "?") break;
    out.push_back(c);
  }
  return out;
}

bool title_matches(std::string_view title, std::string_view prefix) {
  if (!title.starts_with(prefix)) return false;
  return title.size() == prefix.size() || title[prefix.size()] == ' ' || title[prefix.size()] == ':';
}

/// Words of a macro line, with mdoc's double-quoted arguments kept together.
std::vector<std::string> tokens(std::string_view line) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i >= line.size()) break;
    std::string t;
    if (line[i] == '"') {
      ++i;
      while (i < line.size() && line[i] != '"') t += line[i++];
      ++i;
    } else {
      while (i < line.size() && line[i] != ' ' && line[i] != '\t') t += line[i++];
    }
    out.push_back(std::move(t));
  }
  return out;
}

/// A roff word as printed: `\-` is '-', `\&` and `\e` as roff reads them.
std::string unescape(std::string_view w) {
  std::string out;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == '\\' && i + 1 < w.size()) {
      const char c = w[++i];
      if (c == '-') out += '-';
      else if (c == 'e') out += '\\';
      else if (c == '&') continue;
      else out += c;
      continue;
    }
    out += w[i];
  }
  return out;
}

/// An mdoc macro name as it appears among arguments (Ar, Op, Ns, Brq, ...).
bool is_macro(std::string_view t) {
  if (t.size() < 2 || t.size() > 3) return false;
  if (t[0] < 'A' || t[0] > 'Z') return false;
  for (std::size_t i = 1; i < t.size(); ++i)
    if (t[i] < 'a' || t[i] > 'z') return false;
  return true;
}

bool is_delimiter(std::string_view t) {
  return t.size() == 1 && std::string_view(".,:;()[]|?!").find(t[0]) != std::string_view::npos;
}

/// The page: for every subsection title, the keywords in the heads of its list entries.
struct Page {
  std::map<std::string, std::set<std::string>> by_section;
  std::set<std::string> titles;  ///< every section and subsection title
  std::size_t entries = 0;       ///< list entries (.It) in the page
};

Page read_page() {
  std::ifstream in(kPage);
  REQUIRE_MESSAGE(in.good(), "cannot read ", kPage);
  Page p;
  std::string section = "(before the first section)";
  bool in_head = false;  // between `.It Xo` and `.Xc`
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] != '.') continue;
    const auto t = tokens(std::string_view(line).substr(1));
    if (t.empty()) continue;
    if (t[0] == "Sh" || t[0] == "Ss") {
      section.clear();
      for (std::size_t i = 1; i < t.size(); ++i) section += (i > 1 ? " " : "") + t[i];
      p.titles.insert(section);
      in_head = false;
      continue;
    }
    const bool head_line = t[0] == "It" || in_head;
    if (t[0] == "It") {
      ++p.entries;
      for (const auto& w : t)
        if (w == "Xo") in_head = true;
    }
    if (!head_line) continue;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == "Xc") in_head = false;
      if (t[i] != "Ic") continue;
      for (std::size_t j = i + 1; j < t.size() && !is_macro(t[j]); ++j)
        if (!is_delimiter(t[j])) p.by_section[section].insert(unescape(t[j]));
    }
  }
  return p;
}

const SectionMap* mapping(Ctx c) {
  for (const auto& m : kSections)
    if (m.ctx == c) return &m;
  return nullptr;
}

bool undocumented_on_purpose(Ctx c, std::string_view kw) {
  for (const auto& u : kUndocumented)
    if (u.ctx == c && u.keyword == kw) return true;
  return false;
}

}  // namespace

TEST_CASE("man page stayalived.conf(5) documents every keyword of every block, where the block is documented") {
  const Page page = read_page();
  std::set<std::string> distinct;
  std::size_t pairs = 0;
  std::string unmapped, missing, stale_exemptions;
  for (const Ctx c : all_contexts()) {
    const auto* m = mapping(c);
    const auto kws = keywords_of(c);
    if (!m) {
      unmapped += std::string(ctx_name(c)) + " (" + std::to_string(kws.size()) + " keywords)\n";
      continue;
    }
    for (const auto kw : kws) {
      ++pairs;
      distinct.emplace(kw);
      bool found = false;
      for (const auto& [title, words] : page.by_section)
        for (const auto prefix : m->titles)
          if (title_matches(title, prefix) && words.count(std::string(kw))) found = true;
      if (undocumented_on_purpose(c, kw)) {
        if (found) stale_exemptions += std::string(ctx_name(c)) + ": " + std::string(kw) + " (now documented)\n";
        continue;
      }
      if (!found) missing += std::string(ctx_name(c)) + ": " + std::string(kw) + "\n";
    }
  }
  for (const auto& u : kUndocumented) {
    const auto kws = keywords_of(u.ctx);
    if (std::find(kws.begin(), kws.end(), u.keyword) == kws.end())
      stale_exemptions += std::string(ctx_name(u.ctx)) + ": " + std::string(u.keyword) + " (no longer a keyword)\n";
  }
  MESSAGE("keywords checked: ", distinct.size(), " distinct, ", pairs, " (block, keyword) pairs; ", page.entries,
          " list entries in the page");
  CHECK_MESSAGE(unmapped.empty(), "block contexts without a mapping in kSections (add one):\n", unmapped);
  CHECK_MESSAGE(missing.empty(), "keywords without an `.It Ic keyword` entry in their block's subsection of ", kPage,
                ":\n", missing);
  CHECK_MESSAGE(stale_exemptions.empty(), "entries of kUndocumented to remove:\n", stale_exemptions);
  CHECK(pairs > 300);  // sanity: the tables were really enumerated
}

TEST_CASE("man page stayalived.conf(5) documents no keyword that its block does not accept") {
  const Page page = read_page();
  std::string unknown;
  for (const auto& [title, words] : page.by_section) {
    // The keywords of every block documented in this subsection, and the block keyword
    // that the subsection is named after (the `virtual_server` subsection shows the forms
    // of the `virtual_server` header).
    std::set<std::string> known;
    bool mapped = false;
    for (const auto& m : kSections)
      for (const auto prefix : m.titles)
        if (title_matches(title, prefix)) {
          mapped = true;
          for (const auto kw : keywords_of(m.ctx)) known.emplace(kw);
          known.emplace(prefix);
        }
    if (!mapped) continue;
    for (const auto& w : words)
      if (!known.count(w)) unknown += title + ": " + w + "\n";
  }
  CHECK_MESSAGE(unknown.empty(),
                "`.It Ic` entries that are not keywords of the blocks documented there (use Cm for option words and "
                "values, or fix the keyword):\n",
                unknown);
  // Every mapping names a subsection that exists.
  std::string dangling;
  for (const auto& m : kSections)
    for (const auto prefix : m.titles) {
      bool any = false;
      for (const auto& t : page.titles) any = any || title_matches(t, prefix);
      if (!any) dangling += std::string(ctx_name(m.ctx)) + " -> '" + std::string(prefix) + "'\n";
    }
  CHECK_MESSAGE(dangling.empty(), "kSections names subsections that the page does not have:\n", dangling);
}
