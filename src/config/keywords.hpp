// Internal: keepalived.conf is keyword-table driven. Each block kind (a context) has a
// table of the keywords valid in it; a keyword is a leaf (one line) or opens a block of
// another context. List blocks (virtual_ipaddress, track_script, group, ...) have no
// keywords: each of their lines is an item. The tables are the single source of truth for
// the language's structure: the driver uses them to classify words and open blocks, the
// builder to dispatch to the keyword's handler.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/config/model.hpp"

namespace stayalived::config::detail {

/// Block kinds of keepalived.conf.
enum class Ctx : std::uint8_t {
  Top,
  GlobalDefs,
  NotificationEmail,     // list
  LinkbeatInterfaces,    // list
  InterfaceDelays,       // list
  TrackGroup,
  TrackGroupGroup,       // list
  StaticIpaddress,       // list
  StaticRoutes,          // list
  StaticRules,           // list
  BfdInstance,
  VrrpScript,
  TrackFile,
  TrackProcess,
  GarpGroup,
  GarpInterfaces,        // list
  SyncGroup,
  SyncGroupGroup,        // list
  TrackInterfaceList,    // list
  TrackScriptList,       // list
  TrackFileList,         // list
  TrackProcessList,      // list
  TrackBfdList,          // list
  VrrpInstance,
  Authentication,
  VipList,               // list
  EvipList,              // list
  UnicastPeerList,       // list
  VirtualRoutes,         // list
  VirtualRules,          // list
  Ssl,
  VirtualServerGroup,    // list
  VirtualServer,
  RealServer,
  TcpCheck,
  HttpCheck,
  SslCheck,
  MiscCheck,
  SmtpCheck,
  SmtpHost,
  DnsCheck,
  UdpCheck,
  PingCheck,
  FileCheck,
  BfdCheck,
  Url,
};

/// True for contexts whose lines are items rather than keywords.
bool is_list(Ctx c);

/// A word of a configuration line.
struct Word {
  std::string text;           ///< the word, quotes removed
  bool quoted = false;        ///< it was written in double quotes
  std::uint32_t column = 0;   ///< 1-based column in the logical line
};

/// One statement: a keyword (or list item) and the words after it on its line (up to a
/// brace).
struct Stmt {
  Word head;               ///< the keyword, or the first word of a list item
  std::vector<Word> args;  ///< the rest
  Loc loc;                 ///< the head's location
  /// Location of argument i (the head's line, that argument's column).
  Loc arg_loc(std::size_t i) const {
    Loc l = loc;
    if (i < args.size()) l.column = args[i].column;
    return l;
  }
};

class Builder;

/// What a keyword is.
enum class KwKind : std::uint8_t { Leaf, Block };

/// Handler of a keyword (or of the items of a list context).
using Handler = void (*)(Builder&, const Stmt&);

/// One entry of a context's table.
struct KeywordDef {
  std::string_view name;       ///< the keyword as written
  KwKind kind = KwKind::Leaf;  ///< leaf or block opener
  Ctx child = Ctx::Top;        ///< the context a block opens
  Handler handler = nullptr;   ///< builds the model (for a block: on open)
  std::uint8_t min_args = 0;   ///< parameters required; fewer is fatal, as in keepalived
};

/// The keyword `word` in context `ctx`, or nullptr if keepalived does not know it there.
const KeywordDef* find_keyword(Ctx ctx, std::string_view word);

/// The item handler of a list context.
const KeywordDef* list_item(Ctx ctx);

/// Names of every keyword of a context (for tests and "did you mean" hints).
std::vector<std::string_view> keywords_of(Ctx ctx);

/// The block name used in messages ("vrrp_instance", "virtual_ipaddress", ...).
std::string_view ctx_name(Ctx c);

}  // namespace stayalived::config::detail
