#!/usr/bin/env bash
# lvs_timeouts at start, on reload and at stop, against the real keepalived 2.2.7: each
# daemon in turn runs in a fresh namespace (IPVS timeouts are per namespace) through the
# same steps: start with tcp 100 / tcp_fin 11 / udp 12, reload to tcp 200 only, reload
# without lvs_timeouts, stop. The timeouts ipvsadm reads after each step must be the same
# under both daemons.
set -u
. "$SA_VM_SRC/lib/compare.sh"

conf() {  # conf FILE TIMEOUT_LINE
  cat >"$1" <<CONF
global_defs {
  router_id TIMEOUTS
  $2
}
virtual_server 10.0.0.1 80 {
  protocol TCP
  lb_algo rr
  real_server 10.1.0.1 80 {
    weight 1
  }
}
CONF
}
timeouts() { ip netns exec "$1" ipvsadm -L --timeout; }

# run NAME START_CMD...: the steps under one daemon; prints one line per step.
run() {
  local name=$1 ns=to-$1 pid log=$VM_TMP/$1.log
  shift
  vm_ns "$ns"
  conf "$VM_TMP/$name.conf" "lvs_timeouts tcp 100 tcpfin 11 udp 12"
  ip netns exec "$ns" "$@" -f "$VM_TMP/$name.conf" >"$log" 2>&1 &
  pid=$!
  VM_PIDS+=("$pid")
  for _ in $(seq 1 300); do
    ip netns exec "$ns" ipvsadm -S -n | grep -q 10.1.0.1 && break
    sleep 0.1
  done
  sleep 1
  echo "start: $(timeouts "$ns")"
  conf "$VM_TMP/$name.conf" "lvs_timeouts tcp 200"
  kill -HUP "$pid"; sleep 3
  echo "reload tcp 200: $(timeouts "$ns")"
  conf "$VM_TMP/$name.conf" ""
  kill -HUP "$pid"; sleep 3
  echo "reload without: $(timeouts "$ns")"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null
  echo "stopped: $(timeouts "$ns")"
}

mkdir -p "$VM_TMP/k" "$VM_TMP/s"
run keepalived keepalived -n -l -D -p "$VM_TMP/k/k.pid" -c "$VM_TMP/k/c.pid" -r "$VM_TMP/k/v.pid" >"$VM_TMP/ka.steps"
run stayalived "$SA_BIN_DIR/stayalived" -n -l -p "$VM_TMP/s/k.pid" -c "$VM_TMP/s/c.pid" -r "$VM_TMP/s/v.pid" >"$VM_TMP/sa.steps"
echo "--- keepalived"; cat "$VM_TMP/ka.steps"
echo "--- stayalived"; cat "$VM_TMP/sa.steps"
diff "$VM_TMP/ka.steps" "$VM_TMP/sa.steps" || vm_fail "the timeouts differ between keepalived (<) and stayalived (>)"
grep -q "start: Timeout (tcp tcpfin udp): 100 11 12" "$VM_TMP/sa.steps" || vm_fail "lvs_timeouts not set at start"
echo "ok: the timeouts follow keepalived's at start, on both reloads and at stop"
