// SMTP alerts (notification_email, smtp_server, ...): an asynchronous SMTP client (RFC 5321)
// with a bounded queue, so that a slow or unreachable server never holds anything else up.
//
// Control flow: send() appends to the queue and, if idle, starts the worker coroutine on
// the io_context. The worker opens one session at a time and delivers up to
// Options::max_per_session queued mails in it (MAIL/RCPT/DATA repeated, then QUIT); mails
// stay in order. Every step — resolving, connecting, each reply, each write — has a deadline
// of smtp_connect_timeout (keepalived uses that timeout for reads too). When a session fails
// for a reason that may pass (no connection, a timeout, a closed connection, a 4xx reply, a
// refused greeting) the first mail of the queue counts one attempt and the worker waits
// Options::retry_delay before trying again; after Options::max_attempts the mail is dropped.
// A 5xx reply to MAIL or DATA, or to every RCPT, drops that mail at once. Recipients refused
// with 5xx are skipped (keepalived gives up the whole mail). Log lines follow keepalived's
// ("Remote SMTP server [127.0.0.1]:25 connected.", "SMTP alert successfully sent.",
// "Error processing RCPT cmd on SMTP server [..]:25. SMTP status code = 550").
//
// Differences from keepalived: keepalived opens one connection per alert, all at once, and
// never retries; here mails go one session at a time, in order, with bounded retries.
// A host name in smtp_server is resolved with Asio's resolver (getaddrinfo on Asio's private
// resolver thread; the handlers still run on the loop).
#pragma once

#include <boost/asio/io_context.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/common/log.hpp"
#include "stayalived/common/time.hpp"
#include "stayalived/notify/alert.hpp"

namespace stayalived::notify {

/// The global_defs keywords of SMTP alerts.
struct SmtpSettings {
  std::string server;                                  ///< smtp_server: IPv4, IPv6 or a name
  std::uint16_t port = 25;                             ///< smtp_server's [<PORT>]
  Duration connect_timeout = std::chrono::seconds(30); ///< smtp_connect_timeout
  std::string helo_name;                               ///< smtp_helo_name; empty: host name
  std::string from;                                    ///< notification_email_from; empty: default_email_from()
  std::vector<std::string> to;                         ///< notification_email
};

/// What keepalived 2.2.7 puts in From when notification_email_from is not set:
/// "root@" + the host name (observed; keepalived.conf(5) says keepalived@<host name>).
std::string default_email_from();

/// The local host name (gethostname(2)), keepalived's default for smtp_helo_name and
/// router_id.
std::string local_host_name();

/// Sends alert mails; one per daemon (or one per subsystem, for its log source).
class SmtpAlerter {
 public:
  struct Options {
    std::size_t max_queued = 256;       ///< mails waiting; more are dropped and counted
    unsigned max_attempts = 3;          ///< sessions tried for one mail before dropping it
    Duration retry_delay = std::chrono::seconds(10);
    std::size_t max_per_session = 20;   ///< mails sent in one connection
  };

  /// Counters since construction.
  struct Stats {
    std::uint64_t accepted = 0;               ///< send() calls queued
    std::uint64_t sent = 0;                   ///< mails the server accepted (250 after DATA)
    std::uint64_t dropped_queue_full = 0;
    std::uint64_t dropped_rejected = 0;       ///< permanent (5xx) refusal
    std::uint64_t dropped_after_retries = 0;
    std::uint64_t dropped_unconfigured = 0;   ///< no server or no recipient
    std::uint64_t failed_sessions = 0;
    std::uint64_t sessions = 0;
    std::size_t pending = 0;                  ///< queued now, including the one being sent
  };

  /// `log` receives keepalived's SMTP log lines.
  SmtpAlerter(boost::asio::io_context& io, log::Channel log, SmtpSettings settings)
      : SmtpAlerter(io, log, std::move(settings), Options{}) {}
  SmtpAlerter(boost::asio::io_context& io, log::Channel log, SmtpSettings settings, Options opts);
  /// Same as stop().
  ~SmtpAlerter();
  SmtpAlerter(const SmtpAlerter&) = delete;
  SmtpAlerter& operator=(const SmtpAlerter&) = delete;

  /// Queues one alert. Never blocks and never calls back. Returns false when the mail is
  /// dropped at once: stopped, no smtp_server or no notification_email, or queue full.
  bool send(AlertMail mail);

  /// Drops what is queued and aborts the session in progress (at shutdown).
  void stop();

  /// Nothing queued and no session running.
  bool idle() const;

  /// Counters (pending is refreshed on each call).
  const Stats& stats() const;
  /// The settings in use, with the defaults filled in (HELO name, From).
  const SmtpSettings& settings() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace stayalived::notify
