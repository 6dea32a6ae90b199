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
  [ -x "$HARNESS" ] || { echo "skipped: $HARNESS not built" >&2; exit 77; }
  for c in busybox nft python3; do
    command -v "$c" >/dev/null || { echo "skipped: $c missing" >&2; exit 77; }
  done
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
