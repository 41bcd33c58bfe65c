#!/usr/bin/env bash
# `hciattest report -o html` on three machines made from the golden doctor report (one failing,
# one with warnings, one healthy), checked by check_html.py. Usage: html_structure_test.sh HCIATTEST
set -euo pipefail
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$here/../data/golden/doctor.json" "$work" <<'PY'
import copy, json, sys
golden = json.load(open(sys.argv[1]))
for name, keep in (("healthy-01", set()), ("warn-02", {"warn"}), ("fail-03", {"fail", "warn"})):
    d = copy.deepcopy(golden)
    d["machine"].update(name=name, smbios_uuid="uuid-" + name)
    for c in d["checks"]:
        if c["status"] in ("fail", "warn") and c["status"] not in keep:
            c["status"] = "pass"
    json.dump(d, open(f"{sys.argv[2]}/{name}.json", "w"))
PY
set +e
"$bin" report "$work" -o html --out "$work/fleet.html"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: exit $rc, not 1 (a machine fails)"; exit 1; }
python3 "$here/check_html.py" "$work/fleet.html" 3
