# shellcheck shell=bash
# How a test script says it cannot run here (sourced by netns.sh and by scripts that do not
# use it).
#
#   sa_skip MESSAGE        exit 77 (ctest: skipped). Under CI (CI=true) exit 1 instead:
#                          there a skip always means a missing install step.
#   sa_need COMMAND...     sa_skip unless every COMMAND is on PATH
#   sa_need_file FILE...   sa_skip unless every FILE is executable (a binary of the build)

sa_skip() {
  if [ "${CI:-}" = true ]; then
    echo "FAILED: cannot run under CI=true: $* (scripts/bootstrap must install it)" >&2
    exit 1
  fi
  echo "skipped: $*" >&2
  exit 77
}

sa_need() {
  local c
  for c in "$@"; do command -v "$c" >/dev/null || sa_skip "$c missing"; done
}

sa_need_file() {
  local f
  for f in "$@"; do [ -x "$f" ] || sa_skip "$f not built"; done
}
