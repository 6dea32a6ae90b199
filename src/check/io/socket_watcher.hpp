// Private to src/check: readiness of many non-blocking sockets through one epoll set of our
// own, registered once in the io_context's reactor. TCP_CHECK and plain HTTP_GET use it.
//
// Why: an Asio socket costs per connection an ioctl (FIONBIO), an epoll_ctl to add it, one
// to arm EPOLLOUT for the connect and a poll before reading SO_ERROR; here a socket costs one
// epoll_ctl: it is added once, edge-triggered for input and output, and leaves the set by
// itself when closed. At 10,000 checks a second that is half the system calls of a check.
// The nested set is not free in the kernel (bench/tcp_floor.cpp-style loops measured ~3.5 us
// a check more than one flat set), but Asio's own per-socket registration measured worse
// still, in user space; see bench/check_scale.sh.
//
// Control flow: watch(fd) adds fd to the set (EPOLLIN | EPOLLOUT | EPOLLRDHUP, edge-
// triggered). Edges are remembered per fd until consumed: async_wait(fd, interest)
// completes at once (posted) when a remembered edge matches, else parks the handler in a
// table indexed by fd. When the set's descriptor becomes readable the watcher harvests
// ready sockets with a non-blocking epoll_wait, records their edges and completes matching
// handlers. Busy (a wakeup found kStartPolling events or more), the set leaves the reactor
// and is read every kPollPeriod instead, until a read finds fewer than kStayPolling: at
// 10,000 checks a second that is a wakeup a millisecond instead of one per event or two. A caller that reads or writes until EAGAIN calls consumed(fd, EPOLLIN or
// EPOLLOUT) before waiting again. An error or hang-up satisfies any interest. Each
// registration carries a generation number, so that an edge harvested for a descriptor
// that was closed and reused in the meantime is ignored. Per-operation cancellation (the
// checker's deadline) completes with operation_aborted, posted; the socket stays in the set
// until closed. The set's own wait is pending only while a handler is parked: otherwise it
// would be work that keeps the io_context's run() from returning. The watcher is an execution_context service: one per io_context.
#pragma once

#include <sys/epoll.h>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace stayalived::check {

class SocketWatcher final : public boost::asio::execution_context::service {
 public:
  using key_type = SocketWatcher;
  static boost::asio::execution_context::id id;

  /// `ctx` must be an io_context.
  explicit SocketWatcher(boost::asio::execution_context& ctx);
  ~SocketWatcher() override;

  /// Adds `fd` (a non-blocking socket) to the set: 0, or the errno of the failure.
  int watch(int fd);
  /// `fd` is about to be closed: forgets its edges. A parked handler is dropped without
  /// being called (its owner is the one closing).
  void forget(int fd);
  /// The edges remembered for `fd` and not consumed (0 if it is not watched).
  std::uint32_t edges(int fd) const {
    if (fd < 0 || static_cast<std::size_t>(fd) >= entries_.size()) return 0;
    return entries_[static_cast<std::size_t>(fd)].edges;
  }
  /// The caller drained `events` (EPOLLIN and/or EPOLLOUT) of `fd` up to EAGAIN.
  void consumed(int fd, std::uint32_t events);
  /// True while the set is read every kPollPeriod rather than woken for (busy).
  bool polling() const { return polling_; }

  /// Completes with no error and the edges remembered for `fd` (EPOLLIN, EPOLLOUT,
  /// EPOLLERR, EPOLLHUP, EPOLLRDHUP) once one of them matches `interest` (EPOLLIN and/or
  /// EPOLLOUT; an error or hang-up matches any); with operation_aborted when cancelled;
  /// with EBADF if `fd` is not watched, EBUSY if a wait on it is already pending.
  template <class Token>
  auto async_wait(int fd, std::uint32_t interest, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::uint32_t)>(
        [this](auto handler, int f, std::uint32_t want) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          start(f, want, Handler(std::move(handler)), slot);
        },
        token, fd, interest);
  }

 private:
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::uint32_t)>;
  // Asio 1.81's any_completion_handler move-assignment copies `other` as an lvalue, which
  // wraps it in a new handler endlessly: handlers are only ever move-constructed here
  // (optional::emplace) and destroyed (optional::reset), never assigned.
  struct Entry {
    std::optional<Handler> handler;
    std::uint32_t gen = 0;       // of the current registration (0: not watched)
    std::uint32_t edges = 0;     // remembered, not yet consumed
    std::uint32_t interest = 0;  // of the parked handler
    Entry() = default;
    Entry(const Entry&) = delete;
    Entry& operator=(const Entry&) = delete;
    Entry& operator=(Entry&&) = delete;
    Entry(Entry&&) noexcept = default;
    bool waiting() const { return handler.has_value(); }
  };
  static constexpr std::uint32_t kFailure = EPOLLERR | EPOLLHUP;
  // Polling (see enter_polling): from a wakeup that found kStartPolling events, until a poll
  // finds fewer than kStayPolling. A step that completes waits at most kPollPeriod longer.
  static constexpr std::size_t kStartPolling = 4;
  static constexpr std::size_t kStayPolling = 2;
  static constexpr std::chrono::microseconds kPollPeriod{1000};
  static bool matches(std::uint32_t edges, std::uint32_t interest) {
    return (edges & (interest | kFailure)) != 0;
  }
  /// Takes the handler out of `e`.
  static Handler take(Entry& e) {
    Handler h(std::move(*e.handler));
    e.handler.reset();
    return h;
  }
  Entry* entry(int fd);
  void post(Handler h, boost::system::error_code ec, std::uint32_t events);
  void shutdown() override;
  void start(int fd, std::uint32_t interest, Handler handler, boost::asio::cancellation_slot slot);
  void cancel(int fd, std::uint32_t gen);
  void read();
  void idle();
  void enter_polling();
  void leave_polling();
  std::size_t harvest();  // the number of events read

  boost::asio::io_context& io_;
  int epfd_ = -1;
  std::optional<boost::asio::posix::stream_descriptor> set_;  // empty while polling
  boost::asio::steady_timer poll_timer_;
  bool polling_ = false;
  std::vector<Entry> entries_;  // indexed by fd
  std::uint32_t next_gen_ = 0;
  std::size_t waiting_ = 0;
  bool reading_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

/// A watched socket: closed (and forgotten by the watcher) on scope exit.
class WatchedSocket {
 public:
  WatchedSocket(SocketWatcher& w, int fd) : w_(w), fd_(fd) {}
  WatchedSocket(const WatchedSocket&) = delete;
  WatchedSocket& operator=(const WatchedSocket&) = delete;
  ~WatchedSocket();
  int fd() const { return fd_; }
  SocketWatcher& watcher() const { return w_; }

 private:
  SocketWatcher& w_;
  int fd_;
};

}  // namespace stayalived::check
