#!/usr/bin/env bash
# The dump files compared with the real keepalived's. keepalived and stayalived each run
# alone in a namespace of their own (eth0 a veth whose peer stays in the namespace: no
# other router), with the same configuration (two instances, VI_2 with an excluded VIP, in
# a sync group), and each writes its dumps into its own TMPDIR. Once both hold the VIPs of
# both instances (both Masters), USR2 / JSON (36) / USR1 go to each and we compare:
#   keepalived.stats: the same lines in the same order, every counter an integer;
#   keepalived.json:  every key of "data" and "stats" that keepalived writes is in ours with
#                     the same JSON type (the missing ones are listed); the values that
#                     monitoring reads (state, priorities, VIPs, counters...) equal;
#   keepalived.data:  in the "VRRP Topology" section every label we print is one of
#                     keepalived's, and the line is the same as keepalived's unless its
#                     value depends on the moment (times, file descriptors); the keepalived
#                     lines we omit are listed.
# Then STATS_CLEAR (signal 63) zeroes the counters: a USR2 right after it shows the
# "Became master" count at 0 and only the adverts sent since.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
sa_need keepalived jq
bin="$SA_BIN_DIR/stayalived"
sa_need_file "$bin"
sa_setup
T0=$(date +%s)
fail=0

# A namespace with eth0 = 192.0.2.1/24 and nothing on the other end.
lone() {
  sa_ns_add "$1"
  sa_in "$1" ip link add eth0 type veth peer name peer0
  sa_in "$1" ip addr add 192.0.2.1/24 dev eth0
  sa_in "$1" ip link set peer0 up
  sa_in "$1" ip link set eth0 up
}
lone ka
lone sa

conf="$SA_TMP/keepalived.conf"
cat >"$conf" <<'CONF'
global_defs {
  router_id DUMPS
}
vrrp_sync_group G1 {
  group {
    VI_2
  }
}
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101/24
  }
}
vrrp_instance VI_2 {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.110/24
  }
  virtual_ipaddress_excluded {
    192.0.2.210/24
  }
}
CONF
mkdir -p "$SA_TMP/ka" "$SA_TMP/sa"
TMPDIR="$SA_TMP/ka" sa_start ka keepalived -n -l -D -P -f "$conf" -p "$SA_TMP/ka-k.pid" -r "$SA_TMP/ka-v.pid" \
  -c "$SA_TMP/ka-c.pid" 2>"$SA_TMP/ka.log"
KA=$SA_LAST_PID
TMPDIR="$SA_TMP/sa" sa_start sa "$bin" -n -l -G -f "$conf" -p "$SA_TMP/sa-k.pid" -r "$SA_TMP/sa-v.pid" \
  -c "$SA_TMP/sa-c.pid" 2>"$SA_TMP/sa.log"
SA=$SA_LAST_PID

for who in ka sa; do
  sa_check 'sa_wait 10 sa_has_addr $who 192.0.2.100 && sa_wait 10 sa_has_addr $who 192.0.2.110 && sa_wait 5 sa_has_addr $who 192.0.2.210' \
    "$who: both instances Master"
done
sleep 0.5

# dump WHO SIGNAL FILE: a fresh FILE from WHO.
dump() {
  local pid; [ "$1" = ka ] && pid=$KA || pid=$SA
  rm -f "$SA_TMP/$1/$3"
  kill -"$2" "$pid"
  sa_wait 5 test -s "$SA_TMP/$1/$3"
}
for who in ka sa; do
  sa_check 'dump $who USR2 keepalived.stats' "$who: USR2 writes keepalived.stats"
  sa_check 'dump $who 36 keepalived.json' "$who: signal 36 writes keepalived.json"
  sa_check 'dump $who USR1 keepalived.data' "$who: USR1 writes keepalived.data"
done
K="$SA_TMP/ka"; S="$SA_TMP/sa"

# --- keepalived.stats ---
shape() { sed -E 's/: [0-9]+$/: N/' "$1"; }
sa_check 'diff <(shape "$K/keepalived.stats") <(shape "$S/keepalived.stats") >&2' \
  "keepalived.stats: the same lines as keepalived's ($(wc -l <"$K/keepalived.stats") lines)"
sa_check '! grep -v "^VRRP Instance: " "$S/keepalived.stats" | grep -Ev ":$|: [0-9]+$" >&2' "keepalived.stats: every value is an integer"
sa_check 'diff <(grep -E "Became master|Released master" "$K/keepalived.stats") <(grep -E "Became master|Released master" "$S/keepalived.stats") >&2' \
  "keepalived.stats: Became/Released master counts equal keepalived's"

# --- keepalived.json ---
sa_check '[ "$(jq -r "map(.data.iname) | join(\" \")" "$K/keepalived.json")" = "$(jq -r "map(.data.iname) | join(\" \")" "$S/keepalived.json")" ]' \
  "keepalived.json: the same instances in the same order"
missing=""
for part in data stats; do
  keys() { jq -r ".[] | .data.iname as \$i | .$part | to_entries[] | \"\(\$i) \(.key) \(.value | type)\"" "$1" | sort; }
  lacking=$(comm -23 <(keys "$K/keepalived.json") <(keys "$S/keepalived.json"))
  [ -n "$lacking" ] && { sa_log "keys keepalived writes in .$part that we lack or type differently:"; echo "$lacking" >&2; }
  missing="$missing$lacking"
  extra=$(comm -13 <(keys "$K/keepalived.json") <(keys "$S/keepalived.json") | awk '{ print $2 }' | sort -u | tr '\n' ' ')
  sa_log "note: keys we write in .$part beyond keepalived's: ${extra:-none}"
done
sa_check '[ -z "$missing" ]' "keepalived.json: every key of data and stats keepalived writes is in ours with the same type"
for f in iname state wantstate vrid version base_priority effective_priority vipset vips evips adver_int \
         master_adver_int accept nopreempt ifp_ifname garp_delay garp_rep auth_type; do
  kv=$(jq -c "[.[] | .data.$f]" "$K/keepalived.json"); sv=$(jq -c "[.[] | .data.$f]" "$S/keepalived.json")
  sa_check '[ "$kv" = "$sv" ]' "keepalived.json: data.$f equal ($sv)"
done
for f in become_master release_master packet_len_err advert_interval_err ip_ttl_err invalid_type_rcvd \
         addr_list_err invalid_authtype authtype_mismatch auth_failure pri_zero_rcvd pri_zero_sent; do
  kv=$(jq -c "[.[] | .stats.$f]" "$K/keepalived.json"); sv=$(jq -c "[.[] | .stats.$f]" "$S/keepalived.json")
  sa_check '[ "$kv" = "$sv" ]' "keepalived.json: stats.$f equal ($sv)"
done

# --- keepalived.data, VRRP Topology ---
# "INSTANCE|line" for each line of the section.
topology() {
  awk '/^------< VRRP Topology >------$/ { on = 1; next } /^------</ { on = 0 }
       on && /^ VRRP Instance = / { inst = $4 } on { print inst "|" $0 }' "$1"
}
# The label of a line: what comes before " = " or " :" or ":", digits in "(N)" and
# addresses of list entries replaced.
label() {
  sed -E 's/ = .*$//; s/ :.*$/ :/; s/\([0-9]+\):$/(N):/; s/^([^|]*\|) {5}[0-9a-f.:]+\/?[0-9]*.*$/\1     ADDR/;
          s/^([^|]*\|   Multicast address) .*/\1/; s/^([^|]*\|   Flags:).*/\1/'
}
topology "$K/keepalived.data" >"$SA_TMP/k.topo"; topology "$S/keepalived.data" >"$SA_TMP/s.topo"
label <"$SA_TMP/k.topo" | sort -u >"$SA_TMP/k.labels"; label <"$SA_TMP/s.topo" | sort -u >"$SA_TMP/s.labels"
foreign=$(comm -13 "$SA_TMP/k.labels" "$SA_TMP/s.labels")
sa_check '[ -z "$foreign" ]' "keepalived.data: every Topology label we print is keepalived's ${foreign:+(not: $(echo "$foreign" | tr '\n' ';'))}"
omitted=$(comm -23 "$SA_TMP/k.labels" "$SA_TMP/s.labels" | cut -d'|' -f2 | sed 's/^ *//' | sort -u | tr '\n' ';')
sa_log "note: Topology lines of keepalived's we omit: ${omitted:-none}"
# Lines whose value depends on the moment or the process.
volatile='\|   (Last transition|Read timeout|fd_in)'
differ=$(grep -Ev "$volatile" "$SA_TMP/s.topo" | grep -vxF -f "$SA_TMP/k.topo")
sa_check '[ -z "$differ" ]' "keepalived.data: our Topology lines equal keepalived's ${differ:+(differ: $(echo "$differ" | tr '\n' ';'))}"
sa_check 'grep -q "VI_1|   State = MASTER" "$SA_TMP/s.topo" && grep -q "VI_2|   Sync group = G1" "$SA_TMP/s.topo"' \
  "keepalived.data: state and sync group shown"

# --- STATS_CLEAR ---
sent_vi1() { awk '/^VRRP Instance: VI_1/ { on = 1 } on && /^    Sent:/ { print $2; exit }' "$1"; }
sleep 2   # a few adverts more to count
for who in ka sa; do
  # STATS_CLEAR writes the counters as they are, then clears them.
  sa_check 'dump $who 63 keepalived.stats' "$who: STATS_CLEAR writes keepalived.stats"
  before=$(sent_vi1 "$SA_TMP/$who/keepalived.stats")
  became_before=$(grep -c "Became master: 1" "$SA_TMP/$who/keepalived.stats")
  sa_check 'dump $who USR2 keepalived.stats' "$who: USR2 after STATS_CLEAR"
  after=$(sent_vi1 "$SA_TMP/$who/keepalived.stats")
  became=$(grep -c "Became master: 0" "$SA_TMP/$who/keepalived.stats")
  sa_check '[ "$became_before" -eq 2 ] && [ "$became" -eq 2 ] && [ "$before" -ge 3 ] && [ "$after" -le 1 ]' \
    "$who: STATS_CLEAR zeroes the counters (VI_1 sent $before -> $after; Became master 1 in $became_before, 0 in $became instances)"
done
jq -e 'all(.[]; .stats.become_master == 1)' "$S/keepalived.json" >/dev/null ||
  sa_log "note: become_master was not 1 in our JSON dump before the clear"

sa_stop_pid "$KA"
sa_stop_pid "$SA"
sa_log "dumps compared: $(( $(date +%s) - T0 )) s"
[ "$fail" -eq 0 ] || { for f in "$SA_TMP"/*.log; do echo "== $f"; tail -20 "$f"; done >&2; }
exit "$fail"
