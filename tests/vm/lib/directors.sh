# shellcheck shell=bash
# The common start of the two-director scenarios (e2e_directors.sh, reload_directors.sh):
# sourced after tests/lib/netns.sh, tests/netns/vrrp/lib/vrrp.sh and lib/lvs.sh.
#
#   directors_start NAME   fails without the daemon; loads ip_vs and ip_vs_rr (suite.sh
#                          does already; run alone, one modprobe beats on-demand loads);
#                          empties $figures = $SA_VM_RESULTS/NAME.figures; sa_setup, and at
#                          exit dir1's and dir2's logs are kept as $SA_VM_RESULTS/NAME.HOST.log
#                          (SA_TMP goes at cleanup); lvs_setup; directors dir1 (.1) and dir2
#                          (.2); the client c (.100)
#   ok MSG | figure MSG    log a passed check | a figure (also appended to $figures)
#   fail MSG               the directors' last log lines, then sa_fail
#   now                    seconds since the epoch, to the millisecond

directors_start() {
  DIRECTORS_NAME=$1
  [ -x "$SA_BIN_DIR/stayalived" ] || sa_fail "$SA_BIN_DIR/stayalived not built"
  modprobe -a ip_vs ip_vs_rr 2>/dev/null || true
  figures=$SA_VM_RESULTS/$1.figures
  : >"$figures"
  sa_setup
  trap 'directors_keep_logs; sa_cleanup' EXIT
  lvs_setup
  lvs_director dir1 1
  lvs_director dir2 2
  sa_host c 100
}

directors_keep_logs() {
  local h
  for h in dir1 dir2; do
    [ -f "$SA_TMP/$h.log" ] && cp "$SA_TMP/$h.log" "$SA_VM_RESULTS/$DIRECTORS_NAME.$h.log"
  done
  return 0
}

ok() { sa_log "ok: $*"; }
figure() { echo "$*" >>"$figures"; sa_log "figure: $*"; }
now() { date +%s.%N | cut -c1-14; }
fail() {
  local f
  for f in "$SA_TMP"/dir1.log "$SA_TMP"/dir2.log; do
    [ -f "$f" ] && { echo "== last lines of $f"; tail -n 40 "$f"; }
  done
  sa_fail "$*"
}
