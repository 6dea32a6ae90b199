#!/usr/bin/env bash
# Reloads of the real daemon as an LVS-DR director, under load and write by write.
# The picture of e2e_directors.sh, front LAN only (lib/lvs.sh):
#
#   c (192.0.2.100) ---- front LAN 192.0.2.0/24 ---- dir1 (.1, priority 150), dir2 (.2, 100)
#   r1 r2 r3 r4 (.11-.14, DR: VIP on lo, busybox httpd answering their names)
#
# One VRRP instance (advert_int 1) holds 192.0.2.50; virtual_server 192.0.2.50:80 (rr, DR)
# with r1-r3, each checked by HTTP_GET. Only dir1 (the master) is reloaded; dir2 is the
# backup, there to see that reloads do not upset VRRP. Asserts:
#   1. 20 HUPs to dir1, 0.5 s apart, alternating between two configurations differing in
#      delay_loop and an unrelated virtual_server (192.0.2.70:80) present in one only,
#      while the client requests through the VIP (1 s timeout each, at most 800 requests
#      in 90 s): no request fails, every reload completes, no VRRP transition on either
#      director from the first HUP on, no "Removing service" for r1-r3 (HUPs arriving
#      during a reload are folded into one more reload after it: the count varies);
#   2. IPVS writes per reload, from "netlink_writes" in keepalived_check.json (signal 36,
#      TMPDIR per daemon), before and after one HUP each:
#      0. the same configuration -> 0 writes,
#      a. a changed checker setting only (connect_timeout, delay_loop) -> 0 writes,
#      b. r1's weight 1 -> 3 -> 1 write; ipvsadm shows weight 3, the rest unchanged,
#      c. r4 added -> 1 write,
#      d. an error ('delay_loop' without its value) -> 0 writes, "keeping the running configuration", same table,
#      e. r2's server stopped (r2 leaves the table), then a checker setting changed -> 0 writes,
#         r2 still out (the new checkers start from the state the old ones had);
#   3. TERM to both: exit status 0, no IPVS rules left; no sanitizer report in the logs.
# Figures go to the log and $SA_VM_RESULTS/reload_directors.figures.
set -u
SA_SOURCE_DIR=$(cd "$SA_VM_SRC/../.." && pwd)
export SA_SOURCE_DIR
. "$SA_SOURCE_DIR/tests/lib/netns.sh"
. "$SA_SOURCE_DIR/tests/netns/vrrp/lib/vrrp.sh"
. "$SA_VM_SRC/lib/lvs.sh"
. "$SA_VM_SRC/lib/directors.sh"
client_py=$SA_VM_SRC/lib/http_client.py
VIP=192.0.2.50
OTHER_VIP=192.0.2.70
directors_start reload_directors
declare -A httpd
for i in 1 2 3 4; do lvs_real_server_dr "r$i" "1$i" "$VIP"; httpd[r$i]=$SA_LAST_PID; done

# conf HOST [key=value...]: the configuration of HOST. Keys: delay (delay_loop of the VIP's
# service), timeout (connect_timeout), w1 (r1's weight), r4 (1: r4 in the pool), other (1:
# the unrelated virtual_server 192.0.2.70:80 -> r3), broken (1: 'delay_loop' without its
# value, an error: keepalived stops reading there, exit 2; an unclosed block or an unknown
# keyword are only warnings, for keepalived as for us).
conf() {
  local h=$1; shift
  local delay=1 timeout=1 w1=1 r4=0 other=0 broken=0 kv prio=150 i w
  for kv in "$@"; do local "$kv"; done
  [ "$h" = dir2 ] && prio=100
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
    $VIP/32 dev eth0
  }
}
virtual_server $VIP 80 {
  delay_loop $([ "$broken" = 1 ] || echo "$delay")
  lb_algo rr
  lb_kind DR
  protocol TCP
EOC
  for i in 1 2 3 4; do
    [ $i = 4 ] && [ "$r4" != 1 ] && continue
    w=1; [ $i = 1 ] && w=$w1
    cat <<EOC
  real_server 192.0.2.1$i 80 {
    weight $w
    HTTP_GET {
      url {
        path /
        status_code 200
      }
      connect_timeout $timeout
      retry 1
      delay_before_retry 1
    }
  }
EOC
  done
  echo "}"
  if [ "$other" = 1 ]; then
    cat <<EOC
virtual_server $OTHER_VIP 80 {
  delay_loop 2
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 192.0.2.13 80 {
    weight 1
  }
}
EOC
  fi
  return 0
}
# use HOST key=value...: the new configuration in place, whole (renamed over the old one).
use() { local h=$1; shift; conf "$h" "$@" >"$SA_TMP/$h.conf.new" && mv "$SA_TMP/$h.conf.new" "$SA_TMP/$h.conf"; }

# "SERVICE DEST FORWARD WEIGHT" lines of HOST's IPVS table, sorted.
table() {
  sa_in "$1" ipvsadm -Ln 2>/dev/null |
    awk '$1 == "TCP" { vs = $2; print vs; next } $1 == "->" && $2 != "RemoteAddress:Port" { print vs, $2, $3, $4 }' |
    sort
}
rs_line() { echo "$VIP:80 192.0.2.1$1:80 Route ${2:-1}"; }
base_table=$(printf '%s\n' "$VIP:80" "$(rs_line 1)" "$(rs_line 2)" "$(rs_line 3)" | sort)
table_is() { [ "$(table "$1")" = "$2" ]; }

# Reloads HOST has finished (completed or refused).
reloads_done() { grep -cE "Reload complete|Reload failed" "$SA_TMP/$1.log" 2>/dev/null; }
# hup HOST PID: one HUP, and wait until that reload is finished.
hup() {
  local n; n=$(reloads_done "$1")
  kill -HUP "$2"
  done_more() { [ "$(reloads_done "$1")" -gt "$2" ]; }
  sa_wait 30 done_more "$1" "$n" || fail "$1: the reload after HUP did not finish within 30 s"
}
# writes HOST PID: "netlink_writes" of HOST's keepalived_check.json, freshly dumped.
writes() {
  local f=$SA_TMP/$1-tmp/keepalived_check.json
  rm -f "$f"
  kill -36 "$2"
  sa_wait 10 python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$f" || fail "$1: no $f after signal 36"
  python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["ipvs"]["netlink_writes"])' "$f"
}

for h in dir1 dir2; do use $h; mkdir -p "$SA_TMP/$h-tmp"; done
# The daemon's log straight into a file (its lines carry their own time): vr_start_sa's
# per-line time stamps cost a fork of date(1) a line, and under TCG the log then lags the
# daemon by many seconds, so that counting reloads in it would count too few.
start_director() {
  TMPDIR=$SA_TMP/$1-tmp sa_start "$1" "$(vr_bin)" -n -l -G -f "$SA_TMP/$1.conf" -p "$SA_TMP/$1-s.pid" \
    -r "$SA_TMP/$1-sv.pid" -c "$SA_TMP/$1-sc.pid" 2>>"$SA_TMP/$1.log"
}
start_director dir1; p1=$SA_LAST_PID
start_director dir2; p2=$SA_LAST_PID
vr_wait_holder 60 "$VIP" dir1 dir1 dir2 || fail "dir1 did not become MASTER with $VIP"
for h in dir1 dir2; do
  sa_wait 20 table_is $h "$base_table" || fail "$h's IPVS table: $(table $h | tr '\n' ';')"
done
ok "dir1 MASTER with $VIP; both tables: r1 r2 r3"
# Every checker has had its first result (a first check failing would flip a server).
sleep 3
table_is dir1 "$base_table" || fail "dir1's table changed after start: $(table dir1 | tr '\n' ';')"

# 1. 20 reloads under load.
loop=$SA_TMP/loop.out stop=$SA_TMP/loop.stop
sa_start c python3 "$client_py" "$VIP" 800 0.05 90 "$stop" >"$loop"
client=$SA_LAST_PID
answers_ge() { [ "$(grep -vc ' FAIL$' "$loop" 2>/dev/null)" -ge "$1" ]; }
sa_wait 20 answers_ge 5 || fail "the client loop got no answers: $(tr '\n' ' ' <"$loop")"
r0=$(reloads_done dir1)
w_start=$(writes dir1 "$p1")
# Where the logs stand: VRRP must not move from here on (the start may flap once: both
# directors start as BACKUP and dir2 may time out first).
l1=$(wc -l <"$SA_TMP/dir1.log") l2=$(wc -l <"$SA_TMP/dir2.log")
# Both configurations made beforehand: under TCG every fork costs, and the HUPs are to be
# 0.5 s apart. Each is written to a new file renamed over the configuration.
conf_a=$(conf dir1) conf_b=$(conf dir1 delay=2 other=1)
# Paced by the clock (HUP n at +0.5 n s), waiting with bash's read on a FIFO: no fork.
mkfifo "$SA_TMP/pace"
exec 9<>"$SA_TMP/pace"
t_first=$(now)
start_us=${EPOCHREALTIME/./}
for n in $(seq 1 20); do
  if [ $((n % 2)) = 1 ]; then printf '%s\n' "$conf_b"; else printf '%s\n' "$conf_a"; fi >"$SA_TMP/dir1.conf.new"
  mv "$SA_TMP/dir1.conf.new" "$SA_TMP/dir1.conf"
  kill -HUP "$p1"
  wait_us=$((start_us + n * 500000 - ${EPOCHREALTIME/./}))
  [ "$wait_us" -gt 0 ] && read -r -t "$((wait_us / 1000000)).$(printf '%06d' $((wait_us % 1000000)))" -u 9
done
exec 9>&-
t_last=$(now)
# A HUP arriving during a reload is folded into one more reload after it: 20 HUPs are at
# least 10 reloads; the last one reads the last configuration.
settled() { [ "$(reloads_done dir1)" -gt "$r0" ] && [ "$(reloads_done dir1)" = "$(grep -c "Reloading \.\.\." "$SA_TMP/dir1.log")" ]; }
sa_wait 30 settled || fail "dir1's reloads did not settle"
sleep 1.5   # requests keep going after the last reload
touch "$stop"
sa_wait 10 eval "! kill -0 $client" || true
sa_stop_pid "$client"
reloads=$(( $(reloads_done dir1) - r0 ))
w_end=$(writes dir1 "$p1")
refused=$(grep -c "Reload failed" "$SA_TMP/dir1.log")
total=$(wc -l <"$loop")
failed=$(grep -c ' FAIL$' "$loop")
during=$(awk -v a="$t_first" -v b="$t_last" '$1 >= a && $1 <= b' "$loop" | wc -l)
served=$(awk '$2 != "FAIL" { print $2 }' "$loop" | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
# The writes the configurations read predict: each reload logs "... for N real servers"
# (4: with the unrelated virtual server, whose addition is 2 writes, service and
# destination; 3: without, 1 write, the service's deletion).
planned=$(tail -n +$((l1 + 1)) "$SA_TMP/dir1.log" | grep -o "unique for [0-9]* real servers" |
  awk -v n=3 '{ if ($3 == 4 && n == 3) w += 2; if ($3 == 3 && n == 4) w += 1; n = $3 } END { print w + 0 }')
figure "20 HUPs in $(vr_delta "$t_first" "$t_last") s: $reloads reloads done ($refused refused), $((w_end - w_start)) IPVS writes ($planned planned), $total requests ($during while the HUPs were sent), $failed failed; served: $served"
[ "$refused" = 0 ] || fail "dir1 refused a reload"
[ "$((w_end - w_start))" = "$planned" ] || fail "$((w_end - w_start)) IPVS writes during the reloads, $planned planned"
[ "$reloads" -ge 2 ] || fail "only $reloads reloads for 20 HUPs"
[ "$failed" = 0 ] || fail "$failed of $total requests failed: $(grep -B2 -A2 ' FAIL$' "$loop" | head -20 | tr '\n' ' ')"
[ "$total" -ge 20 ] || fail "only $total requests"
for r in r1 r2 r3; do [[ " $served" == *" $r:"* ]] || fail "$r served nothing: $served"; done
# VRRP: no state entered on either director since before the first HUP.
transitions=$( (tail -n +$((l1 + 1)) "$SA_TMP/dir1.log"; tail -n +$((l2 + 1)) "$SA_TMP/dir2.log") | grep "Entering" || true)
[ -z "$transitions" ] || fail "VRRP transitions during the reloads: $transitions"
removed=$(grep -E "Removing service \[?192\.0\.2\.1[123]\]?:(tcp:)?80 from VS \[?$VIP" "$SA_TMP/dir1.log" || true)
[ -z "$removed" ] || fail "dir1 removed unchanged real servers: $removed"
table_is dir1 "$base_table" || fail "dir1's table after the reloads: $(table dir1 | tr '\n' ';')"
vr_expect_holder "$VIP" dir1 dir1 dir2
ok "20 HUPs under load: $total requests, none failed; no VRRP transition, no real server removed"


# 2. IPVS writes per reload.
step() {   # step NAME EXPECTED key=value...
  local name=$1 want=$2; shift 2
  local w0 w1 d
  w0=$(writes dir1 "$p1")
  log_at=$(wc -l <"$SA_TMP/dir1.log")
  use dir1 "$@"
  hup dir1 "$p1"
  sleep 1   # the reconciler's writes are posted to the loop after the reload
  w1=$(writes dir1 "$p1")
  d=$((w1 - w0))
  figure "reload $name: $d IPVS writes (netlink_writes $w0 -> $w1), expected $want"
  [ "$d" = "$want" ] || fail "reload $name: $d IPVS writes, expected $want"
}
before=$(table dir1)
step "(0) the same configuration" 0
[ "$(table dir1)" = "$before" ] || fail "(0) changed the table: $(table dir1 | tr '\n' ';')"
step "(a) connect_timeout 1 -> 2, delay_loop 1 -> 3" 0 timeout=2 delay=3
[ "$(table dir1)" = "$before" ] || fail "(a) changed the table: $(table dir1 | tr '\n' ';')"
step "(b) r1's weight 1 -> 3" 1 timeout=2 delay=3 w1=3
want=$(printf '%s\n' "$VIP:80" "$(rs_line 1 3)" "$(rs_line 2)" "$(rs_line 3)" | sort)
table_is dir1 "$want" || fail "(b) table: $(table dir1 | tr '\n' ';'), expected $(echo "$want" | tr '\n' ';')"
sa_in dir1 ipvsadm -Ln
step "(c) r4 added" 1 timeout=2 delay=3 w1=3 r4=1
want=$(printf '%s\n' "$want" "$(rs_line 4)" | sort)
table_is dir1 "$want" || fail "(c) table: $(table dir1 | tr '\n' ';'), expected $(echo "$want" | tr '\n' ';')"
step "(d) an error ('delay_loop' without its value)" 0 timeout=2 delay=3 w1=3 r4=1 broken=1
tail -n +$((log_at + 1)) "$SA_TMP/dir1.log" | grep -q "keeping the running configuration" || fail "(d): no 'keeping the running configuration'"
table_is dir1 "$want" || fail "(d) table: $(table dir1 | tr '\n' ';'), expected $(echo "$want" | tr '\n' ';')"
# e. r2's server stops (its destination leaves: 1 write), then a checker setting changes:
#    the new checkers start from r2's carried state (down), so 0 writes and r2 stays out.
sa_stop_pid "${httpd[r2]}"
no_r2() { ! table dir1 | grep -q ' 192.0.2.12:80 '; }
sa_wait 15 no_r2 || fail "r2 still in dir1's table 15 s after its server stopped"
want=$(grep -v ' 192.0.2.12:80 ' <<<"$want")
step "(e) r2 down, connect_timeout 2 -> 1" 0 timeout=1 delay=3 w1=3 r4=1
sleep 3   # a few checks of the new checkers
table_is dir1 "$want" || fail "(e) table: $(table dir1 | tr '\n' ';'), expected $(echo "$want" | tr '\n' ';')"
step "(f) virtual_server $OTHER_VIP:80 added" 2 timeout=1 delay=3 w1=3 r4=1 other=1
step "(g) virtual_server $OTHER_VIP:80 removed" 1 timeout=1 delay=3 w1=3 r4=1
ok "IPVS writes per reload: 0 (same), 0 (checker setting), 1 (weight), 1 (real server added), 0 (error), 0 (checker setting, a server down)"

# 3. Stop.
for p in "$p1" "$p2"; do kill -TERM "$p"; done
t_term=$(now)
for h in dir1 dir2; do
  p=$p1; [ $h = dir2 ] && p=$p2
  sa_wait 20 eval "! kill -0 $p" || fail "$h did not exit within 20 s of TERM"
  wait "$p"; rc=$?
  [ "$rc" = 0 ] || fail "$h exited with $rc after TERM"
  [ -z "$(table $h)" ] || fail "$h left IPVS rules: $(table $h | tr '\n' ';')"
done
figure "both stopped $(vr_delta "$t_term" "$(now)") s after TERM, exit status 0, no IPVS rules left"
! sa_has_addr dir1 "$VIP" || fail "dir1 left $VIP configured"
! grep -l "Sanitizer" "$SA_TMP"/dir1.log "$SA_TMP"/dir2.log || fail "a sanitizer report in a daemon's log"
echo "ok: 20 reloads under load without a lost request; IPVS writes per reload as planned; clean stop"
