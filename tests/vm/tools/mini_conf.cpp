#include "mini_conf.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace mini_conf {
namespace cfg = stayalived::config;
using stayalived::Expected;
using stayalived::Unexpected;

namespace {

struct Token {
  std::string text;
  int line = 0;
};

std::vector<Token> tokenize(std::istream& in) {
  std::vector<Token> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string word;
    auto flush = [&] {
      if (!word.empty()) out.push_back({word, n});
      word.clear();
    };
    for (char ch : line) {
      if (ch == '#' || ch == '!') break;
      if (ch == '{' || ch == '}') {
        flush();
        out.push_back({std::string(1, ch), n});
      } else if (ch == ' ' || ch == '\t' || ch == '\r') {
        flush();
      } else {
        word += ch;
      }
    }
    flush();
    out.push_back({"\n", n});
  }
  return out;
}

class Reader {
 public:
  explicit Reader(std::vector<Token> t) : t_(std::move(t)) {}

  Expected<cfg::Config, std::string> run() {
    cfg::Config c;
    while (!at_end()) {
      auto words = line();
      if (words.empty()) continue;
      const std::string& k = words[0];
      if (k == "global_defs") {
        if (!global(c)) return fail();
      } else if (k == "vrrp_instance" && words.size() >= 2) {
        cfg::VrrpInstance vi;
        vi.name = words[1];
        if (!block([&](const std::vector<std::string>& w) {
              if (w[0] == "virtual_router_id" && w.size() > 1) vi.virtual_router_id = static_cast<std::uint8_t>(num(w[1]));
              return true;
            }))
          return fail();
        c.vrrp_instances.push_back(vi);
      } else if (k == "virtual_server_group" && words.size() >= 2) {
        cfg::VirtualServerGroup g;
        g.name = words[1];
        if (!block([&](const std::vector<std::string>& w) { return group_line(g, w); })) return fail();
        c.virtual_server_groups.push_back(g);
      } else if (k == "virtual_server" && words.size() >= 2) {
        cfg::VirtualServer vs;
        if (!virtual_server(vs, words)) return fail();
        c.virtual_servers.push_back(std::move(vs));
      } else if (opens_block()) {
        skip_block();
      }
    }
    return c;
  }

 private:
  bool at_end() const { return i_ >= t_.size(); }
  Unexpected<std::string> fail() const { return Unexpected(fmt::format("line {}: {}", line_, error_)); }

  // The words up to the end of the line, stopping before a '{' or '}'.
  std::vector<std::string> line() {
    std::vector<std::string> w;
    while (!at_end() && t_[i_].text == "\n") ++i_;
    while (!at_end() && t_[i_].text != "\n" && t_[i_].text != "{" && t_[i_].text != "}") {
      line_ = t_[i_].line;
      w.push_back(t_[i_++].text);
    }
    return w;
  }
  bool opens_block() {
    std::size_t j = i_;
    while (j < t_.size() && t_[j].text == "\n") ++j;
    if (j < t_.size() && t_[j].text == "{") {
      i_ = j + 1;
      return true;
    }
    return false;
  }
  void skip_block() {
    int depth = 1;
    while (!at_end() && depth > 0) {
      if (t_[i_].text == "{") ++depth;
      if (t_[i_].text == "}") --depth;
      ++i_;
    }
  }
  bool closes_block() {
    while (!at_end() && t_[i_].text == "\n") ++i_;
    if (!at_end() && t_[i_].text == "}") {
      ++i_;
      return true;
    }
    return false;
  }
  // Reads "{ lines }", calling f per line; nested blocks go to f via `nested`.
  template <class F>
  bool block(F f) {
    if (!opens_block()) {
      error_ = "expected '{'";
      return false;
    }
    while (!at_end()) {
      if (closes_block()) return true;
      auto w = line();
      if (w.empty()) {
        if (opens_block()) skip_block();
        continue;
      }
      if (!f(w)) return false;
    }
    error_ = "missing '}'";
    return false;
  }

  static std::uint64_t num(const std::string& s) {
    std::uint64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }
  bool addr(const std::string& s, cfg::IpAddress& out) {
    auto a = cfg::IpAddress::parse(s);
    if (!a) {
      error_ = "bad address " + s;
      return false;
    }
    out = *a;
    return true;
  }

  bool global(cfg::Config& c) {
    auto& g = c.global;
    return block([&](const std::vector<std::string>& w) {
      const auto& k = w[0];
      if (k == "lvs_flush") g.lvs_flush = true;
      if (k == "lvs_flush_on_stop" || k == "lvs_flush_onstop")
        g.lvs_flush_on_stop = w.size() > 1 && w[1] == "VS" ? cfg::LvsFlushOnStop::VirtualServers : cfg::LvsFlushOnStop::All;
      if (k == "lvs_timeouts") {
        for (std::size_t j = 1; j + 1 < w.size(); j += 2) {
          auto v = std::chrono::seconds(num(w[j + 1]));
          if (w[j] == "tcp") g.lvs_timeouts.tcp = v;
          if (w[j] == "tcpfin") g.lvs_timeouts.tcp_fin = v;
          if (w[j] == "udp") g.lvs_timeouts.udp = v;
        }
      }
      if (k == "lvs_sync_daemon" && w.size() > 1) {
        cfg::LvsSyncDaemon s;
        s.interface = w[1];
        for (std::size_t j = 2; j < w.size(); ++j) {
          const auto& o = w[j];
          bool has = j + 1 < w.size();
          if (o == "inst" && has) s.vrrp_instance = w[++j];
          else if (o == "id" && has) s.sync_id = static_cast<std::uint8_t>(num(w[++j]));
          else if (o == "maxlen" && has) s.max_len = static_cast<std::uint16_t>(num(w[++j]));
          else if (o == "port" && has) s.port = static_cast<std::uint16_t>(num(w[++j]));
          else if (o == "ttl" && has) s.ttl = static_cast<std::uint8_t>(num(w[++j]));
          else if (o == "group" && has) {
            cfg::IpAddress a;
            if (!addr(w[++j], a)) return false;
            s.group = a;
          } else if (!s.vrrp_instance) s.vrrp_instance = o;
        }
        g.lvs_sync_daemon = s;
      }
      return true;
    });
  }

  bool group_line(cfg::VirtualServerGroup& g, const std::vector<std::string>& w) {
    if (w[0] == "fwmark" && w.size() > 1) {
      cfg::VsgFwmark f;
      f.mark = static_cast<std::uint32_t>(num(w[1]));
      if (w.size() > 2) f.family = w[2] == "inet6" ? cfg::Family::Inet6 : cfg::Family::Inet;
      g.fwmarks.push_back(f);
      return true;
    }
    cfg::VsgRange r;
    std::string a = w[0];
    if (w.size() > 1) r.port = static_cast<std::uint16_t>(num(w[1]));
    if (auto slash = a.find('/'); slash != std::string::npos) {
      auto p = cfg::IpPrefix::parse(a);
      if (!p) return error("bad range " + a);
      r.first = p->network();
      r.last = r.first;
      // The last address of the prefix: set the host bits.
      for (std::size_t b = p->length; b < static_cast<std::size_t>(r.last.size() * 8); ++b)
        r.last.bytes[b / 8] = static_cast<std::uint8_t>(r.last.bytes[b / 8] | (0x80 >> (b % 8)));
    } else if (auto dash = a.find('-'); dash != std::string::npos) {
      if (!addr(a.substr(0, dash), r.first)) return false;
      std::string end = a.substr(dash + 1);
      if (auto full = cfg::IpAddress::parse(end)) {
        r.last = *full;
      } else {
        // A.B.C.D-E: only the last byte (IPv4) or group (IPv6, hex) changes.
        r.last = r.first;
        if (r.first.is_v4()) {
          r.last.bytes[3] = static_cast<std::uint8_t>(num(end));
        } else {
          unsigned v = std::stoul(end, nullptr, 16);
          r.last.bytes[14] = static_cast<std::uint8_t>(v >> 8);
          r.last.bytes[15] = static_cast<std::uint8_t>(v);
        }
      }
    } else {
      if (!addr(a, r.first)) return false;
      r.last = r.first;
    }
    g.addresses.push_back(r);
    return true;
  }
  bool error(std::string e) {
    error_ = std::move(e);
    return false;
  }

  // lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]
  static cfg::Forwarding forwarding(const std::vector<std::string>& w) {
    cfg::Forwarding f;
    if (w.size() < 2) return f;
    if (w[1] == "DR") f.method = cfg::ForwardingMethod::Dr;
    if (w[1] == "TUN") f.method = cfg::ForwardingMethod::Tun;
    for (std::size_t j = 2; j < w.size(); ++j) {
      if (w[j] == "type" && j + 1 < w.size()) {
        const auto& t = w[++j];
        f.tunnel_type = t == "gue" ? cfg::TunnelType::Gue : t == "gre" ? cfg::TunnelType::Gre : cfg::TunnelType::Ipip;
      } else if (w[j] == "port" && j + 1 < w.size()) {
        f.tunnel_port = static_cast<std::uint16_t>(num(w[++j]));
      } else if (w[j] == "csum") {
        f.tunnel_checksum = cfg::TunnelChecksum::Csum;
      } else if (w[j] == "remcsum") {
        f.tunnel_checksum = cfg::TunnelChecksum::RemCsum;
      }
    }
    return f;
  }

  static std::optional<cfg::Scheduler> scheduler(const std::string& s) {
    using S = cfg::Scheduler;
    static const std::pair<const char*, S> kNames[] = {
        {"rr", S::Rr},   {"wrr", S::Wrr}, {"lc", S::Lc},   {"wlc", S::Wlc},     {"lblc", S::Lblc},
        {"sh", S::Sh},   {"mh", S::Mh},   {"dh", S::Dh},   {"fo", S::Fo},       {"ovf", S::Ovf},
        {"lblcr", S::Lblcr}, {"sed", S::Sed}, {"nq", S::Nq}, {"twos", S::Twos}};
    for (const auto& [n, v] : kNames)
      if (s == n) return v;
    return std::nullopt;
  }

  bool virtual_server(cfg::VirtualServer& vs, const std::vector<std::string>& head) {
    if (head[1] == "fwmark" && head.size() > 2) {
      vs.key = cfg::VsFwmark{static_cast<std::uint32_t>(num(head[2]))};
    } else if (head[1] == "group" && head.size() > 2) {
      vs.key = cfg::VsGroup{head[2]};
    } else {
      cfg::VsAddress a;
      if (!addr(head[1], a.address)) return false;
      if (head.size() > 2) a.port = static_cast<std::uint16_t>(num(head[2]));
      vs.key = a;
    }
    struct Pending {
      cfg::RealServer rs;
      bool weight_set = false;
      bool forwarding_set = false;
      bool inhibit_set = false;
      std::optional<bool> alpha;
    };
    std::vector<Pending> pending;
    bool ok = block([&](const std::vector<std::string>& w) {
      const auto& k = w[0];
      auto arg = [&](std::size_t j) { return j < w.size() ? w[j] : std::string(); };
      if (k == "lb_algo" || k == "lvs_sched") {
        auto s = scheduler(arg(1));
        if (!s) return error("unknown scheduler " + arg(1));
        vs.scheduler = *s;
      } else if (k == "lb_kind" || k == "lvs_method") {
        vs.forwarding = forwarding(w);
      } else if (k == "protocol") {
        vs.protocol = arg(1) == "UDP" ? cfg::Protocol::Udp : arg(1) == "SCTP" ? cfg::Protocol::Sctp : cfg::Protocol::Tcp;
      } else if (k == "persistence_timeout") {
        vs.persistence_timeout = std::chrono::seconds(w.size() > 1 ? num(w[1]) : 360);
      } else if (k == "persistence_granularity") {
        cfg::IpAddress m;
        if (auto a = cfg::IpAddress::parse(arg(1))) {
          m = *a;
        } else {
          // IPv6 services take a prefix length: keep it as the equivalent mask.
          m = cfg::IpAddress::v6({}).masked(0);
          std::uint64_t len = num(arg(1));
          for (std::size_t b = 0; b < len && b < 128; ++b)
            m.bytes[b / 8] = static_cast<std::uint8_t>(m.bytes[b / 8] | (0x80 >> (b % 8)));
        }
        vs.persistence_granularity = m;
      } else if (k == "persistence_engine") {
        vs.persistence_engine = arg(1);
      } else if (k == "flag-1" || k == "sh-fallback" || k == "mh-fallback") {
        vs.sched_flag1 = true;
      } else if (k == "flag-2" || k == "sh-port" || k == "mh-port") {
        vs.sched_flag2 = true;
      } else if (k == "flag-3") {
        vs.sched_flag3 = true;
      } else if (k == "ops") {
        vs.ops = true;
      } else if (k == "hashed") {
        vs.hashed = true;
      } else if (k == "weight") {
        vs.weight = static_cast<int>(num(arg(1)));
      } else if (k == "quorum") {
        vs.quorum = static_cast<std::uint32_t>(num(arg(1)));
      } else if (k == "hysteresis") {
        vs.hysteresis = static_cast<std::uint32_t>(num(arg(1)));
      } else if (k == "alpha") {
        vs.alpha = true;
      } else if (k == "inhibit_on_failure") {
        vs.inhibit_on_failure = true;
      } else if (k == "ip_family") {
        vs.ip_family = arg(1) == "inet6" ? cfg::Family::Inet6 : cfg::Family::Inet;
      } else if (k == "sorry_server") {
        cfg::SorryServer s;
        if (!addr(arg(1), s.address)) return false;
        s.port = static_cast<std::uint16_t>(num(arg(2)));
        vs.sorry_server = s;
      } else if (k == "sorry_server_inhibit") {
        vs.sorry_server_inhibit = true;
      } else if (k == "sorry_server_lvs_method") {
        vs.sorry_server_forwarding = forwarding(w);
      } else if (k == "real_server") {
        Pending p;
        if (!addr(arg(1), p.rs.address)) return false;
        p.rs.port = static_cast<std::uint16_t>(num(arg(2)));
        bool inner = block([&](const std::vector<std::string>& r) {
          const auto& rk = r[0];
          if (rk == "weight" && r.size() > 1) {
            p.rs.weight = static_cast<int>(num(r[1]));
            p.weight_set = true;
          }
          if (rk == "lvs_method" || rk == "lb_kind") {
            p.rs.forwarding = forwarding(r);
            p.forwarding_set = true;
          }
          if (rk == "uthreshold" && r.size() > 1) p.rs.uthreshold = static_cast<std::uint32_t>(num(r[1]));
          if (rk == "lthreshold" && r.size() > 1) p.rs.lthreshold = static_cast<std::uint32_t>(num(r[1]));
          if (rk == "inhibit_on_failure") {
            p.rs.inhibit_on_failure = r.size() < 2 || r[1] == "true" || r[1] == "on" || r[1] == "yes";
            p.inhibit_set = true;
          }
          if ((rk.ends_with("_CHECK") || rk.ends_with("_GET"))) {
            // A checker block: note it (alpha comes from the virtual server unless set).
            cfg::Checker ch;
            std::optional<bool> alpha;
            if (!block([&](const std::vector<std::string>& cw) {
                  if (cw[0] == "alpha") alpha = cw.size() < 2 || cw[1] == "true" || cw[1] == "on" || cw[1] == "yes";
                  return true;
                }))
              return false;
            ch.alpha = alpha.value_or(vs.alpha);
            p.rs.checkers.push_back(ch);
          }
          return true;
        });
        if (!inner) return false;
        pending.push_back(std::move(p));
      }
      return true;
    });
    if (!ok) return false;
    // Inheritance, as the loader resolves it: the real servers take the virtual server's
    // lvs_method and inhibit_on_failure unless they set their own.
    for (auto& p : pending) {
      if (!p.forwarding_set) p.rs.forwarding = vs.forwarding;
      if (!p.weight_set && vs.weight) p.rs.weight = *vs.weight;
      if (!p.inhibit_set) p.rs.inhibit_on_failure = vs.inhibit_on_failure;
      vs.real_servers.push_back(std::move(p.rs));
    }
    return true;
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  int line_ = 0;
  std::string error_;
};

}  // namespace

Expected<cfg::Config, std::string> load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Unexpected("cannot open " + path);
  return Reader(tokenize(in)).run();
}

}  // namespace mini_conf
