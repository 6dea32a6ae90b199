#!/usr/bin/env bash
# static_ipaddress, static_routes and static_rules against the real keepalived 2.2.7: the
# same config under each daemon in turn in a fresh namespace; the addresses, routes and
# rules after the start, after someone deletes the static address, route and rule (the
# address comes back, the route and rule do not), and after the stop (all gone) must be
# the same under both.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_need keepalived
sa_setup
fail=0
conf="$SA_TMP/statics.conf"
cat >"$conf" <<'CONF'
global_defs {
  router_id STATICS
}
static_ipaddress {
  192.0.2.50/24 dev eth0
  2001:db8::50/64 dev eth0
}
static_routes {
  198.51.100.0/24 via 192.0.2.254 dev eth0
  203.0.113.0/24 dev eth0 table 100
}
static_rules {
  from 192.0.2.50 table 100 preference 100
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
}
CONF

state() {  # state HOST: the namespace's addresses, routes and rules, without what varies
  sa_in "$1" ip -o addr show dev eth0 | awk '{print $3, $4}' | grep -v fe80
  sa_in "$1" ip route show table all | grep -v -e "^local" -e "^multicast" -e "^fe80" -e "^ff00" -e "^broadcast"
  sa_in "$1" ip -6 route show table all | grep -v -e "^local" -e "^multicast" -e "^fe80" -e "^ff00" -e "linkdown" | sed 's/ pref medium//'
  sa_in "$1" ip rule show
}

run() {  # run NAME START_FUNCTION HOST N
  local name=$1 start=$2 host=$3 n=$4 pid
  sa_host "$host" "$n"
  "$start" "$host" "$conf"
  pid=$SA_LAST_PID
  sa_check "sa_wait 10 sa_has_addr $host 192.0.2.50" "$name: the static address is installed"
  sleep 1
  state "$host" | sed "s/192.0.2.$n\//192.0.2.N\//; s/2001:db8::$n\//2001:db8::N\//; s/src 192.0.2.$n/src 192.0.2.N/" \
    >"$SA_TMP/$name.start"
  sa_in "$host" ip addr del 192.0.2.50/24 dev eth0
  sa_in "$host" ip route del 198.51.100.0/24
  sa_in "$host" ip rule del from 192.0.2.50 table 100 preference 100
  sa_check "sa_wait 5 sa_has_addr $host 192.0.2.50" "$name: the deleted static address is restored"
  sleep 1
  state "$host" | sed "s/192.0.2.$n\//192.0.2.N\//; s/2001:db8::$n\//2001:db8::N\//; s/src 192.0.2.$n/src 192.0.2.N/" \
    >"$SA_TMP/$name.deleted"
  sa_term "$pid" 20
  sa_check '! kill -0 $pid 2>/dev/null' "$name: stops"
  state "$host" | sed "s/192.0.2.$n\//192.0.2.N\//; s/2001:db8::$n\//2001:db8::N\//; s/src 192.0.2.$n/src 192.0.2.N/" \
    >"$SA_TMP/$name.stopped"
  sa_stop_pid "$pid"
}

run keepalived vr_start_ka k 1
run stayalived vr_start_sa s 2

for phase in start deleted stopped; do
  sa_check 'diff -u "$SA_TMP/keepalived.$phase" "$SA_TMP/stayalived.$phase" >&2' \
    "after the $phase, addresses, routes and rules are keepalived's ($(grep -c . "$SA_TMP/stayalived.$phase") lines)"
done
sa_check 'grep -q "198.51.100.0/24 via 192.0.2.254 dev eth0 proto keepalived" "$SA_TMP/stayalived.start"' "start: the static route is there"
sa_check 'grep -q "^100:.*from 192.0.2.50 lookup 100" "$SA_TMP/stayalived.start"' "start: the static rule is there"
sa_check '! grep -q "198.51.100.0/24" "$SA_TMP/stayalived.deleted"' "a deleted static route stays deleted"
sa_check '! grep -q "192.0.2.50" "$SA_TMP/stayalived.stopped"' "stop: the static address is removed"
sa_check '! grep -q "203.0.113.0/24" "$SA_TMP/stayalived.stopped"' "stop: the static route is removed"
sa_check 'grep -q "Restoring deleted static address 192.0.2.50/24 dev eth0" "$SA_TMP/s.log"' "the restore is logged in keepalived's words"
exit $fail
