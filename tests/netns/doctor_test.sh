#!/usr/bin/env bash
# `hciattest doctor` end to end in the HCI topology: healthy with the host's IMDS adapter, and
# failing the hci-imds-nic check (with its remedy) once the adapter's address is removed.
# Exit 77 (ctest: skipped) with the reason where namespaces cannot be created.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/hci_topology.sh"
if ! why=$(hci_topology_can_run); then echo "SKIP: $why"; exit 77; fi
work=$(mktemp -d)
trap 'hci_topology_down; rm -rf "$work"' EXIT
hci_topology_up "$bin" "$work" || exit 1

# A Hyper-V guest's SMBIOS (as an HCI VM reports it), instead of this machine's.
mkdir -p "$work/dmi"
printf 'Microsoft Corporation\n' > "$work/dmi/sys_vendor"
printf 'Virtual Machine\n' > "$work/dmi/product_name"
printf '4417-3062-6517-5206-8521-5381-25\n' > "$work/dmi/chassis_asset_tag"
printf 'Microsoft Corporation\n' > "$work/dmi/bios_vendor"
export HCIATTEST_DMI_DIR="$work/dmi"

field() { python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }
fail=0

ip netns exec "$HCI_VM_NS" env -u http_proxy -u HTTP_PROXY -u https_proxy -u HTTPS_PROXY \
  "$bin" doctor --ca-file "$work/emulator-root.pem" --timeout 10 -o json > "$work/healthy.json"
rc=$?
verdict=$(field "$work/healthy.json" 'd["verdict"]')
platform=$(field "$work/healthy.json" 'd["platform"]["id"]')
nic=$(field "$work/healthy.json" '[c["status"] for c in d["checks"] if c["id"]=="hci-imds-nic"][0]')
doc=$(field "$work/healthy.json" '[c["status"] for c in d["checks"] if c["id"]=="attested-document"][0]')
instance=$(field "$work/healthy.json" '[e for c in d["checks"] if c["id"]=="platform" for e in c["evidence"] if e.startswith("IMDS instance: osType=")]')
if [ "$instance" = "[]" ]; then echo "FAIL (healthy): no /metadata/instance evidence"; fail=1; fi
if [ "$rc" -ne 0 ] || [ "$verdict" != healthy ] || [ "$platform" != azure-stack-hci ] || [ "$nic" != pass ] || [ "$doc" != pass ]; then
  echo "FAIL (healthy): exit $rc verdict=$verdict platform=$platform nic=$nic document=$doc"
  cat "$work/healthy.json"; fail=1
else
  echo "ok (healthy): exit 0, platform $platform, hci-imds-nic pass, attested-document pass"
fi

# Take the IMDS adapter away from the VM: its APIPA address goes.
ip -n "$HCI_VM_NS" addr flush dev "$HCI_VETH_VM"
ip netns exec "$HCI_VM_NS" "$bin" doctor --ca-file "$work/emulator-root.pem" --timeout 3 -o json > "$work/broken.json"
rc=$?
nic=$(field "$work/broken.json" '[c["status"] for c in d["checks"] if c["id"]=="hci-imds-nic"][0]')
remedy=$(field "$work/broken.json" '[c["remedy"] for c in d["checks"] if c["id"]=="hci-imds-nic"][0]')
doc=$(field "$work/broken.json" '[c["status"] for c in d["checks"] if c["id"]=="attested-document"][0]')
if [ "$rc" -ne 1 ] || [ "$nic" != fail ] || [ "$doc" != skip ] || [[ "$remedy" != *Add-AzStackHCIVMAttestation* ]]; then
  echo "FAIL (no adapter): exit $rc nic=$nic document=$doc remedy=$remedy"
  cat "$work/broken.json"; fail=1
else
  echo "ok (no adapter): exit 1, hci-imds-nic $nic with remedy, attested-document skipped"
fi
ip netns exec "$HCI_VM_NS" "$bin" doctor --ca-file "$work/emulator-root.pem" --timeout 3 -o junit > "$work/broken.xml"
python3 - "$work/broken.xml" <<'PY' || fail=1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall(".//testcase")
assert cases and any(c.find("failure") is not None for c in cases), "no failure in JUnit"
print("ok (junit): %d testcases, well-formed" % len(cases))
PY
exit $fail
