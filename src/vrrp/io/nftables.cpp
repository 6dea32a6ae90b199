// The VRRP firewall's tables through libnftables: the commands are written by the pure
// core (stayalived/vrrp/firewall.hpp) and run here, each batch as one transaction.
#include "nftables.hpp"

#include <nftables/libnftables.h>

#include <cerrno>

namespace stayalived::vrrp {

Result<std::unique_ptr<Nftables>> Nftables::open(const FirewallOptions& options) {
  nft_ctx* ctx = nft_ctx_new(NFT_CTX_DEFAULT);
  if (ctx == nullptr) return Unexpected(Error{"cannot create an nftables context", ENOMEM});
  // Errors come back as text (for the log), not on stderr; nothing is printed on success.
  nft_ctx_buffer_error(ctx);
  nft_ctx_buffer_output(ctx);
  return std::unique_ptr<Nftables>(new Nftables(options, ctx));
}

Nftables::~Nftables() {
  close();
  if (ctx_) nft_ctx_free(ctx_);
}

Result<> Nftables::run(const std::string& commands) {
  if (commands.empty()) return {};
  if (nft_run_cmd_from_buffer(ctx_, commands.c_str()) != 0) {
    std::string why = nft_ctx_get_error_buffer(ctx_);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return Unexpected(Error{"nftables: " + why, EINVAL});
  }
  return {};
}

Result<> Nftables::sync(Family family, const std::vector<DroppedAddress>& addresses) {
  const std::set<DroppedAddress> want(addresses.begin(), addresses.end());
  auto it = tables_.find(family);
  if (it == tables_.end()) {
    if (want.empty()) return {};
    if (auto r = run(nft_create_table(family, options_)); !r) return r;
    it = tables_.emplace(family, std::set<DroppedAddress>{}).first;
  }
  std::vector<DroppedAddress> gone, added;
  for (const auto& a : it->second)
    if (!want.count(a)) gone.push_back(a);
  for (const auto& a : want)
    if (!it->second.count(a)) added.push_back(a);
  auto r = run(nft_elements(family, options_, false, gone) + nft_elements(family, options_, true, added));
  if (!r) {
    // The table was changed behind our back (an element deleted, the table flushed): build
    // it again with exactly what is wanted.
    r = run(nft_create_table(family, options_) + nft_elements(family, options_, true, {want.begin(), want.end()}));
  }
  if (r) it->second = want;
  return r;
}

void Nftables::close() {
  for (const auto& [family, elements] : tables_) (void)run(nft_delete_table(family, options_));
  tables_.clear();
}

}  // namespace stayalived::vrrp
