// Helpers for tests that run against the real kernel's ip_vs (inside the test VM, or
// natively where the host has ip_vs): a fresh network namespace per test (so each test
// starts from an empty IPVS table and never sees the host's), and ipvsadm as the oracle.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace vm {

/// Runs a shell command and returns its standard output (stderr goes to ours).
inline std::string sh(const std::string& cmd) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  if (!p) throw std::runtime_error("popen failed: " + cmd);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

/// Enters a new, empty network namespace for its lifetime (loopback up: IPv4 destinations
/// need the local routing table that comes with it), then returns to the previous one.
class FreshNetns {
 public:
  FreshNetns() {
    saved_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved_ < 0 || unshare(CLONE_NEWNET) != 0) throw std::runtime_error("cannot create a network namespace");
    sh("ip link set lo up");
  }
  ~FreshNetns() {
    if (saved_ >= 0) {
      setns(saved_, CLONE_NEWNET);
      close(saved_);
    }
  }
  FreshNetns(const FreshNetns&) = delete;
  FreshNetns& operator=(const FreshNetns&) = delete;

 private:
  int saved_ = -1;
};

/// `ipvsadm -S -n` with each service's lines sorted and services sorted, so the
/// comparison does not depend on the kernel's hash order.
inline std::string ipvsadm_save() {
  std::string raw = sh("ipvsadm -S -n");
  std::vector<std::vector<std::string>> blocks;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    std::size_t nl = raw.find('\n', pos);
    std::string line = raw.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    pos = nl == std::string::npos ? raw.size() : nl + 1;
    if (line.empty()) continue;
    if (line.rfind("-A ", 0) == 0 || blocks.empty()) blocks.push_back({});
    blocks.back().push_back(line);
  }
  for (auto& b : blocks) std::sort(b.begin() + 1, b.end());
  std::sort(blocks.begin(), blocks.end());
  std::string out;
  for (const auto& b : blocks)
    for (const auto& l : b) out += l + "\n";
  return out;
}

}  // namespace vm
