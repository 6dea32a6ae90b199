#!/usr/bin/env bash
# dynamic_interfaces: an instance whose interface does not exist at the start takes over
# once it is created, goes to FAULT (VIP removed) when it is deleted, and takes over again
# when it is re-created with another index, without a reload.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_ns_add d
fail=0
conf="$SA_TMP/dyn.conf"
cat >"$conf" <<'CONF'
global_defs {
  router_id DYN
  dynamic_interfaces
}
vrrp_instance VI_1 {
  state BACKUP
  interface dyn0
  virtual_router_id 61
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.161/24
  }
}
CONF
create() {
  sa_in d ip link add dyn0 type veth peer name dyn1
  sa_in d ip addr add 192.0.2.1/24 dev dyn0
  sa_in d ip link set dyn1 up
  sa_in d ip link set dyn0 up
}
vr_start_sa d "$conf"
pid=$SA_LAST_PID
sa_check 'sa_wait 10 grep -q "Startup complete" "$SA_TMP/d.log"' "the daemon starts without the interface"
sleep 1
sa_check '! sa_has_addr d 192.0.2.161' "no VIP while dyn0 does not exist"
create
sa_check 'sa_wait 10 sa_has_addr d 192.0.2.161' "dyn0 created: the instance takes over with its VIP"
sa_in d ip link del dyn0
sa_check 'sa_wait 5 grep -q "Entering FAULT STATE" "$SA_TMP/d.log"' "dyn0 deleted: FAULT"
create
sa_check 'sa_wait 10 sa_has_addr d 192.0.2.161' "dyn0 re-created (index $(sa_in d cat /sys/class/net/dyn0/ifindex)): the instance takes over again"
sa_check 'grep -c "interface dyn0 is now index" "$SA_TMP/d.log" | grep -qx 2' "the log says where it went, twice"
sa_check 'kill -0 $pid' "the daemon runs"
sa_stop_pid "$pid"
exit $fail
