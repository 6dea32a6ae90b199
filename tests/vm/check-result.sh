#!/usr/bin/env bash
# ctest's vm/NAME: reports what suite.sh recorded for one part inside the VM.
#   check-result.sh RESULTS_DIR NAME
results=$1 name=$2
. "$(dirname "$0")/../lib/skip.sh"
[ -e "$results/.skipped" ] && sa_skip "no VM could be booted (see vm/boot)"
[ -e "$results/$name.status" ] || { echo "no result for $name: the VM did not run it (see vm/boot)"; exit 1; }
cat "$results/$name.log"
exit "$(cat "$results/$name.status")"
