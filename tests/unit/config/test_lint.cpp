// stayalivedctl lint: each pitfall on a minimal config, its line, and silencing by comment.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>

#include "helpers.hpp"
#include "stayalived/config/lint.hpp"

using namespace testcfg;

namespace {

// "SA001:1 SA002:9": each finding's id and line.
std::string ids(const LoadResult& r) {
  std::string out;
  for (const auto& f : lint(r)) out += (out.empty() ? "" : " ") + f.id + ":" + std::to_string(f.loc.line);
  return out;
}

}  // namespace

TEST_CASE("lint: strict mode without accept, our own unicast peer") {
  const auto r = load(R"(vrrp_instance A {
  strict_mode
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    192.0.2.1
  }
}
vrrp_instance B {
  strict_mode
  version 3
  accept
  interface eth0
  virtual_router_id 2
  unicast_src_ip 192.0.2.10
  unicast_peer {
    192.0.2.11
    192.0.2.10
  }
  virtual_ipaddress {
    192.0.2.2
  }
}
)");
  REQUIRE(r.config);
  CHECK(ids(r) == "SA001:1 SA002:18");
  const auto f = lint(r);
  CHECK(format(f[0]).find("fix: add 'accept'") != std::string::npos);
}

TEST_CASE("lint: alerts without a mail server, timeouts longer than the loop, unused scripts") {
  const auto r = load(R"(vrrp_script used {
  script "/bin/true"
}
vrrp_script unused {
  script "/bin/true"
}
vrrp_instance A {
  interface eth0
  virtual_router_id 1
  virtual_ipaddress {
    192.0.2.1
  }
  track_script {
    used
  }
  smtp_alert
}
virtual_server 192.0.2.100 80 {
  lvs_method NAT
  protocol TCP
  quorum 3
  real_server 192.0.2.11 80 {
    weight 2
  }
}
virtual_server 192.0.2.100 81 {
  lvs_method NAT
  protocol TCP
  delay_loop 2
  real_server 192.0.2.11 81 {
    TCP_CHECK {
      connect_timeout 3
    }
  }
}
)");
  REQUIRE(r.config);
  CHECK(ids(r) == "SA005:4 SA003:7 SA004:31");
}

TEST_CASE("lint: a comment on the line or the line above silences one id") {
  const std::string path = std::string(STAYALIVED_BINARY_DIR) + "/lint_silence_test.conf";
  {
    std::ofstream out(path);
    out << "vrrp_instance A {   # lint: ignore SA001\n"
           "  strict_mode\n  interface eth0\n  virtual_router_id 1\n  virtual_ipaddress {\n    192.0.2.1\n  }\n}\n"
           "# lint: ignore SA002\n"
           "vrrp_instance B {\n"
           "  strict_mode\n  interface eth0\n  virtual_router_id 2\n"
           "  virtual_ipaddress {\n    192.0.2.2\n  }\n}\n";
  }
  auto opts = options();
  opts.files = nullptr;  // the real file system: lint reads the comments from the file
  opts.cwd.clear();
  const auto r = load_file(path, opts);
  REQUIRE(r.config);
  CHECK(ids(r) == "SA001:10");
  std::remove(path.c_str());
}
