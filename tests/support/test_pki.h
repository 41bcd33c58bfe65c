// A test PKI made at test time with OpenSSL: keys, certificates and PKCS#7 documents shaped like
// IMDS's (no signed attributes, sha256WithRSAEncryption written as the digest algorithm), plus
// the knobs to break each property on purpose. Every time is relative to kTestNow so results do
// not depend on the day the tests run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "attest/detail/openssl_util.h"
#include "emulator/detail/x509_builder.h"

namespace hciattest::testing {

// 2026-06-01T12:00:00Z
inline constexpr std::int64_t kTestNow = 1780315200;
inline constexpr std::int64_t kDay = 86400;

// Certificates and documents come from the emulator's builder (emulator/detail/x509_builder.h);
// this header adds the test defaults (times around kTestNow) and the forgery knobs.
using Cert = emulator::detail::KeyedCert;

struct CertSpec : emulator::detail::CertRequest {
  CertSpec() {
    not_before = kTestNow - 30 * kDay;
    not_after = kTestNow + 150 * kDay;
  }
};

// Makes a certificate signed by `issuer` (self-signed when null). `reuse_key` signs the new
// certificate's public key from an existing key pair (same key, different certificate).
Cert make_cert(const CertSpec& spec, const Cert* issuer, const Cert* reuse_key = nullptr);

struct SignSpec : emulator::detail::SignRequest {
  // Forgery knobs, applied to the first SignerInfo after signing:
  bool strip_signers = false;              // remove every SignerInfo
  const Cert* resign_with = nullptr;       // replace the signature with one by this cert's key
                                           // (without signed attributes only)
  const Cert* signer_info_names = nullptr;  // write its issuer and serial in the SignerInfo
  int digest_nid = 0;                      // write this OID as the digest algorithm (wins over
                                           // azure_digest_oid); 0: leave it
};

std::vector<unsigned char> sign(const std::string& content, const Cert& signer,
                                const SignSpec& spec = {});

// A PKCS#7 ContentInfo of type "data" (not signedData) holding `content`.
std::vector<unsigned char> data_content_info(const std::string& content);

// Byte surgery on DER, for forged documents. `find_bytes` returns the offset of the first
// occurrence of `needle` (std::string::npos when absent); `replace_bytes` replaces every
// occurrence of `from` with `to` (same length, or the DER lengths break) and throws
// std::runtime_error when `from` does not occur or the lengths differ.
std::size_t find_bytes(const std::vector<unsigned char>& der, const std::string& needle);
std::vector<unsigned char> replace_bytes(std::vector<unsigned char> der, const std::string& from,
                                         const std::string& to);
std::string as_string(const std::vector<unsigned char>& der);

// {"encoding":"pkcs7","signature":"<base64>"}
std::string envelope(const std::vector<unsigned char>& der);
std::string base64(const std::vector<unsigned char>& der);

// An IMDS-shaped payload; created/expires in Unix seconds.
std::string payload(const std::string& nonce, std::int64_t created = kTestNow - 600,
                    std::int64_t expires = kTestNow + 6 * 3600,
                    const std::string& vm_id = "c7a4a7e0-1111-4c6a-9d43-2f8e5c0d7b11");

// "MM/DD/YY HH:MM:SS -0000"
std::string imds_time(std::int64_t t);

// The usual hierarchy: root -> intermediate -> leaf CN=metadata.azure.com.
struct Hierarchy {
  Cert root;
  Cert intermediate;
  Cert leaf;
};
Hierarchy make_hierarchy(const std::string& leaf_cn = "metadata.azure.com");

}  // namespace hciattest::testing
