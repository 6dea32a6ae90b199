#!/usr/bin/env bash
# TCP_CHECK against busybox httpd on two real servers in namespaces. Each failure is
# injected on rs1 only: the server stops (refused), packets are dropped with nftables
# (timeout), SYNs get a TCP reset, ICMP host unreachable; rs1 must go down and come back
# within the bounds keepalived.conf(5) implies, rs2 must never move, and the notify
# scripts get the argv as configured.
#
# Timing (common.sh): delay_loop 1, retry 1, delay_before_retry 1, connect_timeout 1; every
# wait and bound comes from them, and each removal's run-up is checked on the harness's
# own timeline (attempts, outcomes, retry spacing).
set -eu
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/common.sh"
check_setup
check_timers 1 1 1 1   # delay_loop retry delay_before_retry connect_timeout
HANG=$(hang_limit)

sa_host lb 1
sa_host rs1 2
sa_host rs2 3
mkdir -p "$SA_TMP/www"
echo hello >"$SA_TMP/www/index.html"
start_httpd() { sa_start "$1" busybox httpd -f -p 80 -h "$SA_TMP/www"; eval "HTTPD_$1=\$SA_LAST_PID"; }
start_httpd rs1
start_httpd rs2

cat >"$SA_TMP/notify.sh" <<'SH'
#!/bin/sh
# One line per call: the arguments, separated by '|'.
out=""
for a in "$@"; do out="$out|$a"; done
echo "${out#|}" >>"$(dirname "$0")/notify.log"
SH
chmod +x "$SA_TMP/notify.sh"

start_harness lb "${TIMERS[@]}" --alpha \
  --log-all-failures --notify-up "$SA_TMP/notify.sh up 'arg two'" --notify-down "$SA_TMP/notify.sh down" \
  --fifo "$SA_TMP/fifo.log" --check tcp:192.0.2.2:80 --check tcp:192.0.2.3:80 --duration 200 >"$OUT"

# alpha: both start down and come up at their first check (first checks spread over 1 s).
t=$(wait_line 'Adding service \[192.0.2.2\]:tcp:80' "$HANG"); within "$t" "$(back_bound fast)" "rs1 up at start"
wait_line 'Adding service \[192.0.2.3\]:tcp:80' "$HANG" >/dev/null
wait_count '^up[|]arg two$' "$SA_TMP/notify.log" 2 5 || sa_fail "notify_up argv: $(cat "$SA_TMP/notify.log" 2>&1)"

down_and_back() { # NAME fast|timeout OUTCOME
  local name=$1 kind=$2 outcome=$3 n
  n=$(( $(count 'Removing service \[192.0.2.2\]' "$OUT") + 1 ))
  local t0; t0=$(now)
  inject
  wait_line 'Removing service \[192.0.2.2\]:tcp:80 from VS' "$n" "$HANG" >/dev/null || sa_fail "$name: rs1 not down"
  within "$(event_after 'Removing service \[192.0.2.2\]:tcp:80 from VS' "$n" "$t0")" "$(down_bound "$kind")" \
    "$name: rs1 down"
  runup_is '\[192.0.2.2\]:tcp:80' TCP_CHECK '\[192.0.2.2\]:tcp:80' "$outcome" "$n" "$t0"
  t0=$(now)
  repair
  wait_line 'Adding service \[192.0.2.2\]:tcp:80' $(( n + 1 )) "$HANG" >/dev/null || sa_fail "$name: rs1 not back"
  within "$(event_after 'Adding service \[192.0.2.2\]:tcp:80' $(( n + 1 )) "$t0")" "$(back_bound fast)" "$name: rs1 back"
}

# (|| true: sa_stop_pid returns the status of `wait` under set -e)
inject() { sa_stop_pid "$HTTPD_rs1" || true; }
repair() { start_httpd rs1; }
down_and_back "refused" fast "connection refused"

inject() { nft_in rs1 tcp dport 80 drop; }
repair() { nft_flush rs1; }
down_and_back "timeout (nftables drop)" timeout "connection timeout"

inject() { nft_in rs1 tcp dport 80 reject with tcp reset; }
down_and_back "reset" fast "connection refused"

inject() { nft_in rs1 tcp dport 80 reject with icmp type host-unreachable; }
down_and_back "host unreachable" fast "unreachable"

# rs2 never left; the notify scripts and FIFO saw every transition of rs1.
grep -q 'Removing service \[192.0.2.3\]' "$OUT" && sa_fail "rs2 was removed"
wait_count '^down$' "$SA_TMP/notify.log" 4 5 || sa_fail "notify_down calls: $(cat "$SA_TMP/notify.log")"
wait_count '^up[|]arg two$' "$SA_TMP/notify.log" 6 5 || sa_fail "notify_up calls: $(cat "$SA_TMP/notify.log")"
[ "$(count '^RS \[192.0.2.2\]:tcp:80 \[192.0.2.100\]:tcp:80 DOWN$' "$SA_TMP/fifo.log")" = 4 ] ||
  sa_fail "FIFO lines: $(cat "$SA_TMP/fifo.log")"
echo "ok: TCP_CHECK up/down on refused, timeout, reset and unreachable, within bounds"
