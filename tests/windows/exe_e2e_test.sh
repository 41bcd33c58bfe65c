#!/usr/bin/env bash
# hciattest.exe under Wine against the Linux emulator on 127.0.0.1 (loopback only): with each
# fault the emulator plays, the exe must give the Linux binary's verdict code and exit code;
# `verify` of the same saved documents must give the same JSON (durations aside); `doctor`'s JSON
# and JUnit must parse; a non-ASCII path and name must come back intact through text and JSON.
# Usage: exe_e2e_test.sh LINUX_HCIATTEST WINDOWS_EXE. Exit 77 (skipped) when either is missing
# or Wine is not there.
set -euo pipefail
# shellcheck source=exe_test_lib.sh
source "$(dirname "$0")/exe_test_lib.sh"
port=$((20000 + RANDOM % 20000))

start_emulator() {  # fault flags...
  rm -f root.pem
  "$linux" emulate --listen "127.0.0.1:$port" --root-out root.pem --quiet "$@" 2>emulator.log &
  emu_pid=$!
  for _ in $(seq 100); do [ -s root.pem ] && return 0; sleep 0.05; done
  fail "the emulator did not start with $*"; cat emulator.log; return 1
}
stop_emulator() { kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; emu_pid=""; }

verdict() {  # file -> "verified code"
  python3 - "$1" <<'PY'
import json, sys
try:
    d = json.load(open(sys.argv[1], encoding="utf-8"))
except Exception as e:
    print("unparsable", type(e).__name__); sys.exit(0)
v = d.get("verification") or {}
f = d.get("fetch") or {}
# Without a document, the fetch's outcome: the attempts' decisions without the platform's own
# error text (cpprestsdk's words differ between its asio and WinHTTP clients).
decisions = [a.get("decision", "").split(" (")[0] for a in f.get("attempts", [])]
print(d.get("verified"), v.get("code") if v else "fetch-failed " + ",".join(decisions))
PY
}

# 1. attest under each fault: same verdict code and exit code as the Linux binary.
while IFS='|' read -r name flags; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086
  start_emulator $flags || continue
  set +e
  "$linux" attest --endpoint "http://127.0.0.1:$port" --ca-file root.pem --timeout 20 -o json >linux.json 2>linux.err
  lrc=$?
  stop_emulator
  # shellcheck disable=SC2086
  start_emulator $flags || continue
  "$wine" hciattest.exe attest --endpoint "http://127.0.0.1:$port" --ca-file root.pem --timeout 20 -o json >win.json 2>win.err </dev/null
  wrc=$?
  set -e
  stop_emulator
  lv="$(verdict linux.json)" wv="$(verdict win.json)"
  if [ "$lrc" != "$wrc" ] || [ "$lv" != "$wv" ]; then
    fail "$name: Linux exit $lrc ($lv), Windows exit $wrc ($wv)"; sed -n 1,5p win.err
  else
    echo "ok   $name: exit $wrc, $wv"
  fi
done <<'CASES'
healthy|
boot-410|--boot-410 3
rate-limit|--rate-limit 1
reset|--reset
drip|--drip
wrong-signer|--wrong-signer
stale-nonce|--stale-nonce
oversize|--oversize
expired|--expired
malformed-pkcs7|--malformed pkcs7
CASES

# 2. verify of the same saved documents: the same JSON from both binaries.
# doc1 genuine, doc2 checked against another nonce, doc3 wrong signer, doc4 an untrusted root.
start_emulator
for i in 1 2; do "$linux" fetch --endpoint "http://127.0.0.1:$port" --nonce "12345678$i" -o raw >"doc$i.json"; done
cp root.pem root1.pem
stop_emulator
start_emulator --wrong-signer
"$linux" fetch --endpoint "http://127.0.0.1:$port" --nonce 1234567893 -o raw >doc3.json
cp root.pem root3.pem
stop_emulator
cp doc1.json doc4.json
declare -A ca=([1]=root1.pem [2]=root1.pem [3]=root3.pem [4]=root3.pem)
declare -A nonce=([1]=123456781 [2]=999999999 [3]=1234567893 [4]=123456781)
for i in 1 2 3 4; do
  set +e
  "$linux" verify "doc$i.json" --ca-file "${ca[$i]}" --nonce "${nonce[$i]}" -o json >"l$i.json"; lrc=$?
  "$wine" hciattest.exe verify "doc$i.json" --ca-file "${ca[$i]}" --nonce "${nonce[$i]}" -o json >"w$i.json" </dev/null; wrc=$?
  set -e
  if [ "$lrc" != "$wrc" ]; then fail "verify doc$i: Linux exit $lrc, Windows exit $wrc"; fi
  if ! python3 - "l$i.json" "w$i.json" <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
def strip(d):  # the verification time is "now" for each run
    d.pop("verification_time", None)
    return d
sys.exit(0 if strip(a) == strip(b) else 1)
PY
  then fail "verify doc$i: the JSON differs"; diff <(python3 -m json.tool "l$i.json") <(python3 -m json.tool "w$i.json") | head -20
  else echo "ok   verify doc$i: same JSON, exit $wrc"; fi
done

# 3. doctor's JSON and JUnit parse (Wine is no real VM: the verdicts vary, the shape must not).
# Wine's doctor sees this machine's adapters and SMBIOS: on a machine with a 169.254.x.x address
# (it would probe the HCI host's port) or a cloud vendor's SMBIOS (it would probe that cloud's
# KMS), this part is skipped rather than send a packet off this machine.
vendor="$(cat /sys/class/dmi/id/sys_vendor 2>/dev/null || true)"
if ip -4 addr 2>/dev/null | grep -q ' 169\.254\.' || [[ "$vendor" =~ Microsoft|Amazon ]]; then
  echo "skip doctor: this machine has a link-local address or a cloud SMBIOS ($vendor)"
else
set +e
"$wine" hciattest.exe doctor --output json --endpoint "http://127.0.0.1:9" >doctor.json 2>doctor.err </dev/null
"$wine" hciattest.exe doctor --output junit --endpoint "http://127.0.0.1:9" >doctor.xml 2>>doctor.err </dev/null
set -e
python3 -c 'import json,sys; d=json.load(open("doctor.json",encoding="utf-8")); assert d["checks"], "no checks"' \
  && echo "ok   doctor --output json parses" || { fail "doctor --output json"; head -c 400 doctor.json; cat doctor.err; }
python3 -c 'import xml.etree.ElementTree as E; r=E.parse("doctor.xml").getroot(); assert r.iter("testcase")' \
  && echo "ok   doctor --output junit parses" || { fail "doctor --output junit"; head -c 400 doctor.xml; }
fi

# 4. A non-ASCII path and name through text and JSON output, to a pipe (UTF-8, no BOM).
dir="ドキュメント"
mkdir -p "$dir"
cp root.pem "$dir/イーサネット 2.pem"
"$wine" hciattest.exe anchors --ca-file "$dir/イーサネット 2.pem" -o json >anchors.json </dev/null
"$wine" hciattest.exe anchors --ca-file "$dir/イーサネット 2.pem" >anchors.txt </dev/null
if python3 - <<'PY'
import json, sys
raw = open("anchors.json", "rb").read()
assert not raw.startswith(b"\xef\xbb\xbf"), "BOM"
d = json.loads(raw.decode("utf-8"))
src = d["certificates"][-1]["source"]
assert src.endswith("ドキュメント/イーサネット 2.pem") or src.endswith("ドキュメント\\イーサネット 2.pem"), src
text = open("anchors.txt", "rb").read().decode("utf-8")
assert "イーサネット 2.pem" in text
PY
then echo "ok   non-ASCII path and name round-trip through JSON and text"
else fail "non-ASCII round trip"; head -c 300 anchors.json; fi

echo "$failures failure(s)"
[ "$failures" = 0 ]
