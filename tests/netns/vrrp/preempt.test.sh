#!/usr/bin/env bash
# Preemption (VRRPv3, advert_int 0.5): by default a higher priority router returning takes
# over; with nopreempt it stays backup; with preempt_delay it takes over that much later.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100

conf() {  # conf HOST PRIO EXTRA
  cat >"$SA_TMP/$1.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 71
  version 3
  priority $2
  advert_int 0.5
  $3
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
}
conf h2 100 ""
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_check 'vr_wait_holder 4 $VIP h2 h1 h2' "h2 alone becomes master"

# nopreempt: h1 (200) joins and stays backup.
conf h1 200 "nopreempt"
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
sleep 3  # > Master_Down_Interval (1.5 + 0.1 s) twice over
vr_check '[ "$(sa_holders $VIP h1 h2)" = h2 ]' "nopreempt: h1 with priority 200 does not take over"
vr_check '! grep -q "Entering MASTER STATE" $SA_TMP/h1.log' "nopreempt: h1 never became master"
sa_stop_pid "$P1"

# preempt_delay 2: h1 takes over about 2 s after Master_Down_Interval.
conf h1 200 "preempt_delay 2"
t0=$(date +%s.%N)
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
sleep 2.5
vr_check '[ "$(sa_holders $VIP h1 h2)" = h2 ]' "preempt_delay: still h2 after 2.5 s"
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "preempt_delay: h1 takes over later"
d=$(vr_delta "$t0" "$(date +%s.%N)")
vr_check '[ "$(awk -v d=$d "BEGIN{print (d > 3.0 && d < 5.5)}")" = 1 ]' "preempt_delay: take-over after $d s (expected ~3.6 s)"
sa_stop_pid "$P1"

# Default preempt: h1 takes over after Master_Down_Interval (1.5 + 0.1 s).
conf h1 200 ""
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 is master again"
t0=$(date +%s.%N)
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "preempt: h1 takes over"
d=$(vr_delta "$t0" "$(date +%s.%N)")
vr_check '[ "$(awk -v d=$d "BEGIN{print (d < 2.6)}")" = 1 ]' "preempt: take-over after $d s"
vr_check 'grep -q "(VI_1) Master received advert from 192.0.2.1 with higher priority 200, ours 100" $SA_TMP/h2.log' "log: master received higher priority"
# h2, backup now, shows its master in keepalived.data and keepalived.json as keepalived does.
kill -USR1 "$P2"; kill -36 "$P2"
vr_check 'sa_wait 5 test -s $SA_TMP/h2.tmp/keepalived.data && sa_wait 5 test -s $SA_TMP/h2.tmp/keepalived.json' "h2: dumps written"
vr_check 'grep -qx "   Master router = 192.0.2.1" $SA_TMP/h2.tmp/keepalived.data && grep -qx "   Master priority = 200" $SA_TMP/h2.tmp/keepalived.data && grep -qx "   Master advert int = 0.50 sec" $SA_TMP/h2.tmp/keepalived.data' \
  "keepalived.data: master router, priority and advert interval of a backup"
vr_check 'grep -q "\"master_priority\":200" $SA_TMP/h2.tmp/keepalived.json' "keepalived.json: master_priority of a backup"
# h2 gave its VIP up three times; its own deletions are not news from the netlink reflector.
vr_check '! grep -q "Netlink reflector reports IP" $SA_TMP/h2.log' "log: no reflector report of our own VIP removal"
sa_stop_pid "$P1"
sa_stop_pid "$P2"
vr_done
