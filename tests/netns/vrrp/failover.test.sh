#!/usr/bin/env bash
# Two stayalived directors, VRRPv2, advert_int 1: election by priority, gratuitous ARPs from
# the new master, priority 0 on TERM (the backup takes over after Skew_Time), preemption when
# the master returns, kill -9 of the master (take-over after Master_Down_Interval), and the
# notify scripts' argv and order.
#
# Timing is measured on the wire (the capture's kernel time stamps), from the RFC 3768
# timers of this config, so that a slow test machine does not stretch it: a take-over
# must come no earlier than the timer says, and not much later.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100
# RFC 3768 6.1 for h2 (priority 100, Advertisement_Interval 1 s).
SKEW=$(awk 'BEGIN { print (256 - 100) / 256 }')
MDI=$(awk -v s="$SKEW" 'BEGIN { print 3 * 1 + s }')
LATE=0.5   # what a loaded machine may add to a timer, in seconds

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
kill -TERM "$P1"
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 holds the VIP after h1 stopped (priority 0)"
sa_stop_pid "$P1"

# 3. h1 returns and preempts (Master_Down_Interval after its start).
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 6 $VIP h1 h1 h2' "h1 preempts h2 when it returns"

# 4. kill -9 of the master: h2 takes over after Master_Down_Interval (3.61 s); h1's stale
#    VIP stays (nobody removes it), until h1 starts again and removes it.
sleep 1
t_kill=$(date +%s.%N)
sa_stop_pid "$P1" KILL
vr_check 'vr_wait_holder 6 $VIP "h1 h2" h1 h2' "h2 takes over after kill -9 of h1"
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
# Every master change was announced right after its first advert (the network work of a
# transition comes first: well within a quarter of the advert interval).
first_adv_h2=$(vr_adverts "$SA_TMP/wire.pcap" | awk '$2 == "192.0.2.2" && $3 != 0 {print $1; exit}')
first_garp=$(tcpdump -r "$SA_TMP/wire.pcap" -nn -tt arp 2>/dev/null | awk -v t="$first_adv_h2" '$1 >= t {print $1; exit}')
vr_check '[ "$(awk -v a=$first_adv_h2 -v b=$first_garp "BEGIN{print (b-a < 0.25)}")" = 1 ]' "first GARP of h2 right after its first advert ($(vr_delta "$first_adv_h2" "$first_garp") s)"

# Take-overs on the wire. Priority 0 (step 2): h2's first advert Skew_Time after h1's
# priority-0 advert. kill -9 (step 4): h2's first advert after the kill comes
# Master_Down_Interval after h1's last advert.
in_range() { awk -v d="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(d >= lo && d <= hi) }'; }
adv=$(vr_adverts "$SA_TMP/wire.pcap")
t_p0=$(awk '$2 == "192.0.2.1" && $3 == 0 { print $1; exit }' <<<"$adv")
t_h2=$(awk -v t="$t_p0" '$1 > t && $2 == "192.0.2.2" && $3 == 100 { print $1; exit }' <<<"$adv")
d=$(vr_delta "$t_p0" "$t_h2")
vr_check 'in_range "$d" "$(awk -v s=$SKEW "BEGIN { print s - 0.05 }")" "$(awk -v s=$SKEW -v l=$LATE "BEGIN { print s + l }")"' \
  "take-over $d s after the priority-0 advert (Skew_Time $SKEW s)"
t_h2=$(awk -v t="$t_kill" '$1 > t && $2 == "192.0.2.2" && $3 == 100 { print $1; exit }' <<<"$adv")
t_last1=$(awk -v t="$t_h2" '$1 < t && $2 == "192.0.2.1" && $3 == 150 { last = $1 } END { print last }' <<<"$adv")
d=$(vr_delta "$t_last1" "$t_h2")
vr_check 'in_range "$d" "$(awk -v m=$MDI "BEGIN { print m - 0.05 }")" "$(awk -v m=$MDI -v l=$LATE "BEGIN { print m + l }")"' \
  "take-over after kill -9: $d s after h1's last advert (Master_Down_Interval $MDI s)"

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
# keepalived 2.2.7's order (measured): the state line, then the VIPs, then their ARPs.
vr_check '[ "$(grep -oE "\(VI_1\) (Entering MASTER STATE|setting VIPs\.|Sending/queueing gratuitous ARPs)" $SA_TMP/h2.log | head -3 | tr "\n" "|")" = "(VI_1) Entering MASTER STATE|(VI_1) setting VIPs.|(VI_1) Sending/queueing gratuitous ARPs|" ]' \
  "log: Entering MASTER STATE comes before setting VIPs and the ARPs"
vr_check 'grep -q "(VI_1) Backup received priority 0 advertisement" $SA_TMP/h2.log' "log: priority 0 received"
vr_check 'grep -q "(VI_1) sent 0 priority" $SA_TMP/h1.log' "log: sent 0 priority"
vr_done
