#!/usr/bin/env bash
# hciattest.exe must run from a folder that holds nothing else: every DLL it imports is a Windows
# system DLL (no libstdc++-6.dll, libwinpthread-1.dll, libgcc_s_seh-1.dll, libcrypto-3-x64.dll,
# cpprest*.dll ...). Reads the PE import table with the mingw objdump and fails on any other name.
# Usage: imports_test.sh OBJDUMP EXE
set -euo pipefail
objdump="$1" exe="$2"
# Windows system DLLs hciattest may import (lower case). Anything else fails the test.
allowed=(advapi32.dll bcrypt.dll crypt32.dll dnsapi.dll gdi32.dll iphlpapi.dll kernel32.dll
  msvcrt.dll ntdll.dll ole32.dll oleaut32.dll secur32.dll shell32.dll taskschd.dll user32.dll
  userenv.dll version.dll wevtapi.dll winhttp.dll ws2_32.dll)
allowed_words=" ${allowed[*]} "
mapfile -t dlls < <("$objdump" -p "$exe" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u)
[ "${#dlls[@]}" -gt 0 ] || { echo "FAIL: no import table read from $exe"; exit 1; }
bad=0
for d in "${dlls[@]}"; do
  case "$d" in api-ms-win-*) continue ;; esac
  if [[ "$allowed_words" != *" $d "* ]]; then
    echo "FAIL: $exe imports $d, which is not a Windows system DLL"
    bad=1
  fi
done
echo "imports: ${dlls[*]}"
# The exe carries its VERSIONINFO and manifest (resources .rsrc).
if ! "$objdump" -h "$exe" | grep -q '\.rsrc'; then echo "FAIL: no resource section"; bad=1; fi
exit "$bad"
