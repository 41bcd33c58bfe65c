#!/usr/bin/env bash
# Runs the Linux NetworkInspector probe inside the VM namespace of the HCI topology, with a
# blackhole route added there. Exit 77 (ctest: skipped) with the reason where namespaces cannot
# be created.
set -u
bin=$1 probe=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hci_topology.sh"
if ! why=$(hci_topology_can_run); then echo "SKIP: $why"; exit 77; fi
work=$(mktemp -d)
trap 'hci_topology_down; rm -rf "$work"' EXIT
hci_topology_up "$bin" "$work" || exit 1
ip -n "$HCI_VM_NS" route add blackhole 10.99.0.0/16
HCI_VETH_VM="$HCI_VETH_VM" ip netns exec "$HCI_VM_NS" "$probe"
