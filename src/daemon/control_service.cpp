#include "stayalived/daemon/control_service.hpp"

#include <boost/asio/post.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "stayalived/config/load.hpp"
#include "stayalived/daemon/version.hpp"

namespace stayalived::daemon {

namespace {

// o[kind][target] = {}, keeping what o[kind] already holds.
void put(boost::json::object& o, std::string_view kind, const std::string& target) {
  auto& v = o[kind];
  if (!v.is_object()) v.emplace_object();
  v.get_object()[target] = boost::json::object{};
}

// The state file is small (a few overrides); anything larger is not ours.
constexpr std::size_t kMaxStateBytes = 1 << 20;

}  // namespace

ControlPaths control_paths(const std::string& given, const std::optional<std::string>& instance,
                           const std::string& net_namespace) {
  ControlPaths p;
  std::string dir = "/run/keepalived/";
  if (given.empty()) {
    p.dirs.push_back("/run/keepalived");
    if (!net_namespace.empty()) {
      dir += net_namespace + "/";
      p.dirs.push_back("/run/keepalived/" + net_namespace);
    }
    p.socket = dir + "stayalived" + (instance ? "_" + *instance : "") + ".ctl";
  } else {
    p.socket = given;
  }
  const auto dot = p.socket.rfind(".ctl");
  p.state = (dot != std::string::npos && dot + 4 == p.socket.size() ? p.socket.substr(0, dot) : p.socket) + ".state";
  return p;
}

ControlService::ControlService(App& app, boost::asio::io_context& io, log::Logger& logger, ControlPaths paths,
                               control::ServerOptions server_options)
    : app_(app),
      io_(io),
      log_(logger, log::Source::Main),
      paths_(std::move(paths)),
      server_(io, logger, [&] {
        server_options.path = paths_.socket;
        return std::move(server_options);
      }(), [this](const control::Request& r, const control::Caller& c, const std::shared_ptr<control::Session>& s) {
        handle(r, c, s);
      }) {
  history_.attach(app_.events());
  app_.on_started([this] { restore_overrides(); });
  // A reload may replace an instance (new interface or VRID) or a real server: the
  // overrides are applied again to what the new configuration has (applying one twice
  // changes nothing).
  app_.events().on<events::ReloadOutcome>([this](const events::ReloadOutcome& r) {
    if (r.applied) apply_overrides(overrides_, "kept");
  });
}

ControlService::~ControlService() {
  stop();
  if (dry_run_.joinable()) dry_run_.join();
}

void ControlService::start() {
  if (auto r = server_.start(); !r) {
    log_.error("Control socket: {}; stayalivedctl cannot reach this daemon", r.error().message);
    return;
  }
  log_.info("Control socket {}", paths_.socket);
}

void ControlService::stop() { server_.stop(); }

void ControlService::handle(const control::Request& req, const control::Caller& caller,
                            const std::shared_ptr<control::Session>& session) {
  using control::encode_error;
  using control::encode_result;
  const auto reply = [&](boost::json::value v) {
    session->send(encode_result(req.id, std::move(v)));
    session->finish();
  };
  if (req.verb == "ping") {
    reply(boost::json::object{{"version", kVersion}, {"keepalived", kKeepalivedCompat}, {"pid", ::getpid()}});
  } else if (req.verb == "status") {
    boost::json::object root;
    app_.describe(root);
    root["overrides"] = overrides_;
    reply(std::move(root));
  } else if (req.verb == "explain") {
    const auto name = req.str("name");
    boost::json::object out;
    if (!name || !app_.explain(*name, out)) {
      session->send(encode_error(req.id, control::errc::kNotFound,
                                 "no instance, sync group, virtual server or real server named '" +
                                     name.value_or("") + "'"));
      session->finish();
      return;
    }
    reply(std::move(out));
  } else if (req.verb == "history") {
    const auto limit = req.integer("limit").value_or(0);
    boost::json::object res;
    res["events"] = history_.recent(limit > 0 ? static_cast<std::size_t>(limit) : 0);
    res["recorded"] = history_.recorded();
    if (!req.flag("follow")) {
      reply(std::move(res));
      return;
    }
    session->send(encode_result(req.id, std::move(res)));
    std::weak_ptr<control::Session> weak = session;
    const auto id = req.id;
    const auto handle = history_.follow([weak, id](const boost::json::object& e) {
      if (auto s = weak.lock()) s->send(control::encode_event(id, e));
    });
    session->on_close([this, handle] { history_.unfollow(handle); });
  } else if (req.verb == "reload") {
    history_.record(boost::json::object{{"type", "control"}, {"verb", "reload"}, {"target", app_.options().use_file},
                                        {"uid", caller.uid}});
    app_.reload([session, id = req.id](const App::ReloadReport& r) {
      boost::json::object res;
      res["applied"] = r.applied;
      res["errors"] = r.errors;
      res["warnings"] = r.warnings;
      boost::json::array d;
      for (const auto& x : r.diagnostics) d.emplace_back(x);
      res["diagnostics"] = std::move(d);
      session->send(control::encode_result(id, std::move(res)));
      session->finish();
    });
  } else if (req.verb == "reload_dry_run") {
    dry_run(req, session);
  } else {
    operator_command(req, caller, session);
  }
}

// The file is read and validated on a thread of its own, as a reload reads it (a large file
// must not hold the loop); the difference is computed back on the loop, where the running
// state is. One at a time.
void ControlService::dry_run(const control::Request& req, const std::shared_ptr<control::Session>& session) {
  if (dry_running_) {
    session->send(control::encode_error(req.id, control::errc::kBusy, "a dry run is already in progress"));
    session->finish();
    return;
  }
  dry_running_ = true;
  if (dry_run_.joinable()) dry_run_.join();
  auto options = system_load_options(app_.options());
  const std::string file = app_.options().use_file;
  dry_run_ = std::thread([this, options = std::move(options), file, session, id = req.id] {
    auto result = config::load_file(file, options);
    boost::asio::post(io_, [this, session, id, r = std::move(result)]() mutable {
      dry_running_ = false;
      if (dry_run_.joinable()) dry_run_.join();
      boost::json::object res;
      res["file"] = app_.options().use_file;
      boost::json::array d;
      std::size_t errors = 0, warnings = 0;
      for (const auto& x : r.diagnostics) {
        d.emplace_back(x.format());
        errors += x.severity == config::Severity::Error ? 1 : 0;
        warnings += x.severity == config::Severity::Warning ? 1 : 0;
      }
      res["diagnostics"] = std::move(d);
      res["errors"] = errors;
      res["warnings"] = warnings;
      const bool would_apply = errors == 0 && r.config;
      res["would_apply"] = would_apply;
      if (would_apply) app_.preview(r.config, res);
      session->send(control::encode_result(id, std::move(res)));
      session->finish();
    });
  });
}

void ControlService::operator_command(const control::Request& req, const control::Caller& caller,
                                      const std::shared_ptr<control::Session>& session) {
  const auto target = req.str("target");
  if (!target || target->empty()) {
    session->send(control::encode_error(req.id, control::errc::kBadRequest, "'" + req.verb + "' needs a target"));
    session->finish();
    return;
  }
  const std::string verb = req.verb;
  auto finish = [this, session, id = req.id, verb, target = *target, args = req.args,
                 uid = caller.uid](const Subsystem::CommandOutcome& o) {
    if (!o.ok) {
      session->send(control::encode_error(id, control::errc::kFailed, o.text));
      session->finish();
      return;
    }
    history_.record(boost::json::object{{"type", "control"}, {"verb", verb}, {"target", target}, {"uid", uid},
                                        {"detail", o.text}});
    if (verb == "drain") {
      // The drain ended: the real server is now disabled, and stays so after a restart.
      if (auto* d = overrides_.if_contains("drain"); d && d->is_object()) d->get_object().erase(target);
      put(overrides_, "disable", target);
      save_overrides();
    }
    session->send(control::encode_result(id, boost::json::object{{"message", o.text}}));
    session->finish();
  };
  auto outcome = app_.command(verb, *target, req.args, finish);
  if (!outcome) {
    session->send(control::encode_error(req.id, control::errc::kNotFound,
                                        "'" + *target + "' is not something '" + verb + "' applies to"));
    session->finish();
    return;
  }
  if (outcome->ok) {
    // Remember it for a restart: maintenance until resume, disable/drain until enable.
    const std::string t = *target;
    const auto erase = [&](const char* kind) {
      if (auto* o = overrides_.if_contains(kind); o && o->is_object()) o->get_object().erase(t);
    };
    if (verb == "maintenance") {
      put(overrides_, "maintenance", t);
    } else if (verb == "resume") {
      erase("maintenance");
    } else if (verb == "disable") {
      erase("drain");
      put(overrides_, "disable", t);
    } else if (verb == "drain") {
      erase("disable");
      put(overrides_, "drain", t);
    } else if (verb == "enable") {
      erase("disable");
      erase("drain");
    }
    save_overrides();
  }
  if (outcome->pending) {
    session->send(control::encode_event(req.id, boost::json::object{{"message", outcome->text}}));
    return;  // finish() runs when the subsystem calls done
  }
  finish(*outcome);
}

void ControlService::save_overrides() {
  // Written beside and renamed over: a crash leaves the old file or the new, never half.
  const std::string tmp = paths_.state + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    log_.error("Control: cannot write {}: {}", tmp, std::strerror(errno));
    return;
  }
  const std::string text = boost::json::serialize(overrides_) + "\n";
  const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), paths_.state.c_str()) != 0) {
    log_.error("Control: cannot write {}: {}", paths_.state, std::strerror(errno));
    ::unlink(tmp.c_str());
  }
}

void ControlService::restore_overrides() {
  const int fd = ::open(paths_.state.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
  if (fd < 0) return;
  std::string text(kMaxStateBytes + 1, '\0');
  const ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n <= 0 || static_cast<std::size_t>(n) > kMaxStateBytes) {
    if (n > 0) log_.error("Control: {} is larger than 1 MiB: ignored", paths_.state);
    return;
  }
  text.resize(static_cast<std::size_t>(n));
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) {
    log_.error("Control: {} is not a JSON object: overrides not restored", paths_.state);
    return;
  }
  apply_overrides(v.get_object(), "restored");
}

// Applies `from`'s overrides and keeps (and saves) those that still name something. A drain
// that a restart interrupted ends as what it was heading for: disabled. A drain running
// across a reload goes on in the checkers' subsystem.
void ControlService::apply_overrides(const boost::json::object& from, std::string_view what) {
  boost::json::object kept;
  for (const char* verb : {"maintenance", "disable", "drain"}) {
    const auto* o = from.if_contains(verb);
    if (o == nullptr || !o->is_object()) continue;
    for (const auto& [target, args] : o->get_object()) {
      const std::string t(target);
      const bool restart = what == "restored";
      const std::string_view as = std::string_view(verb) == "drain" && restart ? "disable" : verb;
      if (as == "drain") {
        put(kept, as, t);
        continue;
      }
      auto r = app_.command(as, t, boost::json::object{}, [](Subsystem::CommandOutcome) {});
      if (r && r->ok) {
        if (restart) log_.info("Control: restored {} {}", as, t);
        put(kept, as, t);
      } else {
        log_.warning("Control: override {} {} dropped: {}", as, t, r ? r->text : "no such object any more");
      }
    }
  }
  const bool changed = kept != overrides_;
  overrides_ = std::move(kept);
  if (changed || what == "restored") save_overrides();
}

}  // namespace stayalived::daemon
