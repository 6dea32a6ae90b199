#!/usr/bin/env bash
# vrrp_track_process: the master tracks a process (weight 0: FAULT when it is not running).
# The process exits: the backup takes over; it runs again: the master returns.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100
name="satrk$(( $$ % 100000 ))"   # a process name nobody else runs (at most 15 characters)
cp /bin/sleep "$SA_TMP/$name"

for h in h1 h2; do
  prio=150; [ $h = h2 ] && prio=100
  track=""; [ $h = h1 ] && track="track_process {
    trk
  }"
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_track_process trk {
  process $name
  weight 0
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 121
  version 3
  priority $prio
  advert_int 0.25
  $track
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
done
sa_start h1 "$SA_TMP/$name" 600; PROC=$SA_LAST_PID
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "h1 is master while $name runs"
sa_stop_pid "$PROC" KILL
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 takes over when $name exits"
vr_check 'grep -q "(VI_1): tracked process trk now FAULT state" $SA_TMP/h1.log' "log: tracked process now FAULT"
# The process events connector exists only in the initial network namespace; inside a test
# namespace the watcher falls back to reading /proc every second (and says so).
if grep -q "polling /proc" "$SA_TMP/h1.log"; then sa_log "note: connector unavailable in this namespace: /proc polled"; fi
sa_start h1 "$SA_TMP/$name" 600; PROC=$SA_LAST_PID
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "h1 is master again when $name runs again"
sa_stop_pid "$P1"
sa_stop_pid "$P2"
sa_stop_pid "$PROC"
vr_done
