// The keywords stayalived accepts and checks but does not act on (see no_effect.hpp).
// Remove an entry in the commit that makes its keyword work; the tests then ask for the
// man page's IMPLEMENTATION STATUS to lose it too.
#include "no_effect.hpp"

#include <array>
#include <vector>

namespace stayalived::config::detail {

namespace {

constexpr std::string_view kOneProcess = "stayalived runs one process";
constexpr std::string_view kBfdProcess = "BFD is not implemented; there is no BFD process";
constexpr std::string_view kSnmp = "SNMP is not implemented";
constexpr std::string_view kDbus = "D-Bus is not implemented";
constexpr std::string_view kBfd = "BFD is not implemented";
constexpr std::string_view kNftIpvs = "no nftables rules are installed for IPVS";
constexpr std::string_view kVmac = "VMAC and ipvlan interfaces are not created; VRRP runs on the base interface";
constexpr std::string_view kStatic =
    "an instance of the group is not put in FAULT when a static address, route or rule naming the group is deleted";
constexpr std::string_view kNetlinkBufs = "stayalived's checkers have no netlink monitor socket";

constexpr std::array kList = {
    // --- keepalived's separate processes
    NoEffect{Ctx::GlobalDefs, "process_names", kOneProcess},
    NoEffect{Ctx::GlobalDefs, "vrrp_process_name", kOneProcess},
    NoEffect{Ctx::GlobalDefs, "checker_process_name", kOneProcess},
    NoEffect{Ctx::GlobalDefs, "lvs_process_name", kOneProcess},
    NoEffect{Ctx::GlobalDefs, "bfd_process_name", kOneProcess},
    NoEffect{Ctx::Top, "child_wait_time", kOneProcess},
    NoEffect{Ctx::GlobalDefs, "tmp_config_directory", "stayalived's one process reads the configuration itself"},
    NoEffect{Ctx::GlobalDefs, "bfd_priority", kBfdProcess},
    NoEffect{Ctx::GlobalDefs, "bfd_no_swap", kBfdProcess},
    NoEffect{Ctx::GlobalDefs, "bfd_cpu_affinity", kBfdProcess},
    NoEffect{Ctx::GlobalDefs, "bfd_rt_priority", kBfdProcess},
    NoEffect{Ctx::GlobalDefs, "bfd_rlimit_rttime", kBfdProcess},
    NoEffect{Ctx::GlobalDefs, "bfd_rlimit_rtime", kBfdProcess},
    NoEffect{Ctx::GlobalDefs, "max_auto_priority", "the process is not raised to real-time scheduling when it runs late"},
    NoEffect{Ctx::GlobalDefs, "min_auto_priority_delay", "the process is not raised to real-time scheduling when it runs late"},

    // --- start and stop


    // --- paths and namespaces
    NoEffect{Ctx::Top, "net_namespace_ipvs", "IPVS is programmed in stayalived's own network namespace"},
    NoEffect{Ctx::Top, "namespace_with_ipsets", "ipsets are not used"},

    // --- interfaces and sockets
    NoEffect{Ctx::Top, "linkbeat_use_polling", "link state comes from rtnetlink events"},
    NoEffect{Ctx::VrrpInstance, "linkbeat_use_polling", "link state comes from rtnetlink events"},
    NoEffect{Ctx::Top, "linkbeat_interfaces", "link state comes from rtnetlink events"},
    NoEffect{Ctx::GlobalDefs, "lvs_netlink_monitor_rcv_bufs", kNetlinkBufs},
    NoEffect{Ctx::GlobalDefs, "lvs_netlink_monitor_rcv_bufs_force", kNetlinkBufs},

    // --- VRRP
    NoEffect{Ctx::GlobalDefs, "vrrp_garp_extra_if", "no periodic gratuitous ARPs are sent on extra interfaces"},
    NoEffect{Ctx::GlobalDefs, "vrrp_vmac_garp_intvl", "no periodic gratuitous ARPs are sent on extra interfaces"},
    NoEffect{Ctx::VrrpInstance, "garp_extra_if", "no periodic gratuitous ARPs are sent on extra interfaces"},
    NoEffect{Ctx::VrrpInstance, "vmac_garp_intvl", "no periodic gratuitous ARPs are sent on extra interfaces"},
    NoEffect{Ctx::VrrpInstance, "vrf", "the instance's addresses and adverts are not bound to the VRF"},
    NoEffect{Ctx::GlobalDefs, "vmac_prefix", kVmac},
    NoEffect{Ctx::GlobalDefs, "vmac_addr_prefix", kVmac},
    NoEffect{Ctx::GlobalDefs, "disable_local_igmp", kVmac},
    NoEffect{Ctx::VrrpInstance, "use_vmac", kVmac},
    NoEffect{Ctx::VrrpInstance, "use_vmac_addr", kVmac},
    NoEffect{Ctx::VrrpInstance, "vmac_xmit_base", kVmac},
    NoEffect{Ctx::VrrpInstance, "use_ipvlan", kVmac},

    // --- firewall
    NoEffect{Ctx::GlobalDefs, "nftables_ipvs", kNftIpvs},
    NoEffect{Ctx::GlobalDefs, "nftables_ipvs_priority", kNftIpvs},
    NoEffect{Ctx::GlobalDefs, "nftables_ipvs_start_fwmark", kNftIpvs},

    // --- static addresses, routes and rules
    NoEffect{Ctx::Top, "track_group", kStatic},

    // --- SNMP, D-Bus, BFD
    NoEffect{Ctx::GlobalDefs, "snmp_socket", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_snmp_vrrp", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_snmp_keepalived", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_snmp_checker", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_snmp_rfc", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_snmp_rfcv2", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_snmp_rfcv3", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_traps", kSnmp},
    NoEffect{Ctx::VirtualServer, "snmp_name", kSnmp},
    NoEffect{Ctx::RealServer, "snmp_name", kSnmp},
    NoEffect{Ctx::GlobalDefs, "enable_dbus", kDbus},
    NoEffect{Ctx::GlobalDefs, "dbus_service_name", kDbus},
    NoEffect{Ctx::Top, "bfd_instance", kBfd},
    NoEffect{Ctx::VrrpInstance, "track_bfd", kBfd},
    NoEffect{Ctx::SyncGroup, "track_bfd", kBfd},
    NoEffect{Ctx::RealServer, "BFD_CHECK", "BFD is not implemented; the checker never fails"},
};

}  // namespace

const NoEffect* no_effect(Ctx ctx, const Stmt& s) {
  // Asked for every statement of the configuration: the entries are grouped by block once,
  // so that a real_server's lines (a block no entry names) cost one look at an empty group
  // rather than a scan of the whole list.
  static const auto by_ctx = [] {
    std::array<std::vector<const NoEffect*>, static_cast<std::size_t>(Ctx::Url) + 1> r;
    for (const auto& e : kList) r[static_cast<std::size_t>(e.ctx)].push_back(&e);
    return r;
  }();
  for (const NoEffect* e : by_ctx[static_cast<std::size_t>(ctx)])
    if (e->keyword == s.head.text) return e;
  return nullptr;
}

std::span<const NoEffect> no_effect_keywords() { return kList; }

}  // namespace stayalived::config::detail
