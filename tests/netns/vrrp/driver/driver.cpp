// STEPPING STONE: see README.md in this folder.
#include <signal.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/notify/fifo.hpp"

#include "mini_conf.hpp"
#include "stayalived/notify/script_runner.hpp"
#include "stayalived/vrrp/runtime.hpp"
#include "stayalived/vrrp/script_host.hpp"

using namespace stayalived;

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
  notify::ScriptRunner runner(io);
  auto shared = std::make_shared<const config::Config>(std::move(*cfg));
  // The notify FIFOs, as the daemon opens them and lends them to VRRP and the checkers.
  std::vector<std::unique_ptr<notify::NotifyFifo>> fifo_store;
  notify::NotifyFifos fifos;
  auto open_fifo = [&](const std::optional<config::Fifo>& f) -> notify::NotifyFifo* {
    if (!f) return nullptr;
    auto nf = std::make_unique<notify::NotifyFifo>(notify::NotifyFifo::Options{f->path, std::nullopt, 0600});
    if (auto r = nf->open(); !r) {
      logger.write(log::Source::Main, log::Level::Err, "cannot open FIFO " + f->path + ": " + r.error().message);
      return nullptr;
    }
    fifo_store.push_back(std::move(nf));
    return fifo_store.back().get();
  };
  fifos.notify = open_fifo(shared->global.notify_fifo);
  fifos.vrrp = open_fifo(shared->global.vrrp_notify_fifo);
  vrrp::NotifyScriptHost host(runner, logger, &fifos);
  host.prepare(*shared);
  vrrp::Runtime rt(io, logger, host, ro);
  if (auto r = rt.start(shared); !r) {
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
        } else {
          auto next = std::make_shared<const config::Config>(std::move(*c));
          host.prepare(*next);
          if (auto r = rt.apply(next); !r) logger.write(log::Source::Vrrp, log::Level::Err, r.error().message);
        }
        return wait_sig();
      }
      logger.write(log::Source::Main, log::Level::Info, "Stopping");
      // The loop ends when the last notify script (notify_stop...) has exited.
      rt.stop([&] {
        sig.cancel();
        for (auto& f : fifo_store) f->close();
      });
    });
  };
  wait_sig();
  io.run();
  logger.write(log::Source::Main, log::Level::Info, "Stopped");
  return 0;
}
