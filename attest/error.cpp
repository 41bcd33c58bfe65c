#include "attest/error.h"

namespace hciattest::attest {

std::string_view error_id(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kEnvelopeEmpty: return "envelope_empty";
    case ErrorCode::kEnvelopeTooLarge: return "envelope_too_large";
    case ErrorCode::kEnvelopeNotJson: return "envelope_not_json";
    case ErrorCode::kEnvelopeBadEncoding: return "envelope_bad_encoding";
    case ErrorCode::kEnvelopeMissingSignature: return "envelope_missing_signature";
    case ErrorCode::kEnvelopeBadBase64: return "envelope_bad_base64";
    case ErrorCode::kPkcs7Malformed: return "pkcs7_malformed";
    case ErrorCode::kPkcs7NotSignedData: return "pkcs7_not_signed_data";
    case ErrorCode::kPkcs7Detached: return "pkcs7_detached";
    case ErrorCode::kPkcs7NoSigner: return "pkcs7_no_signer";
    case ErrorCode::kPkcs7MultipleSigners: return "pkcs7_multiple_signers";
    case ErrorCode::kPkcs7SignerCertMissing: return "pkcs7_signer_cert_missing";
    case ErrorCode::kPkcs7BadCertificate: return "pkcs7_bad_certificate";
    case ErrorCode::kSignatureInvalid: return "signature_invalid";
    case ErrorCode::kSignatureWeakAlgorithm: return "signature_weak_algorithm";
    case ErrorCode::kSignatureUnsupportedAlgorithm: return "signature_unsupported_algorithm";
    case ErrorCode::kChainIssuerMissing: return "chain_issuer_missing";
    case ErrorCode::kChainUntrustedRoot: return "chain_untrusted_root";
    case ErrorCode::kChainSelfSignedLeaf: return "chain_self_signed_leaf";
    case ErrorCode::kChainCertExpired: return "chain_cert_expired";
    case ErrorCode::kChainCertNotYetValid: return "chain_cert_not_yet_valid";
    case ErrorCode::kChainWeakAlgorithm: return "chain_weak_algorithm";
    case ErrorCode::kChainInvalid: return "chain_invalid";
    case ErrorCode::kSignerNameMismatch: return "signer_name_mismatch";
    case ErrorCode::kSignerEkuMismatch: return "signer_eku_mismatch";
    case ErrorCode::kSignerIsCa: return "signer_is_ca";
    case ErrorCode::kPayloadNotJson: return "payload_not_json";
    case ErrorCode::kPayloadMissingField: return "payload_missing_field";
    case ErrorCode::kNonceMismatch: return "nonce_mismatch";
    case ErrorCode::kTimestampUnparsable: return "timestamp_unparsable";
    case ErrorCode::kTimestampExpired: return "timestamp_expired";
    case ErrorCode::kTimestampNotYetValid: return "timestamp_not_yet_valid";
    case ErrorCode::kTrustStoreError: return "trust_store_error";
    case ErrorCode::kIssuerFetchFailed: return "issuer_fetch_failed";
  }
  return "unknown";
}

}  // namespace hciattest::attest
