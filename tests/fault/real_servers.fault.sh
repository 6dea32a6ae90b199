#!/usr/bin/env bash
# Hostile real servers against the real daemon (stayalived -C): one that trickles its head a
# byte at a time, one that never answers, one with an endless head, one with an endless
# body, a TLS server that never answers the ClientHello and one that answers it with bytes
# that are not TLS, next to a proper one. Each hostile server must be marked down within
# the bound its timers give (the daemon says why), the proper one must stay up and be
# checked on schedule all along, the daemon must not keep connections open to them nor
# grow in memory or descriptors, and TERM must end it at once with checks in flight.
set -u
. "$(dirname "$0")/../lib/netns.sh"
sa_require_root
sa_need python3
sa_setup
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
servers="$(dirname "$0")/hostile_http.py"
fail=0

# The timers, and the bound they give. An HTTP exchange may take connect_timeout per step
# and 3 x connect_timeout (at least 1 s) in all (stayalived.conf(5), HTTP_GET); a server is
# down at the (retry+1)-th failed attempt, retries delay_before_retry apart, the first
# attempt at most delay_loop after the start (a checker's very first failure takes it down
# at once, as keepalived's does: the bound is an upper one). A loaded machine (ASan, CI) stretches that:
# LOAD x it + SLACK, as the checker scenarios allow (tests/netns/check/common.sh).
DELAY=2 RETRY=1 DBR=1 CT=1
ATTEMPT=$(( 3 * CT ))
LOAD=${SA_CHECK_LOAD:-2} SLACK=${SA_CHECK_SLACK:-2}
DOWN_BOUND=$(( LOAD * (DELAY + (RETRY + 1) * ATTEMPT + RETRY * DBR) + SLACK ))
modes=(good trickle silent headers body tls_stall tls_junk)
base=8000

sa_host lb 1
sa_host rs 2
mkdir -p "$SA_TMP/srv"
sa_start rs python3 "$servers" 192.0.2.2 "$base" "$SA_TMP/srv" 240
srv=$SA_LAST_PID
sa_wait 10 sa_in rs sh -c "ss -ltn | grep -q ':$((base + ${#modes[@]} - 1)) '" || sa_fail "the hostile servers did not start"

digest=$(printf 'hello\n' | md5sum | cut -d' ' -f1)
{
  cat <<CONF
global_defs {
  router_id lb1
}
virtual_server 192.0.2.100 80 {
  delay_loop $DELAY
  lb_algo rr
  lb_kind NAT
  protocol TCP
CONF
  for i in "${!modes[@]}"; do
    kind=HTTP_GET
    case ${modes[$i]} in tls_*) kind=SSL_GET ;; esac
    cat <<CONF
  real_server 192.0.2.2 $((base + i)) {
    $kind {
      url {
        path /
        digest $digest
      }
      connect_timeout $CT
      retry $RETRY
      delay_before_retry $DBR
    }
  }
CONF
  done
  echo "}"
} >"$SA_TMP/k.conf"

log="$SA_TMP/lb.log"
t0=$(date +%s)
sa_start lb env TMPDIR="$SA_TMP" "$bin" -n -l -G -C -f "$SA_TMP/k.conf" -p "$SA_TMP/s.pid" -c "$SA_TMP/c.pid" 2>"$log"
lb=$SA_LAST_PID
down_line() { grep -E "(HTTP_GET|SSL_GET) on service \[192.0.2.2\]:tcp:$1 is down" "$log"; }
all_down() {
  local i
  for i in $(seq 1 $(( ${#modes[@]} - 1 ))); do down_line $((base + i)) >/dev/null || return 1; done
}
sa_check 'sa_wait $DOWN_BOUND all_down' "every hostile server is down within ${DOWN_BOUND} s"
sa_log "down after $(( $(date +%s) - t0 )) s from the start"
# Why each went down, as the line after keepalived's says it (a glob).
declare -A why=(
  [trickle]="read timeout (response not complete within 3 x connect_timeout)"
  [silent]="read timeout (no response)"
  [headers]="protocol error (response head over 4095 bytes)"
  [body]="read timeout (response not complete within 3 x connect_timeout)"
  [tls_stall]="TLS handshake failed (TLS handshake timeout)"
  [tls_junk]="TLS handshake failed (*)"   # OpenSSL's reason
)
for i in $(seq 1 $(( ${#modes[@]} - 1 ))); do
  m=${modes[$i]}
  line=$(down_line $((base + i)) | head -1)
  sa_check '[[ "${line#*is down: }" == ${why[$m]} ]]' "$m: ${line#*: }"
done
sa_check '! down_line $base' "the proper server is never down"

conns() { wc -l <"$SA_TMP/srv/$1.conns" 2>/dev/null || echo 0; }
fds() { ls "/proc/$lb/fd" 2>/dev/null | wc -l; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$lb/status"; }
open_to_hostile() {   # connections the daemon holds to the hostile servers now
  sa_in lb ss -Htn state established "( dport >= :$((base + 1)) and dport <= :$((base + ${#modes[@]} - 1)) )" | wc -l
}

# A window in which the hostile servers go on being checked (a down server still is).
good0=$(conns good) fds0=$(fds) rss0=$(rss_kb)
sleep 12
good1=$(conns good) fds1=$(fds) rss1=$(rss_kb)
want=$(( 12 / DELAY / LOAD ))
sa_check '[ $((good1 - good0)) -ge $want ]' "the proper server is checked on schedule: $((good1 - good0)) checks in 12 s (delay_loop $DELAY, at least $want)"
for m in "${modes[@]:1}"; do
  sa_check '[ "$(conns "$m")" -ge 2 ]' "$m: checked again after it went down ($(conns "$m") connections)"
done
held=$(open_to_hostile)
sa_check '[ "$held" -le $(( ${#modes[@]} - 1 )) ]' "at most one connection per hostile server open at a time (now $held)"
sa_check '[ "$fds1" -le $((fds0 + ${#modes[@]})) ]' "descriptors bounded: $fds0 then $fds1"
sa_check '[ "$rss1" -le $((rss0 + 65536)) ]' "memory bounded: RSS $((rss0 / 1024)) MB then $((rss1 / 1024)) MB"
for m in headers body; do
  per=$(awk '{ s += $1; n++ } END { if (n) printf "%d", s / n; else print 0 }' "$SA_TMP/srv/$m.bytes" 2>/dev/null)
  sa_log "$m: the server got rid of $per bytes per connection on average"
done
sa_check 'kill -0 $lb' "the daemon is still running"

sa_term "$lb" 20; ms=$SA_TERM_MS
sa_check '! kill -0 $lb 2>/dev/null' "TERM with checks in flight: the daemon exits"
sa_check '[ "$ms" -lt 10000 ]' "it exits within 10 s (took $ms ms)"
sa_check 'grep -q "Stopped Stayalived" "$log"' "a clean stop"
no_conns() { [ "$(sa_in lb ss -Htn state established | wc -l)" -eq 0 ]; }
sa_check 'sa_wait 5 no_conns' "no connection left behind"
sa_stop_pid "$lb"
sa_stop_pid "$srv"
[ -n "${SA_KEEP_LOG:-}" ] && cp "$log" "$SA_KEEP_LOG"
exit $fail
