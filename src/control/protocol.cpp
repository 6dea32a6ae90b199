#include "stayalived/control/protocol.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>

namespace stayalived::control {

namespace {

constexpr std::array kVerbs{
    VerbInfo{"ping", Access::Read, "the daemon's version and pid"},
    VerbInfo{"status", Access::Read, "instances, virtual servers, real servers, the daemon"},
    VerbInfo{"explain", Access::Read, "why an instance, virtual server or real server is as it is"},
    VerbInfo{"history", Access::Read, "recent events; with follow, new ones as they happen"},
    VerbInfo{"reload_dry_run", Access::Read, "what a reload of the file on disk would change"},
    VerbInfo{"reload", Access::Admin, "reload the configuration; answers with the outcome"},
    VerbInfo{"maintenance", Access::Admin, "hand an instance or sync group over and stay backup"},
    VerbInfo{"resume", Access::Admin, "end maintenance"},
    VerbInfo{"disable", Access::Admin, "take a real server out of its pools (kept across reloads and restarts)"},
    VerbInfo{"enable", Access::Admin, "undo disable or drain"},
    VerbInfo{"drain", Access::Admin, "weight 0, then out once its connections end (or at the timeout)"},
};

std::string line_of(boost::json::object o) {
  std::string s = boost::json::serialize(o);
  s += '\n';
  return s;
}

}  // namespace

std::span<const VerbInfo> verbs() { return kVerbs; }

const VerbInfo* find_verb(std::string_view name) {
  for (const auto& v : kVerbs)
    if (v.name == name) return &v;
  return nullptr;
}

std::optional<std::string> Request::str(std::string_view key) const {
  const auto* v = args.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

bool Request::flag(std::string_view key, bool def) const {
  const auto* v = args.if_contains(key);
  if (v == nullptr || !v->is_bool()) return def;
  return v->get_bool();
}

std::optional<std::int64_t> Request::integer(std::string_view key) const {
  const auto* v = args.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

Expected<Request, ProtocolError> parse_request(std::string_view line) {
  if (line.size() > kMaxRequestBytes)
    return Unexpected(ProtocolError{errc::kTooLarge, "request longer than 65536 bytes"});
  boost::system::error_code ec;
  boost::json::parse_options po;
  po.max_depth = 16;
  const boost::json::value v = boost::json::parse(line, ec, {}, po);
  if (ec) return Unexpected(ProtocolError{errc::kBadRequest, "not JSON: " + ec.message()});
  if (!v.is_object()) return Unexpected(ProtocolError{errc::kBadRequest, "a request is a JSON object"});
  const auto& o = v.get_object();
  Request r;
  if (const auto* id = o.if_contains("id")) {
    if (id->is_int64()) r.id = id->get_int64();
    else if (id->is_uint64() && id->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
      r.id = static_cast<std::int64_t>(id->get_uint64());
    else return Unexpected(ProtocolError{errc::kBadRequest, "\"id\" must be an integer"});
  }
  const auto* ver = o.if_contains("v");
  if (ver == nullptr || !(ver->is_int64() || ver->is_uint64()))
    return Unexpected(ProtocolError{errc::kBadRequest, "\"v\" (the protocol version) is missing", r.id});
  if (!(ver->is_int64() && ver->get_int64() == kProtocolVersion))
    return Unexpected(ProtocolError{errc::kVersion, "this daemon speaks protocol version 1", r.id});
  const auto* verb = o.if_contains("verb");
  if (verb == nullptr || !verb->is_string() || verb->get_string().empty() || verb->get_string().size() > 64)
    return Unexpected(ProtocolError{errc::kBadRequest, "\"verb\" must be a non-empty string", r.id});
  r.verb = std::string(verb->get_string());
  if (const auto* args = o.if_contains("args")) {
    if (!args->is_object()) return Unexpected(ProtocolError{errc::kBadRequest, "\"args\" must be an object", r.id});
    r.args = args->get_object();
  }
  return r;
}

std::string encode_request(std::int64_t id, std::string_view verb, const boost::json::object& args) {
  boost::json::object o;
  o["v"] = kProtocolVersion;
  o["id"] = id;
  o["verb"] = verb;
  o["args"] = args;
  return line_of(std::move(o));
}

std::string encode_result(std::int64_t id, boost::json::value result) {
  boost::json::object o;
  o["v"] = kProtocolVersion;
  o["id"] = id;
  o["ok"] = true;
  o["result"] = std::move(result);
  return line_of(std::move(o));
}

std::string encode_error(std::int64_t id, std::string_view code, std::string_view message) {
  boost::json::object o;
  o["v"] = kProtocolVersion;
  o["id"] = id;
  o["ok"] = false;
  o["error"] = boost::json::object{{"code", code}, {"message", message}};
  return line_of(std::move(o));
}

std::string encode_event(std::int64_t id, boost::json::value event) {
  boost::json::object o;
  o["v"] = kProtocolVersion;
  o["id"] = id;
  o["event"] = std::move(event);
  return line_of(std::move(o));
}

Expected<Response, std::string> parse_response(std::string_view line) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return Unexpected(std::string("the daemon's answer is not a JSON object"));
  const auto& o = v.get_object();
  Response r;
  if (const auto* id = o.if_contains("id"); id && id->is_int64()) r.id = id->get_int64();
  if (const auto* ev = o.if_contains("event")) {
    r.kind = Response::Kind::Event;
    r.body = *ev;
    return r;
  }
  const auto* ok = o.if_contains("ok");
  if (ok == nullptr || !ok->is_bool()) return Unexpected(std::string("the daemon's answer has no \"ok\""));
  if (ok->get_bool()) {
    r.kind = Response::Kind::Result;
    if (const auto* res = o.if_contains("result")) r.body = *res;
    return r;
  }
  r.kind = Response::Kind::Error;
  if (const auto* e = o.if_contains("error"); e && e->is_object()) {
    const auto& eo = e->get_object();
    if (const auto* c = eo.if_contains("code"); c && c->is_string()) r.error_code = std::string(c->get_string());
    if (const auto* m = eo.if_contains("message"); m && m->is_string()) r.error_message = std::string(m->get_string());
  }
  return r;
}

}  // namespace stayalived::control
