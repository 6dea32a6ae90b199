#include "stayalived/common/log.hpp"

#include <syslog.h>

#include <ctime>

namespace stayalived::log {

namespace {

constexpr std::array<std::string_view, kSources> kIdents = {
    "Keepalived", "Keepalived_vrrp", "Keepalived_healthcheckers", "Keepalived_bfd"};
constexpr std::array<std::string_view, kSources> kFileSuffix = {"", "_vrrp", "_healthcheckers",
                                                                 "_bfd"};

class SyslogSink final : public Sink {
 public:
  explicit SyslogSink(int facility) : facility_(facility) {}
  ~SyslogSink() override { closelog(); }
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  void write(Source src, Level level, std::string_view msg) override {
    // One process, several identities: switch the ident only when the source changes.
    // openlog() keeps the pointer, so it must point at storage that lives forever.
    if (current_ != static_cast<int>(src)) {
      current_ = static_cast<int>(src);
      openlog(kIdents[static_cast<std::size_t>(src)].data(), LOG_PID | LOG_NDELAY, facility_);
    }
    syslog(facility_ | static_cast<int>(level), "%.*s", static_cast<int>(msg.size()), msg.data());
  }

 private:
  int facility_;
  int current_ = -1;
};

// Writes "<timestamp>: message" lines, as keepalived does on its console and log files.
class StreamSink : public Sink {
 public:
  explicit StreamSink(bool debug) : debug_(debug) {}
  void write(Source src, Level level, std::string_view msg) override {
    if (level == Level::Debug && !debug_) return;
    std::FILE* f = stream_for(src);
    if (f == nullptr) return;
    const std::string line = timestamp_prefix(std::time(nullptr)) + std::string(msg) + "\n";
    std::fwrite(line.data(), 1, line.size(), f);
    if (flush_) std::fflush(f);
  }

 protected:
  virtual std::FILE* stream_for(Source src) = 0;
  bool flush_ = true;

 private:
  bool debug_;
};

class ConsoleSink final : public StreamSink {
 public:
  using StreamSink::StreamSink;

 private:
  std::FILE* stream_for(Source) override { return stderr; }
};

class FileSink final : public StreamSink {
 public:
  FileSink(std::string base, bool flush, bool debug) : StreamSink(debug), base_(std::move(base)) {
    flush_ = flush;
  }
  ~FileSink() override {
    for (auto* f : files_)
      if (f != nullptr) std::fclose(f);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

 private:
  std::FILE* stream_for(Source src) override {
    auto& f = files_[static_cast<std::size_t>(src)];
    if (f == nullptr && !failed_[static_cast<std::size_t>(src)]) {
      f = std::fopen(file_for(base_, src).c_str(), "a");
      if (f == nullptr) failed_[static_cast<std::size_t>(src)] = true;
    }
    return f;
  }
  std::string base_;
  std::array<std::FILE*, kSources> files_{};
  std::array<bool, kSources> failed_{};
};

}  // namespace

std::string_view ident(Source s) { return kIdents[static_cast<std::size_t>(s)]; }

std::string file_for(const std::string& file, Source s) {
  const std::string_view suffix = kFileSuffix[static_cast<std::size_t>(s)];
  if (suffix.empty()) return file;
  const auto slash = file.rfind('/');
  const auto dot = file.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return file + std::string(suffix);
  return file.substr(0, dot) + std::string(suffix) + file.substr(dot);
}

std::string timestamp_prefix(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[64];
  const auto n = std::strftime(buf, sizeof buf, "%a %b %e %H:%M:%S %Y: ", &tm);
  return std::string(buf, n);
}

Logger::Logger(const Options& opts) : detail_(opts.detail) {
  if (opts.to_syslog) sinks_.push_back(std::make_unique<SyslogSink>(opts.facility));
  if (opts.to_console) sinks_.push_back(std::make_unique<ConsoleSink>(opts.debug));
  if (!opts.file.empty())
    sinks_.push_back(std::make_unique<FileSink>(opts.file, opts.flush_file, opts.debug));
}

Logger::~Logger() = default;

void Logger::write(Source src, Level level, std::string_view msg) {
  for (auto& s : sinks_) s->write(src, level, msg);
}

}  // namespace stayalived::log
