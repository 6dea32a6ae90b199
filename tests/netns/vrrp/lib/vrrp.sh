# shellcheck shell=bash
# Helpers for the VRRP scenarios (on top of tests/lib/netns.sh).
#
#   vr_start_sa HOST CONF      stayalived's VRRP on HOST; pid in SA_LAST_PID, log in $SA_TMP/HOST.log
#   vr_start_ka HOST CONF      the real keepalived (VRRP only) on HOST, log in $SA_TMP/HOST.log
#   vr_wait_holder SECS ADDR HOST... [-- expected]   wait until exactly EXPECTED holds ADDR
#   vr_notify_script FILE      writes an executable notify script that appends "$0 $*" to FILE.notify
#   vr_adverts PCAP [FILTER]   "time src prio" lines of the VRRP adverts in a capture
#   vr_first_garp PCAP ADDR MAC  time of the first gratuitous ARP for ADDR from MAC
#
# The daemon is $SA_BIN_DIR/stayalived (SA_VRRP_BIN overrides it), run in the foreground with
# its log on stderr and its pid files in $SA_TMP (the namespaces share one file system).

vr_bin() {
  if [ -n "${SA_VRRP_BIN:-}" ]; then printf '%s' "$SA_VRRP_BIN"; return; fi
  printf '%s' "$SA_BIN_DIR/stayalived"
}

vr_require() {
  sa_require_root
  sa_need_file "$(vr_bin)"
  sa_need tcpdump
}

# Timestamped log lines; the same format for both daemons: "EPOCH.NNN text".
vr_stamp() { while IFS= read -r l; do printf '%s %s\n' "$(date +%s.%N | cut -c1-14)" "$l"; done; }

# vr_start_sa HOST CONF [ARGS...]: stayalived on HOST; its log in $SA_TMP/HOST.log, its dumps
# (USR1, USR2, the JSON signal) in $SA_TMP/HOST.tmp, its TMPDIR.
vr_start_sa() {
  local host=$1 conf=$2; shift 2
  mkdir -p "$SA_TMP/$host.tmp"
  sa_start "$host" env TMPDIR="$SA_TMP/$host.tmp" "$(vr_bin)" -n -l -G -f "$conf" -p "$SA_TMP/$host-s.pid" -r "$SA_TMP/$host-sv.pid" \
    -c "$SA_TMP/$host-sc.pid" "$@" 2> >(vr_stamp >>"$SA_TMP/$host.log")
}

vr_start_ka() {
  local host=$1 conf=$2; shift 2
  sa_need keepalived
  sa_start "$host" keepalived -n -l -D -P -f "$conf" -p "$SA_TMP/$host-k.pid" -r "$SA_TMP/$host-v.pid" \
    -c "$SA_TMP/$host-c.pid" "$@" 2> >(vr_stamp >>"$SA_TMP/$host.log")
}

# vr_wait_holder SECS ADDR "EXPECTED" HOST...: until the holders of ADDR among HOST... are
# exactly EXPECTED (space separated, in HOST order; "" for none).
vr_wait_holder() {
  local secs=$1 addr=$2 want=$3; shift 3
  local deadline=$(( $(date +%s%N) + secs * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    [ "$(sa_holders "$addr" "$@")" = "$want" ] && return 0
    sleep 0.05
  done
  sa_log "holders of $addr: '$(sa_holders "$addr" "$@")', expected '$want'"
  return 1
}

# vr_expect_holder ADDR "EXPECTED" HOST...: holders right now.
vr_expect_holder() {
  local addr=$1 want=$2; shift 2
  local got; got=$(sa_holders "$addr" "$@")
  [ "$got" = "$want" ] || sa_fail "holders of $addr: '$got', expected '$want'"
}

vr_notify_script() {
  local f=$1
  cat >"$f" <<SCRIPT
#!/bin/sh
echo "\$(basename "\$0") \$*" >>"$f.notify"
SCRIPT
  chmod 755 "$f"
}

# The notify lines of FILE, one per call, in the order they were appended.
vr_notified() { cat "$1.notify" 2>/dev/null; }

# "time src prio vrid" of each VRRP advert in PCAP.
vr_adverts() {
  tcpdump -r "$1" -nn -tt "${2:-ip proto 112 or ip6 proto 112}" 2>/dev/null |
    sed -n 's/^\([0-9.]*\) IP6\{0,1\} \([0-9a-f.:]*\) > .*vrid \([0-9]*\), prio \([0-9]*\).*/\1 \2 \4 \3/p'
}

# Time of the first gratuitous ARP (or unsolicited NA) for ADDR in PCAP, or nothing.
vr_first_garp() {
  local pcap=$1 addr=$2
  if [[ $addr == *:* ]]; then
    tcpdump -r "$pcap" -nn -tt "icmp6 and ip6[40] == 136" 2>/dev/null | grep "tgt is $addr" | head -1 | cut -d' ' -f1
  else
    tcpdump -r "$pcap" -nn -tt arp 2>/dev/null | grep "who-has $addr (ff:ff:ff:ff:ff:ff) tell $addr" | head -1 | cut -d' ' -f1
  fi
}

# Count of gratuitous ARPs / NAs for ADDR in PCAP.
vr_garp_count() {
  local pcap=$1 addr=$2
  if [[ $addr == *:* ]]; then
    tcpdump -r "$pcap" -nn "icmp6 and ip6[40] == 136" 2>/dev/null | grep -c "tgt is $addr"
  else
    tcpdump -r "$pcap" -nn arp 2>/dev/null | grep -c "who-has $addr (ff:ff:ff:ff:ff:ff) tell $addr"
  fi
}

# The MAC address of HOST's eth0.
vr_mac() { sa_in "$1" cat /sys/class/net/eth0/address; }

# Seconds (float) between two epoch times.
vr_delta() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# vr_check COND MESSAGE: record a failure without stopping (the summary fails the test).
VR_FAILED=0
vr_check() {
  if eval "$1"; then sa_log "ok: $2"; else sa_log "FAIL: $2"; VR_FAILED=1; fi
}
vr_done() {
  if [ "$VR_FAILED" != 0 ]; then
    for f in "$SA_TMP"/*.log; do [ -f "$f" ] && { echo "== $f"; tail -40 "$f"; } >&2; done
    exit 1
  fi
  exit 0
}

# vr_watch_start ADDR HOST...: samples the holders of ADDR every 20 ms in the background
# into $SA_TMP/watch (lines "EPOCH holders"); vr_watch_stop ends it. Bounded by 10 minutes.
vr_watch_start() {
  local addr=$1; shift
  (
    end=$(( $(date +%s) + 600 ))
    while [ "$(date +%s)" -lt "$end" ]; do
      printf '%s %s\n' "$(date +%s.%N | cut -c1-14)" "$(sa_holders "$addr" "$@" | tr ' ' '+')"
      sleep 0.02
    done
  ) >"$SA_TMP/watch" &
  VR_WATCH_PID=$!
  SA_PIDS+=("$VR_WATCH_PID")
}
vr_watch_stop() { [ -n "${VR_WATCH_PID:-}" ] && sa_stop_pid "$VR_WATCH_PID"; VR_WATCH_PID=""; }

# The longest time (s) two hosts held the VIP at once in the samples since EPOCH (default all).
vr_max_overlap() {
  awk -v since="${1:-0}" '$1 >= since { if ($2 ~ /\+/) { if (!s) s = $1; d = $1 - s; if (d > m) m = d } else s = 0 }
       END { printf "%.3f", m + 0 }' "$SA_TMP/watch"
}

# Packet errors either daemon logs about adverts it refused (keepalived's words, which
# stayalived uses too).
VR_PACKET_ERRORS='invalid passwd|auth, expecting|Invalid VRRPv|invalid TTL|packet too (long|short)|Invalid packet type|wrong version|interval mismatch|unexpected ip number count|not present in MASTER advert|VRRP packet dropped|not from a unicast peer|IPSEC HMAC'

# vr_kill9_ka HOST PID: kill -9 of a keepalived started by vr_start_ka: its VRRP child (pid
# from the vrrp pid file we gave it) first, then the parent, as a crash of the daemon. The
# orphaned child may stay a zombie for a moment, which keepalived would take for a running
# daemon on restart: its pid file (ours, in $SA_TMP) goes once the child is dead.
vr_kill9_ka() {
  local host=$1 pid=$2 child i
  child=$(cat "$SA_TMP/$host-v.pid" 2>/dev/null)
  if [ -n "$child" ] && [ "$(ps -o ppid= -p "$child" 2>/dev/null | tr -d ' ')" = "$pid" ]; then
    kill -KILL "$child" 2>/dev/null
  fi
  sa_stop_pid "$pid" KILL
  for i in $(seq 1 40); do
    [ -z "$child" ] && break
    state=$(awk '{ print $3 }' "/proc/$child/stat" 2>/dev/null)
    [ -z "$state" ] || [ "$state" = Z ] && break
    sleep 0.05
  done
  rm -f "$SA_TMP/$host-v.pid" "$SA_TMP/$host-k.pid" "$SA_TMP/$host-c.pid"
}
