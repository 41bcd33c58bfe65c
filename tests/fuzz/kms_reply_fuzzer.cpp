// The KMS probe reads whatever answers on TCP 1688: parse_bind_reply on arbitrary bytes must not
// crash, must say why it refused, and must only call a reply a KMS endpoint when a context was
// accepted with a transfer syntax the bind offered.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "activation/kms_rpc.h"

using hciattest::activation::BindOutcome;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::uint8_t> bytes(data, data + size);
  // The probe reads until it has `needed` bytes: never less than the 16-byte header, and once
  // that many are in, the answer must not move (or the read loop would never end).
  const std::size_t needed = hciattest::activation::rpc_pdu_length_needed(bytes);
  if (needed < 16) std::abort();
  if (size >= needed) {
    const std::vector<std::uint8_t> pdu(data, data + needed);
    if (hciattest::activation::rpc_pdu_length_needed(pdu) != needed) std::abort();
  }
  const auto reply = hciattest::activation::parse_bind_reply(bytes, 1);
  if (reply.outcome == BindOutcome::kNotRpc && reply.detail.empty()) std::abort();
  if (reply.outcome == BindOutcome::kKmsAccepted) {
    bool accepted = false;
    for (const auto& c : reply.contexts) accepted = accepted || c.result == 0;
    if (!accepted) std::abort();
  }
  return 0;
}
