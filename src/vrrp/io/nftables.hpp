// The VRRP firewall's tables through libnftables (the one file that includes it).
#pragma once

#include <map>
#include <memory>
#include <set>

#include "ports.hpp"

struct nft_ctx;

namespace stayalived::vrrp {

class Nftables final : public FirewallPort {
 public:
  /// A libnftables context; nothing is created in the kernel until sync().
  static Result<std::unique_ptr<Nftables>> open(const FirewallOptions& options);
  ~Nftables() override;
  Nftables(const Nftables&) = delete;
  Nftables& operator=(const Nftables&) = delete;

  Result<> sync(Family family, const std::vector<DroppedAddress>& addresses) override;
  void close() override;

 private:
  explicit Nftables(const FirewallOptions& options, nft_ctx* ctx) : options_(options), ctx_(ctx) {}
  Result<> run(const std::string& commands);

  FirewallOptions options_;
  nft_ctx* ctx_ = nullptr;
  std::map<Family, std::set<DroppedAddress>> tables_;  // the tables created, and their set's elements
};

}  // namespace stayalived::vrrp
