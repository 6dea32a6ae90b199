#include "socket_watcher.hpp"

#include <unistd.h>

#include <boost/asio/post.hpp>

#include <array>
#include <cerrno>

namespace stayalived::check {

namespace asio = boost::asio;

asio::execution_context::id SocketWatcher::id;

SocketWatcher::SocketWatcher(asio::execution_context& ctx)
    : asio::execution_context::service(ctx), io_(static_cast<asio::io_context&>(ctx)), poll_timer_(io_) {
  epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ >= 0) set_.emplace(io_, epfd_);
}

SocketWatcher::~SocketWatcher() = default;

void SocketWatcher::shutdown() {
  // The io_context is going away: drop parked handlers without calling them (their
  // coroutine frames are destroyed with it), close the set.
  for (auto& e : entries_) e.handler.reset();
  waiting_ = 0;
  boost::system::error_code ignored;
  poll_timer_.cancel();
  if (set_)
    set_->close(ignored);
  else if (epfd_ >= 0)
    ::close(epfd_);  // polling: the set is ours, not the reactor's
  set_.reset();
  epfd_ = -1;
}

SocketWatcher::Entry* SocketWatcher::entry(int fd) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= entries_.size()) return nullptr;
  Entry& e = entries_[static_cast<std::size_t>(fd)];
  return e.gen != 0 ? &e : nullptr;
}

int SocketWatcher::watch(int fd) {
  if (epfd_ < 0) return EMFILE;
  if (fd < 0) return EBADF;
  if (static_cast<std::size_t>(fd) >= entries_.size()) entries_.resize(static_cast<std::size_t>(fd) + 64);
  Entry& e = entries_[static_cast<std::size_t>(fd)];
  if (e.gen != 0) return EBUSY;
  if (++next_gen_ == 0) next_gen_ = 1;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = (static_cast<std::uint64_t>(next_gen_) << 32) | static_cast<std::uint32_t>(fd);
  if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return errno;
  e.gen = next_gen_;
  e.edges = 0;
  return 0;
}

void SocketWatcher::forget(int fd) {
  Entry* e = entry(fd);
  if (e == nullptr) return;
  if (e->waiting()) {
    e->handler.reset();
    if (--waiting_ == 0) idle();
  }
  e->gen = 0;
  e->edges = 0;
}

void SocketWatcher::consumed(int fd, std::uint32_t events) {
  if (Entry* e = entry(fd)) e->edges &= ~events;
}

void SocketWatcher::post(Handler h, boost::system::error_code ec, std::uint32_t events) {
  asio::post(io_, [h = std::move(h), ec, events]() mutable { std::move(h)(ec, events); });
}

void SocketWatcher::start(int fd, std::uint32_t interest, Handler handler, asio::cancellation_slot slot) {
  Entry* e = entry(fd);
  if (e == nullptr) return post(std::move(handler), {EBADF, boost::system::system_category()}, 0);
  if (e->waiting()) return post(std::move(handler), {EBUSY, boost::system::system_category()}, 0);
  if (matches(e->edges, interest)) return post(std::move(handler), {}, e->edges);
  e->handler.emplace(std::move(handler));
  e->interest = interest;
  ++waiting_;
  if (slot.is_connected()) {
    slot.assign([this, fd, gen = e->gen, alive = std::weak_ptr<int>(alive_)](asio::cancellation_type) {
      if (!alive.expired()) cancel(fd, gen);
    });
  }
  read();
}

void SocketWatcher::cancel(int fd, std::uint32_t gen) {
  Entry* e = entry(fd);
  if (e == nullptr || e->gen != gen || !e->waiting()) return;
  --waiting_;
  post(take(*e), asio::error::operation_aborted, 0);
  if (waiting_ == 0) idle();
}

// Nothing waits any more: the set's own wait would be the io_context's last work and keep
// run() from returning (a stopping daemon never ended), so it is cancelled. A wait started
// before its aborted completion runs is re-armed by that completion.
void SocketWatcher::idle() {
  if (polling_) leave_polling();
  if (!reading_ || !set_) return;
  boost::system::error_code ignored;
  set_->cancel(ignored);
}

// Busy: the set leaves the reactor and is read every kPollPeriod. Each socket event would
// otherwise wake the thread on its own (the reactor's wait on the set is edge-triggered,
// and every new ready socket is an edge); at thousands of checks a second most of those
// wakeups found one or two events, and a wakeup costs more than a check's reads.
void SocketWatcher::enter_polling() {
  if (polling_ || !set_) return;
  set_->release();  // epoll_ctl(DEL) from the reactor; epfd_ stays open
  set_.reset();
  polling_ = true;
}

void SocketWatcher::leave_polling() {
  if (!polling_) return;
  polling_ = false;
  poll_timer_.cancel();
  if (epfd_ >= 0) set_.emplace(io_, epfd_);
}

void SocketWatcher::read() {
  if (reading_ || waiting_ == 0 || epfd_ < 0) return;
  reading_ = true;
  if (polling_) {
    poll_timer_.expires_after(kPollPeriod);
    poll_timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
      if (alive.expired()) return;
      reading_ = false;
      if (!ec && harvest() < kStayPolling) leave_polling();
      read();
    });
    return;
  }
  set_->async_wait(asio::posix::stream_descriptor::wait_read,
                   [this, alive = std::weak_ptr<int>(alive_)](const boost::system::error_code& ec) {
                     if (alive.expired()) return;
                     reading_ = false;
                     if (!ec && harvest() >= kStartPolling) enter_polling();
                     read();
                   });
}

std::size_t SocketWatcher::harvest() {
  std::array<epoll_event, 256> events;
  std::vector<std::pair<Handler, std::uint32_t>> ready;
  std::size_t total = 0;
  for (;;) {
    const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), 0);
    if (n <= 0) return total;
    total += static_cast<std::size_t>(n);
    // Take the handlers out first: a resumed probe may close its socket, and another may
    // reuse the descriptor and wait on it, before this batch is done.
    ready.clear();
    ready.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
      const epoll_event& ev = events[static_cast<std::size_t>(i)];
      const int fd = static_cast<int>(ev.data.u64 & 0xffffffffu);
      Entry* e = entry(fd);
      if (e == nullptr || e->gen != static_cast<std::uint32_t>(ev.data.u64 >> 32)) continue;  // closed since
      e->edges |= ev.events;
      if (!e->waiting() || !matches(e->edges, e->interest)) continue;
      --waiting_;
      ready.emplace_back(take(*e), e->edges);
    }
    for (auto& [h, evs] : ready) std::move(h)(boost::system::error_code(), evs);
    if (n < static_cast<int>(events.size())) return total;
  }
}

WatchedSocket::~WatchedSocket() {
  if (fd_ < 0) return;
  w_.forget(fd_);
  ::close(fd_);
}

}  // namespace stayalived::check
