#!/usr/bin/env bash
# Hitless reload (SIGHUP): a Master whose identity (name, interface, VRID, family) is unchanged
# keeps its state and timers while its VIPs and priority change; VIPs are added and removed
# by difference; a new instance starts; a removed one stops (notify FAULT, as keepalived
# without notify_deleted). The backup never notices.
set -u
. "$(dirname "$0")/../../lib/netns.sh"
. "$(dirname "$0")/lib/vrrp.sh"
vr_require
sa_setup
sa_host h1 1
sa_host h2 2
vr_notify_script "$SA_TMP/notify"

h1conf() {  # h1conf PRIO EXTRA_VIPS WITH_VI_2
  cat >"$SA_TMP/h1.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 111
  version 3
  priority $1
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.100/24
  }
  virtual_ipaddress_excluded {
    $2
  }
}
CONF
  [ "$3" = yes ] && cat >>"$SA_TMP/h1.conf" <<CONF
vrrp_instance VI_2 {
  state BACKUP
  interface eth0
  virtual_router_id 112
  version 3
  priority 100
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.120/24
  }
  notify "$SA_TMP/notify"
}
CONF
  return 0
}
cat >"$SA_TMP/h2.conf" <<CONF
vrrp_instance VI_1 {
  state BACKUP
  interface eth0
  virtual_router_id 111
  version 3
  priority 100
  advert_int 0.5
  virtual_ipaddress {
    192.0.2.100/24
  }
  virtual_ipaddress_excluded {
    192.0.2.101/24
  }
}
CONF
h1conf 150 "192.0.2.110/24" no
vr_start_sa h2 "$SA_TMP/h2.conf"; P2=$SA_LAST_PID
vr_start_sa h1 "$SA_TMP/h1.conf"; P1=$SA_LAST_PID
vr_check 'vr_wait_holder 4 192.0.2.100 h1 h1 h2' "h1 is master"
vr_check 'sa_has_addr h1 192.0.2.110' "h1 holds its excluded VIP 192.0.2.110"
sleep 1
masters=$(grep -c "(VI_1) Entering MASTER STATE" "$SA_TMP/h1.log")
h2_masters=$(grep -c "Entering MASTER STATE" "$SA_TMP/h2.log")

# Reload 1: other excluded VIPs, higher priority, a new instance.
h1conf 160 "192.0.2.111/24
    192.0.2.112/24" yes
kill -HUP "$P1"
vr_check 'vr_wait_holder 2 192.0.2.111 h1 h1 h2' "the new excluded VIP is added at once"
vr_check 'vr_wait_holder 1 192.0.2.112 h1 h1 h2' "the second new one too"
vr_check 'vr_wait_holder 1 192.0.2.110 "" h1 h2' "the excluded VIP no longer configured is removed"
vr_check 'vr_wait_holder 3 192.0.2.120 h1 h1 h2' "the new instance VI_2 starts and becomes master"
sleep 1
vr_expect_holder 192.0.2.100 h1 h1 h2
vr_check '[ "$(grep -c "(VI_1) Entering MASTER STATE" "$SA_TMP/h1.log")" = "$masters" ]' "VI_1 kept its state (no new transition)"
vr_check '[ "$(grep -c "(VI_1) Entering BACKUP STATE (init)" "$SA_TMP/h1.log")" = 1 ]' "VI_1 did not restart"

# Reload 2: VI_2 removed.
h1conf 160 "192.0.2.111/24" no
kill -HUP "$P1"
vr_check 'vr_wait_holder 2 192.0.2.120 "" h1 h2' "the removed instance's VIP goes"
vr_check 'vr_wait_holder 1 192.0.2.112 "" h1 h2' "and the excluded VIP dropped from VI_1"
sleep 1
vr_check 'grep -qx "notify INSTANCE VI_2 FAULT 100" "$SA_TMP/notify.notify"' "the removed instance is notified FAULT (no notify_deleted)"
vr_expect_holder 192.0.2.100 h1 h1 h2
vr_check '[ "$(grep -c "(VI_1) Entering MASTER STATE" "$SA_TMP/h1.log")" = "$masters" ]' "VI_1 still master without a transition"
vr_check '[ "$(grep -c "Entering MASTER STATE" "$SA_TMP/h2.log")" = "$h2_masters" ]' "the backup never took over during the reloads"
sa_stop_pid "$P1"
sa_stop_pid "$P2"
vr_done
