// The IPVS backend over generic netlink: the only file that includes libnl. libnl opens
// the socket and resolves the "IPVS" family (genl_ctrl_resolve, which also makes the
// kernel load ip_vs); the messages themselves are built and parsed by genl_codec.
//
// Writes are batched: up to `batch` messages (and `batch_bytes`) go out in one sendmsg,
// each asking for an ack. The kernel handles the messages of a datagram one after the
// other inside that sendmsg (a failed one does not stop the next) and queues one ack per
// message before sendmsg returns, so every answer the batch will ever get is in our
// receive queue by then. The acks are read 64 at a time with recvmmsg and matched back to
// their op by sequence number: 0 is confirmed, an errno is refused. An ack the kernel
// could not queue (receive buffer full: ENOBUFS on the next read) is gone for good: the
// rest of the queue is still read, and the ops without an answer are kLost, which makes
// the Reconciler re-read the table. (The one wait that can take long is inside the
// kernel: sendmsg of a service whose scheduler module is not loaded runs modprobe first.)
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "stayalived/ipvs/backend.hpp"
#include "stayalived/ipvs/genl_codec.hpp"

namespace stayalived::ipvs {
namespace {

constexpr int kPollMillis = 5000;
constexpr std::size_t kRecvBuffer = 64 * 1024;
constexpr int kDumpAttempts = 3;
#ifndef NETLINK_CAP_ACK
constexpr int NETLINK_CAP_ACK = 10;
#endif

Error sys_error(const std::string& what, int err) { return Error{fmt::format("{}: {}", what, std::strerror(err)), err}; }

class NetlinkBackend final : public Backend {
 public:
  NetlinkBackend(nl_sock* sock, int family, NetlinkOptions opts)
      : sock_(sock), family_(static_cast<std::uint16_t>(family)), opts_(opts), buf_(kRecvBuffer) {
    if (opts_.batch == 0) opts_.batch = 1;
  }
  ~NetlinkBackend() override { nl_socket_free(sock_); }
  NetlinkBackend(const NetlinkBackend&) = delete;
  NetlinkBackend& operator=(const NetlinkBackend&) = delete;

  Result<State> dump(const std::function<bool(const ServiceKey&)>& with_dests) override {
    State out;
    auto services = dump_list<Service>(genl::encode_get_services(next_header()),
                                       [](const genl::Message& m) { return genl::decode_service(m); });
    if (!services) return Unexpected(services.error());
    for (const auto& s : *services) {
      auto& e = out.put(s);
      if (!with_dests || !with_dests(s.key)) continue;
      const Family family = s.key.family;
      auto dests = dump_list<Destination>(genl::encode_get_dests(s.key, next_header()),
                                          [family](const genl::Message& m) { return genl::decode_dest(m, family); });
      if (!dests) {
        // The service went away between the two dumps: it is simply not there.
        if (dests.error().code == ESRCH || dests.error().code == ENOENT) {
          out.services.erase(s.key);
          continue;
        }
        return Unexpected(dests.error());
      }
      for (auto& d : *dests) e.dests[d.key] = d;
    }
    return out;
  }

  Result<std::vector<ServiceStats>> stats(const std::function<bool(const ServiceKey&)>& with_dests) override {
    auto services = dump_list<ServiceStats>(genl::encode_get_services(next_header()),
                                            [](const genl::Message& m) { return genl::decode_service_stats(m); });
    if (!services) return Unexpected(services.error());
    std::vector<ServiceStats> out;
    out.reserve(services->size());
    for (auto& s : *services) {
      if (with_dests && with_dests(s.key)) {
        const Family family = s.key.family;
        auto dests = dump_list<DestStats>(genl::encode_get_dests(s.key, next_header()), [family](const genl::Message& m) {
          return genl::decode_dest_stats(m, family);
        });
        if (!dests) {
          if (dests.error().code == ESRCH || dests.error().code == ENOENT) continue;  // gone meanwhile
          return Unexpected(dests.error());
        }
        s.dests = std::move(*dests);
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  std::vector<OpError> execute(std::span<const Op> ops) override {
    std::vector<OpError> results(ops.size(), kLost);
    std::vector<std::uint8_t> datagram;
    for (std::size_t start = 0; start < ops.size();) {
      datagram.clear();
      const std::uint32_t first_seq = seq_ + 1;
      std::size_t n = 0;
      while (start + n < ops.size() && n < opts_.batch) {
        auto bytes = genl::encode_op(ops[start + n], genl::Header{family_, first_seq + static_cast<std::uint32_t>(n)});
        if (n > 0 && datagram.size() + bytes.size() > opts_.batch_bytes) break;
        datagram.insert(datagram.end(), bytes.begin(), bytes.end());
        ++n;
      }
      seq_ = first_seq + static_cast<std::uint32_t>(n) - 1;
      counters_.writes += n;
      auto acks = transact(datagram, first_seq, n);
      std::copy(acks.begin(), acks.end(), results.begin() + static_cast<std::ptrdiff_t>(start));
      start += n;
    }
    return results;
  }

  Result<std::optional<ServiceEntry>> lookup(const ServiceKey& key) override {
    auto msgs = request(genl::encode_get_service(key, next_header()));
    if (!msgs) {
      if (msgs.error().code == ESRCH || msgs.error().code == ENOENT) return std::optional<ServiceEntry>{};
      return Unexpected(msgs.error());
    }
    for (const auto& m : *msgs) {
      if (m.type != family_) continue;
      auto s = genl::decode_service(m);
      if (!s) return Unexpected(Error{"malformed service: " + s.error(), EPROTO});
      ServiceEntry e{.service = *s, .dests = {}};
      const Family family = key.family;
      auto dests = dump_list<Destination>(genl::encode_get_dests(key, next_header()),
                                          [family](const genl::Message& d) { return genl::decode_dest(d, family); });
      if (!dests) {
        if (dests.error().code == ESRCH || dests.error().code == ENOENT) return std::optional<ServiceEntry>{};
        return Unexpected(dests.error());
      }
      for (auto& d : *dests) e.dests[d.key] = d;
      return std::optional<ServiceEntry>{std::move(e)};
    }
    return Unexpected(Error{"no answer to IPVS_CMD_GET_SERVICE", EPROTO});
  }

  Result<void> flush() override { return write_one(genl::encode_flush(next_header()), "flush"); }

  Result<Timeouts> timeouts() override {
    auto msgs = request(genl::encode_get_timeouts(next_header()));
    if (!msgs) return Unexpected(msgs.error());
    for (const auto& m : *msgs) {
      if (m.type != family_) continue;
      auto t = genl::decode_timeouts(m);
      if (!t) return Unexpected(Error{t.error(), EPROTO});
      return *t;
    }
    return Unexpected(Error{"no answer to IPVS_CMD_GET_CONFIG", EPROTO});
  }

  Result<void> set_timeouts(const Timeouts& t) override {
    return write_one(genl::encode_set_timeouts(t, next_header()), "set timeouts");
  }

  Result<std::vector<SyncDaemon>> sync_daemons() override {
    return dump_list<SyncDaemon>(genl::encode_get_daemons(next_header()),
                                 [](const genl::Message& m) { return genl::decode_daemon(m); });
  }

  Result<void> start_sync_daemon(const SyncDaemon& d) override {
    return write_one(genl::encode_new_daemon(d, next_header()), "start sync daemon");
  }

  Result<void> stop_sync_daemon(SyncRole role) override {
    return write_one(genl::encode_del_daemon(role, next_header()), "stop sync daemon");
  }

  Counters counters() const override { return counters_; }

 private:
  genl::Header next_header() { return genl::Header{family_, ++seq_}; }

  int fd() const { return nl_socket_get_fd(sock_); }

  // Sends one datagram; returns 0 or an errno.
  int send(std::span<const std::uint8_t> bytes) {
    ++counters_.sends;
    int r = nl_sendto(sock_, const_cast<std::uint8_t*>(bytes.data()), bytes.size());
    if (r < 0) return errno != 0 ? errno : EIO;
    return 0;
  }

  // Receives one datagram and splits it; an errno on failure or timeout.
  Expected<std::vector<genl::Message>, int> receive() {
    if (int e = wait_readable(kPollMillis); e != 0) return Unexpected(e);
    ssize_t n;
    do {
      n = ::recv(fd(), buf_.data(), buf_.size(), MSG_TRUNC);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return Unexpected(errno);
    if (static_cast<std::size_t>(n) > buf_.size()) return Unexpected(EMSGSIZE);
    auto msgs = genl::split(std::span<const std::uint8_t>(buf_.data(), static_cast<std::size_t>(n)));
    if (!msgs) return Unexpected(EPROTO);
    counters_.received += msgs->size();
    return std::move(*msgs);
  }

  // Waits up to `millis` for the socket to be readable: 0 when it is, else an errno.
  int wait_readable(int millis) {
    pollfd p{fd(), POLLIN, 0};
    int pr;
    do {
      pr = ::poll(&p, 1, millis);
    } while (pr < 0 && errno == EINTR);
    if (pr == 0) return ETIMEDOUT;
    return pr < 0 ? errno : 0;
  }

  // Reads up to kAckSlots queued datagrams in one recvmmsg, without waiting (each ack is
  // its own datagram, so one call per ack would cost a syscall per write). Returns the
  // number of datagrams, or -errno (-EAGAIN: the queue is empty).
  int receive_acks() {
    for (std::size_t i = 0; i < kAckSlots; ++i) {
      ack_iov_[i] = iovec{ack_buf_.data() + i * kAckSize, kAckSize};
      ack_hdr_[i] = mmsghdr{};
      ack_hdr_[i].msg_hdr.msg_iov = &ack_iov_[i];
      ack_hdr_[i].msg_hdr.msg_iovlen = 1;
    }
    int n;
    do {
      n = ::recvmmsg(fd(), ack_hdr_.data(), kAckSlots, MSG_DONTWAIT, nullptr);
    } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
  }

  // Sends a batch of `n` writes numbered from `first_seq` and collects their acks: the
  // kernel has queued all of them (or dropped some, ENOBUFS) by the time sendmsg returns,
  // so the queue is read until it is empty. Only if not one answer is there yet does it
  // wait (kPollMillis), which a kernel that answered later than sendmsg would need.
  std::vector<OpError> transact(std::span<const std::uint8_t> datagram, std::uint32_t first_seq, std::size_t n) {
    std::vector<OpError> acks(n, kLost);
    if (int e = send(datagram); e != 0) {
      // The kernel refused the datagram as a whole: none of its messages ran.
      acks.assign(n, e);
      counters_.refused += n;
      return acks;
    }
    std::size_t pending = n;
    bool overrun = false;
    bool waited = false;
    while (pending > 0) {
      int got = receive_acks();
      if (got == -ENOBUFS) {
        // Answers were dropped; the ones queued before and after the drop are still read.
        ++counters_.overruns;
        overrun = true;
        continue;
      }
      if (got == -EAGAIN) {
        if (overrun || waited || pending < n) break;
        waited = true;
        if (wait_readable(kPollMillis) != 0) break;
        continue;
      }
      if (got <= 0) break;
      for (int i = 0; i < got; ++i) {
        // An ack larger than its slot (it never is: NETLINK_CAP_ACK) is not trusted.
        if (ack_hdr_[i].msg_hdr.msg_flags & MSG_TRUNC) continue;
        auto msgs = genl::split(std::span<const std::uint8_t>(ack_buf_.data() + i * kAckSize, ack_hdr_[i].msg_len));
        if (!msgs) continue;
        counters_.received += msgs->size();
        for (const auto& m : *msgs) {
          if (m.type != genl::kMsgError || m.seq < first_seq || m.seq - first_seq >= n) continue;
          OpError& slot = acks[m.seq - first_seq];
          if (slot != kLost) continue;  // a second answer to one message: keep the first
          slot = m.error;
          --pending;
          ++(m.error == 0 ? counters_.acked : counters_.refused);
        }
      }
    }
    counters_.lost += pending;
    return acks;
  }

  Result<void> write_one(std::vector<std::uint8_t> bytes, const char* what) {
    ++counters_.writes;
    std::uint32_t seq = seq_;
    auto acks = transact(bytes, seq, 1);
    if (acks[0] == kLost) return Unexpected(Error{fmt::format("{}: no acknowledgement", what), ETIMEDOUT});
    if (acks[0] != 0) return Unexpected(sys_error(what, acks[0]));
    return {};
  }

  // A non-dump request (GET_CONFIG, GET_INFO): the answer, or the kernel's error.
  Result<std::vector<genl::Message>> request(std::vector<std::uint8_t> bytes) {
    ++counters_.reads;
    std::uint32_t seq = seq_;
    if (int e = send(bytes); e != 0) return Unexpected(sys_error("send", e));
    for (;;) {
      auto msgs = receive();
      if (!msgs) return Unexpected(sys_error("receive", msgs.error()));
      std::vector<genl::Message> mine;
      for (const auto& m : *msgs) {
        if (m.seq != seq) continue;
        if (m.type == genl::kMsgError && m.error != 0) return Unexpected(sys_error("request", m.error));
        mine.push_back(m);
      }
      if (!mine.empty()) {
        // The spans point into buf_, valid until the next receive: decode before that.
        return mine;
      }
    }
  }

  // A dump: every message until NLMSG_DONE, decoded. Restarted (bounded) when the kernel
  // flags it as interrupted by a concurrent change.
  template <class T, class Decode>
  Result<std::vector<T>> dump_list(std::vector<std::uint8_t> bytes, Decode decode) {
    for (int attempt = 0; attempt < kDumpAttempts; ++attempt) {
      if (attempt > 0) {
        // Re-number the request for the retry.
        std::uint32_t seq = ++seq_;
        std::memcpy(bytes.data() + 8, &seq, 4);
      }
      std::uint32_t seq;
      std::memcpy(&seq, bytes.data() + 8, 4);
      ++counters_.reads;
      if (int e = send(bytes); e != 0) return Unexpected(sys_error("dump request", e));
      std::vector<T> out;
      bool interrupted = false;
      for (bool done = false; !done;) {
        auto msgs = receive();
        if (!msgs) return Unexpected(sys_error("dump", msgs.error()));
        for (const auto& m : *msgs) {
          if (m.seq != seq) continue;
          if (m.flags & genl::kFlagDumpIntr) interrupted = true;
          if (m.type == genl::kMsgDone) {
            if (m.error != 0) return Unexpected(sys_error("dump", m.error));
            done = true;
            break;
          }
          if (m.type == genl::kMsgError) {
            if (m.error != 0) return Unexpected(sys_error("dump", m.error));
            continue;
          }
          if (m.type != family_) continue;
          auto v = decode(m);
          if (!v) return Unexpected(Error{"malformed dump entry: " + v.error(), EPROTO});
          out.push_back(std::move(*v));
        }
      }
      if (!interrupted) return out;
    }
    return Unexpected(Error{"dump interrupted by concurrent changes, retries exhausted", EAGAIN});
  }

  nl_sock* sock_;
  std::uint16_t family_;
  NetlinkOptions opts_;
  std::uint32_t seq_ = 0;
  std::vector<std::uint8_t> buf_;
  static constexpr std::size_t kAckSlots = 64;
  static constexpr std::size_t kAckSize = 256;
  std::vector<std::uint8_t> ack_buf_ = std::vector<std::uint8_t>(kAckSlots * kAckSize);
  std::array<iovec, kAckSlots> ack_iov_{};
  std::array<mmsghdr, kAckSlots> ack_hdr_{};
  Counters counters_;
};

}  // namespace

Result<std::unique_ptr<Backend>> make_netlink_backend(NetlinkOptions opts) {
  nl_sock* sock = nl_socket_alloc();
  if (sock == nullptr) return Unexpected(Error{"cannot allocate a netlink socket", ENOMEM});
  if (int r = genl_connect(sock); r < 0) {
    nl_socket_free(sock);
    return Unexpected(Error{fmt::format("cannot open a generic netlink socket: {}", nl_geterror(r)), EIO});
  }
  int family = genl_ctrl_resolve(sock, "IPVS");
  if (family < 0) {
    nl_socket_free(sock);
    return Unexpected(Error{fmt::format("generic netlink family IPVS not found (is ip_vs loaded?): {}",
                                        nl_geterror(family)),
                            ENOENT});
  }
  int fd = nl_socket_get_fd(sock);
  // A large receive buffer holds the acks of a whole batch; FORCE needs CAP_NET_ADMIN
  // (which we need anyway), plain SO_RCVBUF is capped by net.core.rmem_max.
  if (opts.rcvbuf_configured)
    setsockopt(fd, SOL_SOCKET, opts.rcvbuf_force ? SO_RCVBUFFORCE : SO_RCVBUF, &opts.rcvbuf, sizeof opts.rcvbuf);
  else if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &opts.rcvbuf, sizeof opts.rcvbuf) != 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opts.rcvbuf, sizeof opts.rcvbuf);
  // The kernel refuses a datagram larger than the send buffer (EMSGSIZE); libnl sets 32 KiB.
  int sndbuf = static_cast<int>(std::max<std::size_t>(opts.batch_bytes * 2, 64 * 1024));
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf) != 0)
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  // Error acks without a copy of our request: smaller, so more fit.
  int one = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof one);
  return std::unique_ptr<Backend>(new NetlinkBackend(sock, family, opts));
}

}  // namespace stayalived::ipvs
