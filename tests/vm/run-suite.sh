#!/usr/bin/env bash
# ctest's vm/boot: boots the VM once and runs suite.sh inside; the per-part results land in
# RESULTS_DIR for check-result.sh. Skipped (77) where no VM can be booted.
#
#   run-suite.sh RESULTS_DIR BIN_DIR [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
results=$1; shift
mkdir -p "$results"
rm -f "$results"/*.status "$results"/.skipped
"$here/run-in-vm.sh" --results "$results" "$here/suite.sh" "$@"
rc=$?
[ $rc = 77 ] && touch "$results/.skipped"
exit $rc
