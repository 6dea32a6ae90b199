#!/usr/bin/env bash
# run.sh TARGET SECONDS: fuzz TARGET for SECONDS from its seed corpus; fail on any finding.
# Findings (crash-*, leak-*, timeout-*) are kept in build/fuzz/findings/TARGET/.
set -euo pipefail
target=$1 seconds=$2
bin="${SA_FUZZ_BIN_DIR:?}/$target"
. "$SA_SOURCE_DIR/tests/lib/skip.sh"
[ -x "$bin" ] || sa_skip "$bin not built (cmake --preset fuzz && cmake --build --preset fuzz)"
seeds="$SA_SOURCE_DIR/tests/fuzz/corpus/$target"
work=$(mktemp -d "/tmp/$target.XXXXXX")
findings="$SA_FUZZ_BIN_DIR/../findings/$target"
mkdir -p "$findings"
trap 'rm -rf "$work"' EXIT
dirs=("$work")
[ -d "$seeds" ] && dirs+=("$seeds")
# -timeout: one input taking over 10 s is a hang. -rss_limit_mb bounds memory. libFuzzer's
# own exit code for a finding is 77, which ctest reads as "skipped": findings exit 1.
"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -error_exitcode=1 -timeout_exitcode=1 \
  -artifact_prefix="$findings/" "${dirs[@]}" 2>&1 | tail -25
