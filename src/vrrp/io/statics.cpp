// static_ipaddress, static_routes and static_rules: the addresses, routes and rules
// keepalived keeps on the system whatever the VRRP states. As keepalived 2.2.7 does
// (measured in a namespace): installed when the runtime starts, changed by difference on a
// reload, removed at the stop; a static address that disappears (deleted, or its interface
// re-created) is put back ("Restoring deleted static address ..."), a static route or rule
// that is deleted is not (keepalived restores neither without track_group).
#include "runtime_impl.hpp"

namespace stayalived::vrrp {

// An address without `dev` goes on default_interface (eth0 unless set).
std::vector<AddressSpec> Runtime::Impl::static_address_specs(const config::Config& c) const {
  std::vector<AddressSpec> out;
  const auto fallback = link_named(c.global.default_interface.value_or("eth0"));
  for (const auto& va : c.static_ipaddresses)
    if (const int i = ifindex_of(va.dev, fallback ? fallback->index : 0)) out.push_back(AddressSpec{i, va});
  return out;
}

void Runtime::Impl::install_statics(const config::Config* old) {
  if (!nl || !cfg) return;
  auto warn = [&](const char* what, const std::string& item, const Result<>& r) {
    if (!r) log.warning("cannot {} static {}: {}", what, item, r.error().message);
  };
  const auto addrs_now = static_address_specs(*cfg);
  const auto routes_now = route_specs(cfg->static_routes);
  if (old) {
    // What the old configuration had and the new one does not goes first.
    for (const auto& s : static_address_specs(*old))
      if (std::find(addrs_now.begin(), addrs_now.end(), s) == addrs_now.end()) {
        auto r = nl->delete_address(s);
        warn("remove", "address " + s.va.address.to_string(), r ? Result<>{} : Unexpected(r.error()));
      }
    for (const auto& s : route_specs(old->static_routes))
      if (std::find(routes_now.begin(), routes_now.end(), s) == routes_now.end())
        warn("remove", "route " + s.route.destination.to_string(), nl->delete_route(s));
    for (const auto& r : old->static_rules)
      if (std::find(cfg->static_rules.begin(), cfg->static_rules.end(), r) == cfg->static_rules.end())
        warn("remove", "rule", nl->delete_rule(r));
  }
  for (const auto& va : cfg->static_ipaddresses) {
    const auto dev = va.dev.value_or(cfg->global.default_interface.value_or("eth0"));
    if (!link_named(dev)) log.warning("static address {}: interface {} does not exist", va.address.to_string(), dev);
  }
  // Adding what is already there is no error: everything is (re)applied.
  for (const auto& s : addrs_now) warn("add", "address " + s.va.address.to_string(), nl->add_address(s));
  for (const auto& s : routes_now) warn("add", "route " + s.route.destination.to_string(), nl->add_route(s));
  for (const auto& r : cfg->static_rules) warn("add", "rule", nl->add_rule(r));
}

void Runtime::Impl::remove_statics() {
  if (!nl || !cfg) return;
  for (const auto& r : cfg->static_rules) (void)nl->delete_rule(r);
  for (const auto& s : route_specs(cfg->static_routes)) (void)nl->delete_route(s);
  for (const auto& s : static_address_specs(*cfg)) (void)nl->delete_address(s);
}

void Runtime::Impl::static_address_removed(const AddrInfo& ai) {
  if (!cfg || stopping) return;
  for (const auto& s : static_address_specs(*cfg)) {
    if (s.ifindex != ai.index || s.va.address.address != ai.address) continue;
    const auto ifname = links.count(ai.index) ? links[ai.index].name : std::to_string(ai.index);
    log.info("Restoring deleted static address {} dev {}", s.va.address.to_string(), ifname);
    if (auto r = nl->add_address(s); !r)
      log.warning("cannot restore static address {}: {}", s.va.address.to_string(), r.error().message);
  }
}

void Runtime::Impl::static_link_appeared(const LinkInfo& link) {
  if (!cfg || stopping) return;
  for (const auto& s : static_address_specs(*cfg))
    if (s.ifindex == link.index)
      if (auto r = nl->add_address(s); !r)
        log.warning("cannot add static address {} on {}: {}", s.va.address.to_string(), link.name, r.error().message);
}

}  // namespace stayalived::vrrp
