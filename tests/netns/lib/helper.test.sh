#!/usr/bin/env bash
# The namespace helper creates hosts that reach each other over the bridge, captures traffic,
# and on exit (also on failure) removes its namespaces and ends the processes it started
# and nothing else.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root

before_ns=$(ip netns list | sort)
bystander_pid=""
sleep 600 &
bystander_pid=$!   # a process of ours the helper must not touch

result=$(mktemp)
(
  set -e
  sa_setup
  sa_host h1 1
  sa_host h2 2
  sa_host h3 3
  echo "prefix=$SA_PREFIX" >>"$result"
  sa_capture h2 eth0 "$SA_TMP/icmp.pcap" "icmp"
  sa_in h1 ping -c 2 -W 2 -i 0.2 192.0.2.2 >/dev/null
  sa_in h3 ping -6 -c 1 -W 2 2001:db8::1 >/dev/null
  sa_start h3 sleep 600
  echo "child=$SA_LAST_PID" >>"$result"
  sleep 0.5   # let tcpdump write the packets
  sa_stop_pid "${SA_PIDS[0]}"  # tcpdump
  n=$(tcpdump -r "$SA_TMP/icmp.pcap" -n 2>/dev/null | grep -c "ICMP echo request")
  echo "echo_requests=$n" >>"$result"
  [ "$(sa_holders 192.0.2.3 h1 h2 h3)" = "h3" ] && echo "holders=ok" >>"$result"
  # Refuses to signal a pid it did not start.
  if ( sa_stop_pid "$bystander_pid" ) 2>/dev/null; then echo "refusal=missing" >>"$result"; fi
  echo "reached_end=1" >>"$result"
  false   # fail on purpose: cleanup must still run
) || true

fail=0
check() { if ! eval "$1"; then echo "FAIL: $2" >&2; fail=1; fi; }
# shellcheck disable=SC1090
. "$result"
check '[ "${reached_end:-0}" = 1 ]' "scenario did not reach its end"
check '[ "${echo_requests:-0}" -ge 2 ]' "capture saw ${echo_requests:-0} echo requests, expected >= 2"
check '[ "${holders:-}" = ok ]' "sa_holders did not find the address on h3 only"
check '[ -z "${refusal:-}" ]' "sa_stop_pid signalled a process it had not started"
check '[ "$(ip netns list | sort)" = "$before_ns" ]' "namespaces leaked: $(ip netns list | grep "${prefix:-none}")"
check '! kill -0 "${child:-0}" 2>/dev/null' "process ${child:-?} started in a host survived cleanup"
check 'kill -0 "$bystander_pid" 2>/dev/null' "cleanup ended a process it had not started"
kill "$bystander_pid"; wait "$bystander_pid" 2>/dev/null
rm -f "$result"
[ "$fail" = 0 ] && echo "ok: helper creates, captures and cleans up"
exit "$fail"
