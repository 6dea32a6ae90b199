#!/usr/bin/env bash
# virtual_routes and virtual_rules against the real keepalived (Debian's 2.2.7): one
# instance that becomes master on its own, whose routes and rules use every option the
# kernel here accepts (rule: not, suppress_prefixlength, suppress_ifgroup, uidrange,
# tunnel-id, iif/oif, tos, fwmark/mask, realms, ipproto, sport/dport, goto, blackhole, a
# table over 255, no_track with its own protocol, rules without preference; route: realms,
# quickack, congctl [lock], fastopen_no_cookie, features ecn, pref, or, encap ip/ip6, all
# metrics with locks, rtt in units, multipath with weights and realms, onlink, types,
# tables, append/add; encap mpls, ttl-propagate and vrf when the kernel has them).
#
# keepalived runs on the config in one namespace, stayalived in a fresh one set up the same
# way. For each: `ip rule`, `ip -6 rule`, `ip route show table all` and `ip -6 route show
# table all` once it is master must be the same for both daemons (link-local addresses,
# which come from random MACs, are normalised), with the expected lines present; and after
# SIGTERM the tables must be back to what they were before it started. Each namespace holds,
# from the start, "twins" of some of our rules that differ only in the option the old code
# dropped (suppress_prefixlength, suppress_ifgroup, uidrange, tunnel-id): a daemon must
# neither take them for its own when adding nor remove them when stopping. (Not so for
# `not`: the kernel ignores FIB_RULE_INVERT when it looks for the rule to delete, so a twin
# differing only by `not` is removed by keepalived's delete as by ours.)
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
sa_require_root
sa_need_file "$(vr_bin)"
sa_need keepalived
sa_setup

fail=0
GW=192.0.2.254
GW2=192.0.2.253

# A namespace with eth0 (192.0.2.1/24, 2001:db8::1/64) on a veth pair of its own, the
# twins, and a VRF device when the kernel has them.
host_setup() {
  local h=$1
  sa_ns_add "$h"
  sa_in "$h" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  sa_in "$h" ip link add eth0 type veth peer name eth1 || sa_fail "veth in $h"
  sa_in "$h" ip addr add 192.0.2.1/24 dev eth0
  sa_in "$h" ip -6 addr add 2001:db8::1/64 dev eth0 nodad
  sa_in "$h" ip link set eth1 up
  sa_in "$h" ip link set eth0 up
  sa_in "$h" ip rule add from all lookup 101 pref 101 protocol keepalived
  sa_in "$h" ip rule add from all lookup 102 pref 102 protocol keepalived
  sa_in "$h" ip rule add from 10.2.0.0/16 lookup 103 pref 103 protocol keepalived
  sa_in "$h" ip rule add from all lookup 104 pref 104 protocol keepalived
  if [ "$HAVE_VRF" = 1 ]; then
    sa_in "$h" ip link add vrf1 type vrf table 70 && sa_in "$h" ip link set vrf1 up
  fi
}

# What the kernel here offers, probed in a namespace of its own.
sa_ns_add probe
HAVE_MPLS=0 HAVE_VRF=0 HAVE_LWT_IP=0
modprobe -q mpls_router 2>/dev/null; modprobe -q mpls_iptunnel 2>/dev/null; modprobe -q vrf 2>/dev/null
sa_in probe ip link add p0 type veth peer name p1 && sa_in probe ip link set p0 up && sa_in probe ip addr add 192.0.2.1/24 dev p0
if sa_in probe ip route add 10.0.0.0/24 encap mpls 100 via 192.0.2.254 dev p0 2>/dev/null; then HAVE_MPLS=1
else sa_log "note: no MPLS lightweight tunnels in this kernel: the encap mpls and ttl-propagate lines are left out"; fi
if sa_in probe ip link add v0 type vrf table 9 2>/dev/null; then HAVE_VRF=1
else sa_log "note: no VRF devices in this kernel: the vrf line is left out"; fi
if sa_in probe ip route add 10.0.1.0/24 encap ip id 1 dst 192.0.2.9 dev p0 2>/dev/null; then HAVE_LWT_IP=1
else sa_log "note: no ip lightweight tunnels in this kernel: the encap ip/ip6 lines are left out"; fi

conf=$SA_TMP/routes.conf
{
  cat <<CONF
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 61
  priority 200
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
  virtual_rules {
    not from 10.1.0.0/16 table 100 preference 100
    from all suppress_prefixlength 0 table 101 preference 101
    from all suppress_ifgroup 5 table 102 preference 102
    from 10.2.0.0/16 uidrange 1000-1999 table 103 preference 103
    from all tunnel-id 77 table 104 preference 104
    not to 2001:db8:5::/48 table 105 preference 105
    from 10.3.0.0/16 iif eth0 oif lo tos 0x10 fwmark 5/0xff realms 3/4 table 107 preference 107
    from 10.4.0.0/16 ipproto tcp sport 10-20 dport 30-40 table 108 preference 108
    from 10.5.0.0/16 goto 200 preference 109
    from 10.6.0.0/16 blackhole preference 110
    from 10.7.0.0/16 table 1000 preference 111
    from 10.8.0.0/16 protocol 99 table 109 preference 112
    from 10.9.0.0/16 table 123 preference 113 protocol 99 no_track
    from 10.20.0.0/16 table 120
    from 10.21.0.0/16 table 121
    from 2001:db8:20::/48 table 122
  }
  virtual_routes {
    10.9.1.0/24 via $GW dev eth0 realms 3/4
    10.9.2.0/24 via $GW dev eth0 quickack 1
    10.9.3.0/24 via $GW dev eth0 congctl reno
    10.9.4.0/24 via $GW dev eth0 congctl lock reno
    10.9.5.0/24 via $GW dev eth0 fastopen_no_cookie 1
    10.9.6.0/24 via $GW dev eth0 features ecn
    2001:db8:9::/48 via 2001:db8::fe dev eth0 pref high
    2001:db8:10::/48 via 2001:db8::fe dev eth0 pref low
    10.9.7.0/24 via $GW or $GW2
    10.9.10.0/24 via $GW dev eth0 mtu lock 1400 advmss 1300 window 100 rtt 300ms rttvar 10 reordering 3 cwnd 10 ssthresh lock 20 rto_min 1s initcwnd 11 initrwnd 12 hoplimit 60 metric 7 table 50 tos 0x10 src 192.0.2.1
    10.9.11.0/24 table 51 nexthop via $GW dev eth0 weight 1 nexthop via $GW2 dev eth0 weight 3 realms 5
    blackhole 10.9.12.0/24
    10.9.13.0/24 dev eth0
    10.9.14.0/24 via $GW dev eth0 onlink
    unreachable 10.9.15.0/24 table 52
    prohibit 10.9.16.0/24 table 53 protocol 99
    10.9.22.0/24 via $GW dev eth0 table 1000
    10.9.23.0/24 via $GW dev eth0 protocol 99 no_track
    2001:db8:31::/48 nexthop via 2001:db8::fe dev eth0 weight 2 nexthop via 2001:db8::fd dev eth0 onlink
    10.9.33.0/24 via $GW dev eth0 append
    10.9.34.0/24 via $GW dev eth0 add
    10.9.42.0/24 dev eth0 realms 7 quickack 0 fastopen_no_cookie 0
CONF
  if [ "$HAVE_LWT_IP" = 1 ]; then
    echo "    10.9.8.0/24 encap ip id 5 dst 192.0.2.9 ttl 4 dev eth0"
    echo "    10.9.9.0/24 encap ip6 id 6 dst 2001:db8::9 hoplimit 5 tc 2 dev eth0"
  fi
  if [ "$HAVE_MPLS" = 1 ]; then
    echo "    10.9.40.0/24 encap mpls 100/200 via $GW dev eth0"
    echo "    10.9.41.0/24 via $GW dev eth0 ttl-propagate disabled"
  fi
  [ "$HAVE_VRF" = 1 ] && echo "    10.9.70.0/24 dev eth0 vrf vrf1"
  printf '  }\n}\n'
} >"$conf"
# keepalived -t exits non-zero on warnings (the preferences and protocols it assigns); its
# lines are in $SA_TMP/ka-t.log.
keepalived -t -f "$conf" 2>"$SA_TMP/ka-t.log"
grep -qi "error" "$SA_TMP/ka-t.log" && { cat "$SA_TMP/ka-t.log" >&2; sa_fail "keepalived -t reports errors"; }

# The four tables, link-local addresses normalised, each sorted (two link-local routes
# differ only by the random addresses that the normalisation hides, so their order does).
snapshot() {
  local h=$1 c
  for c in "rule show" "-6 rule show" "route show table all" "-6 route show table all"; do
    echo "## ip $c"
    # shellcheck disable=SC2086
    sa_in "$h" ip $c | sed -E 's/fe80::[0-9a-f:]+/fe80::LL/g' | LC_ALL=C sort
  done
}

# run DAEMON HOST: start it on the config, wait until it is master with everything in
# place, snapshot, stop it with TERM, check the tables are back to where they were.
run() {
  local daemon=$1 h=$2 pid
  host_setup "$h"
  snapshot "$h" >"$SA_TMP/$h.before"
  if [ "$daemon" = keepalived ]; then vr_start_ka "$h" "$conf"; else vr_start_sa "$h" "$conf"; fi
  pid=$SA_LAST_PID
  # Master: the VIP, the last rule and the last route are there; then let it settle.
  sa_wait 20 bash -c "ip netns exec $(sa_ns "$h") ip -o addr show dev eth0 | grep -q 192.0.2.100 &&
    ip netns exec $(sa_ns "$h") ip -6 rule show | grep -q 'from 2001:db8:20::/48' &&
    ip netns exec $(sa_ns "$h") ip route show | grep -q '10.9.42.0/24'" ||
    { sa_log "FAIL: $daemon did not become master with its routes and rules"; fail=1; }
  sleep 1
  snapshot "$h" >"$SA_TMP/$h.master"
  sa_term "$pid" 20
  snapshot "$h" >"$SA_TMP/$h.after"
  sa_check 'diff -u "$SA_TMP/$h.before" "$SA_TMP/$h.after" >&2' \
    "$daemon removed on TERM exactly what it added (the twin rules are still there)"
}

run keepalived ka
run stayalived sa

sa_check 'diff -u "$SA_TMP/ka.master" "$SA_TMP/sa.master" >&2' \
  "stayalived's rules and routes are keepalived's (ip rule, ip -6 rule, ip route/ip -6 route show table all)"

# Lines that the old code got wrong or left out, in stayalived's tables.
want() {  # want LINE WHAT
  WANT=$1
  sa_check 'grep -qF -- "$WANT" "$SA_TMP/sa.master"' "$2: '$1'"
}
T=$'\t'
want "100:${T}not from 10.1.0.0/16 lookup 100 proto keepalived" "not"
want "101:${T}from all lookup 101 suppress_prefixlength 0 proto keepalived" "suppress_prefixlength"
want "101:${T}from all lookup 101 proto keepalived" "the twin of the suppress_prefixlength rule"
want "102:${T}from all lookup 102 suppress_ifgroup 5 proto keepalived" "suppress_ifgroup"
want "102:${T}from all lookup 102 proto keepalived" "the twin of the suppress_ifgroup rule"
want "103:${T}from 10.2.0.0/16 uidrange 1000-1999 lookup 103 proto keepalived" "uidrange"
want "103:${T}from 10.2.0.0/16 lookup 103 proto keepalived" "the twin of the uidrange rule"
want "104:${T}from all tun_id 77 lookup 104 proto keepalived" "tunnel-id"
want "104:${T}from all lookup 104 proto keepalived" "the twin of the tunnel-id rule"
want "105:${T}not from all to 2001:db8:5::/48 lookup 105 proto keepalived" "not, IPv6"
want "111:${T}from 10.7.0.0/16 lookup 1000 proto keepalived" "rule table over 255"
want "112:${T}from 10.8.0.0/16 lookup 109 proto keepalived" "a tracked rule's protocol is keepalived"
want "113:${T}from 10.9.0.0/16 lookup 123 proto openr" "no_track keeps its protocol (99, openr)"
want "16384:${T}from 10.20.0.0/16 lookup 120 proto keepalived" "first rule without preference"
want "16383:${T}from 10.21.0.0/16 lookup 121 proto keepalived" "second rule without preference"
want "16384:${T}from 2001:db8:20::/48 lookup 122 proto keepalived" "IPv6 rule without preference"
want "10.9.1.0/24 via $GW dev eth0 proto keepalived realms 3/4" "route realms"
want "10.9.2.0/24 via $GW dev eth0 proto keepalived quickack 1" "quickack"
want "10.9.3.0/24 via $GW dev eth0 proto keepalived congctl reno" "congctl"
want "10.9.4.0/24 via $GW dev eth0 proto keepalived congctl lock reno" "congctl lock"
want "10.9.5.0/24 via $GW dev eth0 proto keepalived fastopen_no_cookie 1" "fastopen_no_cookie"
want "10.9.6.0/24 via $GW dev eth0 proto keepalived features ecn" "features ecn"
want "2001:db8:9::/48 via 2001:db8::fe dev eth0 proto keepalived metric 1024 pref high" "pref high"
want "2001:db8:10::/48 via 2001:db8::fe dev eth0 proto keepalived metric 1024 pref low" "pref low"
want "mtu lock 1400 window 100 rtt 300ms rttvar 200ms ssthresh lock 20 cwnd 10 advmss 1300 reordering 3 hoplimit 60 initcwnd 11 rto_min 1s initrwnd 12" "metrics, locks, rtt units"
want "nexthop via $GW2 realm 5 dev eth0 weight 3" "multipath weight and realms"
want "10.9.13.0/24 dev eth0 proto keepalived" "a route with a dev only (scope universe, as keepalived)"
want "10.9.14.0/24 via $GW dev eth0 proto keepalived onlink" "onlink"
want "prohibit 10.9.16.0/24 table 53 proto keepalived" "a tracked route's protocol is keepalived"
want "10.9.22.0/24 via $GW dev eth0 table 1000 proto keepalived" "route table over 255"
want "10.9.23.0/24 via $GW dev eth0 proto openr" "no_track keeps its protocol (99, openr)"
want "10.9.42.0/24 dev eth0 proto keepalived realm 7" "realms on a route with a dev only"
if [ "$HAVE_LWT_IP" = 1 ]; then
  want "10.9.8.0/24  encap ip id 5 src 0.0.0.0 dst 192.0.2.9 ttl 4 tos 0 dev eth0 proto keepalived" "encap ip"
  want "10.9.9.0/24  encap ip6 id 6 src :: dst 2001:db8::9 hoplimit 5 tc 2 dev eth0 proto keepalived" "encap ip6"
fi
[ "$HAVE_MPLS" = 1 ] && want "10.9.40.0/24  encap mpls  100/200 via $GW dev eth0" "encap mpls"
[ "$HAVE_VRF" = 1 ] && want "10.9.70.0/24 dev eth0 table 70 proto keepalived" "vrf"
sa_check '! grep -q "cannot add" "$SA_TMP/sa.log"' "stayalived logged no failure to add a route or rule"
sa_check '! grep -q "cannot remove" "$SA_TMP/sa.log"' "stayalived logged no failure to remove a route or rule"

if [ "$fail" != 0 ]; then
  for f in "$SA_TMP"/ka.log "$SA_TMP"/sa.log; do [ -f "$f" ] && { echo "== $f"; grep -iv "gratuitous" "$f" | tail -40; } >&2; done
  exit 1
fi
exit 0
