#include "stayalived/notify/smtp.hpp"

#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <deque>

#include <fmt/format.h>

namespace stayalived::notify {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

std::string local_host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string default_email_from() { return "root@" + local_host_name(); }

namespace {

enum class Failure {
  None,
  Transient,  // retry the session later
  Permanent,  // drop the first mail of the batch
  Stopped,
};

struct Queued {
  AlertMail mail;
  unsigned attempts = 0;
};

constexpr std::size_t kMaxReplyLineBytes = 4096;
constexpr int kMaxReplyLines = 100;

}  // namespace

struct SmtpAlerter::State : std::enable_shared_from_this<SmtpAlerter::State> {
  State(asio::io_context& io_, log::Channel log_, SmtpSettings settings_, Options opts_)
      : io(io_), log(log_), settings(std::move(settings_)), opts(opts_), retry_timer(io_) {
    if (settings.helo_name.empty()) settings.helo_name = local_host_name();
    if (settings.from.empty()) settings.from = default_email_from();
  }

  asio::io_context& io;
  log::Channel log;
  SmtpSettings settings;
  Options opts;
  Stats stats;
  std::deque<Queued> queue;
  bool running = false;
  bool stopped = false;
  asio::steady_timer retry_timer;
  asio::cancellation_signal cancel;

  // One session's connection and its per-step deadline.
  struct Session {
    explicit Session(asio::io_context& io) : sock(io), deadline(io) {}
    tcp::socket sock;
    asio::steady_timer deadline;
    std::string inbuf;
    std::string peer;  // "[ip]:port", as keepalived prints it
    bool timed_out = false;
    std::size_t delivered = 0;  // mails of the batch the server took
    Failure failure = Failure::None;
  };

  void arm(Session& s) { s.deadline.expires_after(settings.connect_timeout); }

  // Closes the socket when the current step's deadline passes (the pattern of Asio's
  // timeout examples): every step re-arms the deadline, which wakes this loop early.
  asio::awaitable<void> watchdog(Session& s) {
    co_await asio::this_coro::throw_if_cancelled(false);
    while (true) {
      co_await s.deadline.async_wait(asio::as_tuple(asio::use_awaitable));
      // GCC 12 miscompiles co_await inside an if condition: keep it a statement.
      const auto state = co_await asio::this_coro::cancellation_state;
      if (state.cancelled() != asio::cancellation_type::none) co_return;
      if (s.deadline.expiry() <= asio::steady_timer::clock_type::now()) {
        s.timed_out = true;
        boost::system::error_code ignored;
        s.sock.close(ignored);
        co_return;
      }
    }
  }

  void io_failure(Session& s, const boost::system::error_code& ec, bool connecting) {
    if (s.failure != Failure::None) return;
    s.failure = stopped ? Failure::Stopped : Failure::Transient;
    if (stopped) return;
    if (s.timed_out) {
      if (connecting)
        log.error("Timeout connecting SMTP server {}.", s.peer);
      else
        log.error("Timeout reading data to remote SMTP server {}.", s.peer);
    } else if (ec == asio::error::eof || ec == asio::error::connection_reset) {
      log.error("Remote SMTP server {} has closed the connection.", s.peer);
    } else if (connecting) {
      log.error("Error connecting SMTP server {}: {}", s.peer, ec.message());
    } else {
      log.error("Error talking to SMTP server {}: {}", s.peer, ec.message());
    }
  }

  // Reads one (possibly multi-line) reply; 0 on failure (already recorded in s.failure).
  asio::awaitable<int> read_reply(Session& s) {
    arm(s);
    for (int lines = 0; lines < kMaxReplyLines; ++lines) {
      auto [ec, n] = co_await asio::async_read_until(
          s.sock, asio::dynamic_buffer(s.inbuf, kMaxReplyLineBytes), '\n',
          asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::not_found) {
          log.error("SMTP server {} sent a line longer than {} bytes.", s.peer, kMaxReplyLineBytes);
          s.failure = Failure::Transient;
          co_return 0;
        }
        io_failure(s, ec, false);
        co_return 0;
      }
      std::string line = s.inbuf.substr(0, n);
      s.inbuf.erase(0, n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
      auto reply = parse_smtp_reply_line(line);
      if (!reply) {
        log.error("SMTP server {} sent an invalid reply.", s.peer);
        s.failure = Failure::Transient;
        co_return 0;
      }
      if (!reply->more) co_return reply->code;
    }
    log.error("SMTP server {} sent too many reply lines.", s.peer);
    s.failure = Failure::Transient;
    co_return 0;
  }

  asio::awaitable<bool> write(Session& s, std::string data) {
    arm(s);
    auto [ec, n] = co_await asio::async_write(s.sock, asio::buffer(data), asio::as_tuple(asio::use_awaitable));
    if (ec) {
      io_failure(s, ec, false);
      co_return false;
    }
    co_return true;
  }

  // Sends `cmd` and returns the reply code (0: the session failed).
  asio::awaitable<int> command(Session& s, std::string cmd) {
    const bool written = co_await write(s, std::move(cmd));
    if (!written) co_return 0;
    const int code = co_await read_reply(s);
    co_return code;
  }

  void refused(Session& s, const char* what, int code, Failure f) {
    log.error("Error processing {} cmd on SMTP server {}. SMTP status code = {}", what, s.peer, code);
    if (s.failure == Failure::None) s.failure = f;
  }

  static Failure by_code(int code) { return code >= 500 ? Failure::Permanent : Failure::Transient; }

  asio::awaitable<void> connect(Session& s) {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(settings.server, ec);
    std::vector<tcp::endpoint> endpoints;
    s.peer = fmt::format("[{}]:{}", settings.server, settings.port);
    if (!ec) {
      endpoints.emplace_back(addr, settings.port);
    } else {
      tcp::resolver resolver(io);
      arm(s);
      auto [rec, results] = co_await resolver.async_resolve(
          settings.server, std::to_string(settings.port), asio::as_tuple(asio::use_awaitable));
      if (rec) {
        if (!stopped) log.error("Cannot resolve SMTP server {}: {}", s.peer, rec.message());
        s.failure = stopped ? Failure::Stopped : Failure::Transient;
        co_return;
      }
      for (const auto& r : results) endpoints.push_back(r.endpoint());
    }
    arm(s);
    auto [cec, ep] = co_await asio::async_connect(s.sock, endpoints, asio::as_tuple(asio::use_awaitable));
    if (cec) {
      io_failure(s, cec, true);
      co_return;
    }
    s.peer = fmt::format("[{}]:{}", ep.address().to_string(), ep.port());
    log.info("Remote SMTP server {} connected.", s.peer);
  }

  // One session: connect, greeting, HELO, then the first `batch` mails of the queue.
  asio::awaitable<void> converse(Session& s, std::size_t batch) {
    co_await asio::this_coro::throw_if_cancelled(false);
    co_await connect(s);
    if (s.failure != Failure::None) co_return;
    int code = co_await read_reply(s);
    if (code == 0) co_return;
    if (code / 100 != 2) {
      refused(s, "(E)SMTP", code, Failure::Transient);
      co_await quit(s);
      co_return;
    }
    std::string helo = "HELO " + settings.helo_name + "\r\n";
    code = co_await command(s, std::move(helo));
    if (code == 0) co_return;
    if (code / 100 != 2) {
      refused(s, "HELO", code, Failure::Transient);
      co_await quit(s);
      co_return;
    }
    for (std::size_t i = 0; i < batch && i < queue.size() && !stopped; ++i) {
      AlertMail mail = queue[i].mail;  // stop() may clear the queue meanwhile
      const bool delivered = co_await deliver(s, std::move(mail));
      if (!delivered) break;
      ++s.delivered;
      log.info("SMTP alert successfully sent.");
    }
    if (s.failure == Failure::None || s.failure == Failure::Permanent) co_await quit(s);
  }

  asio::awaitable<bool> deliver(Session& s, AlertMail mail) {
    std::string mail_from = "MAIL FROM:<" + settings.from + ">\r\n";
    int code = co_await command(s, std::move(mail_from));
    if (code == 0) co_return false;
    if (code / 100 != 2) {
      refused(s, "MAIL", code, by_code(code));
      co_return false;
    }
    std::size_t accepted = 0;
    bool transient = false;
    for (const auto& rcpt : settings.to) {
      std::string rcpt_to = "RCPT TO:<" + rcpt + ">\r\n";
      code = co_await command(s, std::move(rcpt_to));
      if (code == 0) co_return false;
      if (code / 100 == 2) {
        ++accepted;
      } else {
        log.error("Error processing RCPT cmd on SMTP server {}. SMTP status code = {}", s.peer, code);
        if (code < 500) transient = true;
      }
    }
    if (accepted == 0) {
      s.failure = transient ? Failure::Transient : Failure::Permanent;
      co_return false;
    }
    code = co_await command(s, std::string("DATA\r\n"));
    if (code == 0) co_return false;
    if (code != 354) {
      refused(s, "DATA", code, by_code(code));
      co_return false;
    }
    std::string data = smtp_data(settings.from, settings.to, mail, rfc5322_date(std::time(nullptr)));
    const bool written = co_await write(s, std::move(data));
    if (!written) co_return false;
    code = co_await read_reply(s);
    if (code == 0) co_return false;
    if (code / 100 != 2) {
      refused(s, "DATA", code, by_code(code));
      co_return false;
    }
    co_return true;
  }

  asio::awaitable<void> quit(Session& s) {
    // Politeness only: a failure here changes nothing.
    const Failure before = s.failure;
    const bool written = co_await write(s, "QUIT\r\n");
    if (written) co_await read_reply(s);
    s.failure = before;
  }

  asio::awaitable<void> worker() {
    auto self = shared_from_this();
    co_await asio::this_coro::throw_if_cancelled(false);
    while (!stopped && !queue.empty()) {
      const std::size_t batch = std::min(queue.size(), opts.max_per_session);
      Session s(io);
      ++stats.sessions;
      co_await (converse(s, batch) || watchdog(s));
      if (stopped) break;
      if (s.timed_out && s.failure == Failure::None) {
        // The watchdog ended the session between two steps.
        s.failure = Failure::Transient;
        log.error("Timeout reading data to remote SMTP server {}.", s.peer);
      }
      boost::system::error_code ignored;
      s.sock.close(ignored);
      for (std::size_t i = 0; i < s.delivered && !queue.empty(); ++i) {
        queue.pop_front();
        ++stats.sent;
      }
      if (s.failure == Failure::None) continue;
      ++stats.failed_sessions;
      if (queue.empty()) break;
      if (s.failure == Failure::Permanent) {
        log.error("SMTP alert \"{}\" refused by the server, dropped.", queue.front().mail.subject);
        queue.pop_front();
        ++stats.dropped_rejected;
        continue;
      }
      if (++queue.front().attempts >= opts.max_attempts) {
        log.error("SMTP alert \"{}\" dropped after {} attempts.", queue.front().mail.subject,
                  queue.front().attempts);
        queue.pop_front();
        ++stats.dropped_after_retries;
        if (queue.empty()) break;
      }
      retry_timer.expires_after(opts.retry_delay);
      co_await retry_timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    running = false;
    stats.pending = queue.size();
  }

  void start() {
    if (running || stopped || queue.empty()) return;
    running = true;
    asio::co_spawn(io, worker(), asio::bind_cancellation_slot(cancel.slot(), asio::detached));
  }
};

SmtpAlerter::SmtpAlerter(asio::io_context& io, log::Channel log, SmtpSettings settings, Options opts)
    : state_(std::make_shared<State>(io, log, std::move(settings), opts)) {}

SmtpAlerter::~SmtpAlerter() { stop(); }

bool SmtpAlerter::send(AlertMail mail) {
  State& s = *state_;
  if (s.stopped) return false;
  if (s.settings.server.empty() || s.settings.to.empty()) {
    ++s.stats.dropped_unconfigured;
    return false;
  }
  if (s.queue.size() >= s.opts.max_queued) {
    ++s.stats.dropped_queue_full;
    s.log.warning("SMTP alert queue full ({} mails): \"{}\" dropped", s.queue.size(), mail.subject);
    return false;
  }
  s.queue.push_back({std::move(mail), 0});
  ++s.stats.accepted;
  s.stats.pending = s.queue.size();
  s.start();
  return true;
}

void SmtpAlerter::stop() {
  State& s = *state_;
  if (s.stopped) return;
  s.stopped = true;
  s.queue.clear();
  s.stats.pending = 0;
  s.retry_timer.cancel();
  if (s.running) s.cancel.emit(asio::cancellation_type::terminal);
}

bool SmtpAlerter::idle() const { return !state_->running && state_->queue.empty(); }

const SmtpAlerter::Stats& SmtpAlerter::stats() const {
  state_->stats.pending = state_->queue.size();
  return state_->stats;
}

const SmtpSettings& SmtpAlerter::settings() const { return state_->settings; }

}  // namespace stayalived::notify
