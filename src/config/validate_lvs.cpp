// The validation pass, LVS rules: virtual_server_groups, virtual servers, real servers and
// their checkers (references, duplicates, families, interfaces, quorum). Each rule cites
// where it comes from, as in validate.cpp.
#include <fmt/format.h>

#include <set>
#include <string>

#include "validate_ctx.hpp"

namespace stayalived::config::detail {

namespace {

void validate_checker(VCtx& c, const std::string& who, const RealServer& rs, Checker& ck, bool& keep) {
  keep = true;
  // The label of this checker's warnings, made only when there is one (it was formatted
  // for each of 20,000 checkers that had nothing to say).
  const auto what = [&] { return fmt::format("{} real_server {} {}", who, to_string(ck.kind()), rs.address.to_string()); };
  auto& conn = ck.connection;
  const Family fam = conn.connect_ip ? conn.connect_ip->family : rs.address.family;
  if (conn.bindto && conn.bindto->family != fam) {
    c.diags.warn(ck.loc, fmt::format("{}: bindto {} is not of the family of the address checked; ignored", what(), conn.bindto->to_string()));
    conn.bindto.reset();
  }
  if (auto* h = std::get_if<HttpCheck>(&ck.spec)) {
    for (auto it = h->urls.begin(); it != h->urls.end();) {
      if (it->path.empty()) {
        c.diags.warn(it->loc, fmt::format("{}: url without a path; ignored", what()));
        it = h->urls.erase(it);
        continue;
      }
      ++it;
    }
  }
  if (auto* h = std::get_if<HttpCheck>(&ck.spec); h && h->urls.empty()) {
    c.diags.warn(ck.loc, fmt::format("{}: no url block; checker ignored", what()));
    keep = false;
  }
  if (auto* m = std::get_if<MiscCheck>(&ck.spec); m && m->path.argv.empty()) {
    c.diags.warn(ck.loc, fmt::format("{}: no misc_path; checker ignored", what()));
    keep = false;
  }
  if (auto* f = std::get_if<FileCheck>(&ck.spec)) {
    if (f->track_file.empty() || !c.cfg.find_track_file(f->track_file)) {
      c.diags.warn(ck.loc, fmt::format("{}: track_file '{}' is not defined; checker ignored", what(), f->track_file));
      keep = false;
    }
  }
  if (auto* b = std::get_if<BfdCheck>(&ck.spec)) {
    if (b->name.empty() || !c.cfg.find_bfd_instance(b->name)) {
      c.diags.warn(ck.loc, fmt::format("{}: bfd_instance '{}' is not defined; checker ignored", what(), b->name));
      keep = false;
    }
  }
  if (conn.bind_if && !c.iface_exists(*conn.bind_if))
    c.diags.warn(ck.loc, fmt::format("{}: bind_if {} does not exist", what(), *conn.bind_if));
}

}  // namespace

void validate_lvs(VCtx& c) {
  std::set<std::string> groups;
  for (const auto& g : c.cfg.virtual_server_groups) {
    if (!groups.insert(g.name).second) c.diags.warn(g.loc, fmt::format("virtual_server_group {} is defined twice", g.name));
    if (g.addresses.empty() && g.fwmarks.empty()) c.diags.warn(g.loc, fmt::format("virtual_server_group {} is empty", g.name));
  }
  auto& vss = c.cfg.virtual_servers;
  for (auto it = vss.begin(); it != vss.end();) {
    auto& vs = *it;
    const std::string who = vs_label(vs);
    if (const auto* grp = std::get_if<VsGroup>(&vs.key); grp && !c.cfg.find_virtual_server_group(grp->name)) {
      c.diags.warn(vs.loc, fmt::format("{}: virtual_server_group {} is not defined; virtual server ignored", who, grp->name));
      it = vss.erase(it);
      continue;
    }
    const bool fwmark = std::holds_alternative<VsFwmark>(vs.key);
    if (vs.ops && vs.protocol != Protocol::Udp) {
      c.diags.warn(vs.loc, fmt::format("{}: ops (one-packet scheduling) requires protocol UDP; cleared", who));
      vs.ops = false;
    }
    if (const auto* a = std::get_if<VsAddress>(&vs.key); a && a->port == 0 && !vs.persistence_timeout)
      c.diags.warn(vs.loc, fmt::format("{}: port 0 is only valid for a persistent service (set persistence_timeout)", who));
    Family vs_fam = Family::Inet;
    if (const auto* a = std::get_if<VsAddress>(&vs.key)) vs_fam = a->address.family;
    else if (vs.ip_family) vs_fam = *vs.ip_family;
    else if (!vs.real_servers.empty()) vs_fam = vs.real_servers.front().address.family;
    std::set<std::pair<IpAddress, Port>> seen;
    std::int64_t total_weight = 0;
    for (auto rit = vs.real_servers.begin(); rit != vs.real_servers.end();) {
      auto& rs = *rit;
      // The port as IPVS will have it first, so that a repeat is seen whatever was written
      // (a fwmark service's real server on 443 and on no port are the same one).
      if (fwmark && rs.port != 0) {
        c.diags.warn(rs.loc, fmt::format("{}: a fwmark service has no ports; the port of real_server {} is ignored", who,
                                         rs.address.to_string()));
        rs.port = 0;
      }
      if (!fwmark && rs.port == 0)
        if (const auto* a = std::get_if<VsAddress>(&vs.key)) rs.port = a->port;
      if (!seen.emplace(rs.address, rs.port).second) {
        c.diags.warn(rs.loc, fmt::format("{}: real_server {} {} is listed twice; the second is ignored", who, rs.address.to_string(),
                                         rs.port));
        rit = vs.real_servers.erase(rit);
        continue;
      }
      if (rs.address.family != vs_fam && rs.forwarding.method != ForwardingMethod::Tun) {
        c.diags.warn(rs.loc, fmt::format("{}: real_server {} is not of the virtual server's address family (only TUN "
                                         "real servers may differ); ignored",
                                         who, rs.address.to_string()));
        rit = vs.real_servers.erase(rit);
        continue;
      }
      for (auto cit = rs.checkers.begin(); cit != rs.checkers.end();) {
        bool keep = true;
        validate_checker(c, who, rs, *cit, keep);
        cit = keep ? cit + 1 : rs.checkers.erase(cit);
      }
      total_weight += rs.weight;
      ++rit;
    }
    if (vs.real_servers.empty()) {
      c.diags.warn(vs.loc, fmt::format("{} has no real servers; virtual server ignored", who));
      it = vss.erase(it);
      continue;
    }
    if (fwmark && vs.sorry_server && vs.sorry_server->port != 0) {
      c.diags.warn(vs.sorry_server->loc, fmt::format("{}: a fwmark service has no ports; the sorry_server port is ignored", who));
      vs.sorry_server->port = 0;
    }
    // keepalived 2.2.7: "quorum 5 for ... exceeds total weight of real servers 2, reducing
    // quorum to 2". This is the one place the rule lives: the checkers' quorum (and so the
    // IPVS pool) works with the value that results.
    if (total_weight < vs.quorum) {
      c.diags.warn(vs.loc, fmt::format("{}: quorum {} exceeds the total weight {} of the real servers; {} is used", who,
                                       vs.quorum, total_weight, total_weight));
      vs.quorum = static_cast<std::uint32_t>(total_weight);
    }
    if (vs.hysteresis >= vs.quorum && vs.hysteresis != 0) {
      c.diags.warn(vs.loc, fmt::format("{}: hysteresis {} must be below quorum {}; {} is used", who, vs.hysteresis, vs.quorum,
                                       vs.quorum - 1));
      vs.hysteresis = vs.quorum - 1;
    }
    ++it;
  }
}

}  // namespace stayalived::config::detail
