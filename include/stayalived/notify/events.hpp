// keepalived's notify vocabulary, as values: the extra arguments of the generic `notify`
// script and the lines written to notify FIFOs. Pure: no I/O, no Asio.
//
// Observed on keepalived 2.2.7 (VRRP side on this host, checker side in a VM with ip_vs):
//   notify script argv      <configured argv...> INSTANCE VI_1 MASTER 100
//                           <configured argv...> GROUP G1 BACKUP 0
//   vrrp / notify FIFO      INSTANCE "VI_1" MASTER 100
//                           GROUP "G1" FAULT 0
//                           INSTANCE "VI_1" MASTER_PRIORITY 97      (notify_priority_changes)
//   lvs / notify FIFO       VS [10.0.0.100]:tcp:80 UP
//                           VS [fd00::100]:tcp:443 DOWN
//                           VS FWM 7 UP
//                           VS [VSG1]:0 UP                           (virtual_server group)
//                           RS [127.0.0.1]:tcp:8081 [10.0.0.100]:tcp:80 DOWN
//                           RS [127.0.0.1]:none:0 FWM 7 DOWN         (fwmark: no protocol/port)
// notify_master/backup/fault/stop, notify_up/down and quorum_up/down get only their
// configured argv (no extra arguments). A group's priority is always 0.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stayalived::notify {

/// What a VRRP notification is about.
enum class VrrpScope { Instance, Group };

/// The state word of a VRRP notification (always upper case).
enum class VrrpEvent {
  Master,
  Backup,
  Fault,
  Stop,
  Deleted,           ///< notify_deleted, instances removed by a reload
  MasterRxLowerPri,  ///< FIFO only: a master received an advert of lower priority
  MasterPriority,    ///< FIFO only, notify_priority_changes: priority changed while master
  BackupPriority,    ///< FIFO only, notify_priority_changes: priority changed otherwise
};

/// "INSTANCE" or "GROUP".
std::string_view scope_word(VrrpScope scope);

/// "MASTER", "BACKUP", "FAULT", "STOP", "DELETED", "MASTER_RX_LOWER_PRI",
/// "MASTER_PRIORITY", "BACKUP_PRIORITY".
std::string_view event_word(VrrpEvent event);

/// argv of the generic `notify` script: the configured argv followed by the scope word,
/// the name, the event word and the priority (keepalived.conf(5) "$(n-3) .. $(n)").
std::vector<std::string> vrrp_notify_argv(std::vector<std::string> configured, VrrpScope scope,
                                          std::string_view name, VrrpEvent event, int priority);

/// A vrrp_notify_fifo / notify_fifo line without its newline: `INSTANCE "VI_1" MASTER 100`.
std::string vrrp_fifo_line(VrrpScope scope, std::string_view name, VrrpEvent event, int priority);

/// keepalived's text for an LVS service: "[1.2.3.4]:tcp:80", "[fd00::1]:udp:53".
/// `address` as inet_ntop(3) prints it; `protocol` is "tcp", "udp", "sctp", or "none" (the
/// real servers of a fwmark service, whose port is then 0).
std::string lvs_service(std::string_view address, std::string_view protocol, std::uint16_t port);

/// A fwmark virtual server: "FWM 7".
std::string lvs_fwmark(std::uint32_t mark);

/// A virtual_server group: "[VSG1]:0".
std::string lvs_group(std::string_view name);

/// An lvs_notify_fifo / notify_fifo line for a virtual server (quorum) change, without its
/// newline: "VS [10.0.0.100]:tcp:80 UP". `vs` from lvs_service/lvs_fwmark/lvs_group.
std::string lvs_vs_fifo_line(std::string_view vs, bool up);

/// The line for a real server change: "RS [127.0.0.1]:tcp:8081 [10.0.0.100]:tcp:80 DOWN".
std::string lvs_rs_fifo_line(std::string_view rs, std::string_view vs, bool up);

}  // namespace stayalived::notify
