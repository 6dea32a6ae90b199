#!/usr/bin/env bash
# Through stayalived-ipvs-apply (config file -> IPVS, as the daemon will do it): health
# flips change exactly the right destination with one write; a reload that changes one
# real server is exactly one netlink write; rules changed by hand are reported and
# repaired; a hand-added destination in one of our services survives reloads; stop
# removes what we own and leaves foreign rules alone.
set -u
. "$SA_VM_SRC/lib/compare.sh"
apply=$SA_BIN_DIR/stayalived-ipvs-apply
ns=sa-session
vm_ns $ns

# A config of 5 virtual servers x 4 real servers; $1 = weight of 10.1.3.2, $2 = extra lines.
write_conf() {
  local f=$1 w=$2 extra=${3:-}
  : >"$f"
  for v in 1 2 3 4 5; do
    {
      echo "virtual_server 10.0.0.$v 80 {"
      echo "  protocol TCP"
      echo "  lb_algo wrr"
      for r in 1 2 3 4; do
        weight=1
        [ "$v.$r" = 3.2 ] && weight=$w
        echo "  real_server 10.1.$v.$r 80 { weight $weight }"
      done
      [ $v = 3 ] && echo "$extra"
      echo "}"
    } >>"$f"
  done
}
write_conf "$VM_TMP/a.conf" 1
write_conf "$VM_TMP/b.conf" 7
write_conf "$VM_TMP/c.conf" 7 "  real_server 10.1.3.9 80 { weight 2 }"
# d: virtual server 10.0.0.5 gone.
head -n $(( $(grep -n "virtual_server 10.0.0.5 " "$VM_TMP/c.conf" | cut -d: -f1) - 1 )) "$VM_TMP/c.conf" >"$VM_TMP/d.conf"

ip netns exec $ns ipvsadm -A -u 192.0.2.1:53 -s rr
ip netns exec $ns ipvsadm -a -u 192.0.2.1:53 -r 192.0.2.2:53 -g

coproc SA { ip netns exec $ns "$apply" --hold "$VM_TMP/a.conf" 2>"$VM_TMP/apply.log"; }
VM_PIDS+=("$SA_PID")
read -r -t 60 line <&"${SA[0]}" || vm_fail "no answer at start-up"
echo "start: $line"
[[ $line == ok\ executed=25\ confirmed=25\ writes=25* ]] || vm_fail "start-up should be 25 writes: $line"
ip netns exec $ns ipvsadm -a -t 10.0.0.2:80 -r 10.9.9.9:80 -m   # added by hand to one of ours

# ask CMD EXPECTED_WRITES: one command, its answer must report exactly that many writes.
ask() {
  local cmd=$1 want=$2 line
  echo "$cmd" >&"${SA[1]}"
  read -r -t 60 line <&"${SA[0]}" || vm_fail "no answer to: $cmd"
  echo "$cmd -> $line"
  [[ $line == ok\ * ]] || vm_fail "$cmd failed: $line"
  [[ $line == *" writes=$want "* ]] || vm_fail "$cmd: expected writes=$want: $line"
  [[ $line == *" failures=0 "* ]] || vm_fail "$cmd: failures: $line"
}
has() { vm_save $ns | grep -q -x -- "$1" || { vm_save $ns; vm_fail "missing: $1"; }; }
hasnt() { ! vm_save $ns | grep -q -x -- "$1" || { vm_save $ns; vm_fail "unexpected: $1"; }; }

before=$(vm_save $ns)
ask "down 2 10.1.3.3:80" 1
hasnt "-a -t 10.0.0.3:80 -r 10.1.3.3:80 -m -w 1"
diff <(echo "$before") <(vm_save $ns) | grep -c '^[<>]' | grep -q -x 1 || vm_fail "a health flip changed more than one line"
ask "up 2 10.1.3.3:80" 1
[ "$(vm_save $ns)" = "$before" ] || vm_fail "up did not restore the table"

ask "reload $VM_TMP/b.conf" 1
has "-a -t 10.0.0.3:80 -r 10.1.3.2:80 -m -w 7"
ask "reload $VM_TMP/b.conf" 0
ask "reload $VM_TMP/c.conf" 1
has "-a -t 10.0.0.3:80 -r 10.1.3.9:80 -m -w 2"
ask "reload $VM_TMP/d.conf" 1
hasnt "-A -t 10.0.0.5:80 -s wrr"
has "-a -t 10.0.0.2:80 -r 10.9.9.9:80 -m -w 1"   # not ours: survives the reloads

ip netns exec $ns ipvsadm -e -t 10.0.0.1:80 -r 10.1.1.1:80 -m -w 9
ip netns exec $ns ipvsadm -d -t 10.0.0.4:80 -r 10.1.4.4:80
ask resync 2
grep -q "TCP 10.0.0.1:80 -> 10.1.1.1:80 was changed outside stayalived" "$VM_TMP/apply.log" || vm_fail "drift not logged"
grep -q "TCP 10.0.0.4:80 -> 10.1.4.4:80 was removed outside stayalived" "$VM_TMP/apply.log" || vm_fail "drift not logged"
has "-a -t 10.0.0.1:80 -r 10.1.1.1:80 -m -w 1"
has "-a -t 10.0.0.4:80 -r 10.1.4.4:80 -m -w 1"

echo stop >&"${SA[1]}"
read -r -t 60 line <&"${SA[0]}" || vm_fail "no answer to stop"
echo "stop -> $line"
wait "$SA_PID"
left=$(vm_save $ns)
expected=$'-A -u 192.0.2.1:53 -s rr\n-a -u 192.0.2.1:53 -r 192.0.2.2:53 -g -w 1'
[ "$left" = "$expected" ] || { echo "$left"; vm_fail "stop should leave only the foreign service"; }
echo "ok: health flips, reloads, drift and stop"
