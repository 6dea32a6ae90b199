#include "trackers.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace stayalived::vrrp {

namespace {

std::string read_small(const std::string& path, std::size_t limit) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return {};
  std::string s(limit, '\0');
  const auto n = ::read(fd, s.data(), s.size());
  ::close(fd);
  s.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return s;
}

constexpr std::size_t kCommLength = 15;  // TASK_COMM_LEN - 1

}  // namespace

std::int64_t read_track_file(const std::string& path) {
  const std::string s = read_small(path, 64);
  if (s.empty()) return 0;
  const char* p = s.c_str();
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(p, &end, 10);
  if (end == p || errno != 0) return 0;
  return v;
}

// --- TrackFiles -------------------------------------------------------------------------

Result<std::int64_t> TrackFiles::add(const std::string& name, const std::string& path) {
  if (auto r = watcher_.watch(path); !r) return Unexpected(r.error());
  if (names_.empty())
    watcher_.on_change([this](const std::string& changed) {
      auto [first, last] = names_.equal_range(changed);
      for (auto it = first; it != last; ++it) {
        const auto v = read_track_file(changed);
        if (last_[it->second] == v) continue;
        last_[it->second] = v;
        if (handler_) handler_(it->second, v);
      }
    });
  names_.emplace(path, name);
  const auto v = read_track_file(path);
  last_[name] = v;
  return v;
}

// --- process matching ---------------------------------------------------------------------

bool process_matches(const config::TrackProcess& tp, const std::string& comm, const std::vector<std::string>& argv) {
  if (tp.process.empty()) return false;
  const bool by_cmdline = tp.full_command || tp.process.size() > 1 || tp.param_match != config::ParamMatch::Exact;
  if (!by_cmdline) {
    // keepalived compares with the process name (/proc/PID/comm), at most 15 characters.
    return comm == tp.process[0].substr(0, kCommLength);
  }
  if (argv.empty() || argv[0] != tp.process[0]) return false;
  const std::size_t want = tp.process.size() - 1;
  const std::size_t have = argv.size() - 1;
  switch (tp.param_match) {
    case config::ParamMatch::None:
      return have == 0;
    case config::ParamMatch::Exact:
      return have == want && std::equal(tp.process.begin() + 1, tp.process.end(), argv.begin() + 1);
    case config::ParamMatch::Partial:
      return have >= want && std::equal(tp.process.begin() + 1, tp.process.end(), argv.begin() + 1);
    case config::ParamMatch::Initial: {
      if (want == 0) return true;
      if (have < want) return false;
      if (!std::equal(tp.process.begin() + 1, tp.process.end() - 1, argv.begin() + 1)) return false;
      return argv[want].rfind(tp.process.back(), 0) == 0;
    }
  }
  return false;
}

// --- ProcessWatcher ------------------------------------------------------------------------

ProcessWatcher::ProcessWatcher(boost::asio::io_context& io, config::RcvBufs bufs)
    : io_(io), sd_(io), poll_timer_(io), bufs_(bufs) {}
ProcessWatcher::~ProcessWatcher() { close(); }

void ProcessWatcher::add(const config::TrackProcess& tp) {
  auto t = std::make_unique<Tracker>();
  t->cfg = tp;
  t->timer = std::make_unique<boost::asio::steady_timer>(io_);
  need_cmdline_ = need_cmdline_ || tp.full_command || tp.process.size() > 1 ||
                  tp.param_match != config::ParamMatch::Exact;
  trackers_.push_back(std::move(t));
}

bool ProcessWatcher::up(const std::string& name) const {
  for (const auto& t : trackers_)
    if (t->cfg.name == name) return t->up;
  return false;
}

std::size_t ProcessWatcher::count(const std::string& name) const {
  for (const auto& t : trackers_)
    if (t->cfg.name == name) return t->pids.size();
  return 0;
}

void ProcessWatcher::look_at(pid_t pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  std::string comm = read_small(base + "/comm", 64);
  if (comm.empty()) {  // gone already
    forget(pid);
    return;
  }
  if (comm.back() == '\n') comm.pop_back();
  std::vector<std::string> argv;
  if (need_cmdline_) {
    const std::string cmdline = read_small(base + "/cmdline", 4096);
    std::string cur;
    for (char c : cmdline) {
      if (c == '\0') {
        argv.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    if (!cur.empty()) argv.push_back(cur);
  }
  for (auto& t : trackers_) {
    const bool m = process_matches(t->cfg, comm, argv);
    const bool had = t->pids.count(pid) != 0;
    if (m == had) continue;
    if (m)
      t->pids.insert(pid);
    else
      t->pids.erase(pid);
    evaluate(*t);
  }
}

void ProcessWatcher::forget(pid_t pid) {
  for (auto& t : trackers_)
    if (t->pids.erase(pid)) evaluate(*t);
}

void ProcessWatcher::evaluate(Tracker& t) {
  const auto n = t.pids.size();
  const bool ok = n >= t.cfg.quorum && (!t.cfg.quorum_max || n <= *t.cfg.quorum_max);
  if (ok == t.up) {
    if (t.pending) {  // the change reverted before its delay: nothing happens
      t.timer->cancel();
      t.pending = false;
    }
    return;
  }
  const auto delay = ok ? t.cfg.fork_delay : t.cfg.terminate_delay;
  if (delay == microseconds::zero()) {
    t.up = ok;
    if (handler_) handler_(t.cfg.name, ok);
    return;
  }
  if (t.pending) return;
  t.pending = true;
  t.timer->expires_after(delay);
  t.timer->async_wait([this, &t](const boost::system::error_code& ec) {
    if (ec) return;
    t.pending = false;
    const auto n2 = t.pids.size();
    const bool ok2 = n2 >= t.cfg.quorum && (!t.cfg.quorum_max || n2 <= *t.cfg.quorum_max);
    if (ok2 != t.up) {
      t.up = ok2;
      if (handler_) handler_(t.cfg.name, ok2);
    }
  });
}

void ProcessWatcher::scan_all() {
  DIR* d = ::opendir("/proc");
  if (!d) return;
  std::set<pid_t> seen;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
    const pid_t pid = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
    seen.insert(pid);
    look_at(pid);
  }
  ::closedir(d);
  for (auto& t : trackers_) {
    bool changed = false;
    for (auto it = t->pids.begin(); it != t->pids.end();)
      if (!seen.count(*it)) {
        it = t->pids.erase(it);
        changed = true;
      } else {
        ++it;
      }
    if (changed) evaluate(*t);
  }
}

std::optional<std::string> ProcessWatcher::start() {
  if (trackers_.empty()) return std::nullopt;
  // Initial status without delays: what runs now is the starting point.
  scan_all();
  for (auto& t : trackers_) {
    t->timer->cancel();
    t->pending = false;
    const auto n = t->pids.size();
    t->up = n >= t->cfg.quorum && (!t->cfg.quorum_max || n <= *t->cfg.quorum_max);
  }
  const int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
  std::string why;
  if (fd >= 0 && bufs_.bytes) (void)net::set_receive_buffer(fd, *bufs_.bytes, bufs_.force);
  if (fd >= 0) {
    sockaddr_nl sa{};
    sa.nl_family = AF_NETLINK;
    sa.nl_groups = CN_IDX_PROC;
    sa.nl_pid = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) {
      // nlmsghdr | cn_msg | PROC_CN_MCAST_LISTEN, laid out byte by byte (cn_msg ends in a
      // flexible array, so no struct can hold all three).
      alignas(nlmsghdr) std::uint8_t req[NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op))] = {};
      nlmsghdr nh{};
      nh.nlmsg_len = sizeof req;
      nh.nlmsg_type = NLMSG_DONE;
      cn_msg cn{};
      cn.id.idx = CN_IDX_PROC;
      cn.id.val = CN_VAL_PROC;
      cn.len = sizeof(proc_cn_mcast_op);
      const proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
      std::memcpy(req, &nh, sizeof nh);
      std::memcpy(req + NLMSG_HDRLEN, &cn, sizeof cn);
      std::memcpy(req + NLMSG_HDRLEN + sizeof cn, &op, sizeof op);
      if (::send(fd, req, sizeof req, 0) == static_cast<ssize_t>(sizeof req)) {
        sd_.assign(fd);
        wait();
        // Processes started between the scan and the subscription: look once more.
        scan_all();
        return std::nullopt;
      }
    }
    why = std::strerror(errno);
    ::close(fd);
  } else {
    why = std::strerror(errno);
  }
  polling_ = true;
  poll();
  return "process events connector unavailable (" + why + "), polling /proc every second";
}

void ProcessWatcher::poll() {
  poll_timer_.expires_after(std::chrono::seconds(1));
  poll_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    scan_all();
    poll();
  });
}

void ProcessWatcher::wait() {
  sd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this](const boost::system::error_code& ec) {
    if (ec) return;
    drain();
    wait();
  });
}

void ProcessWatcher::drain() {
  alignas(nlmsghdr) char buf[8192];
  for (int i = 0; i < 64; ++i) {
    const auto got = ::recv(sd_.native_handle(), buf, sizeof buf, MSG_DONTWAIT);
    if (got < 0) {
      if (errno == ENOBUFS) scan_all();  // events were lost: resynchronise
      return;
    }
    int n = static_cast<int>(got);
    for (auto* nh = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(nh, static_cast<unsigned>(n));
         nh = NLMSG_NEXT(nh, n)) {
      if (nh->nlmsg_type == NLMSG_ERROR || nh->nlmsg_type == NLMSG_NOOP) continue;
      const auto* cn = static_cast<const cn_msg*>(NLMSG_DATA(nh));
      if (cn->id.idx != CN_IDX_PROC || cn->id.val != CN_VAL_PROC) continue;
      proc_event ev;
      std::memcpy(&ev, cn->data, std::min<std::size_t>(sizeof ev, cn->len));
      switch (ev.what) {
        case proc_event::PROC_EVENT_EXEC:
          look_at(ev.event_data.exec.process_pid);
          break;
        case proc_event::PROC_EVENT_COMM:
          look_at(ev.event_data.comm.process_pid);
          break;
        case proc_event::PROC_EVENT_EXIT:
          if (ev.event_data.exit.process_pid == ev.event_data.exit.process_tgid) forget(ev.event_data.exit.process_pid);
          break;
        default:
          break;
      }
    }
  }
}

void ProcessWatcher::close() {
  poll_timer_.cancel();
  for (auto& t : trackers_) t->timer->cancel();
  if (!sd_.is_open()) return;
  boost::system::error_code ec;
  sd_.cancel(ec);
  sd_.close(ec);
}

}  // namespace stayalived::vrrp
