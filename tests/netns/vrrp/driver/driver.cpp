// STEPPING STONE: see README.md in this folder.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "mini_conf.hpp"
#include "stayalived/vrrp/runtime.hpp"

extern char** environ;

namespace {

using namespace stayalived;

// A minimal ScriptHost: posix_spawn, a pidfd watched by Asio, a timeout that kills.
class SpawnHost final : public vrrp::ScriptHost {
 public:
  explicit SpawnHost(boost::asio::io_context& io) : io_(io) {}

  void notify(const config::Script& s, std::vector<std::string> extra) override {
    auto argv = s.argv;
    argv.insert(argv.end(), extra.begin(), extra.end());
    spawn(argv, Duration{}, [](bool, int, std::string) {});
  }
  void check(const config::Script& s, Duration timeout, std::function<void(bool, int, std::string)> done) override {
    spawn(s.argv, timeout, std::move(done));
  }
  void fifo(const std::string&) override {}

 private:
  struct Child {
    pid_t pid;
    std::unique_ptr<boost::asio::posix::stream_descriptor> fd;
    std::unique_ptr<boost::asio::steady_timer> timer;
    std::function<void(bool, int, std::string)> done;
    bool timed_out = false;
  };

  void spawn(const std::vector<std::string>& argv, Duration timeout, std::function<void(bool, int, std::string)> done) {
    if (argv.empty()) return done(false, -1, "empty command");
    std::vector<char*> av;
    for (const auto& a : argv) av.push_back(const_cast<char*>(a.c_str()));
    av.push_back(nullptr);
    char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    char* env[] = {path, nullptr};
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t all;
    sigfillset(&all);
    posix_spawnattr_setsigdefault(&attr, &all);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    pid_t pid = 0;
    const int e = posix_spawn(&pid, av[0], nullptr, &attr, av.data(), env);
    posix_spawnattr_destroy(&attr);
    if (e != 0) return done(false, -1, std::string("failed to start: ") + std::strerror(e));
    const int pfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    auto c = std::make_shared<Child>();
    c->pid = pid;
    c->done = std::move(done);
    c->fd = std::make_unique<boost::asio::posix::stream_descriptor>(io_, pfd);
    if (timeout > Duration::zero()) {
      c->timer = std::make_unique<boost::asio::steady_timer>(io_, timeout);
      c->timer->async_wait([c](const boost::system::error_code& ec) {
        if (ec) return;
        c->timed_out = true;
        ::kill(-c->pid, SIGKILL);
      });
    }
    c->fd->async_wait(boost::asio::posix::stream_descriptor::wait_read, [c](const boost::system::error_code&) {
      int status = 0;
      ::waitpid(c->pid, &status, 0);
      if (c->timer) c->timer->cancel();
      if (c->timed_out) return c->done(false, -1, "timed out");
      if (WIFEXITED(status))
        return c->done(WEXITSTATUS(status) == 0, WEXITSTATUS(status),
                       "exited with status " + std::to_string(WEXITSTATUS(status)));
      c->done(false, -1, "killed by signal " + std::to_string(WTERMSIG(status)));
    });
  }

  boost::asio::io_context& io_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string conf;
  log::Options lo;
  lo.to_syslog = false;
  vrrp::Runtime::Options ro;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-f" && i + 1 < argc) conf = argv[++i];
    else if (a == "-l") lo.to_console = true;
    else if (a == "-D") lo.detail = true;
    else if (a == "-V") ro.dont_release_vrrp = true;
    else if (a == "-X") ro.release_vips = true;
  }
  if (conf.empty()) {
    std::fprintf(stderr, "usage: sa_vrrp_driver -f CONF [-l] [-D] [-V] [-X]\n");
    return 2;
  }
  log::Logger logger(lo);
  auto cfg = vrrp_driver::read_conf(conf);
  if (!cfg) {
    std::fprintf(stderr, "%s\n", cfg.error().message.c_str());
    return 1;
  }
  boost::asio::io_context io{1};
  SpawnHost host(io);
  vrrp::Runtime rt(io, logger, host, ro);
  if (auto r = rt.start(std::make_shared<const config::Config>(std::move(*cfg))); !r) {
    std::fprintf(stderr, "cannot start: %s\n", r.error().message.c_str());
    return 1;
  }
  boost::asio::signal_set sig(io, SIGTERM, SIGINT, SIGHUP);
  std::function<void()> wait_sig;
  wait_sig = [&] {
    sig.async_wait([&](const boost::system::error_code& ec, int s) {
      if (ec) return;
      if (s == SIGHUP) {
        auto c = vrrp_driver::read_conf(conf);
        if (!c) {
          logger.write(log::Source::Vrrp, log::Level::Err, c.error().message);
        } else if (auto r = rt.apply(std::make_shared<const config::Config>(std::move(*c))); !r) {
          logger.write(log::Source::Vrrp, log::Level::Err, r.error().message);
        }
        return wait_sig();
      }
      logger.write(log::Source::Main, log::Level::Info, "Stopping");
      rt.stop([&] { sig.cancel(); });
    });
  };
  wait_sig();
  io.run();
  logger.write(log::Source::Main, log::Level::Info, "Stopped");
  return 0;
}
