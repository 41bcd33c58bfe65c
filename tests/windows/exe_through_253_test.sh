#!/usr/bin/env bash
# The Windows network path in the HCI topology (tests/netns/hci_topology.sh): hciattest.exe, run
# by a wineserver started inside the VM namespace (Wine opens sockets in its server, so the
# server's namespace is where packets leave from), races the silently dropped 169.254.169.254 to
# the emulated HCI host's 169.254.169.253 and verifies. Prints the exe's time to verdict next to
# the Linux binary's in the same topology. Exit 77 (skipped) without root, namespaces or Wine.
# Usage: exe_through_253_test.sh LINUX_HCIATTEST WINDOWS_EXE
set -u
linux="${1:-}" exe="${2:-}"
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../netns/hci_topology.sh"
wine="$(command -v wine || echo /usr/lib/wine/wine64)"
wineserver="$(command -v wineserver || echo /usr/lib/wine/wineserver)"
[ -x "$linux" ] || { echo "SKIP: no Linux hciattest at '$linux'"; exit 77; }
[ -f "$exe" ] || { echo "SKIP: no hciattest.exe at '$exe'"; exit 77; }
[ -x "$wine" ] || { echo "SKIP: Wine is not installed"; exit 77; }
if ! why=$(hci_topology_can_run); then echo "SKIP: $why"; exit 77; fi

work=$(mktemp -d)
# A prefix of this test's own: its wineserver is started inside the VM namespace and only there.
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
  "$wineserver" -k >/dev/null 2>&1
  hci_topology_down
  rm -rf "$work"
}
trap cleanup EXIT
hci_topology_up "$linux" "$work" || exit 1
cp "$exe" "$work/hciattest.exe"
cp "$work/emulator-root.pem" "$work/root.pem"
cd "$work"

mkdir -p "$WINEPREFIX"
"$wineserver" -k >/dev/null 2>&1  # none should run for a new prefix; make sure
ip netns exec "$HCI_VM_NS" "$wine" wineboot -i >wineboot.log 2>&1 </dev/null
ip netns exec "$HCI_VM_NS" "$wineserver" -w
ip netns exec "$HCI_VM_NS" "$wineserver" -p
ip netns exec "$HCI_VM_NS" "$wine" wineboot >>wineboot.log 2>&1 </dev/null

field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1],encoding="utf-8")); print(eval(sys.argv[2]))' "$@" 2>/dev/null; }
fail=0
for run in 1 2 3; do
  ip netns exec "$HCI_VM_NS" "$wine" hciattest.exe attest --ca-file root.pem --timeout 30 -o json \
    >win.json 2>win.err </dev/null
  wrc=$?
  ip netns exec "$HCI_VM_NS" "$linux" attest --ca-file root.pem --timeout 30 -o json >linux.json 2>linux.err
  lrc=$?
  wend=$(field win.json 'd["fetch"]["endpoint"]') wfirst=$(field win.json 'd["fetch"]["attempts"][0]["endpoint"]')
  # The exe sees the HCI guest's adapter through Wine's IP Helper (the Linux interface, its
  # 169.254.77.20/16 and the on-link route) and starts .253 at once, as the Linux binary does.
  wrace=$(field win.json 'd["fetch"]["race"]')
  case "$wrace" in *"started at once"*"169.254.77.20/16"*) race_ok=1 ;; *) race_ok=0 ;; esac
  if [ "$wrc" -ne 0 ] || [ "$wend" != "http://169.254.169.253" ] || [ "$wfirst" != "http://169.254.169.254" ] ||
     [ "$race_ok" -ne 1 ]; then
    echo "FAIL (run $run): exe exit $wrc, answered by '$wend', first tried '$wfirst', race '$wrace'"
    head -c 600 win.json; cat win.err
    fail=1
  else
    echo "ok (run $run): exe verified through $wend after trying $wfirst;" \
         "time to verdict: exe $(field win.json 'd["fetch"]["elapsed_ms"]') ms," \
         "Linux $(field linux.json 'd["fetch"]["elapsed_ms"]') ms (exit $lrc)"
    [ "$run" = 1 ] && echo "  exe attempts: $(field win.json '[(a["endpoint"], a["start_ms"], a["duration_ms"], a["decision"]) for a in d["fetch"]["attempts"]]')" &&
      echo "  exe race: $wrace"
  fi
done
exit $fail
