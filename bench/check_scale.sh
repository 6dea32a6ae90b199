#!/usr/bin/env bash
# Checker scale benchmark: N real servers (default 10,000) on loopback addresses inside a
# network namespace of our own, checked with TCP_CHECK at delay_loop 1 s, first by
# stayalived's checker runtime (sa-check-harness), then by keepalived 2.2.7's checker
# process on the same real servers. Prints, for each: CPU seconds per 60 s, checks per
# second (counted by the listener, the same witness for both), how late checks came
# (interval between two checks of one real server minus delay_loop), and RSS.
#
# keepalived's checker process refuses to start without ip_vs, which this kernel lacks; it
# runs here with check_ipvs_stub.so preloaded, which answers its IPVS socket options as an
# empty IPVS table. Its health checks and scheduling are its own, unchanged.
#
#   bench/check_scale.sh [-n COUNT] [-w WARMUP_S] [-m MEASURE_S] [--http] [--only ours|keepalived]
#   (needs root; build first: cmake --preset release && cmake --build --preset release)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SA_BIN_DIR:-$PWD/build/release/bin}
COUNT=10000 WARMUP=15 MEASURE=60 HTTP="" ONLY=""
while [ $# -gt 0 ]; do
  case $1 in
    -n) COUNT=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -m) MEASURE=$2; shift 2 ;;
    --http) HTTP=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)" >&2; exit 77; }
for f in "$BIN/sa-check-harness" "$BIN/check_listener" "$BIN/check_ipvs_stub.so"; do
  [ -e "$f" ] || { echo "missing $f: cmake --preset release && cmake --build --preset release" >&2; exit 77; }
done
PORTS=100
ADDRS=$(( (COUNT + PORTS - 1) / PORTS ))
NS="sabench$$"
TMP=$(mktemp -d /tmp/sabench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ulimit -n "$(ulimit -Hn)"  # the listener holds one descriptor per real server

ip netns exec "$NS" "$BIN/check_listener" 127.0.1.1 "$ADDRS" 20000 "$PORTS" ${HTTP:+--http} --threads 2 \
  --report "$TMP/listener.txt" 2>"$TMP/listener.err" &
LISTENER=$!
PIDS+=("$LISTENER")
for _ in $(seq 1 100); do grep -q listening "$TMP/listener.err" 2>/dev/null && break; sleep 0.1; done

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
HZ=$(getconf CLK_TCK)

# measure NAME PID: warm up, then sample CPU and the listener's window over MEASURE s.
measure() {
  local name=$1 pid=$2
  sleep "$WARMUP"
  kill -USR1 "$LISTENER"; sleep 0.2  # start the listener's window
  local t0; t0=$(ticks "$pid")
  sleep "$MEASURE"
  local t1; t1=$(ticks "$pid")
  kill -USR1 "$LISTENER"; sleep 0.5
  local rss; rss=$(rss_kb "$pid")
  local line; line=$(tail -1 "$TMP/listener.txt")
  local cpu; cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v m="$MEASURE" 'BEGIN { printf "%.2f", (b - a) / hz * 60 / m }')
  local rate; rate=$(sed -E 's/.* rate=([0-9.]+).*/\1/' <<<"$line")
  local us; us=$(awk -v c="$cpu" -v r="$rate" 'BEGIN { printf "%.1f", (r > 0) ? c / 60 / r * 1e6 : 0 }')
  printf '%-11s cpu_s_per_60s=%s checks_per_s=%s cpu_us_per_check=%s rss_kb=%s | %s\n' \
    "$name" "$cpu" "$rate" "$us" "$rss" "$line" | tee -a "$TMP/results.txt"
}

KIND=TCP_CHECK
[ -n "$HTTP" ] && KIND=HTTP_GET
echo "checker benchmark: $COUNT real servers ($ADDRS addresses x $PORTS ports), $KIND, delay_loop 1 s," \
     "warm-up ${WARMUP} s, measured over ${MEASURE} s; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$ONLY" != keepalived ]; then
  if [ -n "$HTTP" ]; then
    echo "ours       HTTP_GET: not available until the checkhttp core is merged"
  else
    ip netns exec "$NS" "$BIN/sa-check-harness" --quiet --stats --delay-loop 1 --connect-timeout 5 --retry 1 \
      --tcp-range "127.0.1.1:20000-$((20000 + PORTS - 1))x$COUNT" --duration $((WARMUP + MEASURE + 30)) \
      >"$TMP/ours.out" 2>&1 &
    OURS=$!
    PIDS+=("$OURS")
    measure stayalived "$OURS"
    kill -TERM "$OURS"; wait "$OURS" 2>/dev/null || true
    grep STATS "$TMP/ours.out" | sed 's/^/           /' || true
  fi
fi

if [ "$ONLY" != ours ]; then
  {
    echo "global_defs { router_id bench }"
    echo "virtual_server 192.0.2.100 80 {"
    echo "  delay_loop 1"
    echo "  lb_algo rr"
    echo "  lb_kind NAT"
    echo "  protocol TCP"
    for n in $(seq 0 $((COUNT - 1))); do
      a=$(( n / PORTS + 1 )); p=$(( 20000 + n % PORTS ))
      if [ -n "$HTTP" ]; then
        printf '  real_server 127.0.1.%d %d {\n    HTTP_GET {\n      url {\n        path /\n        status_code 200\n      }\n      connect_timeout 5\n    }\n  }\n' "$a" "$p"
      else
        printf '  real_server 127.0.1.%d %d {\n    TCP_CHECK {\n      connect_timeout 5\n    }\n  }\n' "$a" "$p"
      fi
    done
    echo "}"
  } >"$TMP/keepalived.conf"
  ip netns exec "$NS" env LD_PRELOAD="$BIN/check_ipvs_stub.so" keepalived -n -C -f "$TMP/keepalived.conf" \
    -p "$TMP/keepalived.pid" -c "$TMP/checkers.pid" >"$TMP/keepalived.out" 2>&1 &
  KA=$!
  PIDS+=("$KA")
  for _ in $(seq 1 100); do [ -s "$TMP/checkers.pid" ] && break; sleep 0.1; done
  CHECKER=$(cat "$TMP/checkers.pid")
  measure keepalived "$CHECKER"
  kill -TERM "$KA"; wait "$KA" 2>/dev/null || true
fi
