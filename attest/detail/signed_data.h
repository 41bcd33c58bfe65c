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

struct ParsedSignedData {
  SignedDataPtr signed_data;
  PKCS7_SIGNER_INFO* signer = nullptr;       // borrowed from signed_data
  std::string_view content;                   // borrowed from signed_data
  std::vector<std::string_view> certificates; // each certificate's DER, borrowed
};

struct Outcome {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
};

// Structure checks: DER with nothing after it, ContentInfo of type signedData, attached "data"
// content, exactly one SignerInfo. Certificates are left as DER.
Outcome parse_signed_data(const std::vector<unsigned char>& der, ParsedSignedData& out);

// True when `cert` is the certificate the SignerInfo names (issuer and serial number).
bool signer_matches(const PKCS7_SIGNER_INFO* si, X509* cert);

// Checks the signature of the SignerInfo over the content with `cert`'s key. Without signed
// attributes (the IMDS shape) the signature is over the content itself, hashed with the
// SignerInfo's digest algorithm; with signed attributes OpenSSL's PKCS7_verify checks the
// message digest attribute and the signature over the attributes. MD5 and SHA-1 are refused.
Outcome verify_signature(const ParsedSignedData& parsed, const std::vector<unsigned char>& der,
                         X509* cert);

}  // namespace hciattest::attest::detail
