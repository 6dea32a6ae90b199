// The nft commands of the VRRP firewall (stayalived/vrrp/firewall.hpp).
#include "stayalived/vrrp/firewall.hpp"

#include <fmt/format.h>

namespace stayalived::vrrp {

namespace {

const char* family_word(Family f) { return f == Family::Inet ? "ip" : "ip6"; }

}  // namespace

FirewallOptions firewall_options(const config::GlobalDefs& g) {
  FirewallOptions o;
  if (g.nftables && !g.nftables->empty()) o.table = *g.nftables;
  if (g.nftables_priority) o.priority = *g.nftables_priority;
  o.counters = g.nftables_counters;
  return o;
}

bool firewalled(const config::VrrpInstance& v) { return v.accept == false; }

std::string nft_create_table(Family family, const FirewallOptions& o) {
  const char* f = family_word(family);
  const std::string t = fmt::format("{} {}", f, o.table);
  const char* counter = o.counters ? "counter " : "";
  // `add` then `delete`: a table left behind is removed, and a missing one is no error.
  std::string s = fmt::format("add table {t}\ndelete table {t}\nadd table {t}\n", fmt::arg("t", t));
  s += fmt::format("add set {} vips {{ type {}; }}\n", t, family == Family::Inet ? "ipv4_addr" : "ipv6_addr");
  if (family == Family::Inet6) {
    s += fmt::format("add set {} neighbor-discovery {{ type icmpv6_type; flags constant; "
                     "elements = {{ nd-neighbor-solicit, nd-neighbor-advert }}; }}\n",
                     t);
    s += fmt::format("add set {} vips_link_local {{ type ipv6_addr . iface_index; }}\n", t);
  }
  for (const char* dir : {"out", "in"})
    s += fmt::format("add chain {} {} {{ type filter hook {} priority {}; policy accept; }}\n", t, dir,
                     dir[0] == 'o' ? "output" : "input", o.priority);
  if (family == Family::Inet6) {
    s += fmt::format("add chain {} in_link_local\nadd chain {} out_link_local\n", t, t);
    s += fmt::format("add rule {} in_link_local ip6 daddr . iif @vips_link_local {}drop\n", t, counter);
    s += fmt::format("add rule {} out_link_local ip6 saddr . oif @vips_link_local {}drop\n", t, counter);
    for (const char* dir : {"out", "in"}) {
      const char* addr = dir[0] == 'o' ? "saddr" : "daddr";
      s += fmt::format("add rule {} {} icmpv6 type @neighbor-discovery {}accept\n", t, dir, counter);
      s += fmt::format("add rule {} {} ip6 {} fe80::/10 {}goto {}_link_local\n", t, dir, addr, counter, dir);
      s += fmt::format("add rule {} {} ip6 {} @vips {}drop\n", t, dir, addr, counter);
    }
  } else {
    s += fmt::format("add rule {} out ip saddr @vips {}drop\n", t, counter);
    s += fmt::format("add rule {} in ip daddr @vips {}drop\n", t, counter);
  }
  return s;
}

std::string nft_elements(Family family, const FirewallOptions& o, bool add, const std::vector<DroppedAddress>& addresses) {
  std::string list, link_local;
  for (const auto& a : addresses) {
    if (family == Family::Inet6 && a.address.is_link_local())
      link_local += fmt::format("{}{} . \"{}\"", link_local.empty() ? "" : ", ", a.address.to_string(), a.ifname);
    else
      list += (list.empty() ? "" : ", ") + a.address.to_string();
  }
  std::string s;
  const char* verb = add ? "add" : "delete";
  if (!list.empty()) s += fmt::format("{} element {} {} vips {{ {} }}\n", verb, family_word(family), o.table, list);
  if (!link_local.empty()) s += fmt::format("{} element ip6 {} vips_link_local {{ {} }}\n", verb, o.table, link_local);
  return s;
}

std::string nft_delete_table(Family family, const FirewallOptions& o) {
  return fmt::format("delete table {} {}\n", family_word(family), o.table);
}

}  // namespace stayalived::vrrp
