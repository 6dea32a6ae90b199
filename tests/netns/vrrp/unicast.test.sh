#!/usr/bin/env bash
# Unicast peers: a VRRPv2 instance with PASS authentication and a VRRPv3 one, each with
# unicast_src_ip and unicast_peer. Adverts go to the peer (never to the multicast group);
# failover and preemption work; an advert from a host that is not a peer is refused with
# check_unicast_src.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
sa_host h3 3

for h in h1 h2; do
  me=1 peer=2 prio=150
  [ $h = h2 ] && { me=2; peer=1; prio=100; }
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_instance V2 {
  state BACKUP
  interface eth0
  virtual_router_id 81
  priority $prio
  advert_int 1
  unicast_src_ip 192.0.2.$me
  unicast_peer {
    192.0.2.$peer
  }
  check_unicast_src
  authentication {
    auth_type PASS
    auth_pass unic4st
  }
  virtual_ipaddress {
    192.0.2.181/24
  }
}
vrrp_instance V3 {
  state BACKUP
  interface eth0
  virtual_router_id 82
  version 3
  priority $prio
  advert_int 0.5
  unicast_src_ip 192.0.2.$me
  unicast_peer {
    192.0.2.$peer
  }
  virtual_ipaddress {
    192.0.2.182/24
  }
}
CONF
done
sa_capture sw br0 "$SA_TMP/wire.pcap" "ip proto 112"
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 6 192.0.2.181 h1 h1 h2' "h1 is master of V2 (unicast, PASS)"
vr_check 'vr_wait_holder 2 192.0.2.182 h1 h1 h2' "h1 is master of V3 (unicast)"
sleep 1.2
vr_expect_holder 192.0.2.181 h1 h1 h2
vr_expect_holder 192.0.2.182 h1 h1 h2

# Not a peer: refused (check_unicast_src), no change.
sa_in h3 python3 "$(dirname "$0")/lib/inject.py" --src 192.0.2.3 --dst 192.0.2.2 --vrid 81 --addr 192.0.2.181 \
  --prio 0 --auth pass:unic4st --count 3 --gap 0.1
sleep 0.5
vr_check 'grep -q "(V2) advert from 192.0.2.3 is not from a unicast peer" $SA_TMP/h2.log' "h2 refuses an advert from a non-peer"
vr_expect_holder 192.0.2.181 h1 h1 h2

sa_stop_pid "$P1" KILL
vr_check 'vr_wait_holder 5 192.0.2.181 "h1 h2" h1 h2' "h2 takes V2 over after kill -9"
vr_check 'vr_wait_holder 2 192.0.2.182 "h1 h2" h1 h2' "h2 takes V3 over after kill -9"
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 6 192.0.2.181 h1 h1 h2' "h1 preempts V2"
vr_check 'vr_wait_holder 3 192.0.2.182 h1 h1 h2' "h1 preempts V3"
sa_stop_pid "$P1"
sa_stop_pid "$P2"
sleep 0.3
sa_stop_pid "${SA_PIDS[0]}"
mcast=$(tcpdump -r "$SA_TMP/wire.pcap" -nn "dst 224.0.0.18" 2>/dev/null | wc -l)
ucast=$(tcpdump -r "$SA_TMP/wire.pcap" -nn "ip proto 112 and (dst 192.0.2.1 or dst 192.0.2.2)" 2>/dev/null | wc -l)
vr_check '[ "$mcast" = 0 ]' "no advert went to the multicast group"
vr_check '[ "$ucast" -gt 10 ]' "adverts went to the peers ($ucast)"
vr_done
