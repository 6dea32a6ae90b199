#!/usr/bin/env bash
# SMTP_CHECK, DNS_CHECK, UDP_CHECK and PING_CHECK (IPv4 and IPv6) against small servers of
# ours in namespaces (servers.py), with failures injected by the servers themselves
# (refusal, garbage, silence, slowness) or by nftables (drops). Each round breaks every
# kind at once and waits for each to go down, with the expected failure logged, then
# repairs and waits for each to come back.
#
# PING_CHECK runs with net.ipv4.ping_group_range = "1 0" in the director's namespace, so
# that the raw-socket path is the one exercised (the unit tests cover ping sockets when the
# host allows them).
#
# Timing (common.sh): every wait and bound comes from the timers below; each removal's
# run-up is checked on the harness's own timeline (attempts, outcomes, retry spacing).
set -eu
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/common.sh"
check_setup
check_timers 1 1 1 1   # delay_loop retry delay_before_retry connect_timeout
HANG=$(hang_limit)
SERVERS="$(dirname "$0")/servers.py"

sa_host lb 1
sa_host smtp 2
sa_host dns 3
sa_host udp 4
sa_host ping 5
sa_in lb sysctl -qw net.ipv4.ping_group_range="1 0"
for m in smtp dns udp; do echo ok >"$SA_TMP/$m.mode"; done
sa_start smtp python3 "$SERVERS" smtp 25 "$SA_TMP/smtp.mode" "$SA_TMP/smtp.log"
sa_start dns python3 "$SERVERS" dns 53 "$SA_TMP/dns.mode"
DNS_PID=$SA_LAST_PID
sa_start udp python3 "$SERVERS" udp 9 "$SA_TMP/udp.mode"
sa_wait 5 sa_in smtp sh -c 'exec 3<>/dev/tcp/127.0.0.1/25' || true

start_harness lb "${TIMERS[@]}" --alpha \
  --log-all-failures \
  --check smtp:192.0.2.2:25,helo=lb.example \
  --check dns:192.0.2.3:53,type=A,name=www.example.test \
  --check udp:192.0.2.4:9,payload=cafe01,reply=cAxe \
  --check ping:192.0.2.5 \
  --check ping:2001:db8::5 \
  --duration 200 >"$OUT"

# Real servers print with the virtual server's protocol (tcp); checker lines with the
# checker's (DNS and UDP checks are udp).
declare -A ADDR=([smtp]='\[192.0.2.2\]:tcp:25' [dns]='\[192.0.2.3\]:tcp:53' [udp]='\[192.0.2.4\]:tcp:9'
                 [ping]='\[192.0.2.5\]:tcp:0' [ping6]='\[2001:db8::5\]:tcp:0')
declare -A CADDR=([smtp]='\[192.0.2.2\]:tcp:25' [dns]='\[192.0.2.3\]:udp:53' [udp]='\[192.0.2.4\]:udp:9'
                  [ping]='\[192.0.2.5\]:tcp:0' [ping6]='\[2001:db8::5\]:tcp:0')
declare -A KIND=([smtp]=SMTP_CHECK [dns]=DNS_CHECK [udp]=UDP_CHECK [ping]=PING_CHECK [ping6]=PING_CHECK)
declare -A DOWNS=([smtp]=0 [dns]=0 [udp]=0 [ping]=0 [ping6]=0)

for k in smtp dns udp ping ping6; do
  wait_line "Adding service ${ADDR[$k]}" "$HANG" >/dev/null || sa_fail "$k did not come up"
done
sa_log "all five up"
grep -q '^HELO lb.example' "$SA_TMP/smtp.log" || sa_fail "HELO: $(cat "$SA_TMP/smtp.log")"
grep -q '^QUIT' "$SA_TMP/smtp.log" || sa_fail "no QUIT: $(cat "$SA_TMP/smtp.log")"

# expect_down KEY OUTCOME fast|timeout: the key's real server goes down once more, after
# retry+1 attempts that each failed with OUTCOME; "timeout" when an attempt waits out
# connect_timeout.
expect_down() {
  local k=$1 outcome=$2 kind=$3
  DOWNS[$k]=$(( ${DOWNS[$k]} + 1 ))
  wait_line "Removing service ${ADDR[$k]}" "${DOWNS[$k]}" "$HANG" >/dev/null || sa_fail "$k: not down"
  within "$(event_after "Removing service ${ADDR[$k]}" "${DOWNS[$k]}" "$T0")" "$(down_bound "$kind")" \
    "$k down ($outcome)"
  runup_is "${ADDR[$k]}" "${KIND[$k]}" "${CADDR[$k]}" "$outcome" "${DOWNS[$k]}" "$T0"
}
expect_up() {
  local k=$1
  wait_line "Adding service ${ADDR[$k]}" $(( ${DOWNS[$k]} + 1 )) "$HANG" >/dev/null || sa_fail "$k: not back"
}

# Round 1: SMTP 554, DNS NXDOMAIN, UDP reply that does not match, ICMP dropped.
T0=$(now)
echo refuse >"$SA_TMP/smtp.mode"; echo refuse >"$SA_TMP/dns.mode"; echo garbage >"$SA_TMP/udp.mode"
# Protocol numbers, not names: a minimal Debian (an image, a debootstrap root) has no
# /etc/protocols, and nft cannot resolve 'ipv6-icmp' without it.
nft_in ping meta l4proto 1 drop
expect_down smtp "bad reply" fast
expect_down dns "bad reply" fast
expect_down udp "bad reply" fast
expect_down ping "no reply" timeout
for m in smtp dns udp; do echo ok >"$SA_TMP/$m.mode"; done
nft_flush ping
for k in smtp dns udp ping; do expect_up $k; done
sa_log "round 1 done"

# Round 2: SMTP garbage, DNS silence, UDP dropped, ICMPv6 echo dropped.
T0=$(now)
echo garbage >"$SA_TMP/smtp.mode"; echo silent >"$SA_TMP/dns.mode"
nft_in udp udp dport 9 drop
nft_in ping meta l4proto 58 icmpv6 type echo-request drop
expect_down smtp "protocol error" fast
expect_down dns "read timeout" timeout
expect_down udp "no reply" timeout
expect_down ping6 "no reply" timeout
echo ok >"$SA_TMP/smtp.mode"; echo ok >"$SA_TMP/dns.mode"
nft_flush udp
nft_flush ping
for k in smtp dns udp ping6; do expect_up $k; done
sa_log "round 2 done"

# Round 3: SMTP silent after connect, DNS server gone (ICMP port unreachable).
T0=$(now)
echo silent >"$SA_TMP/smtp.mode"
sa_stop_pid "$DNS_PID" || true
expect_down smtp "read timeout" timeout
expect_down dns "connection refused" fast
echo ok >"$SA_TMP/smtp.mode"
sa_start dns python3 "$SERVERS" dns 53 "$SA_TMP/dns.mode"
for k in smtp dns; do expect_up $k; done

# Round 4: an SMTP greeting slower than connect_timeout.
T0=$(now)
echo slow >"$SA_TMP/smtp.mode"
expect_down smtp "read timeout" timeout
echo ok >"$SA_TMP/smtp.mode"
expect_up smtp
echo "ok: SMTP/DNS/UDP/PING checks follow every injected failure"
