#!/usr/bin/env bash
# Checker scale benchmark: N real servers (default 10,000) on loopback addresses inside a
# network namespace of our own, checked with TCP_CHECK (or HTTP_GET) at delay_loop 1 s, first
# by stayalived (the daemon, -C, on a keepalived.conf), then by keepalived 2.2.7's checker
# process on the same file and real servers. Prints, for each: CPU seconds per 60 s, checks
# per second (counted by the listener, the same witness for both), CPU per check (and its
# user-space part), how late checks came (interval between two checks of one real server
# minus delay_loop), and memory: RSS and PSS summed over the daemon's processes. Then, for
# TCP_CHECK, the floor (bench/tcp_floor.cpp): the same system calls in a bare loop.
#
# keepalived's checker process refuses to start without ip_vs, which this kernel lacks; it
# runs here with check_ipvs_stub.so preloaded, which answers its IPVS socket options as an
# empty IPVS table. Its health checks and scheduling are its own, unchanged.
#
# On loopback the kernel handles each packet's arrival in the sender's context, so by default
# a checker is also charged with its real servers' kernel work (their SYN handling, accept
# queues and wake-ups): more than half of what it costs. --split puts that work where it is on
# a director, elsewhere: Receive Packet Steering on the namespace's loopback hands every
# arriving packet to the last CPU, the listener runs there, and the checker under test (and
# the floor) on CPU 0. A checker is then charged with its own work only: its system calls and
# its packets' transmission. The softirq time of the receiving CPU is printed per check too
# (rx_softirq_us_per_check): it is the same work for both checkers.
#
# This machine's speed drifts by 10-30% from one minute to the next (a virtual machine with
# neighbours). -r ROUNDS alternates the two daemons ROUNDS times and ends with the median of
# each and the median of the ratios of each round's pair, which a drift slower than a round
# does not bias.
#
#   bench/check_scale.sh [-n COUNT] [-w WARMUP_S] [-m MEASURE_S] [-r ROUNDS] [--http] [--split] [--only ours|keepalived]
#   (needs root; build first: cmake --preset release && cmake --build --preset release)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SA_BIN_DIR:-$PWD/build/release/bin}
COUNT=10000 WARMUP=15 MEASURE=60 ROUNDS=1 HTTP="" ONLY="" SPLIT=""
while [ $# -gt 0 ]; do
  case $1 in
    -n) COUNT=$2; shift 2 ;;
    -w) WARMUP=$2; shift 2 ;;
    -m) MEASURE=$2; shift 2 ;;
    -r) ROUNDS=$2; shift 2 ;;
    --http) HTTP=1; shift ;;
    --split) SPLIT=1; shift ;;
    --only) ONLY=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespace)" >&2; exit 77; }
for f in "$BIN/stayalived" "$BIN/check_listener" "$BIN/check_ipvs_stub.so" "$BIN/tcp_floor"; do
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

CHK=() LST=()
if [ -n "$SPLIT" ]; then
  [ "$(nproc)" -ge 2 ] || { echo "--split needs two CPUs" >&2; exit 77; }
  LAST=$(( $(nproc) - 1 ))
  ip netns exec "$NS" sh -c "printf '%x' $(( 1 << LAST )) > /sys/class/net/lo/queues/rx-0/rps_cpus"
  CHK=(taskset -c 0) LST=(taskset -c "$LAST")
fi
ip netns exec "$NS" "${LST[@]}" "$BIN/check_listener" 127.0.1.1 "$ADDRS" 20000 "$PORTS" ${HTTP:+--http} --threads 2 \
  --report "$TMP/listener.txt" 2>"$TMP/listener.err" &
LISTENER=$!
PIDS+=("$LISTENER")
for _ in $(seq 1 100); do grep -q listening "$TMP/listener.err" 2>/dev/null && break; sleep 0.1; done

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
user_ticks() { awk '{ print $14 }' "/proc/$1/stat"; }
# Memory of a daemon: RSS and PSS summed over its processes (keepalived -C runs a parent and
# a checker child, stayalived one process); PSS shares the pages they have in common fairly.
mem_kb() {
  local field=$1; shift
  local p sum=0
  for p in "$@"; do sum=$(( sum + $(awk -v f="$field:" '$1 == f { print $2 }' "/proc/$p/smaps_rollup") )); done
  echo "$sum"
}
HZ=$(getconf CLK_TCK)
# --split: the softirq time of the CPU that receives the packets (the kernel's work for the
# real servers, and for the checker's side of each arriving packet).
rx_ticks() { if [ -n "$SPLIT" ]; then awk -v c="cpu$LAST" '$1 == c { print $8 }' /proc/stat; else echo 0; fi; }

# measure NAME CPU_PID ALL_PIDS...: warm up, then sample CPU (user and system) of CPU_PID
# and the listener's window over MEASURE s.
measure() {
  local name=$1 pid=$2; shift 2
  sleep "$WARMUP"
  kill -USR1 "$LISTENER"; sleep 0.2  # start the listener's window
  local t0 u0 s0; t0=$(ticks "$pid"); u0=$(user_ticks "$pid"); s0=$(rx_ticks)
  sleep "$MEASURE"
  local t1 u1 s1; t1=$(ticks "$pid"); u1=$(user_ticks "$pid"); s1=$(rx_ticks)
  kill -USR1 "$LISTENER"; sleep 0.5
  local rss pss; rss=$(mem_kb Rss "$@"); pss=$(mem_kb Pss "$@")
  local line; line=$(tail -1 "$TMP/listener.txt")
  local cpu; cpu=$(awk -v a="$t0" -v b="$t1" -v hz="$HZ" -v m="$MEASURE" 'BEGIN { printf "%.2f", (b - a) / hz * 60 / m }')
  local rate; rate=$(sed -E 's/.* rate=([0-9.]+).*/\1/' <<<"$line")
  local us; us=$(awk -v c="$cpu" -v r="$rate" 'BEGIN { printf "%.1f", (r > 0) ? c / 60 / r * 1e6 : 0 }')
  local uus; uus=$(awk -v a="$u0" -v b="$u1" -v hz="$HZ" -v m="$MEASURE" -v r="$rate" 'BEGIN { printf "%.1f", (r > 0) ? (b - a) / hz / m / r * 1e6 : 0 }')
  local rx=""
  [ -n "$SPLIT" ] && rx=$(awk -v a="$s0" -v b="$s1" -v hz="$HZ" -v m="$MEASURE" -v r="$rate" \
    'BEGIN { printf " rx_softirq_us_per_check=%.1f", (r > 0) ? (b - a) / hz / m / r * 1e6 : 0 }')
  printf '%-11s cpu_s_per_60s=%s checks_per_s=%s cpu_us_per_check=%s (user %s)%s rss_kb=%s pss_kb=%s | %s\n' \
    "$name" "$cpu" "$rate" "$us" "$uus" "$rx" "$rss" "$pss" "$line" | tee -a "$TMP/results.txt"
}

KIND=TCP_CHECK
[ -n "$HTTP" ] && KIND=HTTP_GET
echo "checker benchmark: $COUNT real servers ($ADDRS addresses x $PORTS ports), $KIND, delay_loop 1 s," \
     "warm-up ${WARMUP} s, measured over ${MEASURE} s; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# One keepalived.conf for both daemons.
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

for round in $(seq 1 "$ROUNDS"); do
  [ "$ROUNDS" -gt 1 ] && echo "round $round of $ROUNDS"
  # stayalived: the daemon itself, checkers only (-C), on the same file. This kernel has no
  # ip_vs: it logs that it cannot initialise IPVS and runs the checkers all the same.
  if [ "$ONLY" != keepalived ]; then
    ip netns exec "$NS" "${CHK[@]}" "$BIN/stayalived" -n -l -C -f "$TMP/keepalived.conf" -p "$TMP/stayalived.pid" \
      -c "$TMP/stayalived_checkers.pid" >"$TMP/ours.out" 2>&1 &
    OURS=$!
    PIDS+=("$OURS")
    measure stayalived "$OURS" "$OURS"
    kill -TERM "$OURS"; wait "$OURS" 2>/dev/null || true
  fi

  if [ "$ONLY" != ours ]; then
    # keepalived's checker process refuses to start without ip_vs (see the top of this file).
    rm -f "$TMP/checkers.pid"
    ip netns exec "$NS" "${CHK[@]}" env LD_PRELOAD="$BIN/check_ipvs_stub.so" keepalived -n -C -f "$TMP/keepalived.conf" \
      -p "$TMP/keepalived.pid" -c "$TMP/checkers.pid" >"$TMP/keepalived.out" 2>&1 &
    KA=$!
    PIDS+=("$KA")
    for _ in $(seq 1 100); do [ -s "$TMP/checkers.pid" ] && break; sleep 0.1; done
    CHECKER=$(cat "$TMP/checkers.pid")
    measure keepalived "$CHECKER" "$KA" "$CHECKER"
    kill -TERM "$KA"; wait "$KA" 2>/dev/null || true
  fi
done

# Over several rounds: the medians, and the median of the rounds' keepalived/stayalived ratios.
if [ "$ROUNDS" -gt 1 ]; then
  awk '
    function median(a, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { for (i = 2; i <= NF; i++) if ($i ~ /^cpu_us_per_check=/) { split($i, kv, "="); v = kv[2] } }
    $1 == "stayalived" { ours[++no] = v }
    $1 == "keepalived" { ka[++nk] = v; if (nk <= no && ours[nk] > 0) ratio[++nr] = v / ours[nk] }
    END {
      line = "median      rounds=" (no > nk ? no : nk)
      if (no) line = line sprintf(" stayalived_cpu_us_per_check=%.1f", median(ours, no))
      if (nk) line = line sprintf(" keepalived_cpu_us_per_check=%.1f", median(ka, nk))
      if (nr) line = line sprintf(" ratio=%.2f", median(ratio, nr))
      print line
    }' "$TMP/results.txt" | tee -a "$TMP/results.txt"
fi

# The floor: a TCP_CHECK's system calls in a bare loop at the same rate, against the same
# listener. On loopback the kernel's work for both ends of each connection is charged to
# the connecting process; no checker can spend less than this per check.
if [ -z "$HTTP" ] && [ -z "$ONLY" ]; then
  ip netns exec "$NS" "${CHK[@]}" "$BIN/tcp_floor" 127.0.1.1 "$ADDRS" 20000 "$PORTS" "$COUNT" $((MEASURE + 2)) |
    sed 's/^floor/floor      /' | tee -a "$TMP/results.txt"
fi
