#!/usr/bin/env bash
# lvs_sync_daemon follows the VRRP state as keepalived 2.2.7 does: without an instance,
# master and backup daemons both run; with one, the backup daemon runs until the instance
# is MASTER, then only the master daemon. keepalived (running real VRRP on a veth, alone,
# so it becomes MASTER) is the oracle; our tool is told the VRRP state by hand until the
# VRRP module is wired in. Both stop their daemons when they stop.
set -u
. "$SA_VM_SRC/lib/compare.sh"
apply=$SA_BIN_DIR/stayalived-ipvs-apply

# NS with a veth (multicast capable, unlike dummy) named sd0, 192.0.2.N/24.
sync_ns() {
  vm_ns "$1"
  ip -n "$1" link add sd0 type veth peer name sd1
  ip -n "$1" link set sd1 up
  ip -n "$1" link set sd0 up
  ip -n "$1" addr add "192.0.2.$2/24" dev sd0
}
daemons() { ip netns exec "$1" ipvsadm -L --daemon | sed 's/,.*//' | sort; }
expect() {
  local got
  got=$(daemons "$1")
  [ "$got" = "$2" ] || vm_fail "$3: expected [$2], got [$got]"
  echo "ok: $3: $(echo "$got" | tr '\n' ';')"
}
# wait_daemons NS EXPECTED SECONDS
wait_daemons() {
  local i
  for i in $(seq 1 $(($3 * 10))); do
    [ "$(daemons "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

conf_both=$VM_TMP/both.conf
cat >"$conf_both" <<'EOC'
global_defs {
  lvs_sync_daemon sd0 id 7
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  real_server 10.0.1.1 80 { }
}
EOC
conf_inst=$VM_TMP/inst.conf
cat >"$conf_inst" <<'EOC'
global_defs {
  lvs_sync_daemon sd0 VI_1
}
vrrp_instance VI_1 {
  state BACKUP
  interface sd0
  virtual_router_id 42
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.200/24
  }
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  real_server 10.0.1.1 80 { }
}
EOC
both=$'backup sync daemon (mcast=sd0\nmaster sync daemon (mcast=sd0'

# Without an instance: both, as keepalived runs them.
sync_ns ka1 1
vm_keepalived ka1 "$conf_both"
wait_daemons ka1 "$both" 10 || true
expect ka1 "$both" "keepalived, no instance"
ip netns exec ka1 ipvsadm -L --daemon | grep -q "syncid=7" || vm_fail "keepalived: syncid 7 expected"
vm_keepalived_stop
expect ka1 "" "keepalived stopped"

sync_ns sa1 2
coproc SA { ip netns exec sa1 "$apply" --hold "$conf_both" 2>"$VM_TMP/sa1.log"; }
VM_PIDS+=("$SA_PID")
read -r -t 60 line <&"${SA[0]}" || vm_fail "no answer"
expect sa1 "$both" "ours, no instance"
ip netns exec sa1 ipvsadm -L --daemon | grep -q "syncid=7" || vm_fail "ours: syncid 7 expected"
echo stop >&"${SA[1]}"
read -r -t 60 line <&"${SA[0]}"
wait "$SA_PID"
expect sa1 "" "ours stopped"

# With an instance: backup while BACKUP, master once MASTER (keepalived, alone on its
# link, becomes MASTER after ~3 advert intervals); the sync id defaults to the VRID.
sync_ns ka2 3
vm_keepalived ka2 "$conf_inst"
expect ka2 "backup sync daemon (mcast=sd0" "keepalived, instance BACKUP"
ip netns exec ka2 ipvsadm -L --daemon | grep -q "syncid=42" || vm_fail "keepalived: syncid = VRID 42 expected"
wait_daemons ka2 "master sync daemon (mcast=sd0" 20 || vm_fail "keepalived's instance did not become MASTER in 20 s"
expect ka2 "master sync daemon (mcast=sd0" "keepalived, instance MASTER"
vm_keepalived_stop
expect ka2 "" "keepalived stopped"

sync_ns sa2 4
coproc SA { ip netns exec sa2 "$apply" --hold "$conf_inst" 2>"$VM_TMP/sa2.log"; }
VM_PIDS+=("$SA_PID")
read -r -t 60 line <&"${SA[0]}" || vm_fail "no answer"
expect sa2 "backup sync daemon (mcast=sd0" "ours, instance BACKUP"
ip netns exec sa2 ipvsadm -L --daemon | grep -q "syncid=42" || vm_fail "ours: syncid = VRID 42 expected"
for state in master backup master; do
  echo "vrrp $state" >&"${SA[1]}"
  read -r -t 60 line <&"${SA[0]}" || vm_fail "no answer to vrrp $state"
  expect sa2 "$state sync daemon (mcast=sd0" "ours, instance ${state^^}"
done
echo stop >&"${SA[1]}"
read -r -t 60 line <&"${SA[0]}"
wait "$SA_PID"
expect sa2 "" "ours stopped"
