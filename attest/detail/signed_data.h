// Parsing a PKCS#7 SignedData and checking its signature. Private to attest/.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "attest/detail/signed_data_asn1.h"
#include "attest/error.h"

namespace hciattest::attest::detail {

using SignedDataPtr =
    std::unique_ptr<HCI_SIGNED_DATA, Deleter<HCI_SIGNED_DATA, HCI_SIGNED_DATA_free>>;

using IssuerAndSerialPtr = std::shared_ptr<const PKCS7_ISSUER_AND_SERIAL>;

struct ParsedSignedData {
  SignedDataPtr signed_data;
  const HCI_SIGNER_INFO* signer = nullptr;    // borrowed from signed_data
  IssuerAndSerialPtr signer_id;               // the signer's IssuerAndSerialNumber, decoded
  std::string_view content;                   // borrowed from signed_data
  std::vector<std::string_view> certificates; // each certificate's DER, borrowed
};

// Decoded IssuerAndSerialNumbers by their DER, kept across documents: decoding the Name is the
// largest part of parsing a SignedData with OpenSSL's templates (scripts/bench-verify), and a
// signer's documents all carry the same one.
struct SignerIdCache {
  std::vector<std::pair<std::string, IssuerAndSerialPtr>> entries;  // a few, most recent last
};

// What verifying a signature needs that depends only on the signer's key and the digest, kept
// across documents: EVP_DigestVerifyInit's per-call algorithm fetches and context set-up cost
// about a fifth of the RSA-2048 operation on OpenSSL 3.0 (scripts/bench-verify, the two raw
// baselines). Used for RSA keys only.
struct KeyedDigest {
  std::string oid;         // the SignerInfo's digest algorithm OID (DER contents) it is kept for
  EvpMdPtr md;             // fetched once: a legacy EVP_MD would be re-fetched at every use
  EvpMdCtxPtr hash;        // reused for hashing the content
  EvpPkeyCtxPtr verify;    // EVP_PKEY_verify_init with the key, signature digest set
};
struct SignatureCache {
  std::vector<KeyedDigest> digests;  // IMDS uses one digest; a few at most are kept
};

struct Outcome {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
};

// Structure checks: DER with nothing after it, ContentInfo of type signedData, attached "data"
// content, exactly one SignerInfo. Certificates are left as DER. `ids` (may be null: decode every
// time) remembers decoded IssuerAndSerialNumbers between calls.
Outcome parse_signed_data(const std::vector<unsigned char>& der, ParsedSignedData& out,
                          SignerIdCache* ids = nullptr);

// True when `cert` is the certificate the SignerInfo names (issuer and serial number).
bool signer_matches(const ParsedSignedData& parsed, X509* cert);

// Checks the signature of the SignerInfo over the content with `cert`'s key. Without signed
// attributes (the IMDS shape) the signature is over the content itself, hashed with the
// SignerInfo's digest algorithm; with signed attributes OpenSSL's PKCS7_verify checks the
// message digest attribute and the signature over the attributes. MD5 and SHA-1 are refused.
// `cache` must belong to `cert` (one per signer certificate); it may start empty.
Outcome verify_signature(const ParsedSignedData& parsed, const std::vector<unsigned char>& der,
                         X509* cert, SignatureCache& cache);

}  // namespace hciattest::attest::detail
