// Stable error codes for the attested-document verifier.
//
// Each code has a snake_case id that appears in JSON output and in docs/exit-codes.md. The ids
// are an interface: never rename one, only add.
#pragma once

#include <string_view>

namespace hciattest::attest {

enum class ErrorCode {
  kOk = 0,
  // 1. envelope
  kEnvelopeEmpty,
  kEnvelopeTooLarge,
  kEnvelopeNotJson,
  kEnvelopeBadEncoding,   // "encoding" missing or not "pkcs7"
  kEnvelopeMissingSignature,
  kEnvelopeBadBase64,
  // 2. PKCS#7 structure
  kPkcs7Malformed,        // not DER, truncated, or trailing bytes
  kPkcs7NotSignedData,
  kPkcs7Detached,         // no attached content
  kPkcs7NoSigner,
  kPkcs7MultipleSigners,
  kPkcs7SignerCertMissing,
  kPkcs7BadCertificate,   // an embedded certificate does not decode
  // 3. signature
  kSignatureInvalid,
  kSignatureWeakAlgorithm,
  kSignatureUnsupportedAlgorithm,
  // 4. chain
  kChainIssuerMissing,
  kChainUntrustedRoot,
  kChainSelfSignedLeaf,
  kChainCertExpired,
  kChainCertNotYetValid,
  kChainWeakAlgorithm,
  kChainInvalid,
  // 5. signer
  kSignerNameMismatch,
  kSignerEkuMismatch,
  kSignerIsCa,
  // 7. payload
  kPayloadNotJson,
  kPayloadMissingField,
  kNonceMismatch,
  kTimestampUnparsable,
  kTimestampExpired,
  kTimestampNotYetValid,
  // usage / environment
  kTrustStoreError,
  kIssuerFetchFailed,
};

// The stable snake_case id, e.g. "chain_issuer_missing".
std::string_view error_id(ErrorCode code);

}  // namespace hciattest::attest
