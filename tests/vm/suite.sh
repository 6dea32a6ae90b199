#!/usr/bin/env bash
# The whole ip_vs suite, in one VM boot (run by tests/vm/run-suite.sh through
# run-in-vm.sh): the kernel tests (vm_ipvs, doctest) and every tests/vm/scenarios/*.sh,
# each with its log and exit status in $SA_VM_RESULTS (NAME.log, NAME.status) for the
# per-scenario ctest tests. Exits 0 once every part has run, whatever their results.
#
#   suite.sh BIN_DIR [NAME...]     (only the named parts)
set -u
bin=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
results=${SA_VM_RESULTS:?run me through tests/vm/run-in-vm.sh}
export SA_BIN_DIR=$bin SA_VM_SRC=$here

parts=(kernel)
for s in "$here"/scenarios/*.sh; do parts+=("$(basename "$s" .sh)"); done
[ $# -gt 0 ] && parts=("$@")

rm -f "$results"/*.status "$results"/*.log
# Load ip_vs and every scheduler once: one modprobe is much faster under TCG than one
# on-demand request_module (a modprobe each) per scheduler in every part.
modprobe -a ip_vs ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_lblc ip_vs_lblcr ip_vs_dh ip_vs_sh \
  ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf ip_vs_mh ip_vs_pe_sip || echo "vm suite: modprobe failed"
for name in "${parts[@]}"; do
  start=$(date +%s%N)
  if [ "$name" = kernel ]; then
    cmd=("$bin/vm_ipvs")
  else
    cmd=(bash "$here/scenarios/$name.sh")
  fi
  # Each part in its own network namespace: an empty IPVS table, nothing shared.
  timeout -k 5 600 unshare --net -- bash -c 'ip link set lo up; exec "$@"' part "${cmd[@]}" \
    >"$results/$name.log" 2>&1 </dev/null
  rc=$?
  echo "$rc" >"$results/$name.status"
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  printf 'vm suite: %-24s %s (%d.%03d s)\n' "$name" "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")" \
    $((ms / 1000)) $((ms % 1000))
  [ $rc = 0 ] || tail -n 40 "$results/$name.log"
done
exit 0
