# shellcheck shell=bash
# Shared by the checker scenarios: the harness binary, waiting for its log lines, timing.
#   check_setup            skip unless root + harness + busybox + nft + python3
#   wait_line PAT [N] S    wait until the harness output has N lines matching PAT (grep -E),
#                          at most S seconds; prints the seconds it took
#   nft_in HOST RULE       add RULE to an input chain in HOST ("tcp dport 80 drop")
#   nft_flush HOST         remove our table from HOST
HARNESS="${SA_BIN_DIR:-}/sa-check-harness"

check_setup() {
  sa_require_root
  sa_need_file "$HARNESS"
  sa_need busybox nft python3
  sa_setup
  OUT="$SA_TMP/harness.out"
  : >"$OUT"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

wait_line() {
  local pat=$1 n=1 limit
  if [ $# -eq 3 ]; then n=$2; limit=$3; else limit=$2; fi
  local start; start=$(now)
  local deadline=$(( $(date +%s) + limit ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    if [ "$(grep -cE -- "$pat" "$OUT" 2>/dev/null)" -ge "$n" ]; then
      elapsed "$start"
      return 0
    fi
    sleep 0.05
  done
  sa_log "no '$pat' (x$n) within ${limit}s; harness output:"
  tail -30 "$OUT" >&2
  return 1
}

# within ELAPSED BOUND WHAT: fail unless ELAPSED <= BOUND.
within() {
  awk -v e="$1" -v b="$2" 'BEGIN { exit !(e <= b) }' || sa_fail "$3 took ${1}s, bound ${2}s"
  sa_log "$3 after ${1}s (bound ${2}s)"
}

nft_in() {
  local host=$1; shift
  sa_in "$host" nft add table inet satest 2>/dev/null || true
  sa_in "$host" nft add chain inet satest input '{ type filter hook input priority 0; }' 2>/dev/null || true
  sa_in "$host" nft add rule inet satest input "$@"
}

nft_flush() { sa_in "$1" nft delete table inet satest 2>/dev/null || true; }

# count PATTERN FILE: number of matching lines (0 when none, without failing under set -e).
count() { grep -cE -- "$1" "$2" 2>/dev/null || true; }

# wait_count PATTERN FILE N SECONDS: wait until FILE has N lines matching PATTERN.
wait_count() {
  local deadline=$(( $(date +%s) + $4 ))
  while [ "$(date +%s)" -le "$deadline" ]; do
    [ "$(count "$1" "$2")" = "$3" ] && return 0
    sleep 0.05
  done
  return 1
}

# start_harness HOST ARGS...: the harness in HOST, output in $OUT; HSTART is when it started
# (its timestamps count from there), as its first line ("START <epoch>") says.
start_harness() {
  local host=$1; shift
  sa_start "$host" "$HARNESS" "$@"
  HSTART=""
}
harness_start() {
  if [ -z "$HSTART" ]; then
    wait_line '^[0-9.]+ START ' 30 >/dev/null || sa_fail "the harness did not start"
    HSTART=$(sed -n 's/^[0-9.]* START \([0-9.]*\)$/\1/p' "$OUT" | head -1)
  fi
  echo "$HSTART"
}

# event_after PATTERN N T0: seconds from T0 to the N-th harness line matching PATTERN, from
# the harness's own timestamp (not from when this script noticed it).
event_after() {
  local t
  t=$(grep -E -- "$1" "$OUT" | sed -n "${2}p" | cut -d' ' -f1)
  awk -v h="$(harness_start)" -v t="$t" -v t0="$3" 'BEGIN { printf "%.2f", h + t - t0 }'
}

# ---- Waits and bounds derived from the configured checker timers (keepalived.conf(5)).
# A failure appears at T0. The next check starts at most delay_loop later; each failed
# attempt is retried delay_before_retry after it; the real server goes down at the
# (retry+1)-th failure. An attempt that is answered fails at once; one that times out
# takes connect_timeout. So on an idle machine:
#   down within   delay_loop + (retry+1) x attempt + retry x delay_before_retry
#   back within   delay_loop + attempt          (one success; alpha/omega aside)
# A loaded machine (ASan, both cores busy, CI) only makes events later, so the wall-clock
# bounds allow LOAD x that + SLACK (SA_CHECK_LOAD, default 2; SA_CHECK_SLACK, default 2),
# and the exact timers are asserted on the harness's own timeline instead (runup_is),
# which load does not stretch: the number of attempts, what each one logged, and the
# retry spacing, never shorter than delay_before_retry.
#   check_timers DELAY RETRY DBR CT   sets them (and TIMERS, the harness's flags)
#   down_bound fast|timeout           seconds allowed for "down" (with LOAD and SLACK)
#   back_bound fast|timeout           seconds allowed for "back"
#   hang_limit                        seconds to wait for any expected line at all
check_timers() {
  T_DELAY=$1 T_RETRY=$2 T_DBR=$3 T_CT=$4
  TIMERS=(--delay-loop "$1" --retry "$2" --delay-before-retry "$3" --connect-timeout "$4")
  LOAD=${SA_CHECK_LOAD:-2}
  SLACK=${SA_CHECK_SLACK:-2}
}
attempt_time() { [ "$1" = timeout ] && echo "$T_CT" || echo 0; }
down_bound() {
  local a; a=$(attempt_time "$1")
  echo $(( LOAD * (T_DELAY + (T_RETRY + 1) * a + T_RETRY * T_DBR) + SLACK ))
}
back_bound() { echo $(( LOAD * (T_DELAY + $(attempt_time "$1")) + SLACK )); }
hang_limit() { echo $(( 2 * $(down_bound timeout) + 10 )); }

# runup_is ADDR CHECKER CADDR OUTCOME N T0: the harness's lines before the N-th removal of
# ADDR (regexes as in the log) are exactly those of the timers: since ADDR was last added,
# CHECKER on CADDR failed RETRY times with "failed (OUTCOME), retry i of RETRY.", then
# "failed after RETRY retries." right before the removal (0.5 s at most); none of them before
# T0 (the injection, seconds since the epoch); each at least delay_before_retry after the
# one before.
runup_is() {
  local addr=$1 checker=$2 caddr=$3 outcome=$4 n=$5 t0=$6 verdict
  # Regexes go through the environment: awk -v would take their backslashes as escapes.
  verdict=$(RX_ADDR=$addr RX_CHK="$checker on service $caddr failed" RX_OUTCOME=$outcome awk -v n="$n" \
      -v retry="$T_RETRY" -v dbr="$T_DBR" -v t0="$(awk -v a="$t0" -v h="$(harness_start)" 'BEGIN { print a - h }')" '
    BEGIN { addr = ENVIRON["RX_ADDR"]; chk = ENVIRON["RX_CHK"]; outcome = ENVIRON["RX_OUTCOME"] }
    $0 ~ ("Adding service " addr) { nf = 0; next }
    $0 ~ chk { nf++; t[nf] = $1; line[nf] = $0; next }
    $0 ~ ("Removing service " addr) {
      if (++removals < n) { nf = 0; next }
      if (nf != retry + 1) { print "expected " retry + 1 " failed attempts, saw " nf; exit }
      for (i = 1; i <= nf; i++) {
        want = i <= retry ? sprintf("failed \\(%s\\), retry %d of %d\\.", outcome, i, retry) \
                          : sprintf("failed after %d retries\\.", retry)
        if (line[i] !~ want) { print "attempt " i ": \"" line[i] "\", expected /" want "/"; exit }
        if (i == 1 && t[1] + 0.001 < t0) { print "first failure at " t[1] " s, before the injection at " t0 " s"; exit }
        if (i > 1 && t[i] - t[i - 1] < dbr - 0.005) { print "retry " i - 1 " only " t[i] - t[i - 1] " s after the failure before (delay_before_retry " dbr ")"; exit }
      }
      if ($1 - t[nf] > 0.5) { print "removal at " $1 " s, long after the last failure at " t[nf] " s"; exit }
      print "ok"; exit
    }' "$OUT")
  [ "$verdict" = ok ] || sa_fail "$caddr: run-up to removal $n: ${verdict:-no removal $n}"
}
