# Sourced by tests and scripts: builds an Azure Stack HCI-like topology from two network
# namespaces the caller owns, and tears it down. Nothing leaves them: the only link is a veth pair
# between the two, with no route anywhere else.
#
#   hci host namespace  169.254.169.253/16 (the host's IMDS vNIC), the emulator on port 80
#   vm namespace        169.254.77.20/16 (an APIPA address, as the guest self-assigns);
#                       packets to 169.254.169.254 are silently dropped (nft), as on an HCI VM
#
# HCI_VM_ADDR=10.77.0.20/24 (before hci_topology_up) gives the VM that address instead, with
# /32 routes to 169.254.169.253 and .254 on the veth (.254 still dropped): .253 still answers, but there is no 169.254.x.x
# adapter, so nothing tells hciattest that this is the HCI guest's IMDS adapter.
#
# Usage: hci_topology_up BIN WORKDIR [emulator flags...]; then run commands with
# `ip netns exec "$HCI_VM_NS" ...`; hci_topology_down at the end (also safe from a trap).

HCI_HOST_NS="hcihost-$$"
HCI_VM_NS="vm-$$"
HCI_VETH_HOST="vh$$"
HCI_VETH_VM="vv$$"
HCI_EMULATOR_PID=""

hci_topology_can_run() {
  [ "$(id -u)" -eq 0 ] || { echo "not root: network namespaces need CAP_NET_ADMIN"; return 1; }
  command -v ip >/dev/null || { echo "iproute2 (ip) is not installed"; return 1; }
  command -v nft >/dev/null || { echo "nftables (nft) is not installed"; return 1; }
  ip netns add "hciprobe-$$" 2>/dev/null || { echo "cannot create network namespaces here"; return 1; }
  ip netns del "hciprobe-$$"
  return 0
}

hci_topology_up() {
  local bin=$1 work=$2
  shift 2
  ip netns add "$HCI_HOST_NS"
  ip netns add "$HCI_VM_NS"
  ip link add "$HCI_VETH_HOST" type veth peer name "$HCI_VETH_VM"
  ip link set "$HCI_VETH_HOST" netns "$HCI_HOST_NS"
  ip link set "$HCI_VETH_VM" netns "$HCI_VM_NS"
  ip -n "$HCI_HOST_NS" link set lo up
  ip -n "$HCI_HOST_NS" addr add 169.254.169.253/16 dev "$HCI_VETH_HOST"
  ip -n "$HCI_HOST_NS" link set "$HCI_VETH_HOST" up
  ip -n "$HCI_VM_NS" link set lo up
  ip -n "$HCI_VM_NS" addr add "${HCI_VM_ADDR:-169.254.77.20/16}" dev "$HCI_VETH_VM"
  ip -n "$HCI_VM_NS" link set "$HCI_VETH_VM" up
  case "${HCI_VM_ADDR:-169.254.}" in
    169.254.*) ;;
    *) ip -n "$HCI_VM_NS" route add 169.254.169.253/32 dev "$HCI_VETH_VM"
       ip -n "$HCI_VM_NS" route add 169.254.169.254/32 dev "$HCI_VETH_VM"  # to be dropped, not refused
       ip -n "$HCI_HOST_NS" route add "${HCI_VM_ADDR%.*}.0/${HCI_VM_ADDR#*/}" dev "$HCI_VETH_HOST" ;;
  esac
  # Inside the VM namespace only: Azure's IMDS address swallows packets without an answer.
  ip netns exec "$HCI_VM_NS" nft -f - <<'NFT'
table inet hciattest_test {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr 169.254.169.254 drop
  }
}
NFT
  rm -f "$work/emulator-root.pem"
  ip netns exec "$HCI_HOST_NS" "$bin" emulate --listen 169.254.169.253:80 \
    --root-out "$work/emulator-root.pem" --quiet "$@" &
  HCI_EMULATOR_PID=$!
  for _ in $(seq 100); do
    [ -s "$work/emulator-root.pem" ] && return 0
    kill -0 "$HCI_EMULATOR_PID" 2>/dev/null || { echo "the emulator did not start" >&2; return 1; }
    sleep 0.1
  done
  echo "the emulator did not write its root in 10 s" >&2
  return 1
}

hci_topology_down() {
  if [ -n "$HCI_EMULATOR_PID" ]; then
    kill "$HCI_EMULATOR_PID" 2>/dev/null
    wait "$HCI_EMULATOR_PID" 2>/dev/null
    HCI_EMULATOR_PID=""
  fi
  ip netns del "$HCI_VM_NS" 2>/dev/null
  ip netns del "$HCI_HOST_NS" 2>/dev/null
  return 0
}
