#!/usr/bin/env bash
# hciattest.exe under Wine meets the inputs that must not exhaust it (issue 15; the Linux binary
# has tests/cli/bounded_input_process_test.cpp): a 2 GiB sparse file, an endless pipe on standard
# input, an endless --batch line followed by a genuine one, and an endless console input (a
# pseudo-terminal: Wine serves it through conhost.exe --unix, a Windows console). Each must end
# with its verdict, and the Wine process's peak memory (rusage) must stay near that of verifying
# one small document. Also: a DER document piped in arrives byte for byte (standard input in
# binary mode; the text mode would stop at its first 0x1A) and verifies.
# Usage: exe_bounded_input_test.sh LINUX_HCIATTEST WINDOWS_EXE. Exit 77 (skipped) when either is
# missing or Wine is not there.
set -euo pipefail
# shellcheck source=exe_test_lib.sh
source "$(dirname "$0")/exe_test_lib.sh"

# A genuine document and its root, from the Linux emulator on loopback.
port=$((20000 + RANDOM % 20000))
"$linux" emulate --listen "127.0.0.1:$port" --root-out root.pem --quiet 2>emulator.log &
emu_pid=$!
for _ in $(seq 100); do [ -s root.pem ] && break; sleep 0.05; done
"$linux" fetch --endpoint "http://127.0.0.1:$port" --nonce 424242 -o raw >doc.json
kill "$emu_pid"; wait "$emu_pid" 2>/dev/null || true; emu_pid=""

# run.py MODE OUT ARGS...: runs ARGS with standard input from MODE, standard output to OUT, and
# prints "exit=<code> rss_kib=<peak> writer=<how the feeding ended>".
#   null            /dev/null
#   endless         a pipe fed "y" forever (until the reader goes away)
#   batch:FILE      a pipe fed 512 MiB without a newline, then "\n", then FILE's bytes
#   file:FILE       a pipe fed FILE's bytes
#   console         a pseudo-terminal in raw mode fed "y\r" forever (Wine makes it a console)
cat >run.py <<'PY'
import os, pty, subprocess, sys, threading, tty
mode, out, args = sys.argv[1], sys.argv[2], sys.argv[3:]
state = {"writer": "none"}
def feed(fd, chunks):
    try:
        for c in chunks:
            view = memoryview(c)
            while view:
                n = os.write(fd, view)
                view = view[n:]
        state["writer"] = "finished"
    except (BrokenPipeError, OSError):
        state["writer"] = "stopped-by-reader"
    finally:
        try: os.close(fd)
        except OSError: pass
def forever(chunk):
    while True: yield chunk
stdin, chunks, master = subprocess.DEVNULL, None, None
if mode == "endless":
    chunks = forever(b"y" * 65536)
elif mode.startswith("batch:"):
    tail = open(mode[6:], "rb").read()
    chunks = [b"y" * (1 << 20)] * 512 + [b"\n" + tail + b"\n"]
elif mode.startswith("file:"):
    chunks = [open(mode[5:], "rb").read()]
elif mode == "console":
    master, slave = pty.openpty()
    tty.setraw(slave)
    stdin = slave
if chunks is not None:
    stdin = subprocess.PIPE
with open(out, "wb") as o:
    p = subprocess.Popen(args, stdin=stdin, stdout=o, stderr=subprocess.DEVNULL)
    if chunks is not None:
        t = threading.Thread(target=feed, args=(os.dup(p.stdin.fileno()), chunks)); p.stdin.close()
        t.start()
    elif master is not None:
        os.close(slave)
        t = threading.Thread(target=feed, args=(master, forever(b"y" * 1000 + b"\r")))
        t.daemon = True
        t.start()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if chunks is not None: t.join()
print(f"exit={p.returncode} rss_kib={usage.ru_maxrss} writer={state['writer']}")
PY
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p" <<<"$2"; }
win_verify() { python3 run.py "$1" "$2" "$wine" hciattest.exe verify --ca-file root.pem --nonce 424242 "${@:3}"; }

base="$(win_verify null base.out doc.json)"
[ "$(field exit "$base")" = 0 ] || { fail "the exe did not verify the emulator's document: $base"; cat base.out; }
base_kib="$(field rss_kib "$base")"
echo "baseline: one document verified, peak $base_kib KiB"
bounded() {  # name result: the peak within 16 MiB of the baseline's
  local kib; kib="$(field rss_kib "$2")"
  if [ "$kib" -lt $((base_kib + 16384)) ]; then echo "ok   $1: peak $kib KiB"; else fail "$1: peak $kib KiB against $base_kib KiB for one document"; fi
}

# 1. A 2 GiB sparse file.
printf '{' >big.bin && truncate -s 2G big.bin
r="$(win_verify null big.out big.bin)"
if [ "$(field exit "$r")" = 1 ] && grep -q "envelope_too_large" big.out && grep -q "65536-byte cap" big.out; then
  echo "ok   2 GiB sparse file rejected: envelope_too_large"
else fail "2 GiB sparse file: $r"; head -c 400 big.out; fi
bounded "2 GiB sparse file" "$r"

# 2. An endless pipe on standard input.
r="$(win_verify endless stdin.out -)"
if [ "$(field exit "$r")" = 1 ] && grep -q "envelope_too_large" stdin.out && [ "$(field writer "$r")" = stopped-by-reader ]; then
  echo "ok   endless pipe stdin rejected once past the cap"
else fail "endless pipe stdin: $r"; head -c 400 stdin.out; fi
bounded "endless pipe stdin" "$r"

# 3. An endless --batch line, then a genuine document.
tr -d '\n' <doc.json >doc.line
r="$(win_verify batch:doc.line batch.out --batch -)"
if [ "$(field exit "$r")" = 1 ] && [ "$(wc -l <batch.out)" = 2 ] \
   && sed -n 1p batch.out | grep -q "^line 1: REJECTED envelope_too_large" \
   && sed -n 2p batch.out | grep -q "^line 2: verified"; then
  echo "ok   endless batch line rejected, the next line verified"
else fail "endless batch line: $r"; head -c 600 batch.out; fi
bounded "endless batch line" "$r"

# 4. An endless console input.
r="$(win_verify console console.out -)"
if [ "$(field exit "$r")" = 1 ] && grep -q "envelope_too_large" console.out; then
  echo "ok   endless console stdin rejected once past the cap"
else fail "endless console stdin: $r"; head -c 400 console.out; fi
bounded "endless console stdin" "$r"

# 5. DER through a pipe: every byte arrives (a 0x1A or CR LF in text mode would not).
python3 - <<'PY'
import base64, json
der = base64.b64decode(json.load(open("doc.json"))["signature"])
open("doc.der", "wb").write(der)
crlf = der.count(bytes([13, 10]))
print(f"doc.der: {len(der)} bytes, {der.count(26)} of them 0x1A, {crlf} CR LF pairs")
PY
r="$(win_verify file:doc.der der.out -)"
if [ "$(field exit "$r")" = 0 ] && grep -q "^VERIFIED" der.out; then
  echo "ok   DER document piped to standard input verifies"
else fail "DER through a pipe: $r"; head -c 400 der.out; fi

[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all bounded-input checks passed"
