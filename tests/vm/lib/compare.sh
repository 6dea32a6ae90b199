# shellcheck shell=bash
# Helpers for the VM scenarios: namespaces of our own, the real keepalived as an oracle,
# ipvsadm output normalised (the kernel lists services in hash order).
#
#   . "$SA_VM_SRC/lib/compare.sh"
#   vm_ns NAME                 creates namespace NAME (loopback up); removed at exit
#   vm_keepalived NS CONF      runs keepalived -n in NS until it has programmed IPVS
#                              (= vm_keepalived_start NS CONF; vm_keepalived_wait NS)
#   vm_keepalived_stop         TERM to keepalived $VM_KA_PID, waits for it to clean up
#   vm_save NS                 normalised `ipvsadm -S -n` of NS
#   vm_thresholds NS           normalised `ipvsadm -L -n --thresholds` of NS

VM_NS=()
VM_PIDS=()
VM_KA_PID=""
VM_TMP=$(mktemp -d /tmp/sa-vm-scenario.XXXXXX)

vm_cleanup() {
  local p ns
  for p in "${VM_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${VM_PIDS[@]}"; do wait "$p" 2>/dev/null; done
  for ns in "${VM_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  rm -rf "$VM_TMP"
}
trap vm_cleanup EXIT

vm_fail() { echo "FAIL: $*"; exit 1; }

vm_ns() {
  ip netns add "$1" || vm_fail "cannot create namespace $1"
  VM_NS+=("$1")
  ip -n "$1" link set lo up
}

# Sorts services by their first line and each service's lines after it, keeping the
# service line first: the kernel lists services in hash order.
vm_normalise() {
  awk 'BEGIN { OFS = "\t" }
       NF == 0 { next }
       /^-A / || /^[A-Z]/ { head = $0; print head, 0, $0; next }
       { print head, 1, $0 }' | LC_ALL=C sort | cut -f3
}

vm_save() { ip netns exec "$1" ipvsadm -S -n | vm_normalise; }
vm_thresholds() { ip netns exec "$1" ipvsadm -L -n --thresholds | tail -n +4 | vm_normalise; }

# Starts keepalived in NS (pid in VM_KA_PID); vm_keepalived_wait NS then waits (up to
# 30 s) until its checker process has programmed IPVS: it logs "Activating BFD
# healthchecker" once its start-up, IPVS included, is done.
vm_keepalived_start() {
  local ns=$1 conf=$2
  mkdir -p "$VM_TMP/$ns"
  ip netns exec "$ns" keepalived -n -l -G -D -f "$conf" -p "$VM_TMP/$ns/ka.pid" \
    -c "$VM_TMP/$ns/ka_c.pid" -r "$VM_TMP/$ns/ka_v.pid" >"$VM_TMP/keepalived-$ns.log" 2>&1 &
  VM_KA_PID=$!
  VM_PIDS+=("$VM_KA_PID")
}

vm_keepalived_wait() {
  local ns=$1 i
  for i in $(seq 1 300); do
    grep -q "Activating BFD healthchecker" "$VM_TMP/keepalived-$ns.log" && return 0
    sleep 0.1
  done
  cat "$VM_TMP/keepalived-$ns.log"
  vm_fail "keepalived in $ns did not finish its start-up within 30 s"
}

vm_keepalived() {
  vm_keepalived_start "$1" "$2"
  vm_keepalived_wait "$1"
}

vm_keepalived_stop() {
  [ -n "$VM_KA_PID" ] || return 0
  kill -TERM "$VM_KA_PID"
  wait "$VM_KA_PID" 2>/dev/null
  VM_KA_PID=""
}
