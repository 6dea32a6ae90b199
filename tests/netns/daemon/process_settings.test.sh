#!/usr/bin/env bash
# keepalived's process settings on stayalived's one process: a nice value, real-time
# scheduling with its RLIMIT_RTTIME, locked memory and a CPU affinity, read back from /proc
# and with chrt/taskset/prlimit; the scripts it runs do not inherit the real-time policy.
# -M writes the core pattern while the daemon runs and puts the previous one back at stop.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
sa_need chrt taskset prlimit unshare
sa_setup
sa_ns_add d
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
fail=0
conf="$SA_TMP/keepalived.conf"
chmod 755 "$SA_TMP"
cat >"$SA_TMP/policy.sh" <<SH
#!/bin/sh
chrt -p \$\$ >"$SA_TMP/script.policy"
SH
chmod 755 "$SA_TMP/policy.sh"
cat >"$conf" <<CONF
global_defs {
  router_id TUNING
  process_name sa-tuned
  script_user root
  enable_script_security
  vrrp_priority -7
  checker_priority 2
  vrrp_rt_priority 5
  vrrp_rlimit_rttime 50000
  checker_no_swap
  vrrp_cpu_affinity 0
  shutdown_script $SA_TMP/policy.sh
}
CONF
sa_start d "$bin" -n -l -G -f "$conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" -c "$SA_TMP/c.pid" 2>"$SA_TMP/daemon.log"
dpid=$SA_LAST_PID
sa_check 'sa_wait 10 grep -q "Startup complete" "$SA_TMP/daemon.log"' "the daemon starts"
nice=$(awk '{print $19}' "/proc/$dpid/stat")
sa_check '[ "$nice" = -7 ]' "nice value -7, the lower of vrrp_priority and checker_priority (got $nice)"
policy=$(chrt -p "$dpid")
sa_check 'echo "$policy" | grep -q "SCHED_RR" && echo "$policy" | grep -q "priority: 5"' "SCHED_RR at priority 5 ($(echo $policy | tr '\n' ' '))"
rtt=$(prlimit --pid "$dpid" --rttime --noheadings --output SOFT | tr -d ' ')
sa_check '[ "$rtt" = 50000 ]' "RLIMIT_RTTIME 50000 us (got $rtt)"
lck=$(awk '/^VmLck/ {print $2}' "/proc/$dpid/status")
summary="Process settings: nice -7, SCHED_RR priority 5 (RLIMIT_RTTIME 50000 us), memory locked, CPUs 0"
if nm -D "$bin" 2>/dev/null | grep -q __asan_init; then
  # AddressSanitizer intercepts mlockall and does nothing (its shadow memory could not be
  # locked): the call succeeds and nothing is locked. The summary line below is the check.
  sa_log "AddressSanitizer build: mlockall is a no-op there, VmLck (${lck:-0} kB) not checked"
else
  sa_check '[ "${lck:-0}" -gt 0 ]' "memory locked by checker_no_swap (VmLck $lck kB)"
fi
aff=$(taskset -pc "$dpid" | sed 's/.*: //')
sa_check '[ "$aff" = 0 ]' "CPU affinity 0 (got $aff)"
sa_check '[ "$(cat /proc/$dpid/comm)" = sa-tuned ]' "process_name: the process is named sa-tuned ($(cat /proc/$dpid/comm))"
sa_check 'grep -qF "$summary" "$SA_TMP/daemon.log"' "the log says what took effect: $summary"
sa_term "$dpid" 20
sa_check '! kill -0 $dpid 2>/dev/null' "TERM: the daemon exits"
sa_check 'grep -q "SCHED_OTHER" "$SA_TMP/script.policy" 2>/dev/null' \
  "its shutdown script does not inherit the real-time policy ($(head -1 "$SA_TMP/script.policy" 2>/dev/null))"
sa_stop_pid "$dpid"

# -M PATTERN, as keepalived 2.2.7 does it (measured): /proc/sys/kernel/core_pattern holds
# PATTERN while the daemon runs, the previous pattern after it stops. A file bound over it
# in the daemon's own mount namespace stands in for the system's, which is not touched.
host_pattern=$(cat /proc/sys/kernel/core_pattern)
printf 'orig|pattern %%e\n' >"$SA_TMP/core_pattern"
printf 'global_defs {\n  router_id CORE\n}\n' >"$SA_TMP/core.conf"
sa_start d unshare -m sh -c "mount --bind '$SA_TMP/core_pattern' /proc/sys/kernel/core_pattern && exec '$bin' -n -l -G \
  -f '$SA_TMP/core.conf' -p '$SA_TMP/k2.pid' -r '$SA_TMP/v2.pid' -c '$SA_TMP/c2.pid' --core-dump-pattern=sa-core.%p" \
  2>"$SA_TMP/core.log"
cpid=$SA_LAST_PID
sa_check 'sa_wait 10 grep -q "Startup complete" "$SA_TMP/core.log"' "-M: the daemon starts"
sa_check '[ "$(cat "$SA_TMP/core_pattern")" = "sa-core.%p" ]' \
  "-M: the core pattern is the one given while the daemon runs ($(cat "$SA_TMP/core_pattern"))"
sa_term "$cpid" 20
sa_check 'sa_wait 10 bash -c "[ \"\$(cat $SA_TMP/core_pattern)\" = \"orig|pattern %e\" ]"' \
  "-M: the previous pattern is back after the stop ($(cat "$SA_TMP/core_pattern"))"
sa_check '[ "$(cat /proc/sys/kernel/core_pattern)" = "$host_pattern" ]' "-M: the system's own pattern was not touched"
sa_stop_pid "$cpid"
exit $fail
