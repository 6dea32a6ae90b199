#!/usr/bin/env bash
# Real forwarding through what we program: LVS-DR (VIP on the real servers' lo,
# arp_ignore=1, arp_announce=2) and LVS-NAT, busybox httpd real servers, a client in its
# own namespace. The client sees the real servers answer in round-robin order; after a
# health flip, no request goes to the failed server; after recovery it is back. (The
# director's VIP is added by hand here: VRRP failover comes with the daemon wiring.)
set -u
export SA_SOURCE_DIR=$(cd "$SA_VM_SRC/../.." && pwd)
. "$SA_SOURCE_DIR/tests/lib/netns.sh"
. "$SA_VM_SRC/lib/lvs.sh"
apply=$SA_BIN_DIR/stayalived-ipvs-apply
sa_setup
lvs_setup

lvs_director d1 1
sa_host c 100
for i in 1 2 3; do lvs_real_server_dr "r$i" "1$i" 192.0.2.50; done
for i in 4 5; do lvs_real_server_nat "r$i" "1$i" "$LVS_BACK.1"; done
lvs_vip d1 192.0.2.50
lvs_vip d1 192.0.2.60

cat >"$SA_TMP/lvs.conf" <<EOC
virtual_server 192.0.2.50 80 {
  protocol TCP
  lb_algo rr
  lb_kind DR
  real_server 192.0.2.11 80 { }
  real_server 192.0.2.12 80 { }
  real_server 192.0.2.13 80 { }
}
virtual_server 192.0.2.60 80 {
  protocol TCP
  lb_algo rr
  lb_kind NAT
  real_server $LVS_BACK.14 80 { }
  real_server $LVS_BACK.15 80 { }
}
EOC
coproc SA { ip netns exec "$(sa_ns d1)" "$apply" --hold "$SA_TMP/lvs.conf" 2>"$SA_TMP/apply.log"; }
SA_PIDS+=("$SA_PID")
read -r -t 60 line <&"${SA[0]}" || sa_fail "no answer from stayalived-ipvs-apply"
[[ $line == ok* ]] || sa_fail "apply: $line"
ask() {
  echo "$1" >&"${SA[1]}"
  read -r -t 60 line <&"${SA[0]}" || sa_fail "no answer to $1"
  [[ $line == ok* ]] || sa_fail "$1: $line"
}

# fetch N VIP: N requests (bounded: 3 s timeout each), answers space separated.
fetch() { lvs_fetch c "$2" "$1"; }
# round_robin "A B C A B C" "A B C": every server once per cycle, in a fixed order.
round_robin() {
  local got=($1) set=($2) n=${#set[@]} i
  [ "${#got[@]}" -ge "$n" ] || return 1
  for ((i = n; i < ${#got[@]}; i++)); do [ "${got[i]}" = "${got[i - n]}" ] || return 1; done
  for s in "${set[@]}"; do [[ " ${got[*]:0:n} " == *" $s "* ]] || return 1; done
}

got=$(fetch 6 192.0.2.50)
echo "DR:  $got"
round_robin "$got" "r1 r2 r3" || sa_fail "LVS-DR: not round-robin over r1 r2 r3: $got"
got=$(fetch 4 192.0.2.60)
echo "NAT: $got"
round_robin "$got" "r4 r5" || sa_fail "LVS-NAT: not round-robin over r4 r5: $got"

ask "down 0 192.0.2.12:80"
got=$(fetch 6 192.0.2.50)
echo "DR, r2 down: $got"
[[ " $got " != *" r2 "* ]] || sa_fail "a request went to r2 after it left the pool: $got"
round_robin "$got" "r1 r3" || sa_fail "LVS-DR without r2: $got"
ask "up 0 192.0.2.12:80"
got=$(fetch 6 192.0.2.50)
echo "DR, r2 back: $got"
round_robin "$got" "r1 r2 r3" || sa_fail "LVS-DR after recovery: $got"

ask "down 1 $LVS_BACK.15:80"
got=$(fetch 4 192.0.2.60)
echo "NAT, r5 down: $got"
[ "$got" = "r4 r4 r4 r4" ] || sa_fail "LVS-NAT without r5: $got"
echo stop >&"${SA[1]}"
read -r -t 60 line <&"${SA[0]}"
echo "ok: LVS-DR and LVS-NAT forward in round-robin order and follow health flips"
