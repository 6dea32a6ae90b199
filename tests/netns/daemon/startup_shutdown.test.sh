#!/usr/bin/env bash
# global_defs startup_script and shutdown_script, as keepalived 2.2.7 runs them: the start-up
# script before anything else (no VRRP instance has started when it ends), the shutdown
# script after everything else (the VIP is already gone when it runs), each killed after its
# timeout, after which the daemon goes on (a hung start-up script delays the start by the
# timeout, never for ever).
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
sa_setup
sa_host d 1
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
fail=0
conf="$SA_TMP/keepalived.conf"
log="$SA_TMP/daemon.log"
chmod 755 "$SA_TMP"
pids=(-p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" -c "$SA_TMP/c.pid")

# The start-up script waits a second, then records whether the instance had started (a VRRP
# state line in the log, or the VIP) by then; the shutdown script records whether the VIP
# was still there. Both write their marker last.
cat >"$SA_TMP/startup.sh" <<SH
#!/bin/sh
sleep 1
grep -c "Entering" "$log" >"$SA_TMP/startup.entering"
ip -o addr show | grep -cw 192.0.2.171 >"$SA_TMP/startup.vip"
echo done >"$SA_TMP/startup.done"
SH
cat >"$SA_TMP/shutdown.sh" <<SH
#!/bin/sh
ip -o addr show | grep -cw 192.0.2.171 >"$SA_TMP/shutdown.vip"
echo done >"$SA_TMP/shutdown.done"
SH
cat >"$SA_TMP/hang.sh" <<SH
#!/bin/sh
echo \$\$ >"$SA_TMP/hang.pid"
exec sleep 60
SH
chmod 755 "$SA_TMP"/*.sh

write_conf() {  # write_conf STARTUP_SCRIPT [STARTUP_TIMEOUT]
  cat >"$conf" <<CONF
global_defs {
  script_user root
  enable_script_security
  startup_script $1
  startup_script_timeout ${2:-10}
  shutdown_script $SA_TMP/shutdown.sh
  shutdown_script_timeout 5
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 71
  priority 200
  advert_int 1
  virtual_ipaddress {
    192.0.2.171/24
  }
}
CONF
}

# -t says nothing about these keywords now that they work.
write_conf "$SA_TMP/startup.sh"
out=$("$bin" -t -f "$conf" 2>&1); rc=$?
sa_check '[ "$rc" = 0 ]' "-t accepts the scripts without a warning (status $rc${out:+: $out})"

# --- start-up script first, shutdown script last ---
sa_start d "$bin" -n -l -G "${pids[@]}" -f "$conf" 2>"$log"
dpid=$SA_LAST_PID
sa_check 'sa_wait 15 sa_has_addr d 192.0.2.171' "the instance becomes MASTER with its VIP"
sa_check '[ -f "$SA_TMP/startup.done" ]' "the start-up script ran to its end"
sa_check '[ "$(cat "$SA_TMP/startup.entering" 2>/dev/null)" = 0 ]' \
  "no instance had started when the start-up script ended ($(cat "$SA_TMP/startup.entering" 2>/dev/null) state lines)"
sa_check '[ "$(cat "$SA_TMP/startup.vip" 2>/dev/null)" = 0 ]' "nor was the VIP there"
sa_check 'grep -q "Running startup script $SA_TMP/startup.sh" "$log"' "the log says it runs the start-up script"
sa_check '[ ! -e "$SA_TMP/shutdown.done" ]' "the shutdown script has not run yet"
sa_term "$dpid" 20
sa_check '! kill -0 $dpid 2>/dev/null' "TERM: the daemon exits (in $SA_TERM_MS ms)"
sa_check '[ -f "$SA_TMP/shutdown.done" ]' "the shutdown script ran"
sa_check '[ "$(cat "$SA_TMP/shutdown.vip" 2>/dev/null)" = 0 ]' "after the VIP was removed"
sa_check '! sa_has_addr d 192.0.2.171' "the VIP is gone"
sa_stop_pid "$dpid"

# --- a start-up script that hangs is killed after its timeout, and the daemon starts ---
write_conf "$SA_TMP/hang.sh" 2
rm -f "$SA_TMP/shutdown.done"
t0=$(date +%s%N)
sa_start d "$bin" -n -l -G "${pids[@]}" -f "$conf" 2>"$log"
dpid=$SA_LAST_PID
sa_check 'sa_wait 20 sa_has_addr d 192.0.2.171' "the instance becomes MASTER although the start-up script hangs"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
sa_check '[ "$ms" -ge 2000 ]' "not before the start-up script's timeout of 2 s (VIP after $ms ms)"
sa_check 'grep -q "startup script $SA_TMP/hang.sh timed out" "$log"' "the timeout is logged"
hang=$(cat "$SA_TMP/hang.pid" 2>/dev/null || echo 0)
sa_check '[ "$hang" != 0 ] && ! kill -0 "$hang" 2>/dev/null' "the hung script was killed (pid $hang)"
sa_term "$dpid" 20
sa_check '[ -f "$SA_TMP/shutdown.done" ]' "the shutdown script runs at the stop"
sa_stop_pid "$dpid"
exit $fail
