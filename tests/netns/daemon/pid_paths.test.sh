#!/usr/bin/env bash
# Where the pid files go, as keepalived 2.2.7 puts them (measured): net_namespace in the
# file (no -s) makes the daemon enter that namespace, read its interfaces there, and keep
# its pid files in /run/keepalived/NAMESPACE; `instance NAME` names them keepalived_NAME.pid
# and vrrp_NAME.pid. They and the directories it created are gone after the stop.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
sa_setup
sa_host d 1
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
fail=0
ns=$(sa_ns d)
inst="pt$$"
dir="/run/keepalived/$ns"
conf="$SA_TMP/keepalived.conf"
cat >"$conf" <<CONF
net_namespace $ns
instance $inst
global_defs {
  router_id PIDPATHS
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.181/24
  }
}
CONF
had_run_keepalived=0
[ -d /run/keepalived ] && had_run_keepalived=1
# Started in the host's namespace, without -s: the file's net_namespace is entered.
"$bin" -n -l -G -f "$conf" 2>"$SA_TMP/daemon.log" &
dpid=$!
SA_PIDS+=("$dpid")
sa_check 'sa_wait 15 sa_has_addr d 192.0.2.181' "the instance runs in the file's namespace and takes its VIP there"
sa_check '! grep -q "does not exist" "$SA_TMP/daemon.log"' "its interface was looked up in that namespace"
sa_check '[ "$(cat "$dir/keepalived_$inst.pid" 2>/dev/null)" = "$dpid" ]' "$dir/keepalived_$inst.pid holds the daemon's pid"
sa_check '[ "$(cat "$dir/vrrp_$inst.pid" 2>/dev/null)" = "$dpid" ]' "$dir/vrrp_$inst.pid too"
sa_check '[ ! -e "$dir/checkers_$inst.pid" ]' "no checkers pid file: no checker runs"
sa_check '[ ! -e /run/keepalived.pid ] || [ "$(cat /run/keepalived.pid)" != "$dpid" ]' "nothing in /run's default place"
sa_term "$dpid" 20
sa_check '! kill -0 $dpid 2>/dev/null' "TERM: the daemon exits"
sa_check '[ ! -e "$dir/keepalived_$inst.pid" ] && [ ! -e "$dir/vrrp_$inst.pid" ]' "the pid files are removed"
sa_check '[ ! -d "$dir" ]' "and the namespace's directory"
if [ "$had_run_keepalived" = 0 ]; then
  sa_check '[ ! -d /run/keepalived ]' "and /run/keepalived, which it created"
fi
sa_stop_pid "$dpid"
exit $fail
