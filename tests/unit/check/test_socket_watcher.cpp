// The checkers' shared socket set (src/check/io/socket_watcher.hpp, private to the checkers):
// edges are delivered once each, a busy set is polled rather than woken for and goes back
// to waking when quiet, and a stopped set leaves nothing pending on the loop.
#include <doctest/doctest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/io_context.hpp>

#include <array>
#include <chrono>
#include <vector>

#include "../../../src/check/io/socket_watcher.hpp"
#include "loopback.hpp"

using stayalived::check::SocketWatcher;
namespace asio = boost::asio;
using loopback::run_until;
using std::chrono::milliseconds;

namespace {

// A connected pair of non-blocking stream sockets: `near` is watched, `far` writes to it.
struct Pair {
  int near = -1, far = -1;
  Pair() {
    std::array<int, 2> fds{};
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds.data()) == 0);
    near = fds[0];
    far = fds[1];
  }
  ~Pair() {
    ::close(near);
    ::close(far);
  }
  Pair(const Pair&) = delete;
  Pair& operator=(const Pair&) = delete;
  void poke() const { REQUIRE(::write(far, "x", 1) == 1); }
  void drain() const {
    char buf[16];
    while (::read(near, buf, sizeof buf) > 0) {
    }
  }
};

}  // namespace

TEST_CASE("socket watcher: a busy set is polled, every edge still arrives once, and it goes back to waking") {
  asio::io_context io;
  auto& w = asio::use_service<SocketWatcher>(io);
  constexpr int kSockets = 32;
  std::vector<Pair> pairs(kSockets);
  for (const Pair& p : pairs) REQUIRE(w.watch(p.near) == 0);

  int completed = 0;
  auto wait_all = [&] {
    for (const Pair& p : pairs) {
      w.consumed(p.near, EPOLLIN);
      w.async_wait(p.near, EPOLLIN, [&](boost::system::error_code ec, std::uint32_t events) {
        CHECK_FALSE(ec);
        CHECK((events & EPOLLIN) != 0);
        ++completed;
      });
    }
  };
  // Round 1: every socket ready at once, found by one wakeup: the set starts polling.
  wait_all();
  for (const Pair& p : pairs) p.poke();
  REQUIRE(run_until(io, [&] { return completed == kSockets; }));
  CHECK(w.polling());
  // Rounds 2 and 3, while polling: nothing is lost, nothing comes twice.
  for (int round = 2; round <= 3; ++round) {
    for (const Pair& p : pairs) p.drain();
    wait_all();
    for (const Pair& p : pairs) p.poke();
    REQUIRE(run_until(io, [&] { return completed == round * kSockets; }));
    for (int i = 0; i < 5; ++i) io.run_one_for(milliseconds(2));
    CHECK(completed == round * kSockets);
  }
  // Quiet: one socket at a time. A poll that finds too little goes back to waking, and a
  // single edge still arrives.
  for (const Pair& p : pairs) p.drain();
  wait_all();
  for (int i = 0; i < kSockets; ++i) {
    pairs[static_cast<std::size_t>(i)].poke();
    REQUIRE(run_until(io, [&] { return completed == 3 * kSockets + i + 1; }));
  }
  CHECK_FALSE(w.polling());
  for (const Pair& p : pairs) w.forget(p.near);
}

TEST_CASE("socket watcher: once nothing waits, nothing is left on the loop, polling or not") {
  for (const bool busy : {false, true}) {
    CAPTURE(busy);
    asio::io_context io;
    auto& w = asio::use_service<SocketWatcher>(io);
    std::vector<Pair> pairs(busy ? 16 : 1);
    for (const Pair& p : pairs) REQUIRE(w.watch(p.near) == 0);
    int completed = 0;
    if (busy) {  // start polling: many edges in one wakeup
      for (const Pair& p : pairs) w.async_wait(p.near, EPOLLIN, [&](auto, auto) { ++completed; });
      for (const Pair& p : pairs) p.poke();
      REQUIRE(run_until(io, [&] { return completed == 16; }));
      REQUIRE(w.polling());
      for (const Pair& p : pairs) {
        p.drain();
        w.consumed(p.near, EPOLLIN);
      }
    }
    // A wait that never completes by itself, cancelled (the checker's deadline).
    asio::cancellation_signal signal;
    boost::system::error_code got;
    bool called = false;
    w.async_wait(pairs[0].near, EPOLLIN,
                 asio::bind_cancellation_slot(signal.slot(), [&](boost::system::error_code ec, std::uint32_t) {
                   got = ec;
                   called = true;
                 }));
    for (int i = 0; i < 3; ++i) io.run_one_for(milliseconds(2));
    REQUIRE_FALSE(called);
    signal.emit(asio::cancellation_type::terminal);
    io.restart();
    io.run_for(std::chrono::seconds(5));  // returns at once when nothing is left to do
    CHECK(io.stopped());
    CHECK(called);
    CHECK(got == asio::error::operation_aborted);
    CHECK_FALSE(w.polling());
    for (const Pair& p : pairs) w.forget(p.near);
  }
}
