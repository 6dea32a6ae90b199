# shellcheck shell=bash
# The LVS pictures of the tutorials, in network namespaces inside the VM, on top of
# tests/lib/netns.sh (its bridge "sw" is the front LAN, 192.0.2.0/24):
#
#   client ---+--- director(s) eth0 (VIP held by VRRP, or added by hand) --- eth1 ---+
#             |                                                                       |
#   LVS-DR:   +--- real servers (VIP on lo, arp_ignore=1, arp_announce=2)            |
#   LVS-NAT:                      real servers on the back LAN 203.0.113.0/24 -------+
#                                 (default route via the director's back address)
#
# Every address is inside namespaces this library creates (TEST-NET-1 and TEST-NET-3);
# the VM itself has no network card. Each real server runs busybox httpd answering its
# own name, so a client sees which one served it.
#
#   . "$SA_SOURCE_DIR/tests/lib/netns.sh"; . "$SA_SOURCE_DIR/tests/vm/lib/lvs.sh"
#   sa_setup; lvs_setup
#   lvs_director d1 1                 front 192.0.2.1, back 203.0.113.1, ip_forward on
#   lvs_vip d1 192.0.2.50             the VIP by hand (what VRRP will do)
#   lvs_real_server_dr r1 11 192.0.2.50
#   lvs_real_server_nat r4 14 203.0.113.1
#   sa_host c 100                     a client
#   lvs_fetch c 192.0.2.50 [N]        N HTTP GETs (3 s timeout each): the servers' names

LVS_BACK="203.0.113"

lvs_setup() {
  sa_in sw ip link add br1 type bridge
  sa_in sw ip link set br1 type bridge forward_delay 0
  sa_in sw ip link set br1 up
}

# lvs_back_port HOST N: eth1 of HOST on the back LAN with 203.0.113.N/24.
lvs_back_port() {
  local name=$1 n=$2 ns a
  ns=$(sa_ns "$name")
  a="${SA_PREFIX}b${name}"
  a=${a:0:15}
  ip link add "$a" type veth peer name eth1 netns "$ns" || sa_fail "veth for $name"
  ip link set "$a" netns "$(sa_ns sw)"
  sa_in sw ip link set "$a" master br1 up
  sa_in "$name" ip addr add "$LVS_BACK.$n/24" dev eth1
  sa_in "$name" ip link set eth1 up
}

lvs_director() {
  local name=$1 n=$2
  sa_host "$name" "$n"
  lvs_back_port "$name" "$n"
  sa_in "$name" sysctl -qw net.ipv4.ip_forward=1
}

lvs_vip() { sa_in "$1" ip addr add "$2/32" dev eth0; }
lvs_vip_del() { sa_in "$1" ip addr del "$2/32" dev eth0; }

# lvs_httpd HOST: busybox httpd on port 80 answering "HOST".
lvs_httpd() {
  local name=$1 dir="$SA_TMP/www-$1"
  mkdir -p "$dir"
  echo "$name" >"$dir/index.html"
  sa_start "$name" busybox httpd -f -p 80 -h "$dir"
  sa_wait 10 sa_in "$name" sh -c "busybox netstat -ltn | grep -q ':80 '" || sa_fail "httpd on $name did not start"
}

# LVS-DR real server: on the front LAN, VIP on lo, never answering ARP for it.
lvs_real_server_dr() {
  local name=$1 n=$2 vip=$3
  sa_host "$name" "$n"
  sa_in "$name" sysctl -qw net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 \
    net.ipv4.conf.eth0.arp_ignore=1 net.ipv4.conf.eth0.arp_announce=2
  sa_in "$name" ip addr add "$vip/32" dev lo
  lvs_httpd "$name"
}

# LVS-NAT real server: on the back LAN only, default route via the director.
lvs_real_server_nat() {
  local name=$1 n=$2 gw=$3
  sa_ns_add "$name"
  lvs_back_port "$name" "$n"
  sa_in "$name" ip route add default via "$gw"
  lvs_httpd "$name"
}

# lvs_fetch CLIENT VIP [N]: N (default 1) HTTP/1.0 GETs of http://VIP/ from CLIENT, one
# after the other, through bash's /dev/tcp (busybox-static's wget crashes resolving names);
# prints the bodies on one line, "FAIL" for a request that got no answer within 3 s. One
# bash for all N: process start-up is what costs under TCG.
lvs_fetch() {
  sa_in "$1" bash -c '
    out=()
    for ((i = 0; i < $1; i++)); do
      body=FAIL
      if exec 3<>"/dev/tcp/$0/80"; then
        printf "GET / HTTP/1.0\r\n\r\n" >&3
        while IFS= read -r -t 3 line <&3; do [ "${line%$'"'"'\r'"'"'}" = "" ] && break; done
        IFS= read -r -t 3 body <&3 || body=FAIL
        exec 3<&-
      fi
      out+=("$body")
    done
    echo "${out[*]}"' "$2" "${3:-1}" 2>/dev/null
}
