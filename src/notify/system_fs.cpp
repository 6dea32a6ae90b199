// The real file system and user database behind the pure script-security checks.
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <vector>

#include "stayalived/notify/script_security.hpp"

namespace stayalived::notify {

Expected<FileStat, int> SystemFileSystem::lstat(const std::string& path) const {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return Unexpected{errno};
  return FileStat{st.st_uid, st.st_gid, st.st_mode};
}

Expected<std::string, int> SystemFileSystem::readlink(const std::string& path) const {
  std::string buf(256, '\0');
  while (true) {
    const ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0) return Unexpected{errno};
    if (static_cast<std::size_t>(n) < buf.size()) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    if (buf.size() >= 65536) return Unexpected{ENAMETOOLONG};
    buf.resize(buf.size() * 2);
  }
}

namespace {

template <class T>
std::optional<T> numeric(const std::string& s) {
  T v{};
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

long buffer_size(int name) {
  const long n = ::sysconf(name);
  return n > 0 ? n : 16384;
}

}  // namespace

std::optional<Credentials> SystemUserDatabase::user(const std::string& name) const {
  std::vector<char> buf(static_cast<std::size_t>(buffer_size(_SC_GETPW_R_SIZE_MAX)));
  struct passwd pw {};
  struct passwd* res = nullptr;
  while (true) {
    const int rc = ::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &res);
    if (rc == ERANGE && buf.size() < (1U << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    break;
  }
  if (res) return Credentials{pw.pw_uid, pw.pw_gid};
  if (auto uid = numeric<uid_t>(name)) {
    res = nullptr;
    if (::getpwuid_r(*uid, &pw, buf.data(), buf.size(), &res) == 0 && res)
      return Credentials{pw.pw_uid, pw.pw_gid};
  }
  return std::nullopt;
}

std::optional<gid_t> SystemUserDatabase::group(const std::string& name) const {
  std::vector<char> buf(static_cast<std::size_t>(buffer_size(_SC_GETGR_R_SIZE_MAX)));
  struct group gr {};
  struct group* res = nullptr;
  while (true) {
    const int rc = ::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &res);
    if (rc == ERANGE && buf.size() < (1U << 20)) {
      buf.resize(buf.size() * 2);
      continue;
    }
    break;
  }
  if (res) return gr.gr_gid;
  if (auto gid = numeric<gid_t>(name)) return *gid;
  return std::nullopt;
}

}  // namespace stayalived::notify
