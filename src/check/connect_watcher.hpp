// Private to src/check: waits for many non-blocking connects at once through one epoll set of
// our own, registered once in the io_context's reactor.
//
// Why: a TCP_CHECK is socket, connect, wait, getsockopt(SO_ERROR), close. Through an Asio
// socket the wait alone costs an ioctl (FIONBIO) and three epoll_ctl calls (add, arm
// EPOLLOUT, remove) per check; here it is one epoll_ctl on a set where sockets disappear by
// themselves when closed. At 10,000 checks a second that is a third of the syscalls. The
// nested set is not free in the kernel (bench/tcp_floor.cpp-style loops measured ~3.5 us a
// check more than one flat set), but Asio's own per-socket registration measured worse
// still, in user space; see bench/check_scale.sh.
//
// Control flow: async_writable(fd) adds fd to the set (EPOLLOUT, one-shot) and parks the
// completion handler in a table indexed by fd. When the set's descriptor becomes readable
// the watcher harvests ready sockets with a non-blocking epoll_wait and completes their
// handlers. Per-operation cancellation (the checker's deadline) removes the fd and
// completes with operation_aborted, posted. The watcher is an execution_context service:
// one per io_context, gone with it.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/system/error_code.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace stayalived::check {

class ConnectWatcher final : public boost::asio::execution_context::service {
 public:
  using key_type = ConnectWatcher;
  static boost::asio::execution_context::id id;

  /// `ctx` must be an io_context.
  explicit ConnectWatcher(boost::asio::execution_context& ctx);
  ~ConnectWatcher() override;

  /// Completes with no error and the epoll events seen (EPOLLOUT, and EPOLLERR/EPOLLHUP when
  /// the connect failed) when `fd` (a non-blocking socket with a connect in progress) is
  /// writable or in error; with operation_aborted when cancelled, or with the errno of a
  /// failed registration (events 0). The caller closes `fd` afterwards, which removes it
  /// from the set.
  template <class Token>
  auto async_writable(int fd, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::uint32_t)>(
        [this](auto handler, int f) {
          auto slot = boost::asio::get_associated_cancellation_slot(handler);
          start(f, Handler(std::move(handler)), slot);
        },
        token, fd);
  }

 private:
  using Handler = boost::asio::any_completion_handler<void(boost::system::error_code, std::uint32_t)>;
  // Asio 1.81's any_completion_handler move-assignment copies `other` as an lvalue, which
  // wraps it in a new handler endlessly: handlers are only ever move-constructed here
  // (optional::emplace) and destroyed (optional::reset), never assigned.
  struct Waiter {
    std::optional<Handler> handler;
    Waiter() = default;
    Waiter(const Waiter&) = delete;
    Waiter& operator=(const Waiter&) = delete;
    Waiter& operator=(Waiter&&) = delete;
    Waiter(Waiter&&) noexcept = default;
    bool active() const { return handler.has_value(); }
  };
  /// Takes the handler out of `w`.
  static Handler take(Waiter& w) {
    Handler h(std::move(*w.handler));
    w.handler.reset();
    return h;
  }
  void shutdown() override;
  void start(int fd, Handler handler, boost::asio::cancellation_slot slot);
  void cancel(int fd);
  void read();
  void harvest();

  boost::asio::io_context& io_;
  int epfd_ = -1;
  std::optional<boost::asio::posix::stream_descriptor> set_;
  std::vector<Waiter> waiters_;  // indexed by fd
  std::size_t active_ = 0;
  bool reading_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace stayalived::check
