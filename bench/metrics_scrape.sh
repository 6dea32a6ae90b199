#!/usr/bin/env bash
# Prometheus scrape cost at scale: stayalived checking N real servers (default 10,000,
# TCP_CHECK, delay_loop 1 s, checkers only, on loopback in a network namespace of our own)
# with its metrics endpoint on, alternating phases without scrapes and with one scrape a
# second (as a Prometheus with scrape_interval 1s would), ROUNDS pairs. Prints per phase:
# the daemon's CPU per 60 s, checks per second and how late checks came (both from the
# listener, bench/check_listener.cpp); for the scraping phases the scrape's wall time
# (median, max) and size; then the medians: CPU per scrape (the paired difference of the
# two phases of a round, divided by the scrapes) and the lateness of both phases.
# keepalived has no metrics endpoint to compare with (its users run a separate exporter that
# signals it and parses its dump files).
#
#   bench/metrics_scrape.sh [-n COUNT] [-w WARMUP_S] [-m MEASURE_S] [-r ROUNDS]
#   (needs root; build first: cmake --preset release && cmake --build --preset release)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SA_BIN_DIR:-$PWD/build/release/bin}
COUNT=10000 WARMUP=15 MEASURE=30 ROUNDS=3
while [ $# -gt 0 ]; do
  case $1 in
    -n) COUNT=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -m) MEASURE=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)" >&2; exit 77; }
for f in "$BIN/stayalived" "$BIN/check_listener"; do
  [ -e "$f" ] || { echo "missing $f: cmake --preset release && cmake --build --preset release" >&2; exit 77; }
done
PORTS=100
ADDRS=$(( (COUNT + PORTS - 1) / PORTS ))
NS="sascrape$$"
TMP=$(mktemp -d /tmp/sascrape.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ulimit -n "$(ulimit -Hn)"

ip netns exec "$NS" "$BIN/check_listener" 127.0.1.1 "$ADDRS" 20000 "$PORTS" --threads 2 \
  --report "$TMP/listener.txt" 2>"$TMP/listener.err" &
LISTENER=$!
PIDS+=("$LISTENER")
for _ in $(seq 1 100); do grep -q listening "$TMP/listener.err" 2>/dev/null && break; sleep 0.1; done
{
  echo "global_defs { router_id bench }"
  echo "virtual_server 192.0.2.100 80 {"
  echo "  delay_loop 1"
  echo "  lb_algo rr"
  echo "  lb_kind NAT"
  echo "  protocol TCP"
  for n in $(seq 0 $((COUNT - 1))); do
    printf '  real_server 127.0.1.%d %d {\n    TCP_CHECK {\n      connect_timeout 5\n    }\n  }\n' \
      $(( n / PORTS + 1 )) $(( 20000 + n % PORTS ))
  done
  echo "}"
} >"$TMP/keepalived.conf"

HZ=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
ip netns exec "$NS" "$BIN/stayalived" -n -l -C -f "$TMP/keepalived.conf" -p "$TMP/s.pid" -c "$TMP/c.pid" \
  --metrics=127.0.0.1:9651 >"$TMP/ours.out" 2>&1 &
OURS=$!
PIDS+=("$OURS")
echo "scrape benchmark: $COUNT real servers, TCP_CHECK, delay_loop 1 s, warm-up ${WARMUP} s, phases of ${MEASURE} s," \
     "$ROUNDS rounds; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
sleep "$WARMUP"

# phase NAME SCRAPE(0|1): the daemon's CPU and the listener's window over MEASURE s.
phase() {
  local name=$1 scrape=$2
  kill -USR1 "$LISTENER"; sleep 0.2
  local t0; t0=$(ticks "$OURS")
  local extra=""
  if [ "$scrape" = 1 ]; then
    # One scrape a second, timed; bounded by MEASURE scrapes.
    ip netns exec "$NS" python3 - "$MEASURE" >"$TMP/scrapes.txt" <<'PY'
import sys, time, urllib.request
n = int(sys.argv[1])
start = time.monotonic()
for i in range(n):
    t = time.monotonic()
    body = urllib.request.urlopen("http://127.0.0.1:9651/metrics", timeout=10).read()
    print("%.6f %d" % (time.monotonic() - t, len(body)), flush=True)
    nxt = start + i + 1
    time.sleep(max(0.0, nxt - time.monotonic()))
PY
    extra=$(sort -n "$TMP/scrapes.txt" | awk '{ t[NR] = $1; b = $2 } END { printf " scrapes=%d scrape_ms_median=%.1f scrape_ms_max=%.1f bytes=%d", NR, t[int((NR + 1) / 2)] * 1000, t[NR] * 1000, b }')
  else
    sleep "$MEASURE"
  fi
  local t1; t1=$(ticks "$OURS")
  kill -USR1 "$LISTENER"; sleep 0.5
  local cpu; cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v m="$MEASURE" 'BEGIN { printf "%.3f", (b - a) / hz * 60 / m }')
  printf '%-9s cpu_s_per_60s=%s%s | %s\n' "$name" "$cpu" "$extra" "$(tail -1 "$TMP/listener.txt")" | tee -a "$TMP/results.txt"
}
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS"
  phase quiet 0
  phase scraping 1
done

# Medians: CPU per scrape from each round's pair, and the phases' lateness.
awk '
  function median(a, n,   i, j, t) {
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    cpu = ""; p99 = ""; ms = ""
    for (i = 2; i <= NF; i++) {
      split($i, kv, "=")
      if (kv[1] == "cpu_s_per_60s") cpu = kv[2]
      if (kv[1] == "late_p99_ms") p99 = kv[2]
      if (kv[1] == "scrape_ms_median") ms = kv[2]
    }
  }
  $1 == "quiet" { q = cpu; lq[++nq] = p99 }
  $1 == "scraping" { per[++ns] = (cpu - q) / 60 * 1000; ls[ns] = p99; sm[ns] = ms }
  END {
    printf "median    rounds=%d cpu_ms_per_scrape=%.1f scrape_ms=%.1f late_p99_ms_quiet=%s late_p99_ms_scraping=%s\n",
      ns, median(per, ns), median(sm, ns), median(lq, nq), median(ls, ns)
  }' "$TMP/results.txt"
