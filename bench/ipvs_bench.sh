#!/usr/bin/env bash
# IPVS benchmark, side by side with keepalived in the same VM (Debian's kernel with
# ip_vs): 1,000 virtual servers x 10 real servers applied from empty (wall time, netlink
# messages) by our IPVS code alone (stayalived-ipvs-apply) and by the daemon, a reload
# changing one real server (time, messages), peak memory.
#
#   bench/ipvs_bench.sh [BUILD_DIR] [VIRTUAL_SERVERS] [REAL_SERVERS]
#
# BUILD_DIR defaults to build/release (configured and built here if needed: an optimised
# build is what the figures are about). Prints a table; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
if [ "$build" = build/release ] && [ ! -x build/release/bin/stayalived-ipvs-apply ] || [ ! -x build/release/bin/stayalived ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target stayalived-ipvs-apply stayalived
fi
apply=$(readlink -f "$build/bin/stayalived-ipvs-apply")
[ -x "$apply" ] || { echo "no $apply: build it first" >&2; exit 2; }
exec tests/vm/run-in-vm.sh --timeout 1800 "$PWD/bench/ipvs_bench_vm.sh" "$apply" "${2:-1000}" "${3:-10}"
