#!/usr/bin/env bash
# Regenerates the codec fixtures from the real keepalived (Debian's 2.2.7):
#
#   tests/netns/vrrp/lib/capture-keepalived.sh [OUTDIR]    (root; default tests/data/vrrp)
#
# Runs keepalived in a namespace with one instance per wire variant (VRRPv2 without auth,
# PASS, AH, unicast; VRRPv3 IPv4 multicast/unicast/old checksum; IPv6 multicast/unicast;
# an address owner), captures on the bridge until it has sent adverts and its priority-0
# adverts on shutdown, and writes keepalived-2.2.7.pcap, keepalived-2.2.7.fixtures and
# keepalived-2.2.7-announce.fixtures (gratuitous ARP / NA; see pcap2fixtures.py). The unit
# tests decode every advert fixture and re-encode it byte for byte, and rebuild every frame.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../../.." && pwd)
out=${1:-$src/tests/data/vrrp}
. "$src/tests/lib/netns.sh"
sa_require_root
sa_need keepalived
sa_setup
sa_host h1 1
sa_host h2 2
conf=$SA_TMP/keepalived.conf
cat >"$conf" <<'CONF'
global_defs {
  router_id capture
}
vrrp_instance V2 {
  state BACKUP
  interface eth0
  virtual_router_id 10
  priority 150
  advert_int 1
  virtual_ipaddress {
    192.0.2.100/24
    192.0.2.101/24
  }
}
vrrp_instance V2_PASS {
  state BACKUP
  interface eth0
  virtual_router_id 11
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass secret12345
  }
  virtual_ipaddress {
    192.0.2.111/24
  }
}
vrrp_instance V2_AH {
  state BACKUP
  interface eth0
  virtual_router_id 12
  priority 150
  advert_int 1
  authentication {
    auth_type AH
    auth_pass abcd
  }
  virtual_ipaddress {
    192.0.2.112/24
  }
}
vrrp_instance V3 {
  state BACKUP
  interface eth0
  virtual_router_id 13
  version 3
  priority 150
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.113/24
  }
}
vrrp_instance V3_UCAST {
  state BACKUP
  interface eth0
  virtual_router_id 14
  version 3
  priority 150
  advert_int 1
  unicast_src_ip 192.0.2.1
  unicast_peer {
    192.0.2.2
  }
  virtual_ipaddress {
    192.0.2.114/24
  }
}
vrrp_instance V2_UCAST {
  state BACKUP
  interface eth0
  virtual_router_id 15
  priority 150
  advert_int 1
  unicast_peer {
    192.0.2.2
  }
  virtual_ipaddress {
    192.0.2.115/24
  }
}
vrrp_instance V6 {
  state BACKUP
  interface eth0
  virtual_router_id 16
  priority 150
  advert_int 1
  virtual_ipaddress {
    fe80::16/64
    2001:db8::116/64
  }
}
vrrp_instance V6_UCAST {
  state BACKUP
  interface eth0
  virtual_router_id 17
  priority 150
  advert_int 1
  unicast_peer {
    2001:db8::2
  }
  virtual_ipaddress {
    2001:db8::117/64
  }
}
vrrp_instance V3_OLDSUM {
  state BACKUP
  interface eth0
  virtual_router_id 18
  version 3
  priority 150
  advert_int 1
  old_unicast_checksum
  unicast_peer {
    192.0.2.2
  }
  virtual_ipaddress {
    192.0.2.118/24
  }
}
vrrp_instance V2_OWNER {
  state MASTER
  interface eth0
  virtual_router_id 19
  priority 255
  advert_int 1
  virtual_ipaddress {
    192.0.2.119/24
  }
}
CONF
sa_capture sw br0 "$SA_TMP/c.pcap" "ip proto 112 or ip proto 51 or ip6 proto 112 or arp or icmp6"
sa_start h1 keepalived -n -l -P -f "$conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" -c "$SA_TMP/c.pid"
kpid=$SA_LAST_PID
sleep 5.5          # Master_Down_Interval (3.41 s) and a few adverts
sa_stop_pid "$kpid" # priority-0 adverts
sleep 0.5
sa_stop_pid "${SA_PIDS[0]}"
mkdir -p "$out"
cp "$SA_TMP/c.pcap" "$out/keepalived-2.2.7.pcap"
python3 "$here/pcap2fixtures.py" "$out/keepalived-2.2.7.pcap" >"$out/keepalived-2.2.7.fixtures"
python3 "$here/pcap2fixtures.py" --announce "$out/keepalived-2.2.7.pcap" >"$out/keepalived-2.2.7-announce.fixtures"
sa_log "wrote $(wc -l <"$out/keepalived-2.2.7.fixtures") fixtures to $out/keepalived-2.2.7.fixtures"
