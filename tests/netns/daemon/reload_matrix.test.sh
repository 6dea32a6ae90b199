#!/usr/bin/env bash
# Reload matrix: two directors, h1 Master of VI_1 and VI_2, h2 their Backup. Each case is one
# SIGHUP on h1 with one change to its configuration. For each we check that the change took
# effect (the VIP appears / goes on h1's eth0, the priority on the wire, the new instance
# runs) and that nothing else moved:
#   - no "Entering ... STATE" for the instances the change does not touch;
#   - no notify script call for them;
#   - h2 never becomes Master (it sends no advert, takes no VIP);
#   - gratuitous ARP only for an added VIP (tcpdump on h1's eth0), none for the others.
# Cases: add a VIP, remove a VIP, change the priority, add an instance, remove an instance,
# change a notify script only, a broken configuration (file:line and the error logged, the
# running configuration kept), a VIP moved from VI_1 to VI_2 in one reload (present
# exactly once, never absent, owned by VI_2) and back, and a flood of HUPs.
#
# h2 has skip_check_adv_addr: the Master's address list changes with each reload while the
# Backup's configuration stays; without it the Backup would (rightly) refuse the adverts and
# take over, which is not what these cases are about.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/../vrrp/lib/vrrp.sh"
vr_require
sa_need jq
sa_setup
sa_host h1 1
sa_host h2 2
vr_notify_script "$SA_TMP/notify"    # h1's instances
vr_notify_script "$SA_TMP/notify2"   # h1's VI_2 after the "notify only" change
vr_notify_script "$SA_TMP/hnotify"   # h2's instances
T0=$(date +%s)

# h1conf: the configuration of h1 from these variables.
VI1_PRIO=150
VI1_VIPS="192.0.2.100/24 192.0.2.101/24"
VI2_VIPS="192.0.2.110/24"
VI2_NOTIFY="$SA_TMP/notify"
WITH_VI3=no
BROKEN=no
instance() {  # NAME VRID PRIO VIPS NOTIFY
  local v
  printf 'vrrp_instance %s {\n  state BACKUP\n  interface eth0\n  virtual_router_id %s\n' "$1" "$2"
  printf '  version 3\n  priority %s\n  advert_int 0.5\n  virtual_ipaddress {\n' "$3"
  for v in $4; do printf '    %s\n' "$v"; done
  printf '  }\n  notify "%s"\n' "$5"
  [ "${6:-}" = skip ] && printf '  skip_check_adv_addr\n'
  printf '}\n'
}
h1conf() {
  {
    instance VI_1 51 "$VI1_PRIO" "$VI1_VIPS" "$SA_TMP/notify"
    instance VI_2 52 150 "$VI2_VIPS" "$VI2_NOTIFY"
    [ "$WITH_VI3" = yes ] && instance VI_3 53 150 "192.0.2.120/24" "$SA_TMP/notify"
    [ "$BROKEN" = yes ] && printf 'vrrp_instance VI_9 {\n  interface eth0\n  virtual_router_id\n}\n'
  } >"$SA_TMP/h1.conf"
}
{
  instance VI_1 51 100 "192.0.2.100/24 192.0.2.101/24" "$SA_TMP/hnotify" skip
  instance VI_2 52 100 "192.0.2.110/24" "$SA_TMP/hnotify" skip
} >"$SA_TMP/h2.conf"
h1conf

vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 5 192.0.2.100 h1 h1 h2' "h1 is Master of VI_1"
vr_check 'vr_wait_holder 3 192.0.2.110 h1 h1 h2' "h1 is Master of VI_2"
# Let the start-up's delayed gratuitous ARP burst (garp_master_delay, 5 s) pass first.
sleep 6

reloads() { grep -c "Reload complete" "$SA_TMP/h1.log"; }
reloads_are() { [ "$(reloads)" -eq "$1" ]; }
# h1's JSON dump, fresh.
h1json() {
  rm -f "$SA_TMP/h1.tmp/keepalived.json"
  kill -36 "$P1"
  sa_wait 5 test -s "$SA_TMP/h1.tmp/keepalived.json" && cat "$SA_TMP/h1.tmp/keepalived.json"
}
addr_count() { sa_in h1 ip -o addr show dev eth0 | grep -cw -- "$1"; }

# case_begin NAME: note where the logs are and capture ARP and VRRP on h1's eth0.
case_begin() {
  CASE=$1
  sa_log "--- case: $CASE"
  L1=$(wc -l <"$SA_TMP/h1.log"); L2=$(wc -l <"$SA_TMP/h2.log")
  N1=$(vr_notified "$SA_TMP/notify" | wc -l); N2=$(vr_notified "$SA_TMP/hnotify" | wc -l)
  N3=$(vr_notified "$SA_TMP/notify2" | wc -l)
  R=$(reloads)
  PCAP="$SA_TMP/$(echo "$CASE" | tr ' ' '_').pcap"
  sa_capture h1 eth0 "$PCAP" "arp or ip proto 112"
  CAP=$SA_LAST_PID
}
new_h1() { tail -n +"$((L1 + 1))" "$SA_TMP/h1.log"; }
new_h2() { tail -n +"$((L2 + 1))" "$SA_TMP/h2.log"; }
new_notify() { vr_notified "$SA_TMP/notify" | tail -n +"$((N1 + 1))"; }
hup_and_wait() {
  kill -HUP "$P1"
  vr_check 'sa_wait 10 reloads_are $((R + 1))' "$CASE: the reload completes"
}
# case_end UNTOUCHED GARP_OK: watch a little longer, then check that the instances named in
# UNTOUCHED (a regex, e.g. "VI_1|VI_2") did not change state or call scripts, that h2 stayed
# Backup, and that gratuitous ARPs were sent for the addresses in GARP_OK only.
case_end() {
  local untouched=$1 garp_ok=$2 a n
  sleep 1.5
  sa_stop_pid "$CAP"
  vr_check '! new_h1 | grep -Eq "\(($untouched)\) Entering [A-Z]+ STATE"' \
    "$CASE: no state change for $untouched"
  vr_check '! new_notify | grep -Eq "INSTANCE ($untouched) "' "$CASE: no notify call for $untouched"
  vr_check '[ "$(vr_notified "$SA_TMP/hnotify" | wc -l)" -eq "$N2" ] && ! new_h2 | grep -q "Entering MASTER STATE"' \
    "$CASE: h2 stayed Backup (no transition, no notify)"
  vr_check '[ -z "$(vr_adverts "$PCAP" | awk "\$2 == \"192.0.2.2\"")" ]' "$CASE: h2 sent no advert"
  vr_check '[ "$(sa_holders 192.0.2.100 h1 h2)" = h1 ] && [ "$(sa_holders 192.0.2.110 h1 h2)" = h1 ]' \
    "$CASE: h1 still holds the VIPs of VI_1 and VI_2"
  for a in 192.0.2.100 192.0.2.101 192.0.2.102 192.0.2.110 192.0.2.120; do
    n=$(vr_garp_count "$PCAP" "$a")
    if [[ " $garp_ok " == *" $a "* ]]; then
      vr_check '[ "$n" -ge 1 ]' "$CASE: gratuitous ARP for the added $a ($n)"
    else
      vr_check '[ "$n" -eq 0 ]' "$CASE: no gratuitous ARP for $a ($n)"
    fi
  done
}

# 1. Add a VIP to VI_1.
case_begin "add a VIP"
VI1_VIPS="192.0.2.100/24 192.0.2.101/24 192.0.2.102/24"; h1conf
hup_and_wait
vr_check 'vr_wait_holder 3 192.0.2.102 h1 h1 h2' "$CASE: 192.0.2.102 appears on h1"
case_end "VI_1|VI_2" "192.0.2.102"

# 2. Remove it again.
case_begin "remove a VIP"
VI1_VIPS="192.0.2.100/24 192.0.2.101/24"; h1conf
hup_and_wait
vr_check 'vr_wait_holder 3 192.0.2.102 "" h1 h2' "$CASE: 192.0.2.102 goes from h1"
vr_check '[ "$(addr_count 192.0.2.101)" -eq 1 ]' "$CASE: 192.0.2.101 stays"
case_end "VI_1|VI_2" ""

# 3. Change VI_1's priority.
case_begin "change priority"
VI1_PRIO=160; h1conf
hup_and_wait
vr_check 'sa_wait 3 test "$(vr_adverts "$PCAP" | awk "\$2 == \"192.0.2.1\" && \$4 == 51 { p = \$3 } END { print p }")" = 160' \
  "$CASE: VI_1's adverts carry priority 160"
vr_check '[ "$(h1json | jq ".[] | select(.data.iname == \"VI_1\") | .data.base_priority")" = 160 ]' \
  "$CASE: the JSON dump shows base_priority 160"
case_end "VI_1|VI_2" ""

# 4. Add an instance (h2 does not have it: h1 becomes its Master after the down timer).
case_begin "add an instance"
WITH_VI3=yes; h1conf
hup_and_wait
vr_check 'vr_wait_holder 4 192.0.2.120 h1 h1 h2' "$CASE: VI_3 starts and takes 192.0.2.120"
vr_check 'sa_wait 3 eval "new_h1 | grep -q \"(VI_3) Entering MASTER STATE\""' "$CASE: VI_3 enters MASTER"
vr_check 'sa_wait 3 eval "new_notify | grep -qx \"notify INSTANCE VI_3 MASTER 150\""' "$CASE: VI_3's notify runs"
case_end "VI_1|VI_2" "192.0.2.120"

# 5. Remove that instance.
case_begin "remove an instance"
WITH_VI3=no; h1conf
hup_and_wait
vr_check 'vr_wait_holder 3 192.0.2.120 "" h1 h2' "$CASE: 192.0.2.120 goes"
vr_check 'sa_wait 3 eval "new_notify | grep -q \"INSTANCE VI_3 \""' "$CASE: VI_3 is notified as it stops"
case_end "VI_1|VI_2" ""

# 6. Only VI_2's notify script changes: nothing runs, nothing moves.
case_begin "notify script only"
VI2_NOTIFY="$SA_TMP/notify2"; h1conf
hup_and_wait
case_end "VI_1|VI_2" ""
vr_check '[ "$(vr_notified "$SA_TMP/notify2" | wc -l)" -eq "$N3" ] && [ -z "$(new_notify)" ]' \
  "$CASE: neither the old nor the new script was called"

# 7. A broken configuration: the error with file and line, the running one kept.
case_begin "broken config"
BROKEN=yes; VI1_VIPS="192.0.2.100/24"; h1conf   # would also drop .101 if it were taken
kill -HUP "$P1"
vr_check 'sa_wait 10 eval "new_h1 | grep -q \"Reload failed\""' "$CASE: the reload fails"
vr_check 'new_h1 | grep -q "h1.conf:[0-9]*:[0-9]*: error: "' "$CASE: the log names file:line and the error"
vr_check 'new_h1 | grep -q "keeping the running configuration"' "$CASE: the log says the running configuration is kept"
vr_check '[ "$(addr_count 192.0.2.101)" -eq 1 ]' "$CASE: 192.0.2.101 is still there"
case_end "VI_1|VI_2" ""
BROKEN=no; VI1_VIPS="192.0.2.100/24 192.0.2.101/24"; h1conf

# 8. 192.0.2.101 moves from VI_1 to VI_2, both Masters on h1, in one reload.
case_begin "move a VIP"
vr_watch_start 192.0.2.101 h1 h2
t_move=$(date +%s.%N | cut -c1-14)
VI1_VIPS="192.0.2.100/24"; VI2_VIPS="192.0.2.110/24 192.0.2.101/24"; h1conf
hup_and_wait
sleep 1
vr_watch_stop
vr_check '[ "$(addr_count 192.0.2.101)" -eq 1 ] && [ "$(sa_holders 192.0.2.101 h1 h2)" = h1 ]' \
  "$CASE: 192.0.2.101 is on h1 exactly once"
vr_check '! awk -v t="$t_move" "\$1 >= t && \$2 != \"h1\"" "$SA_TMP/watch" | grep -q .' \
  "$CASE: 192.0.2.101 was never absent nor on h2 during the reload"
j=$(h1json)
vr_check 'echo "$j" | jq -e ".[] | select(.data.iname == \"VI_2\") | .data.vips | any(startswith(\"192.0.2.101/\"))" >/dev/null' \
  "$CASE: VI_2 owns 192.0.2.101 (JSON)"
vr_check '! echo "$j" | jq -e ".[] | select(.data.iname == \"VI_1\") | .data.vips | any(startswith(\"192.0.2.101/\"))" >/dev/null' \
  "$CASE: VI_1 no longer lists it"
case_end "VI_1|VI_2" ""

# Once more, the other way round (VI_2 -> VI_1): the order of the instances must not matter.
case_begin "move a VIP back"
VI1_VIPS="192.0.2.100/24 192.0.2.101/24"; VI2_VIPS="192.0.2.110/24"; h1conf
hup_and_wait
sleep 0.5
vr_check '[ "$(addr_count 192.0.2.101)" -eq 1 ]' "$CASE: 192.0.2.101 is on h1 exactly once"
case_end "VI_1|VI_2" ""

# 9. A flood of HUPs with an unchanged configuration: folded, and nothing moves.
case_begin "HUP flood"
for _ in $(seq 1 30); do kill -HUP "$P1"; sleep 0.01; done
vr_check 'sa_wait 15 eval "new_h1 | grep -q \"Reload complete\""' "$CASE: reloads complete"
sleep 1
n=$(new_h1 | grep -c "Reload complete")
vr_check '[ "$n" -ge 1 ] && [ "$n" -le 30 ]' "$CASE: 30 HUPs folded into $n reload(s)"
case_end "VI_1|VI_2" ""

vr_check '[ "$(grep -c "Entering MASTER STATE" "$SA_TMP/h2.log")" -eq 0 ]' "h2 was never Master"
vr_check 'kill -0 "$P1" && kill -0 "$P2"' "both daemons still run"
sa_stop_pid "$P1"
sa_stop_pid "$P2"
sa_log "reload matrix: $(( $(date +%s) - T0 )) s"
vr_done
