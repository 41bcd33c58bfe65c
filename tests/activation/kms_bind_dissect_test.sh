#!/usr/bin/env bash
# A real dissector reads the KMS probe's bind: kms_bind_dump prints the PDU, text2pcap wraps it in
# an Ethernet/IPv4/TCP packet to port 1688 (no network is touched: the packet exists only in the
# file), and tshark dissects it as DCE/RPC. The test checks what Wireshark's dissector says: a
# version 5.0 bind, call_id 1, two contexts for the KMS interface 51c82175-...-ec255555bc06 v1.0,
# one with NDR32 v2 and one with NDR64 v1. Usage: kms_bind_dissect_test.sh KMS_BIND_DUMP
set -euo pipefail
dump="$1"
if ! command -v tshark >/dev/null || ! command -v text2pcap >/dev/null; then
  echo "SKIP: tshark/text2pcap not installed (Debian package tshark; scripts/setup installs it)"
  exit 77
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$dump" > "$work/bind.hex"
text2pcap -q -T 49152,1688 "$work/bind.hex" "$work/bind.pcap"
# -o: no TCP analysis that could reassemble or flag the lone segment; -d: port 1688 is DCE/RPC.
export HOME="$work"  # tshark reads and may write its profile under $HOME
tshark -r "$work/bind.pcap" -d tcp.port==1688,dcerpc -o tcp.analyze_sequence_numbers:FALSE \
  -T fields -E separator='|' -E occurrence=a -E aggregator=',' \
  -e dcerpc.ver -e dcerpc.ver_minor -e dcerpc.pkt_type -e dcerpc.cn_call_id \
  -e dcerpc.cn_num_ctx_items -e dcerpc.cn_bind_to_uuid -e dcerpc.cn_bind_if_ver \
  -e dcerpc.cn_bind_trans_id -e dcerpc.cn_bind_trans_ver -e dcerpc.cn_frag_len \
  > "$work/fields.txt" 2> "$work/tshark.err" || { cat "$work/tshark.err"; exit 1; }
echo "tshark: $(cat "$work/fields.txt")"
# The dissector must find nothing malformed or out of place in the PDU.
tshark -r "$work/bind.pcap" -d tcp.port==1688,dcerpc -o tcp.analyze_sequence_numbers:FALSE -V \
  > "$work/verbose.txt" 2>&1
if grep -qiE 'malformed|\[expert info \(error' "$work/verbose.txt"; then
  echo "FAIL: tshark reports a malformed PDU:"; grep -iE -B3 'malformed|error' "$work/verbose.txt"
  exit 1
fi
IFS='|' read -r ver minor ptype call nctx ifs ifver trans transver frag < "$work/fields.txt"
fail=0
expect() {  # name, got, want
  if [ "$2" != "$3" ]; then echo "FAIL: $1 is '$2', expected '$3'"; fail=1; else echo "ok: $1 = $2"; fi
}
kms=51c82175-844e-4750-b0d8-ec255555bc06
expect "RPC version" "$ver.$minor" "5.0"
expect "packet type" "$ptype" "11"
expect "call_id" "$call" "1"
expect "context items" "$nctx" "2"
expect "interfaces" "$ifs" "$kms,$kms"
expect "interface versions" "$ifver" "1,1"
expect "transfer syntaxes" "$trans" "8a885d04-1ceb-11c9-9fe8-08002b104860,71710533-beba-4937-8319-b5dbef9ccc36"
expect "transfer syntax versions" "$transver" "2,1"
expect "frag_length" "$frag" "$(($(wc -w < "$work/bind.hex") - $(wc -l < "$work/bind.hex")))"
exit $fail
