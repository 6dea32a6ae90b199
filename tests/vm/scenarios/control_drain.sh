#!/usr/bin/env bash
# stayalivedctl on a director with real IPVS: drain, disable/enable, and reload --dry-run.
#
#   c (192.0.2.100) ---- front LAN ---- dir1 (.1; VRRP holds the VIP 192.0.2.60)
#                                        |  eth1 (back LAN, gateway VIP 203.0.113.254)
#   r4 r5 (203.0.113.14-.15, LVS-NAT, busybox httpd answering their names)
#
# Asserts:
#   1. drain r4 while a connection to r4 is held open and the client keeps requesting:
#      r4's weight goes to 0 at once (new requests all reach r5), no request fails, the
#      drain ends only after the held connection has ended, and then r4 leaves the table;
#      status shows it DISABLED; enable puts it back (round robin again).
#      While it drains, /metrics (node_exporter's IPVS names) shows r4 with weight 0 and its
#      active connection, and our per-real-server counters (netlink stats) match ipvsadm --stats.
#   2. reload --dry-run lists IPVS operations; the real reload that follows performs exactly
#      that many writes (the daemon's ipvs_applied event), and the table is what the dry run
#      said.
set -u
SA_SOURCE_DIR=$(cd "$SA_VM_SRC/../.." && pwd)
export SA_SOURCE_DIR
. "$SA_SOURCE_DIR/tests/lib/netns.sh"
. "$SA_SOURCE_DIR/tests/netns/vrrp/lib/vrrp.sh"
. "$SA_VM_SRC/lib/lvs.sh"
. "$SA_VM_SRC/lib/directors.sh"
client_py=$SA_VM_SRC/lib/http_client.py
ctl_bin=$SA_BIN_DIR/stayalivedctl
[ -x "$ctl_bin" ] || sa_fail "$ctl_bin not built"
VIP=192.0.2.60
GW_VIP=$LVS_BACK.254
directors_start control_drain
declare -A httpd
for i in 4 5; do lvs_real_server_nat "r$i" "1$i" "$GW_VIP"; httpd[r$i]=$SA_LAST_PID; done

write_conf() {  # write_conf R5_WEIGHT
  cat >"$SA_TMP/dir1.conf" <<EOC
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority 150
  advert_int 1
  virtual_ipaddress {
    $VIP/32 dev eth0
    $GW_VIP/24 dev eth1
  }
}
virtual_server $VIP 80 {
  delay_loop 1
  lb_algo rr
  lb_kind NAT
  protocol TCP
  real_server $LVS_BACK.14 80 {
    weight 1
    TCP_CHECK {
      connect_timeout 1
    }
  }
  real_server $LVS_BACK.15 80 {
    weight $1
    TCP_CHECK {
      connect_timeout 1
    }
  }
}
EOC
}
write_conf 1
ctl() { sa_in dir1 "$ctl_bin" --socket "$SA_TMP/dir1.ctl" "$@"; }
table() {
  sa_in dir1 ipvsadm -Ln 2>/dev/null | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2, $4 }' | sort | tr '\n' ';'
}
fetch() { sa_in c python3 "$client_py" "$1" "$2" 0 30 | cut -d' ' -f2 | tr '\n' ' ' | sed 's/ $//'; }

vr_start_sa dir1 "$SA_TMP/dir1.conf" --control-socket "$SA_TMP/dir1.ctl" --metrics=9650; d1=$SA_LAST_PID
scrape() {
  sa_in dir1 python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen("http://127.0.0.1:9650/metrics", timeout=5).read().decode())'
}
vr_wait_holder 60 "$VIP" dir1 dir1 || fail "dir1 did not become MASTER"
full="$LVS_BACK.14:80 1;$LVS_BACK.15:80 1;"
table_is() { [ "$(table)" = "$1" ]; }
sa_wait 30 table_is "$full" || fail "table: $(table), expected $full"
ok "dir1 MASTER, table $(table)"

# --- 1. drain r4 under traffic, with a connection to r4 held open ---
# Held connections: each sends half a request, waits, then finishes it; whichever reach r4
# keep it busy (ActiveConn) for HOLD seconds. Two of them: round robin gives r4 one.
hold=15
cat >"$SA_TMP/hold.py" <<'PY'
import socket, sys, time
addr, hold, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
s = socket.create_connection((addr, 80), timeout=5)
s.sendall(b"GET / HTTP/1.0\r\n")
time.sleep(hold)
s.settimeout(5)
s.sendall(b"\r\n")
data = b""
try:
    while len(data) < 65536:
        b = s.recv(4096)
        if not b:
            break
        data += b
except OSError:
    pass
body = data.partition(b"\r\n\r\n")[2].decode(errors="replace").strip() or "FAIL"
with open(out, "a") as f:
    f.write("%.3f %s\n" % (time.time(), body))
PY
for k in 1 2; do sa_start c python3 "$SA_TMP/hold.py" "$VIP" "$hold" "$SA_TMP/held.out"; done
# The precondition: one of them is an active connection to r4 in the kernel's table.
r4_active() { sa_in dir1 ipvsadm -Ln | awk -v d="$LVS_BACK.14:80" '$1 == "->" && $2 == d && $5 >= 1 { f = 1 } END { exit !f }'; }
sa_wait 15 r4_active || fail "no held connection became active on r4: $(sa_in dir1 ipvsadm -Lnc | tr '\n' ';')"
loop=$SA_TMP/loop.out stop=$SA_TMP/loop.stop
sa_start c python3 "$client_py" "$VIP" 300 0.1 60 "$stop" >"$loop"
client=$SA_LAST_PID
sleep 1
t_drain=$(now)
sa_start dir1 "$ctl_bin" --socket "$SA_TMP/dir1.ctl" drain "$LVS_BACK.14:80" --timeout 40 >"$SA_TMP/drain.out" 2>&1
drainer=$SA_LAST_PID
weight0() { table | grep -q "$LVS_BACK.14:80 0;"; }
sa_wait 10 weight0 || fail "r4's weight did not go to 0: $(table)"
t_w0=$(now)  # the weight is 0 in the kernel from here (stayalivedctl's start is slow under TCG)
ok "drain: r4 weight 0 at once ($(table))"
m=$(scrape)
r4_sample() { grep -E "^$1\{local_address=\"$VIP\",local_port=\"80\",remote_address=\"$LVS_BACK.14\",remote_port=\"80\",proto=\"TCP\",local_mark=\"\"\} " <<<"$m" | awk '{ print $2 }'; }
w=$(r4_sample node_ipvs_backend_weight); a=$(r4_sample node_ipvs_backend_connections_active)
[ "$w" = 0 ] && [ "${a:-0}" -ge 1 ] || fail "metrics during the drain: r4 weight '$w', active '$a' (want 0 and >= 1)"
grep -q "^node_ipvs_connections_total [1-9]" <<<"$m" || fail "node_ipvs_connections_total missing or 0"
ok "metrics during the drain: r4 weight $w with $a active connection(s); node_ipvs_connections_total $(awk '$1 == "node_ipvs_connections_total" { print $2 }' <<<"$m")"
# Our per-real-server counters (netlink stats) against ipvsadm's: r4 takes no new
# connection at weight 0, so the two reads agree on its connection count.
rs_sample() { grep -E "^$1\{virtual_server=\"[^\"]*\",service=\"TCP $VIP:80\",real_server=\"$LVS_BACK.14:80\"\} " <<<"$m" | awk '{ print $NF }'; }
conns=$(rs_sample stayalived_ipvs_real_server_connections_total); pkts=$(rs_sample stayalived_ipvs_real_server_incoming_packets_total)
kconns=$(sa_in dir1 ipvsadm -Ln --stats --exact | awk -v d="$LVS_BACK.14:80" '$1 == "->" && $2 == d { print $3 }')
[ -n "$conns" ] && [ "$conns" = "$kconns" ] && [ "${pkts:-0}" -ge 1 ] ||
  fail "stayalived_ipvs_real_server_* for r4: connections '$conns' (ipvsadm --stats: '$kconns'), incoming packets '$pkts'"
grep -qE "^stayalived_ipvs_service_connections_total\{virtual_server=\"[^\"]*\",service=\"TCP $VIP:80\"\} [1-9]" <<<"$m" ||
  fail "stayalived_ipvs_service_connections_total for $VIP:80 missing or 0"
ok "metrics during the drain: r4 has $conns connection(s) and $pkts incoming packet(s) in our counters, as ipvsadm --stats"
drained() { ! kill -0 "$drainer" 2>/dev/null; }
sa_wait 60 drained || fail "the drain did not end: $(cat "$SA_TMP/drain.out")"
t_done=$(now)
wait "$drainer" 2>/dev/null; rc=$?
cat "$SA_TMP/drain.out"
[ "$rc" = 0 ] || fail "stayalivedctl drain exited $rc"
grep -q "drained: no active connection after" "$SA_TMP/drain.out" || fail "drain did not end by its connections ending"
held_r4=$(awk '$2 == "r4" { print $1 }' "$SA_TMP/held.out" | head -1)
[ -n "$held_r4" ] || fail "no held connection reached r4: $(cat "$SA_TMP/held.out")"
awk -v a="$held_r4" -v b="$t_done" 'BEGIN { exit !(b >= a) }' || fail "the drain ended ($t_done) before r4's held connection ($held_r4)"
figure "drain: held connection to r4 answered at +$(vr_delta "$t_drain" "$held_r4") s, drain ended at +$(vr_delta "$t_drain" "$t_done") s"
no_r4() { ! table | grep -q "$LVS_BACK.14:80"; }
sa_wait 10 no_r4 || fail "r4 still in the table after the drain: $(table)"
touch "$stop"
sa_wait 20 eval "! kill -0 $client" || true
sa_stop_pid "$client"
fails=$(awk '$2 == "FAIL"' "$loop" | wc -l)
after=$(awk -v t="$t_w0" '$1 >= t { print $2 }' "$loop" | sort | uniq -c | tr '\n' ' ')
[ "$fails" = 0 ] || fail "$fails request(s) failed during the drain: $(tr '\n' ' ' <"$loop")"
awk -v t="$t_w0" '$1 >= t && $2 == "r4"' "$loop" | grep -q . && fail "new requests reached r4 after its weight was seen at 0: $after"
ok "drain: $(wc -l <"$loop") requests, none failed; once the weight was 0: $after; r4 left the table after its last connection"
ctl status | grep -q "$LVS_BACK.14:80 up w1 DISABLED" || fail "status does not show r4 DISABLED: $(ctl status)"
ok "status shows r4 DISABLED"
ctl enable "$LVS_BACK.14:80" | grep -q enabled || fail "enable failed"
sa_wait 10 table_is "$full" || fail "after enable: $(table)"
answers=$(fetch "$VIP" 4)
[[ "$answers" == *r4* && "$answers" == *r5* ]] || fail "after enable, not both servers: $answers"
ok "enable: r4 back ($answers)"

# --- 2. reload --dry-run: the operations the reload then performs ---
write_conf 3
ctl --json reload --dry-run >"$SA_TMP/dry.json"
n_dry=$(jq -r '.result.ipvs_operations | length' "$SA_TMP/dry.json")
ops=$(jq -r '.result.ipvs_operations[]' "$SA_TMP/dry.json" | tr '\n' ';')
[ "$n_dry" -ge 1 ] || fail "dry run lists no IPVS operation: $(cat "$SA_TMP/dry.json")"
[ "$(table)" = "$full" ] || fail "the dry run changed the table: $(table)"
before=$(ctl --json history | jq '[.result.events[] | select(.type == "ipvs_applied")] | length')
ctl reload | grep -q "reload applied" || fail "reload failed"
applied() { [ "$(ctl --json history | jq '[.result.events[] | select(.type == "ipvs_applied")] | length')" -gt "$before" ]; }
sa_wait 20 applied || fail "no ipvs_applied event after the reload"
writes=$(ctl --json history | jq '[.result.events[] | select(.type == "ipvs_applied")] | last | .writes')
[ "$writes" = "$n_dry" ] || fail "the dry run said $n_dry operation(s) ($ops), the reload wrote $writes"
sa_wait 10 table_is "$LVS_BACK.14:80 1;$LVS_BACK.15:80 3;" || fail "table after reload: $(table)"
ok "reload --dry-run: $n_dry operation(s) ($ops); the reload wrote $writes; table $(table)"
figure "dry run: $ops"

sa_term "$d1" 30
[ -z "$(sa_in dir1 ipvsadm -Ln | awk '$1 == "TCP"')" ] || fail "services left after stop"
ok "stop: clean"
exit 0
