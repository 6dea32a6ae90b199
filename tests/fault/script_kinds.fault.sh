#!/usr/bin/env bash
# Scripts that misbehave without hanging, against a running VRRP daemon: a vrrp_script that
# leaves a child behind holding its output (a '&' in a shell script), one that writes tens
# of megabytes to stdout and stderr, and a notify_master that does not exist. The tracked
# scripts must be judged on their exit, on schedule (a child that outlives its script must
# not make it look hung), their output must cost no memory, the missing script must be
# logged, and the instance must become MASTER with its VIP regardless.
set -u
. "$(dirname "$0")/../lib/netns.sh"
sa_require_root
sa_setup
sa_host d 1
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
fail=0
conf="$SA_TMP/keepalived.conf"
log="$SA_TMP/daemon.log"
left="saleft$(( $$ % 100000 ))"   # the children left behind (at most 15 characters)
cp /bin/sleep "$SA_TMP/$left"
chmod 755 "$SA_TMP"
cat >"$SA_TMP/fork.sh" <<SH
#!/bin/sh
echo tick >>$SA_TMP/fork.ticks
$SA_TMP/$left 60 &
exit 0
SH
cat >"$SA_TMP/noisy.sh" <<SH
#!/bin/sh
echo tick >>$SA_TMP/noisy.ticks
head -c 20000000 /dev/zero
head -c 20000000 /dev/zero >&2
exit 0
SH
chmod 755 "$SA_TMP/fork.sh" "$SA_TMP/noisy.sh"
cat >"$conf" <<CONF
global_defs {
  script_user root
}
vrrp_script fork {
  script $SA_TMP/fork.sh
  interval 1
  timeout 5
}
vrrp_script noisy {
  script $SA_TMP/noisy.sh
  interval 1
  timeout 5
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority 100
  advert_int 1
  notify_master "$SA_TMP/no-such-dir/notify.sh master"
  track_script {
    fork
    noisy
  }
  virtual_ipaddress {
    192.0.2.161/24
  }
}
CONF
ticks() { wc -l <"$SA_TMP/$1.ticks" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$dpid/status"; }
left_pids() { pgrep -x "$left"; }   # read-only; those are killed below by PID, as ours

sa_start d "$bin" -n -l -G -P -f "$conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" 2>"$log"
dpid=$SA_LAST_PID
# Master_Down_Interval of 3 s (+ skew) and the first script results: well within 15 s.
sa_check 'sa_wait 15 sa_has_addr d 192.0.2.161' "the instance becomes MASTER with its VIP"
sa_check 'grep -q "no-such-dir/notify.sh" "$log"' "the missing notify_master is logged: $(grep -m1 "no-such-dir" "$log" | cut -d: -f4-)"
f0=$(ticks fork) n0=$(ticks noisy) r0=$(rss_kb)
sleep 6
f1=$(ticks fork) n1=$(ticks noisy) r1=$(rss_kb)
sa_check '[ $((f1 - f0)) -ge 3 ]' "the script that leaves a child behind runs on schedule: $((f1 - f0)) runs in 6 s (interval 1)"
sa_check '[ $((n1 - n0)) -ge 3 ]' "the noisy script runs on schedule: $((n1 - n0)) runs in 6 s"
sa_check '[ "$r1" -le $((r0 + 32768)) ]' "40 MB of output a run costs no memory: RSS $((r0 / 1024)) MB then $((r1 / 1024)) MB"
sa_check '! grep -qE "VRRP_Script\((fork|noisy)\) failed" "$log"' "neither script is judged failed (or timed out)"
sa_check '[ "$(grep -cE "VRRP_Script\((fork|noisy)\) succeeded" "$log")" = 2 ]' "both are reported succeeded, once"
sa_check '! grep -q "Entering FAULT" "$log"' "the instance never goes to FAULT"
sa_check 'sa_has_addr d 192.0.2.161' "the VIP is still there"
sa_check '[ "$(left_pids | wc -l)" -ge 3 ]' "the children left behind are still running ($(left_pids | wc -l)): nothing waited for them"
sa_term "$dpid"; ms=$SA_TERM_MS
sa_check '! kill -0 $dpid 2>/dev/null' "TERM: the daemon exits"
sa_check '[ "$ms" -lt 10000 ]' "within 10 s (took $ms ms)"
for p in $(left_pids); do kill "$p" 2>/dev/null; done
sa_stop_pid "$dpid"
exit $fail
