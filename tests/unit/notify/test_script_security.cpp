// enable_script_security verdicts over a fake file system. The tree and every expected
// verdict reproduce what keepalived 2.2.7 said about the same tree on a real disk
// (/opt/sasec, scripts run as root unless said otherwise).
#include <doctest/doctest.h>

#include "../skip.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <string>

#include "stayalived/notify/script_security.hpp"

using namespace stayalived;
using namespace stayalived::notify;

namespace {

class FakeFs final : public FileSystemView {
 public:
  struct Node {
    FileStat st;
    std::string target;  // for symlinks
  };
  void dir(const std::string& p, mode_t perm, uid_t uid = 0, gid_t gid = 0) {
    nodes_[p] = {{uid, gid, static_cast<mode_t>(S_IFDIR | perm)}, {}};
  }
  void file(const std::string& p, mode_t perm, uid_t uid = 0, gid_t gid = 0) {
    nodes_[p] = {{uid, gid, static_cast<mode_t>(S_IFREG | perm)}, {}};
  }
  void link(const std::string& p, const std::string& target) {
    nodes_[p] = {{0, 0, static_cast<mode_t>(S_IFLNK | 0777)}, target};
  }
  Expected<FileStat, int> lstat(const std::string& path) const override {
    auto it = nodes_.find(path);
    if (it == nodes_.end()) return Unexpected(ENOENT);
    return it->second.st;
  }
  Expected<std::string, int> readlink(const std::string& path) const override {
    auto it = nodes_.find(path);
    if (it == nodes_.end()) return Unexpected(ENOENT);
    if (!S_ISLNK(it->second.st.mode)) return Unexpected(EINVAL);
    return it->second.target;
  }

 private:
  std::map<std::string, Node> nodes_;
};

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;
constexpr gid_t kStaff = 50;
const Credentials kRoot{0, 0};

// The tree keepalived judged (see the file comment).
FakeFs sasec() {
  FakeFs fs;
  fs.dir("/", 0755);
  fs.dir("/opt", 0755);
  fs.dir("/tmp", 01777);
  fs.dir("/usr", 0755);
  fs.dir("/usr/bin", 0755);
  fs.link("/bin", "usr/bin");
  fs.file("/usr/bin/true", 0755);
  fs.file("/usr/bin/sh", 0755);
  fs.file("/tmp/sa_tmp.sh", 0755);
  fs.dir("/opt/sasec", 0755);
  fs.file("/opt/sasec/ok.sh", 0755);
  fs.file("/opt/sasec/w_other.sh", 0757);
  fs.file("/opt/sasec/w_group.sh", 0775, 0, kStaff);
  fs.file("/opt/sasec/w_nogroup.sh", 0775, 0, kNogroup);
  fs.file("/opt/sasec/g_ro.sh", 0755, 0, kStaff);
  fs.file("/opt/sasec/rootg775.sh", 0775);
  fs.file("/opt/sasec/owned_nobody.sh", 0755, kNobody);
  fs.file("/opt/sasec/noexec.sh", 0644);
  fs.file("/opt/sasec/setuid.sh", 04755);
  fs.link("/opt/sasec/link_ok", "ok.sh");
  fs.link("/opt/sasec/link_bad", "wdir/x.sh");
  fs.link("/opt/sasec/lnkdir", "wdir");
  fs.link("/opt/sasec/lnk_sticky", "sticky");
  fs.dir("/opt/sasec/wdir", 0777);
  fs.file("/opt/sasec/wdir/x.sh", 0755);
  fs.link("/opt/sasec/wdir/lnk_to_ok", "../ok.sh");
  fs.dir("/opt/sasec/sticky", 01777);
  fs.file("/opt/sasec/sticky/y.sh", 0755);
  fs.link("/opt/sasec/sticky/lnk2", "/opt/sasec/ok.sh");
  fs.dir("/opt/sasec/gdir", 0775, 0, kStaff);
  fs.file("/opt/sasec/gdir/z.sh", 0755);
  fs.dir("/opt/sasec/gsticky", 01775, 0, kStaff);
  fs.file("/opt/sasec/gsticky/a.sh", 0755);
  fs.dir("/opt/sasec/rootg", 0775);
  fs.file("/opt/sasec/rootg/b.sh", 0755);
  fs.dir("/opt/sasec/osticky", 01757);
  fs.file("/opt/sasec/osticky/c.sh", 0755);
  fs.dir("/opt/sasec/nsticky", 01755, kNobody);
  fs.file("/opt/sasec/nsticky/d.sh", 0755);
  fs.dir("/opt/sasec/ndir", 0755, kNobody);
  fs.file("/opt/sasec/ndir/n.sh", 0755);
  fs.file("/opt/sasec/ndir/nobody_owned.sh", 0755, kNobody);
  fs.file("/opt/sasec/ndir/nobody_w.sh", 0775, kNobody);
  fs.dir("/opt/sasec/wdir2", 0777);
  fs.dir("/opt/sasec/wdir2/sub", 0755);
  fs.file("/opt/sasec/wdir2/sub/s.sh", 0755);
  fs.dir("/opt/sasec/deep", 0755);
  fs.dir("/opt/sasec/deep/a", 0755);
  fs.dir("/opt/sasec/deep/a/b", 0755);
  fs.file("/opt/sasec/deep/a/b/c.sh", 0755);
  fs.link("/opt/sasec/deep/a/wl", "/opt/sasec/wdir");
  return fs;
}

ScriptCheck check(const FakeFs& fs, std::string_view p, Credentials who = kRoot,
                  ScriptLookup lookup = {}) {
  return check_script(p, who, lookup, fs);
}

}  // namespace

TEST_CASE("security: secure scripts as keepalived judged them") {
  const auto fs = sasec();
  for (const char* p : {"/opt/sasec/ok.sh", "/opt/sasec/g_ro.sh", "/opt/sasec/rootg775.sh",
                        "/opt/sasec/setuid.sh", "/opt/sasec/sticky/y.sh",
                        "/opt/sasec/gsticky/a.sh", "/opt/sasec/rootg/b.sh",
                        "/opt/sasec/osticky/c.sh", "/opt/sasec/deep/a/b/c.sh",
                        "/tmp/sa_tmp.sh"}) {
    CAPTURE(p);
    const auto c = check(fs, p);
    CHECK(c.verdict == ScriptVerdict::Secure);
    CHECK(c.exec_path == p);
    CHECK(c.reason.empty());
    CHECK(c.usable(true));
    CHECK(c.keepalived_message(p, kRoot, true).empty());
  }
}

TEST_CASE("security: insecure files and directories, with the offending path") {
  const auto fs = sasec();
  struct Case {
    const char* script;
    const char* real;
    const char* offending;
    const char* reason;
  };
  const Case cases[] = {
      {"/opt/sasec/w_other.sh", "/opt/sasec/w_other.sh", "/opt/sasec/w_other.sh",
       "file '/opt/sasec/w_other.sh' is writable by other users (mode 0757)"},
      {"/opt/sasec/w_group.sh", "/opt/sasec/w_group.sh", "/opt/sasec/w_group.sh",
       "file '/opt/sasec/w_group.sh' is writable by group 50 (mode 0775)"},
      {"/opt/sasec/w_nogroup.sh", "/opt/sasec/w_nogroup.sh", "/opt/sasec/w_nogroup.sh",
       "file '/opt/sasec/w_nogroup.sh' is writable by group 65534 (mode 0775)"},
      {"/opt/sasec/owned_nobody.sh", "/opt/sasec/owned_nobody.sh", "/opt/sasec/owned_nobody.sh",
       "file '/opt/sasec/owned_nobody.sh' is owned by uid 65534, not root"},
      {"/opt/sasec/wdir/x.sh", "/opt/sasec/wdir/x.sh", "/opt/sasec/wdir",
       "directory '/opt/sasec/wdir' is writable by other users (mode 0777)"},
      {"/opt/sasec/link_bad", "/opt/sasec/wdir/x.sh", "/opt/sasec/wdir",
       "directory '/opt/sasec/wdir' is writable by other users (mode 0777)"},
      {"/opt/sasec/lnkdir/x.sh", "/opt/sasec/wdir/x.sh", "/opt/sasec/wdir",
       "directory '/opt/sasec/wdir' is writable by other users (mode 0777)"},
      {"/opt/sasec/deep/a/wl/x.sh", "/opt/sasec/wdir/x.sh", "/opt/sasec/wdir",
       "directory '/opt/sasec/wdir' is writable by other users (mode 0777)"},
      {"/opt/sasec/gdir/z.sh", "/opt/sasec/gdir/z.sh", "/opt/sasec/gdir",
       "directory '/opt/sasec/gdir' is writable by group 50 (mode 0775)"},
      {"/opt/sasec/ndir/n.sh", "/opt/sasec/ndir/n.sh", "/opt/sasec/ndir",
       "directory '/opt/sasec/ndir' is owned by uid 65534, not root"},
      // The sticky bit does not excuse a directory owned by someone else.
      {"/opt/sasec/nsticky/d.sh", "/opt/sasec/nsticky/d.sh", "/opt/sasec/nsticky",
       "directory '/opt/sasec/nsticky' is owned by uid 65534, not root"},
      {"/opt/sasec/wdir2/sub/s.sh", "/opt/sasec/wdir2/sub/s.sh", "/opt/sasec/wdir2",
       "directory '/opt/sasec/wdir2' is writable by other users (mode 0777)"},
  };
  for (const auto& k : cases) {
    CAPTURE(k.script);
    const auto c = check(fs, k.script);
    CHECK(c.verdict == ScriptVerdict::Insecure);
    CHECK(c.real_path == k.real);
    CHECK(c.offending_path == k.offending);
    CHECK(c.reason == k.reason);
    CHECK_FALSE(c.usable(true));
    CHECK(c.usable(false));  // without enable_script_security keepalived runs it anyway
    CHECK(c.keepalived_message(k.script, kRoot, true) ==
          std::string("Unsafe permissions found for script '") + k.real + "' - disabling.");
    CHECK(c.keepalived_message(k.script, kRoot, false) ==
          std::string("Unsafe permissions found for script '") + k.real + "'.");
  }
}

TEST_CASE("security: the checks apply to uid 0 or gid 0 only") {
  const auto fs = sasec();
  const Credentials nobody{kNobody, kNogroup};
  for (const char* p : {"/opt/sasec/w_other.sh", "/opt/sasec/wdir/x.sh", "/opt/sasec/ndir/n.sh",
                        "/opt/sasec/ndir/nobody_owned.sh"}) {
    CAPTURE(p);
    CHECK(check(fs, p, nobody).verdict == ScriptVerdict::Secure);
  }
  // `user nobody staff` (gid 50) is not root either; `user nobody root` is.
  CHECK(check(fs, "/opt/sasec/w_group.sh", {kNobody, kStaff}).verdict == ScriptVerdict::Secure);
  CHECK(check(fs, "/opt/sasec/w_other.sh", {kNobody, 0}).verdict == ScriptVerdict::Insecure);
  CHECK(check(fs, "/opt/sasec/ndir/nobody_owned.sh", {kNobody, 0}).verdict ==
        ScriptVerdict::Insecure);
  CHECK(check(fs, "/opt/sasec/ok.sh", {kNobody, 0}).verdict == ScriptVerdict::Secure);
  // `user root staff`: uid 0, the group-writable rule still only trusts gid 0.
  CHECK(check(fs, "/opt/sasec/w_group.sh", {0, kStaff}).verdict == ScriptVerdict::Insecure);
  CHECK(check(fs, "/opt/sasec/ok.sh", {0, kStaff}).verdict == ScriptVerdict::Secure);
}

TEST_CASE("security: what is executed after resolving symlinks and dot-dot") {
  const auto fs = sasec();
  // A symlink beside its target keeps its own name (keepalived's dump showed link_ok).
  auto c = check(fs, "/opt/sasec/link_ok");
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/opt/sasec/link_ok");
  CHECK(c.real_path == "/opt/sasec/ok.sh");
  // A symlink elsewhere is replaced by its target, even from an insecure directory (the
  // symlink is no longer used).
  c = check(fs, "/opt/sasec/wdir/lnk_to_ok");
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/opt/sasec/ok.sh");
  c = check(fs, "/opt/sasec/sticky/lnk2");
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/opt/sasec/ok.sh");
  c = check(fs, "/opt/sasec/wdir/../ok.sh");
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/opt/sasec/ok.sh");
  c = check(fs, "/opt/sasec/lnk_sticky/y.sh");
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/opt/sasec/sticky/y.sh");
  // Relative names with a '/' start from the current directory.
  ScriptLookup in_opt;
  in_opt.cwd = "/opt";
  c = check(fs, "sasec/ok.sh", kRoot, in_opt);
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/opt/sasec/ok.sh");
}

TEST_CASE("security: a name kept through a symlink is checked where the symlink lives") {
  // Not observable on keepalived (it would execute /secure/a through an insecure link); we
  // refuse it since the executed name goes through the writable directory.
  FakeFs fs;
  fs.dir("/", 0755);
  fs.dir("/secure", 0755);
  fs.dir("/open", 0777);
  fs.file("/secure/c.sh", 0755);
  fs.link("/secure/a", "/open/b");
  fs.link("/open/b", "/secure/c.sh");
  const auto c = check_script("/secure/a", kRoot, {}, fs);
  CHECK(c.exec_path == "/secure/a");
  CHECK(c.verdict == ScriptVerdict::Insecure);
  CHECK(c.offending_path == "/open");
}

TEST_CASE("security: PATH search with keepalived's warning") {
  const auto fs = sasec();
  ScriptLookup lookup;
  lookup.search_path = "/bin";
  auto c = check(fs, "true", kRoot, lookup);
  CHECK(c.verdict == ScriptVerdict::Secure);
  CHECK(c.exec_path == "/usr/bin/true");
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0] ==
        "WARNING - script `true` resolved by path search to `/bin/true`. Please specify full path.");

  lookup.search_path = "/opt/sasec/missing:/usr/bin";
  c = check(fs, "sh", kRoot, lookup);
  CHECK(c.exec_path == "/usr/bin/sh");
  CHECK(c.warnings.at(0) ==
        "WARNING - script `sh` resolved by path search to `/usr/bin/sh`. Please specify full path.");

  c = check(fs, "nosuchprog", kRoot, lookup);
  CHECK(c.verdict == ScriptVerdict::Inaccessible);
  CHECK(c.error == ENOENT);
  CHECK(c.keepalived_message("nosuchprog", kRoot, true) ==
        "Script nosuchprog cannot be accessed - No such file or directory");
}

TEST_CASE("security: missing, wrong type, not executable") {
  const auto fs = sasec();
  auto c = check(fs, "/opt/sasec/missing.sh");
  CHECK(c.verdict == ScriptVerdict::Inaccessible);
  CHECK(c.error == ENOENT);
  CHECK(c.offending_path == "/opt/sasec/missing.sh");
  CHECK(c.keepalived_message("/opt/sasec/missing.sh", kRoot, true) ==
        "Script /opt/sasec/missing.sh cannot be accessed - No such file or directory");
  CHECK_FALSE(c.usable(false));

  c = check(fs, "/opt/sasec/ok.sh/x");
  CHECK(c.verdict == ScriptVerdict::Inaccessible);
  CHECK(c.error == ENOTDIR);

  c = check(fs, "/opt/sasec/wdir");
  CHECK(c.verdict == ScriptVerdict::WrongFileType);
  CHECK(c.keepalived_message("/opt/sasec/wdir", kRoot, true) ==
        "Wrong file type found in script path '/opt/sasec/wdir'.");
  CHECK_FALSE(c.usable(false));

  c = check(fs, "/opt/sasec/noexec.sh");
  CHECK(c.verdict == ScriptVerdict::NotExecutable);
  CHECK(c.keepalived_message("/opt/sasec/noexec.sh", kRoot, true) ==
        "WARNING - script '/opt/sasec/noexec.sh' is not executable for uid:gid 0:0 - disabling.");
  const Credentials nobody{kNobody, kNogroup};
  c = check(fs, "/opt/sasec/noexec.sh", nobody);
  CHECK(c.verdict == ScriptVerdict::NotExecutable);
  CHECK(c.keepalived_message("/opt/sasec/noexec.sh", nobody, true) ==
        "WARNING - script '/opt/sasec/noexec.sh' is not executable for uid:gid 65534:65534 - disabling.");

  // Owner, group and other execute bits for a non-root user.
  FakeFs x;
  x.dir("/", 0755);
  x.file("/u", 0700, kNobody);
  x.file("/g", 0710, 0, kNogroup);
  x.file("/o", 0754);
  CHECK(check_script("/u", nobody, {}, x).verdict == ScriptVerdict::Secure);
  CHECK(check_script("/g", nobody, {}, x).verdict == ScriptVerdict::Secure);
  CHECK(check_script("/o", nobody, {}, x).verdict == ScriptVerdict::NotExecutable);
  CHECK(check_script("/o", kRoot, {}, x).verdict == ScriptVerdict::Secure);
}

TEST_CASE("security: symlink loops end") {
  FakeFs fs;
  fs.dir("/", 0755);
  fs.link("/a", "/b");
  fs.link("/b", "/a");
  auto r = resolve_path("/a", fs);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().error == ELOOP);
  CHECK(check_script("/a", kRoot, {}, fs).verdict == ScriptVerdict::Inaccessible);
  auto ok = resolve_path("/./a/../", sasec());
  CHECK_FALSE(ok.has_value());  // "/a" does not exist in that tree
  auto root = resolve_path("/opt/sasec/../..", sasec());
  REQUIRE(root.has_value());
  CHECK(*root == "/");
}

namespace {

class FakeUsers final : public UserDatabase {
 public:
  std::map<std::string, Credentials> users;
  std::map<std::string, gid_t> groups;
  std::optional<Credentials> user(const std::string& n) const override {
    auto it = users.find(n);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
  std::optional<gid_t> group(const std::string& n) const override {
    auto it = groups.find(n);
    if (it == groups.end()) return std::nullopt;
    return it->second;
  }
};

}  // namespace

TEST_CASE("script_user: configured, keepalived_script, or root with keepalived's warnings") {
  FakeUsers db;
  db.users = {{"root", {0, 0}}, {"nobody", {kNobody, kNogroup}}};
  db.groups = {{"root", 0}, {"staff", kStaff}, {"nogroup", kNogroup}};

  auto d = default_script_user(std::string("nobody"), std::nullopt, true, db);
  REQUIRE(d.credentials.has_value());
  CHECK(*d.credentials == Credentials{kNobody, kNogroup});
  d = default_script_user(std::string("nobody"), std::string("staff"), true, db);
  CHECK(*d.credentials == Credentials{kNobody, kStaff});
  d = default_script_user(std::string("ghost"), std::nullopt, true, db);
  CHECK_FALSE(d.credentials.has_value());
  CHECK(d.messages == std::vector<std::string>{"Unknown script user 'ghost'"});

  // Not configured, no keepalived_script user: root, with keepalived's warning...
  d = default_script_user(std::nullopt, std::nullopt, false, db);
  REQUIRE(d.credentials.has_value());
  CHECK(*d.credentials == Credentials{0, 0});
  CHECK(d.fell_back_to_root);
  CHECK(d.messages == std::vector<std::string>{"Script user 'keepalived_script' does not exist"});
  // ...but with enable_script_security keepalived refuses scripts without a user.
  d = default_script_user(std::nullopt, std::nullopt, true, db);
  CHECK_FALSE(d.credentials.has_value());
  CHECK(d.messages == std::vector<std::string>{"Script user 'keepalived_script' does not exist",
                                               "Unable to set default user keepalived_script for script"});
  // keepalived_script exists: it is the default.
  db.users["keepalived_script"] = {999, 998};
  d = default_script_user(std::nullopt, std::nullopt, true, db);
  CHECK(*d.credentials == Credentials{999, 998});
  CHECK(d.messages.empty());

  CHECK(resolve_script_user("nobody", std::string("root"), db).value() == Credentials{kNobody, 0});
  CHECK(resolve_script_user("nobody", std::string("nope"), db).error() ==
        "Unknown script group 'nope'");
  CHECK(security_violation_message(false) ==
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
  CHECK(security_violation_message(true) ==
        "SECURITY VIOLATION - scripts are being executed but script_security not enabled. There "
        "are insecure scripts.");
  CHECK(no_default_user_message("vrrp script s1") ==
        "Unable to set default user for vrrp script s1 - removing");
}

TEST_CASE("security: the real file system and user database") {
  if (::geteuid() != 0) SA_SKIP("not root: cannot create root-owned test trees");
  char tmpl[] = "/tmp/sa_sec_XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  const std::string dir = tmpl;
  ::chmod(dir.c_str(), 0755);
  const std::string good = dir + "/good.sh";
  std::ofstream(good) << "#!/bin/sh\n";
  ::chmod(good.c_str(), 0755);
  const std::string open_dir = dir + "/open";
  ::mkdir(open_dir.c_str(), 0700);
  ::chmod(open_dir.c_str(), 0777);
  const std::string bad = open_dir + "/bad.sh";
  std::ofstream(bad) << "#!/bin/sh\n";
  ::chmod(bad.c_str(), 0755);
  const std::string link = dir + "/link";
  REQUIRE(::symlink("open/bad.sh", link.c_str()) == 0);

  SystemFileSystem fs;
  CHECK(check_script(good, kRoot, {}, fs).verdict == ScriptVerdict::Secure);
  auto c = check_script(link, kRoot, {}, fs);
  CHECK(c.verdict == ScriptVerdict::Insecure);
  CHECK(c.offending_path == open_dir);
  CHECK(c.real_path == bad);
  CHECK(check_script(dir + "/none", kRoot, {}, fs).verdict == ScriptVerdict::Inaccessible);

  ::unlink(link.c_str());
  ::unlink(bad.c_str());
  ::rmdir(open_dir.c_str());
  ::unlink(good.c_str());
  ::rmdir(dir.c_str());

  SystemUserDatabase users;
  CHECK(users.user("root").value() == Credentials{0, 0});
  CHECK(users.user("0").value() == Credentials{0, 0});
  CHECK(users.group("root").value() == 0);
  CHECK_FALSE(users.user("no_such_user_sa").has_value());
}
