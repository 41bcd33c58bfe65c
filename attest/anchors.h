// The certificates hciattest trusts, or uses to build paths, described for people and for export:
// the bundle compiled in from attest/anchors/bundle.txt, and what an admin adds with --ca-file or
// --intermediates-file. Nothing here verifies a document; TrustStore does the trusting.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attest/trust_store.h"
#include "attest/verifier.h"

namespace hciattest::attest {

enum class CertificateRole { kAnchor, kIntermediate };  // trusted / path building only
std::string_view role_id(CertificateRole role);          // "anchor", "intermediate"

struct AnchorEntry {
  std::string name;    // bundled: the file stem ("microsoft_tls_g2_rsa_ca_ocsp_06"); added:
                       // "<file>#<n>" (n from 1, in file order)
  std::string source;  // "bundled", or the --ca-file / --intermediates-file path
  CertificateRole role = CertificateRole::kIntermediate;
  bool root = false;   // self-signed
  bool is_ca = false;  // basicConstraints CA:TRUE (OpenSSL's X509_check_ca)
  std::string common_name;    // the subject's first CN ("Microsoft TLS G2 RSA CA OCSP 06")
  std::string listed_sha256;  // bundled only: the fingerprint bundle.txt gives
  CertificateSummary certificate;
  std::vector<unsigned char> der;
};

enum class ValidityAt { kValid, kExpired, kNotYetValid };
ValidityAt validity_at(const AnchorEntry& entry, std::int64_t time);
std::string_view validity_id(ValidityAt v);  // "valid", "expired", "not_yet_valid"

// Every bundled certificate, in bundle.txt order. Self-signed ones are anchors, the others
// intermediates, exactly as TrustStore::add_bundled uses them.
std::vector<AnchorEntry> bundled_anchors();

// The certificates of a PEM text, as `role`, appended to `out`; fails (with the same message as
// TrustStore) when the text holds no certificate or a damaged one.
TrustStoreStatus read_certificates(std::string_view pem, const std::string& source,
                                   CertificateRole role, std::vector<AnchorEntry>& out);

// Finds entries by name (exact), else by subject common name (case ignored: "Microsoft TLS G2 RSA
// CA OCSP 06"), else by SHA-256 (hex, colons and case ignored, a prefix of at least 8 digits).
// Returns the matches: empty for none, several when the query is ambiguous (a CA and its
// cross-signed twin share a common name).
std::vector<const AnchorEntry*> find_anchor(const std::vector<AnchorEntry>& entries,
                                            std::string_view query);

// The certificate as PEM text ("-----BEGIN CERTIFICATE-----" ...).
std::string to_pem(const std::vector<unsigned char>& der);

}  // namespace hciattest::attest
