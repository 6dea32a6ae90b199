// enable_script_security checks: pure functions over FileSystemView / UserDatabase.
#include "stayalived/notify/script_security.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <deque>

#include <fmt/format.h>

namespace stayalived::notify {

namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's limit for one path walk

std::string join(const std::vector<std::string>& parts) {
  if (parts.empty()) return "/";
  std::string out;
  for (const auto& p : parts) {
    out.push_back('/');
    out += p;
  }
  return out;
}

void push_components_front(std::deque<std::string>& todo, std::string_view path) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i < path.size()) {
    const auto j = path.find('/', i);
    const auto end = j == std::string_view::npos ? path.size() : j;
    if (end > i) parts.emplace_back(path.substr(i, end - i));
    i = end + 1;
  }
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) todo.push_front(std::move(*it));
}

// realpath(3) over the view; `link_dirs` receives the (resolved) directory of every symlink
// followed.
Expected<std::string, ResolveError> resolve(std::string_view path, const FileSystemView& fs,
                                            std::vector<std::string>* link_dirs) {
  if (path.empty() || path.front() != '/') return Unexpected{ResolveError{EINVAL, std::string(path)}};
  std::vector<std::string> done;
  std::deque<std::string> todo;
  push_components_front(todo, path);
  int links = 0;
  bool last_is_dir = true;  // "/" is a directory
  while (!todo.empty()) {
    std::string c = std::move(todo.front());
    todo.pop_front();
    if (c == ".") {
      if (!last_is_dir) return Unexpected{ResolveError{ENOTDIR, join(done)}};
      continue;
    }
    if (c == "..") {
      if (!last_is_dir) return Unexpected{ResolveError{ENOTDIR, join(done)}};
      if (!done.empty()) done.pop_back();
      continue;
    }
    if (!last_is_dir) return Unexpected{ResolveError{ENOTDIR, join(done)}};
    done.push_back(std::move(c));
    const std::string cur = join(done);
    auto st = fs.lstat(cur);
    if (!st) return Unexpected{ResolveError{st.error(), cur}};
    if (S_ISLNK(st->mode)) {
      if (++links > kMaxSymlinks) return Unexpected{ResolveError{ELOOP, cur}};
      auto target = fs.readlink(cur);
      if (!target) return Unexpected{ResolveError{target.error(), cur}};
      done.pop_back();
      if (link_dirs) link_dirs->push_back(join(done));
      if (!target->empty() && target->front() == '/') done.clear();
      push_components_front(todo, *target);
      last_is_dir = true;
      continue;
    }
    last_is_dir = S_ISDIR(st->mode);
  }
  return join(done);
}

std::string dirname_of(std::string_view abs) {
  const auto pos = abs.rfind('/');
  if (pos == 0 || pos == std::string_view::npos) return "/";
  return std::string(abs.substr(0, pos));
}

std::string basename_of(std::string_view abs) {
  const auto pos = abs.rfind('/');
  return std::string(pos == std::string_view::npos ? abs : abs.substr(pos + 1));
}

std::string mode_octal(mode_t mode) { return fmt::format("{:04o}", mode & 07777); }

bool executable_for(const FileStat& st, Credentials who) {
  if (who.uid == 0) return (st.mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
  if (st.uid == who.uid) return (st.mode & S_IXUSR) != 0;
  if (st.gid == who.gid) return (st.mode & S_IXGRP) != 0;
  return (st.mode & S_IXOTH) != 0;
}

// The rule for each directory of the path and for the file when the script runs as root
// (uid 0 or gid 0). Empty when fine, else the reason.
std::string unsafe_reason(const std::string& path, const FileStat& st, bool is_dir) {
  const char* what = is_dir ? "directory" : "file";
  if (st.uid != 0)
    return fmt::format("{} '{}' is owned by uid {}, not root", what, path, st.uid);
  if (is_dir && (st.mode & S_ISVTX)) return {};  // sticky: others cannot replace root's files
  if (st.mode & S_IWOTH)
    return fmt::format("{} '{}' is writable by other users (mode {})", what, path,
                       mode_octal(st.mode));
  if ((st.mode & S_IWGRP) && st.gid != 0)
    return fmt::format("{} '{}' is writable by group {} (mode {})", what, path, st.gid,
                       mode_octal(st.mode));
  return {};
}

ScriptCheck inaccessible(std::string path, int error, std::string_view what) {
  ScriptCheck c;
  c.verdict = ScriptVerdict::Inaccessible;
  c.error = error;
  c.reason = fmt::format("{} '{}': {}", what, path, std::strerror(error));
  c.offending_path = std::move(path);
  return c;
}

}  // namespace

Expected<std::string, ResolveError> resolve_path(std::string_view path, const FileSystemView& fs) {
  return resolve(path, fs, nullptr);
}

std::string ScriptCheck::keepalived_message(std::string_view configured_name, Credentials who,
                                            bool script_security) const {
  switch (verdict) {
    case ScriptVerdict::Secure:
      return {};
    case ScriptVerdict::Insecure:
      return fmt::format("Unsafe permissions found for script '{}'{}", real_path,
                         script_security ? " - disabling." : ".");
    case ScriptVerdict::WrongFileType:
      return fmt::format("Wrong file type found in script path '{}'.", offending_path);
    case ScriptVerdict::Inaccessible:
      return fmt::format("Script {} cannot be accessed - {}", configured_name, std::strerror(error));
    case ScriptVerdict::NotExecutable:
      return fmt::format("WARNING - script '{}' is not executable for uid:gid {}:{} - disabling.",
                         exec_path, who.uid, who.gid);
  }
  return {};
}

ScriptCheck check_script(std::string_view program, Credentials who, const ScriptLookup& lookup,
                         const FileSystemView& fs) {
  std::vector<std::string> warnings;
  std::string abs;
  auto absolute = [&](std::string_view p) {
    if (!p.empty() && p.front() == '/') return std::string(p);
    std::string base = lookup.cwd.empty() ? "/" : lookup.cwd;
    if (base.back() != '/') base.push_back('/');
    return base + std::string(p);
  };
  if (program.empty()) return inaccessible(std::string(program), ENOENT, "script");
  if (program.find('/') == std::string_view::npos) {
    // Bare name: PATH search, as execvp(3) would, with keepalived's warning.
    std::string_view sp = lookup.search_path;
    std::size_t i = 0;
    while (abs.empty() && i <= sp.size()) {
      const auto j = sp.find(':', i);
      const auto end = j == std::string_view::npos ? sp.size() : j;
      std::string dir(sp.substr(i, end - i));
      i = end + 1;
      if (dir.empty()) dir = ".";
      std::string candidate = absolute(dir);
      if (candidate.back() != '/') candidate.push_back('/');
      candidate += program;
      auto real = resolve(candidate, fs, nullptr);
      if (!real) continue;
      auto st = fs.lstat(*real);
      if (st && S_ISREG(st->mode) && (st->mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
        abs = candidate;
        warnings.push_back(fmt::format(
            "WARNING - script `{}` resolved by path search to `{}`. Please specify full path.",
            program, candidate));
      }
      if (j == std::string_view::npos) break;
    }
    if (abs.empty()) return inaccessible(std::string(program), ENOENT, "cannot find script in PATH");
  } else {
    abs = absolute(program);
  }

  std::vector<std::string> link_dirs;
  auto full = resolve(abs, fs, nullptr);
  if (!full) {
    auto c = inaccessible(full.error().path, full.error().error, "cannot resolve");
    c.warnings = std::move(warnings);
    return c;
  }
  ScriptCheck out;
  out.warnings = std::move(warnings);
  out.real_path = *full;
  out.exec_path = *full;

  // keepalived keeps the configured name when the resolved file is in the same directory;
  // then what is executed goes through the symlinks beside it, so their directories count.
  const std::string base = basename_of(abs);
  std::vector<std::string> extra_dirs;
  if (base != "." && base != ".." && !base.empty()) {
    auto dir = resolve(dirname_of(abs), fs, nullptr);
    if (dir && dirname_of(*full) == *dir) {
      const std::string via_name = (*dir == "/" ? std::string() : *dir) + "/" + base;
      if (resolve(via_name, fs, &extra_dirs)) out.exec_path = via_name;
    }
  }

  auto fail = [&](ScriptVerdict v, std::string offending, std::string reason) {
    out.verdict = v;
    out.offending_path = std::move(offending);
    out.reason = std::move(reason);
    return out;
  };

  auto st = fs.lstat(out.real_path);
  if (!st) return inaccessible(out.real_path, st.error(), "cannot stat");
  if (!S_ISREG(st->mode))
    return fail(ScriptVerdict::WrongFileType, out.real_path,
                fmt::format("'{}' is not a regular file", out.real_path));

  if (who.uid == 0 || who.gid == 0) {
    // Every directory from "/" down to the script's, then the directories of the symlinks
    // that the executed name goes through.
    std::vector<std::string> dirs{"/"};
    for (std::size_t p = out.real_path.find('/', 1); p != std::string::npos;
         p = out.real_path.find('/', p + 1))
      dirs.push_back(out.real_path.substr(0, p));
    for (auto& d : extra_dirs)
      if (std::find(dirs.begin(), dirs.end(), d) == dirs.end()) dirs.push_back(d);
    for (const auto& d : dirs) {
      auto ds = fs.lstat(d);
      if (!ds) return inaccessible(d, ds.error(), "cannot stat");
      if (!S_ISDIR(ds->mode))
        return fail(ScriptVerdict::WrongFileType, d, fmt::format("'{}' is not a directory", d));
      if (auto why = unsafe_reason(d, *ds, true); !why.empty())
        return fail(ScriptVerdict::Insecure, d, std::move(why));
    }
    if (auto why = unsafe_reason(out.real_path, *st, false); !why.empty())
      return fail(ScriptVerdict::Insecure, out.real_path, std::move(why));
  }

  if (!executable_for(*st, who))
    return fail(ScriptVerdict::NotExecutable, out.real_path,
                fmt::format("'{}' is not executable for uid:gid {}:{} (mode {}, owner {}:{})",
                            out.real_path, who.uid, who.gid, mode_octal(st->mode), st->uid,
                            st->gid));
  return out;
}

Expected<Credentials, std::string> resolve_script_user(const std::string& user,
                                                      const std::optional<std::string>& group,
                                                      const UserDatabase& users) {
  auto cred = users.user(user);
  if (!cred) return Unexpected{fmt::format("Unknown script user '{}'", user)};
  if (group) {
    auto gid = users.group(*group);
    if (!gid) return Unexpected{fmt::format("Unknown script group '{}'", *group)};
    cred->gid = *gid;
  }
  return *cred;
}

DefaultScriptUser default_script_user(const std::optional<std::string>& script_user,
                                      const std::optional<std::string>& script_group,
                                      bool script_security, const UserDatabase& users) {
  DefaultScriptUser out;
  if (script_user) {
    auto cred = resolve_script_user(*script_user, script_group, users);
    if (cred) {
      out.credentials = *cred;
    } else {
      out.messages.push_back(cred.error());
    }
    return out;
  }
  if (auto cred = users.user(kDefaultScriptUser)) {
    out.credentials = *cred;
    return out;
  }
  out.messages.push_back(fmt::format("Script user '{}' does not exist", kDefaultScriptUser));
  if (script_security) {
    out.messages.push_back(
        fmt::format("Unable to set default user {} for script", kDefaultScriptUser));
    return out;
  }
  out.credentials = Credentials{0, 0};
  out.fell_back_to_root = true;
  return out;
}

std::string security_violation_message(bool any_insecure) {
  std::string m = "SECURITY VIOLATION - scripts are being executed but script_security not enabled.";
  if (any_insecure) m += " There are insecure scripts.";
  return m;
}

std::string no_default_user_message(std::string_view what) {
  return fmt::format("Unable to set default user for {} - removing", what);
}

}  // namespace stayalived::notify
