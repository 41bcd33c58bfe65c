// Writes the KMS probe's bind PDU (call_id 1) as a text2pcap hex dump on stdout: offsets and
// bytes, 16 to a line. tests/activation/kms_bind_dissect_test.sh wraps it in TCP to port 1688
// with text2pcap and has tshark dissect it.
#include <cstdio>

#include "activation/kms_rpc.h"

int main() {
  const auto pdu = hciattest::activation::make_kms_bind(1);
  for (std::size_t i = 0; i < pdu.size(); ++i) {
    if (i % 16 == 0) std::printf("%s%06zx", i == 0 ? "" : "\n", i);
    std::printf(" %02x", pdu[i]);
  }
  std::printf("\n");
  return 0;
}
