#include "mini_conf.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace vrrp_driver {

using namespace stayalived;
using namespace stayalived::config;

namespace {

struct Tok {
  std::string text;
  int line;
  bool quoted;
};

std::vector<Tok> tokenize(const std::string& src) {
  std::vector<Tok> out;
  int line = 1;
  for (std::size_t i = 0; i < src.size();) {
    const char c = src[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#' || c == '!') {
      while (i < src.size() && src[i] != '\n') ++i;
    } else if (c == '{' || c == '}') {
      out.push_back({std::string(1, c), line, false});
      ++i;
    } else if (c == '"') {
      const auto end = src.find('"', i + 1);
      if (end == std::string::npos) throw std::runtime_error("line " + std::to_string(line) + ": unterminated quote");
      out.push_back({src.substr(i + 1, end - i - 1), line, true});
      i = end + 1;
    } else {
      std::size_t j = i;
      while (j < src.size() && std::string_view(" \t\r\n{}").find(src[j]) == std::string_view::npos) ++j;
      out.push_back({src.substr(i, j - i), line, false});
      i = j;
    }
  }
  return out;
}

// keepalived splits a script string on unquoted spaces; single quotes keep spaces.
std::vector<std::string> split_script(const std::string& s) {
  std::vector<std::string> argv;
  std::string cur;
  bool in_quote = false, any = false;
  for (char c : s) {
    if (c == '\'') {
      in_quote = !in_quote;
      any = true;
    } else if (c == ' ' && !in_quote) {
      if (any) argv.push_back(cur);
      cur.clear();
      any = false;
    } else {
      cur += c;
      any = true;
    }
  }
  if (any) argv.push_back(cur);
  return argv;
}

class Parser {
 public:
  explicit Parser(std::vector<Tok> t) : t_(std::move(t)) {}

  Config parse() {
    Config c;
    while (!done()) {
      const auto kw = next().text;
      if (kw == "global_defs") global(c.global);
      else if (kw == "vrrp_script") c.vrrp_scripts.push_back(script_block());
      else if (kw == "track_file" || kw == "vrrp_track_file") c.track_files.push_back(track_file());
      else if (kw == "vrrp_track_process") c.track_processes.push_back(track_process());
      else if (kw == "vrrp_sync_group") c.sync_groups.push_back(sync_group());
      else if (kw == "vrrp_instance") c.vrrp_instances.push_back(instance(c.global));
      else fail("unknown top-level keyword " + kw);
    }
    return c;
  }

 private:
  [[noreturn]] void fail(const std::string& m) const {
    throw std::runtime_error("line " + std::to_string(pos_ < t_.size() ? t_[pos_].line : -1) + ": " + m);
  }
  bool done() const { return pos_ >= t_.size(); }
  const Tok& next() {
    if (done()) fail("unexpected end of file");
    return t_[pos_++];
  }
  const Tok& peek() const { return t_[pos_]; }
  bool at_line_end(int line) const { return done() || t_[pos_].line != line || t_[pos_].text == "}"; }
  void open() {
    if (next().text != "{") fail("expected {");
  }
  bool close() {
    if (!done() && peek().text == "}" && !peek().quoted) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::vector<std::string> rest_of_line(int line) {
    std::vector<std::string> v;
    while (!at_line_end(line)) v.push_back(next().text);
    return v;
  }
  long num(const std::string& s) {
    char* e = nullptr;
    const long v = std::strtol(s.c_str(), &e, 10);
    if (e == s.c_str() || *e) fail("not a number: " + s);
    return v;
  }
  std::chrono::microseconds usecs(const std::string& s) {
    return std::chrono::microseconds(static_cast<std::int64_t>(std::strtod(s.c_str(), nullptr) * 1e6 + 0.5));
  }
  IpAddress addr(const std::string& s) {
    auto a = IpAddress::parse(s);
    if (!a) fail("bad address " + s);
    return *a;
  }
  IpPrefix prefix(const std::string& s) {
    auto p = IpPrefix::parse(s);
    if (!p) fail("bad prefix " + s);
    return *p;
  }
  Script script_of(int line) {
    Script s;
    const auto& cmd = next();
    s.argv = cmd.quoted ? split_script(cmd.text) : std::vector<std::string>{cmd.text};
    auto extra = rest_of_line(line);
    if (!extra.empty()) s.run_as = RunAs{extra[0], extra.size() > 1 ? std::optional(extra[1]) : std::nullopt};
    return s;
  }
  template <class F>
  void block(F&& each) {
    open();
    while (!close()) {
      const auto& k = next();
      each(k.text, k.line);
    }
  }

  void global(GlobalDefs& g) {
    block([&](const std::string& k, int line) {
      auto args = rest_of_line(line);
      auto arg = [&](std::size_t i) -> std::string {
        if (i >= args.size()) fail(k + ": missing argument");
        return args[i];
      };
      if (k == "vrrp_version") g.vrrp_version = static_cast<std::uint8_t>(num(arg(0)));
      else if (k == "script_user") g.script_user = RunAs{arg(0), args.size() > 1 ? std::optional(args[1]) : std::nullopt};
      else if (k == "enable_script_security") g.enable_script_security = true;
      else if (k == "vrrp_garp_master_delay") g.vrrp_garp_master_delay = std::chrono::seconds(num(arg(0)));
      else if (k == "vrrp_garp_master_repeat") g.vrrp_garp_master_repeat = static_cast<std::uint32_t>(num(arg(0)));
      else if (k == "vrrp_min_garp") g.vrrp_min_garp = true;
      else if (k == "vrrp_garp_interval") g.vrrp_garp_interval = usecs(arg(0));
      else if (k == "vrrp_gna_interval") g.vrrp_gna_interval = usecs(arg(0));
      else if (k == "vrrp_skip_check_adv_addr") g.vrrp_skip_check_adv_addr = true;
      else if (k == "vrrp_startup_delay") g.vrrp_startup_delay = usecs(arg(0));
      else if (k == "notify_fifo") g.notify_fifo = Fifo{arg(0), std::nullopt, {}};
      else if (k == "vrrp_notify_fifo") g.vrrp_notify_fifo = Fifo{arg(0), std::nullopt, {}};
      else if (k == "router_id") {
      } else fail("unsupported global_defs keyword " + k);
    });
  }

  VrrpScript script_block() {
    VrrpScript s;
    s.name = next().text;
    block([&](const std::string& k, int line) {
      if (k == "script") {
        s.script = script_of(line);
        return;
      }
      auto args = rest_of_line(line);
      if (k == "interval") s.interval = std::chrono::seconds(num(args.at(0)));
      else if (k == "timeout") s.timeout = std::chrono::seconds(num(args.at(0)));
      else if (k == "weight") {
        s.weight = static_cast<int>(num(args.at(0)));
        s.weight_reverse = args.size() > 1 && args[1] == "reverse";
      } else if (k == "rise") s.rise = static_cast<std::uint32_t>(num(args.at(0)));
      else if (k == "fall") s.fall = static_cast<std::uint32_t>(num(args.at(0)));
      else if (k == "init_fail") s.init_fail = true;
      else if (k == "user") s.script.run_as = RunAs{args.at(0), args.size() > 1 ? std::optional(args[1]) : std::nullopt};
      else fail("unsupported vrrp_script keyword " + k);
    });
    return s;
  }

  TrackFile track_file() {
    TrackFile f;
    f.name = next().text;
    block([&](const std::string& k, int line) {
      auto args = rest_of_line(line);
      if (k == "file") f.file = args.at(0);
      else if (k == "weight") {
        f.weight = static_cast<int>(num(args.at(0)));
        f.weight_reverse = args.size() > 1 && args[1] == "reverse";
      } else if (k == "init_file") {
        f.init_file = true;
        for (const auto& a : args)
          if (a == "overwrite") f.init_overwrite = true;
          else f.init_value = static_cast<int>(num(a));
      } else fail("unsupported track_file keyword " + k);
    });
    return f;
  }

  TrackProcess track_process() {
    TrackProcess p;
    p.name = next().text;
    block([&](const std::string& k, int line) {
      auto args = rest_of_line(line);
      if (k == "process") p.process = args;
      else if (k == "quorum") p.quorum = static_cast<std::uint32_t>(num(args.at(0)));
      else if (k == "quorum_max") p.quorum_max = static_cast<std::uint32_t>(num(args.at(0)));
      else if (k == "weight") p.weight = static_cast<int>(num(args.at(0)));
      else if (k == "delay") p.fork_delay = p.terminate_delay = usecs(args.at(0));
      else if (k == "full_command") p.full_command = true;
      else fail("unsupported vrrp_track_process keyword " + k);
    });
    return p;
  }

  void tracking(const std::string& k, Tracking& t) {
    block([&](const std::string& name, int line) {
      auto args = rest_of_line(line);
      std::optional<int> w;
      bool rev = false;
      for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "weight") w = static_cast<int>(num(args.at(++i)));
        if (args[i] == "reverse") rev = true;
      }
      if (k == "track_interface") t.interfaces.push_back({name, w.value_or(0), rev, {}});
      else if (k == "track_script") t.scripts.push_back({name, w, rev, {}});
      else if (k == "track_file") t.files.push_back({name, w, rev, {}});
      else if (k == "track_process") t.processes.push_back({name, w, rev, {}});
    });
  }

  bool notify_kw(const std::string& k, int line, VrrpNotify& n) {
    if (k == "notify_master") n.master = script_of(line);
    else if (k == "notify_backup") n.backup = script_of(line);
    else if (k == "notify_fault") n.fault = script_of(line);
    else if (k == "notify_stop") n.stop = script_of(line);
    else if (k == "notify") n.any = script_of(line);
    else if (k == "notify_master_rx_lower_pri") n.master_rx_lower_pri = script_of(line);
    else return false;
    return true;
  }

  VrrpSyncGroup sync_group() {
    VrrpSyncGroup g;
    g.name = next().text;
    block([&](const std::string& k, int line) {
      if (k == "group") {
        block([&](const std::string& m, int) { g.group.push_back(m); });
      } else if (k.rfind("track_", 0) == 0) {
        tracking(k, g.track);
      } else if (!notify_kw(k, line, g.notify)) {
        fail("unsupported vrrp_sync_group keyword " + k);
      }
    });
    return g;
  }

  VirtualAddress vip(const std::string& first, int line) {
    VirtualAddress va;
    va.address = prefix(first);
    auto args = rest_of_line(line);
    for (std::size_t i = 0; i < args.size(); ++i) {
      if (args[i] == "dev") va.dev = args.at(++i);
      else if (args[i] == "label") va.label = args.at(++i);
      else if (args[i] == "brd") {
        va.broadcast_mode = BroadcastMode::Address;
        va.broadcast = addr(args.at(++i));
      } else if (args[i] == "scope") {
        const auto s = args.at(++i);
        va.scope = static_cast<std::uint8_t>(s == "host" ? 254 : s == "link" ? 253 : s == "site" ? 200 : 0);
      } else if (args[i] == "-nodad") va.nodad = true;
      else fail("unsupported address option " + args[i]);
    }
    return va;
  }

  VrrpInstance instance(const GlobalDefs& g) {
    VrrpInstance v;
    v.name = next().text;
    v.version = g.vrrp_version;
    v.garp_master_delay = g.vrrp_garp_master_delay;
    v.garp_master_repeat = g.vrrp_garp_master_repeat;
    v.garp_lower_prio_delay = g.vrrp_garp_master_delay;
    v.garp_lower_prio_repeat = g.vrrp_garp_master_repeat;
    v.skip_check_adv_addr = g.vrrp_skip_check_adv_addr;
    block([&](const std::string& k, int line) {
      if (notify_kw(k, line, v.notify)) return;
      if (k.rfind("track_", 0) == 0) return tracking(k, v.track);
      if (k == "virtual_ipaddress" || k == "virtual_ipaddress_excluded") {
        auto& list = k == "virtual_ipaddress" ? v.virtual_ipaddress : v.virtual_ipaddress_excluded;
        block([&](const std::string& a, int l) { list.push_back(vip(a, l)); });
        return;
      }
      if (k == "virtual_routes") {
        block([&](const std::string& d, int l) {
          Route r;
          r.destination = prefix(d);
          auto args = rest_of_line(l);
          for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i] == "via" || args[i] == "gw") r.via = addr(args.at(++i));
            else if (args[i] == "dev") r.dev = args.at(++i);
            else if (args[i] == "table") r.table = static_cast<std::uint32_t>(num(args.at(++i)));
            else fail("unsupported route option " + args[i]);
          }
          v.virtual_routes.push_back(r);
        });
        return;
      }
      if (k == "unicast_peer") {
        v.unicast_peer_block = true;
        block([&](const std::string& a, int l) {
          UnicastPeer p;
          p.address = addr(a);
          auto args = rest_of_line(l);
          for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i] == "min_ttl") p.min_ttl = static_cast<std::uint8_t>(num(args.at(++i)));
            if (args[i] == "max_ttl") p.max_ttl = static_cast<std::uint8_t>(num(args.at(++i)));
          }
          v.unicast_peers.push_back(p);
        });
        return;
      }
      if (k == "authentication") {
        Authentication a;
        block([&](const std::string& ak, int l) {
          auto args = rest_of_line(l);
          if (ak == "auth_type") a.type = args.at(0) == "AH" ? AuthType::Ah : AuthType::Pass;
          else if (ak == "auth_pass") a.password = args.at(0).substr(0, 8);
        });
        v.authentication = a;
        return;
      }
      auto args = rest_of_line(line);
      auto arg = [&](std::size_t i) -> std::string {
        if (i >= args.size()) fail(k + ": missing argument");
        return args[i];
      };
      if (k == "state") v.state = arg(0) == "MASTER" ? VrrpState::Master : VrrpState::Backup;
      else if (k == "interface") v.interface = arg(0);
      else if (k == "virtual_router_id") v.virtual_router_id = static_cast<std::uint8_t>(num(arg(0)));
      else if (k == "priority") v.priority = static_cast<std::uint8_t>(num(arg(0)));
      else if (k == "advert_int") v.advert_int = centiseconds(static_cast<std::int64_t>(std::strtod(arg(0).c_str(), nullptr) * 100 + 0.5));
      else if (k == "version") v.version = static_cast<std::uint8_t>(num(arg(0)));
      else if (k == "nopreempt") v.nopreempt = true;
      else if (k == "preempt") v.nopreempt = false;
      else if (k == "preempt_delay") v.preempt_delay = usecs(arg(0));
      else if (k == "dont_track_primary") v.dont_track_primary = true;
      else if (k == "mcast_src_ip" || k == "unicast_src_ip") v.source_ip = addr(arg(0));
      else if (k == "garp_master_delay") v.garp_master_delay = std::chrono::seconds(num(arg(0)));
      else if (k == "garp_master_repeat") v.garp_master_repeat = static_cast<std::uint32_t>(num(arg(0)));
      else if (k == "garp_master_refresh") v.garp_master_refresh = std::chrono::seconds(num(arg(0)));
      else if (k == "lower_prio_no_advert") v.lower_prio_no_advert = true;
      else if (k == "higher_prio_send_advert") v.higher_prio_send_advert = true;
      else if (k == "skip_check_adv_addr") v.skip_check_adv_addr = true;
      else if (k == "check_unicast_src") v.check_unicast_src = true;
      else if (k == "accept") v.accept = true;
      else if (k == "no_accept") v.accept = false;
      else if (k == "old_unicast_checksum") v.old_unicast_checksum = args.empty() ? OldUnicastChecksum::On : OldUnicastChecksum::Never;
      else fail("unsupported vrrp_instance keyword " + k);
    });
    if (!v.virtual_ipaddress.empty() && v.virtual_ipaddress.front().address.address.is_v6()) v.version = 3;
    return v;
  }

  std::vector<Tok> t_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<Config> read_conf(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Unexpected(Error{"cannot open " + path, errno});
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    return Parser(tokenize(ss.str())).parse();
  } catch (const std::exception& e) {
    return Unexpected(Error{path + ": " + e.what(), 0});
  }
}

}  // namespace vrrp_driver
