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

namespace hciattest::testing {

// 2026-06-01T12:00:00Z
inline constexpr std::int64_t kTestNow = 1780315200;
inline constexpr std::int64_t kDay = 86400;

struct Cert {
  attest::detail::X509Ptr x509;
  attest::detail::EvpPkeyPtr key;
  std::string pem() const;
  std::vector<unsigned char> der() const;
};

struct CertSpec {
  std::string cn;
  std::vector<std::string> dns;              // subjectAltName DNS entries
  bool ca = false;
  std::int64_t not_before = kTestNow - 30 * kDay;
  std::int64_t not_after = kTestNow + 150 * kDay;
  std::vector<std::string> eku = {"serverAuth", "clientAuth"};  // empty: no EKU extension
  std::vector<std::string> ca_issuers;       // AIA "CA Issuers" URLs
  const EVP_MD* md = nullptr;                // signature digest; nullptr = SHA-256
  int key_bits = 2048;                       // RSA modulus size
  bool ec_key = false;                       // a P-256 key instead: generated in microseconds
  long serial = 0;                           // 0: a fresh serial
  std::string key_usage;                     // e.g. "critical,keyEncipherment"; empty: by `ca`
  int path_len = -1;                         // CA only: pathLenConstraint; -1: none
  // More extensions, as openssl.cnf writes them, e.g. {"nameConstraints", "permitted;DNS:x.y"}
  // or {"1.3.6.1.4.1.99999.1", "critical,DER:05:00"}.
  std::vector<std::pair<std::string, std::string>> extensions;
};

// Makes a certificate signed by `issuer` (self-signed when null). `reuse_key` signs the new
// certificate's public key from an existing key pair (same key, different certificate).
Cert make_cert(const CertSpec& spec, const Cert* issuer, const Cert* reuse_key = nullptr);

struct SignSpec {
  bool detached = false;
  bool signed_attributes = false;         // OpenSSL's default PKCS#7 attributes
  bool embed_signer = true;
  bool azure_digest_oid = true;           // write sha256WithRSAEncryption as the digest algorithm
  const EVP_MD* md = nullptr;             // nullptr = SHA-256
  std::vector<const Cert*> extra_signers;  // more SignerInfos
  std::vector<const Cert*> extra_certs;    // more embedded certificates
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
