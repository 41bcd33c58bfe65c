// The DCE/RPC bind that tells a KMS host from any other listener on TCP 1688, without sending an
// activation request: bytes in, verdict out, no I/O (kms_probe.h does the network part).
//
// Wire format: DCE 1.1 RPC (C706) chapter 12, connection-oriented PDUs, and MS-RPCE 2.2.2; the
// KMS interface and transfer syntaxes as vlmcsd's KMSServer.idl and py-kms pykms_RpcBind.py use
// them (shared/FACTS.md "KMS RPC").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hciattest::activation {

// 51c82175-844e-4750-b0d8-ec255555bc06 v1.0, the KMS activation interface.
inline constexpr const char* kKmsInterfaceUuid = "51c82175-844e-4750-b0d8-ec255555bc06";
inline constexpr const char* kNdr32Uuid = "8a885d04-1ceb-11c9-9fe8-08002b104860";  // v2
inline constexpr const char* kNdr64Uuid = "71710533-beba-4937-8319-b5dbef9ccc36";  // v1

// A bind PDU (ptype 11) offering the KMS interface in two presentation contexts: 0 with NDR32,
// 1 with NDR64. Little-endian data representation, no authentication.
std::vector<std::uint8_t> make_kms_bind(std::uint32_t call_id);

// Bytes needed before `reply` holds one whole PDU: 16 (the header) until the header is in,
// then the header's frag_length. The caller reads until reply.size() >= this.
std::size_t rpc_pdu_length_needed(const std::vector<std::uint8_t>& reply);

enum class BindOutcome {
  kKmsAccepted,     // bind_ack accepting the KMS interface in NDR32 or NDR64: a KMS endpoint
  kInterfaceRejected,  // bind_ack that rejects every context: an RPC server, but not KMS
  kBindNak,         // bind_nak: an RPC server that refused the association
  kNotRpc,          // the bytes are not a DCE/RPC reply to our bind
};

struct ContextResult {
  std::uint16_t result = 0;  // 0 acceptance, 1 user rejection, 2 provider rejection, 3 negotiate ack
  std::uint16_t reason = 0;  // with a rejection: 1 abstract syntax, 2 transfer syntax not supported
  std::string transfer_syntax;  // uuid text, as answered
};

struct BindReply {
  BindOutcome outcome = BindOutcome::kNotRpc;
  std::string detail;  // what was read, or why the bytes are not an answer to the bind
  std::uint8_t ptype = 0;
  std::uint16_t max_xmit_frag = 0;
  std::uint16_t max_recv_frag = 0;
  std::string secondary_address;  // bind_ack's port_spec ("1688" from Windows), may be empty
  std::vector<ContextResult> contexts;
  std::uint16_t nak_reason = 0;  // bind_nak's provider_reject_reason
};

// Reads the reply to make_kms_bind(call_id). Never throws: malformed input is kNotRpc with the
// reason in `detail`.
BindReply parse_bind_reply(const std::vector<std::uint8_t>& reply, std::uint32_t call_id);

const char* bind_outcome_id(BindOutcome o);  // "kms_accepted", "interface_rejected", ...

}  // namespace hciattest::activation
