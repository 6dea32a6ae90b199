// Logging to syslog, the console (-l) and files (-g), with keepalived's identities and line
// formats so that operators' log filters keep working. The pure cores never log; the I/O
// shells receive a Logger& (no global logger).
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace stayalived::log {

/// syslog(3) priorities.
enum class Level : int { Emerg = 0, Alert, Crit, Err, Warning, Notice, Info, Debug };

/// keepalived runs one process per subsystem and logs under one identity per process
/// (Keepalived, Keepalived_vrrp, Keepalived_healthcheckers, Keepalived_bfd). We run one
/// process but keep the identities, so that rsyslog rules and alerts on them still match.
enum class Source : int { Main = 0, Vrrp, Check, Bfd };
inline constexpr std::size_t kSources = 4;

/// keepalived's syslog identity for a source.
std::string_view ident(Source s);

struct Options {
  bool to_console = false;     ///< -l, --log-console: stderr
  bool to_syslog = true;       ///< cleared by -G, --no-syslog
  int facility = 3 << 3;       ///< -S, --log-facility (LOG_DAEMON by default)
  std::string file;            ///< -g, --log-file
  bool flush_file = false;     ///< --flush-log-file
  bool detail = false;         ///< -D, --log-detail
  bool debug = false;          ///< log Debug level to console/file too
};

/// keepalived's -g rule: subsystem logs go to FILE with _vrrp, _healthcheckers or _bfd
/// inserted before the last '.' of its base name (or appended if there is none).
std::string file_for(const std::string& file, Source s);

/// The console/file line prefix keepalived writes: "Sun Nov 22 16:22:05 2026: ".
std::string timestamp_prefix(std::time_t t);

/// Somewhere log lines go.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(Source src, Level level, std::string_view msg) = 0;
};

/// A sink that keeps the lines, for tests and for the config-test report.
class MemorySink final : public Sink {
 public:
  struct Line {
    Source src;
    Level level;
    std::string text;
  };
  void write(Source src, Level level, std::string_view msg) override {
    lines.push_back({src, level, std::string(msg)});
  }
  std::vector<Line> lines;
};

class Logger {
 public:
  /// A logger with no sinks (messages are dropped) unless options ask for some.
  Logger() = default;
  explicit Logger(const Options& opts);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void add_sink(std::unique_ptr<Sink> sink) { sinks_.push_back(std::move(sink)); }
  bool detail() const { return detail_; }

  void write(Source src, Level level, std::string_view msg);

  template <class... Args>
  void log(Source src, Level level, fmt::format_string<Args...> f, Args&&... args) {
    write(src, level, fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  std::vector<std::unique_ptr<Sink>> sinks_;
  bool detail_ = false;
};

/// A Logger bound to one source, handed to a subsystem.
class Channel {
 public:
  Channel(Logger& logger, Source src) : logger_(&logger), src_(src) {}

  Logger& logger() const { return *logger_; }
  bool detail() const { return logger_->detail(); }

  template <class... Args>
  void info(fmt::format_string<Args...> f, Args&&... args) const {
    logger_->write(src_, Level::Info, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void notice(fmt::format_string<Args...> f, Args&&... args) const {
    logger_->write(src_, Level::Notice, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void warning(fmt::format_string<Args...> f, Args&&... args) const {
    logger_->write(src_, Level::Warning, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void error(fmt::format_string<Args...> f, Args&&... args) const {
    logger_->write(src_, Level::Err, fmt::format(f, std::forward<Args>(args)...));
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> f, Args&&... args) const {
    logger_->write(src_, Level::Debug, fmt::format(f, std::forward<Args>(args)...));
  }

 private:
  Logger* logger_;
  Source src_;
};

}  // namespace stayalived::log
