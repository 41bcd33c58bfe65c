// Decoding of the IMDS attested-document response body into PKCS#7 DER bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "attest/error.h"

namespace hciattest::attest {

inline constexpr std::size_t kDefaultMaxDocumentBytes = 64 * 1024;

struct EnvelopeResult {
  ErrorCode code = ErrorCode::kOk;
  std::string message;                // what failed and what to do; empty on success
  std::string form;                   // "json", "base64" or "der"
  std::vector<unsigned char> der;     // PKCS#7 DER on success
};

// Accepts, in this order of detection:
//   - DER bytes (first byte 0x30), as saved by `openssl base64 -d`;
//   - the IMDS JSON body {"encoding":"pkcs7","signature":"<base64>"} (other members ignored);
//   - a bare base64 signature (whitespace and line breaks allowed).
// Inputs larger than max_bytes are rejected before any parsing.
EnvelopeResult decode_envelope(std::string_view input,
                               std::size_t max_bytes = kDefaultMaxDocumentBytes);

}  // namespace hciattest::attest
