#!/usr/bin/env bash
# scripts/bootstrap's exit status is the install's: a policy-rc.d that was already there
# (container images have one) once made a good install exit 1, and the README's commands
# stopped without a message. Runs bootstrap against fake dpkg-query/apt-get (nothing is
# installed); the policy file is a temporary path (STAYALIVED_POLICY_RC_D).
set -u
src=${SA_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
# Every package reported missing; apt-get "installs" with the exit status in $FAKE_APT_RC.
printf '#!/bin/sh\nexit 1\n' >"$tmp/bin/dpkg-query"
printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\nexit "${FAKE_APT_RC:-0}"\n' "$tmp" >"$tmp/bin/apt-get"
printf '#!/bin/sh\nexec "$@"\n' >"$tmp/bin/sudo"
chmod +x "$tmp/bin/"*
fail=0
check() { if eval "$1"; then echo "ok: $2"; else echo "FAIL: $2"; fail=1; fi; }
run() { PATH="$tmp/bin:$PATH" STAYALIVED_POLICY_RC_D="$tmp/policy-rc.d" bash "$src/scripts/bootstrap" >"$tmp/out" 2>&1; }

printf '#!/bin/sh\nexit 101\n' >"$tmp/policy-rc.d"
rc=0; run || rc=$?
check '[ "$rc" = 0 ]' "a policy that was already there: exit 0 (got $rc)"
check '[ -e "$tmp/policy-rc.d" ]' "a policy that was already there stays"
check 'grep -q "apt-get install" "$tmp/apt.log"' "apt-get install ran"

rm -f "$tmp/policy-rc.d"
rc=0; run || rc=$?
check '[ "$rc" = 0 ]' "no policy before: exit 0 (got $rc)"
check '[ ! -e "$tmp/policy-rc.d" ]' "the policy bootstrap added is removed"

rc=0; FAKE_APT_RC=100 run || rc=$?
check '[ "$rc" != 0 ]' "a failed install fails bootstrap (exit $rc)"
check '[ ! -e "$tmp/policy-rc.d" ]' "the policy is removed after a failed install too"
exit $fail
