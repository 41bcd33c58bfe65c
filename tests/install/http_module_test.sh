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
src=$(cd "$(dirname "$0")/../.." && pwd)
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
"$src/scripts/openssl-document" "$work" 1234567890
out=$("$exe" verify document.json --ca-file root.pem --nonce 1234567890 2>&1) || fail "verify without the module: $out"
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
