#include "stayalived/daemon/reload_time.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace stayalived::daemon {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

// HH:MM:SS at `pos`.
bool parse_time(std::string_view s, std::size_t pos, ReloadTimeSpec& spec) {
  return digits(s, pos, 2, spec.hour) && s.size() > pos + 2 && s[pos + 2] == ':' &&
         digits(s, pos + 3, 2, spec.minute) && s.size() > pos + 5 && s[pos + 5] == ':' &&
         digits(s, pos + 6, 2, spec.second) && spec.hour < 24 && spec.minute < 60 &&
         spec.second < 61;
}

std::time_t to_time(const ReloadTimeSpec& spec, int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = spec.hour;
  tm.tm_min = spec.minute;
  tm.tm_sec = spec.second;
  tm.tm_isdst = -1;
  return spec.utc ? timegm(&tm) : std::mktime(&tm);
}

}  // namespace

std::optional<ReloadTimeSpec> parse_reload_time(std::string_view line, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<ReloadTimeSpec> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  ReloadTimeSpec spec;
  if (!line.empty() && line.back() == 'Z') {
    spec.utc = true;
    line.remove_suffix(1);
  }
  if (line.size() == 8) {
    if (!parse_time(line, 0, spec)) return fail("expected HH:MM:SS");
    return spec;
  }
  // YY-MM-DD HH:MM:SS or YYYY-MM-DD HH:MM:SS
  std::size_t ylen = line.size() == 17 ? 2 : line.size() == 19 ? 4 : 0;
  if (ylen == 0) return fail("expected HH:MM:SS, YY-MM-DD HH:MM:SS or YYYY-MM-DD HH:MM:SS");
  int y = 0, m = 0, d = 0;
  if (!digits(line, 0, ylen, y) || line[ylen] != '-' || !digits(line, ylen + 1, 2, m) ||
      line[ylen + 3] != '-' || !digits(line, ylen + 4, 2, d) || line[ylen + 6] != ' ' ||
      !parse_time(line, ylen + 7, spec))
    return fail("expected YY-MM-DD HH:MM:SS or YYYY-MM-DD HH:MM:SS");
  if (ylen == 2) y += 2000;
  if (m < 1 || m > 12 || d < 1 || d > 31) return fail("invalid date");
  spec.date = std::array<int, 3>{y, m, d};
  return spec;
}

std::time_t reload_due(const ReloadTimeSpec& spec, std::time_t now) {
  if (spec.date) return to_time(spec, (*spec.date)[0], (*spec.date)[1], (*spec.date)[2]);
  std::tm today{};
  if (spec.utc)
    gmtime_r(&now, &today);
  else
    localtime_r(&now, &today);
  std::time_t t = to_time(spec, today.tm_year + 1900, today.tm_mon + 1, today.tm_mday);
  if (t <= now) t = to_time(spec, today.tm_year + 1900, today.tm_mon + 1, today.tm_mday + 1);
  return t;
}

ReloadTimeWatcher::ReloadTimeWatcher(boost::asio::io_context& io, log::Channel log,
                                     std::function<void()> on_reload)
    : io_(io), log_(log), on_reload_(std::move(on_reload)), watcher_(io), timer_(io) {}

ReloadTimeWatcher::~ReloadTimeWatcher() { stop(); }

void ReloadTimeWatcher::stop() {
  timer_.cancel();
  scheduled_.reset();
  watcher_.close();
}

void ReloadTimeWatcher::configure(const std::optional<std::string>& path, bool repeat) {
  stop();
  repeat_ = repeat;
  if (!path) return;
  path_ = *path;
  if (auto r = watcher_.watch(path_); !r) {
    // keepalived: no scheduled reloads until a manual reload or a restart.
    log_.warning("reload_time_file {}: {}", path_, r.error().message);
    stop();
    return;
  }
  watcher_.on_change([this](const std::string&) { read_file(); });
  watcher_.on_lost([this](const std::string& dir) {
    log_.warning("reload_time_file {}: directory {} went away; no scheduled reloads until the next reload", path_,
                 dir);
    stop();
  });
  read_file();
}

void ReloadTimeWatcher::read_file() {
  timer_.cancel();
  scheduled_.reset();
  std::ifstream in(path_);
  if (!in) return;  // no file: nothing scheduled (yet)
  std::string line;
  std::getline(in, line);
  std::string why;
  const auto spec = parse_reload_time(line, &why);
  if (!spec) {
    log_.warning("reload_time_file {}: '{}' is not a reload time: {}", path_, line, why);
    return;
  }
  const std::time_t now = std::time(nullptr);
  const std::time_t due = reload_due(*spec, now);
  if (due <= now) {
    log_.info("reload_time_file {}: {} is in the past, ignored", path_, line);
    return;
  }
  arm(due);
}

void ReloadTimeWatcher::arm(std::time_t when) {
  scheduled_ = when;
  char buf[64];
  std::tm tm{};
  localtime_r(&when, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  log_.info("Reload scheduled for {}", buf);
  timer_.expires_at(std::chrono::system_clock::from_time_t(when));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    scheduled_.reset();
    if (!repeat_) ::unlink(path_.c_str());
    on_reload_();
    // With reload_repeat a time-only file schedules the same time tomorrow; the reload
    // calls configure() again, which rereads it.
  });
}

}  // namespace stayalived::daemon
