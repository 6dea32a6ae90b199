# shellcheck shell=bash
# Helper library for scenario tests in network namespaces.
#
#   source tests/lib/netns.sh
#   sa_require_root                      # sa_skip (skip.sh: exit 77, or 1 under CI) unless root
#   sa_setup                             # unique prefix, cleanup trap, switch namespace
#   sa_host h1 1                         # host h1 = namespace, eth0 = 192.0.2.1/24 and 2001:db8::1/64
#   sa_host h2 2
#   sa_start h1 stayalived -n -l -f conf # background process in h1; $SA_LAST_PID is its pid
#   sa_capture h1 eth0 out.pcap 'ip proto 112'
#   sa_wait 5 sa_in h2 ip -4 addr show dev eth0 | grep -q 192.0.2.100
#   sa_stop_pid "$pid"                   # TERM, then KILL after a grace period
#   sa_term "$pid"; echo $SA_TERM_MS     # TERM, and how long the process took to go
#   (cleanup runs on exit, even on failure: kills the pids it started, deletes its namespaces)
#
# All addresses live inside namespaces this library creates: 192.0.2.0/24 (TEST-NET-1) and
# 2001:db8::/64 (documentation prefix) on a bridge inside its own namespace, so nothing in
# the root namespace is touched and no traffic leaves the test.

SA_PREFIX=""
SA_NETNS=()          # namespaces we created, deleted at cleanup
SA_PIDS=()           # processes we started, ended at cleanup
SA_LAST_PID=""
SA_TMP=""
SA_SUBNET4="192.0.2"
SA_SUBNET6="2001:db8:"

sa_log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }
sa_fail() { sa_log "FAIL: $*"; exit 1; }

. "$(dirname "${BASH_SOURCE[0]}")/skip.sh"

sa_require_root() {
  [ "$(id -u)" = 0 ] || sa_skip "needs root for network namespaces"
  sa_need ip
}

# Names must stay short: interface names have at most 15 characters.
sa_setup() {
  SA_PREFIX="sa$(( $$ % 100000 ))"
  SA_TMP=$(mktemp -d "/tmp/${SA_PREFIX}.XXXXXX")
  trap sa_cleanup EXIT
  trap 'exit 130' INT TERM
  sa_ns_add sw
  sa_in sw ip link add br0 type bridge
  # Forward at once (no STP listening delay), and let multicast through unfiltered.
  sa_in sw ip link set br0 type bridge forward_delay 0 mcast_snooping 0
  sa_in sw ip link set br0 up
}

sa_ns() { printf '%s-%s' "$SA_PREFIX" "$1"; }

sa_ns_add() {
  local ns; ns=$(sa_ns "$1")
  ip netns add "$ns" || sa_fail "cannot create namespace $ns"
  SA_NETNS+=("$ns")
  ip -n "$ns" link set lo up
}

# sa_in HOST CMD...: run CMD in HOST's namespace, in the foreground.
sa_in() {
  local ns; ns=$(sa_ns "$1"); shift
  ip netns exec "$ns" "$@"
}

# sa_host NAME N: a host with eth0 on the bridge, addresses .N and ::N.
sa_host() {
  local name=$1 n=$2 ns; ns=$(sa_ns "$1")
  sa_ns_add "$name"
  local a="${SA_PREFIX}${name}" # host side name in sw, truncated
  a=${a:0:15}
  ip link add "$a" type veth peer name eth0 netns "$ns" || sa_fail "veth for $name"
  ip link set "$a" netns "$(sa_ns sw)"
  sa_in sw ip link set "$a" master br0 up
  sa_in "$name" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
    net.ipv6.conf.eth0.accept_dad=0
  sa_in "$name" ip addr add "${SA_SUBNET4}.${n}/24" dev eth0
  sa_in "$name" ip -6 addr add "${SA_SUBNET6}:${n}/64" dev eth0 nodad
  sa_in "$name" ip link set eth0 up
}

# The port of HOST on the bridge (to cut its link from the switch side).
sa_switch_port() { local a="${SA_PREFIX}$1"; printf '%s' "${a:0:15}"; }

sa_link_down() { sa_in "$1" ip link set "${2:-eth0}" down; }
sa_link_up() { sa_in "$1" ip link set "${2:-eth0}" up; }

# sa_start HOST CMD...: run CMD in HOST in the background; its pid is in SA_LAST_PID.
sa_start() {
  local ns; ns=$(sa_ns "$1"); shift
  ip netns exec "$ns" "$@" &
  SA_LAST_PID=$!
  SA_PIDS+=("$SA_LAST_PID")
}

# sa_capture HOST IFACE FILE [FILTER]: tcpdump in the background, ready when it returns.
sa_capture() {
  local host=$1 ifc=$2 file=$3 filter=${4:-}
  local log="$file.log"
  # --immediate-mode -U: hand over and write each packet at once (else the kernel holds
  # them in its ring for up to a second, and a stopped capture loses them). -Z root: tcpdump otherwise drops to its own user before
  # opening the file, and cannot write into our private temporary directory.
  # shellcheck disable=SC2086
  sa_start "$host" tcpdump -i "$ifc" --immediate-mode -U -n -Z root -w "$file" $filter 2>"$log"
  local pid=$SA_LAST_PID
  local i
  for i in $(seq 1 50); do
    grep -q "listening on" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || sa_fail "tcpdump on $host/$ifc died: $(cat "$log")"
    sleep 0.1
  done
  sa_fail "tcpdump on $host/$ifc did not start"
}

# sa_stop_pid PID [SIGNAL]: end a process we started; TERM then KILL after 5 s.
sa_stop_pid() {
  local pid=$1 sig=${2:-TERM} i
  sa_is_ours "$pid" || sa_fail "refusing to signal pid $pid: not started by this test"
  kill -"$sig" "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  return 0
}

# sa_term PID [SECS]: TERM a process we started and wait (at most SECS, default 30) until it
# is gone; SA_TERM_MS says how many milliseconds that took (it may still run after SECS).
sa_term() {
  local pid=$1 limit=${2:-30} t0
  sa_is_ours "$pid" || sa_fail "refusing to signal pid $pid: not started by this test"
  t0=$(date +%s%N)
  kill -TERM "$pid" 2>/dev/null
  sa_wait "$limit" bash -c "! kill -0 $pid"
  SA_TERM_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
}

sa_is_ours() {
  local p
  for p in "${SA_PIDS[@]}"; do [ "$p" = "$1" ] && return 0; done
  return 1
}

# sa_check COND WHAT: evaluate COND; log "ok: WHAT", or "FAIL: WHAT" and set fail=1 (a
# scenario that goes on after a failed check exits with $fail at its end).
sa_check() { if eval "$1"; then sa_log "ok: $2"; else sa_log "FAIL: $2"; fail=1; fi; }

# sa_wait SECONDS CMD...: poll CMD every 50 ms until it succeeds; fail after SECONDS.
sa_wait() {
  local limit=$1; shift
  local deadline=$(( $(date +%s%N) + limit * 1000000000 ))
  while [ "$(date +%s%N)" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  return 1
}

# sa_has_addr HOST ADDR: true if ADDR is configured on any interface of HOST.
sa_has_addr() { sa_in "$1" ip -o addr show | grep -qw -- "$2"; }

# The hosts (by name) that hold ADDR, space separated.
sa_holders() {
  local addr=$1; shift
  local h out=""
  for h in "$@"; do sa_has_addr "$h" "$addr" && out="$out $h"; done
  printf '%s' "${out# }"
}

sa_cleanup() {
  local rc=$?
  set +e   # cleanup must run to the end whatever the caller's options
  local p ns
  for p in "${SA_PIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null
  done
  for p in "${SA_PIDS[@]}"; do
    for _ in $(seq 1 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  # Anything still inside our namespaces was started by what we started: end it by pid.
  for ns in "${SA_NETNS[@]}"; do
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
  done
  for ns in "${SA_NETNS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  SA_NETNS=()
  SA_PIDS=()
  if [ -n "$SA_TMP" ] && [ -d "$SA_TMP" ]; then
    if [ "$rc" -ne 0 ] && [ -n "${SA_KEEP_LOGS:-}" ]; then
      sa_log "logs kept in $SA_TMP"
    else
      rm -rf "$SA_TMP"
    fi
  fi
  return "$rc"
}
