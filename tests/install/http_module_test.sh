#!/usr/bin/env bash
# The Linux installation layout of the HTTP module (imds/detail/http_module.h), on a real
# `cmake --install` of this build:
#   - bin/hciattest does not load cpprestsdk at start (not in its NEEDED list) and finds
#     lib/hciattest/libhciattest-http.so through a RUNPATH relative to itself, not the build tree;
#   - a network command loads it (a refused loopback connection, not a module error);
#   - without the module, `verify` still verifies and a network command says what is missing, with
#     exit code 2.
# Usage: http_module_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$work/prefix" >/dev/null
exe=$work/prefix/bin/hciattest
[ -f "$work/prefix/lib/hciattest/libhciattest-http.so" ] || fail "the module was not installed"

dynamic=$(readelf -d "$exe")
if grep -q "libcpprest" <<<"$dynamic"; then fail "bin/hciattest links cpprestsdk: $dynamic"; fi
grep -q 'RUNPATH.*\[\$ORIGIN/../lib/hciattest\]' <<<"$dynamic" ||
  fail "bin/hciattest's RUNPATH is not \$ORIGIN/../lib/hciattest: $(grep -i path <<<"$dynamic")"

# A closed loopback port: the connection is refused at once.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
set +e
out=$("$exe" fetch --endpoint "http://127.0.0.1:$port" --sequential 2>&1); rc=$?
set -e
[ "$rc" -eq 1 ] || fail "fetch with the module: exit $rc, not 1: $out"
grep -q "127.0.0.1:$port" <<<"$out" || fail "fetch with the module did not try the endpoint: $out"
if grep -q "HTTP module" <<<"$out"; then fail "the installed module was not found: $out"; fi

# A document signed by a throw-away PKI, verified without the module.
rm -r "$work/prefix/lib/hciattest"
cd "$work"
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 2 \
  -subj "/CN=install test root" -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign" >/dev/null 2>&1
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:metadata.azure.com\n' >leaf.ext
openssl req -newkey rsa:2048 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=metadata.azure.com" >/dev/null 2>&1
openssl x509 -req -in leaf.csr -CA root.pem -CAkey root.key -CAcreateserial -out leaf.pem \
  -days 1 -extfile leaf.ext >/dev/null 2>&1
now=$(date -u +"%m/%d/%y %H:%M:%S -0000")
later=$(date -u -d "+1 hour" +"%m/%d/%y %H:%M:%S -0000")
printf '{"nonce":"1","subscriptionId":"s","vmId":"v","timeStamp":{"createdOn":"%s","expiresOn":"%s"}}' \
  "$now" "$later" >payload.json
openssl smime -sign -binary -nodetach -noattr -md sha256 -in payload.json -signer leaf.pem \
  -inkey leaf.key -outform DER -out doc.p7s
printf '{"encoding":"pkcs7","signature":"%s"}' "$(base64 -w0 doc.p7s)" >doc.json
out=$("$exe" verify doc.json --ca-file root.pem 2>&1) || fail "verify without the module: $out"
grep -q "^VERIFIED" <<<"$out" || fail "verify without the module: $out"

set +e
out=$("$exe" fetch --endpoint "http://127.0.0.1:$port" --sequential 2>&1); rc=$?
set -e
[ "$rc" -eq 2 ] || fail "fetch without the module: exit $rc, not 2: $out"
grep -q "cannot load hciattest's HTTP module libhciattest-http.so" <<<"$out" ||
  fail "fetch without the module does not name it: $out"
grep -q "reinstall" <<<"$out" || fail "fetch without the module does not say what to do: $out"
if grep -q "internal error" <<<"$out"; then fail "a missing module is reported as a bug: $out"; fi
echo "PASS: the HTTP module is installed, found, loaded on demand, and its absence is explained"
