#!/usr/bin/env bash
# `hciattest attest` inside a VM namespace whose 169.254.169.254 drops packets must succeed
# through the HCI host's 169.254.169.253, with the default endpoint list, raced and sequential.
# Exit 77 (ctest: skipped) with the reason where namespaces cannot be created.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hci_topology.sh"

if ! why=$(hci_topology_can_run); then
  echo "SKIP: $why"
  exit 77
fi
work=$(mktemp -d)
trap 'hci_topology_down; rm -rf "$work"' EXIT
hci_topology_up "$bin" "$work" || exit 1

fail=0
for mode in raced sequential; do
  flags=()
  [ "$mode" = sequential ] && flags=(--sequential --attempt-timeout 1500)
  out=$(ip netns exec "$HCI_VM_NS" "$bin" attest --ca-file "$work/emulator-root.pem" \
        --timeout 30 -o json "${flags[@]}")
  rc=$?
  endpoint=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["fetch"]["endpoint"])' <<<"$out" 2>/dev/null)
  first=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["fetch"]["attempts"][0]["endpoint"])' <<<"$out" 2>/dev/null)
  # The VM namespace has the HCI guest's adapter (169.254.77.20/16, .253 on-link): raced, .253
  # starts at once and the report says why; sequential keeps its order and says nothing.
  race=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["fetch"]["race"])' <<<"$out" 2>/dev/null)
  start253=$(python3 -c 'import json,sys; print(min(a["start_ms"] for a in json.load(sys.stdin)["fetch"]["attempts"] if a["endpoint"] == "http://169.254.169.253"))' <<<"$out" 2>/dev/null)
  if [ "$mode" = raced ]; then
    want_race=1; case "$race" in *"started at once"*"169.254.77.20/16"*) ;; *) want_race=0 ;; esac
    [ "${start253:-999}" -lt 250 ] || want_race=0
  else
    want_race=1; [ -z "$race" ] || want_race=0
  fi
  if [ "$rc" -ne 0 ] || [ "$endpoint" != "http://169.254.169.253" ] || [ "$first" != "http://169.254.169.254" ] ||
     [ "$want_race" -ne 1 ]; then
    echo "FAIL ($mode): exit $rc, answered by '$endpoint', first tried '$first', race '$race', .253 started at ${start253:-?} ms"
    echo "$out" | head -40
    fail=1
  else
    echo "ok ($mode): verified through $endpoint after trying $first first; .253 started at $start253 ms; race: ${race:-(default)}"
  fi
done

# Without the HCI host (emulator stopped), the same command fails cleanly within its timeout.
kill "$HCI_EMULATOR_PID"; wait "$HCI_EMULATOR_PID" 2>/dev/null; HCI_EMULATOR_PID=""
ip netns exec "$HCI_VM_NS" "$bin" attest --ca-file "$work/emulator-root.pem" --timeout 5 >/dev/null 2>&1
rc=$?
if [ "$rc" -ne 1 ]; then echo "FAIL (no IMDS): expected exit 1, got $rc"; fail=1; else echo "ok (no IMDS): exit 1"; fi
exit $fail
