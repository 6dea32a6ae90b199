#!/usr/bin/env bash
# VRRPv3 with advert_int 0.1: Master_Down_Interval is 3 x 100 ms + (156 x 100 ms) / 256 = 360.9 ms.
# After kill -9 of the master, the backup's first advert follows the master's last one in
# under 400 ms, and its gratuitous ARP at once.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
VIP=192.0.2.100
for h in h1 h2; do
  prio=150; [ $h = h2 ] && prio=100
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 91
  version 3
  priority $prio
  advert_int 0.1
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
done
sa_capture sw br0 "$SA_TMP/wire.pcap" "ip proto 112 or arp"
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 3 $VIP h1 h1 h2' "h1 is master"
sleep 1
sa_stop_pid "$P1" KILL
vr_check 'vr_wait_holder 2 $VIP "h1 h2" h1 h2' "h2 takes over"
sleep 0.3
sa_stop_pid "$P2"
sleep 0.2
sa_stop_pid "${SA_PIDS[0]}"
last_h1=$(vr_adverts "$SA_TMP/wire.pcap" | awk '$2 == "192.0.2.1" {t=$1} END {print t}')
first_h2=$(vr_adverts "$SA_TMP/wire.pcap" | awk -v t="$last_h1" '$2 == "192.0.2.2" && $3 != 0 && $1 > t {print $1; exit}')
garp_h2=$(tcpdump -r "$SA_TMP/wire.pcap" -nn -tt arp 2>/dev/null | awk -v t="$first_h2" '$1 >= t {print $1; exit}')
gap=$(vr_delta "$last_h1" "$first_h2")
sa_log "last advert of h1 -> first advert of h2: $gap s; first GARP after $(vr_delta "$first_h2" "$garp_h2") s"
# The master dies at most one interval after its last advert: 0.36 - 0.1 < gap < 0.4 s.
vr_check '[ "$(awk -v d=$gap "BEGIN{print (d > 0.25 && d < 0.40)}")" = 1 ]' "failover in under 400 ms ($gap s)"
vr_check '[ "$(awk -v a=$first_h2 -v b=$garp_h2 "BEGIN{print (b - a < 0.02)}")" = 1 ]' "gratuitous ARP right after the first advert"
# The advert interval on the wire is 100 ms.
mean=$(vr_adverts "$SA_TMP/wire.pcap" | awk '$2 == "192.0.2.1" && $3 != 0 { if (p) { s += $1 - p; n++ } p = $1 } END { printf "%.3f", s / n }')
vr_check '[ "$(awk -v m=$mean "BEGIN{print (m > 0.095 && m < 0.105)}")" = 1 ]' "h1 advertised every 100 ms (mean gap $mean s)"
vr_done
