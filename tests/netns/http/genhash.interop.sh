#!/usr/bin/env bash
# genhash against keepalived's genhash (/usr/bin/genhash, Debian's keepalived 2.2.7) on the
# same pages: identical stdout (the response time in -v masked), stderr and exit code.
# Servers: busybox httpd, python3 http.server, openssl s_server -WWW and scripted pages
# (pages.py), all inside a network namespace of our own (loopback only).
set -u
. "$(dirname "$0")/../../lib/netns.sh"
sa_require_root
KA=/usr/bin/genhash   # Debian's: both binaries are called genhash; always by full path
OURS="${SA_BIN_DIR:-$(dirname "$0")/../../../build/asan/bin}/genhash"
sa_need_file "$KA" "$OURS"
for tool in busybox openssl python3; do
  sa_need "$tool"
done
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/../../data/http"

sa_setup
sa_ns_add h
www="$SA_TMP/www"
mkdir -p "$www"
printf '<html><head><title>stayalived</title></head><body>It works.</body></html>\n' >"$www/index.html"
head -c 1500000 /dev/urandom >"$www/large.bin"
printf 'tls page\n' >"$www/tls.txt"
cp "$www/large.bin" "$www/tls-large.bin"

sa_start h busybox httpd -f -p 127.0.0.1:8081 -h "$www"
sa_start h python3 -m http.server --bind 127.0.0.1 --directory "$www" 8082 >"$SA_TMP/pyhttp.log" 2>&1
sa_start h python3 "$HERE/pages.py" 8083 >"$SA_TMP/pages.log" 2>&1
sa_start h python3 "$HERE/pages.py" --tls "$DATA/server.pem" "$DATA/server.key" 8444 >"$SA_TMP/pages-tls.log" 2>&1
(cd "$www" && sa_start h openssl s_server -quiet -accept 127.0.0.1:8443 -cert "$DATA/server.pem" \
  -key "$DATA/server.key" -WWW >"$SA_TMP/s_server.log" 2>&1)
for port in 8081 8082 8083 8443 8444; do
  sa_wait 10 sa_in h bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" || sa_fail "server on port $port did not start"
done

fail=0
n=0
# compare ARGS...: run both genhash binaries, compare stdout/stderr/exit code.
compare() {
  n=$((n + 1))
  local k="$SA_TMP/ka.$n" o="$SA_TMP/ours.$n"
  sa_in h timeout 30 "$KA" "$@" >"$k.out" 2>"$k.err"; echo "rc=$?" >>"$k.err"
  sa_in h timeout 30 "$OURS" "$@" >"$o.out" 2>"$o.err"; echo "rc=$?" >>"$o.err"
  sed -i -E 's/(Global response time for \[.*\] = )[0-9]+ usecs/\1N usecs/' "$k.out" "$o.out"
  # The usage names the program: make it the same word.
  sed -i "s#$KA#genhash#; s#$OURS#genhash#" "$k.err" "$o.err"
  if cmp -s "$k.out" "$o.out" && cmp -s "$k.err" "$o.err"; then
    echo "same: $*  -> $(head -c 60 "$k.out" | head -1)$(head -1 "$k.err" | head -c 40 | grep -v '^rc=0$')"
  else
    echo "DIFFERENT: $*" >&2
    diff "$k.out" "$o.out" | head -20 >&2
    diff "$k.err" "$o.err" | head -10 >&2
    fail=1
  fi
}

# Real servers: small and large pages, every protocol, a virtualhost. Not verbose: busybox
# and http.server write the head and the body separately, so whether one read gets both
# depends on timing, and -v shows each read (keepalived's own output varies run to run).
for args in "" "-P 1.0c" "-P 1.1" "-V www.example.test"; do
  # shellcheck disable=SC2086
  compare -s 127.0.0.1 -p 8081 -u /index.html $args
  # shellcheck disable=SC2086
  compare -s 127.0.0.1 -p 8082 -u /index.html $args
done
compare -s 127.0.0.1 -p 8081 -u /large.bin
compare -s 127.0.0.1 -p 8082 -u /large.bin -P 1.1
compare -s 127.0.0.1 -p 8081 -u /missing.html

# HTTPS (openssl s_server -WWW), with and without SNI.
compare -S -s 127.0.0.1 -p 8443 -u /tls.txt -v
compare -S -s 127.0.0.1 -p 8443 -u /tls.txt -I -V server.test -v
compare -S -s 127.0.0.1 -p 8443 -u /tls-large.bin
compare -S -s 127.0.0.1 -p 8443 -u /missing.txt
# TLS endings: close_notify before the head (keepalived: "SSL read error from"), a drop
# without close_notify (no hash section), garbage, a head too large.
for path in /small /empty /garbage /bighdr /abrupt /chunked; do
  compare -S -s 127.0.0.1 -p 8444 -u $path -P 1.1 -v
done
compare -S -s 127.0.0.1 -p 8444 -u /echo -I -V sni.example.test
compare -S -s 127.0.0.1 -p 8444 -u /silent -t 1

# Scripted pages, each written at once (so -v is deterministic): the request itself (echo),
# chunked, IPv6, errors and odd framings.
for proto in 1.0 1.0c 1.1; do
  compare -s 127.0.0.1 -p 8083 -u /echo -P $proto -v
  compare -s 127.0.0.1 -p 8083 -u /echo -P $proto -V vhost.example.test:8080
  compare -s ::1 -p 8083 -u /echo -P $proto -v
done
compare -s 127.0.0.1 -p 8083 -u /chunked -P 1.1 -v
compare -s 127.0.0.1 -p 8083 -u /large
compare -s 127.0.0.1 -p 8083 -u /small -v
compare -s 127.0.0.1 -p 8083 -u /status/503 -v
compare -s 127.0.0.1 -p 8083 -u /clextra -v
compare -s 127.0.0.1 -p 8083 -u /slow -t 2 -v
compare -s 127.0.0.1 -p 8083 -u /reset -v
compare -s 127.0.0.1 -p 8083 -u /garbage -v
compare -s 127.0.0.1 -p 8083 -u /bighdr -v
compare -s 127.0.0.1 -p 8083 -u /empty -v
compare -s 127.0.0.1 -p 8083 -u /lf -v
compare -s 127.0.0.1 -p 8083 -u /silent -t 1 -v
compare -s 127.0.0.1 -p 8083 -u /stall -t 1
compare -s 127.0.0.1 -p 8083 -u /keepalive -t 1
compare -s 127.0.0.1 -p 8099 -u / -v                      # refused
compare -S -s 127.0.0.1 -p 8083 -u /small -v               # TLS to a plain server
compare -s 127.0.0.1 -p 8443 -u /tls.txt -t 2              # plain HTTP to a TLS server
compare -s 127.0.0.1 -p 8083 -u /small -m 7                # fwmark

# The command line: errors, usage, spellings.
compare
compare -h
compare -s 127.0.0.1
compare -x 5
compare -s 127.0.0.1 -p 8083 -u /small extra args
compare -s localhost -p 8083 -u /small
compare -s 127.1 -p 8083 -u /small
compare -s 127.0.0.1 -p 0 -u /small
compare -s 127.0.0.1 -p 70000 -u /small
compare -s 127.0.0.1 -p 80x -u /small
compare -s 127.0.0.1 -p 8083 -u /small -P 2.0
compare -s 127.0.0.1 -p 8083 -u /small -t -1
compare -s 127.0.0.1 -p 8083 -u /small -t 5s
compare -s 127.0.0.1 -p 8083 -u /small -m -1
compare -s 127.0.0.1 -p 8083 -u /small -V
compare -s 127.0.0.1 -p 8083 -u /small -T
compare -s 127.0.0.1 -p 8083 -u /small --bogus
compare -s 127.0.0.1 -p 8083 -u /small --verbose=1
compare -s 127.0.0.1 -p 8083 -u /small --u x
compare -h -x
compare --server=127.0.0.1 --port=8083 --url=/small --verb --prot 1.1
compare -vs127.0.0.1 -p8083 -u/small
compare -s 127.0.0.1 -p 8083 -u /small -- -v
compare -u /a -u /small -s 127.0.0.1 -p 8083

# keepalived -T / --genhash against stayalived -T / --genhash.
DAEMON="$(dirname "$OURS")/stayalived"
compare_daemon() {
  n=$((n + 1))
  local k="$SA_TMP/kad.$n" o="$SA_TMP/oursd.$n"
  sa_in h timeout 30 /usr/sbin/keepalived "$@" >"$k.out" 2>"$k.err"; echo "rc=$?" >>"$k.err"
  sa_in h timeout 30 "$DAEMON" "$@" >"$o.out" 2>"$o.err"; echo "rc=$?" >>"$o.err"
  sed -i -E 's/(Global response time for \[.*\] = )[0-9]+ usecs/\1N usecs/' "$k.out" "$o.out"
  sed -i "s#/usr/sbin/keepalived#PROG#; s#$DAEMON#PROG#" "$k.err" "$o.err"
  if cmp -s "$k.out" "$o.out" && cmp -s "$k.err" "$o.err"; then
    echo "same (daemon): $*"
  else
    echo "DIFFERENT (daemon): $*" >&2
    diff "$k.out" "$o.out" | head -20 >&2
    diff "$k.err" "$o.err" | head -10 >&2
    fail=1
  fi
}
if [ -x "$DAEMON" ]; then
  compare_daemon -T
  compare_daemon -T -x
  compare_daemon --genhash -h
  compare_daemon -T -s 127.0.0.1 -p 8083 -u /small -v
  compare_daemon -l -T -s 127.0.0.1 -p 8083 -u /echo -P 1.1
fi

echo "$n comparisons"
[ "$fail" = 0 ] || sa_fail "genhash output differs from keepalived's"
echo "PASS: genhash matches keepalived's genhash on $n runs"
