#!/usr/bin/env bash
# Inside the VM (bench/ipvs_bench.sh starts it): programs 1,000 virtual servers x 10 real
# servers from an empty table, then reloads a config that changes one real server's
# weight, with our IPVS code (stayalived-ipvs-apply) and with keepalived 2.2.7, each in
# its own network namespace, and prints wall time, netlink messages and peak memory.
#
#   ipvs_bench_vm.sh APPLY_BINARY [VIRTUAL_SERVERS] [REAL_SERVERS]
set -u
apply=$1
nvs=${2:-1000}
nrs=${3:-10}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/vm/lib/compare.sh"

now() { date +%s%N; }
ms() { echo "$(( ($2 - $1) / 1000000 ))"; }

# The configs: big.conf, and big2.conf with one real server's weight changed.
gen() {
  local f=$1 changed=$2 v r w
  {
    for ((v = 0; v < nvs; v++)); do
      echo "virtual_server 10.100.$((v / 250)).$((v % 250 + 1)) 80 {"
      echo "  protocol TCP"
      echo "  lb_algo wrr"
      for ((r = 1; r <= nrs; r++)); do
        w=1
        [ "$changed" = 1 ] && [ $v = $((nvs / 2)) ] && [ $r = 3 ] && w=5
        echo "  real_server 10.200.$((v % 200)).$r 8080 { weight $w }"
      done
      echo "}"
    done
  } >"$f"
}
gen "$VM_TMP/big.conf" 0
gen "$VM_TMP/big2.conf" 1
entries=$((nvs * (nrs + 1)))
modprobe -a ip_vs ip_vs_wrr
echo "bench: $nvs virtual servers x $nrs real servers = $entries IPVS entries; $(nproc) vCPU, $(uname -r)"

wait_log() {  # FILE TEXT COUNT: until TEXT appears COUNT times (60 s at most)
  local i
  for i in $(seq 1 6000); do
    [ "$(grep -c -- "$2" "$1")" -ge "$3" ] && return 0
    sleep 0.01
  done
  vm_fail "timeout waiting for '$2' in $1"
}
hwm_kb() {  # PID...: sum of VmHWM
  local p sum=0 v
  for p in "$@"; do
    v=$(awk '/^VmHWM/ { print $2 }' "/proc/$p/status" 2>/dev/null)
    sum=$((sum + ${v:-0}))
  done
  echo $sum
}
ipvs_msgs() {  # STRACE_LOG: IPVS messages sent (sendmsg calls carrying nlmsg_type=IPVS)
  grep -c "nlmsg_type=IPVS" "$1"
}
ipvs_writes() {  # STRACE_LOG: of those, the ones that are not GET_* (4, 8, 11, 13, 15)
  grep -o 'nlmsg_type=IPVS[^"]*"\\x..' "$1" | sed 's/.*\\x//' | grep -c -v -i -E '^(04|08|0b|0d|0f)$'
}

# ---- keepalived: timed run
vm_ns ka
cp "$VM_TMP/big.conf" "$VM_TMP/ka.conf"
log=$VM_TMP/ka.log
t0=$(now)
ip netns exec ka keepalived -n -l -G -f "$VM_TMP/ka.conf" -p "$VM_TMP/ka.pid" -c "$VM_TMP/ka_c.pid" \
  -r "$VM_TMP/ka_v.pid" >"$log" 2>&1 &
ka=$!
VM_PIDS+=("$ka")
wait_log "$log" "Activating BFD healthchecker" 1
t1=$(now)
ka_start_ms=$(ms "$t0" "$t1")
n=$(ip netns exec ka ipvsadm -S -n | wc -l)
[ "$n" = "$entries" ] || vm_fail "keepalived programmed $n entries, not $entries"
ka_mem=$(hwm_kb "$ka" "$(cat "$VM_TMP/ka_c.pid")")
cp "$VM_TMP/big2.conf" "$VM_TMP/ka.conf"
t0=$(now)
kill -HUP "$ka"
wait_log "$log" "Reload complete" 1
t1=$(now)
ka_reload_ms=$(ms "$t0" "$t1")
ip netns exec ka ipvsadm -S -n | grep -q -- "-r 10.200.$(( (nvs / 2) % 200 )).3:8080 -m -w 5" ||
  vm_fail "keepalived did not apply the reload"
VM_KA_PID=$ka
vm_keepalived_stop

# ---- keepalived: message count (a second run under strace, which slows it down)
vm_ns ka2
cp "$VM_TMP/big.conf" "$VM_TMP/ka2.conf"
log=$VM_TMP/ka2.log
ip netns exec ka2 strace -f -e trace=sendmsg,sendto -o "$VM_TMP/ka2.strace" \
  keepalived -n -l -G -f "$VM_TMP/ka2.conf" -p "$VM_TMP/ka2.pid" -c "$VM_TMP/ka2_c.pid" \
  -r "$VM_TMP/ka2_v.pid" >"$log" 2>&1 &
ka2=$!
VM_PIDS+=("$ka2")
wait_log "$log" "Activating BFD healthchecker" 1
sleep 0.5
ka_start_msgs=$(ipvs_msgs "$VM_TMP/ka2.strace")
ka_start_writes=$(ipvs_writes "$VM_TMP/ka2.strace")
ka_start_calls=$(grep -c "NETLINK" "$VM_TMP/ka2.strace")
cp "$VM_TMP/big2.conf" "$VM_TMP/ka2.conf"
kill -HUP "$(cat "$VM_TMP/ka2.pid")"
wait_log "$log" "Reload complete" 1
sleep 0.5
ka_reload_msgs=$(( $(ipvs_msgs "$VM_TMP/ka2.strace") - ka_start_msgs ))
ka_reload_writes=$(( $(ipvs_writes "$VM_TMP/ka2.strace") - ka_start_writes ))
kill -TERM "$(cat "$VM_TMP/ka2.pid")"
# Wait until keepalived has removed its 1,000 services: the kernel's service table is
# shared by all namespaces and its dump resumes by position, so services removed in
# namespace ka2 while ours are read shift some of ours out of the read (this made the
# bench report 10,989 and 10,967 entries where all 11,000 were there).
wait "$ka2"

# ---- ours: timed run, then the reload through the same process
vm_ns sa
t0=$(now)
coproc SA { ip netns exec sa "$apply" --hold "$VM_TMP/big.conf" 2>"$VM_TMP/sa.log"; }
VM_PIDS+=("$SA_PID")
read -r -t 120 sa_start <&"${SA[0]}" || vm_fail "no answer from stayalived-ipvs-apply"
t1=$(now)
sa_start_ms=$(ms "$t0" "$t1")
n=$(ip netns exec sa ipvsadm -S -n | wc -l)
[ "$n" = "$entries" ] || vm_fail "we programmed $n entries, not $entries: $sa_start"
[[ $sa_start == *" confirmed=$entries "* ]] || vm_fail "the kernel did not confirm $entries writes: $sa_start"
t0=$(now)
echo "reload $VM_TMP/big2.conf" >&"${SA[1]}"
read -r -t 120 sa_reload <&"${SA[0]}" || vm_fail "no answer to reload"
t1=$(now)
sa_reload_ms=$(ms "$t0" "$t1")
ip netns exec sa ipvsadm -S -n | grep -q -- "-r 10.200.$(( (nvs / 2) % 200 )).3:8080 -m -w 5" ||
  vm_fail "we did not apply the reload"
echo stop >&"${SA[1]}"
read -r -t 120 _ <&"${SA[0]}"
wait "$SA_PID"
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }

# ---- ours: the daemon (-C -D), from exec until it logs that the table is applied (the log
# is polled every 50 ms; ipvsadm would cost the VM's one vCPU more than the daemon does)
daemon=$(dirname "$apply")/stayalived
vm_ns sa3
t0=$(now)
ip netns exec sa3 "$daemon" -n -l -D -C -f "$VM_TMP/big.conf" -p "$VM_TMP/sa3.pid" -c "$VM_TMP/sa3_c.pid" \
  -r "$VM_TMP/sa3_v.pid" >"$VM_TMP/sa3.log" 2>&1 &
sa3=$!
VM_PIDS+=("$sa3")
for i in $(seq 1 2400); do
  grep -q "IPVS: table applied" "$VM_TMP/sa3.log" && break
  sleep 0.05
done
t1=$(now)
grep -q "IPVS: table applied: $entries writes, $entries confirmed, 0 failed, 0 unresolved" "$VM_TMP/sa3.log" ||
  vm_fail "the daemon did not apply $entries writes: $(grep 'IPVS' "$VM_TMP/sa3.log" | tail -3)"
[ "$(ip netns exec sa3 ipvsadm -S -n | wc -l)" = "$entries" ] || vm_fail "the daemon did not program $entries entries"
sa_daemon_ms=$(ms "$t0" "$t1")
sa_daemon_mem=$(hwm_kb "$sa3")
kill -TERM "$sa3"
wait "$sa3"

# ---- ours: sendmsg calls, independently of our own counters
vm_ns sa2
ip netns exec sa2 strace -f -e trace=sendmsg,sendto -o "$VM_TMP/sa2.strace" "$apply" "$VM_TMP/big.conf" \
  >/dev/null 2>&1
sa_start_calls=$(grep -c "NETLINK" "$VM_TMP/sa2.strace")

printf '\n%-44s %14s %14s\n' "" "keepalived" "stayalived"
printf '%-44s %14s %14s\n' "apply from empty: wall time (ms)" "$ka_start_ms" "$sa_start_ms"
printf '%-44s %14s %14s\n' "  of which reading the config (ms, ours)" "-" "$(field config_ms "$sa_start")"
printf '%-44s %14s %14s\n' "  of which programming IPVS (ms, ours)" "-" "$(field ms "$sa_start")"
printf '%-44s %14s %14s\n' "apply from empty, the daemon (ms, -C)" "$ka_start_ms" "$sa_daemon_ms"
printf '%-44s %14s %14s\n' "  IPVS netlink messages sent" "$ka_start_msgs" \
  "$(( $(field writes "$sa_start") + $(field reads "$sa_start") ))"
printf '%-44s %14s %14s\n' "    of which writes" "$ka_start_writes" "$(field writes "$sa_start")"
printf '%-44s %14s %14s\n' "  netlink sendmsg/sendto calls (strace)" "$ka_start_calls" "$sa_start_calls"
printf '%-44s %14s %14s\n' "reload changing one real server: time (ms)" "$ka_reload_ms" "$sa_reload_ms"
printf '%-44s %14s %14s\n' "  of which reading the config (ms, ours)" "-" "$(field config_ms "$sa_reload")"
printf '%-44s %14s %14s\n' "  of which IPVS: plan + writes (ms, ours)" "-" "$(field ms "$sa_reload")"
printf '%-44s %14s %14s\n' "  IPVS netlink messages" "$ka_reload_msgs" \
  "$(( $(field writes "$sa_reload") + $(field reads "$sa_reload") ))"
printf '%-44s %14s %14s\n' "    of which writes" "$ka_reload_writes" "$(field writes "$sa_reload")"
printf '%-44s %14s %14s\n' "peak memory (KiB, VmHWM/maxrss)" "$ka_mem" "$(field maxrss_kb "$sa_start")"
printf '%-44s %14s %14s\n' "peak memory, the daemon (KiB, VmHWM)" "$ka_mem" "$sa_daemon_mem"
echo
echo "keepalived: time from exec to its checker's 'Activating BFD healthchecker' (IPVS done) and"
echo "from SIGHUP to 'Reload complete'; memory = parent + checker process; messages counted"
echo "by strace in a second run (one IPVS message per sendmsg). stayalived: time from exec to"
echo "the tool's answer (config read + IPVS programmed); messages from its own counters."
echo "The daemon (-C -D): from exec until it logs 'IPVS: table applied' (every write confirmed)."
echo "Our config time is config::load_file (+ from_config), shown apart."
echo "ours: $sa_start"
echo "ours reload: $sa_reload"
