#!/usr/bin/env bash
# Idle cost of VRRP instances, stayalived beside keepalived: CPU time over 60 s and resident
# memory, with N instances (default 10) each master and advertising every second. Root.
#
#   bench/vrrp_idle.sh [N] [SECONDS]
#
# keepalived's figures add its parent and its VRRP child process.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
N=${1:-10}
SECS=${2:-60}
export SA_SOURCE_DIR=$src
if [ -z "${SA_BIN_DIR:-}" ]; then
  SA_BIN_DIR=$src/build/release/bin
  [ -x "$SA_BIN_DIR/stayalived" ] || SA_BIN_DIR=$src/build/asan/bin
fi
export SA_BIN_DIR
. "$src/tests/lib/netns.sh"
. "$src/tests/netns/vrrp/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2

conf() {  # conf FILE FIRST_VRID
  : >"$1"
  for i in $(seq 1 "$N"); do
    cat >>"$1" <<CONF
vrrp_instance VI_$i {
  state BACKUP
  interface eth0
  virtual_router_id $(( $2 + i ))
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.$(( $2 + i ))/24
  }
}
CONF
  done
}
conf "$SA_TMP/sa.conf" 10
conf "$SA_TMP/ka.conf" 100
vr_start_sa h1 "$SA_TMP/sa.conf"; ps=$SA_LAST_PID
vr_start_ka h2 "$SA_TMP/ka.conf"; pk=$SA_LAST_PID
sleep 6   # both become master of everything (no competition: distinct VRIDs)
kchild=$(cat "$SA_TMP/h2-v.pid")
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
s0=$(ticks "$ps"); k0=$(( $(ticks "$pk") + $(ticks "$kchild") ))
sleep "$SECS"
s1=$(ticks "$ps"); k1=$(( $(ticks "$pk") + $(ticks "$kchild") ))
srss=$(rss "$ps"); krss=$(( $(rss "$pk") + $(rss "$kchild") ))
masters_s=$(grep -c "Entering MASTER STATE" "$SA_TMP/h1.log")
masters_k=$(grep -c "Entering MASTER STATE" "$SA_TMP/h2.log")
echo
echo "== VRRP idle cost: $N instances each, master, advert_int 1, over $SECS s (binary $(vr_bin))"
printf '%-11s %10s %14s %12s %10s\n' daemon "cpu ms" "cpu ms/inst/min" "RSS KiB" masters
awk -v n="$N" -v s="$SECS" -v hz="$hz" -v t="$((s1 - s0))" -v r="$srss" -v m="$masters_s" \
  'BEGIN { printf "%-11s %10.0f %14.2f %12d %10d\n", "stayalived", t * 1000 / hz, t * 1000 / hz / n * 60 / s, r, m }'
awk -v n="$N" -v s="$SECS" -v hz="$hz" -v t="$((k1 - k0))" -v r="$krss" -v m="$masters_k" \
  'BEGIN { printf "%-11s %10.0f %14.2f %12d %10d\n", "keepalived", t * 1000 / hz, t * 1000 / hz / n * 60 / s, r, m }'
sa_stop_pid "$ps"
sa_stop_pid "$pk"
