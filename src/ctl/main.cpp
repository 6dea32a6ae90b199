// stayalivedctl: the operator's command line for a running stayalived (control socket,
// control/protocol.hpp) and the lint of a configuration file.
//
// Exit status: 0 done; 1 the daemon refused or failed the request (or lint found
// something); 2 usage; 3 the daemon cannot be reached.
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "render.hpp"
#include "stayalived/config/lint.hpp"
#include "stayalived/config/load.hpp"
#include "stayalived/control/protocol.hpp"
#include "stayalived/daemon/version.hpp"

namespace control = stayalived::control;
namespace ctl = stayalived::ctl;

namespace {

constexpr const char* kDefaultSocket = "/run/keepalived/stayalived.ctl";

const char* kUsage =
    "Usage: stayalivedctl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  status                      instances, virtual servers, real servers, the daemon\n"
    "  explain NAME                why an instance, sync group, virtual server or real server is as it is\n"
    "  history [--follow] [--limit N]   recent events; --follow prints new ones as they happen\n"
    "  reload [--dry-run]          reload the configuration (--dry-run: show what would change)\n"
    "  maintenance INSTANCE|GROUP  hand over and stay BACKUP until resumed\n"
    "  resume INSTANCE|GROUP       end maintenance\n"
    "  disable ADDRESS:PORT        take a real server out of its pools (kept across reloads and restarts)\n"
    "  enable ADDRESS:PORT         put it back under its checkers\n"
    "  drain ADDRESS:PORT [--timeout S]   weight 0 now; disabled once its connections end (or after S s, default 60)\n"
    "  lint [FILE]                 check a configuration: stayalived -t, plus known pitfalls\n"
    "  ping                        the daemon's version and pid\n"
    "\n"
    "Options:\n"
    "  --socket PATH   the daemon's control socket (default /run/keepalived/stayalived.ctl)\n"
    "  --json          print the daemon's answers as JSON\n"
    "  --timeout S     give up after S seconds without an answer (default 30; history --follow waits forever)\n";

struct Args {
  std::string socket = kDefaultSocket;
  bool json = false;
  int timeout = 30;
  std::vector<std::string> words;
};

int usage_error(const std::string& msg) {
  std::fprintf(stderr, "stayalivedctl: %s\n\n%s", msg.c_str(), kUsage);
  return 2;
}

int connect_to(const std::string& path) {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  if (path.size() >= sizeof sa.sun_path) {
    std::fprintf(stderr, "stayalivedctl: socket path too long: %s\n", path.c_str());
    return -1;
  }
  std::memcpy(sa.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
    std::fprintf(stderr, "stayalivedctl: cannot reach the daemon at %s: %s\n", path.c_str(), std::strerror(errno));
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends one request; calls `on_line` for each answer line until it returns false or the
// daemon closes. Returns the exit status.
template <class F>
int exchange(const Args& a, std::string_view verb, const boost::json::object& args, bool follow, F on_line) {
  const int fd = connect_to(a.socket);
  if (fd < 0) return 3;
  if (!follow && a.timeout > 0) {
    timeval tv{a.timeout, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  const std::string req = control::encode_request(1, verb, args);
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    std::fprintf(stderr, "stayalivedctl: cannot send to the daemon: %s\n", std::strerror(errno));
    ::close(fd);
    return 3;
  }
  std::string buf;
  char chunk[65536];
  int status = 3;
  for (;;) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) std::fprintf(stderr, "stayalivedctl: no answer from the daemon: %s\n", std::strerror(errno));
      break;
    }
    buf.append(chunk, static_cast<std::size_t>(n));
    std::size_t nl = 0;
    bool more = true;
    while ((nl = buf.find('\n')) != std::string::npos) {
      const std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      auto r = control::parse_response(line);
      if (!r) {
        std::fprintf(stderr, "stayalivedctl: %s\n", r.error().c_str());
        ::close(fd);
        return 1;
      }
      if (r->kind == control::Response::Kind::Error) {
        if (a.json) std::fputs((line + "\n").c_str(), stdout);
        else std::fprintf(stderr, "stayalivedctl: %s: %s\n", r->error_code.c_str(), r->error_message.c_str());
        ::close(fd);
        return 1;
      }
      status = 0;
      more = on_line(*r, line);
      if (!more) break;
    }
    if (!more) break;
    std::fflush(stdout);
  }
  ::close(fd);
  return status;
}

// A progress line of a command that takes time: {"message": "..."}.
std::string render_progress(const boost::json::value& v) {
  if (v.is_object())
    if (const auto* m = v.get_object().if_contains("message"); m && m->is_string())
      return std::string(m->get_string()) + "\n";
  return boost::json::serialize(v) + "\n";
}

int simple(const Args& a, std::string_view verb, const boost::json::object& args,
           std::string (*render)(const boost::json::value&)) {
  return exchange(a, verb, args, false, [&](const control::Response& r, const std::string& line) {
    if (a.json) std::fputs((line + "\n").c_str(), stdout);
    else if (r.kind == control::Response::Kind::Event) std::fputs(render_progress(r.body).c_str(), stdout);
    else std::fputs(render(r.body).c_str(), stdout);
    return r.kind != control::Response::Kind::Result;
  });
}

std::string render_message(const boost::json::value& v) { return render_progress(v); }

std::string render_ping(const boost::json::value& v) {
  if (!v.is_object()) return "";
  const auto& o = v.get_object();
  return fmt::format("stayalived {} (keepalived {} compatible), pid {}\n", boost::json::serialize(o.at("version")),
                     boost::json::serialize(o.at("keepalived")), boost::json::serialize(o.at("pid")));
}

int lint(const Args& a, const std::vector<std::string>& rest) {
  std::string file;
  if (!rest.empty()) {
    file = rest[0];
  } else {
    // The running daemon's file, else keepalived's default.
    file = "/etc/keepalived/keepalived.conf";
    (void)exchange(a, "status", {}, false, [&](const control::Response& r, const std::string&) {
      if (r.body.is_object())
        if (const auto* d = r.body.get_object().if_contains("daemon"); d && d->is_object())
          if (const auto* f = d->get_object().if_contains("config_file"); f && f->is_string())
            file = std::string(f->get_string());
      return false;
    });
  }
  stayalived::config::LoadOptions lo;
  const auto result = stayalived::config::load_file(file, lo);
  const auto findings = stayalived::config::lint(result);
  if (a.json) {
    boost::json::object o;
    o["file"] = file;
    boost::json::array d;
    for (const auto& x : result.diagnostics) d.emplace_back(x.format());
    o["diagnostics"] = std::move(d);
    boost::json::array f;
    for (const auto& x : findings)
      f.push_back(boost::json::object{{"id", x.id}, {"file", x.loc.file}, {"line", x.loc.line}, {"message", x.message},
                                      {"fix", x.fix}});
    o["findings"] = std::move(f);
    o["exit_code"] = result.config_test_exit_code();
    std::puts(boost::json::serialize(o).c_str());
  } else {
    for (const auto& x : result.diagnostics) std::fprintf(stdout, "%s\n", x.format().c_str());
    for (const auto& x : findings) std::fprintf(stdout, "%s\n", stayalived::config::format(x).c_str());
    std::fprintf(stdout, "%s: %zu diagnostic(s) from -t, %zu pitfall(s)\n", file.c_str(), result.diagnostics.size(),
                 findings.size());
  }
  return result.diagnostics.empty() && findings.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  std::vector<std::string> all(argv + 1, argv + argc);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string& w = all[i];
    if (w == "-h" || w == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (w == "--version") {
      std::printf("stayalivedctl %s\n", stayalived::daemon::kVersion);
      return 0;
    }
    if (a.words.empty() && (w == "--socket" || w.rfind("--socket=", 0) == 0)) {
      if (w == "--socket") {
        if (++i == all.size()) return usage_error("--socket needs a path");
        a.socket = all[i];
      } else {
        a.socket = w.substr(9);
      }
    } else if (a.words.empty() && w == "--json") {
      a.json = true;
    } else if (a.words.empty() && (w == "--timeout" || w.rfind("--timeout=", 0) == 0)) {
      std::string v;
      if (w == "--timeout") {
        if (++i == all.size()) return usage_error("--timeout needs a number of seconds");
        v = all[i];
      } else {
        v = w.substr(10);
      }
      char* end = nullptr;
      const long t = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || t < 0 || t > 86400) return usage_error("invalid --timeout " + v);
      a.timeout = static_cast<int>(t);
    } else if (w == "--json") {
      a.json = true;  // also after the command
    } else {
      a.words.push_back(w);
    }
  }
  if (a.words.empty()) return usage_error("no command");
  const std::string cmd = a.words[0];
  std::vector<std::string> rest(a.words.begin() + 1, a.words.end());
  const auto one_target = [&]() -> std::optional<std::string> {
    if (rest.size() != 1) return std::nullopt;
    return rest[0];
  };
  if (cmd == "status" && rest.empty()) return simple(a, "status", {}, ctl::render_status);
  if (cmd == "ping" && rest.empty()) return simple(a, "ping", {}, render_ping);
  if (cmd == "explain") {
    auto t = one_target();
    if (!t) return usage_error("explain needs one NAME");
    return simple(a, "explain", boost::json::object{{"name", *t}}, ctl::render_explain);
  }
  if (cmd == "history") {
    boost::json::object args;
    bool follow = false;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == "--follow" || rest[i] == "-f") {
        follow = true;
      } else if (rest[i] == "--limit" && i + 1 < rest.size()) {
        char* end = nullptr;
        const long n = std::strtol(rest[++i].c_str(), &end, 10);
        if (*end != '\0' || n < 0) return usage_error("invalid --limit " + rest[i]);
        args["limit"] = n;
      } else {
        return usage_error("history: unknown argument " + rest[i]);
      }
    }
    args["follow"] = follow;
    return exchange(a, "history", args, follow, [&](const control::Response& r, const std::string& line) {
      if (a.json) {
        std::fputs((line + "\n").c_str(), stdout);
      } else if (r.kind == control::Response::Kind::Event) {
        std::fputs(ctl::render_history_event(r.body).c_str(), stdout);
      } else if (r.body.is_object()) {
        if (const auto* ev = r.body.get_object().if_contains("events"); ev && ev->is_array())
          for (const auto& e : ev->get_array()) std::fputs(ctl::render_history_event(e).c_str(), stdout);
      }
      std::fflush(stdout);
      return follow;
    });
  }
  if (cmd == "reload") {
    bool dry = false;
    for (const auto& r : rest) {
      if (r == "--dry-run" || r == "-n") dry = true;
      else return usage_error("reload: unknown argument " + r);
    }
    return exchange(a, dry ? "reload_dry_run" : "reload", {}, false, [&](const control::Response& r, const std::string& line) {
      if (a.json) std::fputs((line + "\n").c_str(), stdout);
      else std::fputs(ctl::render_reload(r.body, dry).c_str(), stdout);
      return false;
    });
  }
  if (cmd == "drain") {
    boost::json::object args;
    long timeout = 60;
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == "--timeout" && i + 1 < rest.size()) {
        char* end = nullptr;
        timeout = std::strtol(rest[++i].c_str(), &end, 10);
        if (*end != '\0' || timeout < 0 || timeout > 86400) return usage_error("invalid drain --timeout " + rest[i]);
      } else if (!args.contains("target")) {
        args["target"] = rest[i];
      } else {
        return usage_error("drain takes one ADDRESS:PORT");
      }
    }
    if (!args.contains("target")) return usage_error("drain needs an ADDRESS:PORT");
    args["timeout"] = timeout;
    // The answer comes when the drain ends: wait for it (and a little more).
    a.timeout = static_cast<int>(timeout) + 30;
    return simple(a, "drain", args, render_message);
  }
  if (cmd == "maintenance" || cmd == "resume" || cmd == "disable" || cmd == "enable") {
    auto t = one_target();
    if (!t) return usage_error(cmd + " needs one target");
    return simple(a, cmd, boost::json::object{{"target", *t}}, render_message);
  }
  if (cmd == "lint") {
    if (rest.size() > 1) return usage_error("lint takes at most one FILE");
    return lint(a, rest);
  }
  return usage_error("unknown command or arguments: " + cmd);
}
