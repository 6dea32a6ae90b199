#!/usr/bin/env bash
# A flood of valid lower-priority adverts (a third host claiming priority 50) against a
# stayalived pair. keepalived's useful reply (the master answers a lower-priority master
# with an advert and gratuitous ARPs) stays, but bounded: at most one answer per 3/4 advert
# interval, so the master sends about as much as a real peer would make it send; the log
# lines on both sides are bounded the same way. Before, each advert got an advert, five
# ARPs and a log line (20000 adverts: about 20000 adverts and 100000 ARPs back).
set -u
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/../netns/vrrp/lib/vrrp.sh"
vr_require
sa_need python3
sa_setup
sa_host h1 1
sa_host h2 2
sa_host h3 3
VIP=192.0.2.100
INJ="$(dirname "$0")/../netns/vrrp/lib/inject.py"
for h in h1 h2; do
  prio=150; [ $h = h2 ] && prio=100
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority $prio
  advert_int 1
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
done
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 6 $VIP h1 h1 h2' "h1 is master"
mac1=$(sa_in h1 cat /sys/class/net/eth0/address)
sa_capture h3 eth0 "$SA_TMP/flood.pcap" "ether src $mac1 and (vrrp or arp)"
CAP=$SA_LAST_PID
t0=$(date +%s%N)
sa_in h3 python3 "$INJ" --src 192.0.2.3 --vrid 52 --addr $VIP --prio 50 --count 20000
secs=$(( ($(date +%s%N) - t0 + 999999999) / 1000000000 ))
sleep 1
sa_stop_pid "$CAP" INT
adverts=$(tcpdump -n -r "$SA_TMP/flood.pcap" vrrp 2>/dev/null | wc -l)
arps=$(tcpdump -n -r "$SA_TMP/flood.pcap" arp 2>/dev/null | wc -l)
window=$((secs + 1))
# Per second: 1 advert of its own + at most 4/3 answers; 5 ARPs per answer.
max_adverts=$(( window * 3 + 2 ))
max_arps=$(( (window * 4 / 3 + 2) * 5 ))
sa_log "flood of 20000 adverts in ${secs} s: h1 sent $adverts adverts and $arps ARPs in ${window} s"
vr_check '[ "$adverts" -le "$max_adverts" ]' "adverts bounded: $adverts <= $max_adverts"
vr_check '[ "$arps" -le "$max_arps" ]' "gratuitous ARPs bounded: $arps <= $max_arps"
answered=$(grep -c "with lower priority 50" "$SA_TMP/h1.log")
discarded=$(grep -c "received lower priority (50)" "$SA_TMP/h2.log")
vr_check '[ "$answered" -ge 1 ] && [ "$answered" -le $((window * 2)) ]' "master's log lines bounded: $answered"
vr_check '[ "$discarded" -le $((window * 2)) ]' "backup's 'discarding' lines bounded: $discarded"
vr_check 'vr_expect_holder $VIP h1 h1 h2' "h1 still holds the VIP"
vr_check 'kill -0 $P1 && kill -0 $P2' "both daemons are alive"
sa_stop_pid "$P1"
vr_check 'vr_wait_holder 4 $VIP h2 h1 h2' "h2 takes over normally after the flood"
sa_stop_pid "$P2"
vr_done
