// VRRP keywords of the tracked objects and their references: vrrp_script, track_file,
// vrrp_track_process, bfd_instance, garp_group, and the items of the tracking lists
// (track_interface, track_script, track_file, track_process, track_bfd) of a vrrp_instance
// or vrrp_sync_group, after keepalived.conf(5) "VRRPD CONFIGURATION" and keepalived
// 2.2.7's reactions. vrrp_sync_group and vrrp_instance are in keywords_vrrp.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "handler_util.hpp"

namespace stayalived::config::detail {

namespace {

// --- vrrp_script -------------------------------------------------------------------------

void h_vrrp_script(Builder& b, const Stmt& s) {
  VrrpScript v;
  v.name = name_of(s);
  v.loc = s.loc;
  v.script.loc = s.loc;
  b.cfg.vrrp_scripts.push_back(std::move(v));
  b.vscript = &b.cfg.vrrp_scripts.back();
}
// script SCRIPT: the first word is the command line (quoted when it has arguments). keepalived
// 2.2.7 ignores any further word, observed: `script "/bin/test -e FILE" nobody` runs test as
// the default script user, and `script /bin/test -e FILE` runs /bin/test alone. We run the
// same and say so: the user of a vrrp_script is set with `user`.
void h_script_script(Builder& b, const Stmt& s) {
  if (!b.vscript || s.args.empty()) return;
  Script sc;
  sc.loc = s.loc;
  auto argv = split_command(s.args[0].text);
  if (!argv || argv->empty())
    return b.warn(s, 0, fmt::format("vrrp_script {}: invalid script '{}'; ignored", b.vscript->name, s.args[0].text));
  sc.argv = std::move(*argv);
  if (s.args.size() > 1)
    b.warn(s, 1, fmt::format("vrrp_script {}: words after the script are ignored, as keepalived does; quote a script "
                             "that has arguments, and set its user with 'user'",
                             b.vscript->name));
  sc.run_as = b.vscript->script.run_as;
  b.vscript->script = std::move(sc);
}
void h_script_seconds(Builder& b, const Stmt& s) {
  if (!b.vscript) return;
  auto v = b.integer(s, 0, 0, 4294);
  if (!v) return;
  if (*v == 0) {
    b.warn(s, 0, fmt::format("vrrp_script {}: '{}' must be greater than 0; 1 is used", b.vscript->name, s.head.text));
    v = 1;
  }
  if (s.head.text == "interval") b.vscript->interval = seconds{*v};
  else b.vscript->timeout = seconds{*v};
}
void h_script_weight(Builder& b, const Stmt& s) {
  if (!b.vscript) return;
  if (auto v = b.integer(s, 0, -253, 253)) b.vscript->weight = static_cast<int>(*v);
  if (s.args.size() > 1) {
    if (s.args[1].text == "reverse") b.vscript->weight_reverse = true;
    else b.warn(s, 1, fmt::format("unknown weight option '{}' (only 'reverse'); ignored", s.args[1].text));
  }
}
void h_script_rise_fall(Builder& b, const Stmt& s) {
  if (!b.vscript) return;
  if (auto v = b.integer(s, 0, 1, 2147483647)) (s.head.text == "rise" ? b.vscript->rise : b.vscript->fall) = static_cast<std::uint32_t>(*v);
}
void h_script_user(Builder& b, const Stmt& s) {
  if (!b.vscript) return;
  b.vscript->script.run_as = RunAs{s.args[0].text, s.args.size() > 1 ? std::optional(s.args[1].text) : std::nullopt, s.arg_loc(0)};
}

// --- track_file --------------------------------------------------------------------------

void h_track_file(Builder& b, const Stmt& s) {
  TrackFile t;
  t.name = name_of(s);
  t.loc = s.loc;
  b.cfg.track_files.push_back(std::move(t));
  b.tfile = &b.cfg.track_files.back();
}
void h_tf_file(Builder& b, const Stmt& s) {
  if (!b.tfile) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("track_file {}: 'file' needs a file name; ignored", b.tfile->name));
  if (!b.tfile->file.empty())
    return b.warn(s, 0, fmt::format("track_file {}: file already set to '{}'; '{}' ignored", b.tfile->name, b.tfile->file, s.args[0].text));
  b.tfile->file = s.args[0].text;
}
void h_tf_weight(Builder& b, const Stmt& s) {
  if (!b.tfile) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("track_file {}: 'weight' needs a number; ignored", b.tfile->name));
  // keepalived 2.2.7 (measured): a weight other than the default 1 is kept; a later weight
  // line is "Weight already set for track file NAME - ignoring VALUE".
  if (b.tfile->weight != 1)
    return b.warn(s, 0, fmt::format("track_file {}: weight already set; '{}' ignored (the first is kept, as keepalived does)",
                                    b.tfile->name, s.args[0].text));
  if (auto v = b.integer(s, 0, -2147483647, 2147483647)) b.tfile->weight = static_cast<int>(*v);
  if (s.args.size() > 1) {
    if (s.args[1].text == "reverse") b.tfile->weight_reverse = true;
    else b.warn(s, 1, fmt::format("unknown weight option '{}' (only 'reverse'); ignored", s.args[1].text));
  }
}
void h_tf_init_file(Builder& b, const Stmt& s) {
  if (!b.tfile) return;
  b.tfile->init_file = true;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    if (w == "overwrite") {
      b.tfile->init_overwrite = true;
    } else if (!w.empty() && (std::isdigit(static_cast<unsigned char>(w[0])) || w[0] == '-')) {
      if (auto v = b.integer(s, i, -2147483647 - 1LL, 2147483647)) b.tfile->init_value = static_cast<int>(*v);
    } else {
      b.warn(s, i, fmt::format("unknown init_file option '{}' (VALUE and/or 'overwrite'); ignored", w));
    }
  }
}

// --- vrrp_track_process ------------------------------------------------------------------

void h_track_process(Builder& b, const Stmt& s) {
  TrackProcess t;
  t.name = name_of(s);
  t.loc = s.loc;
  b.cfg.track_processes.push_back(std::move(t));
  b.tproc = &b.cfg.track_processes.back();
  b.tproc_weight_set = false;
}
void h_tp_process(Builder& b, const Stmt& s) {
  if (!b.tproc) return;
  if (!b.tproc->process.empty())
    return b.warn(s, 0, fmt::format("vrrp_track_process {}: process already set; ignored", b.tproc->name));
  for (const auto& a : s.args) b.tproc->process.push_back(a.text);
}
void h_tp_param_match(Builder& b, const Stmt& s) {
  if (!b.tproc) return;
  if (s.args.empty()) {
    b.tproc->param_match = ParamMatch::None;
  } else if (s.args[0].text == "initial") {
    b.tproc->param_match = ParamMatch::Initial;
  } else if (s.args[0].text == "partial") {
    b.tproc->param_match = ParamMatch::Partial;
  } else {
    b.warn(s, 0, fmt::format("unknown param_match '{}' (initial or partial); ignored", s.args[0].text));
  }
}
void h_tp_weight(Builder& b, const Stmt& s) {
  if (!b.tproc) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("vrrp_track_process {}: 'weight' needs a number; ignored", b.tproc->name));
  // keepalived 2.2.7 (measured): once a weight other than 0 is set, a later weight line is
  // "Weight already set for track process NAME - ignoring VALUE".
  if (b.tproc_weight_set)
    return b.warn(s, 0, fmt::format("vrrp_track_process {}: weight already set; '{}' ignored (the first is kept, as keepalived does)",
                                    b.tproc->name, s.args[0].text));
  if (auto v = b.integer(s, 0, -254, 254)) {
    b.tproc->weight = static_cast<int>(*v);
    b.tproc_weight_set = *v != 0;
  }
  if (s.args.size() > 1) {
    if (s.args[1].text == "reverse") b.tproc->weight_reverse = true;
    else b.warn(s, 1, fmt::format("unknown weight option '{}' (only 'reverse'); ignored", s.args[1].text));
  }
}
void h_tp_quorum(Builder& b, const Stmt& s) {
  if (!b.tproc) return;
  if (s.head.text == "quorum") {
    if (auto v = b.integer(s, 0, 1, 65535)) b.tproc->quorum = static_cast<std::uint32_t>(*v);
  } else if (auto v = b.integer(s, 0, 0, 65535)) {
    b.tproc->quorum_max = static_cast<std::uint32_t>(*v);
  }
}
void h_tp_delay(Builder& b, const Stmt& s) {
  if (!b.tproc) return;
  auto v = b.timer(s, 0, microseconds{1}, microseconds{3600 * kSec});
  if (!v) return;
  if (s.head.text != "terminate_delay") b.tproc->fork_delay = *v;
  if (s.head.text != "fork_delay") b.tproc->terminate_delay = *v;
}

// --- bfd_instance ------------------------------------------------------------------------

void h_bfd_instance(Builder& b, const Stmt& s) {
  BfdInstance v;
  v.name = name_of(s);
  v.loc = s.loc;
  b.cfg.bfd_instances.push_back(std::move(v));
  b.bfd = &b.cfg.bfd_instances.back();
}
void h_bfd_ip(Builder& b, const Stmt& s) {
  if (!b.bfd) return;
  if (s.args.empty()) return b.warn(s, 0, fmt::format("bfd_instance {}: '{}' needs an address; ignored", b.bfd->name, s.head.text));
  auto a = b.address(s, 0, "an IP address");
  if (!a) return;
  (s.head.text == "source_ip" ? b.bfd->source_ip : b.bfd->neighbor_ip) = a;
}
void h_bfd_ms(Builder& b, const Stmt& s) {
  if (!b.bfd) return;
  // Intervals in milliseconds with microsecond resolution (keepalived.conf(5) bfd_instance).
  const bool idle = s.head.text == "idle_tx";
  microseconds v{};
  const auto r = parse_timer(s.args[0].text, microseconds{idle ? 1000000 : 1000}, microseconds{4294967000000LL}, v);
  if (r != NumError::Ok)
    return b.warn(s, 0, fmt::format("bfd_instance {}: '{}' value '{}' must be {}..4294967 ms; ignored", b.bfd->name, s.head.text,
                                    s.args[0].text, idle ? 1000 : 1));
  const microseconds us{v.count() / 1000};  // the value was read as "seconds": it is ms
  if (s.head.text == "min_rx") b.bfd->min_rx = us;
  else if (s.head.text == "min_tx") b.bfd->min_tx = us;
  else b.bfd->idle_tx = us;
}
void h_bfd_u8(Builder& b, const Stmt& s) {
  if (!b.bfd) return;
  const bool hops = s.head.text == "max_hops";
  auto v = b.integer(s, 0, hops ? -2147483647 - 1LL : 1, hops ? 2147483647 : 255);
  if (!v) return;
  const auto u = static_cast<std::uint8_t>(std::clamp<std::int64_t>(*v, 0, 255));
  if (s.head.text == "multiplier") b.bfd->multiplier = u;
  else if (s.head.text == "ttl") b.bfd->ttl = u;
  else if (s.head.text == "hoplimit") b.bfd->hoplimit = u;
  else b.bfd->max_hops = u;
}
void h_bfd_weight(Builder& b, const Stmt& s) {
  if (!b.bfd) return;
  if (auto v = b.integer(s, 0, -253, 253)) b.bfd->weight = static_cast<int>(*v);
  if (s.args.size() > 1 && s.args[1].text == "reverse") b.bfd->weight_reverse = true;
}

// --- garp_group --------------------------------------------------------------------------

void h_garp_group(Builder& b, const Stmt& s) {
  (void)s;  // keepalived ignores words after this block keyword
  GarpGroup g;
  g.loc = s.loc;
  b.cfg.garp_groups.push_back(std::move(g));
  b.garp = &b.cfg.garp_groups.back();
}
void h_garp_interval(Builder& b, const Stmt& s) {
  if (!b.garp) return;
  auto v = b.timer(s, 0, microseconds{0}, microseconds{2147483647});
  if (!v) return;
  (s.head.text == "garp_interval" ? b.garp->garp_interval : b.garp->gna_interval) = *v;
}
// An interface belongs to one garp_group: keepalived 2.2.7 (measured) says "garp_group
// already specified for IF - ignoring" for any later mention, in this group or another.
bool garp_interface_taken(Builder& b, const Stmt& s, const std::string& name) {
  for (const auto& g : b.cfg.garp_groups)
    if ((g.interface && *g.interface == name) || std::find(g.interfaces.begin(), g.interfaces.end(), name) != g.interfaces.end()) {
      b.warn(s, 0, fmt::format("garp_group: interface {} is already in a garp_group; ignored", name));
      return true;
    }
  return false;
}
void h_garp_interface(Builder& b, const Stmt& s) {
  if (b.garp && !garp_interface_taken(b, s, s.args[0].text)) b.garp->interface = s.args[0].text;
}
void h_garp_interfaces(Builder& b, const Stmt& s) { b.extra_args(s, 0); }
void h_garp_interfaces_item(Builder& b, const Stmt& s) {
  if (!b.garp || garp_interface_taken(b, s, s.head.text)) return;
  b.garp->interfaces.push_back(s.head.text);
}

// --- tracking lists (vrrp_instance and vrrp_sync_group) ----------------------------------

std::string owner(Builder& b) { return b.vi ? fmt::format("vrrp_instance {}", b.vi->name) : b.sg ? fmt::format("vrrp_sync_group {}", b.sg->name) : std::string("?"); }

void track_ref_item(Builder& b, const Stmt& s, std::vector<TrackRef>& list, std::string_view what, int lim) {
  for (const auto& t : list)
    if (t.name == s.head.text)
      return b.diags.warn(s.loc, fmt::format("{}: duplicate {} '{}'; ignored", owner(b), what, s.head.text));
  TrackRef r;
  r.name = s.head.text;
  r.loc = s.loc;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    if (w == "weight") {
      if (i + 1 >= s.args.size()) {
        b.warn(s, i, fmt::format("{}: {} '{}': 'weight' needs a number; ignored", owner(b), what, r.name));
        continue;
      }
      std::int64_t v = 0;
      ++i;
      if (parse_int(s.args[i].text, -lim, lim, v) == NumError::Ok) r.weight = static_cast<int>(v);
      else b.warn(s, i, fmt::format("{}: {} '{}': weight '{}' must be in {}..{}; the weight is ignored", owner(b), what, r.name,
                                    s.args[i].text, -lim, lim));
    } else if (w == "reverse") {
      r.reverse = true;
    } else if (w == "noreverse" || w == "no_reverse") {
      r.reverse = false;
    } else {
      b.warn(s, i, fmt::format("{}: unknown {} option '{}' for '{}'; ignored", owner(b), what, w, r.name));
    }
  }
  list.push_back(std::move(r));
}
void h_track_interface_item(Builder& b, const Stmt& s) {
  if (!b.track) return;
  for (const auto& t : b.track->interfaces)
    if (t.name == s.head.text)
      return b.diags.warn(s.loc, fmt::format("{}: duplicate track_interface '{}'; ignored", owner(b), s.head.text));
  TrackInterface t;
  t.name = s.head.text;
  t.loc = s.loc;
  for (std::size_t i = 0; i < s.args.size(); ++i) {
    const auto& w = s.args[i].text;
    if (w == "weight" && i + 1 < s.args.size()) {
      std::int64_t v = 0;
      ++i;
      if (parse_int(s.args[i].text, -254, 254, v) != NumError::Ok) {
        b.warn(s, i, fmt::format("{}: track_interface '{}': weight '{}' must be in -253..253; the weight is ignored", owner(b),
                                 t.name, s.args[i].text));
        continue;
      }
      if (v == 254 || v == -254) {
        b.warn(s, i, fmt::format("{}: track_interface '{}': weight cannot be +/-254; +/-253 is used", owner(b), t.name));
        v = v > 0 ? 253 : -253;
      }
      t.weight = static_cast<int>(v);
    } else if (w == "reverse") {
      t.reverse = true;
    } else if (w == "noreverse" || w == "no_reverse") {
      t.reverse = false;
    } else {
      b.warn(s, i, fmt::format("{}: unknown track_interface option '{}' for '{}'; ignored", owner(b), w, t.name));
    }
  }
  b.track->interfaces.push_back(std::move(t));
}
void h_track_script_item(Builder& b, const Stmt& s) {
  if (b.track) track_ref_item(b, s, b.track->scripts, "track_script", 253);
}
void h_track_file_item(Builder& b, const Stmt& s) {
  if (b.track) track_ref_item(b, s, b.track->files, "track_file", 254);
}
void h_track_process_item(Builder& b, const Stmt& s) {
  if (b.track) track_ref_item(b, s, b.track->processes, "track_process", 254);
}
void h_track_bfd_item(Builder& b, const Stmt& s) {
  if (b.track) track_ref_item(b, s, b.track->bfds, "track_bfd", 253);
}

const KeywordDef kTop[] = {
    {"vrrp_script", KwKind::Block, Ctx::VrrpScript, h_vrrp_script, 1},
    {"track_file", KwKind::Block, Ctx::TrackFile, h_track_file, 1},
    {"vrrp_track_file", KwKind::Block, Ctx::TrackFile, h_track_file, 1},
    {"vrrp_track_process", KwKind::Block, Ctx::TrackProcess, h_track_process, 1},
    {"bfd_instance", KwKind::Block, Ctx::BfdInstance, h_bfd_instance, 1},
    {"garp_group", KwKind::Block, Ctx::GarpGroup, h_garp_group, 0},
};

const KeywordDef kScript[] = {
    {"script", KwKind::Leaf, Ctx::Top, h_script_script, 0},
    {"interval", KwKind::Leaf, Ctx::Top, h_script_seconds, 1},
    {"timeout", KwKind::Leaf, Ctx::Top, h_script_seconds, 1},
    {"weight", KwKind::Leaf, Ctx::Top, h_script_weight, 1},
    {"rise", KwKind::Leaf, Ctx::Top, h_script_rise_fall, 1},
    {"fall", KwKind::Leaf, Ctx::Top, h_script_rise_fall, 1},
    {"user", KwKind::Leaf, Ctx::Top, h_script_user, 1},
    {"init_fail", KwKind::Leaf, Ctx::Top, flag<&VrrpScript::init_fail>, 0},
};

const KeywordDef kTrackFile[] = {
    {"file", KwKind::Leaf, Ctx::Top, h_tf_file, 0},
    {"weight", KwKind::Leaf, Ctx::Top, h_tf_weight, 0},
    {"init_file", KwKind::Leaf, Ctx::Top, h_tf_init_file, 0},
};

const KeywordDef kTrackProcess[] = {
    {"process", KwKind::Leaf, Ctx::Top, h_tp_process, 1},
    {"param_match", KwKind::Leaf, Ctx::Top, h_tp_param_match, 0},
    {"weight", KwKind::Leaf, Ctx::Top, h_tp_weight, 0},
    {"quorum", KwKind::Leaf, Ctx::Top, h_tp_quorum, 1},
    {"quorum_max", KwKind::Leaf, Ctx::Top, h_tp_quorum, 1},
    {"fork_delay", KwKind::Leaf, Ctx::Top, h_tp_delay, 1},
    {"terminate_delay", KwKind::Leaf, Ctx::Top, h_tp_delay, 1},
    {"delay", KwKind::Leaf, Ctx::Top, h_tp_delay, 1},
    {"full_command", KwKind::Leaf, Ctx::Top, flag<&TrackProcess::full_command>, 0},
};

const KeywordDef kBfd[] = {
    {"neighbor_ip", KwKind::Leaf, Ctx::Top, h_bfd_ip, 0},
    {"neighbour_ip", KwKind::Leaf, Ctx::Top, h_bfd_ip, 0},
    {"source_ip", KwKind::Leaf, Ctx::Top, h_bfd_ip, 1},
    {"min_rx", KwKind::Leaf, Ctx::Top, h_bfd_ms, 1},
    {"min_tx", KwKind::Leaf, Ctx::Top, h_bfd_ms, 1},
    {"idle_tx", KwKind::Leaf, Ctx::Top, h_bfd_ms, 1},
    {"multiplier", KwKind::Leaf, Ctx::Top, h_bfd_u8, 1},
    {"passive", KwKind::Leaf, Ctx::Top, flag<&BfdInstance::passive>, 0},
    {"ttl", KwKind::Leaf, Ctx::Top, h_bfd_u8, 1},
    {"hoplimit", KwKind::Leaf, Ctx::Top, h_bfd_u8, 1},
    {"max_hops", KwKind::Leaf, Ctx::Top, h_bfd_u8, 1},
    {"weight", KwKind::Leaf, Ctx::Top, h_bfd_weight, 1},
    {"vrrp", KwKind::Leaf, Ctx::Top, flag<&BfdInstance::vrrp>, 0},
    {"checker", KwKind::Leaf, Ctx::Top, flag<&BfdInstance::checker>, 0},
};

const KeywordDef kGarp[] = {
    {"garp_interval", KwKind::Leaf, Ctx::Top, h_garp_interval, 1},
    {"gna_interval", KwKind::Leaf, Ctx::Top, h_garp_interval, 1},
    {"interface", KwKind::Leaf, Ctx::Top, h_garp_interface, 1},
    {"interfaces", KwKind::Block, Ctx::GarpInterfaces, h_garp_interfaces, 0},
};

}  // namespace

std::span<const KeywordDef> vrrp_track_keywords(Ctx c) {
  switch (c) {
    case Ctx::Top: return kTop;
    case Ctx::VrrpScript: return kScript;
    case Ctx::TrackFile: return kTrackFile;
    case Ctx::TrackProcess: return kTrackProcess;
    case Ctx::BfdInstance: return kBfd;
    case Ctx::GarpGroup: return kGarp;
    default: return {};
  }
}

Handler vrrp_track_list_handler(Ctx c) {
  switch (c) {
    case Ctx::GarpInterfaces: return h_garp_interfaces_item;
    case Ctx::TrackInterfaceList: return h_track_interface_item;
    case Ctx::TrackScriptList: return h_track_script_item;
    case Ctx::TrackFileList: return h_track_file_item;
    case Ctx::TrackProcessList: return h_track_process_item;
    case Ctx::TrackBfdList: return h_track_bfd_item;
    default: return nullptr;
  }
}

}  // namespace stayalived::config::detail
