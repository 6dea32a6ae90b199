// Test helpers for the config module: an in-memory file system, a loader with a fake
// system (interfaces lo and eth0, no keepalived_script user), and diagnostic queries.
#pragma once

#include <cerrno>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "stayalived/config/load.hpp"

namespace testcfg {

using namespace stayalived::config;

/// Files held in memory: path -> (content, mode). Directories are implied by the paths.
class MemFiles final : public FileSystem {
 public:
  std::map<std::string, std::string> files;
  std::map<std::string, mode_t> modes;  // permission bits; default 0644 (0755 if executable())
  std::map<std::string, uid_t> owners;  // default root

  void add(const std::string& path, std::string content, mode_t mode = 0644) {
    files[path] = std::move(content);
    modes[path] = mode;
  }
  std::optional<std::string> read(const std::string& path, int& error) const override {
    const auto it = files.find(path);
    if (it == files.end()) {
      error = is_dir(path) ? EISDIR : ENOENT;
      return std::nullopt;
    }
    return it->second;
  }
  std::vector<std::string> glob(const std::string& pattern) const override {
    std::vector<std::string> out;
    for (const auto& [p, c] : files)
      if (match(pattern, p)) out.push_back(p);
    return out;
  }
  FileInfo stat(const std::string& path) const override {
    FileInfo f;
    if (files.count(path)) {
      f.exists = f.is_regular = true;
      const auto m = modes.find(path);
      f.mode = m == modes.end() ? 0644 : m->second;
    } else if (is_dir(path)) {
      f.exists = f.is_dir = true;
      const auto m = modes.find(path);
      f.mode = m == modes.end() ? 0755 : m->second;
    }
    const auto o = owners.find(path);
    f.uid = o == owners.end() ? 0 : o->second;
    return f;
  }

 private:
  bool is_dir(const std::string& path) const {
    if (path == "/") return true;
    const std::string prefix = path + "/";
    for (const auto& [p, c] : files)
      if (p.compare(0, prefix.size(), prefix) == 0) return true;
    return modes.count(path) && !files.count(path);
  }
  // fnmatch-like: '*' and '?' do not cross '/'.
  static bool match(std::string_view pat, std::string_view s) {
    if (pat.empty()) return s.empty();
    if (pat[0] == '*') {
      for (std::size_t i = 0; i <= s.size(); ++i) {
        if (match(pat.substr(1), s.substr(i))) return true;
        if (i < s.size() && s[i] == '/') break;
      }
      return false;
    }
    if (s.empty()) return false;
    if (pat[0] == '?' ? s[0] != '/' : pat[0] == s[0]) return match(pat.substr(1), s.substr(1));
    return false;
  }
};

/// Options for a hermetic load: interfaces lo and eth0, users root and nobody, config id
/// "main", working directory /etc/keepalived, files from `fs`.
inline LoadOptions options(std::shared_ptr<const FileSystem> fs = std::make_shared<MemFiles>()) {
  LoadOptions o;
  o.config_id = "main";
  o.cwd = "/etc/keepalived";
  o.files = std::move(fs);
  o.interface_exists = [](std::string_view n) { return n == "lo" || n == "eth0"; };
  o.user_exists = [](std::string_view n) { return n == "root" || n == "nobody"; };
  o.group_exists = [](std::string_view n) { return n == "root" || n == "nogroup"; };
  o.host_resolves = [](std::string_view) { return false; };
  return o;
}

/// Loads `text` as /etc/keepalived/keepalived.conf with options().
inline LoadResult load(std::string_view text, LoadOptions opts = options()) {
  return load_string(text, "/etc/keepalived/keepalived.conf", opts);
}

/// All diagnostics, formatted, one per line (for failure messages).
inline std::string all(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.format() + "\n";
  return out;
}

/// True if a diagnostic at `line` contains `text`.
inline bool has(const LoadResult& r, unsigned line, std::string_view text) {
  for (const auto& d : r.diagnostics)
    if (d.loc.line == line && d.message.find(text) != std::string::npos) return true;
  return false;
}

/// True if any diagnostic contains `text`.
inline bool has(const LoadResult& r, std::string_view text) {
  for (const auto& d : r.diagnostics)
    if (d.message.find(text) != std::string::npos) return true;
  return false;
}

/// Number of diagnostics that are not notes.
inline std::size_t problems(const LoadResult& r) {
  std::size_t n = 0;
  for (const auto& d : r.diagnostics)
    if (d.severity != Severity::Note) ++n;
  return n;
}

}  // namespace testcfg
