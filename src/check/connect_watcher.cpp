#include "connect_watcher.hpp"

#include <sys/epoll.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include <cerrno>

namespace stayalived::check {

namespace asio = boost::asio;

asio::execution_context::id ConnectWatcher::id;

ConnectWatcher::ConnectWatcher(asio::execution_context& ctx)
    : asio::execution_context::service(ctx), io_(static_cast<asio::io_context&>(ctx)) {
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ >= 0) set_.emplace(io_, epfd_);
}

ConnectWatcher::~ConnectWatcher() = default;

void ConnectWatcher::shutdown() {
  // The io_context is going away: drop parked handlers without calling them (their
  // coroutine frames are destroyed with it), close the set.
  for (auto& w : waiters_) w.handler.reset();
  active_ = 0;
  boost::system::error_code ignored;
  if (set_) set_->close(ignored);
  set_.reset();
  epfd_ = -1;
}

void ConnectWatcher::start(int fd, Handler handler, asio::cancellation_slot slot) {
  auto fail = [&](int err) {
    asio::post(io_, [h = std::move(handler), err]() mutable {
      std::move(h)(boost::system::error_code(err, boost::system::system_category()), 0u);
    });
  };
  if (epfd_ < 0 || fd < 0) return fail(epfd_ < 0 ? EMFILE : EBADF);
  if (static_cast<std::size_t>(fd) >= waiters_.size()) waiters_.resize(static_cast<std::size_t>(fd) + 64);
  Waiter& w = waiters_[static_cast<std::size_t>(fd)];
  if (w.active()) return fail(EBUSY);
  epoll_event ev{};
  ev.events = EPOLLOUT | EPOLLET | EPOLLONESHOT;
  ev.data.fd = fd;
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return fail(errno);
  w.handler.emplace(std::move(handler));
  ++active_;
  if (slot.is_connected()) {
    slot.assign([this, fd, alive = std::weak_ptr<int>(alive_)](asio::cancellation_type) {
      if (!alive.expired()) cancel(fd);
    });
  }
  read();
}

void ConnectWatcher::cancel(int fd) {
  if (static_cast<std::size_t>(fd) >= waiters_.size()) return;
  Waiter& w = waiters_[static_cast<std::size_t>(fd)];
  if (!w.active()) return;
  ::epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  --active_;
  asio::post(io_, [h = take(w)]() mutable { std::move(h)(asio::error::operation_aborted, 0u); });
}

void ConnectWatcher::read() {
  if (reading_ || active_ == 0 || !set_) return;
  reading_ = true;
  set_->async_wait(asio::posix::stream_descriptor::wait_read,
                   [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
                     if (ec || alive.expired()) return;
                     reading_ = false;
                     harvest();
                     read();
                   });
}

void ConnectWatcher::harvest() {
  std::array<epoll_event, 256> events;
  for (;;) {
    const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), 0);
    if (n <= 0) return;
    // Take the handlers out first: a resumed probe may start another wait.
    std::vector<std::pair<Handler, std::uint32_t>> ready;
    ready.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const epoll_event& ev = events[static_cast<std::size_t>(i)];
      const int fd = ev.data.fd;
      if (fd < 0 || static_cast<std::size_t>(fd) >= waiters_.size()) continue;
      Waiter& w = waiters_[static_cast<std::size_t>(fd)];
      if (!w.active()) continue;
      --active_;
      ready.emplace_back(take(w), ev.events);
    }
    for (auto& [h, evs] : ready) std::move(h)(boost::system::error_code(), evs);
    if (n < static_cast<int>(events.size())) return;
  }
}

}  // namespace stayalived::check
