# Sourced by the tests that drive hciattest.exe under Wine against the Linux binary
# (exe_e2e_test.sh, exe_bounded_input_test.sh): checks their two arguments (LINUX_HCIATTEST
# WINDOWS_EXE) and Wine, skipping with exit 77 when one is missing; makes a work folder with a
# copy of the exe and enters it; cleans up (the emulator in $emu_pid, if any) on exit; and
# counts failures with fail(). Needs WINEPREFIX set up (scripts/test does it).
linux="${1:-}" exe="${2:-}"
wine="$(command -v wine || echo /usr/lib/wine/wine64)"
[ -x "$linux" ] || { echo "skipped: no Linux hciattest at '$linux' (build the linux preset first)"; exit 77; }
[ -f "$exe" ] || { echo "skipped: no hciattest.exe at '$exe'"; exit 77; }
[ -x "$wine" ] || { echo "skipped: Wine is not installed"; exit 77; }
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

work="$(mktemp -d)"
emu_pid=""
cleanup() { [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"
cp "$exe" hciattest.exe
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
