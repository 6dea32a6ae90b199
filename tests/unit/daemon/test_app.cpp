// The App with fake subsystems: what they are given on start, reload and stop.
#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <filesystem>
#include <fstream>

#include "stayalived/daemon/app.hpp"

using namespace stayalived;
namespace fs = std::filesystem;

namespace {

struct Events {
  std::vector<std::string> log;
};

class FakeSubsystem final : public daemon::Subsystem {
 public:
  FakeSubsystem(std::string name, Events& ev, boost::asio::io_context& io, bool async_stop)
      : name_(std::move(name)), ev_(ev), io_(io), async_stop_(async_stop), timer_(io) {}
  std::string_view name() const override { return name_; }
  void start(const daemon::ConfigPtr& c) override {
    ev_.log.push_back(name_ + " start " + c->global.router_id.value_or("?"));
  }
  void reload(const daemon::ConfigPtr& o, const daemon::ConfigPtr& n) override {
    ev_.log.push_back(name_ + " reload " + o->global.router_id.value_or("?") + "->" +
                      n->global.router_id.value_or("?"));
  }
  void stop(std::function<void()> done) override {
    ev_.log.push_back(name_ + " stop");
    if (!async_stop_) {
      done();
      return;
    }
    // Like VRRP: finishes later, after its last adverts.
    timer_.expires_after(std::chrono::milliseconds(30));
    timer_.async_wait([this, done](auto) {
      ev_.log.push_back(name_ + " stopped");
      done();
    });
  }
  std::string status() const override { return name_ + " ok"; }

 private:
  std::string name_;
  Events& ev_;
  boost::asio::io_context& io_;
  bool async_stop_;
  boost::asio::steady_timer timer_;
};

struct Fixture {
  fs::path dir = fs::temp_directory_path() / ("sa-app-" + std::to_string(getpid()));
  fs::path conf = dir / "keepalived.conf";
  daemon::Options opts;
  log::Logger logger;
  Events ev;

  Fixture() {
    fs::create_directories(dir);
    opts.use_file = conf.string();
    opts.pid = (dir / "k.pid").string();
    write("A");
  }
  ~Fixture() { fs::remove_all(dir); }
  void write(const std::string& router_id) const {
    std::ofstream(conf) << "global_defs {\n  router_id " << router_id << "\n}\n";
  }
  void write_broken() const { std::ofstream(conf) << "vrrp_instance VI_1 {\n  virtual_router_id\n}\n"; }
};

// Runs the loop until the App has finished `n` reloads (or 10 s).
void wait_reloads(daemon::Daemon& d, const daemon::App& app, unsigned n) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (app.reloads() < n && std::chrono::steady_clock::now() < end) {
    d.io().restart();
    d.io().run_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

TEST_CASE("subsystems start with the config, reload by difference, and keep it on errors") {
  Fixture f;
  daemon::Daemon d(f.opts, f.logger);
  daemon::App app(d, f.opts, f.logger);
  app.add(std::make_unique<FakeSubsystem>("VRRP", f.ev, d.io(), false));
  app.add(std::make_unique<FakeSubsystem>("checkers", f.ev, d.io(), false));
  app.adopt_initial(config::load_file(f.conf.string()));
  app.start();
  CHECK(f.ev.log == std::vector<std::string>{"VRRP start A", "checkers start A"});
  CHECK(app.status_line() == "VRRP ok; checkers ok");

  f.ev.log.clear();
  f.write("B");
  app.reload();
  wait_reloads(d, app, 1);
  CHECK(f.ev.log == std::vector<std::string>{"VRRP reload A->B", "checkers reload A->B"});
  CHECK(app.config()->global.router_id == "B");

  // A broken config reaches no subsystem and leaves the running one in place.
  f.ev.log.clear();
  f.write_broken();
  app.reload();
  wait_reloads(d, app, 2);
  CHECK(app.reloads() == 2);
  CHECK(f.ev.log.empty());
  CHECK(app.config()->global.router_id == "B");

  // So does a vanished file.
  fs::remove(f.conf);
  app.reload();
  wait_reloads(d, app, 3);
  CHECK(f.ev.log.empty());
  CHECK(app.config()->global.router_id == "B");

  // Reloads requested while one runs are folded into one more.
  f.write("C");
  app.reload();
  app.reload();
  app.reload();
  app.reload();
  wait_reloads(d, app, 5);
  d.io().restart();
  d.io().run_for(std::chrono::milliseconds(200));
  CHECK(app.reloads() == 5);
  CHECK(app.config()->global.router_id == "C");
}

TEST_CASE("stop goes in reverse order and waits for each subsystem") {
  Fixture f;
  daemon::Daemon d(f.opts, f.logger);
  daemon::App app(d, f.opts, f.logger);
  app.add(std::make_unique<FakeSubsystem>("VRRP", f.ev, d.io(), true));
  app.add(std::make_unique<FakeSubsystem>("IPVS", f.ev, d.io(), true));
  app.adopt_initial(config::load_file(f.conf.string()));
  app.start();
  f.ev.log.clear();
  bool done = false;
  app.stop([&] { done = true; });
  CHECK(f.ev.log == std::vector<std::string>{"IPVS stop"});  // VRRP waits for IPVS
  d.io().run_for(std::chrono::seconds(2));
  CHECK(done);
  CHECK(f.ev.log == std::vector<std::string>{"IPVS stop", "IPVS stopped", "VRRP stop", "VRRP stopped"});
  // A reload after stop is refused.
  app.reload();
  CHECK(app.reloads() == 0);
}

TEST_CASE("dump file names follow data_use_instance") {
  config::GlobalDefs g;
  auto files = daemon::dump_files("/tmp", g);
  CHECK(files.vrrp_data == "/tmp/keepalived.data");
  CHECK(files.parent_data == "/tmp/keepalived_parent.data");
  CHECK(files.check_data == "/tmp/keepalived_check.data");
  g.data_use_instance = true;
  g.instance = "INST1";
  files = daemon::dump_files("/tmp", g);
  CHECK(files.vrrp_data == "/tmp/keepalived.INST1.data");
  CHECK(files.parent_data == "/tmp/keepalived_parent.INST1.data");
  CHECK(files.stats == "/tmp/keepalived.stats");
}

TEST_CASE("reload_check_config LOG_FILE: each reload's check goes to the file, with its outcome") {
  Fixture f;
  const auto log_file = f.dir / "check.log";
  const auto write = [&](const std::string& router_id) {
    std::ofstream(f.conf) << "global_defs {\n  router_id " << router_id << "\n  reload_check_config " << log_file.string()
                          << "\n}\n";
  };
  write("A");
  daemon::Daemon d(f.opts, f.logger);
  daemon::App app(d, f.opts, f.logger);
  app.add(std::make_unique<FakeSubsystem>("VRRP", f.ev, d.io(), false));
  app.adopt_initial(config::load_file(f.conf.string()));
  app.start();
  CHECK_FALSE(fs::exists(log_file));  // the start is no reload
  write("B");
  app.reload();
  wait_reloads(d, app, 1);
  const auto slurp = [&] {
    std::ifstream in(log_file);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CHECK(slurp().find("0 error(s), 0 warning(s); reloaded") != std::string::npos);
  f.write_broken();
  app.reload();
  wait_reloads(d, app, 2);
  const auto text = slurp();
  CHECK(text.find(":2:3: error:") != std::string::npos);
  CHECK(text.find("not reloaded, the running configuration is kept") != std::string::npos);
  CHECK(app.config()->global.router_id == "B");
}
