#!/usr/bin/env bash
# End to end: the real daemon as two LVS directors, VRRP holding the VIPs, checkers driving
# IPVS, HTTP from a client through LVS-DR and LVS-NAT to busybox httpd real servers that
# answer their own names. All in namespaces made here (lib/lvs.sh):
#
#   c (192.0.2.100) ---- front LAN 192.0.2.0/24 ---- dir1 (.1, priority 150), dir2 (.2, 100)
#   r1 r2 r3 (.11-.13, DR: VIP on lo)                  |  eth1
#   r4 r5 (203.0.113.14-.15, NAT) ---- back LAN 203.0.113.0/24 (gateway: VIP .254)
#
# One VRRP instance (advert_int 1) holds 192.0.2.50 (DR service), 192.0.2.60 (NAT service)
# and 203.0.113.254 (the NAT real servers' gateway). Both directors program IPVS; only the
# master holds the VIPs. Asserts:
#   1. dir1 becomes MASTER and holds the VIPs; both directors' IPVS tables hold both
#      services with every real server;
#   2. the client sees round robin through both services;
#   3. dir1 dies (kill -9 of its daemon, then its links cut: a killed daemon leaves its VIPs
#      and IPVS rules in the kernel, which would go on forwarding) while the client keeps
#      requesting: requests resume through dir2 (its IPVS counters grow) within 10 s;
#   4. r2's httpd stops: its destination leaves dir2's table within the checker's bound, and
#      every later request is answered, none by r2;
#   5. TERM to dir2: exit status 0, its IPVS services and its VIPs are gone; neither
#      daemon's log has a sanitizer report.
# Figures (failover gap, health removal time) go to the log and $SA_VM_RESULTS/e2e_directors.figures.
set -u
SA_SOURCE_DIR=$(cd "$SA_VM_SRC/../.." && pwd)
export SA_SOURCE_DIR
. "$SA_SOURCE_DIR/tests/lib/netns.sh"
. "$SA_SOURCE_DIR/tests/netns/vrrp/lib/vrrp.sh"
. "$SA_VM_SRC/lib/lvs.sh"
. "$SA_VM_SRC/lib/directors.sh"
client_py=$SA_VM_SRC/lib/http_client.py
DR_VIP=192.0.2.50
NAT_VIP=192.0.2.60
GW_VIP=$LVS_BACK.254
directors_start e2e_directors
declare -A httpd
for i in 1 2 3; do lvs_real_server_dr "r$i" "1$i" "$DR_VIP"; httpd[r$i]=$SA_LAST_PID; done
for i in 4 5; do lvs_real_server_nat "r$i" "1$i" "$GW_VIP"; httpd[r$i]=$SA_LAST_PID; done

# The same configuration on both directors but for the priority.
checked_rs() {
  cat <<EOC
  real_server $1 80 {
    weight 1
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }
  }
EOC
}
for h in dir1 dir2; do
  prio=150; [ $h = dir2 ] && prio=100
  {
    cat <<EOC
global_defs {
  router_id $h
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int 1
  virtual_ipaddress {
    $DR_VIP/32 dev eth0
    $NAT_VIP/32 dev eth0
    $GW_VIP/24 dev eth1
  }
}
virtual_server $DR_VIP 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
EOC
    for i in 1 2 3; do checked_rs "192.0.2.1$i"; done
    cat <<EOC
}
virtual_server $NAT_VIP 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
EOC
    for i in 4 5; do checked_rs "$LVS_BACK.1$i"; done
    echo "}"
  } >"$SA_TMP/$h.conf"
done

# "SERVICE DEST FORWARD WEIGHT" lines of HOST's IPVS table, sorted.
table() {
  sa_in "$1" ipvsadm -Ln 2>/dev/null |
    awk '$1 == "TCP" { vs = $2; print vs; next } $1 == "->" && $2 != "RemoteAddress:Port" { print vs, $2, $3, $4 }' |
    sort
}
full_table=$(printf '%s\n' "$DR_VIP:80" "$DR_VIP:80 192.0.2.11:80 Route 1" "$DR_VIP:80 192.0.2.12:80 Route 1" \
  "$DR_VIP:80 192.0.2.13:80 Route 1" "$NAT_VIP:80" "$NAT_VIP:80 $LVS_BACK.14:80 Masq 1" \
  "$NAT_VIP:80 $LVS_BACK.15:80 Masq 1" | sort)
table_is() { [ "$(table "$1")" = "$2" ]; }
# Connections IPVS scheduled for SERVICE on HOST.
conns() { sa_in "$1" ipvsadm -Ln --stats 2>/dev/null | awk -v s="$2" '$1 == "TCP" && $2 == s { print $3; f = 1 } END { if (!f) print 0 }'; }
# round_robin "A B C A B C" "A B C": every server once per cycle, in a fixed order.
round_robin() {
  local got set n i s
  read -ra got <<<"$1"
  read -ra set <<<"$2"
  n=${#set[@]}
  [ "${#got[@]}" -ge "$n" ] || return 1
  for ((i = n; i < ${#got[@]}; i++)); do [ "${got[i]}" = "${got[i - n]}" ] || return 1; done
  for s in "${set[@]}"; do [[ " ${got[*]:0:n} " == *" $s "* ]] || return 1; done
}
# fetch VIP N: N requests in a row from the client; the bodies on one line.
fetch() { sa_in c python3 "$client_py" "$1" "$2" 0 30 | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//'; }

# VRRP adverts and gratuitous ARPs on the front LAN: the takeover time from the wire.
sa_capture sw br0 "$SA_TMP/wire.pcap" "ip proto 112 or arp"
t_start=$(now)
vr_start_sa dir1 "$SA_TMP/dir1.conf"; p1=$SA_LAST_PID
vr_start_sa dir2 "$SA_TMP/dir2.conf"; p2=$SA_LAST_PID

# 1. dir1 is MASTER with every VIP; both directors have the whole table.
vr_wait_holder 60 "$DR_VIP" dir1 dir1 dir2 || fail "dir1 did not become MASTER with $DR_VIP"
for a in "$NAT_VIP" "$GW_VIP"; do vr_expect_holder "$a" dir1 dir1 dir2; done
figure "dir1 seen MASTER $(vr_delta "$t_start" "$(now)") s after the daemons were started (seen by polling, which lags under TCG)"
ok "dir1 holds $DR_VIP $NAT_VIP $GW_VIP, dir2 none"
for h in dir1 dir2; do
  sa_wait 20 table_is $h "$full_table" || fail "$h's IPVS table: $(table $h | tr '\n' ';'), expected $(echo "$full_table" | tr '\n' ';')"
  ok "$h's IPVS table: both services, every real server"
done
sa_in dir1 ipvsadm -Ln

# 2. Round robin through the master.
answers=$(fetch "$DR_VIP" 6)
echo "DR:  $answers"
round_robin "$answers" "r1 r2 r3" || fail "LVS-DR: not round robin over r1 r2 r3: $answers"
answers=$(fetch "$NAT_VIP" 4)
echo "NAT: $answers"
round_robin "$answers" "r4 r5" || fail "LVS-NAT: not round robin over r4 r5: $answers"
ok "round robin through dir1 (DR and NAT)"

# 3. dir1 dies while the client keeps asking (at most 200 requests, 0.1 s apart, 60 s).
loop=$SA_TMP/loop.out stop=$SA_TMP/loop.stop
before2=$(conns dir2 "$DR_VIP:80")
sa_start c python3 "$client_py" "$DR_VIP" 200 0.1 60 "$stop" >"$loop"
client=$SA_LAST_PID
answers_ge() { [ "$(grep -vc ' FAIL$' "$loop" 2>/dev/null)" -ge "$1" ]; }
sa_wait 20 answers_ge 5 || fail "the client loop got no answers: $(tr '\n' ' ' <"$loop")"
t_kill=$(now)
sa_stop_pid "$p1" KILL
sa_in dir1 ip link set eth0 down
sa_in dir1 ip link set eth1 down
t_cut=$(now)
vr_wait_holder 15 "$DR_VIP" dir2 dir2 || fail "dir2 did not take $DR_VIP"
t_master2=$(now)   # when polling saw it: late under load, the wire has the real times
after_kill() { awk -v t="$t_kill" '$1 >= t' "$loop"; }
answers_after_ge() { [ "$(awk -v t="$t_master2" '$1 >= t && $2 != "FAIL"' "$loop" | wc -l)" -ge "$1" ]; }
sa_wait 20 answers_after_ge 6 || fail "requests did not resume through dir2: $(after_kill | tr '\n' ' ')"
touch "$stop"
sa_wait 10 eval "! kill -0 $client" || true
sa_stop_pid "$client"
# The outage: the longest time between two answers from 1 s before the kill on (requests
# already under way when the links go still get their answers through dir1's kernel).
read -r gap gap_from gap_to < <(awk -v t="$t_kill" '$1 >= t - 1 && $2 != "FAIL" {
    if (p != "" && $1 - p > g) { g = $1 - p; a = p; b = $1 }; p = $1 }
  END { printf "%.3f %.3f %.3f\n", g, a, b }' "$loop")
failed=$(after_kill | awk '$2 == "FAIL"' | wc -l)
total=$(after_kill | wc -l)
echo "client, from the kill on: $(after_kill | cut -d' ' -f2 | tr '\n' ' ')"
# From the wire: dir1's last advert, dir2's first advert and first gratuitous ARP as MASTER.
adverts=$(vr_adverts "$SA_TMP/wire.pcap")
first2=$(awk -v t="$t_kill" '$1 >= t && $2 == "192.0.2.2" { print $1; exit }' <<<"$adverts")
last1=$(awk -v t="${first2:-0}" '$1 < t && $2 == "192.0.2.1" { l = $1 } END { print l }' <<<"$adverts")
garp2=$(tcpdump -r "$SA_TMP/wire.pcap" -nn -tt arp 2>/dev/null |
  awk -v t="$t_kill" -v a="$DR_VIP" '$1 >= t && index($0, "who-has " a " (ff:ff:ff:ff:ff:ff) tell " a) { print $1; exit }')
[ -n "$last1" ] && [ -n "$first2" ] && [ -n "$garp2" ] || fail "no takeover on the wire (dir1 last advert '$last1', dir2 first '$first2', GARP '$garp2')"
figure "failover: dir2's first advert $(vr_delta "$last1" "$first2") s after dir1's last (Master_Down_Interval 3 x 1 s + (256-100)/256 = 3.609 s), its first gratuitous ARP for $DR_VIP $(vr_delta "$last1" "$garp2") s after; dir1's links cut $(vr_delta "$t_kill" "$t_cut") s after the kill -9"
figure "failover: $failed of $total requests failed (1 s timeouts, 0.1 s apart); the client had no answer for $gap s (from +$(vr_delta "$t_kill" "$gap_from") to +$(vr_delta "$t_kill" "$gap_to") s after the kill)"
awk -v g="$gap" 'BEGIN { exit !(g < 10) }' || fail "failover gap $gap s, expected under 10 s"
resumed=$(after_kill | awk '$2 != "FAIL" { print $2 }' | tail -n 6 | tr '\n' ' ' | sed 's/ $//')
round_robin "$resumed" "r1 r2 r3" || fail "after failover, not round robin over r1 r2 r3: $resumed"
after2=$(conns dir2 "$DR_VIP:80")
[ "$after2" -gt "$before2" ] || fail "dir2's IPVS scheduled no connection ($before2 -> $after2)"
ok "requests resumed through dir2 (its IPVS scheduled $((after2 - before2)) connections) in $gap s"
answers=$(fetch "$NAT_VIP" 4)
echo "NAT through dir2: $answers"
round_robin "$answers" "r4 r5" || fail "LVS-NAT through dir2: $answers"
ok "LVS-NAT through dir2 (gateway $GW_VIP moved)"

# 4. r2's server stops: delay_loop 1, retry 1, delay_before_retry 1, connect_timeout 1
#    (refused at once here): out of the pool after ~2 s, bound 10 s (TCG, ASan).
t_down=$(now)
sa_stop_pid "${httpd[r2]}"
no_r2() { ! table dir2 | grep -q ' 192.0.2.12:80 '; }
sa_wait 10 no_r2 || fail "r2 still in dir2's table 10 s after its server stopped: $(table dir2 | tr '\n' ';')"
figure "health: r2 removed from dir2's table $(vr_delta "$t_down" "$(now)") s after its server stopped"
table dir2 | grep -q " 192.0.2.11:80 Route 1" && table dir2 | grep -q " 192.0.2.13:80 Route 1" ||
  fail "dir2's table lost more than r2: $(table dir2 | tr '\n' ';')"
answers=$(fetch "$DR_VIP" 6)
echo "DR without r2: $answers"
[[ " $answers " != *" r2 "* && " $answers " != *" FAIL "* ]] || fail "after r2 left the pool: $answers"
round_robin "$answers" "r1 r3" || fail "LVS-DR without r2: not round robin over r1 r3: $answers"
ok "r2 left the pool; every request answered by r1 or r3"

# 5. Clean stop of dir2.
kill -TERM "$p2"
t_term=$(now)
sa_wait 20 eval "! kill -0 $p2" || fail "dir2 did not exit within 20 s of TERM"
wait "$p2"; rc=$?
figure "dir2 stopped $(vr_delta "$t_term" "$(now)") s after TERM, exit status $rc"
[ "$rc" = 0 ] || fail "dir2 exited with $rc after TERM"
[ -z "$(table dir2)" ] || fail "dir2 left IPVS rules: $(table dir2 | tr '\n' ';')"
for a in "$DR_VIP" "$NAT_VIP" "$GW_VIP"; do
  sa_has_addr dir2 "$a" && fail "dir2 left $a configured"
done
ok "dir2 exited 0 and removed its IPVS services and VIPs"
! grep -l "Sanitizer" "$SA_TMP"/dir1.log "$SA_TMP"/dir2.log || fail "a sanitizer report in a daemon's log"
echo "ok: two stayalived directors: VRRP failover, IPVS on both, health checks, clean stop"
