#!/usr/bin/env bash
# The checkers inside the real daemon (stayalived -C, as keepalived's checker process), from
# a keepalived.conf: TCP_CHECK, HTTP_GET with a digest, MISC_CHECK on real servers in
# namespaces. Failures are injected on the real servers; the daemon's notify scripts, its
# SMTP alerts (to a sink in a namespace), its lvs_notify_fifo lines, its log lines and its
# JSON dump must follow. This host's kernel has no ip_vs: the daemon says it cannot
# initialise IPVS and the checkers still run (tests/vm programs the kernel).
set -eu
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/common.sh"
sa_require_root
sa_need_file "$SA_BIN_DIR/stayalived"
sa_need busybox python3
sa_setup
SERVERS="$(dirname "$0")/servers.py"
check_timers 1 1 1 1   # the config's delay_loop, retry, delay_before_retry, connect_timeout
HANG=$(hang_limit)

sa_host lb 1
sa_host rs1 2
sa_host rs2 3
sa_host mail 4
mkdir -p "$SA_TMP/www"
echo hello >"$SA_TMP/www/index.html"
start_httpd() { sa_start "$1" busybox httpd -f -p 80 -h "$SA_TMP/www"; eval "HTTPD_$1=\$SA_LAST_PID"; }
start_httpd rs1
start_httpd rs2
echo ok >"$SA_TMP/smtp.mode"
sa_start mail python3 "$SERVERS" smtp 25 "$SA_TMP/smtp.mode" "$SA_TMP/smtp.log"
sa_wait 5 sa_in mail sh -c 'exec 3<>/dev/tcp/127.0.0.1/25' || true
digest=$(printf 'hello\n' | md5sum | cut -d' ' -f1)

cat >"$SA_TMP/notify.sh" <<'SH'
#!/bin/sh
out=""
for a in "$@"; do out="$out|$a"; done
echo "${out#|}" >>"$(dirname "$0")/notify.log"
SH
chmod +x "$SA_TMP/notify.sh"
echo 0 >"$SA_TMP/misc.status"
cat >"$SA_TMP/misc.sh" <<SH
#!/bin/sh
exit \$(cat $SA_TMP/misc.status)
SH
chmod +x "$SA_TMP/misc.sh"
mkfifo "$SA_TMP/lvs.fifo"
sa_start lb sh -c "exec cat '$SA_TMP/lvs.fifo' >'$SA_TMP/fifo.lines'"

cat >"$SA_TMP/k.conf" <<CONF
global_defs {
  router_id lb1
  notification_email { ops@example.com }
  notification_email_from lb1@example.com
  smtp_server 192.0.2.4 25
  smtp_connect_timeout 2
  lvs_notify_fifo $SA_TMP/lvs.fifo
  script_user root
}
virtual_server 192.0.2.100 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  real_server 192.0.2.2 80 {
    smtp_alert
    notify_up "$SA_TMP/notify.sh up rs1"
    notify_down "$SA_TMP/notify.sh down rs1"
    TCP_CHECK {
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }
  }
  real_server 192.0.2.3 80 {
    notify_up "$SA_TMP/notify.sh up rs2"
    notify_down "$SA_TMP/notify.sh down rs2"
    HTTP_GET {
      url {
        path /index.html
        digest $digest
      }
      connect_timeout 1
      retry 1
      delay_before_retry 1
    }
    MISC_CHECK {
      misc_path "$SA_TMP/misc.sh"
      misc_timeout 2
    }
  }
}
CONF
OUT="$SA_TMP/lb.log"
sa_start lb env TMPDIR="$SA_TMP" "$SA_BIN_DIR/stayalived" -n -l -G -C -f "$SA_TMP/k.conf" -p "$SA_TMP/s.pid" -c "$SA_TMP/c.pid" 2>"$OUT"
LB=$SA_LAST_PID

# Both start up (keepalived's default: real servers are up until a check fails), and the
# daemon says that it has no IPVS here but keeps checking.
wait_line 'Can.t initialize ipvs' "$HANG" >/dev/null || sa_fail "no IPVS message"
wait_line 'TCP connection to \[192.0.2.2\]:tcp:80 success' "$HANG" >/dev/null || sa_fail "first TCP check"
sleep 2
[ ! -s "$SA_TMP/notify.log" ] || sa_fail "notify without a change: $(cat "$SA_TMP/notify.log")"

# rs1's server stops: TCP_CHECK refused, confirmed by the retry; notify_down with its argv,
# the FIFO line, a mail to the sink.
t0=$(now); sa_stop_pid "$HTTPD_rs1"
wait_count '^down[|]rs1$' "$SA_TMP/notify.log" 1 "$HANG" || sa_fail "rs1 not notified down"
within "$(elapsed "$t0")" "$(down_bound fast)" "rs1 down (refused)"
grep -q "Removing service \[192.0.2.2\]:tcp:80 from VS \[192.0.2.100\]:tcp:80" "$OUT" || sa_fail "no removal log line: $(grep -i removing "$OUT")"
wait_count '^RS \[192.0.2.2\]:tcp:80 \[192.0.2.100\]:tcp:80 DOWN$' "$SA_TMP/fifo.lines" 1 "$HANG" || sa_fail "FIFO line: $(cat "$SA_TMP/fifo.lines")"
sa_wait 10 grep -q 'Subject: \[lb1\] Realserver \[192.0.2.2\]:tcp:80 of virtual server \[192.0.2.100\]:tcp:80 - DOWN' "$SA_TMP/smtp.log" || sa_fail "no SMTP alert: $(cat "$SA_TMP/smtp.log" 2>/dev/null)"
sa_log "mail seen by the sink: $(grep -c . "$SA_TMP/smtp.log") lines"
start_httpd rs1
wait_count '^up[|]rs1$' "$SA_TMP/notify.log" 1 "$HANG" || sa_fail "rs1 not notified up"

# rs2: a wrong digest brings it down (HTTP_GET), a failing MISC_CHECK keeps it down after
# the page is fixed; both fixed: up again. rs1 is untouched meanwhile.
echo changed >"$SA_TMP/www/index.html"
wait_count '^down[|]rs2$' "$SA_TMP/notify.log" 1 "$HANG" || sa_fail "rs2 not down on a wrong digest"
grep -q 'HTTP_GET on service \[192.0.2.3\]:tcp:80 failed after 1 retries.' "$OUT" ||
  sa_fail "no HTTP_GET failure line: $(grep 192.0.2.3 "$OUT" | tail -5)"
# The page is fixed only once the MISC_CHECK has failed: until then rs2 would rightly come
# back up on the HTTP_GET alone.
echo 1 >"$SA_TMP/misc.status"
wait_line 'MISC_CHECK on service \[192.0.2.3\]:tcp:80 failed' "$HANG" >/dev/null ||
  sa_fail "MISC_CHECK did not fail"
echo hello >"$SA_TMP/www/index.html"
# Long enough for the HTTP_GET alone to have brought it back, were that the rule.
sleep "$(down_bound fast)"
[ "$(count '^up[|]rs2$' "$SA_TMP/notify.log")" = 0 ] || sa_fail "rs2 up while MISC_CHECK fails"
echo 0 >"$SA_TMP/misc.status"
wait_count '^up[|]rs2$' "$SA_TMP/notify.log" 1 "$HANG" || sa_fail "rs2 not up once both checks pass"
[ "$(count 'rs1$' "$SA_TMP/notify.log")" = 2 ] || sa_fail "rs1 moved while rs2 failed: $(cat "$SA_TMP/notify.log")"

# The JSON dump (signal 36) has the checkers' view.
rm -f $SA_TMP/keepalived_check.json
kill -36 "$LB"
sa_wait 5 test -s $SA_TMP/keepalived_check.json || sa_fail "no keepalived_check.json"
python3 - "$SA_TMP" <<'PY' || sa_fail "JSON dump: $(cat $SA_TMP/keepalived_check.json)"
import json, sys
d = json.load(open(sys.argv[1] + "/keepalived_check.json"))
rss = d["virtual_servers"][0]["real_servers"]
assert [r["address"] for r in rss] == ["192.0.2.2", "192.0.2.3"], rss
assert all(r["alive"] for r in rss), rss
assert rss[1]["checkers"] == 2 and rss[1]["checkers_up"] == 2, rss
assert d["ipvs"]["available"] is False
PY

sa_stop_pid "$LB"
wait_line 'Stopped' 5 >/dev/null || sa_fail "no clean stop"
sa_log "notify calls: $(tr '\n' ' ' <"$SA_TMP/notify.log")"
sa_log "ok: checkers in the daemon"
