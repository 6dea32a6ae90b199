#!/usr/bin/env bash
# The VRRP firewall of vrrp_strict / no_accept, against the real keepalived 2.2.7: the same
# config runs under each daemon in turn on the same director namespace, and the nftables
# ruleset is captured while master, in FAULT and after the stop. The captures must be equal
# (counter values aside), and the traffic must match: a client's pings to the VIPs of the
# non-accepting instances (IPv4, excluded VIP, IPv6, IPv6 link-local) go unanswered while
# the VIP of the instance in accept mode answers. IPv6 VIPs are added without duplicate
# address detection ('nodad'), as keepalived adds them.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_need keepalived nft ping
sa_setup
sa_host d 1
sa_host c 9
fail=0
conf="$SA_TMP/fw.conf"
cat >"$conf" <<'CONF'
global_defs {
  router_id FW
  vrrp_strict
}
vrrp_instance V4 {
  state BACKUP
  interface eth0
  virtual_router_id 41
  priority 100
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101/24
  }
  virtual_ipaddress_excluded {
    192.0.2.102/24
  }
}
vrrp_instance V6 {
  state BACKUP
  interface eth0
  virtual_router_id 42
  priority 100
  advert_int 1
  virtual_ipaddress {
    2001:db8::100/64
    fe80::100/64
  }
}
vrrp_instance VA {
  state BACKUP
  interface eth0
  virtual_router_id 43
  priority 100
  version 3
  accept
  advert_int 1
  virtual_ipaddress {
    192.0.2.110/24
  }
}
CONF

# The ruleset, without the counters' values and the handles.
ruleset() { sa_in d nft list ruleset | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/'; }
answers() { sa_in c ping -c 1 -W 1 "$1" >/dev/null 2>&1; }

run() {  # run NAME START_FUNCTION
  local name=$1 start=$2 pid
  "$start" d "$conf"
  pid=$SA_LAST_PID
  sa_check 'vr_wait_holder 15 192.0.2.100 d d && vr_wait_holder 10 192.0.2.110 d d && vr_wait_holder 10 2001:db8::100 d d' \
    "$name: the three instances become MASTER"
  sleep 1  # the last instance's firewall update follows its VIPs
  ruleset >"$SA_TMP/$name.master"
  sa_check '! answers 192.0.2.100' "$name: the strict master's VIP does not answer"
  sa_check '! answers 192.0.2.102' "$name: nor its excluded VIP"
  sa_check '! answers 2001:db8::100' "$name: nor the IPv6 VIP"
  sa_check '! answers fe80::100%eth0' "$name: nor the IPv6 link-local VIP"
  sa_check 'sa_in d ip -o addr show dev eth0 | grep -q "2001:db8::100/64 scope global nodad"' \
    "$name: the IPv6 VIP is added without duplicate address detection"
  sa_check 'answers 192.0.2.110' "$name: the VIP of the instance in accept mode answers"
  sa_check 'answers 192.0.2.1' "$name: the director's own address answers"
  sa_link_down d
  sa_check 'sa_wait 10 bash -c "! ip netns exec $(sa_ns d) ip -o addr show | grep -qw 192.0.2.100"' "$name: FAULT removes the VIPs"
  sleep 1
  ruleset >"$SA_TMP/$name.fault"
  sa_link_up d
  sa_term "$pid" 20
  sa_check '! kill -0 $pid 2>/dev/null' "$name: stops"
  ruleset >"$SA_TMP/$name.stopped"
  sa_stop_pid "$pid"
}

run keepalived vr_start_ka
sleep 0.5
mv "$SA_TMP/d.log" "$SA_TMP/d-keepalived.log"
run stayalived vr_start_sa

for phase in master fault stopped; do
  sa_check 'diff -u "$SA_TMP/keepalived.$phase" "$SA_TMP/stayalived.$phase" >&2' \
    "the ruleset $phase is keepalived's ($(grep -c . "$SA_TMP/stayalived.$phase") lines)"
done
sa_check 'grep -q "elements = { 192.0.2.100, 192.0.2.101," "$SA_TMP/stayalived.master" && grep -q "192.0.2.102 }" "$SA_TMP/stayalived.master"' \
  "master: the set holds the VIPs and the excluded VIP, not the accept-mode VIP"
sa_check 'grep -q "elements = { 2001:db8::100 }" "$SA_TMP/stayalived.master"' "master: the IPv6 set holds the IPv6 VIP"
sa_check 'grep -q "elements = { fe80::100 . \"eth0\" }" "$SA_TMP/stayalived.master"' \
  "master: the link-local set holds the link-local VIP on its interface"
sa_check '! grep -q "elements = { 192" "$SA_TMP/stayalived.fault" && grep -q "table ip keepalived" "$SA_TMP/stayalived.fault"' \
  "FAULT: the tables stay, their sets are empty"
sa_check '[ ! -s "$SA_TMP/stayalived.stopped" ]' "stop: the tables are gone"
sa_check 'grep -q "(V4) setting firewall drop rule" "$SA_TMP/d.log"' "the log says 'setting firewall drop rule', as keepalived's"
exit $fail
