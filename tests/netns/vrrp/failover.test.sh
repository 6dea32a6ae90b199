#!/usr/bin/env bash
# Two stayalived directors, VRRPv2, advert_int 1: election by priority, gratuitous ARPs from
# the new master, priority 0 on TERM (the backup takes over after Skew_Time), preemption when
# the master returns, kill -9 of the master (take-over after Master_Down_Interval), and the
# notify scripts' argv and order.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100

for h in h1 h2; do
  vr_notify_script "$SA_TMP/$h-notify"
  prio=150; [ $h = h2 ] && prio=100
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int 1
  virtual_ipaddress {
    $VIP/24
  }
  notify_master "$SA_TMP/$h-notify master"
  notify_backup "$SA_TMP/$h-notify backup"
  notify_fault "$SA_TMP/$h-notify fault"
  notify_stop "$SA_TMP/$h-notify stop"
  notify "$SA_TMP/$h-notify any"
}
CONF
done

sa_capture sw br0 "$SA_TMP/wire.pcap" "ip proto 112 or arp"
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID

# 1. Election: h1 (150) is master after Master_Down_Interval (3 + 106/256 s).
vr_check 'vr_wait_holder 6 $VIP h1 h1 h2' "h1 (priority 150) holds the VIP after the election"
sleep 1.5  # a full advert interval: h2 must not take it
vr_expect_holder $VIP h1 h1 h2

# 2. TERM of the master: priority 0, h2 takes over after Skew_Time (0.61 s).
t_term=$(date +%s.%N)
kill -TERM "$P1"
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 holds the VIP after h1 stopped (priority 0)"
t_h2=$(date +%s.%N)
sa_stop_pid "$P1"
vr_check '[ "$(awk -v a=$t_term -v b=$t_h2 "BEGIN{print (b-a < 1.6)}")" = 1 ]' "take-over after priority 0 within 1.6 s ($(vr_delta "$t_term" "$t_h2") s)"

# 3. h1 returns and preempts (Master_Down_Interval after its start).
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 6 $VIP h1 h1 h2' "h1 preempts h2 when it returns"

# 4. kill -9 of the master: h2 takes over after Master_Down_Interval (3.61 s); h1's stale
#    VIP stays (nobody removes it), until h1 starts again and removes it.
sleep 1
t_kill=$(date +%s.%N)
sa_stop_pid "$P1" KILL
vr_check 'vr_wait_holder 6 $VIP "h1 h2" h1 h2' "h2 takes over after kill -9 of h1"
t_h2=$(date +%s.%N)
d=$(vr_delta "$t_kill" "$t_h2")
vr_check '[ "$(awk -v d=$d "BEGIN{print (d > 3.0 && d < 4.6)}")" = 1 ]' "take-over after kill -9 in Master_Down_Interval ($d s)"
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 2 $VIP h2 h1 h2' "restarted h1 removes its stale VIP at startup"
vr_check 'vr_wait_holder 6 $VIP h1 h1 h2' "h1 preempts again"
sa_stop_pid "$P1"
sa_stop_pid "$P2"
sleep 0.3
sa_stop_pid "${SA_PIDS[0]}"

# Gratuitous ARPs: 5 at once from each new master (garp_master_repeat), from its MAC.
garps=$(tcpdump -r "$SA_TMP/wire.pcap" -nn -e arp 2>/dev/null | grep -c "who-has $VIP (ff:ff:ff:ff:ff:ff) tell $VIP")
vr_check '[ "$garps" -ge 20 ]' "gratuitous ARPs on the wire ($garps)"
# Every master change was announced within 50 ms of its first advert.
first_adv_h2=$(vr_adverts "$SA_TMP/wire.pcap" | awk '$2 == "192.0.2.2" && $3 != 0 {print $1; exit}')
first_garp=$(tcpdump -r "$SA_TMP/wire.pcap" -nn -tt arp 2>/dev/null | awk -v t="$first_adv_h2" '$1 >= t {print $1; exit}')
vr_check '[ "$(awk -v a=$first_adv_h2 -v b=$first_garp "BEGIN{print (b-a < 0.05)}")" = 1 ]' "first GARP of h2 right after its first advert ($(vr_delta "$first_adv_h2" "$first_garp") s)"

# Notify argv and order (keepalived: notify_<state> then notify INSTANCE name STATE prio).
expected_h1=$(cat <<EXP
h1-notify backup
h1-notify any INSTANCE VI_1 BACKUP 150
h1-notify master
h1-notify any INSTANCE VI_1 MASTER 150
h1-notify stop
h1-notify any INSTANCE VI_1 STOP 150
EXP
)
# Scripts run concurrently; compare per run, in the order each pair was started.
got_h1=$(vr_notified "$SA_TMP/h1-notify" | head -6 | sort)
vr_check '[ "$got_h1" = "$(echo "$expected_h1" | sort)" ]' "h1 notify calls of its first run: $(echo $got_h1)"
vr_check 'vr_notified "$SA_TMP/h2-notify" | grep -qx "h2-notify any INSTANCE VI_1 MASTER 100"' "h2 notified MASTER 100"
vr_check '[ "$(vr_notified "$SA_TMP/h2-notify" | grep -c "any INSTANCE VI_1 MASTER 100")" -ge 2 ]' "h2 became master (at least) twice"
vr_check 'grep -q "(VI_1) Entering BACKUP STATE (init)" $SA_TMP/h1.log' "log: Entering BACKUP STATE (init)"
vr_check 'grep -q "(VI_1) Entering MASTER STATE" $SA_TMP/h2.log' "log: Entering MASTER STATE"
vr_check 'grep -q "(VI_1) Backup received priority 0 advertisement" $SA_TMP/h2.log' "log: priority 0 received"
vr_check 'grep -q "(VI_1) sent 0 priority" $SA_TMP/h1.log' "log: sent 0 priority"
vr_done
