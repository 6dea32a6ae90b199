// The keyword tables of every context, merged from the per-module tables, and their
// lookup. Built once, immutable afterwards (no mutable parser state lives here).
#include "keywords.hpp"

#include <array>
#include <unordered_map>

#include "handler_util.hpp"

namespace stayalived::config::detail {

namespace {

constexpr std::size_t kContexts = static_cast<std::size_t>(Ctx::Url) + 1;

struct Tables {
  std::array<std::unordered_map<std::string_view, const KeywordDef*>, kContexts> keywords;
  std::array<std::vector<std::string_view>, kContexts> names;
  std::array<KeywordDef, kContexts> items{};
};

void add(Tables& t, Ctx c, std::span<const KeywordDef> defs) {
  const auto i = static_cast<std::size_t>(c);
  for (const auto& d : defs)
    if (t.keywords[i].emplace(d.name, &d).second) t.names[i].push_back(d.name);
}

const Tables& tables() {
  static const Tables t = [] {
    Tables r;
    add(r, Ctx::Top, top_keywords());
    add(r, Ctx::Top, vrrp_track_keywords(Ctx::Top));
    add(r, Ctx::Top, vrrp_keywords(Ctx::Top));
    add(r, Ctx::Top, lvs_keywords(Ctx::Top));
    add(r, Ctx::GlobalDefs, global_keywords());
    for (std::size_t i = 0; i < kContexts; ++i) {
      const auto c = static_cast<Ctx>(i);
      if (c != Ctx::Top) {
        add(r, c, static_keywords(c));
        add(r, c, vrrp_track_keywords(c));
        add(r, c, vrrp_keywords(c));
        add(r, c, lvs_keywords(c));
        add(r, c, lvs_check_keywords(c));
      }
      Handler h = global_list_handler(c);
      if (!h) h = static_list_handler(c);
      if (!h) h = vrrp_track_list_handler(c);
      if (!h) h = vrrp_list_handler(c);
      if (!h) h = lvs_list_handler(c);
      r.items[i] = KeywordDef{"", KwKind::Leaf, Ctx::Top, h, 0};
    }
    return r;
  }();
  return t;
}

}  // namespace

bool is_list(Ctx c) { return tables().items[static_cast<std::size_t>(c)].handler != nullptr; }

const KeywordDef* find_keyword(Ctx ctx, std::string_view word) {
  const auto& m = tables().keywords[static_cast<std::size_t>(ctx)];
  const auto it = m.find(word);
  return it == m.end() ? nullptr : it->second;
}

const KeywordDef* list_item(Ctx ctx) {
  const auto& d = tables().items[static_cast<std::size_t>(ctx)];
  return d.handler ? &d : nullptr;
}

std::vector<std::string_view> keywords_of(Ctx ctx) { return tables().names[static_cast<std::size_t>(ctx)]; }

std::string_view ctx_name(Ctx c) {
  switch (c) {
    case Ctx::Top: return "top level";
    case Ctx::GlobalDefs: return "global_defs";
    case Ctx::NotificationEmail: return "notification_email";
    case Ctx::LinkbeatInterfaces: return "linkbeat_interfaces";
    case Ctx::InterfaceDelays: return "interface_up_down_delays";
    case Ctx::TrackGroup: return "track_group";
    case Ctx::TrackGroupGroup: return "group";
    case Ctx::StaticIpaddress: return "static_ipaddress";
    case Ctx::StaticRoutes: return "static_routes";
    case Ctx::StaticRules: return "static_rules";
    case Ctx::BfdInstance: return "bfd_instance";
    case Ctx::VrrpScript: return "vrrp_script";
    case Ctx::TrackFile: return "track_file";
    case Ctx::TrackProcess: return "vrrp_track_process";
    case Ctx::GarpGroup: return "garp_group";
    case Ctx::GarpInterfaces: return "interfaces";
    case Ctx::SyncGroup: return "vrrp_sync_group";
    case Ctx::SyncGroupGroup: return "group";
    case Ctx::TrackInterfaceList: return "track_interface";
    case Ctx::TrackScriptList: return "track_script";
    case Ctx::TrackFileList: return "track_file";
    case Ctx::TrackProcessList: return "track_process";
    case Ctx::TrackBfdList: return "track_bfd";
    case Ctx::VrrpInstance: return "vrrp_instance";
    case Ctx::Authentication: return "authentication";
    case Ctx::VipList: return "virtual_ipaddress";
    case Ctx::EvipList: return "virtual_ipaddress_excluded";
    case Ctx::UnicastPeerList: return "unicast_peer";
    case Ctx::VirtualRoutes: return "virtual_routes";
    case Ctx::VirtualRules: return "virtual_rules";
    case Ctx::Ssl: return "SSL";
    case Ctx::VirtualServerGroup: return "virtual_server_group";
    case Ctx::VirtualServer: return "virtual_server";
    case Ctx::RealServer: return "real_server";
    case Ctx::TcpCheck: return "TCP_CHECK";
    case Ctx::HttpCheck: return "HTTP_GET";
    case Ctx::SslCheck: return "SSL_GET";
    case Ctx::MiscCheck: return "MISC_CHECK";
    case Ctx::SmtpCheck: return "SMTP_CHECK";
    case Ctx::SmtpHost: return "host";
    case Ctx::DnsCheck: return "DNS_CHECK";
    case Ctx::UdpCheck: return "UDP_CHECK";
    case Ctx::PingCheck: return "PING_CHECK";
    case Ctx::FileCheck: return "FILE_CHECK";
    case Ctx::BfdCheck: return "BFD_CHECK";
    case Ctx::Url: return "url";
  }
  return "?";
}

}  // namespace stayalived::config::detail
