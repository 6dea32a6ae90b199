#include "stayalived/control/server.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <set>
#include <sstream>

namespace stayalived::control {

namespace asio = boost::asio;
using stream = asio::local::stream_protocol;

bool in_group(pid_t pid, gid_t gid, gid_t group) {
  if (gid == group) return true;
  // The peer process's supplementary groups, as the kernel holds them now.
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Groups:", 0) != 0) continue;
    std::istringstream ss(line.substr(7));
    unsigned long g = 0;
    while (ss >> g)
      if (static_cast<gid_t>(g) == group) return true;
    return false;
  }
  return false;
}

struct Server::State {
  explicit State(asio::io_context& io) : acceptor(io) {}
  stream::acceptor acceptor;
  std::set<std::shared_ptr<Conn>> conns;
  bool stopped = false;
};

class Server::Conn final : public Session, public std::enable_shared_from_this<Conn> {
 public:
  Conn(stream::socket s, Server& server, std::weak_ptr<State> state)
      : sock_(std::move(s)), timer_(sock_.get_executor()), server_(server), state_(std::move(state)) {}

  void begin() {
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(sock_.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
      caller_.uid = cred.uid;
      caller_.gid = cred.gid;
      caller_.pid = cred.pid;
    } else {
      caller_.uid = static_cast<uid_t>(-1);
      caller_.gid = static_cast<gid_t>(-1);
    }
    const auto& o = server_.opts_;
    caller_.admin = caller_.uid == 0 || (o.admin_group && caller_.pid > 0 && in_group(caller_.pid, caller_.gid, *o.admin_group));
    timer_.expires_after(o.request_timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->answered_) return;
      self->send(encode_error(0, errc::kTimeout, "no complete request in time"));
      self->finish();
    });
    auto self = shared_from_this();
    asio::async_read_until(sock_, asio::dynamic_buffer(in_, kMaxRequestBytes + 1), '\n',
                           [self](const boost::system::error_code& ec, std::size_t n) { self->on_line(ec, n); });
  }

  void send(std::string line) override {
    if (closed_ || finishing_) return;
    queued_ += line.size();
    if (queued_ > server_.opts_.max_queued_bytes) {
      // A reader this slow (a follower that stopped reading): let it go.
      close();
      return;
    }
    out_.push_back(std::move(line));
    if (!writing_) write_next();
  }

  void finish() override {
    if (closed_ || finishing_) return;
    finishing_ = true;
    answered_ = true;
    timer_.cancel();
    if (!writing_) close();
  }

  bool open() const override { return !closed_; }

  void on_close(std::function<void()> f) override { on_close_.push_back(std::move(f)); }

  void close() {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    boost::system::error_code ignored;
    sock_.shutdown(stream::socket::shutdown_both, ignored);
    sock_.close(ignored);
    auto callbacks = std::move(on_close_);
    for (auto& f : callbacks) f();
    if (auto st = state_.lock()) st->conns.erase(shared_from_this());
  }

 private:
  void on_line(const boost::system::error_code& ec, std::size_t n) {
    if (closed_) return;
    if (ec) {
      if (ec == asio::error::not_found) {  // the buffer filled without a newline
        send(encode_error(0, errc::kTooLarge, "request longer than 65536 bytes"));
        finish();
      } else if (answered_) {
        close();  // a follower's client went away
      } else if (!in_.empty() && ec == asio::error::eof) {
        dispatch(std::string_view(in_));  // a last line without its newline
      } else {
        close();
      }
      return;
    }
    if (answered_) {
      // After the request only the end of the connection matters (a follower's client
      // closing); anything it writes is discarded.
      in_.clear();
      read_more();
      return;
    }
    std::string line = in_.substr(0, n - 1);
    in_.erase(0, n);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    dispatch(line);
    if (!closed_) read_more();
  }

  void read_more() {
    auto self = shared_from_this();
    in_.clear();
    asio::async_read_until(sock_, asio::dynamic_buffer(in_, 4096), '\n',
                           [self](const boost::system::error_code& ec, std::size_t) {
                             if (self->closed_) return;
                             if (ec && ec != asio::error::not_found) {
                               self->close();
                               return;
                             }
                             self->in_.clear();
                             self->read_more();
                           });
  }

  void dispatch(std::string_view line) {
    answered_ = true;
    timer_.cancel();
    auto req = parse_request(line);
    if (!req) {
      send(encode_error(req.error().id, req.error().code, req.error().message));
      finish();
      return;
    }
    const VerbInfo* verb = find_verb(req->verb);
    if (verb == nullptr) {
      send(encode_error(req->id, errc::kUnknownVerb, "unknown verb '" + req->verb + "'"));
      finish();
      return;
    }
    if (verb->access == Access::Admin && !caller_.admin) {
      send(encode_error(req->id, errc::kForbidden,
                        "'" + req->verb + "' changes the daemon's state: it needs root or the control admin group"));
      finish();
      return;
    }
    server_.handler_(*req, caller_, shared_from_this());
  }

  void write_next() {
    if (out_.empty() || closed_) {
      writing_ = false;
      if (finishing_) close();
      return;
    }
    writing_ = true;
    auto self = shared_from_this();
    asio::async_write(sock_, asio::buffer(out_.front()), [self](const boost::system::error_code& ec, std::size_t) {
      if (self->closed_) return;
      if (ec) {
        self->close();
        return;
      }
      self->queued_ -= self->out_.front().size();
      self->out_.pop_front();
      self->write_next();
    });
  }

  stream::socket sock_;
  asio::steady_timer timer_;
  Server& server_;
  std::weak_ptr<State> state_;
  Caller caller_;
  std::string in_;
  std::deque<std::string> out_;
  std::size_t queued_ = 0;
  std::vector<std::function<void()>> on_close_;
  bool writing_ = false;
  bool finishing_ = false;
  bool answered_ = false;
  bool closed_ = false;
};

Server::Server(asio::io_context& io, log::Logger& logger, ServerOptions opts, Handler handler)
    : io_(io), log_(logger, log::Source::Main), opts_(std::move(opts)), handler_(std::move(handler)),
      state_(std::make_shared<State>(io)) {}

Server::~Server() { stop(); }

std::size_t Server::connections() const { return state_->conns.size(); }

Result<> Server::start() {
  struct ::stat st {};
  if (::lstat(opts_.path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      return Unexpected(Error{opts_.path + " exists and is not a socket", EEXIST});
    ::unlink(opts_.path.c_str());
  }
  boost::system::error_code ec;
  auto& a = state_->acceptor;
  a.open(stream(), ec);
  // Created without access for anyone but root; the mode and group are set before listen().
  const mode_t old = ::umask(0177);
  if (!ec) a.bind(stream::endpoint(opts_.path), ec);
  ::umask(old);
  if (ec) {
    boost::system::error_code ignored;
    a.close(ignored);
    return Unexpected(Error{"cannot bind " + opts_.path + ": " + ec.message(), ec.value()});
  }
  if (opts_.group && ::chown(opts_.path.c_str(), static_cast<uid_t>(-1), *opts_.group) != 0)
    log_.warning("control socket {}: cannot set its group: {}", opts_.path, std::strerror(errno));
  if (::chmod(opts_.path.c_str(), 0660) != 0)
    log_.warning("control socket {}: cannot set its mode: {}", opts_.path, std::strerror(errno));
  a.listen(16, ec);
  if (ec) {
    boost::system::error_code ignored;
    a.close(ignored);
    ::unlink(opts_.path.c_str());
    return Unexpected(Error{"cannot listen on " + opts_.path + ": " + ec.message(), ec.value()});
  }
  accept();
  return {};
}

void Server::accept() {
  std::weak_ptr<State> weak = state_;
  state_->acceptor.async_accept([this, weak](const boost::system::error_code& ec, stream::socket s) {
    auto st = weak.lock();
    if (!st || st->stopped) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // EMFILE and the like: try again on the next turn of the loop rather than spin.
      log_.warning("control socket: accept failed: {}", ec.message());
      auto t = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
      t->async_wait([this, weak, t](const boost::system::error_code&) {
        if (auto s2 = weak.lock(); s2 && !s2->stopped) accept();
      });
      return;
    }
    auto conn = std::make_shared<Conn>(std::move(s), *this, weak);
    if (st->conns.size() >= opts_.max_connections) {
      st->conns.insert(conn);
      conn->send(encode_error(0, errc::kBusy, "too many control connections"));
      conn->finish();
    } else {
      st->conns.insert(conn);
      conn->begin();
    }
    accept();
  });
}

void Server::stop() {
  if (!state_ || state_->stopped) return;
  state_->stopped = true;
  boost::system::error_code ignored;
  const bool was_open = state_->acceptor.is_open();
  state_->acceptor.close(ignored);
  auto conns = state_->conns;
  for (const auto& c : conns) c->close();
  state_->conns.clear();
  if (was_open) ::unlink(opts_.path.c_str());
}

}  // namespace stayalived::control
