#!/usr/bin/env bash
# Tracking on two stayalived directors (VRRPv3, advert_int 0.25 to keep it short):
#  - the master's link goes down: it enters FAULT, the backup takes over; link up: the
#    master returns through BACKUP and preempts;
#  - a tracked script with weight 0 fails on the master: FAULT (priority 0 sent, so the
#    backup takes over after Skew_Time); it recovers after `rise` successes;
#  - a tracked script with a negative weight lowers the priority below the backup's: the
#    backup preempts; a track_file with weight 0 faults the instance.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100

vr_notify_script "$SA_TMP/h1-notify"
echo 0 >"$SA_TMP/fault-file"
cat >"$SA_TMP/h1.conf" <<CONF
vrrp_script chk_fault {
  script "/bin/sh -c 'test ! -e $SA_TMP/fail-fault'"
  interval 1
  fall 1
  rise 2
}
vrrp_script chk_weight {
  script "/bin/sh -c 'test ! -e $SA_TMP/fail-weight'"
  interval 1
  weight -60
}
track_file tf {
  file $SA_TMP/fault-file
  weight 0
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  version 3
  priority 150
  advert_int 0.25
  track_script {
    chk_fault
    chk_weight
  }
  track_file {
    tf
  }
  virtual_ipaddress {
    $VIP/24
  }
  notify "$SA_TMP/h1-notify"
}
CONF
cat >"$SA_TMP/h2.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  version 3
  priority 100
  advert_int 0.25
  virtual_ipaddress {
    $VIP/24
  }
}
CONF

sa_capture sw br0 "$SA_TMP/wire.pcap" "ip proto 112"
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "h1 is master"

# Link down on the master.
sa_link_down h1
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 takes over when h1's link goes down"
vr_check 'grep -q "Netlink reports eth0 down" $SA_TMP/h1.log' "log: Netlink reports eth0 down"
vr_check 'grep -q "(VI_1) Entering FAULT STATE" $SA_TMP/h1.log' "h1 enters FAULT"
sa_link_up h1
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "h1 preempts again once its link is up"

# A weight-0 script fails on the master.
touch "$SA_TMP/fail-fault"
t0=$(date +%s.%N)
vr_check 'vr_wait_holder 4 $VIP h2 h1 h2' "h2 takes over when h1's tracked script fails"
vr_check 'grep -q "VRRP_Script(chk_fault) failed (exited with status 1)" $SA_TMP/h1.log' "log: script failed"
rm -f "$SA_TMP/fail-fault"
vr_check 'vr_wait_holder 5 $VIP h1 h1 h2' "h1 recovers after rise 2 and preempts"

# A negative weight: 150 - 60 = 90 < 100.
touch "$SA_TMP/fail-weight"
vr_check 'vr_wait_holder 4 $VIP h2 h1 h2' "h2 preempts when h1's priority drops to 90"
vr_check 'grep -q "(VI_1) Changing effective priority from 150 to 90" $SA_TMP/h1.log' "log: effective priority 150 -> 90"
rm -f "$SA_TMP/fail-weight"
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "h1 preempts back at 150"

# track_file with weight 0: a non-zero value is a fault.
echo 1 >"$SA_TMP/fault-file"
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 takes over when h1's track_file reads 1"
vr_check 'grep -q "(VI_1): tracked file tf now FAULT state" $SA_TMP/h1.log' "log: tracked file now FAULT"
echo 0 >"$SA_TMP/fault-file"
vr_check 'vr_wait_holder 3 $VIP h1 h1 h2' "h1 back when the file reads 0"

sa_stop_pid "$P1"
sa_stop_pid "$P2"
vr_check 'vr_notified "$SA_TMP/h1-notify" | grep -c "INSTANCE VI_1 FAULT" | grep -qx 3' "h1's notify saw FAULT three times"
# Priority of the notify while the weight script failed is the effective one.
vr_check 'vr_notified "$SA_TMP/h1-notify" | grep -q "INSTANCE VI_1 BACKUP 90"' "notify BACKUP with the effective priority 90"
vr_done
