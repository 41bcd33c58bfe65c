// Building certificates and IMDS-shaped PKCS#7 documents with OpenSSL: the emulator's signing
// PKI, and (through tests/support/test_pki.h) the tests' forgeries. Private to emulator/ and tests.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "attest/detail/openssl_util.h"

namespace hciattest::emulator::detail {

struct KeyedCert {
  attest::detail::X509Ptr x509;
  attest::detail::EvpPkeyPtr key;
  std::string pem() const;
  std::string key_pem() const;
  std::vector<unsigned char> der() const;
};

struct CertRequest {
  std::string cn;
  std::string organization = "hciattest test PKI";
  std::vector<std::string> dns;           // subjectAltName DNS entries
  bool ca = false;
  std::int64_t not_before = 0;            // Unix seconds
  std::int64_t not_after = 0;
  std::vector<std::string> eku = {"serverAuth", "clientAuth"};  // empty: no EKU extension
  std::vector<std::string> ca_issuers;    // AIA "CA Issuers" URLs
  const EVP_MD* md = nullptr;             // certificate signature digest; nullptr = SHA-256
  int key_bits = 2048;                    // RSA modulus size
  bool ec_key = false;                    // a P-256 key instead: generated in microseconds
  long serial = 0;                        // 0: a fresh serial
  std::string key_usage;                  // e.g. "critical,keyEncipherment"; empty: by `ca`
  int path_len = -1;                      // CA only: pathLenConstraint; -1: none
  // More extensions, as openssl.cnf writes them, e.g. {"nameConstraints", "permitted;DNS:x.y"}
  // or {"1.3.6.1.4.1.99999.1", "critical,DER:05:00"}.
  std::vector<std::pair<std::string, std::string>> extensions;
};

// Issues a certificate signed by `issuer` (self-signed when null). With `reuse_key` the new
// certificate carries that existing key pair instead of a fresh one. Throws std::runtime_error
// with OpenSSL's reason on failure.
KeyedCert issue(const CertRequest& request, const KeyedCert* issuer,
                const KeyedCert* reuse_key = nullptr);

struct SignRequest {
  bool detached = false;
  bool signed_attributes = false;          // OpenSSL's default PKCS#7 attributes
  bool embed_signer = true;
  bool azure_digest_oid = true;            // IMDS writes sha256WithRSAEncryption as the digest OID
  const EVP_MD* md = nullptr;              // nullptr = SHA-256
  std::vector<const KeyedCert*> extra_signers;
  std::vector<const KeyedCert*> extra_certs;
};

// PKCS#7 SignedData over `content`, shaped like IMDS's by default (attached content, no signed
// attributes, only the signer embedded). build_pkcs7 returns the object (for tests that alter
// it before encoding), sign_pkcs7 its DER.
attest::detail::Pkcs7Ptr build_pkcs7(const std::string& content, const KeyedCert& signer,
                                     const SignRequest& request = {});
std::vector<unsigned char> pkcs7_der(PKCS7* p7);
std::vector<unsigned char> sign_pkcs7(const std::string& content, const KeyedCert& signer,
                                      const SignRequest& request = {});

std::string base64(const std::vector<unsigned char>& der);

// "MM/DD/YY HH:MM:SS -0000", the IMDS timeStamp form.
std::string imds_time(std::int64_t t);

// Reads a certificate (without its key) from PEM text.
KeyedCert load_cert(const std::string& cert_pem);

// Reads a certificate and its private key from PEM texts.
KeyedCert load_keyed_cert(const std::string& cert_pem, const std::string& key_pem);

}  // namespace hciattest::emulator::detail
