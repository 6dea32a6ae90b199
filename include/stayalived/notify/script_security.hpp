// enable_script_security and script_user, as keepalived.conf(5) describes them and as
// keepalived 2.2.7 behaves. Pure: every file-system and user-database question goes through
// an injected provider, so the config validator and unit tests can call it without touching
// the disk. No Asio here.
//
// Rules (observed on keepalived 2.2.7, see tests/unit/notify/test_script_security.cpp):
//   - A script name without '/' is searched in PATH (with a warning); a relative name with
//     '/' is taken from the current directory. The path is resolved (symlinks, ".", "..").
//   - The checks apply only when the script runs with uid 0 or gid 0. Then the script file
//     and every directory of its resolved path, from "/" down, must be owned by root and
//     not writable by "other", nor by a group other than gid 0. A directory with the sticky
//     bit is exempt from the write rule (not from the owner rule): /tmp/x.sh owned by root
//     is secure. The script must be a regular file.
//   - Whoever it runs as, the script must exist and be executable for the uid:gid it runs
//     as (root: any x bit).
//   - The file executed is the resolved path; when the resolved file is in the same
//     directory as the configured name (e.g. a symlink "link -> target" beside its target)
//     keepalived keeps the configured name, and so do we (then the symlinks followed are
//     checked too, since they are what gets executed).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/common/expected.hpp"

namespace stayalived::notify {

/// Who a script runs as: setgroups({gid}), setgid(gid), setuid(uid) in the child, as
/// keepalived does (the user's other groups are not added).
struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  friend bool operator==(const Credentials&, const Credentials&) = default;
};

/// What lstat(2) says about one path (the fields the checks need).
struct FileStat {
  uid_t uid = 0;
  gid_t gid = 0;
  mode_t mode = 0;  ///< type and permission bits, as st_mode
};

/// The file-system questions the checks ask. Errors are errno values.
class FileSystemView {
 public:
  virtual ~FileSystemView() = default;
  /// lstat(2) of an absolute path (symlinks are not followed).
  virtual Expected<FileStat, int> lstat(const std::string& path) const = 0;
  /// readlink(2) of an absolute path that lstat reported as a symlink.
  virtual Expected<std::string, int> readlink(const std::string& path) const = 0;
};

/// The real file system (lstat(2), readlink(2)).
class SystemFileSystem final : public FileSystemView {
 public:
  Expected<FileStat, int> lstat(const std::string& path) const override;
  Expected<std::string, int> readlink(const std::string& path) const override;
};

/// Resolves `path` (absolute) like realpath(3): every symlink followed, "." and ".."
/// removed. Fails with ENOENT, ENOTDIR, ELOOP, ... and the path at which it failed.
struct ResolveError {
  int error = 0;
  std::string path;
};
Expected<std::string, ResolveError> resolve_path(std::string_view path, const FileSystemView& fs);

/// The outcome of the checks on one script.
enum class ScriptVerdict {
  Secure,         ///< may run
  Insecure,       ///< writable or replaceable by a non-root user while run as root
  WrongFileType,  ///< the script or a directory of its path has the wrong type
  Inaccessible,   ///< cannot be found or resolved (errno in `error`)
  NotExecutable,  ///< no x bit for the uid:gid it runs as
};

/// What check_script() found.
struct ScriptCheck {
  ScriptVerdict verdict = ScriptVerdict::Secure;
  /// The path to execute (absolute); empty when the script cannot be found.
  std::string exec_path;
  /// The resolved (real) path of the script file.
  std::string real_path;
  /// The path the problem is about (a directory, a symlink or the file itself).
  std::string offending_path;
  /// errno for Inaccessible.
  int error = 0;
  /// Our precise explanation, naming `offending_path` ("directory '/opt/x' is writable by
  /// other users (mode 0777)"). Empty when Secure.
  std::string reason;
  /// Warnings to log even when the script is usable (keepalived's PATH search warning).
  std::vector<std::string> warnings;

  /// Whether the script may be used: Secure always; Insecure only when
  /// enable_script_security is off (keepalived runs it and warns).
  bool usable(bool script_security) const {
    return verdict == ScriptVerdict::Secure ||
           (verdict == ScriptVerdict::Insecure && !script_security);
  }

  /// keepalived's log line for this verdict (empty when Secure), e.g.
  /// "Unsafe permissions found for script '/opt/x/s.sh' - disabling." when
  /// `script_security` is on, without " - disabling" when it is off.
  std::string keepalived_message(std::string_view configured_name, Credentials who,
                                 bool script_security) const;
};

/// Where relative script names are looked up.
struct ScriptLookup {
  std::string search_path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";  ///< PATH
  std::string cwd = "/";  ///< for names with a '/' that are not absolute
};

/// Checks the script `program` (argv[0] as configured) run as `who`. Pure over `fs`.
ScriptCheck check_script(std::string_view program, Credentials who, const ScriptLookup& lookup,
                         const FileSystemView& fs);

/// The user database questions (getpwnam, getgrnam).
class UserDatabase {
 public:
  virtual ~UserDatabase() = default;
  /// The uid and primary gid of a user name (or numeric uid), if it exists.
  virtual std::optional<Credentials> user(const std::string& name) const = 0;
  /// The gid of a group name (or numeric gid), if it exists.
  virtual std::optional<gid_t> group(const std::string& name) const = 0;
};

/// The system's user database (getpwnam_r, getgrnam_r; may read /etc or NSS: call it while
/// loading the config, not on the event loop).
class SystemUserDatabase final : public UserDatabase {
 public:
  std::optional<Credentials> user(const std::string& name) const override;
  std::optional<gid_t> group(const std::string& name) const override;
};

/// keepalived's default script user when script_user is not configured.
inline constexpr const char* kDefaultScriptUser = "keepalived_script";

/// Credentials for "user [group]" (script_user, or a script's own user/group); the group
/// defaults to the user's primary group. Error: a message naming what does not exist.
Expected<Credentials, std::string> resolve_script_user(const std::string& user,
                                                      const std::optional<std::string>& group,
                                                      const UserDatabase& users);

/// The default credentials for scripts that name no user.
struct DefaultScriptUser {
  /// nullopt: scripts without their own user cannot run (keepalived removes them).
  std::optional<Credentials> credentials;
  /// Lines to log, keepalived's text ("Script user 'keepalived_script' does not exist").
  std::vector<std::string> messages;
  /// True when the default fell back to root because keepalived_script does not exist.
  bool fell_back_to_root = false;
};

/// Computes the default script user: the configured script_user [group] if any; else the
/// user keepalived_script if it exists; else root, unless enable_script_security is on, in
/// which case scripts without their own user are refused (as keepalived 2.2.7 does).
DefaultScriptUser default_script_user(const std::optional<std::string>& script_user,
                                      const std::optional<std::string>& script_group,
                                      bool script_security, const UserDatabase& users);

/// keepalived's summary warning when scripts run as root without enable_script_security:
/// "SECURITY VIOLATION - scripts are being executed but script_security not enabled." with
/// " There are insecure scripts." appended when some are.
std::string security_violation_message(bool any_insecure);

/// keepalived's message when a script without its own user is dropped because there is no
/// default user: "Unable to set default user for vrrp script NAME - removing" style. `what`
/// is e.g. "vrrp script chk_nginx".
std::string no_default_user_message(std::string_view what);

}  // namespace stayalived::notify
