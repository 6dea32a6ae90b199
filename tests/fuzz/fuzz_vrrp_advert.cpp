// libFuzzer target for the VRRP advert decoder (IPv4 with AH, IPv6), the authentication
// check and the instance that consumes decoded adverts. Properties checked beyond "no crash":
// whatever decodes re-encodes to something that decodes to the same advert, and a Backup
// instance never leaves Backup because of an advert from a source it must refuse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "stayalived/vrrp/codec.hpp"
#include "stayalived/vrrp/instance.hpp"

using namespace stayalived;
using namespace stayalived::vrrp;

namespace {

void check_round_trip(const Received& rx, Family fam) {
  Frame f;
  f.advert = rx.advert;
  f.source = rx.source;
  f.destination = rx.destination;
  f.ttl = rx.ttl;
  f.checksum = rx.checksum;
  f.group = traits(fam).default_group;
  f.key = rx.advert.auth_data;
  Expected<Received, DropReason> again = Unexpected<DropReason>{DropReason::Truncated};
  DecodeOptions opts{traits(fam).default_group, true};
  if (fam == Family::Inet)
    again = decode_ipv4(encode_ipv4(f), opts);
  else
    again = decode_ipv6(encode_vrrp(f), Ipv6Meta{rx.source, rx.destination, rx.ttl}, opts);
  if (!again || !(again->advert == rx.advert)) std::abort();
}

void feed_instance(const Received& rx) {
  InstanceConfig cfg;
  cfg.name = "FUZZ";
  cfg.vrid = rx.advert.vrid;
  cfg.version = rx.advert.version;
  cfg.family = rx.source.family;
  cfg.addresses = rx.advert.addresses;
  Instance inst(cfg);
  inst.set_source(rx.source);  // the advert claims to be ours: must be refused
  const TimePoint now{};
  (void)inst.handle(Start{}, now);
  (void)inst.handle(AdvertReceived{rx, std::nullopt}, now);
  if (inst.state() != State::Backup) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  const DecodeOptions opts{traits(data[0] & 1 ? Family::Inet6 : Family::Inet).default_group, (data[0] & 2) != 0};
  if ((data[0] & 1) == 0) {
    auto rx = decode_ipv4(in, opts);
    if (!rx) return 0;
    (void)verify_auth(in, *rx, rx->advert.auth_type, rx->advert.auth_data);
    check_round_trip(*rx, Family::Inet);
    feed_instance(*rx);
  } else {
    // IPv6: the first 33 bytes of the input play the kernel's metadata.
    if (in.size() < 33) return 0;
    auto src = *IpAddress::from_bytes(in.first(16));
    auto dst = *IpAddress::from_bytes(in.subspan(16, 16));
    auto rx = decode_ipv6(in.subspan(33), Ipv6Meta{src, dst, in[32]}, opts);
    if (!rx) return 0;
    check_round_trip(*rx, Family::Inet6);
    feed_instance(*rx);
  }
  return 0;
}
