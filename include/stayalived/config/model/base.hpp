// Shared vocabulary of the configuration model: source locations, scripts, FIFOs.
// Conventions: see stayalived/config/model.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "stayalived/common/time.hpp"
#include "stayalived/config/address.hpp"

namespace stayalived::config {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---------------------------------------------------------------------------------------
// Shared vocabulary
// ---------------------------------------------------------------------------------------

/// Where an element was written: file index (into Config::files), 1-based line and column.
/// Compares equal to every other Loc, so that locations never make two configs differ.
struct Loc {
  std::uint32_t file = 0;    ///< index into Config::files
  std::uint32_t line = 0;    ///< 1-based line, 0 if unknown
  std::uint32_t column = 0;  ///< 1-based column, 0 if unknown

  /// Always true: a location is not part of a config's meaning.
  friend constexpr bool operator==(const Loc&, const Loc&) noexcept { return true; }
};

/// The names of the files a config was read from (main file first, then includes in the
/// order they were opened). Ignored by equality, like Loc.
struct SourceFiles {
  std::vector<std::string> names;  ///< indexed by Loc::file

  /// The file name for a location ("" if out of range).
  const std::string& name(const Loc& loc) const;
  /// Always true: file names are not part of a config's meaning.
  friend bool operator==(const SourceFiles&, const SourceFiles&) noexcept { return true; }
};

/// A TCP/UDP/SCTP port number.
using Port = std::uint16_t;

/// A user and optional group to run a script as: `SCRIPT [username [groupname]]`,
/// `user USERNAME [GROUPNAME]`, `script_user username [groupname]`.
struct RunAs {
  std::string user;                  ///< user name (or numeric uid as text)
  std::optional<std::string> group;  ///< group name; default: the user's group
  Loc loc;                           ///< where the user was given
  friend bool operator==(const RunAs&, const RunAs&) = default;
};

/// A script or program to run, as keepalived splits it: the command and its arguments
/// (a quoted string is split on unquoted spaces; single quotes keep spaces inside one
/// argument), plus the optional user/group that follow it on the line.
struct Script {
  std::vector<std::string> argv;  ///< argv[0] is the program path
  std::optional<RunAs> run_as;    ///< [username [groupname]]; default: global script_user
  Loc loc;                        ///< the keyword's line

  /// The command line as one string (argv joined with spaces), for logs.
  std::string command_line() const;
  friend bool operator==(const Script&, const Script&) = default;
};

/// A named FIFO and the user/group to create it as: `notify_fifo FIFO_NAME [username
/// [groupname]]`.
struct Fifo {
  std::string path;             ///< FIFO_NAME
  std::optional<RunAs> run_as;  ///< [username [groupname]]
  Loc loc;                      ///< the keyword's line
  friend bool operator==(const Fifo&, const Fifo&) = default;
};

/// `<BOOL>` values: on|off|true|false|yes|no. Fields use bool or std::optional<bool>.

}  // namespace stayalived::config
