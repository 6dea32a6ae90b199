#!/usr/bin/env bash
# Regenerates the route/rule message fixtures from the real keepalived (Debian's 2.2.7):
#
#   tests/netns/vrrp/lib/capture-routes.sh [OUTFILE]
#     (root; default tests/data/vrrp/keepalived-2.2.7-routes.fixtures)
#
# Runs keepalived under strace in a namespace with one instance whose virtual_routes and
# virtual_rules are the lines below, lets it become master and stops it, and writes for each
# line the RTM_NEWROUTE/RTM_NEWRULE message it sent when it became master and the
# RTM_DELROUTE/RTM_DELRULE message it sent when it stopped (sequence numbers zeroed). The
# unit tests (route_msg_test.cpp) parse each line with our config parser, encode it, and
# compare the attributes with keepalived's. Every line here must be one keepalived 2.2.7
# accepts (a line it drops would shift the pairing of lines and messages).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../../.." && pwd)
out=${1:-$src/tests/data/vrrp/keepalived-2.2.7-routes.fixtures}
. "$src/tests/lib/netns.sh"
sa_require_root
sa_need keepalived strace python3
sa_setup
sa_host h1 2

ROUTES=$(cat <<'LINES'
10.9.1.0/24 via 192.0.2.1 dev eth0 realms 3/4
10.9.2.0/24 via 192.0.2.1 dev eth0 quickack 1
10.9.3.0/24 via 192.0.2.1 dev eth0 congctl cubic
10.9.4.0/24 via 192.0.2.1 dev eth0 congctl lock reno
10.9.5.0/24 via 192.0.2.1 dev eth0 fastopen_no_cookie 1
10.9.6.0/24 via 192.0.2.1 dev eth0 features ecn
2001:db8:9::/48 via 2001:db8::1 dev eth0 pref high
2001:db8:10::/48 via 2001:db8::1 dev eth0 pref low
10.9.7.0/24 via 192.0.2.1 or 192.0.2.3 dev eth0
10.9.8.0/24 encap ip id 5 dst 192.0.2.9 ttl 4 dev eth0
10.9.9.0/24 encap ip6 id 6 dst 2001:db8::9 hoplimit 5 tc 2 dev eth0
10.9.10.0/24 via 192.0.2.1 dev eth0 mtu lock 1400 advmss 1300 window 100 rtt 300ms rttvar 10 reordering 3 cwnd 10 ssthresh lock 20 rto_min 1s initcwnd 11 initrwnd 12 hoplimit 60 metric 7 table 50 tos 0x10 src 192.0.2.2
10.9.11.0/24 table 51 nexthop via 192.0.2.1 dev eth0 weight 1 nexthop via 192.0.2.3 dev eth0 weight 3 realms 5
blackhole 10.9.12.0/24
10.9.13.0/24 dev eth0
10.9.14.0/24 via 192.0.2.1 dev eth0 onlink
unreachable 10.9.15.0/24 table 52
10.9.16.0/24 via 192.0.2.1 dev eth0 ttl-propagate enabled
10.9.17.0/24 via 192.0.2.1 dev eth0 ttl-propagate disabled
10.9.22.0/24 via 192.0.2.1 dev eth0 table 1000
10.9.23.0/24 via 192.0.2.1 dev eth0 protocol 99 no_track
10.9.40.0/24 encap mpls 100/200 via 192.0.2.1 dev eth0
10.9.33.0/24 via 192.0.2.1 dev eth0 append
10.9.34.0/24 via 192.0.2.1 dev eth0 add
2001:db8:31::/48 nexthop via 2001:db8::1 dev eth0 weight 2 nexthop via 2001:db8::3 dev eth0 onlink
10.9.24.0/24 via 192.0.2.1 or 192.0.2.3
10.9.39.0/24 scope link dev eth0
blackhole 2001:db8:41::/48
10.9.42.0/24 dev eth0 realms 7 quickack 0 fastopen_no_cookie 0
10.9.55.0/24 encap ip id 7 dst 192.0.2.9 tos 3 dev eth0
blackhole 10.9.51.0/24 protocol 99
throw 10.9.28.0/24
prohibit 10.9.29.0/24 table 60
10.9.60.0/24 via 192.0.2.1 dev eth0 rtt 10 rttvar 2s rto_min lock 30 cwnd lock 4 advmss lock 900 reordering lock 6
LINES
)
RULES=$(cat <<'LINES'
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
from 10.7.0.0/16 l3mdev preference 111
from 10.22.0.0/16 table 1000 preference 130
from 10.23.0.0/16 table 123 preference 131 protocol 99 no_track
to 10.24.0.0/16 table 124 preference 132 no_track
from 10.20.0.0/16 table 120
from 2001:db8:20::/48 table 122
from 10.21.0.0/16 table 121
from 10.8.0.0/16 protocol 99 table 109 preference 112
from all fwmark 7 table 110 preference 113
from 10.9.0.0/16 unreachable preference 114
not from 2001:db8:6::/48 to 2001:db8:7::/48 prohibit preference 115
LINES
)

conf=$SA_TMP/keepalived.conf
{
  cat <<'CONF'
vrrp_instance VI_1 {
  state MASTER
  interface eth0
  virtual_router_id 61
  priority 200
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
  }
  virtual_routes {
CONF
  printf '    %s\n' "$ROUTES"
  printf '  }\n  virtual_rules {\n'
  printf '    %s\n' "$RULES"
  printf '  }\n}\n'
} >"$conf"
keepalived -t -f "$conf" || true   # its warnings are expected (preferences, protocols, or)
trace=$SA_TMP/strace.out
sa_start h1 strace -f -o "$trace" -s 65536 -e trace=sendmsg -e write=all \
  keepalived -n -l -D -P -f "$conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" -c "$SA_TMP/c.pid"
pid=$SA_LAST_PID
sa_wait 15 grep -q "RTM_NEWRULE" "$trace" || sa_fail "keepalived did not install its rules"
sleep 1
kill -TERM "$(cat "$SA_TMP/k.pid")"
sa_wait 15 bash -c "! kill -0 $pid" || sa_fail "keepalived did not stop"
ifindex=$(sa_in h1 cat /sys/class/net/eth0/ifindex)

python3 - "$trace" "$out" "$ifindex" <<'PY' "$ROUTES" "$RULES"
import re, sys
trace, out, ifindex = sys.argv[1], sys.argv[2], sys.argv[3]
routes = [l for l in sys.argv[4].splitlines() if l.strip()]
rules = [l for l in sys.argv[5].splitlines() if l.strip()]
msgs = []  # (type, hex) in the order sent
cur = None
for line in open(trace):
    m = re.match(r' \| [0-9a-f]{5}  ', line)
    if m and cur is not None:
        cur += bytes.fromhex(line[10:59].replace(' ', ''))  # the hex columns, not the ASCII
        continue
    if line.startswith(' * '):  # "* N bytes in buffer 0"
        continue
    if cur:
        msgs.append(cur)
    cur = bytearray() if ('RTM_NEWROUTE' in line or 'RTM_DELROUTE' in line or 'RTM_NEWRULE' in line
                          or 'RTM_DELRULE' in line) and 'sendmsg(' in line else None
if cur:
    msgs.append(cur)
def typ(b): return int.from_bytes(b[4:6], 'little')
def clean(b):
    b = bytearray(b); b[8:12] = b'\0\0\0\0'; return b.hex()
# The add of each line: the messages of its type after the last delete sent at start-up
# (keepalived removes its routes and rules first, then adds them on becoming master).
def after_start(t_new, n):
    first_new = next(i for i, b in enumerate(msgs) if typ(b) == t_new)
    adds = [b for b in msgs[first_new:] if typ(b) == t_new]
    assert len(adds) == n, (t_new, len(adds), n)
    return adds
# A route is known by its family, destination and table, a rule by its family and
# preference (all different among the lines above): that pairs the deletes keepalived sent
# on stopping (only for what the kernel had accepted) with the lines.
def attrs(b, off):
    out = {}
    while off + 4 <= len(b):
        ln, t = int.from_bytes(b[off:off+2], 'little'), int.from_bytes(b[off+2:off+4], 'little')
        if ln < 4: break
        out.setdefault(t & 0x3fff, bytes(b[off+4:off+ln]))
        off += (ln + 3) & ~3
    return out
def key(b):
    a = attrs(b, 28)
    if typ(b) in (24, 25):
        return (b[16], b[17], b[20], a.get(1), a.get(15))  # family, dst_len, table, RTA_DST, RTA_TABLE
    return (b[16], a.get(6))                              # family, FRA_PRIORITY
def deletes(t_del):
    return {key(b): b for b in msgs if typ(b) == t_del}    # the last one of each wins
with open(out, 'w') as f:
    f.write('# RTM_NEW*/RTM_DEL* messages keepalived 2.2.7 sent for these virtual_routes/virtual_rules\n')
    f.write('# lines (tests/netns/vrrp/lib/capture-routes.sh); KIND OP HEX LINE, sequence numbers zeroed.\n')
    f.write(f'# ifindex eth0 {ifindex}\n')
    for kind, lines, tn, td in (('route', routes, 24, 25), ('rule', rules, 32, 33)):
        dels = deletes(td)
        for line, a in zip(lines, after_start(tn, len(lines))):
            f.write(f'{kind} add {clean(a)} {line}\n')
            if key(a) in dels:
                f.write(f'{kind} delete {clean(dels[key(a)])} {line}\n')
PY
sa_log "wrote $out"
