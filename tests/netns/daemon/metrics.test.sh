#!/usr/bin/env bash
# The Prometheus endpoint (--metrics, metrics_listen) on a VRRP pair: keepalived-exporter's
# names, labels and values (keepalived_vrrp_state 2 on the master and 1 on the backup, per
# VIP), ours, promtool's lint, /healthz, /readyz, 404/405; the command line wins over
# metrics_listen; then a real Prometheus server scrapes the master every second in its
# namespace and its query API returns our series; the example alert rules pass promtool.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
sa_need curl jq promtool prometheus
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100
fail=0

conf() {  # conf HOST PRIORITY [EXTRA [IN_INSTANCE]]
  cat >"$SA_TMP/$1.conf" <<CONF
global_defs {
  router_id $1
  metrics_listen 127.0.0.1:9651
  ${GLOBAL_EXTRA:-}
}
${3:-}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $2
  advert_int 1
  virtual_ipaddress {
    $VIP/24
  }
  virtual_ipaddress_excluded {
    192.0.2.200/32
  }
  ${4:-}
}
CONF
}
start() {  # start HOST
  sa_start "$1" "$bin" -n -l -G -f "$SA_TMP/$1.conf" -p "$SA_TMP/$1.pid" -r "$SA_TMP/$1.vpid" \
    -c "$SA_TMP/$1.cpid" --metrics=9650 2>"$SA_TMP/$1.log"
}
scrape() { sa_in "$1" curl -sf --max-time 5 "http://127.0.0.1:9650${2:-/metrics}"; }
has() { grep -qxF -- "$2" "$SA_TMP/$1.metrics"; }

# h1 also checks a real server that refuses connections (h2, nothing on port 80): it goes
# down. (This kernel may have no ip_vs: the checkers run all the same.)
conf h1 200 "virtual_server $VIP 80 {
  delay_loop 1
  lb_algo rr
  lb_kind DR
  protocol TCP
  quorum 1
  real_server 192.0.2.2 80 {
    TCP_CHECK {
      connect_timeout 1
      retry 0
    }
    MISC_CHECK {
      misc_path /bin/true
    }
  }
}"
# h2 tracks a script that succeeds and one that fails (weight -10: it stays BACKUP). Its
# start-up script holds its start for 3 s: /readyz answers 503 meanwhile.
GLOBAL_EXTRA='startup_script "/bin/sleep 3"' conf h2 100 "vrrp_script chk_ok {
  script /bin/true
  interval 1
}
vrrp_script chk_bad {
  script /bin/false
  interval 1
  weight -10
}" "track_script {
    chk_ok
    chk_bad
  }"
start h1; P1=$SA_LAST_PID
start h2; P2=$SA_LAST_PID
sa_check 'sa_wait 5 scrape h2 /healthz' "h2: /healthz answers while its start-up script runs"
code=$(sa_in h2 curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9650/readyz)
sa_check '[ "$code" = 503 ]' "h2: /readyz 503 before its subsystems start ($code)"
sa_check 'sa_wait 10 grep -q "Metrics: serving Prometheus metrics on http://127.0.0.1:9650/metrics" $SA_TMP/h1.log' \
  "the endpoint listens where --metrics says"
sa_check 'sa_wait 10 sa_has_addr h1 $VIP' "h1 (priority 200) becomes master"
sa_check 'sa_wait 8 grep -q "Startup complete" $SA_TMP/h2.log' "h2 started"
sa_check 'scrape h2 /readyz >/dev/null' "h2: /readyz 200 once started"
sleep 2  # a few adverts reach h2
rs_down() { scrape h1 | grep -qxF 'stayalived_real_server_up{virtual_server="[192.0.2.100]:tcp:80",real_server="[192.0.2.2]:tcp:80"} 0'; }
sa_check 'sa_wait 10 rs_down' "stayalived_real_server_up 0 for the refusing real server"
scrape h1 >"$SA_TMP/h1.metrics"; scrape h2 >"$SA_TMP/h2.metrics"
sa_check '[ -s $SA_TMP/h1.metrics ] && [ -s $SA_TMP/h2.metrics ]' "GET /metrics answers on both"
sa_check 'sa_in h1 curl -s -D - -o /dev/null http://127.0.0.1:9650/metrics | grep -qi "^Content-Type: text/plain; version=0.0.4; charset=utf-8"' \
  "Content-Type of the text format 0.0.4"
# keepalived-exporter's names and labels.
sa_check 'has h1 "keepalived_up 1"' "keepalived_up 1"
sa_check 'has h1 "keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",ip_address=\"$VIP/24\"} 2"' \
  "h1: keepalived_vrrp_state{iname,intf,vrid,ip_address} 2 (MASTER)"
sa_check 'has h2 "keepalived_vrrp_state{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",ip_address=\"$VIP/24\"} 1"' \
  "h2: keepalived_vrrp_state 1 (BACKUP)"
sa_check 'has h1 "keepalived_vrrp_excluded_state{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",ip_address=\"192.0.2.200/32\"} 2"' \
  "keepalived_vrrp_excluded_state per excluded VIP"
sa_check 'has h1 "keepalived_become_master_total{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\"} 1"' "h1: keepalived_become_master_total 1"
sa_check 'has h2 "keepalived_become_master_total{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\"} 0"' "h2: keepalived_become_master_total 0"
sa_check 'has h2 "keepalived_script_status{name=\"chk_ok\"} 1" && has h2 "keepalived_script_status{name=\"chk_bad\"} 0"' \
  "keepalived_script_status{name}: GOOD 1, BAD 0"
sa_check 'grep -q "^keepalived_script_state{name=\"chk_ok\"} [01]$" $SA_TMP/h2.metrics' "keepalived_script_state{name}"
sa_check 'has h2 "stayalived_vrrp_effective_priority{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\"} 90"' \
  "h2: effective priority 90 (chk_bad weight -10)"
lint2=$(promtool check metrics <"$SA_TMP/h2.metrics" 2>&1); rc2=$?
sa_check '[ "$rc2" -eq 0 ] && [ -z "$lint2" ]' "promtool check metrics is clean on h2 too (rc $rc2${lint2:+: $lint2})"
sent=$(sed -n 's/^keepalived_advertisements_sent_total{iname="VI_1",intf="eth0",vrid="51"} //p' "$SA_TMP/h1.metrics")
rcvd=$(sed -n 's/^keepalived_advertisements_received_total{iname="VI_1",intf="eth0",vrid="51"} //p' "$SA_TMP/h2.metrics")
sa_check '[ "${sent:-0}" -ge 2 ] && [ "${rcvd:-0}" -ge 2 ]' "adverts sent by h1 ($sent) and received by h2 ($rcvd)"
for n in release_master_total packet_length_errors_total advertisements_interval_errors_total ip_ttl_errors_total \
  invalid_type_received_total address_list_errors_total authentication_invalid_total authentication_mismatch_total \
  authentication_failure_total priority_zero_received_total priority_zero_sent_total gratuitous_arp_delay_total; do
  sa_check 'grep -q "^keepalived_$n{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\"} [0-9]" $SA_TMP/h1.metrics' "keepalived_$n"
done
# Ours.
sa_check 'has h1 "stayalived_vrrp_transitions_total{iname=\"VI_1\",from=\"BACKUP\",to=\"MASTER\",cause=\"master_down\"} 1"' \
  "stayalived_vrrp_transitions_total by cause (from the event stream)"
sa_check 'has h1 "stayalived_vrrp_adverts_dropped_total{iname=\"VI_1\",intf=\"eth0\",vrid=\"51\",reason=\"auth_failure\"} 0"' \
  "dropped adverts per reason"
sa_check 'grep -q "^stayalived_event_loop_lag_seconds_count [1-9]" $SA_TMP/h1.metrics' "the loop-lag histogram has observations"
sa_check 'has h1 "stayalived_ready 1"' "stayalived_ready 1"
sa_check 'has h1 "stayalived_real_server_transitions_total{virtual_server=\"[192.0.2.100]:tcp:80\",real_server=\"[192.0.2.2]:tcp:80\",to=\"down\"} 1"' \
  "the real server's flip is counted (from the event stream)"
sa_check 'has h1 "stayalived_virtual_server_quorum_up{virtual_server=\"[192.0.2.100]:tcp:80\"} 0"' \
  "quorum 1 with no real server up: stayalived_virtual_server_quorum_up 0"
sa_check 'grep -q "^stayalived_checks_total{result=\"failure\"} [1-9]" $SA_TMP/h1.metrics' "failed checks counted"
sa_check 'grep -q "^stayalived_check_results_total{outcome=\"connection refused\"} [1-9]" $SA_TMP/h1.metrics' \
  "check results by outcome (connection refused)"
sa_check 'grep -q "^stayalived_check_duration_seconds_count [1-9]" $SA_TMP/h1.metrics' "the check duration histogram has observations"
sa_check 'grep -q "^stayalived_script_runs_total{class=\"misc_check\"} [1-9]" $SA_TMP/h1.metrics' \
  "MISC_CHECK programs are counted as scripts (class misc_check)"
lint=$(promtool check metrics <"$SA_TMP/h1.metrics" 2>&1); rc=$?
sa_check '[ "$rc" -eq 0 ] && [ -z "$lint" ]' "promtool check metrics is clean (rc $rc${lint:+: $lint})"
# Probes and errors.
sa_check '[ "$(scrape h1 /healthz)" = ok ]' "/healthz 200 ok"
sa_check 'scrape h1 /readyz >/dev/null' "/readyz 200 once started"
code=$(sa_in h1 curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9650/nothing)
sa_check '[ "$code" = 404 ]' "unknown path: 404 ($code)"
code=$(sa_in h1 curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:9650/metrics)
sa_check '[ "$code" = 405 ]' "POST: 405 ($code)"
sa_check '! sa_in h1 curl -s --max-time 2 -o /dev/null http://127.0.0.1:9651/metrics' \
  "--metrics wins over metrics_listen (nothing on 9651)"
# A reload is counted.
kill -HUP "$P1"
reloaded() { scrape h1 | grep -qxF 'stayalived_reloads_total{result="success"} 1'; }
sa_check 'sa_wait 10 reloaded' "stayalived_reloads_total{result=success} 1 after a HUP"

# A real Prometheus server scrapes h1 every second.
mkdir -p "$SA_TMP/prom"
cat >"$SA_TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $SA_SOURCE_DIR/etc/prometheus/stayalived.rules.yml
scrape_configs:
  - job_name: stayalived
    static_configs:
      - targets: ['127.0.0.1:9650']
YML
sa_start h1 prometheus --config.file="$SA_TMP/prometheus.yml" --storage.tsdb.path="$SA_TMP/prom" \
  --web.listen-address=127.0.0.1:9090 --log.level=warn 2>"$SA_TMP/prometheus.log"
PP=$SA_LAST_PID
# query PROMQL JQ: true when Prometheus answers and JQ holds on its answer (jq -e alone
# would pass on an empty answer).
query() {
  local out
  out=$(sa_in h1 curl -sf --max-time 3 --get --data-urlencode "query=$1" http://127.0.0.1:9090/api/v1/query) &&
    [ -n "$out" ] && jq -e "$2" <<<"$out" >/dev/null
}
state_from_prometheus() {
  query 'keepalived_vrrp_state{job="stayalived",iname="VI_1",vrid="51"}' \
    '.status == "success" and any(.data.result[]; .metric.ip_address == "192.0.2.100/24" and .value[1] == "2")'
}
sa_check 'sa_wait 30 state_from_prometheus' "Prometheus's API returns keepalived_vrrp_state 2 scraped from us"
up_from_prometheus() { query 'up{job="stayalived"}' '.data.result[0].value[1] == "1"'; }
reloads_from_prometheus() {
  query 'stayalived_reloads_total{result="success"}' '.data.result[0].value[1] == "1"'
}
sa_check 'sa_wait 10 reloads_from_prometheus' "Prometheus has stayalived_reloads_total{result=success} 1"
sa_check 'up_from_prometheus' "Prometheus sees the target up"
sa_stop_pid "$PP"
rules=$(promtool check rules "$SA_SOURCE_DIR"/etc/prometheus/*.yml 2>&1); rc=$?
sa_check '[ "$rc" -eq 0 ]' "promtool check rules etc/prometheus/*.yml ($(echo "$rules" | grep -o '[0-9]* rules found' | head -1))"

sa_term "$P1" 20
sa_check '! kill -0 $P1 2>/dev/null' "TERM: h1 exits with the endpoint open"
wait "$P1"; rc=$?
sa_check '[ "$rc" -eq 0 ]' "h1 exit status 0 (under ASan: no error, no leak) (got $rc)"
sa_term "$P2" 20
wait "$P2"; rc=$?
sa_check '[ "$rc" -eq 0 ]' "h2 exit status 0 (got $rc)"
[ "$fail" -ne 0 ] && sa_log "h1 log: $(tail -20 "$SA_TMP/h1.log")"
exit "$fail"
