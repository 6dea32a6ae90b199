// Notify argv and FIFO line formats (as keepalived 2.2.7 wrote them), and the FIFO writer
// with and without a reader.
#include <doctest/doctest.h>

#include "../skip.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "stayalived/common/log.hpp"
#include "stayalived/notify/events.hpp"
#include "stayalived/notify/fifo.hpp"
#include "stayalived/notify/script_runner.hpp"

using namespace stayalived;
using namespace stayalived::notify;

TEST_CASE("events: notify argv and VRRP FIFO lines") {
  CHECK(vrrp_notify_argv({"/bin/n.sh", "n1"}, VrrpScope::Instance, "VI_1", VrrpEvent::Master, 100) ==
        std::vector<std::string>{"/bin/n.sh", "n1", "INSTANCE", "VI_1", "MASTER", "100"});
  CHECK(vrrp_notify_argv({"/bin/n.sh"}, VrrpScope::Group, "G1", VrrpEvent::Stop, 0) ==
        std::vector<std::string>{"/bin/n.sh", "GROUP", "G1", "STOP", "0"});
  CHECK(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::Master, 100) ==
        "INSTANCE \"VI_1\" MASTER 100");
  CHECK(vrrp_fifo_line(VrrpScope::Group, "G1", VrrpEvent::Backup, 0) == "GROUP \"G1\" BACKUP 0");
  CHECK(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::MasterPriority, 97) ==
        "INSTANCE \"VI_1\" MASTER_PRIORITY 97");
  CHECK(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::BackupPriority, 105) ==
        "INSTANCE \"VI_1\" BACKUP_PRIORITY 105");
  CHECK(event_word(VrrpEvent::Fault) == "FAULT");
  CHECK(event_word(VrrpEvent::Deleted) == "DELETED");
  CHECK(event_word(VrrpEvent::MasterRxLowerPri) == "MASTER_RX_LOWER_PRI");
}

TEST_CASE("events: LVS FIFO lines") {
  const auto vs = lvs_service("10.0.0.100", "tcp", 80);
  CHECK(vs == "[10.0.0.100]:tcp:80");
  CHECK(lvs_vs_fifo_line(vs, true) == "VS [10.0.0.100]:tcp:80 UP");
  CHECK(lvs_vs_fifo_line(lvs_service("fd00::100", "tcp", 443), false) ==
        "VS [fd00::100]:tcp:443 DOWN");
  CHECK(lvs_vs_fifo_line(lvs_fwmark(7), true) == "VS FWM 7 UP");
  CHECK(lvs_vs_fifo_line(lvs_group("VSG1"), true) == "VS [VSG1]:0 UP");
  CHECK(lvs_rs_fifo_line(lvs_service("127.0.0.1", "tcp", 8081), vs, false) ==
        "RS [127.0.0.1]:tcp:8081 [10.0.0.100]:tcp:80 DOWN");
  CHECK(lvs_rs_fifo_line(lvs_service("127.0.0.1", "none", 0), lvs_fwmark(7), false) ==
        "RS [127.0.0.1]:none:0 FWM 7 DOWN");
  CHECK(lvs_rs_fifo_line(lvs_service("::1", "udp", 53), lvs_group("G"), true) ==
        "RS [::1]:udp:53 [G]:0 UP");
}

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/sa_fifo_XXXXXX";
    REQUIRE(::mkdtemp(t) != nullptr);
    path = t;
  }
  ~TempDir() { std::system(("rm -rf " + path).c_str()); }
};

std::string drain(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

NotifyFifo::Options at(const std::string& path, std::optional<Credentials> owner = {}) {
  NotifyFifo::Options o;
  o.path = path;
  o.owner = owner;
  return o;
}

}  // namespace

TEST_CASE("fifo: created if missing, lines wait for a reader that comes later") {
  TempDir dir;
  const std::string path = dir.path + "/vrrp.fifo";
  NotifyFifo fifo(at(path));
  REQUIRE(fifo.open().has_value());
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK((st.st_mode & 0077) == 0);  // 0600 before the umask

  // No reader yet: keepalived's lines are kept in the pipe, and so are ours.
  CHECK(fifo.write_line(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::Backup, 100)));
  CHECK(fifo.write_line(vrrp_fifo_line(VrrpScope::Group, "G1", VrrpEvent::Backup, 0)));
  const int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  CHECK(drain(reader) == "INSTANCE \"VI_1\" BACKUP 100\nGROUP \"G1\" BACKUP 0\n");
  CHECK(fifo.write_line("INSTANCE \"VI_1\" MASTER 100"));
  CHECK(drain(reader) == "INSTANCE \"VI_1\" MASTER 100\n");
  ::close(reader);
  CHECK(fifo.stats().lines_written == 3);
  CHECK(fifo.open().has_value());  // already open: no-op
  fifo.close();
  CHECK(::lstat(path.c_str(), &st) == 0);  // left in place
  CHECK_FALSE(fifo.write_line("x"));
  CHECK(fifo.stats().lines_dropped_error == 1);

  // An existing FIFO is reused.
  NotifyFifo again(at(path));
  CHECK(again.open().has_value());
}

TEST_CASE("fifo: a full pipe drops whole lines and never blocks") {
  TempDir dir;
  const std::string path = dir.path + "/lvs.fifo";
  log::Logger logger;
  auto sink = std::make_unique<log::MemorySink>();
  auto* lines = sink.get();
  logger.add_sink(std::move(sink));
  NotifyFifo fifo(at(path), log::Channel(logger, log::Source::Check));
  REQUIRE(fifo.open().has_value());
  // A reader that never reads, on a pipe shrunk to one page.
  const int reader = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  REQUIRE(::fcntl(reader, F_SETPIPE_SZ, 4096) >= 4096);
  const std::string line = lvs_rs_fifo_line(lvs_service("192.0.2.10", "tcp", 80),
                                            lvs_service("192.0.2.1", "tcp", 80), true);
  int written = 0;
  int dropped = 0;
  for (int i = 0; i < 1000; ++i) (fifo.write_line(line) ? written : dropped)++;
  const int fit = 4096 / static_cast<int>(line.size() + 1);
  CHECK(written == fit);
  CHECK(dropped == 1000 - fit);
  CHECK(fifo.stats().lines_dropped_full == static_cast<std::uint64_t>(1000 - fit));
  // Rate-limited warnings, not one per drop.
  CHECK(lines->lines.size() >= 1);
  CHECK(lines->lines.size() <= 3);
  CHECK(lines->lines.front().text.find("line dropped (the FIFO is full") != std::string::npos);
  // Everything the reader gets is whole lines.
  const std::string got = drain(reader);
  CHECK(got.size() == static_cast<std::size_t>(fit) * (line.size() + 1));
  CHECK(got.substr(0, line.size() + 1) == line + "\n");
  // Room again: writing resumes.
  CHECK(fifo.write_line(line));
  ::close(reader);

  CHECK_FALSE(fifo.write_line(std::string(PIPE_BUF, 'x')));
  CHECK(fifo.stats().lines_dropped_too_long == 1);
}

TEST_CASE("fifo: refuses a path that is not a FIFO") {
  TempDir dir;
  const std::string path = dir.path + "/regular";
  std::ofstream(path) << "x";
  NotifyFifo fifo(at(path));
  auto r = fifo.open();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "Notify FIFO " + path + " exists and is not a FIFO");
  NotifyFifo missing_dir(at(dir.path + "/no/such/dir/f"));
  auto m = missing_dir.open();
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().code == ENOENT);
}

TEST_CASE("fifo: owner from [username [groupname]]") {
  if (::geteuid() != 0) SA_SKIP("not root: chown not tested");
  TempDir dir;
  const std::string path = dir.path + "/owned.fifo";
  NotifyFifo fifo(at(path, Credentials{65534, 65534}));
  REQUIRE(fifo.open().has_value());
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK(st.st_uid == 65534);
  CHECK(st.st_gid == 65534);
}

TEST_CASE("fifo: the fifo script gets the FIFO as its last argument and reads the lines") {
  TempDir dir;
  const std::string path = dir.path + "/notify.fifo";
  NotifyFifo fifo(at(path));
  REQUIRE(fifo.open().has_value());
  boost::asio::io_context io;
  ScriptRunner runner(io);
  ScriptSpec reader;
  // The configured script: print its arguments, then the first three lines of the FIFO.
  reader.argv = fifo_script_argv(
      {"/bin/sh", "-c", "echo \"args: $*\"; for last; do :; done; head -n 3 \"$last\"", "reader", "x"},
      path);
  reader.capture_limit = 4096;
  reader.timeout = std::chrono::seconds(20);
  std::optional<ScriptResult> got;
  runner.async_run(reader, [&](ScriptResult r) { got = std::move(r); });
  CHECK(fifo.write_line(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::Master, 100)));
  CHECK(fifo.write_line(lvs_vs_fifo_line(lvs_fwmark(7), true)));
  CHECK(fifo.write_line(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::Stop, 100)));
  io.run();
  REQUIRE(got.has_value());
  CHECK(got->succeeded());
  CHECK(got->output == "args: x " + path + "\nINSTANCE \"VI_1\" MASTER 100\nVS FWM 7 UP\nINSTANCE \"VI_1\" STOP 100\n");
}

TEST_CASE("fifo: VRRP and LVS lines are routed as keepalived does") {
  TempDir dir;
  NotifyFifo all(at(dir.path + "/all.fifo"));
  NotifyFifo vrrp(at(dir.path + "/vrrp.fifo"));
  NotifyFifo lvs(at(dir.path + "/lvs.fifo"));
  REQUIRE(all.open().has_value());
  REQUIRE(vrrp.open().has_value());
  REQUIRE(lvs.open().has_value());
  const NotifyFifos fifos{&all, &vrrp, &lvs};
  fifos.vrrp_line(vrrp_fifo_line(VrrpScope::Instance, "VI_1", VrrpEvent::Master, 100));
  fifos.lvs_line(lvs_vs_fifo_line(lvs_fwmark(7), false));
  auto read_all = [](const std::string& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(fd >= 0);
    std::string s = drain(fd);
    ::close(fd);
    return s;
  };
  CHECK(read_all(all.path()) == "INSTANCE \"VI_1\" MASTER 100\nVS FWM 7 DOWN\n");
  CHECK(read_all(vrrp.path()) == "INSTANCE \"VI_1\" MASTER 100\n");
  CHECK(read_all(lvs.path()) == "VS FWM 7 DOWN\n");
  const NotifyFifos only_vrrp{nullptr, &vrrp, nullptr};
  only_vrrp.lvs_line("VS FWM 7 UP");  // nowhere to go
  CHECK(vrrp.stats().lines_written == 1);
}
