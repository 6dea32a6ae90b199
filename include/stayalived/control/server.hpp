// The control socket: a unix stream socket served on the daemon's one event loop.
//
// One request per connection: the client writes one line, the daemon answers (one line, or
// for a streaming verb a line per event until the client goes away) and closes. Everything
// a client can make the daemon hold is bounded: the request line (kMaxRequestBytes), the
// time to send it (request_timeout), the connections at once (max_connections; one more
// is answered "busy" and closed) and the bytes waiting to be written to a slow reader
// (max_queued_bytes; past it the connection is closed).
//
// Access: whoever can connect (the socket is root:group, mode 0660) may use the read-only
// verbs; the mutating ones need uid 0, or the admin group as the peer process's primary or
// supplementary group (SO_PEERCRED, /proc/PID/status).
#pragma once

#include <boost/asio/io_context.hpp>

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "stayalived/common/expected.hpp"
#include "stayalived/common/log.hpp"
#include "stayalived/control/protocol.hpp"

namespace stayalived::control {

/// Who is asking (SO_PEERCRED).
struct Caller {
  uid_t uid = 0;
  gid_t gid = 0;
  pid_t pid = 0;
  bool admin = false;
};

/// One connection as the verb handlers see it.
class Session {
 public:
  virtual ~Session() = default;
  /// Queues one response line (with its newline).
  virtual void send(std::string line) = 0;
  /// The answer is complete: the connection closes once it is written.
  virtual void finish() = 0;
  /// False once the peer went away or the connection was closed.
  virtual bool open() const = 0;
  /// Called once when the connection closes (a follower unsubscribes here).
  virtual void on_close(std::function<void()> f) = 0;
};

struct ServerOptions {
  std::string path;
  std::optional<gid_t> group;        ///< the socket's group (default: root's)
  std::optional<gid_t> admin_group;  ///< may use mutating verbs, besides root
  std::chrono::milliseconds request_timeout{5000};
  std::size_t max_connections = 32;
  std::size_t max_queued_bytes = 1 << 20;
};

/// True if `pid`'s process (or its primary group `gid`) is in group `group`.
bool in_group(pid_t pid, gid_t gid, gid_t group);

class Server {
 public:
  /// Handles one valid request of a known verb that the caller may use.
  using Handler = std::function<void(const Request&, const Caller&, const std::shared_ptr<Session>&)>;

  Server(boost::asio::io_context& io, log::Logger& logger, ServerOptions opts, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds and listens (an existing socket file at the path is replaced).
  Result<> start();
  /// Closes the listener and every connection; removes the socket file.
  void stop();
  const std::string& path() const { return opts_.path; }
  std::size_t connections() const;

 private:
  class Conn;
  void accept();

  boost::asio::io_context& io_;
  log::Channel log_;
  ServerOptions opts_;
  Handler handler_;
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace stayalived::control
