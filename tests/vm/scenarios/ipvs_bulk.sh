#!/usr/bin/env bash
# 1,000 virtual servers x 10 real servers (11,000 IPVS entries), programmed from an empty
# table and compared with the plan entry by entry, several times in a row: by
# stayalived-ipvs-apply (the Reconciler and netlink backend alone) and by the daemon
# (-C: checkers and IPVS); then, for each, a reload that changes 10% of the real servers
# (500 re-weighted, 500 replaced by others), compared again. The tool's answer must count
# every write as confirmed by the kernel; the daemon's JSON dump must agree with the kernel.
#
# The oracle is ipvsadm, read until two reads agree: the kernel's service dump resumes by
# position in a table shared by all network namespaces, so a namespace being torn down
# elsewhere (an earlier scenario's) can shift entries out of a single read.
#
#   SA_IPVS_BULK_ROUNDS   applies from empty per program (default 3 for the tool, 2 for
#                         the daemon)
set -u
. "$SA_VM_SRC/lib/compare.sh"
[ -x "$SA_BIN_DIR/stayalived-ipvs-apply" ] || vm_fail "$SA_BIN_DIR/stayalived-ipvs-apply not built"
[ -x "$SA_BIN_DIR/stayalived" ] || vm_fail "$SA_BIN_DIR/stayalived not built"
modprobe -a ip_vs ip_vs_wrr 2>/dev/null || true

NVS=1000 NRS=10
tool_rounds=${SA_IPVS_BULK_ROUNDS:-3}
daemon_rounds=${SA_IPVS_BULK_ROUNDS:-2}

# gen VARIANT: writes $VM_TMP/VARIANT.conf and $VM_TMP/VARIANT.expected (ipvsadm -S -n
# lines, normalised). Variant "changed": in even virtual servers real server 1 has weight
# 2, in odd ones real server 10 is replaced by real server 11.
gen() {
  awk -v nvs=$NVS -v nrs=$NRS -v variant="$1" -v conf="$VM_TMP/$1.conf" 'BEGIN {
    for (v = 0; v < nvs; v++) {
      vip = sprintf("10.100.%d.%d", int(v / 250), v % 250 + 1)
      print "virtual_server " vip " 80 {\n  protocol TCP\n  lb_algo wrr\n  lb_kind NAT" > conf
      print "-A -t " vip ":80 -s wrr"
      for (r = 1; r <= nrs; r++) {
        w = 1; rr = r
        if (variant == "changed" && v % 2 == 0 && r == 1) w = 2
        if (variant == "changed" && v % 2 == 1 && r == nrs) rr = nrs + 1
        rip = sprintf("10.200.%d.%d", v % 200, rr)
        print "  real_server " rip " 8080 { weight " w " }" > conf
        print "-a -t " vip ":80 -r " rip ":8080 -m -w " w
      }
      print "}" > conf
    }
  }' | vm_normalise >"$VM_TMP/$1.expected"
}
gen base
gen changed
entries=$((NVS * (NRS + 1)))
[ "$(wc -l <"$VM_TMP/base.expected")" = "$entries" ] || vm_fail "generator: not $entries lines"

# stable_save NS: NS's table, normalised, once two reads in a row agree (5 tries).
stable_save() {
  local a b i
  a=$(vm_save "$1")
  for i in 1 2 3 4 5; do
    b=$(vm_save "$1")
    [ "$a" = "$b" ] && { printf '%s\n' "$a"; return 0; }
    a=$b
  done
  vm_fail "$1: ipvsadm gave a different table at each of 6 reads"
}

# same_as NS EXPECTED WHAT: NS's table equals EXPECTED entry by entry.
same_as() {
  stable_save "$1" >"$VM_TMP/actual"
  if ! cmp -s "$2" "$VM_TMP/actual"; then
    echo "$3: the kernel's table differs from the plan ($(wc -l <"$VM_TMP/actual") entries, $entries planned):"
    diff "$2" "$VM_TMP/actual" | head -20
    vm_fail "$3: table differs"
  fi
  echo "ok: $3: $entries entries, equal to the plan entry by entry"
}

# answer_ok LINE WHAT: the tool's answer confirms every write, and nothing failed.
answer_ok() {
  local line=$1 what=$2 executed confirmed
  [[ $line == ok\ * ]] || vm_fail "$what: $line"
  executed=$(sed -n 's/.* executed=\([0-9]*\).*/\1/p' <<<"$line")
  confirmed=$(sed -n 's/.* confirmed=\([0-9]*\).*/\1/p' <<<"$line")
  [[ $line == *" failures=0 "* && $line == *" unresolved=0 "* ]] || vm_fail "$what: failures: $line"
  [ "$executed" = "$confirmed" ] || vm_fail "$what: $confirmed of $executed writes confirmed: $line"
  echo "$what: $line"
}

empty_after() {  # NS WHAT: the table is empty again (the program removed what it owned)
  local n
  n=$(stable_save "$1" | grep -c . || true)
  [ "$n" = 0 ] || vm_fail "$2: $n entries left after stop"
}

# ---- stayalived-ipvs-apply
vm_ns tool
for round in $(seq 1 "$tool_rounds"); do
  coproc APPLY { ip netns exec tool "$SA_BIN_DIR/stayalived-ipvs-apply" --hold "$VM_TMP/base.conf" 2>"$VM_TMP/tool.log"; }
  apid=$APPLY_PID
  VM_PIDS+=("$apid")
  read -r -t 300 line <&"${APPLY[0]}" || { cat "$VM_TMP/tool.log"; vm_fail "tool: no answer"; }
  answer_ok "$line" "tool round $round: apply from empty"
  [[ $line == *" confirmed=$entries "* ]] || vm_fail "tool round $round: not $entries writes confirmed"
  same_as tool "$VM_TMP/base.expected" "tool round $round"
  if [ "$round" = "$tool_rounds" ]; then
    echo "reload $VM_TMP/changed.conf" >&"${APPLY[1]}"
    read -r -t 300 line <&"${APPLY[0]}" || vm_fail "tool: no answer to reload"
    answer_ok "$line" "tool reload"
    # 500 weights edited, 500 destinations added and 500 deleted.
    [[ $line == *" writes=1500 "* ]] || vm_fail "tool reload: expected 1500 writes: $line"
    same_as tool "$VM_TMP/changed.expected" "tool reload (10% of the real servers changed)"
  fi
  echo stop >&"${APPLY[1]}"
  read -r -t 300 line <&"${APPLY[0]}" || vm_fail "tool: no answer to stop"
  answer_ok "$line" "tool round $round: stop"
  wait "$apid"
  empty_after tool "tool round $round"
done

# ---- the daemon (-C: checkers and IPVS; real servers without checkers are up)
vm_ns daemon
mkdir -p "$VM_TMP/dtmp"
json() {  # FIELD: ipvs.FIELD of a fresh keepalived_check.json
  local f=$VM_TMP/dtmp/keepalived_check.json i
  rm -f "$f"
  kill -36 "$dpid"
  for i in $(seq 1 200); do
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["ipvs"][sys.argv[2]])' "$f" "$1" 2>/dev/null &&
      return 0
    sleep 0.1
  done
  vm_fail "daemon: no $f after signal 36"
}
# wait_entries N SECS: until ipvsadm lists N entries; prints the seconds it took.
wait_entries() {
  local t0 i n
  t0=$(date +%s%N)
  for i in $(seq 1 $(($2 * 5))); do
    n=$(ip netns exec daemon ipvsadm -S -n | wc -l)
    [ "$n" = "$1" ] && { echo $(( ($(date +%s%N) - t0) / 1000000 )); return 0; }
    sleep 0.2
  done
  tail -20 "$VM_TMP/daemon.log"
  vm_fail "daemon: $n entries after $2 s, not $1"
}
cp "$VM_TMP/base.conf" "$VM_TMP/daemon.conf"
for round in $(seq 1 "$daemon_rounds"); do
  TMPDIR=$VM_TMP/dtmp ip netns exec daemon "$SA_BIN_DIR/stayalived" -n -l -C -f "$VM_TMP/daemon.conf" \
    -p "$VM_TMP/d.pid" -c "$VM_TMP/dc.pid" -r "$VM_TMP/dv.pid" 2>"$VM_TMP/daemon.log" &
  dpid=$!
  VM_PIDS+=("$dpid")
  ms=$(wait_entries "$entries" 240)
  echo "daemon round $round: $entries entries listed ${ms} ms after the daemon was started"
  same_as daemon "$VM_TMP/base.expected" "daemon round $round"
  [ "$(json services)" = "$NVS" ] || vm_fail "daemon round $round: its model has $(json services) services"
  [ "$(json destinations)" = "$((NVS * NRS))" ] || vm_fail "daemon round $round: its model has $(json destinations) destinations"
  [ "$(json unresolved_failures)" = 0 ] || vm_fail "daemon round $round: unresolved failures"
  grep -E "IPVS: .*(failed|outside stayalived)" "$VM_TMP/daemon.log" && vm_fail "daemon round $round: IPVS errors logged"
  if [ "$round" = "$daemon_rounds" ]; then
    w0=$(json netlink_writes)
    cp "$VM_TMP/changed.conf" "$VM_TMP/daemon.conf"
    kill -HUP "$dpid"
    for i in $(seq 1 1200); do grep -q "Reload complete\|Reload failed" "$VM_TMP/daemon.log" && break; sleep 0.1; done
    grep -q "Reload complete" "$VM_TMP/daemon.log" || vm_fail "daemon: the reload did not complete"
    # The reload's writes are applied over several turns of the loop after "Reload complete".
    for i in $(seq 1 300); do [ "$(( $(json netlink_writes) - w0 ))" -ge 1500 ] && break; sleep 0.2; done
    [ "$(( $(json netlink_writes) - w0 ))" = 1500 ] || vm_fail "daemon reload: $(( $(json netlink_writes) - w0 )) writes, not 1500"
    same_as daemon "$VM_TMP/changed.expected" "daemon reload (10% of the real servers changed)"
    [ "$(json unresolved_failures)" = 0 ] || vm_fail "daemon reload: unresolved failures"
    cp "$VM_TMP/base.conf" "$VM_TMP/daemon.conf"
  fi
  kill -TERM "$dpid"
  wait "$dpid"
  empty_after daemon "daemon round $round"
done
echo "ok: 1,000 x 10 applied and compared entry by entry: tool $tool_rounds times, daemon $daemon_rounds times, and a 10% reload each"
