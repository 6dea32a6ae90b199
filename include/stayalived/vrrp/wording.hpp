// keepalived 2.2.7's log lines for VRRP, as pure functions of what happened: transitions,
// the core's notes, refused adverts, packets the codec refused. The shell logs what these
// return (operators' log filters match keepalived's words); the unit tests pin each one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stayalived/vrrp/codec.hpp"
#include "stayalived/vrrp/instance.hpp"

namespace stayalived::vrrp {

/// "(VI_1) Entering MASTER STATE", "(VI_1) Entering BACKUP STATE (init)" (the first Backup,
/// at start), "(VI_1) Entering FAULT STATE"; empty for Init (keepalived logs no line).
std::string transition_line(std::string_view instance, State to, bool at_startup);

/// An instance that starts in FAULT: keepalived 2.2.7 logs "(VI_2): entering FAULT state
/// (interface trk0 down)" for each tracked interface that is down, then "(VI_2) entering
/// FAULT state". `faults` are the event's words ("interface trk0 down", ...).
std::vector<std::string> startup_fault_lines(std::string_view instance, const std::vector<std::string>& faults);

/// The line keepalived logs for a note of the core ("(VI_1) Received advert from 192.0.2.2
/// with lower priority 100, ours 150, forcing new election"); empty where it logs none.
std::string note_line(std::string_view instance, const Note& n);

/// " (N similar messages suppressed)", or "" for none: appended to a rate-limited line.
std::string suppressed_suffix(std::uint64_t n);

/// The line for an advert the instance refused (the core's Dropped). `auth` is the
/// instance's authentication, `vrid` its VRID; `more` is suppressed_suffix().
std::string drop_line(std::string_view instance, const Dropped& d, AuthType auth, std::uint8_t vrid,
                      std::string_view more);

/// What the line for a packet the codec refused says besides the packet: the instance it
/// was meant for (by VRID), if one was found, and that instance's settings.
struct WireDropContext {
  std::optional<std::string> instance;
  Family family = Family::Inet;
  std::uint8_t version = 3;        ///< the instance's, else 3
  int auth_type = 0;               ///< the instance's (numeric), else 0
  std::int64_t interval_secs = 0;  ///< the instance's advert interval, whole seconds
};

/// The line for a packet the codec refused with `r`, from what could be read of it.
std::string wire_drop_line(const WireDropContext& c, DropReason r, const Peek& pk, std::string_view more);

}  // namespace stayalived::vrrp
