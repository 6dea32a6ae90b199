// The preprocessor, feature by feature (keepalived.conf(5) "include", "Conditional
// configuration", "Parameter substitution", "Sequence blocks", "List blocks"), with the
// results keepalived 2.2.7 gives on the same input (observed with keepalived -t).
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

#include "helpers.hpp"

using namespace stayalived::config;
using testcfg::has;
using testcfg::load;

namespace {

// A config whose VIP lines are `lines`; returns the VIPs as text.
std::vector<std::string> vips(const std::string& lines, LoadOptions opts = testcfg::options()) {
  const auto r = load("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress {\n" + lines +
                          "\n }\n}\n",
                      opts);
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  std::vector<std::string> out;
  for (const auto& v : r.config->vrrp_instances.at(0).virtual_ipaddress) out.push_back(v.address.to_string());
  return out;
}

std::string fmt_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += x + " ";
  return out;
}

std::shared_ptr<testcfg::MemFiles> files() { return std::make_shared<testcfg::MemFiles>(); }

}  // namespace

TEST_CASE("comments: '#' and '!' anywhere outside double quotes, also after substitution") {
  const auto r = load("global_defs { # c\n router_id a#b\n notification_email_from x!y\n smtp_helo_name \"q#r!s\"\n}\n");
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "a");
  CHECK(r.config->global.notification_email_from == "x");
  CHECK(r.config->global.smtp_helo_name == "q#r!s");
  // ${_HASH} unquoted starts a comment once substituted; quoted it is kept.
  const auto s = load("global_defs {\n router_id x${_HASH}y\n smtp_helo_name \"x${_HASH}y${_BANG}z\"\n}\n");
  REQUIRE(s.config);
  CHECK(s.config->global.router_id == "x");
  CHECK(s.config->global.smtp_helo_name == "x#y!z");
}

TEST_CASE("CRLF line ends are accepted, and a missing final newline") {
  const auto r = load("global_defs {\r\n router_id crlf\r\n}\r\nvrrp_instance V {\r\n interface eth0\r\n virtual_router_id 9\r\n}");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "crlf");
  CHECK(r.config->vrrp_instances.at(0).virtual_router_id == 9);
}

TEST_CASE("a NUL byte ends its line, as in keepalived (a note, not a warning: keepalived is silent)") {
  using namespace std::string_literals;
  const auto r = load("global_defs {\n router_id ab\0cd\n bogus\0 word\n}\n"s);
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "ab");
  CHECK(has(r, 2, "NUL byte in the line; the rest of the line is ignored"));
  CHECK(has(r, 3, "unknown keyword 'bogus' in global_defs; line ignored"));  // the whole message
  for (const auto& d : r.diagnostics) CHECK(d.message.find('\0') == std::string::npos);
  CHECK(load("global_defs {\n router_id ab\0cd\n}\n"s).config_test_exit_code() == 0);
}

TEST_CASE("@id and @^id lines follow the config id (-i), before and after substitution") {
  auto opts = testcfg::options();
  opts.config_id = "lb1";
  CHECK(vips("@lb1 192.0.2.1\n@lb2 192.0.2.2\n@^lb1 192.0.2.3\n@^lb2 192.0.2.4\n  @lb1   192.0.2.5", opts) ==
        std::vector<std::string>{"192.0.2.1/32", "192.0.2.4/32", "192.0.2.5/32"});
  // $X=@lb1 then "$X line": the conditional applies to the substituted line.
  CHECK(vips("$IF1=@lb1\n$IF2=@lb2\n$IF1 192.0.2.6\n$IF2 192.0.2.7", opts) == std::vector<std::string>{"192.0.2.6/32"});
  // @id then a definition: only the matching host defines it.
  CHECK(vips("@lb1 $A=192.0.2.8\n@lb2 $A=192.0.2.9\n$A", opts) == std::vector<std::string>{"192.0.2.8/32"});
  // The default id is the host name without its domain.
  const auto id = default_config_id();
  CHECK(id.find('.') == std::string::npos);
}

TEST_CASE("$NAME=value parameters: $NAME before white space, ${NAME} anywhere, undefined left alone") {
  CHECK(vips("$A=192.0.2.1\n$A\n${A}0\nx$A") == std::vector<std::string>{"192.0.2.1/32", "192.0.2.10/32"});
  const auto r = load("global_defs {\n router_id $UNDEF.x ${UNDEF}y\n}\n");
  REQUIRE(r.config);
  // ${UNDEF} stays as is, so its braces split the word (keepalived does the same).
  CHECK(r.config->global.router_id == "$UNDEF.x");
  CHECK(has(r, 2, "unexpected '{'"));
  // "$A.x" is not $A (keepalived requires white space after $NAME).
  const auto s = load("$A=zz\nglobal_defs {\n router_id $A.x\n}\n");
  CHECK(s.config->global.router_id == "$A.x");
}

TEST_CASE("parameters expand at use time, recursively, empty values are allowed") {
  // keepalived.conf(5): ADDRESS_BASE=10.2.${ADDRESS_BASE_SUB}, changed in between.
  CHECK(vips("$BASE=192.0.${SUB}\n$SUB=2\n${BASE}.100\n$SUB=3\n${BASE}.100") ==
        std::vector<std::string>{"192.0.2.100/32", "192.0.3.100/32"});
  CHECK(vips("$E=\n$E 192.0.2.5") == std::vector<std::string>{"192.0.2.5/32"});
}

TEST_CASE("multi-line parameters: trailing backslash, nested definitions, blank line ends it") {
  const auto r = load(
      "$RS= \\\n real_server 192.0.2.${N} 80 { \\\n  weight ${N} \\\n }\n"
      "$VS= \\\n virtual_server 198.51.100.1 80 { \\\n protocol TCP \\\n lb_algo rr \\\n lb_kind DR \\\n"
      " $N=1 \\\n $RS \\\n $N=2 \\\n $RS \\\n }\n"
      "$VS\n");
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  const auto& rss = r.config->virtual_servers.at(0).real_servers;
  REQUIRE(rss.size() == 2);
  CHECK(rss[0].address.to_string() == "192.0.2.1");
  CHECK(rss[1].weight == 2);
  // A blank line ends the definition (as keepalived): the third line is a line of its own.
  CHECK(vips("$M= \\\n192.0.2.1 \\\n\n192.0.2.2\n$M") == std::vector<std::string>{"192.0.2.2/32", "192.0.2.1/32"});
}

TEST_CASE("predefined ${_PWD} ${_INSTANCE} ${_RANDOM} ${_HASH} ${_BANG}") {
  auto fs = files();
  fs->add("/etc/keepalived/sub/inc.conf", "global_defs {\n router_id ${_PWD}\n}\n");
  auto opts = testcfg::options(fs);
  opts.config_id = "host7";
  const auto r = load("include sub/inc.conf\nglobal_defs {\n notification_email_from ${_INSTANCE}@${_PWD}\n"
                      " smtp_helo_name ${_RANDOM 5 5}\n vmac_prefix r${_RANDOM}\n}\n",
                      opts);
  INFO(testcfg::all(r));
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "/etc/keepalived/sub");
  CHECK(r.config->global.notification_email_from == "host7@/etc/keepalived");
  CHECK(r.config->global.smtp_helo_name == "5");
  const auto n = std::stoi(r.config->global.vmac_prefix->substr(1));
  CHECK(n >= 0);
  CHECK(n <= 32767);
  // Reproducible: the same input and seed give the same value.
  const auto first = load("global_defs {\n vmac_prefix r${_RANDOM}\n}\n", opts);
  const auto again = load("global_defs {\n vmac_prefix r${_RANDOM}\n}\n", opts);
  CHECK(again.config->global.vmac_prefix == first.config->global.vmac_prefix);
}

TEST_CASE("~SEQ, ~SEQx and ~LST loops, defaults, nesting, tuples") {
  CHECK(vips("~SEQ(i, 1, 3) 192.0.2.$i") == std::vector<std::string>{"192.0.2.1/32", "192.0.2.2/32", "192.0.2.3/32"});
  CHECK(vips("~SEQ(i,3) 192.0.2.${i}") == std::vector<std::string>{"192.0.2.1/32", "192.0.2.2/32", "192.0.2.3/32"});
  CHECK(vips("~SEQ(i, 3, 1) 192.0.2.$i") == std::vector<std::string>{"192.0.2.3/32", "192.0.2.2/32", "192.0.2.1/32"});
  CHECK(vips("~SEQ(i, 10, 5, 20) 192.0.2.$i") == std::vector<std::string>{"192.0.2.10/32", "192.0.2.15/32", "192.0.2.20/32"});
  CHECK(vips("~SEQx(h, 0x9, 0x2, 0xd) 10.0.0.1\n~SEQx(h, 9, 12) 10.0.1.1").size() == 7);
  const auto r = load("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress_excluded {\n"
                      "  ~SEQx(h, 0x90, 0x10, 0xc0) fe80::20:${h}:1\n }\n}\n");
  REQUIRE(r.config);
  const auto& ex = r.config->vrrp_instances.at(0).virtual_ipaddress_excluded;
  REQUIRE(ex.size() == 4);
  CHECK(ex[1].address.address.to_string() == "fe80::20:a0:1");
  CHECK(vips("~LST(x, 7, 9) 192.0.2.$x") == std::vector<std::string>{"192.0.2.7/32", "192.0.2.9/32"});
  CHECK(vips("~LST({a,b}, {1,2},{3,4}) 192.0.${a}.${b}") == std::vector<std::string>{"192.0.1.2/32", "192.0.3.4/32"});
  CHECK(vips("~SEQ(p,1,2) ~LST(q,5,6) 192.${p}.${q}.1") ==
        std::vector<std::string>{"192.1.5.1/32", "192.1.6.1/32", "192.2.5.1/32", "192.2.6.1/32"});
  // A loop can define parameters; the last iteration wins.
  CHECK(vips("~SEQ(i,1,2) $X=192.0.2.$i\n$X") == std::vector<std::string>{"192.0.2.2/32"});
}

TEST_CASE("bad ~SEQ / ~LST specifications are warned about and skipped") {
  const auto r = load("~SEQ(i, 1, 0, 5) a\n~SEQ(i 1 5) b\n~SEQ(i, x, 5) c\n~LST({a,b}, {1}) d\n~SEQ(i, 1, 5 e\n");
  CHECK(has(r, 1, "step 0"));
  CHECK(has(r, 2, "takes (var, end)"));
  CHECK(has(r, 3, "not an integer"));
  CHECK(has(r, 4, "1 element(s) for 2 variable(s)"));
  CHECK(has(r, 5, "closing ')'"));
  CHECK_FALSE(r.has_errors());
}

TEST_CASE("include: relative to the including file, nested, globs sorted, brace expansion, inside blocks") {
  auto fs = files();
  fs->add("/etc/keepalived/conf.d/b.conf", "192.0.2.2\n");
  fs->add("/etc/keepalived/conf.d/a.conf", "192.0.2.1\ninclude ../more/c.conf\n");
  fs->add("/etc/keepalived/more/c.conf", "192.0.2.3\n");
  fs->add("/etc/keepalived/x1.conf", "192.0.2.4\n");
  fs->add("/etc/keepalived/x2.conf", "192.0.2.5\n");
  const auto got = vips("include conf.d/*.conf\ninclude x{2,1}.conf", testcfg::options(fs));
  INFO(fmt_list(got));
  CHECK(got ==
        std::vector<std::string>{"192.0.2.1/32", "192.0.2.3/32", "192.0.2.2/32", "192.0.2.5/32", "192.0.2.4/32"});
  // Diagnostics name the included file and its line.
  fs->add("/etc/keepalived/bad.conf", "\nbogus_word\n");
  const auto r = load("include bad.conf\n", testcfg::options(fs));
  REQUIRE(!r.diagnostics.empty());
  CHECK(r.diagnostics[0].loc.file == "/etc/keepalived/bad.conf");
  CHECK(r.diagnostics[0].loc.line == 2);
  // The file name is taken literally: no parameter substitution, no quote removal.
  const auto q = load("$F=x1.conf\ninclude $F\ninclude \"x1.conf\"\n", testcfg::options(fs));
  CHECK(has(q, 2, "Config files missing '$F'"));
  CHECK(has(q, 3, "Config files missing '\"x1.conf\"'"));
}

TEST_CASE("diagnostics come in reading order: an included file's lines where the include is, the including file's after it") {
  // The reading order is kept as runs of lines (a file read on, interrupted by includes);
  // a validator diagnostic (the missing interface), reported after all parsing, still
  // sorts to its line's place; keepalived's summary of it, which has no line, comes last.
  auto fs = files();
  fs->add("/etc/keepalived/a.conf", "bogus_a1\ninclude b.conf\nbogus_a3\ninclude c.conf\nbogus_a5\n");
  fs->add("/etc/keepalived/b.conf", "bogus_b1\nbogus_b2\n");
  fs->add("/etc/keepalived/c.conf",
          "vrrp_instance V {\n interface nosuch\n virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n}\nbogus_c8\n");
  const auto r = load("bogus_m1\ninclude a.conf\nbogus_m3\ninclude b.conf\nbogus_m5\n", testcfg::options(fs));
  std::vector<std::string> got;
  for (const auto& d : r.diagnostics)
    got.push_back(d.loc.file.substr(d.loc.file.rfind('/') + 1) + ":" + std::to_string(d.loc.line));
  INFO(fmt_list(got));
  CHECK(got == std::vector<std::string>{"keepalived.conf:1", "a.conf:1", "b.conf:1", "b.conf:2", "a.conf:3",
                                        "c.conf:2", "c.conf:8", "a.conf:5", "keepalived.conf:3", "b.conf:1",
                                        "b.conf:2", "keepalived.conf:5", "keepalived.conf:0"});  // the summary last
}

TEST_CASE("include of nothing: a note for plain include, an error with -e and includer/m/w/b/a") {
  const auto plain = load("include /nonexistent/*.conf\ninclude /nonexistent/x.conf\n");
  CHECK(plain.config);
  CHECK(plain.config_test_exit_code() == 0);  // keepalived exits 0 too
  CHECK(has(plain, 2, "Config files missing '/nonexistent/x.conf'"));
  for (const char* kw : {"includer", "includem", "includea"}) {
    const auto r = load(std::string(kw) + " /nonexistent/x.conf\n");
    INFO(kw);
    CHECK(r.config == nullptr);
    CHECK(r.config_test_exit_code() == 6);  // keepalived 2.2.7's status for failed include checks
  }
  // A wildcard that matches nothing fails only the wildcard_match check.
  CHECK(load("includem /nonexistent/*.conf\n").config);
  CHECK_FALSE(load("includew /nonexistent/*.conf\n").config);
  auto fs = files();
  fs->add("/etc/keepalived/a.conf", "");
  CHECK_FALSE(load("includeb {a,b}.conf\n", testcfg::options(fs)).config);
  CHECK(load("include {a,b}.conf\n", testcfg::options(fs)).config);
  auto all = testcfg::options();
  all.all_config = true;
  CHECK_FALSE(load("include /nonexistent/x.conf\n", all).config);
  CHECK_FALSE(load_file("/nonexistent/keepalived.conf", all).config);
  // Without -e a missing main file is a warning (keepalived silently runs empty).
  const auto missing = load_file("/nonexistent/keepalived.conf", testcfg::options());
  CHECK(missing.config);
  CHECK(missing.config_test_exit_code() == 5);
}

TEST_CASE("include cycles and deep nesting are reported with a limit, never followed forever") {
  auto fs = files();
  fs->add("/etc/keepalived/self.conf", "include self.conf\nglobal_defs {\n router_id once\n}\n");
  const auto r = load("include self.conf\n", testcfg::options(fs));
  CHECK(has(r, "include cycle"));
  REQUIRE(r.config);
  CHECK(r.config->global.router_id == "once");
  // A chain of distinct files deeper than the limit.
  auto deep = files();
  for (int i = 0; i < 40; ++i)
    deep->add("/etc/keepalived/d" + std::to_string(i) + ".conf", "include d" + std::to_string(i + 1) + ".conf\n");
  const auto d = load("include d0.conf\n", testcfg::options(deep));
  CHECK(has(d, "nested more than 32 deep"));
  CHECK(d.has_errors());
}

TEST_CASE("expansion limits: a ~SEQ with billions of iterations, self-referencing parameters, huge lines") {
  const auto seq = load("~SEQ(i, 1, 4000000000) x\n");
  CHECK(has(seq, 1, "would produce 4000000000 lines"));
  CHECK(seq.has_errors());
  const auto nested = load("~SEQ(a,1,1000) ~SEQ(b,1,1000) ~SEQ(c,1,1000) ~SEQ(d,1,1000) $ZZ=1\n", [] {
    auto o = testcfg::options();
    o.limits.max_lines = 100000;
    return o;
  }());
  CHECK(has(nested, "more than 100000 lines"));
  const auto self = load("$A=x$A\nglobal_defs {\n router_id $A\n}\n");
  CHECK(has(self, 3, "nested more than 32 times"));
  const auto doubling = load("$A=${B}${B}\n$B=${C}${C}\n$C=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
                             "$D=${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}${A}\n"
                             "$E=${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}${D}\n"
                             "$F=${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}${E}\n"
                             "$G=${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}${F}\n"
                             "global_defs {\n router_id $G\n}\n");
  CHECK(has(doubling, 9, "longer than 1000000 bytes"));
}

TEST_CASE("hostile files: a device, a FIFO, a directory or a file past the limit is refused, never read") {
  char dir_template[] = "/tmp/sa-hostile-XXXXXX";
  REQUIRE(::mkdtemp(dir_template) != nullptr);
  const std::string dir = dir_template;
  auto opts = testcfg::options(std::make_shared<SystemFiles>());
  // The main file: /dev/zero has no end (keepalived reads it until memory runs out).
  const auto zero = load_file("/dev/zero", opts);
  CHECK(zero.has_errors());
  CHECK(has(zero, "not a regular file"));
  // A symlink to it, and a FIFO nobody writes to (opening it must not wait for a writer).
  REQUIRE(::symlink("/dev/zero", (dir + "/zero.conf").c_str()) == 0);
  REQUIRE(::mkfifo((dir + "/fifo.conf").c_str(), 0600) == 0);
  CHECK(load_file(dir + "/zero.conf", opts).has_errors());
  const auto fifo = load_file(dir + "/fifo.conf", opts);
  CHECK(fifo.has_errors());
  CHECK(has(fifo, "fifo.conf"));
  // The same as includes: an error (a warning and a skipped include would drop its VIPs).
  for (const char* inc : {"include zero.conf", "include fifo.conf", "include /dev/zero", "include *.conf"}) {
    INFO(inc);
    std::FILE* f = std::fopen((dir + "/main.cfg").c_str(), "w");
    REQUIRE(f != nullptr);
    std::fprintf(f, "%s\n", inc);
    std::fclose(f);
    const auto r = load_file(dir + "/main.cfg", opts);
    CHECK(r.config == nullptr);
    CHECK(has(r, 1, "not a regular file"));
  }
  // A regular file past the input limit: an error naming it, not a partial read.
  {
    std::FILE* f = std::fopen((dir + "/big.cfg").c_str(), "w");
    REQUIRE(f != nullptr);
    for (int i = 0; i < 200; ++i) std::fprintf(f, "# comment line %d\n", i);
    std::fclose(f);
  }
  auto small = testcfg::options(std::make_shared<SystemFiles>(1000));
  const auto big = load_file(dir + "/big.cfg", small);
  CHECK(big.has_errors());
  CHECK(has(big, "file too large"));
  CHECK(load_file(dir + "/big.cfg", opts).config_test_exit_code() == 0);
  for (const char* n : {"/zero.conf", "/fifo.conf", "/main.cfg", "/big.cfg"}) ::unlink((dir + n).c_str());
  ::rmdir(dir.c_str());
}

TEST_CASE("diagnostics are bounded: ten thousand warnings keep the first ones, the first error and a count") {
  auto o = testcfg::options();
  o.limits.max_diagnostics = 50;
  const auto r = load("~SEQ(i, 1, 10000) unknown_$i\nvrrp_instance V {\n virtual_router_id\n}\n", o);
  CHECK(r.diagnostics.size() < 60);
  CHECK(has(r, 1, "unknown keyword 'unknown_1'"));
  CHECK_FALSE(has(r, "unknown keyword 'unknown_51'"));
  CHECK(r.has_errors());  // the error after the limit is still there: -t exits 2
  CHECK(r.config_test_exit_code() == 2);
  CHECK(has(r, "more diagnostic(s) not shown"));
}

TEST_CASE("a load can be cancelled from another thread: it stops at the next line with an error") {
  auto o = testcfg::options();
  auto cancel = std::make_shared<std::atomic<bool>>(true);
  o.cancel = cancel;
  const auto r = load("global_defs {\n router_id x\n}\n", o);
  CHECK(r.config == nullptr);
  CHECK(has(r, "cancelled"));
}
