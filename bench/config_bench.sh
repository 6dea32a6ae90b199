#!/usr/bin/env bash
# config_bench.sh [BUILD_DIR]: the config benchmark, ours beside keepalived -t.
# Generates the ~100,000-line config (bench_config_gen), then prints our parse+validate
# time and peak RSS (bench_config_parse, best of 5) and keepalived -t's wall time and peak
# RSS (GNU time; keepalived 2.2.7's -t does not fork, so that is the whole of it).
# bench/config_scale.sh compares the two daemons' -t at three sizes in alternating pairs.
# Use a release build: cmake --preset release && cmake --build --preset release
set -euo pipefail
build=${1:-build/release}
gen="$build/bin/bench_config_gen"
parse="$build/bin/bench_config_parse"
[ -x "$gen" ] && [ -x "$parse" ] || { echo "build $build first (bench_config_gen, bench_config_parse)" >&2; exit 2; }
dir=$(mktemp -d /tmp/sa-config-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$gen" "$dir"
lines=$(cat "$dir"/keepalived.conf "$dir"/vrrp/*.conf "$dir"/lvs/*.conf | wc -l)
echo "config: $lines lines in $(ls "$dir"/keepalived.conf "$dir"/vrrp/*.conf "$dir"/lvs/*.conf | wc -l) files ($dir)"
"$parse" "$dir/keepalived.conf" 5
if command -v keepalived >/dev/null; then
  best=""
  for i in 1 2 3; do
    /usr/bin/time -f '%e %M %U %S' -o "$dir/time.txt" keepalived -t -f "$dir/keepalived.conf" >/dev/null 2>&1 || true
    read -r t rss u s < "$dir/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; best_rss=$rss; best_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN{print u+s}'); fi
  done
  printf 'keepalived -t:             %.3f s wall, %.3f s CPU (best of 3), peak RSS %.1f MB\n' "$best" "$best_cpu" "$(awk -v k="$best_rss" 'BEGIN{print k/1024}')"
else
  echo "keepalived not installed: no comparison"
fi
