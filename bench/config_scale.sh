#!/usr/bin/env bash
# config_scale.sh [-r ROUNDS] [BUILD_DIR]: `stayalived -t` against `keepalived -t` on the
# same generated configs at three sizes (bench_config_gen):
#   100k  2,000 virtual servers x 10 real servers, HTTP_GET on one line, 500 VRRP instances
#   259k  the same 2,000 x 10 with each HTTP_GET written over twelve lines (260,031 lines)
#   1M    7,700 x 10 in that long layout (1,001,031 lines)
# Both are whole processes (start-up, parse, validate, report, exit).
# They run in alternating pairs (ours, then keepalived's, ROUNDS times, default 7) after
# one unmeasured warm-up pair, because this machine's speed drifts by 10-30% from one
# minute to the next: the ratio is taken within each pair and its median printed, beside
# the median wall time and the median peak RSS of each.
# Both are single processes here: keepalived 2.2.7's -t parses and exits without forking
# its VRRP and checker children (strace -f shows no fork or clone), so GNU time's %M, the
# peak RSS of the process and of any child it waited for, is the whole of each.
# Use a release build: cmake --preset release && cmake --build --preset release
set -euo pipefail
rounds=7
if [ "${1:-}" = "-r" ]; then rounds=$2; shift 2; fi
build=${1:-build/release}
gen="$build/bin/bench_config_gen"
ours="$build/bin/stayalived"
[ -x "$gen" ] && [ -x "$ours" ] || { echo "build $build first (bench_config_gen, stayalived)" >&2; exit 2; }
command -v keepalived >/dev/null || { echo "keepalived is not installed: nothing to compare with" >&2; exit 2; }
dir=$(mktemp -d /tmp/sa-config-scale.XXXXXX)
trap 'rm -rf "$dir"' EXIT

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
# run NAME CMD...: one run under GNU time; appends "wall_s rss_kb" to $dir/NAME.txt. The
# wall time is bash's microsecond clock around the run (GNU time's %e has 10 ms steps); it
# includes GNU time's own start, the same for both commands.
run() {
  local name=$1; shift
  local rc=0 t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%M' -o "$dir/t.txt" "$@" >/dev/null 2>"$dir/$name.err" || rc=$?
  t1=$EPOCHREALTIME
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b - a}') $(tail -n1 "$dir/t.txt")" >> "$dir/$name.txt"
  echo "$rc" > "$dir/$name.rc"
}

printf '%-6s %10s %14s %14s %12s %14s %14s\n' size lines 'ours s' 'keepalived s' 'ratio k/o' 'ours RSS MB' 'keepalived MB'
for spec in 100k:2000: 259k:2000:long 1M:7700:long; do
  IFS=: read -r size vs layout <<<"$spec"
  cfg="$dir/$size"
  "$gen" "$cfg" "$vs" $layout
  lines=$(cat "$cfg"/keepalived.conf "$cfg"/vrrp/*.conf "$cfg"/lvs/*.conf | wc -l)
  rm -f "$dir"/ours.txt "$dir"/ka.txt
  run ours "$ours" -t -f "$cfg/keepalived.conf"
  run ka keepalived -t -f "$cfg/keepalived.conf"
  rm -f "$dir"/ours.txt "$dir"/ka.txt
  for ((i = 0; i < rounds; ++i)); do
    run ours "$ours" -t -f "$cfg/keepalived.conf"
    run ka keepalived -t -f "$cfg/keepalived.conf"
  done
  ours_t=$(cut -d' ' -f1 "$dir/ours.txt" | median)
  ka_t=$(cut -d' ' -f1 "$dir/ka.txt" | median)
  ratio=$(paste -d' ' "$dir/ours.txt" "$dir/ka.txt" | awk '{print ($1 > 0) ? $3 / $1 : 0}' | median)
  ours_m=$(cut -d' ' -f2 "$dir/ours.txt" | median)
  ka_m=$(cut -d' ' -f2 "$dir/ka.txt" | median)
  printf '%-6s %10d %14.3f %14.3f %11.2fx %14.1f %14.1f   (exit: ours %s, keepalived %s)\n' "$size" "$lines" "$ours_t" "$ka_t" \
    "$ratio" "$(awk -v k="$ours_m" 'BEGIN{print k/1024}')" "$(awk -v k="$ka_m" 'BEGIN{print k/1024}')" \
    "$(cat "$dir/ours.rc")" "$(cat "$dir/ka.rc")"
  rm -rf "$cfg"
done
echo "median of $rounds alternating pairs; wall time of the whole process; ratio = keepalived/ours per pair; RSS = peak resident set of the process"
