#!/usr/bin/env bash
# Hostile adverts from a third host (h3) against a stayalived pair with PASS authentication:
# wrong password, wrong TTL, bad checksum, truncated, wrong address list, spoofed priority 0,
# and a flood. They are dropped, counted and logged (rate-limited): no state changes, no
# crash, no log flood.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_need python3
sa_setup
sa_host h1 1
sa_host h2 2
sa_host h3 3
VIP=192.0.2.100
INJ="$(dirname "$0")/lib/inject.py"

for h in h1 h2; do
  prio=150; [ $h = h2 ] && prio=100
  cat >"$SA_TMP/$h.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority $prio
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass s3cret
  }
  virtual_ipaddress {
    $VIP/24
  }
}
CONF
done
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 6 $VIP h1 h1 h2' "h1 is master"
inject() { sa_in h3 python3 "$INJ" --src 192.0.2.3 --vrid 51 --addr $VIP "$@"; }

# Each kind of bad advert, claiming priority 255 (it would win if accepted).
inject --prio 255 --auth pass:wrong --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --ttl 64 --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --mutate bad-checksum --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --mutate truncate --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --mutate long --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --mutate bad-type --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --version 3 --count 3 --gap 0.1
inject --prio 255 --auth none --count 3 --gap 0.1
inject --prio 255 --auth pass:s3cret --interval-cs 300 --count 3 --gap 0.1
sa_in h3 python3 "$INJ" --src 192.0.2.3 --vrid 51 --addr 192.0.2.99 --prio 255 --auth pass:s3cret --count 3 --gap 0.1
# Spoofed priority 0 "from h1" with a wrong password: the backup must not take over.
sa_in h3 python3 "$INJ" --src 192.0.2.1 --vrid 51 --addr $VIP --prio 0 --auth pass:nope --count 3 --gap 0.1
sleep 1.5
vr_expect_holder $VIP h1 h1 h2
vr_check 'grep -q "(VI_1) received an invalid passwd!" $SA_TMP/h1.log' "log: invalid passwd"
vr_check 'grep -q "(VI_1) invalid TTL/HL. Received 64 and expect 255" $SA_TMP/h1.log' "log: invalid TTL"
vr_check 'grep -q "(VI_1) Invalid VRRPv2 checksum" $SA_TMP/h1.log' "log: invalid checksum"
vr_check 'grep -q "VRRP packet too short" $SA_TMP/h1.log' "log: too short"
vr_check 'grep -q "(VI_1) vrrp packet too long, length 36 and expect 20" $SA_TMP/h1.log' "log: too long"
vr_check 'grep -q "(VI_1) Invalid packet type. 2 and expect 1" $SA_TMP/h1.log' "log: packet type"
vr_check 'grep -q "(VI_1) wrong version. Received 3 and expect 2" $SA_TMP/h1.log' "log: wrong version"
vr_check 'grep -q "(VI_1) received a 0 auth, expecting 1!" $SA_TMP/h1.log' "log: auth type"
vr_check 'grep -q "(VI_1) advertisement interval mismatch mine=1 sec rcv.d=3 sec" $SA_TMP/h1.log' "log: interval mismatch"
vr_check 'grep -q "(VI_1) ip address associated with VRID 51 not present in MASTER advert: $VIP" $SA_TMP/h1.log' "log: address list"

# A flood: 20000 wrong-password adverts as fast as python sends them.
before=$(grep -c "invalid passwd" "$SA_TMP/h2.log")
inject --prio 255 --auth pass:wrong --count 20000
sleep 1.5
after=$(grep -c "invalid passwd" "$SA_TMP/h2.log")
vr_expect_holder $VIP h1 h1 h2
vr_check '[ $((after - before)) -le 12 ]' "the flood is logged at a limited rate ($((after - before)) lines for 20000 packets)"
inject --prio 255 --auth pass:wrong --count 1  # the next line reports how many were left out
sleep 0.3
vr_check 'grep -q "(VI_1) received an invalid passwd! ([0-9]* similar messages suppressed)" $SA_TMP/h2.log' "suppressed messages are counted in the log"
vr_check 'kill -0 $P1 && kill -0 $P2' "both daemons are alive"
# The pair still works: TERM h1, h2 takes over.
sa_stop_pid "$P1"
vr_check 'vr_wait_holder 3 $VIP h2 h1 h2' "h2 takes over normally after the attack"
sa_stop_pid "$P2"
vr_done
