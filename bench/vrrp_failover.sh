#!/usr/bin/env bash
# VRRP failover latency, stayalived beside keepalived, on the namespace topology of the
# tests (two directors on a bridge). Root. Prints figures; takes about 6 minutes.
#
#   bench/vrrp_failover.sh [RUNS]        (default 20 runs per daemon and setting)
#
# Each run: the master (priority 150) is killed with SIGKILL; the backup (priority 100)
# takes over. Measured per run:
#   advert->GARP  the killed master's last advert on the wire -> the backup's first
#                 gratuitous ARP (capture timestamps; this is what Master_Down_Interval
#                 bounds: 3 x advert_int + Skew_Time)
#   kill->VIP     SIGKILL -> the VIP configured on the backup (polled in its namespace)
#   kill->GARP    SIGKILL -> the backup's first gratuitous ARP on the wire
# Settings: VRRPv2 advert_int 1 (MDI 3.609 s) and VRRPv3 advert_int 0.1 (MDI 0.360 s).
#
# SA_BIN_DIR: where stayalived is (default build/release/bin, else asan).
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
RUNS=${1:-20}
export SA_SOURCE_DIR=$src
if [ -z "${SA_BIN_DIR:-}" ]; then
  SA_BIN_DIR=$src/build/release/bin
  [ -x "$SA_BIN_DIR/stayalived" ] || SA_BIN_DIR=$src/build/asan/bin
fi
export SA_BIN_DIR
. "$src/tests/lib/netns.sh"
. "$src/tests/netns/vrrp/lib/vrrp.sh"
vr_require
command -v keepalived >/dev/null || { echo "keepalived missing" >&2; exit 77; }
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100

conf() {  # conf FILE PRIO VERSION INTERVAL
  cat >"$1" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  version $3
  priority $2
  advert_int $4
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
}

start() {  # start KIND HOST CONF
  if [ "$1" = stayalived ]; then vr_start_sa "$2" "$3"; else vr_start_ka "$2" "$3"; fi
}
kill9() {  # kill9 KIND HOST PID
  if [ "$1" = stayalived ]; then sa_stop_pid "$3" KILL; else vr_kill9_ka "$2" "$3"; fi
}

# Polls h2 for the VIP from inside its namespace (no netns switch per poll); prints the
# epoch time it appeared. Bounded: gives up after 10 s.
poll_vip() {
  sa_in h2 bash -c "end=\$((\$(date +%s) + 10)); while [ \$(date +%s) -lt \$end ]; do
    ip -o -4 addr show dev eth0 | grep -q ' $VIP/' && { date +%s.%N; exit 0; }; done; exit 1"
}

series() {  # series KIND VERSION INTERVAL -> lines "kill vip" in $SA_TMP/KIND-VERSION.runs
  local kind=$1 ver=$2 int=$3 out="$SA_TMP/$1-$2.runs" p1 p2 i t_kill t_vip
  conf "$SA_TMP/hi.conf" 150 "$ver" "$int"
  conf "$SA_TMP/lo.conf" 100 "$ver" "$int"
  : >"$out"
  sa_capture sw br0 "$SA_TMP/$kind-$ver.pcap" "ip proto 112 or arp"
  local cap=$SA_LAST_PID
  start "$kind" h2 "$SA_TMP/lo.conf"; p2=$SA_LAST_PID
  start "$kind" h1 "$SA_TMP/hi.conf"; p1=$SA_LAST_PID
  for i in $(seq 1 "$RUNS"); do
    vr_wait_holder 10 $VIP h1 h1 h2 || { sa_log "$kind: h1 did not become master"; tail -15 "$SA_TMP/h1.log" >&2; break; }
    sleep "$(awk -v i="$int" -v r="$RANDOM" 'BEGIN { printf "%.3f", 2 * i + (r % 1000) / 1000 * i }')"
    t_kill=$(date +%s.%N)
    kill9 "$kind" h1 "$p1"
    t_vip=$(poll_vip) || t_vip=""
    echo "$t_kill $t_vip" >>"$out"
    start "$kind" h1 "$SA_TMP/hi.conf"; p1=$SA_LAST_PID
  done
  sleep 0.2
  sa_stop_pid "$p1"
  sa_stop_pid "$p2"
  sleep 0.2
  sa_stop_pid "$cap"
}

# Per run: advert->GARP, kill->VIP, kill->GARP (ms).
analyse() {  # analyse KIND VERSION
  local pcap="$SA_TMP/$1-$2.pcap" mac2
  mac2=$(vr_mac h2)
  tcpdump -r "$pcap" -nn -tt -e 2>/dev/null >"$SA_TMP/$1-$2.txt"
  while read -r t_kill t_vip; do
    [ -n "$t_vip" ] || continue
    awk -v k="$t_kill" -v v="$t_vip" -v mac="$mac2" '
      / 192\.0\.2\.1 > / && / prio [1-9]/ && $1 < k { last = $1 }
      $2 == mac && /Request who-has 192\.0\.2\.100 \(ff:ff:ff:ff:ff:ff\)/ && $1 > k && !garp { garp = $1 }
      END { if (last && garp) printf "%.1f %.1f %.1f\n", (garp - last) * 1000, (v - k) * 1000, (garp - k) * 1000 }' \
      "$SA_TMP/$1-$2.txt"
  done <"$SA_TMP/$1-$2.runs"
}

stats() {  # median p90 min max of a column
  sort -n | awk '{ a[NR] = $1 } END { if (!NR) { print "n/a"; exit }
    m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
    p = a[int(NR * 0.9 + 0.999)]; printf "%7.1f %7.1f %7.1f %7.1f  (n=%d)", m, p, a[1], a[NR], NR }'
}

report() {  # report VERSION INTERVAL MDI_MS
  local ver=$1 int=$2 mdi=$3 kind col
  printf '\nVRRPv%s advert_int %s, backup priority 100: Master_Down_Interval %s ms\n' "$ver" "$int" "$mdi"
  printf '%-14s %-11s %7s %7s %7s %7s\n' "" "" median p90 min max
  for col in 1 2 3; do
    for kind in stayalived keepalived; do
      label=$( [ $col = 1 ] && echo "advert->GARP" || { [ $col = 2 ] && echo "kill->VIP" || echo "kill->GARP"; } )
      printf '%-14s %-11s %s\n' "$label" "$kind" "$(analyse "$kind" "$ver" | awk -v c=$col '{ print $c }' | stats)"
    done
  done
}

if [ -z "${VR_ONLY_V3:-}" ]; then
sa_log "VRRPv2 advert_int 1: $RUNS runs each"
series stayalived 2 1
series keepalived 2 1
fi
sa_log "VRRPv3 advert_int 0.1: $RUNS runs each"
series stayalived 3 0.1
series keepalived 3 0.1
echo
echo "== VRRP failover latency (ms), $RUNS runs per row; binaries: $(vr_bin), $(command -v keepalived)"
report 2 1 3609
report 3 0.1 360
