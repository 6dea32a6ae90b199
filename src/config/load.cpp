// load_file / load_string: preprocessor -> lexer -> parser -> builder -> validator, and the
// real-system defaults of LoadOptions (file system, users, host name). The pipeline itself
// touches nothing outside LoadOptions.
#include "stayalived/config/load.hpp"

#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "builder.hpp"
#include "diag.hpp"
#include "driver.hpp"
#include "preprocessor.hpp"
#include "validate.hpp"

namespace stayalived::config {

namespace {

// keepalived 2.2.7, measured: 2 fatal, 6 script security / failed include checks,
// 5 any other warning, 0 clean.
int exit_code(const std::vector<Diagnostic>& diagnostics, bool count_no_effect) {
  bool fatal = false, six = false, warn = false;
  for (const auto& d : diagnostics) {
    if (d.severity == Severity::Note) continue;
    if (d.klass == DiagClass::NoEffect && !count_no_effect) continue;
    if (d.klass == DiagClass::ScriptSecurity || d.klass == DiagClass::IncludeCheck) six = true;
    else if (d.severity == Severity::Error) fatal = true;
    else warn = true;
  }
  return fatal ? 2 : six ? 6 : warn ? 5 : 0;
}

}  // namespace

int LoadResult::config_test_exit_code() const { return exit_code(diagnostics, true); }

int LoadResult::keepalived_exit_code() const { return exit_code(diagnostics, false); }

bool LoadResult::has_errors() const {
  return std::any_of(diagnostics.begin(), diagnostics.end(), [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

std::optional<std::string> SystemFiles::read(const std::string& path, int& error) const {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below anyway).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    error = errno;
    return std::nullopt;
  }
  auto fail = [&](int e) -> std::optional<std::string> {
    error = e;
    ::close(fd);
    return std::nullopt;
  };
  struct ::stat st {};
  if (::fstat(fd, &st) != 0) return fail(errno);
  // Regular files only: a device (/dev/zero), a FIFO or a socket has no end, or blocks.
  if (S_ISDIR(st.st_mode)) return fail(EISDIR);
  if (!S_ISREG(st.st_mode)) return fail(kNotRegular);
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes_) return fail(EFBIG);
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    if (n == 0) break;
    // A regular file may still grow while read (or be a /proc or /sys file that never ends).
    if (out.size() + static_cast<std::size_t>(n) > max_bytes_) return fail(EFBIG);
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

std::string FileSystem::error_text(int error) {
  if (error == kNotRegular) return "not a regular file (a device, FIFO or socket is never read)";
  if (error == EFBIG) return "file too large";
  return std::strerror(error);
}

std::vector<std::string> SystemFiles::glob(const std::string& pattern) const {
  glob_t g{};
  std::vector<std::string> out;
  if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0)
    for (std::size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  ::globfree(&g);
  std::sort(out.begin(), out.end());
  return out;
}

FileInfo SystemFiles::stat(const std::string& path) const {
  struct ::stat st {};
  FileInfo f;
  if (::stat(path.c_str(), &st) != 0) return f;
  f.exists = true;
  f.is_dir = S_ISDIR(st.st_mode);
  f.is_regular = S_ISREG(st.st_mode);
  f.uid = st.st_uid;
  f.gid = st.st_gid;
  f.mode = st.st_mode & 07777;
  return f;
}

std::string default_config_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) return {};
  std::string h(host);
  return h.substr(0, h.find('.'));
}

namespace {

bool system_user_exists(std::string_view name) {
  const std::string n(name);
  passwd pw{};
  passwd* res = nullptr;
  std::vector<char> buf(16384);
  return ::getpwnam_r(n.c_str(), &pw, buf.data(), buf.size(), &res) == 0 && res != nullptr;
}

bool system_group_exists(std::string_view name) {
  const std::string n(name);
  group gr{};
  group* res = nullptr;
  std::vector<char> buf(16384);
  return ::getgrnam_r(n.c_str(), &gr, buf.data(), buf.size(), &res) == 0 && res != nullptr;
}

template <class Open>
LoadResult load(const LoadOptions& in, Open open) {
  LoadOptions opts = in;
  if (!opts.files) opts.files = std::make_shared<SystemFiles>(opts.limits.max_total_bytes);
  if (!opts.user_exists) opts.user_exists = system_user_exists;
  if (!opts.group_exists) opts.group_exists = system_group_exists;
  if (opts.config_id.empty()) opts.config_id = default_config_id();
  if (opts.cwd.empty()) {
    char buf[4096];
    opts.cwd = ::getcwd(buf, sizeof buf) ? buf : "/";
  }

  auto cfg = std::make_shared<Config>();
  detail::LineOrder order;
  detail::DiagSink diags(cfg->files, order, opts.limits.max_diagnostics);
  detail::Preprocessor pp(opts, *opts.files, diags, cfg->files, order);
  detail::PreprocessorHooks hooks;
  hooks.set_include_check = [&pp](const IncludeCheck& c) { pp.set_include_check(c); };
  hooks.include_check = [&pp] { return pp.include_check(); };
  hooks.seed_random = [&pp](std::uint32_t s) { pp.seed_random(s); };
  detail::Builder builder(*cfg, diags, opts, std::move(hooks));
  open(pp);
  detail::Driver driver(pp, builder, diags, opts.limits);
  driver.parse();
  builder.finish();
  detail::validate(*cfg, opts, diags, order);
  if (diags.suppressed() > 0) {
    Diagnostic d;  // past the limit itself: added directly
    d.severity = Severity::Note;
    d.loc.file = cfg->files.name(Loc{});
    d.order = UINT64_MAX;
    d.message = fmt::format("{} more diagnostic(s) not shown (only the first {} and the first of each kind are)",
                            diags.suppressed(), opts.limits.max_diagnostics);
    diags.all().push_back(std::move(d));
  }

  LoadResult r;
  r.diagnostics = std::move(diags.all());
  std::stable_sort(r.diagnostics.begin(), r.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.order != b.order) return a.order < b.order;
                     return a.loc.column < b.loc.column;
                   });
  if (!r.has_errors()) {
    // The config lives as long as it runs: the slack that vector growth left in the large
    // lists is given back. Not the virtual servers' own vector: shrinking it copies it
    // while the whole model is built, the highest point of the load's memory (5.5 MB more
    // at 7,700 virtual servers), and the copy's space stays with the process anyway. The
    // real servers' vectors were shrunk as each virtual server closed (Builder).
    cfg->virtual_server_groups.shrink_to_fit();
    cfg->vrrp_instances.shrink_to_fit();
    r.config = std::move(cfg);
  }
  return r;
}

}  // namespace

LoadResult load_file(const std::string& path, const LoadOptions& opts) {
  return load(opts, [&](detail::Preprocessor& pp) { pp.open_main_file(path); });
}

LoadResult load_string(std::string_view text, const std::string& name, const LoadOptions& opts) {
  return load(opts, [&](detail::Preprocessor& pp) { pp.open_main_text(text, name); });
}

}  // namespace stayalived::config
