#!/usr/bin/env bash
# Hung notify scripts: 260 VRRP instances become MASTER at once, each starting a
# notify_master that never ends. The notify budget fills (256 running, the rest wait; the
# log says so) but vrrp_script checks have their own budget and keep running on schedule.
# TERM then stops the daemon within a bounded time and no hung script survives it.
set -u
. "$(dirname "$0")/../lib/netns.sh"
sa_require_root
sa_setup
sa_host d 1
sa_in d ip link add vb0 type veth peer name vb1
sa_in d ip link set vb0 up
sa_in d ip link set vb1 up
sa_in d ip addr add 198.51.100.1/24 dev vb0   # an instance without an IPv4 address would be FAULT

bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
conf="$SA_TMP/keepalived.conf"
log="$SA_TMP/daemon.log"
hang="sahang$(( $$ % 100000 ))"   # a process name nobody else runs (at most 15 characters)
cp /bin/sleep "$SA_TMP/$hang"
printf '#!/bin/sh\necho tick >>%s/ticks\n' "$SA_TMP" >"$SA_TMP/tick.sh"
chmod 755 "$SA_TMP/tick.sh" "$SA_TMP"
fail=0
hung() { pgrep -x "$hang" | wc -l; }   # read-only: counts, never signals
hung_is() { [ "$(hung)" -eq "$1" ]; }
ticks() { wc -l <"$SA_TMP/ticks" 2>/dev/null || echo 0; }

{
  printf 'vrrp_script tick {\n  script %s/tick.sh\n  interval 1\n}\n' "$SA_TMP"
  for i in $(seq 1 260); do
    if [ "$i" -le 255 ]; then ifc=eth0; vrid=$i; else ifc=vb0; vrid=$((i - 255)); fi
    track=""; [ "$i" = 1 ] && track="track_script {
    tick
  }"
    cat <<CONF
vrrp_instance VI_$i {
  state MASTER
  interface $ifc
  virtual_router_id $vrid
  priority 150
  advert_int 1
  notify_master "$SA_TMP/$hang 600"
  $track
  virtual_ipaddress {
    10.77.$((i / 200)).$((i % 200 + 1))/32
  }
}
CONF
  done
} >"$conf"

TMPDIR=$SA_TMP sa_start d "$bin" -n -l -G -f "$conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" -c "$SA_TMP/c.pid" 2>"$log"
dpid=$SA_LAST_PID
sa_check 'sa_wait 30 hung_is 256' "256 notify scripts hang (the notify budget)"
sa_check 'grep -q "notify scripts are at their limit (256 running)" "$log"' "the log says the notify budget is full"
sa_check 'sa_has_addr d 10.77.1.61' "the 260th instance is MASTER with its VIP"
t0=$(ticks)
sleep 4
t1=$(ticks)
sa_check '[ "$t1" -ge $((t0 + 2)) ]' "vrrp_script keeps its schedule while notify scripts hang ($t0 -> $t1 runs in 4 s)"
sa_check '! grep -q "vrrp_script checks are at their limit" "$log"' "the vrrp_script budget never filled"
sa_check 'hung_is 256' "still 256 hung notify scripts (the 4 others wait, none is lost)"
fds=$(ls "/proc/$dpid/fd" | wc -l)
sa_check '[ "$fds" -lt 1024 ]' "descriptors bounded with 256 children: $fds"

sa_term "$dpid"; ms=$SA_TERM_MS
sa_check '! kill -0 "$dpid" 2>/dev/null' "TERM with 256 hung notify scripts: the daemon exits"
sa_check '[ "$ms" -lt 10000 ]' "it exits within 10 s (took $ms ms)"
sa_check 'sa_wait 5 hung_is 0' "no hung script survives the stop ($(hung) left)"
sa_check 'grep -q "Stopped Stayalived" "$log"' "a clean stop"
sa_stop_pid "$dpid"
exit $fail
