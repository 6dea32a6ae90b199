// Loading keepalived.conf: preprocessor (include, @id, $PARAM, ~SEQ/~LST), Flex lexer,
// Bison grammar, builder into the typed model, then a separate validation pass. Every
// problem becomes a Diagnostic (diagnostic.hpp) with its location; loading never throws on
// bad input and never stops at the first problem.
//
// The outside world (files, globbing, interfaces, users, script files) is reached only
// through LoadOptions, so that tests and the fuzzer can run the whole pipeline without the
// real file system.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/config/diagnostic.hpp"
#include "stayalived/config/model.hpp"

namespace stayalived::config {

/// What the loader needs to know about a file on disk (lstat(2) fields).
struct FileInfo {
  bool exists = false;     ///< the path exists
  bool is_dir = false;     ///< it is a directory
  bool is_regular = false; ///< it is a regular file
  uid_t uid = 0;           ///< owner
  gid_t gid = 0;           ///< group
  mode_t mode = 0;         ///< permission bits (st_mode & 07777)
};

/// Guards against hostile or broken input; exceeding one is an error naming the limit.
struct Limits {
  std::uint32_t max_include_depth = 32;          ///< nested include levels
  std::uint64_t max_lines = 4'000'000;           ///< logical lines after ~SEQ/$PARAM expansion
  std::uint64_t max_seq_iterations = 1'000'000;  ///< iterations of one ~SEQ/~LST line
  std::uint32_t max_param_depth = 32;            ///< nested $PARAM expansions
  std::uint64_t max_line_bytes = 1'000'000;      ///< bytes of one line after expansion
  std::uint64_t max_total_bytes = 256'000'000;   ///< bytes read and expanded in all
  std::uint32_t max_block_depth = 64;            ///< nested { } blocks
  std::uint64_t max_files = 10'000;              ///< files opened by include
  /// Diagnostics kept; beyond, only the first of each severity and class, and a count.
  std::uint64_t max_diagnostics = 1'000;
};

/// Access to files: reading config files, globbing include patterns, and the script
/// checks. The default implementation is the real file system (SystemFiles).
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// `error` of read() for a path that is not a regular file (an errno value otherwise).
  static constexpr int kNotRegular = -1;
  /// Reads a whole regular file. nullopt with `error` set (an errno value, or kNotRegular)
  /// if it cannot be read.
  virtual std::optional<std::string> read(const std::string& path, int& error) const = 0;
  /// The text for a read() error: strerror(3), or what kNotRegular means.
  static std::string error_text(int error);
  /// Expands a glob pattern (no brace expansion: the loader does that). Sorted matches;
  /// empty if none.
  virtual std::vector<std::string> glob(const std::string& pattern) const = 0;
  /// stat(2) of a path (symlinks followed).
  virtual FileInfo stat(const std::string& path) const = 0;
};

/// The real file system.
class SystemFiles final : public FileSystem {
 public:
  /// Reads regular files of at most `max_bytes` bytes (EFBIG beyond), never blocking on
  /// open.
  explicit SystemFiles(std::uint64_t max_bytes = Limits{}.max_total_bytes) : max_bytes_(max_bytes) {}
  std::optional<std::string> read(const std::string& path, int& error) const override;
  std::vector<std::string> glob(const std::string& pattern) const override;
  FileInfo stat(const std::string& path) const override;

 private:
  std::uint64_t max_bytes_;
};

/// Options of a load.
struct LoadOptions {
  /// -i/--config-id: the id for @id / @^id lines and ${_INSTANCE}. Empty: the host name
  /// without its domain (keepalived's default).
  std::string config_id;
  /// -e/--all-config: a missing or unreadable config file fails the load (as includea).
  bool all_config = false;
  /// Does a network interface exist? Missing interfaces are warnings, as in keepalived.
  /// Default (empty function): every interface exists.
  std::function<bool(std::string_view)> interface_exists;
  /// Can a host name be resolved (smtp_server)? keepalived warns about names it cannot
  /// resolve. Default (empty function): every name resolves; the daemon passes a real
  /// lookup.
  std::function<bool(std::string_view)> host_resolves;
  /// Does a system user exist (script_user, keepalived_script)? Default: getpwnam(3).
  std::function<bool(std::string_view)> user_exists;
  /// Does a system group exist? Default: getgrnam(3).
  std::function<bool(std::string_view)> group_exists;
  /// Files, globs and script checks. Default: the real file system.
  std::shared_ptr<const FileSystem> files;
  /// PATH used to find scripts named without a '/'.
  std::string search_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  /// Working directory for relative file names (main file, ${_PWD}); empty: getcwd(3).
  std::string cwd;
  /// Seed for ${_RANDOM}; nullopt: random_seed from the config, else a fixed seed (0) so
  /// that loads are reproducible.
  std::optional<std::uint32_t> random_seed;
  /// Input limits.
  Limits limits;
  /// Set (from any thread) to stop a running load at its next line: the load fails with
  /// an error. The daemon cancels a reload this way when it is told to stop.
  std::shared_ptr<const std::atomic<bool>> cancel;
};

/// The outcome of a load.
struct LoadResult {
  /// The configuration; null when an Error diagnostic made it unusable.
  std::shared_ptr<const Config> config;
  /// Every diagnostic, in file order (reading order across includes); diagnostics about
  /// the config as a whole come last.
  std::vector<Diagnostic> diagnostics;

  /// keepalived 2.2.7's `-t` exit status for these diagnostics: 2 if any Error, else 6 if
  /// any ScriptSecurity/IncludeCheck warning, else 5 if any Warning, else 0 (Notes do not
  /// count). A keyword stayalived does not act on (DiagClass::NoEffect) is a Warning.
  int config_test_exit_code() const;
  /// The same without the NoEffect warnings: what keepalived 2.2.7 returns for the file
  /// (it acts on those keywords), for comparing with its verdicts.
  int keepalived_exit_code() const;
  /// True if there is an Error.
  bool has_errors() const;
};

/// Loads the config file at `path` (and everything it includes).
LoadResult load_file(const std::string& path, const LoadOptions& opts = {});

/// Loads config text; `name` is the file name used in diagnostics, and its directory is
/// the base for relative includes.
LoadResult load_string(std::string_view text, const std::string& name, const LoadOptions& opts = {});

/// keepalived's default config id: the host name up to the first '.'.
std::string default_config_id();

}  // namespace stayalived::config
