// libFuzzer target for the IPVS generic-netlink codec, both ways.
//  - Reply parsing (first byte even): the rest is a datagram "from the kernel"; split() and
//    every decoder run on each message, and must never read outside it.
//  - Message building (first byte odd): the rest chooses an operation (any kind, family,
//    protocol, fwmark, scheduler, flags, forwarding method, weights, tunnel fields); what
//    encode_op builds must split into exactly one message with our sequence number, and
//    decode back to the same service and destination (what the kernel would read).
//    The same for the by-key service request and the destination dump request.
#include <fuzzer/FuzzedDataProvider.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "stayalived/ipvs/genl_codec.hpp"

using namespace stayalived::ipvs;

namespace {

void parse_reply(std::span<const std::uint8_t> in, Family family) {
  auto msgs = genl::split(in);
  if (!msgs) return;
  for (const auto& m : *msgs) {
    if (m.attrs.data() != nullptr && (m.attrs.data() < in.data() || m.attrs.data() + m.attrs.size() > in.data() + in.size()))
      std::abort();
    (void)genl::decode_service(m);
    (void)genl::decode_dest(m, family);
    (void)genl::decode_daemon(m);
    (void)genl::decode_timeouts(m);
    (void)genl::decode_info(m);
    if (auto attrs = genl::parse_attrs(m.attrs))
      for (const auto& a : *attrs)
        if (a.nested) (void)genl::parse_attrs(a.data);
  }
}

// Names as the config allows them: short, printable, no NUL (the kernel's are NUL-ended).
std::string name(FuzzedDataProvider& p, std::size_t max) {
  std::string s = p.ConsumeRandomLengthString(max);
  for (auto& c : s) c = static_cast<char>('a' + static_cast<unsigned char>(c) % 26);
  return s;
}

IpAddress address(FuzzedDataProvider& p, Family family) {
  IpAddress a;
  a.family = family;
  for (std::size_t i = 0; i < a.size(); ++i) a.bytes[i] = p.ConsumeIntegral<std::uint8_t>();
  return a;
}

ServiceKey service_key(FuzzedDataProvider& p) {
  const Family family = p.ConsumeBool() ? Family::Inet6 : Family::Inet;
  if (p.ConsumeBool()) return ServiceKey::fwmark_service(p.ConsumeIntegralInRange<std::uint32_t>(1, UINT32_MAX), family);
  static constexpr Protocol kProtocols[] = {Protocol::Tcp, Protocol::Udp, Protocol::Sctp};
  return ServiceKey::make(p.PickValueInArray(kProtocols), address(p, family), p.ConsumeIntegral<std::uint16_t>());
}

void build(FuzzedDataProvider& p, std::uint16_t family_id) {
  Op op;
  op.kind = static_cast<OpKind>(p.ConsumeIntegralInRange<int>(0, 5));
  op.service.key = service_key(p);
  op.service.scheduler = name(p, 15);
  op.service.flags = p.ConsumeIntegral<std::uint32_t>() & svc_flag::kUserMask;
  op.service.timeout = p.ConsumeIntegral<std::uint32_t>();
  op.service.netmask = p.ConsumeIntegral<std::uint32_t>();
  if (p.ConsumeBool()) op.service.pe_name = name(p, 15);
  const Family dest_family = p.ConsumeBool() ? Family::Inet6 : Family::Inet;
  op.dest.key = DestKey{address(p, dest_family), p.ConsumeIntegral<std::uint16_t>()};
  static constexpr Forward kForwards[] = {Forward::Masq, Forward::Local, Forward::Tunnel, Forward::Route,
                                          Forward::Bypass};
  op.dest.forward = p.PickValueInArray(kForwards);
  op.dest.weight = p.ConsumeIntegral<std::uint32_t>();
  op.dest.upper_threshold = p.ConsumeIntegral<std::uint32_t>();
  op.dest.lower_threshold = p.ConsumeIntegral<std::uint32_t>();
  if (op.dest.forward == Forward::Tunnel) {
    static constexpr TunnelType kTunnels[] = {TunnelType::Ipip, TunnelType::Gue, TunnelType::Gre};
    op.dest.tun_type = p.PickValueInArray(kTunnels);
    op.dest.tun_port = p.ConsumeIntegral<std::uint16_t>();
    op.dest.tun_flags = p.ConsumeIntegral<std::uint16_t>();
  }
  const std::uint32_t seq = p.ConsumeIntegral<std::uint32_t>();
  const genl::Header h{family_id, seq};

  auto one = [&](const genl::Bytes& bytes) -> genl::Message {
    auto msgs = genl::split(bytes);
    if (!msgs || msgs->size() != 1) std::abort();
    const auto& m = (*msgs)[0];
    if (m.seq != seq || m.type != family_id) std::abort();
    return m;
  };

  const genl::Bytes bytes = genl::encode_op(op, h);
  const genl::Message m = one(bytes);
  auto s = genl::decode_service(m);
  if (!s || s->key != op.service.key) std::abort();
  const bool full_service = op.kind == OpKind::AddService || op.kind == OpKind::EditService;
  if (full_service && !(*s == op.service)) std::abort();
  if (op.is_dest()) {
    auto d = genl::decode_dest(m, op.service.key.family);
    if (!d || d->key != op.dest.key) std::abort();
    if (op.kind != OpKind::DeleteDest && !(*d == op.dest)) std::abort();
  }

  auto by_key = genl::decode_service(one(genl::encode_get_service(op.service.key, h)));
  if (!by_key || by_key->key != op.service.key) std::abort();
  auto dests = genl::decode_service(one(genl::encode_get_dests(op.service.key, h)));
  if (!dests || dests->key != op.service.key) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint16_t family_id = static_cast<std::uint16_t>(16 + data[1] % 64);  // a genl id: >= NLMSG_MIN_TYPE
  if ((data[0] & 1) == 0) {
    parse_reply(std::span<const std::uint8_t>(data + 2, size - 2), data[0] & 2 ? Family::Inet6 : Family::Inet);
  } else {
    FuzzedDataProvider p(data + 2, size - 2);
    build(p, family_id);
  }
  return 0;
}
