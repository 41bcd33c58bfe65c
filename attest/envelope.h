// Decoding of the IMDS attested-document response body into PKCS#7 DER bytes.
#pragma once

#include <cstddef>
#include <optional>
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
  // The string value of the body's `nonce_member` (see decode_envelope), when asked for and
  // present; a relying party's batch line carries the nonce it sent this way.
  std::optional<std::string> body_nonce;
};

// Accepts, in this order of detection:
//   - DER bytes (first byte 0x30), as saved by `openssl base64 -d`;
//   - the IMDS JSON body {"encoding":"pkcs7","signature":"<base64>"} (other members ignored);
//   - a bare base64 signature (whitespace and line breaks allowed).
// Inputs larger than max_bytes are rejected before any parsing. With a `nonce_member` (e.g.
// "expected_nonce"), a JSON body's member of that name, when it is a string, is returned in
// `body_nonce` (the last one when repeated, as for every member).
EnvelopeResult decode_envelope(std::string_view input,
                               std::size_t max_bytes = kDefaultMaxDocumentBytes,
                               std::string_view nonce_member = {});

}  // namespace hciattest::attest
