#!/usr/bin/env bash
# VRRP smtp_alert: the mail of instance and sync-group transitions, sent to an SMTP sink in a
# namespace (servers.py smtp), by stayalived and by keepalived 2.2.7 on the same
# configuration; the two must send the same mails (headers but Date, and bodies), and ours
# the ones listed here:
#   A  global smtp_alert; G1 { VI_1 }; VI_2 tracks a down interface: the group's BACKUP and
#      MASTER, VI_1's BACKUP and MASTER (a member keeps its own mail), VI_2's FAULT; no mail
#      on stop.
#   B  smtp_alert with no_email_faults, G1 with smtp_alert false: VI_1's two only.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_need keepalived python3
sa_setup
SERVERS="$(dirname "$0")/../check/servers.py"
sa_host h1 1
sa_host mail 4
sa_in h1 ip link add trk0 type veth peer name trk1  # stays down: VI_2's fault
echo ok >"$SA_TMP/smtp.mode"
: >"$SA_TMP/smtp.log"
sa_start mail python3 "$SERVERS" smtp 25 "$SA_TMP/smtp.mode" "$SA_TMP/smtp.log"
sa_wait 5 sa_in mail sh -c 'exec 3<>/dev/tcp/127.0.0.1/25' || true

conf() {  # GLOBAL_EXTRA GROUP_EXTRA
  cat <<CONF
global_defs {
  router_id R1
  notification_email { ops@example.com }
  notification_email_from ka@example.com
  smtp_server 192.0.2.4
  smtp_alert
  $1
}
vrrp_sync_group G1 {
  group { VI_1 }
  $2
}
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 51
  priority 100
  advert_int 1
  virtual_ipaddress { 192.0.2.100/24 }
}
vrrp_instance VI_2 {
  state BACKUP
  interface eth0
  virtual_router_id 52
  priority 100
  advert_int 1
  track_interface { trk0 }
  virtual_ipaddress { 192.0.2.101/24 }
}
CONF
}

# mails DAEMON CONF: runs DAEMON (-P) until VI_1 is MASTER and 2 s more, stops it, and prints
# the mails the sink received meanwhile, one per line (headers but Date, then the body),
# sorted.
mails() {
  local daemon=$1 conf=$2 pid from
  from=$(wc -l <"$SA_TMP/smtp.log")
  printf '%s\n' "$conf" >"$SA_TMP/k.conf"
  sa_start h1 "$daemon" -n -l -P -f "$SA_TMP/k.conf" -p "$SA_TMP/k.pid" -r "$SA_TMP/v.pid" 2>>"$SA_TMP/h1.log" >&2
  pid=$SA_LAST_PID
  vr_wait_holder 10 192.0.2.100 h1 h1 || sa_fail "$daemon: VI_1 not MASTER"
  sleep 2
  sa_stop_pid "$pid" || true
  # Mail still on its way (keepalived sends from its own queue): until the sink's log has
  # not grown for 2 s, 15 s at most.
  local n=-1 same=0 i
  for i in $(seq 1 30); do
    local now; now=$(wc -l <"$SA_TMP/smtp.log")
    if [ "$now" = "$n" ]; then same=$((same + 1)); else same=0; n=$now; fi
    [ "$same" -ge 4 ] && break
    sleep 0.5
  done
  tail -n +"$((from + 1))" "$SA_TMP/smtp.log" | tr -d '\r' |
    awk '/^DATA: \.$/ { print m; m = ""; next }
         /^DATA: Date:/ { next }
         /^DATA: / { sub(/^DATA: /, ""); if ($0 != "") m = m (m == "" ? "" : " | ") $0 }' | sort
}

check_case() {  # NAME GLOBAL_EXTRA GROUP_EXTRA EXPECTED...
  local name=$1 g=$2 grp=$3; shift 3
  local ours theirs want
  ours=$(mails "$(vr_bin)" "$(conf "$g" "$grp")")
  theirs=$(mails keepalived "$(conf "$g" "$grp")")
  want=$(for s in "$@"; do
    echo "From: ka@example.com | Subject: [R1] $s | X-Mailer: Keepalived | To: ops@example.com | $(body "$s")"
  done | sort)
  vr_check '[ "$ours" = "$want" ]' "$name: our mails are the expected ones ($(grep -c . <<<"$ours"))"
  [ "$ours" = "$want" ] || { echo "ours:"; echo "$ours"; echo "expected:"; echo "$want"; }
  vr_check '[ "$ours" = "$theirs" ]' "$name: keepalived sent the same mails"
  [ "$ours" = "$theirs" ] || { echo "keepalived:"; echo "$theirs"; }
}
body() {
  case $1 in
    "VRRP Group "*MASTER*) echo "=> All VRRP group instances are now in MASTER state <=" ;;
    "VRRP Group "*BACKUP*) echo "=> All VRRP group instances are now in BACKUP state <=" ;;
    *MASTER*) echo "=> VRRP Instance is now owning VRRP VIPs <=" ;;
    *) echo "=> VRRP Instance is no longer owning VRRP VIPs <=" ;;
  esac
}

check_case A "" "" \
  "VRRP Group G1 - Entering BACKUP state" "VRRP Group G1 - Entering MASTER state" \
  "VRRP Instance VI_1 - Entering BACKUP state" "VRRP Instance VI_1 - Entering MASTER state" \
  "VRRP Instance VI_2 - Entering FAULT state"
check_case B "no_email_faults" "smtp_alert false" \
  "VRRP Instance VI_1 - Entering BACKUP state" "VRRP Instance VI_1 - Entering MASTER state"
vr_done
