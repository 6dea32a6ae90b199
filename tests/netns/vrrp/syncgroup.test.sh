#!/usr/bin/env bash
# A sync group of two instances on two stayalived directors: both instances move together
# (startup, a tracked script of the group failing on the master, recovery), with the group's
# notify scripts (GROUP name STATE 0) and the log lines keepalived has.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
for h in h1 h2; do
  prio=150; [ $h = h2 ] && prio=100
  vr_notify_script "$SA_TMP/$h-notify"
  cat >"$SA_TMP/$h.conf" <<CONF
global_defs {
  vrrp_notify_fifo $SA_TMP/$h.fifo
}
vrrp_script chk {
  script "/bin/sh -c 'test ! -e $SA_TMP/$h-fail'"
  interval 1
}
vrrp_sync_group G1 {
  group {
    VI_1
    VI_2
  }
  track_script {
    chk
  }
  notify "$SA_TMP/$h-notify"
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 101
  version 3
  priority $prio
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.101/24
  }
}
vrrp_instance VI_2 {
  state BACKUP
  interface eth0
  virtual_router_id 102
  version 3
  priority $prio
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.102/24
  }
}
CONF
done
# A reader of h1's notify FIFO (keepalived's line format).
mkfifo "$SA_TMP/h1.fifo"
sa_start h1 sh -c "exec cat '$SA_TMP/h1.fifo' >'$SA_TMP/h1.fifo.lines'"
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 4 192.0.2.101 h1 h1 h2 && vr_wait_holder 1 192.0.2.102 h1 h1 h2' "h1 holds both VIPs"
vr_check 'grep -q "VRRP_Group(G1) Syncing instances to MASTER state" $SA_TMP/h1.log' "log: group syncs to MASTER"
touch "$SA_TMP/h1-fail"
vr_check 'vr_wait_holder 4 192.0.2.101 h2 h1 h2 && vr_wait_holder 1 192.0.2.102 h2 h1 h2' "the group script fails on h1: h2 holds both"
vr_check 'grep -q "VRRP_Group(G1) Syncing instances to FAULT state" $SA_TMP/h1.log' "log: group syncs to FAULT"
rm -f "$SA_TMP/h1-fail"
vr_check 'vr_wait_holder 4 192.0.2.101 h1 h1 h2 && vr_wait_holder 1 192.0.2.102 h1 h1 h2' "h1 recovers and holds both"
sa_stop_pid "$P1"
vr_check 'vr_wait_holder 3 192.0.2.101 h2 h1 h2 && vr_wait_holder 1 192.0.2.102 h2 h1 h2' "TERM of h1: h2 holds both"
sa_stop_pid "$P2"
sleep 0.3
g1=$(vr_notified "$SA_TMP/h1-notify" | grep GROUP | tr '\n' ',')
vr_check '[ "$g1" = "h1-notify GROUP G1 BACKUP 0,h1-notify GROUP G1 MASTER 0,h1-notify GROUP G1 FAULT 0,h1-notify GROUP G1 BACKUP 0,h1-notify GROUP G1 MASTER 0,h1-notify GROUP G1 STOP 0," ]' "h1 group notify sequence: $g1"
vr_check '[ "$(vr_notified "$SA_TMP/h2-notify" | grep -c "GROUP G1 MASTER 0")" = 2 ]' "h2 group became master twice"
fifo=$(tr '\n' ',' <"$SA_TMP/h1.fifo.lines")
sa_log "h1 FIFO: $fifo"
vr_check 'grep -qx "INSTANCE \"VI_1\" MASTER 150" "$SA_TMP/h1.fifo.lines"' "FIFO: INSTANCE \"VI_1\" MASTER 150"
vr_check 'grep -qx "GROUP \"G1\" FAULT 0" "$SA_TMP/h1.fifo.lines"' "FIFO: GROUP \"G1\" FAULT 0"
vr_check 'grep -qx "INSTANCE \"VI_2\" STOP 150" "$SA_TMP/h1.fifo.lines"' "FIFO: INSTANCE \"VI_2\" STOP 150"
vr_check '[ "$(head -1 "$SA_TMP/h1.fifo.lines")" = "INSTANCE \"VI_1\" BACKUP 150" ]' "FIFO: first line is VI_1 entering BACKUP"
vr_done
