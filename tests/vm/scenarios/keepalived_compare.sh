#!/usr/bin/env bash
# For each tests/vm/configs/NAME.conf: the IPVS table our code programs and the one the
# real keepalived 2.2.7 programs from the same file are equal, as ipvsadm reads them back
# (-S -n and --thresholds) and as our backend dumps them (every field), and both equal
# NAME.expected. keepalived also removes everything when it stops.
# All keepalived instances start at once (each in its own namespace), which overlaps their
# start-up latencies under TCG.
# A known difference is declared by NAME.xfail (its first line says why): the part then
# passes while the difference is there (reported XFAIL) and fails once it is gone
# (XPASS: remove the .xfail).
set -u
. "$SA_VM_SRC/lib/compare.sh"
apply=$SA_BIN_DIR/stayalived-ipvs-apply
failed=0
names=()
declare -A ka_pid
for conf in "$SA_VM_SRC"/configs/*.conf; do
  name=$(basename "$conf" .conf)
  names+=("$name")
  vm_ns "ka-$name"
  vm_ns "sa-$name"
  vm_keepalived_start "ka-$name" "$conf"
  ka_pid[$name]=$VM_KA_PID
  ip netns exec "sa-$name" "$apply" "$conf" >"$VM_TMP/apply-$name.log" 2>&1 ||
    { cat "$VM_TMP/apply-$name.log"; vm_fail "$name: stayalived-ipvs-apply failed"; }
done
for name in "${names[@]}"; do vm_keepalived_wait "ka-$name"; done
# Every table as our backend reads it (all fields), from one process.
dumps=()
for name in "${names[@]}"; do dumps+=("ka-$name" "sa-$name"); done
"$apply" --dump-netns "$VM_TMP" "${dumps[@]}" || vm_fail "stayalived-ipvs-apply --dump-netns failed"
for name in "${names[@]}"; do
  ka="ka-$name" us="sa-$name"
  expected="$SA_VM_SRC/configs/$name.expected"
  vm_save "$ka" >"$VM_TMP/$name.ka"
  vm_save "$us" >"$VM_TMP/$name.sa"
  # SA_VM_BLESS=1: keep keepalived's table as a candidate NAME.expected (for review).
  [ "${SA_VM_BLESS:-0}" = 1 ] && cp "$VM_TMP/$name.ka" "$SA_VM_RESULTS/$name.expected"
  ok=1
  if ! diff -u "$VM_TMP/$name.ka" "$VM_TMP/$name.sa"; then
    echo "$name: ipvsadm -S -n differs between keepalived (-) and us (+)"; ok=0
  fi
  if ! diff -u "$expected" "$VM_TMP/$name.sa"; then
    echo "$name: ipvsadm -S -n differs from $name.expected"; ok=0
  fi
  if ! diff -u <(vm_thresholds "$ka") <(vm_thresholds "$us"); then
    echo "$name: thresholds differ between keepalived (-) and us (+)"; ok=0
  fi
  if ! diff -u "$VM_TMP/$ka.dump" "$VM_TMP/$us.dump"; then
    echo "$name: full dump differs between keepalived (-) and us (+)"; ok=0
  fi
  VM_KA_PID=${ka_pid[$name]}
  vm_keepalived_stop
  left=$(vm_save "$ka")
  [ -z "$left" ] || { echo "$name: keepalived left rules behind:"; echo "$left"; ok=0; }
  xfail="$SA_VM_SRC/configs/$name.xfail"
  if [ -e "$xfail" ]; then
    if [ $ok = 1 ]; then
      echo "XPASS: $name now equals keepalived's table: remove configs/$name.xfail"
      failed=1
    else
      echo "XFAIL: $name: $(head -n 1 "$xfail")"
    fi
  elif [ $ok = 1 ]; then
    echo "ok: $name ($(wc -l <"$VM_TMP/$name.sa") lines, equal to keepalived's and $name.expected)"
  else
    failed=1
    grep -v -E 'Registering|^$' "$VM_TMP/keepalived-$ka.log" | head -n 40
    cat "$VM_TMP/apply-$name.log"
  fi
done
exit $failed
