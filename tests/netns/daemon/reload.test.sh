#!/usr/bin/env bash
# Reload as an operator meets it: a broken config, a vanished config and a flood of HUPs
# never take the running configuration away (every diagnostic is logged, the daemon keeps
# serving); reload_file is created while reading and removed after; config_save_dir gets
# keepalived's files; the dump signals write keepalived's files.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
sa_setup
sa_ns_add d

bin="$SA_BIN_DIR/stayalived"
conf="$SA_TMP/keepalived.conf"
good() {
  cat >"$conf" <<CONF
global_defs {
  router_id RELOAD_$1
  reload_file $SA_TMP/reload.file
  config_save_dir $SA_TMP/save
}
CONF
}
fail=0
log="$SA_TMP/daemon.log"
count() { grep -c -- "$1" "$log"; }
# Predicates re-evaluated on every poll of sa_wait.
count_is() { [ "$(count "$1")" -eq "$2" ]; }
dump_shows() { kill -USR1 "$dpid"; sleep 0.2; grep -q "$1" "$SA_TMP/keepalived.data" 2>/dev/null; }

good 1
TMPDIR=$SA_TMP sa_start d "$bin" -n -l -G -f "$conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" -c "$SA_TMP/c.pid" 2>"$log"
dpid=$SA_LAST_PID
sa_check 'sa_wait 10 grep -q "Startup complete" "$log"' "daemon started"

# A good reload.
good 2
kill -HUP "$dpid"
sa_check 'sa_wait 10 count_is "Reload complete" 1' "good config reloads"
sa_check '[ ! -e "$SA_TMP/reload.file" ]' "reload_file removed after reading"
sa_check 'ls "$SA_TMP/save" | grep -q "^keepalived.conf.$dpid.0$" && ls "$SA_TMP/save" | grep -q "^keepalived.conf.$dpid.1$"' \
  "config_save_dir has the config as read at start and at the reload"
sa_check 'ls "$SA_TMP/save" | grep -q "^keepalived_vrrp.$dpid.1.pre$" && ls "$SA_TMP/save" | grep -q "^keepalived_vrrp.$dpid.1.post$"' \
  "config_save_dir has the dumps before and after the reload"
sa_check 'grep -q "Router ID = RELOAD_1" "$SA_TMP/save/keepalived_vrrp.$dpid.1.pre" && grep -q "Router ID = RELOAD_2" "$SA_TMP/save/keepalived_vrrp.$dpid.1.post"' \
  "the saved dumps show the config before and after"

# A broken config: every diagnostic logged, old config kept.
cat >"$conf" <<'CONF'
global_defs {
  router_id BROKEN
}
vrrp_instance VI_1 {
  virtual_router_id
  priority 300
}
CONF
kill -HUP "$dpid"
sa_check 'sa_wait 10 grep -q "Reload failed" "$log"' "broken config: reload fails"
sa_check 'grep -q "keepalived.conf:5:[0-9]*: error: " "$log"' "the error names file and line"
sa_check 'grep -q "keepalived.conf:6:[0-9]*: .*priority" "$log"' "the other diagnostic is logged too"
sa_check 'kill -0 "$dpid"' "daemon still running"
sa_check 'sa_wait 5 dump_shows "Router ID = RELOAD_2"' "running config is still the last good one"

# The config file vanishes.
rm -f "$conf"
kill -HUP "$dpid"
sa_check 'sa_wait 10 count_is "Reload failed" 2' "missing config: reload fails"
sa_check 'kill -0 "$dpid"' "daemon still running without its config file"

# A flood of HUPs: folded, the daemon survives, the last good config wins.
good 3
for _ in $(seq 1 50); do kill -HUP "$dpid"; done
sa_check 'sa_wait 15 dump_shows "Router ID = RELOAD_3"' "after a HUP flood the newest config is running"
n=$(count "Reload complete")
sa_check '[ "$n" -ge 2 ] && [ "$n" -le 51 ]' "HUP flood folded into $((n - 1)) reload(s)"
sa_check 'kill -0 "$dpid"' "daemon survives the flood"

# Dumps.
kill -USR2 "$dpid"; kill -36 "$dpid"
sa_check 'sa_wait 5 test -e "$SA_TMP/keepalived.stats"' "USR2 writes keepalived.stats"
sa_check 'sa_wait 5 test "$(cat "$SA_TMP/keepalived.json" 2>/dev/null)" = "[]"' "JSON signal writes keepalived.json (no instances: [])"
sa_check 'test -e "$SA_TMP/keepalived_parent.data" && test -e "$SA_TMP/keepalived_check.data"' \
  "USR1 writes the parent and checker data files too"
sa_check '[ "$(stat -c %a "$SA_TMP/keepalived.data")" = 600 ]' "dump files are 0600 (umask 0177)"

# HUP during shutdown is harmless.
kill -TERM "$dpid"; kill -HUP "$dpid" 2>/dev/null
wait "$dpid"; rc=$?
sa_check '[ "$rc" -eq 0 ]' "clean exit after TERM+HUP (status $rc)"
exit "$fail"
