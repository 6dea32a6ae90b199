#include "render.hpp"

#include <boost/json/object.hpp>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "stayalived/control/history.hpp"

namespace stayalived::ctl {

namespace {

std::string s(const boost::json::value* v) {
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  if (v->is_bool()) return v->get_bool() ? "yes" : "no";
  if (v->is_double()) return fmt::format("{}", v->get_double());
  return "";
}

std::string s(const boost::json::object& o, std::string_view k) { return s(o.if_contains(k)); }

double num(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (v == nullptr) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

std::string when(double epoch) {
  if (epoch <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  return fmt::format("{:%Y-%m-%d %H:%M:%S}", tm);
}

// Columns padded to their widest cell.
std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) line += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], w[i]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

const boost::json::array* arr(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

}  // namespace

std::string render_status(const boost::json::value& v) {
  if (!v.is_object()) return "";
  const auto& o = v.get_object();
  std::string out;
  if (const auto* d = o.if_contains("daemon"); d && d->is_object()) {
    const auto& dd = d->get_object();
    const auto up = static_cast<long long>(num(dd, "uptime"));
    out += fmt::format("Daemon: pid {}, {}, up {}d {:02}:{:02}:{:02}; config {} loaded {} ({} reload(s))\n",
                       s(dd, "pid"), s(dd, "state"), up / 86400, up / 3600 % 24, up / 60 % 60, up % 60,
                       s(dd, "config_file"), when(num(dd, "config_loaded")), s(dd, "reloads"));
  }
  if (const auto* a = arr(o, "vrrp"); a && !a->empty()) {
    std::vector<std::vector<std::string>> rows{
        {"INSTANCE", "INTERFACE", "VRID", "STATE", "PRIO", "BASE", "MASTER", "SINCE", "SYNC GROUP", "VIPS"}};
    for (const auto& x : *a) {
      if (!x.is_object()) continue;
      const auto& i = x.get_object();
      std::string vips;
      if (const auto* vv = arr(i, "vips"))
        for (const auto& ip : *vv) vips += (vips.empty() ? "" : ",") + s(&ip);
      std::string state = s(i, "state");
      if (const auto* h = i.if_contains("handing_over"); h && h->is_bool() && h->get_bool())
        state += " (handing over)";
      else if (const auto* m = i.if_contains("maintenance"); m && m->is_bool() && m->get_bool())
        state += " (maintenance)";
      rows.push_back({s(i, "name"), s(i, "interface"), s(i, "vrid"), state, s(i, "effective_priority"),
                      s(i, "base_priority"), s(i, "master").empty() ? "-" : s(i, "master"), when(num(i, "since")),
                      s(i, "sync_group").empty() ? "-" : s(i, "sync_group"), vips.empty() ? "-" : vips});
    }
    out += "\n" + table(rows);
  }
  if (const auto* a = arr(o, "virtual_servers"); a && !a->empty()) {
    std::vector<std::vector<std::string>> rows{{"VIRTUAL SERVER", "UP", "QUORUM", "SORRY", "REAL SERVERS"}};
    for (const auto& x : *a) {
      if (!x.is_object()) continue;
      const auto& vs = x.get_object();
      std::string rss;
      if (const auto* r = arr(vs, "real_servers"))
        for (const auto& y : *r) {
          if (!y.is_object()) continue;
          const auto& rs = y.get_object();
          const bool alive = rs.if_contains("alive") && rs.at("alive").is_bool() && rs.at("alive").get_bool();
          const bool disabled = rs.if_contains("disabled") && rs.at("disabled").is_bool() && rs.at("disabled").get_bool();
          const bool draining = rs.if_contains("draining") && rs.at("draining").is_bool() && rs.at("draining").get_bool();
          rss += fmt::format("{}{} {} w{}{}", rss.empty() ? "" : ", ", s(rs, "address"), alive ? "up" : "DOWN",
                             s(rs, "weight"), disabled ? " DISABLED" : draining ? " DRAINING" : "");
        }
      const bool quorum = vs.if_contains("quorum_up") && vs.at("quorum_up").is_bool() && vs.at("quorum_up").get_bool();
      const bool sorry = vs.if_contains("sorry_active") && vs.at("sorry_active").is_bool() && vs.at("sorry_active").get_bool();
      rows.push_back({s(vs, "name"), fmt::format("{}/{}", s(vs, "up"), s(vs, "total")), quorum ? "up" : "LOST",
                      sorry ? "active" : "-", rss});
    }
    out += "\n" + table(rows);
  }
  if (const auto* i = o.if_contains("ipvs"); i && i->is_object() && !i->get_object().empty()) {
    const auto& ii = i->get_object();
    out += fmt::format("\nIPVS: {}", s(ii, "available") == "yes" ? "in use" : "not in use");
    if (ii.contains("services")) out += fmt::format(", {} service(s), {} destination(s)", s(ii, "services"), s(ii, "destinations"));
    if (ii.contains("sync_daemon")) out += fmt::format("; sync daemon {} on {}", s(ii, "sync_daemon"), s(ii, "sync_interface"));
    out += "\n";
  }
  if (const auto* ov = o.if_contains("overrides"); ov && ov->is_object() && !ov->get_object().empty()) {
    out += "\nOperator overrides:";
    for (const auto& [k, t] : ov->get_object())
      if (t.is_object())
        for (const auto& [name, args] : t.get_object()) out += fmt::format(" {} {};", std::string_view(k), std::string_view(name));
    out += "\n";
  }
  return out;
}

std::string render_explain(const boost::json::value& v) {
  if (!v.is_object()) return "";
  std::string out;
  if (const auto* r = arr(v.get_object(), "reasons"))
    for (const auto& x : *r) out += s(&x) + "\n";
  return out;
}

std::string render_history_event(const boost::json::value& e) {
  if (!e.is_object()) return "";
  const auto& o = e.get_object();
  return fmt::format("{}  {}\n", when(num(o, "time")), control::describe_event(o));
}

std::string render_reload(const boost::json::value& v, bool dry_run) {
  if (!v.is_object()) return "";
  const auto& o = v.get_object();
  std::string out;
  if (const auto* d = arr(o, "diagnostics"))
    for (const auto& x : *d) out += s(&x) + "\n";
  if (!dry_run) {
    out += fmt::format("reload {}: {} error(s), {} warning(s)\n",
                       s(o, "applied") == "yes" ? "applied" : "refused, the running configuration is kept", s(o, "errors"),
                       s(o, "warnings"));
    return out;
  }
  if (s(o, "would_apply") != "yes") {
    out += fmt::format("a reload would be refused: {} error(s); the running configuration would stay\n", s(o, "errors"));
    return out;
  }
  std::size_t n = 0;
  for (const char* part : {"vrrp", "lvs"})
    if (const auto* a = arr(o, part))
      for (const auto& x : *a) {
        if (!x.is_object()) continue;
        const auto& c = x.get_object();
        ++n;
        if (c.contains("instance"))
          out += fmt::format("instance {}: {}{}\n", s(c, "instance"), s(c, "change"),
                             s(c, "detail").empty() ? "" : " (" + s(c, "detail") + ")");
        else if (c.contains("real_server"))
          out += fmt::format("real server {} in {}: {}\n", s(c, "real_server"), s(c, "virtual_server"), s(c, "change"));
        else
          out += fmt::format("virtual server {}: {}\n", s(c, "virtual_server"), s(c, "change"));
      }
  if (const auto* a = arr(o, "ipvs_operations")) {
    out += fmt::format("IPVS operations: {}\n", a->size());
    for (const auto& x : *a) out += "  " + s(&x) + "\n";
  }
  if (n == 0 && (!arr(o, "ipvs_operations") || arr(o, "ipvs_operations")->empty())) out += "no change\n";
  return out;
}

}  // namespace stayalived::ctl
