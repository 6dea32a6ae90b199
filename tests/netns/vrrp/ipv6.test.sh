#!/usr/bin/env bash
# IPv6 (VRRPv3 over ff02::12, from the link-local address): election, unsolicited neighbour
# advertisements for the VIPs, failover on TERM.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=2001:db8::100
for h in h1 h2; do
  prio=150; [ $h = h2 ] && prio=100
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_instance VI_6 {
  state BACKUP
  interface eth0
  virtual_router_id 96
  priority $prio
  advert_int 0.5
  virtual_ipaddress {
    fe80::96/64
    $VIP/64
  }
}
CONF
done
sa_capture sw br0 "$SA_TMP/wire.pcap" "ip6 proto 112 or icmp6"
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 4 $VIP h1 h1 h2' "h1 holds the IPv6 VIP"
vr_check 'vr_wait_holder 1 fe80::96 h1 h1 h2' "h1 holds the link-local VIP"
sleep 0.7
sa_stop_pid "$P1"
vr_check 'vr_wait_holder 2 $VIP h2 h1 h2' "h2 takes over on TERM"
sleep 0.3
sa_stop_pid "$P2"
sleep 0.2
sa_stop_pid "${SA_PIDS[0]}"
h1_ll=$(tcpdump -r "$SA_TMP/wire.pcap" -nn "ip6 proto 112" 2>/dev/null | awk '{print $3; exit}')
vr_check '[[ "$h1_ll" == fe80::* ]]' "adverts are sent from the link-local address ($h1_ll)"
vr_check 'tcpdump -r "$SA_TMP/wire.pcap" -nn -v "ip6 proto 112" 2>/dev/null | grep -q "hlim 255"' "hop limit 255"
vr_check 'tcpdump -r "$SA_TMP/wire.pcap" -nn "ip6 proto 112" 2>/dev/null | grep -q "ff02::12: VRRPv3"' "to ff02::12, VRRPv3"
nas=$(vr_garp_count "$SA_TMP/wire.pcap" $VIP)
vr_check '[ "$nas" -ge 10 ]' "unsolicited neighbour advertisements for $VIP from both masters ($nas)"
vr_check 'tcpdump -r "$SA_TMP/wire.pcap" -nn -v "icmp6 and ip6[40] == 136" 2>/dev/null | grep -q "Flags \[override\]"' "NA with the override flag only"
vr_check 'grep -q "(VI_6) Sending/queueing Unsolicited Neighbour Adverts on eth0 for $VIP" $SA_TMP/h2.log' "log: NA queued"
vr_done
