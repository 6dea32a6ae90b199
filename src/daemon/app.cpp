#include "stayalived/daemon/app.hpp"

#include <malloc.h>

#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netdb.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "stayalived/config/dump.hpp"
#include "stayalived/daemon/dump.hpp"
#include "stayalived/daemon/process_tuning.hpp"

namespace stayalived::daemon {

namespace {

std::string host_name() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

std::string tmp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t != nullptr && *t != '\0' ? t : "/tmp";
}

// Writes `text` to `path` (mode from the umask, 0600 by default as keepalived's).
bool write_file(const std::string& path, const std::string& text, log::Channel& log) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) {
    log.error("Unable to write {}: {}", path, std::strerror(errno));
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      log.error("Error writing {}: {}", path, std::strerror(errno));
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return true;
}

DumpContext dump_context() {
  DumpContext ctx;
  ctx.router_id_default = host_name();
  ctx.resolve_user = [](const std::optional<config::RunAs>& who) {
    // The default script user is keepalived_script if it exists, else root.
    const std::string name = who ? who->user : std::string("keepalived_script");
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
      return std::pair<uid_t, gid_t>{0, 0};
    gid_t gid = pw.pw_gid;
    if (who && who->group) {
      group gr{};
      group* g = nullptr;
      if (::getgrnam_r(who->group->c_str(), &gr, buf.data(), buf.size(), &g) == 0 && g != nullptr)
        gid = gr.gr_gid;
    }
    return std::pair<uid_t, gid_t>{pw.pw_uid, gid};
  };
  const mode_t m = ::umask(0);
  ::umask(m);
  ctx.umask = m;
  return ctx;
}

}  // namespace

DumpFiles dump_files(const std::string& dir, const config::GlobalDefs& g) {
  std::string tag;
  if (g.data_use_instance) {
    if (g.instance) tag += "." + *g.instance;
    if (g.net_namespace) tag += (g.instance ? "_" : ".") + *g.net_namespace;
  }
  return DumpFiles{
      .parent_data = dir + "/keepalived_parent" + tag + ".data",
      .vrrp_data = dir + "/keepalived" + tag + ".data",
      .check_data = dir + "/keepalived_check" + tag + ".data",
      .stats = dir + "/keepalived.stats",
      .json = dir + "/keepalived.json",
      .check_json = dir + "/keepalived_check.json",
  };
}

config::LoadOptions system_load_options(const Options& opts) {
  config::LoadOptions lo;
  lo.config_id = opts.config_id.value_or("");  // empty: host name up to the first '.'
  lo.all_config = opts.all_config;
  lo.interface_exists = [](std::string_view name) {
    return ::if_nametoindex(std::string(name).c_str()) != 0;
  };
  lo.host_resolves = [](std::string_view name) {
    addrinfo* res = nullptr;
    const int rc = ::getaddrinfo(std::string(name).c_str(), nullptr, nullptr, &res);
    if (res) ::freeaddrinfo(res);
    return rc == 0;
  };
  return lo;
}

App::App(Daemon& daemon, const Options& opts, log::Logger& logger)
    : daemon_(daemon),
      opts_(opts),
      logger_(logger),
      log_(logger, log::Source::Main),
      hub_(daemon.io(), logger),
      reload_timer_(daemon.io(), log::Channel(logger, log::Source::Main), [this] { reload(); }) {
  hub_.mail_vrrp_transitions(bus_);
}

App::~App() {
  if (loader_.joinable()) loader_.join();
}

void App::log_diagnostics(const config::LoadResult& r) const {
  for (const auto& d : r.diagnostics) {
    const auto level = d.severity == config::Severity::Error     ? log::Level::Err
                       : d.severity == config::Severity::Warning ? log::Level::Warning
                                                                  : log::Level::Info;
    logger_.write(log::Source::Main, level, d.format());
  }
}

void App::adopt_initial(config::LoadResult initial) {
  log_.info("Configuration file {}", opts_.use_file);
  log_diagnostics(initial);
  config_ = initial.config;
  apply_global_runtime(*config_);
  save_config_state("initial");
}

void App::apply_global_runtime(const config::Config& cfg) {
  hub_.configure(cfg);
  // `umask` in global_defs, unless -u was given (the command line wins, as in keepalived).
  if (!opts_.umask && cfg.global.umask) ::umask(static_cast<mode_t>(*cfg.global.umask));
  reload_timer_.configure(cfg.global.reload_time_file, cfg.global.reload_repeat);
}

void App::start() {
  // keepalived runs startup_script before anything else and waits for it (bounded by
  // startup_script_timeout); the loop keeps serving signals meanwhile.
  if (config_ && config_->global.startup_script) {
    hub_.run_once(*config_->global.startup_script, config_->global.startup_script_timeout, "startup script",
                  [this] {
                    if (!stopping_) start_subsystems();
                  });
    return;
  }
  start_subsystems();
}

void App::start_subsystems() {
  // keepalived's processes take their scheduling settings as they start (after the start-up
  // script); a reload does not change them.
  if (config_) apply_process_settings(merge_process_settings(config_->global, opts_.runs_vrrp(), opts_.runs_checkers()), log_);
  // process_name: the name of keepalived's parent, which we are (ps, pgrep, top).
  if (config_ && config_->global.process_name) set_process_name(*config_->global.process_name, log_);
  for (auto& s : subsystems_) s->start(config_);
  keep_lean();
  started_ = true;
  log_.info("Startup complete");
  for (auto& f : on_started_) f();
  if (reload_pending_ && !stopping_) {
    // A HUP that arrived while starting: the file may have changed since it was read.
    reload_pending_ = false;
    reload();
  }
}

// Once the subsystems have what they need from a configuration, the daemon keeps it without
// the real servers: the checkers and IPVS hold theirs in their own form, and nothing else
// reads them. With 10,000 real servers that is about 8 MB of the daemon's 26.
void App::keep_lean() {
  if (!config_) return;
  config_ = std::make_shared<const config::Config>(config_->without_real_servers());
  ::malloc_trim(0);
}

std::string App::reload_file_path(const config::GlobalDefs& g) const {
  if (!g.reload_file) return {};
  if (!g.reload_file->empty()) return *g.reload_file;
  // "the default filename keepalived.reload in the PID directory"
  const auto slash = opts_.pid.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : opts_.pid.substr(0, slash);
  return dir + "/keepalived.reload";
}

void App::reload() {
  if (stopping_) {
    log_.info("Reload requested while stopping: ignored");
    return;
  }
  if (reloading_ || !started_) {
    // A flood of HUPs costs at most one more reload, after this one (or after the start).
    reload_pending_ = true;
    return;
  }
  reloading_ = true;
  reload_running_ = std::move(reload_waiting_);
  reload_waiting_.clear();
  // systemd wants RELOADING=1 ... READY=1 around a reload, whatever its outcome (READY=1:
  // finish_reload).
  daemon_.systemd().reloading();
  log_.info("Reloading ...");
  const std::string reload_file = reload_file_path(config_->global);
  if (!reload_file.empty()) {
    // Created (or truncated) before reading, removed once read: keepalived.conf(5).
    const int fd = ::open(reload_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) ::close(fd);
  }
  if (loader_.joinable()) loader_.join();
  auto options = system_load_options(opts_);
  options.cancel = cancel_load_;
  loader_ = std::thread([this, options = std::move(options), reload_file] {
    config::LoadResult result;
    // keepalived reads a missing file or a directory as an empty configuration and drops
    // everything; on a reload we refuse instead: a file being replaced or a typo in a path
    // must not take the VIPs away. (Devices, FIFOs and endless files: the loader refuses.)
    std::string refused;
    struct ::stat st {};
    if (::stat(opts_.use_file.c_str(), &st) != 0 || ::access(opts_.use_file.c_str(), R_OK) != 0)
      refused = fmt::format("cannot read the configuration file: {}", std::strerror(errno));
    else if (S_ISDIR(st.st_mode))
      refused = "the configuration file is a directory";
    if (!refused.empty()) {
      config::Diagnostic d;
      d.severity = config::Severity::Error;
      d.loc.file = opts_.use_file;
      d.message = std::move(refused);
      result.diagnostics.push_back(std::move(d));
    } else {
      result = config::load_file(opts_.use_file, options);
    }
    if (!reload_file.empty()) ::unlink(reload_file.c_str());
    boost::asio::post(daemon_.io(), [this, r = std::move(result)]() mutable { finish_reload(std::move(r)); });
  });
}

void App::finish_reload(config::LoadResult result) {
  if (loader_.joinable()) loader_.join();
  ++reloads_;
  log_.info("Configuration file {}", opts_.use_file);
  log_diagnostics(result);
  ReloadReport report;
  for (const auto& d : result.diagnostics) report.diagnostics.push_back(d.format());
  auto waiting = std::move(reload_running_);
  reload_running_.clear();
  if (stopping_) {
    reloading_ = false;
    for (auto& f : waiting) f(report);
    return;
  }
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : result.diagnostics) {
    errors += d.severity == config::Severity::Error ? 1 : 0;
    warnings += d.severity == config::Severity::Warning ? 1 : 0;
  }
  const bool applied = !result.has_errors() && result.config;
  write_reload_check(result, errors, warnings);
  if (!applied) {
    log_.error("Reload failed: {} error(s) in the configuration; keeping the running configuration",
               errors);
  } else {
    save_config_state("pre");
    const auto old = config_;
    config_ = result.config;
    // The endpoints are opened at start: say so when a reload asks to move them.
    const auto& og = old->global;
    const auto& ng = config_->global;
    if (og.metrics_listen != ng.metrics_listen || og.control_socket != ng.control_socket ||
        og.control_group != ng.control_group || og.control_admin_group != ng.control_admin_group)
      log_.warning("Reload: metrics_listen and control_socket/control_group/control_admin_group take effect at the "
                   "next start; the running endpoints are kept");
    // The hub first: subsystems take the FIFOs and script users of the new configuration.
    apply_global_runtime(*config_);
    for (auto& s : subsystems_) s->reload(old, config_);
    keep_lean();
    save_config_state("post");
    loaded_at_ = std::chrono::system_clock::now();
    log_.info("Reload complete");
  }
  bus_.publish(events::ReloadOutcome{.applied = applied, .errors = errors, .warnings = warnings});
  report.applied = applied;
  report.errors = errors;
  report.warnings = warnings;
  for (auto& f : waiting) f(report);
  reloading_ = false;
  daemon_.systemd().ready(status_line());
  if (reload_pending_) {
    reload_pending_ = false;
    reload();
  }
}

// reload_check_config LOG_FILE (of the running configuration, else of the new one): the
// check of the file a reload read, as -t prints it, and a summary line; replaced each time.
void App::write_reload_check(const config::LoadResult& result, std::size_t errors, std::size_t warnings) {
  std::optional<std::string> file;
  if (config_ && config_->global.reload_check_config) file = config_->global.reload_check_config;
  else if (result.config && result.config->global.reload_check_config) file = result.config->global.reload_check_config;
  if (!file || file->empty()) return;
  std::string text;
  for (const auto& d : result.diagnostics) text += d.format() + "\n";
  text += fmt::format("{}: {} error(s), {} warning(s); {}\n", opts_.use_file, errors, warnings,
                      errors == 0 && result.config ? "reloaded" : "not reloaded, the running configuration is kept");
  write_file(*file, text, log_);
}

// config_save_dir: the configuration as read, and the data dumps before and after each
// reload, named as keepalived names them (keepalived.conf.PID.N, keepalived_vrrp.PID.N.pre).
void App::save_config_state(const char* phase) {
  if (!config_ || !config_->global.config_save_dir) return;
  const std::string dir = *config_->global.config_save_dir;
  std::error_code ec;
  std::filesystem::create_directory(dir, ec);
  const std::string pid = std::to_string(::getpid());
  const std::string n = std::to_string(reloads_);
  if (std::string_view(phase) == "pre" || std::string_view(phase) == "post") {
    std::string data;
    data += dump_global_definitions(*config_, dump_context());
    for (const auto& s : subsystems_) s->write_data(data);
    write_file(dir + "/keepalived_vrrp." + pid + "." + n + "." + phase, data, log_);
  }
  if (std::string_view(phase) != "pre") {
    // Every file of the configuration, each under a "# FILE" header.
    std::string text;
    for (const auto& f : config_->files.names) {
      std::ifstream in(f);
      text += "# " + f + "\n";
      text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      text += "\n";
    }
    write_file(dir + "/keepalived.conf." + pid + "." + n, text, log_);
  }
}

void App::reload(std::function<void(const ReloadReport&)> done) {
  if (stopping_) {
    done(ReloadReport{});
    return;
  }
  // A reload reading now may have read the file before it changed: this one waits for the
  // next (reload() folds the request into it).
  reload_waiting_.push_back(std::move(done));
  reload();
}

void App::describe(boost::json::object& root) const {
  boost::json::object d;
  d["pid"] = ::getpid();
  d["started"] = epoch_seconds(created_at_);
  d["uptime"] = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now() - created_at_).count();
  d["config_file"] = opts_.use_file;
  d["config_loaded"] = epoch_seconds(loaded_at_);
  d["reloads"] = reloads_;
  d["state"] = stopping_ ? "stopping" : !started_ ? "starting" : reloading_ ? "reloading" : "running";
  root["daemon"] = std::move(d);
  for (const auto& s : subsystems_) s->describe(root);
}

bool App::explain(std::string_view name, boost::json::object& out) const {
  for (const auto& s : subsystems_)
    if (s->explain(name, out)) return true;
  return false;
}

void App::preview(const std::shared_ptr<const config::Config>& new_cfg, boost::json::object& out) const {
  for (const auto& s : subsystems_) s->preview(new_cfg, out);
}

std::optional<Subsystem::CommandOutcome> App::command(std::string_view verb, std::string_view target,
                                                      const boost::json::object& args,
                                                      std::function<void(Subsystem::CommandOutcome)> done) {
  if (!started_ || stopping_) return Subsystem::CommandOutcome{false, "the daemon is not running its subsystems now"};
  for (auto& s : subsystems_)
    if (auto r = s->command(verb, target, args, done)) return r;
  return std::nullopt;
}

void App::stop(std::function<void()> done) {
  stopping_ = true;
  cancel_load_->store(true);
  reload_timer_.configure(std::nullopt, false);
  // Stop in reverse order of start; each one finishes before the next begins (VRRP sends
  // its priority-0 adverts and releases the VIPs before IPVS rules go).
  // Subsystems that never started (a stop during startup_script) have nothing to undo.
  auto remaining = std::make_shared<std::size_t>(started_ ? subsystems_.size() : 0);
  auto next = std::make_shared<std::function<void()>>();
  *next = [this, remaining, next, done = std::move(done)]() mutable {
    if (*remaining == 0) {
      // Break the self-reference: this lambda and its captures are gone after it, so what
      // is needed afterwards is taken out first.
      auto finish = std::move(done);
      App* self = this;
      *next = nullptr;
      self->finish_stop(std::move(finish));
      return;
    }
    auto& s = subsystems_[--*remaining];
    s->stop([next] { if (*next) (*next)(); });
  };
  (*next)();
}

// keepalived runs shutdown_script after everything else has stopped, and waits for it
// (bounded by shutdown_script_timeout); then the scripts still running are ended.
void App::finish_stop(std::function<void()> done) {
  if (config_ && config_->global.shutdown_script && started_) {
    const auto& g = config_->global;
    hub_.run_once(*g.shutdown_script, g.shutdown_script_timeout, "shutdown script", [this, done = std::move(done)] {
      hub_.stop();
      done();
    });
    return;
  }
  hub_.stop();
  done();
}

void App::write_data() {
  log_.info("Printing data for process({}) on signal", ::getpid());
  const auto files = dump_files(tmp_dir(), config_->global);
  const std::string global = dump_global_definitions(*config_, dump_context());
  write_file(files.parent_data, global, log_);
  std::string vrrp = global, check = global;
  for (const auto& s : subsystems_) {
    std::string part;
    s->write_data(part);
    (s->name() == "VRRP" ? vrrp : check) += part;
  }
  write_file(files.vrrp_data, vrrp, log_);
  write_file(files.check_data, check, log_);
}

void App::write_stats(bool clear) {
  log_.info("Printing stats for process({}) on signal", ::getpid());
  std::string out;
  for (const auto& s : subsystems_) s->write_stats(out, clear);
  write_file(dump_files(tmp_dir(), config_->global).stats, out, log_);
}

void App::write_json() {
  log_.info("Printing json for process({}) on signal", ::getpid());
  boost::json::object root;
  for (const auto& s : subsystems_) s->write_json(root);
  const auto files = dump_files(tmp_dir(), config_->global);
  // keepalived.json keeps keepalived's shape, an array of VRRP instances, which its
  // consumers iterate; the rest goes beside it.
  boost::json::value vrrp = root.contains("vrrp") ? root["vrrp"] : boost::json::array();
  write_file(files.json, boost::json::serialize(vrrp) + "\n", log_);
  root.erase("vrrp");
  write_file(files.check_json, boost::json::serialize(root) + "\n", log_);
}

void App::write_metrics(metrics::Exposition& out) const {
  for (const auto& s : subsystems_) s->write_metrics(out);
}

std::string App::status_line() const {
  std::string out;
  for (const auto& s : subsystems_) {
    const std::string part = s->status();
    if (part.empty()) continue;
    if (!out.empty()) out += "; ";
    out += part;
  }
  return out.empty() ? std::string("running, nothing configured") : out;
}

}  // namespace stayalived::daemon
