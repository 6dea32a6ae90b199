#!/usr/bin/env python3
"""Every field of the configuration model does something, or says that it does not.

A field of include/stayalived/config/model*.hpp passes when one of these holds:
  - the runtime reads it: `.field` or `->field` appears in src/{vrrp,check,ipvs,daemon,
    notify,common} outside the dumps (src/daemon/dump.cpp writes keepalived's data files,
    which list the configuration as loaded: that is not acting on it);
  - it is listed below as used while loading (the loader folds it into other fields, or it
    is bookkeeping such as a location), with where;
  - it is listed below as having no effect, under the keyword that sets it, and that
    keyword is in src/config/no_effect.cpp, so that -t and the daemon's start warn about it.
A listed field that the runtime now reads fails too (remove it from the list, and its
keyword from no_effect.cpp and from the man page's IMPLEMENTATION STATUS).

The match is by name, so a field is taken as read when another field of the same name is:
the lists below must still be reviewed by hand when a field is added. Usage: model_fields.py
SOURCE_DIR (exit 0 on success, 1 with the offending fields).
"""
import glob
import os
import re
import sys

# Fields the loader consumes: it copies or folds them into others, or they are bookkeeping.
LOADING = {
    "Loc.line": "bookkeeping: diagnostics",
    "Loc.column": "bookkeeping: diagnostics",
    "VrrpScript.end_loc": "bookkeeping: diagnostics",
    "VrrpSyncGroup.group_locs": "bookkeeping: diagnostics",
    "VrrpInstance.interface_loc": "bookkeeping: diagnostics",
    "Vmac.mac_from_vrid": "dump: the MAC as written",
    "Config.virtual_server_groups": "ipvs/check from_config resolve a group's entries through the model",
    "IncludeCheck.readable": "preprocessor: include checks",
    "IncludeCheck.match": "preprocessor: include checks",
    "IncludeCheck.wildcard_match": "preprocessor: include checks",
    "IncludeCheck.brace_match": "preprocessor: include checks",
    "GlobalDefs.include_check": "preprocessor: include checks",
    "GlobalDefs.random_seed": "preprocessor: seeds ${_RANDOM} (load.cpp hooks.seed_random)",
    "GlobalDefs.nftables_ifindex": "none needed: keepalived 2.2.7 keys vips_link_local on the interface index with or "
                                   "without it (measured), as the firewall always does",
    "GlobalDefs.vrrp_garp_master_delay": "builder: instance defaults",
    "GlobalDefs.vrrp_garp_master_repeat": "builder: instance defaults",
    "GlobalDefs.vrrp_garp_lower_prio_delay": "builder: instance defaults",
    "GlobalDefs.vrrp_garp_lower_prio_repeat": "builder: instance defaults",
    "GlobalDefs.vrrp_garp_master_refresh": "builder: instance defaults",
    "GlobalDefs.vrrp_garp_master_refresh_repeat": "builder: instance defaults",
    "GlobalDefs.vrrp_down_timer_adverts": "builder: instance defaults",
    "GlobalDefs.vrrp_lower_prio_no_advert": "builder: instance defaults",
    "GlobalDefs.vrrp_higher_prio_send_advert": "builder: instance defaults",
    "GlobalDefs.vrrp_version": "builder: instance defaults",
    "GlobalDefs.vrrp_check_unicast_src": "builder: instance defaults",
    "GlobalDefs.vrrp_skip_check_adv_addr": "builder: instance defaults",
    "GlobalDefs.vrrp_strict": "validate.cpp: strict-mode rewrites (accept mode, then the firewall)",
    "GlobalDefs.allow_if_changes": "option of dynamic_interfaces",
    "GlobalDefs.bfd": "the bfd_* process settings (in no_effect.cpp)",
    "Tracking.bfds": "track_bfd (in no_effect.cpp)",
    "VirtualAddress.use_vmac": "warned by keywords_addr.cpp as having no effect",
    "VrrpInstance.lvs_sync_daemon_interface": "keywords_vrrp.cpp: becomes global_defs lvs_sync_daemon",
}
# Fields without effect, by the keyword that sets them (which no_effect.cpp must list).
NO_EFFECT = {
    "Config.linkbeat_interfaces": "linkbeat_interfaces",
    "Config.track_groups": "track_group",
    "Config.bfd_instances": "bfd_instance",
    "VirtualAddress.track_group": "track_group",
    "Route.track_group": "track_group",
    "Rule.track_group": "track_group",
    "ProcessTuning.process_name": "vrrp_process_name",
    "GlobalDefs.net_namespace_ipvs": "net_namespace_ipvs",
    "GlobalDefs.namespace_with_ipsets": "namespace_with_ipsets",
    "GlobalDefs.linkbeat_use_polling": "linkbeat_use_polling",
    "GlobalDefs.child_wait_time": "child_wait_time",
    "GlobalDefs.tmp_config_directory": "tmp_config_directory",
    "GlobalDefs.process_names": "process_names",
    "GlobalDefs.max_auto_priority": "max_auto_priority",
    "GlobalDefs.min_auto_priority_delay": "min_auto_priority_delay",
    "GlobalDefs.vrrp_garp_extra_if": "vrrp_garp_extra_if",
    "GlobalDefs.vmac_prefix": "vmac_prefix",
    "GlobalDefs.vmac_addr_prefix": "vmac_addr_prefix",
    "GlobalDefs.disable_local_igmp": "disable_local_igmp",
    "GlobalDefs.nftables_ipvs": "nftables_ipvs",
    "GlobalDefs.nftables_ipvs_priority": "nftables_ipvs_priority",
    "GlobalDefs.nftables_ipvs_start_fwmark": "nftables_ipvs_start_fwmark",
    "GlobalDefs.lvs_netlink_monitor_rcv_bufs": "lvs_netlink_monitor_rcv_bufs",
    "GlobalDefs.snmp_socket": "snmp_socket",
    "GlobalDefs.enable_snmp_vrrp": "enable_snmp_vrrp",
    "GlobalDefs.enable_snmp_checker": "enable_snmp_checker",
    "GlobalDefs.enable_snmp_rfcv2": "enable_snmp_rfcv2",
    "GlobalDefs.enable_snmp_rfcv3": "enable_snmp_rfcv3",
    "GlobalDefs.enable_traps": "enable_traps",
    "GlobalDefs.enable_dbus": "enable_dbus",
    "GlobalDefs.dbus_service_name": "dbus_service_name",
    "RealServer.snmp_name": "snmp_name",
    "VirtualServer.snmp_name": "snmp_name",
    "BfdInstance.neighbor_ip": "bfd_instance",
    "BfdInstance.min_rx": "bfd_instance",
    "BfdInstance.min_tx": "bfd_instance",
    "BfdInstance.idle_tx": "bfd_instance",
    "BfdInstance.multiplier": "bfd_instance",
    "BfdInstance.passive": "bfd_instance",
    "BfdInstance.max_hops": "bfd_instance",
    "VrrpInstance.vrf": "vrf",
    "VrrpInstance.use_vmac": "use_vmac",
    "VrrpInstance.use_vmac_addr": "use_vmac_addr",
    "VrrpInstance.vmac_xmit_base": "vmac_xmit_base",
    "VrrpInstance.use_ipvlan": "use_ipvlan",
    "VrrpInstance.garp_extra_if": "garp_extra_if",
    "VrrpInstance.linkbeat_use_polling": "linkbeat_use_polling",
}

# Fields the runtime does not read although a field of the same name elsewhere is read (the
# match is by name): they are judged as unread.
SHARED_NAME = {
    "VrrpInstance.vrf": "Route.vrf is read (routes go into the VRF's table); an instance's vrf is not",
    "ProcessTuning.process_name": "GlobalDefs.process_name (the parent's) is read; the subsystems have no process",
}

RUNTIME_DIRS = ["src/vrrp", "src/check", "src/ipvs", "src/daemon", "src/notify", "src/common"]
NOT_ACTING = {"src/daemon/dump.cpp"}


def model_fields(src):
    files = glob.glob(os.path.join(src, "include/stayalived/config/model*.hpp"))
    files += glob.glob(os.path.join(src, "include/stayalived/config/model/*.hpp"))
    member = re.compile(r"^\s+[\w:<>,\s\*]+?[\s\*&>](\w+)(\s*=\s*[^;]*|\{[^;]*\})?;\s*(///<.*)?$")
    out = []
    for path in sorted(files):
        struct = None
        for line in open(path, encoding="utf-8"):
            m = re.match(r"\s*(struct|class)\s+(\w+)\s*\{", line)
            if m:
                struct = m.group(2)
                continue
            code = line.split("///")[0]
            if struct and "(" not in code and "using " not in code and "return" not in code:
                m = member.match(line)
                if m:
                    out.append(f"{struct}.{m.group(1)}")
    return out


def runtime_text(src):
    text = []
    for d in RUNTIME_DIRS:
        for path in glob.glob(os.path.join(src, d, "**", "*.[ch]pp"), recursive=True):
            rel = os.path.relpath(path, src)
            if rel in NOT_ACTING or "/tools/" in rel:
                continue
            text.append(open(path, encoding="utf-8").read())
    return "\n".join(text)


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "."
    fields = model_fields(src)
    if len(fields) < 300:
        print(f"only {len(fields)} model fields found: the header parser is broken")
        return 1
    code = runtime_text(src)
    no_effect_src = open(os.path.join(src, "src/config/no_effect.cpp"), encoding="utf-8").read()
    problems = []
    for f in fields:
        name = f.split(".")[1]
        read = f not in SHARED_NAME and re.search(r"(\.|->)" + re.escape(name) + r"\b", code) is not None
        if read and (f in LOADING or f in NO_EFFECT):
            problems.append(f"{f}: the runtime reads it now; remove it from this script's lists"
                            + (f" and '{NO_EFFECT[f]}' from no_effect.cpp and the man page" if f in NO_EFFECT else ""))
        elif not read and f not in LOADING and f not in NO_EFFECT:
            problems.append(f"{f}: nothing outside the loader reads it; make it work, or list its keyword in "
                            "src/config/no_effect.cpp and the field here")
        elif f in NO_EFFECT and f'"{NO_EFFECT[f]}"' not in no_effect_src:
            problems.append(f"{f}: its keyword '{NO_EFFECT[f]}' is not in src/config/no_effect.cpp")
    for f in list(LOADING) + list(NO_EFFECT):
        if f not in fields:
            problems.append(f"{f}: listed here but not a field of the model (stale entry)")
    print(f"{len(fields)} model fields, {len(LOADING)} used while loading, {len(NO_EFFECT)} without effect")
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
