#include "attest/anchors.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>

#include "attest/detail/certificate.h"
#include "attest/detail/openssl_util.h"
#include "attest/detail/trust_store_impl.h"
#include "io/ascii.h"

namespace hciattest::attest {
namespace {

using detail::BioPtr;
using detail::X509Ptr;

std::string common_name(X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (idx < 0) return {};
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx)));
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

std::string hex_digits(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ':' || c == ' ') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

AnchorEntry describe(X509* cert, std::string name, std::string source, CertificateRole role) {
  AnchorEntry e;
  e.name = std::move(name);
  e.source = source;
  e.role = role;
  e.root = X509_self_signed(cert, /*verify_signature=*/0) == 1;
  e.is_ca = X509_check_ca(cert) != 0;
  e.common_name = common_name(cert);
  e.certificate = detail::summarize(cert, std::move(source));
  e.der = detail::to_der(cert);
  detail::clear_openssl_errors();
  return e;
}

}  // namespace

std::string_view role_id(CertificateRole role) {
  return role == CertificateRole::kAnchor ? "anchor" : "intermediate";
}

ValidityAt validity_at(const AnchorEntry& e, std::int64_t time) {
  if (time < e.certificate.not_before_unix) return ValidityAt::kNotYetValid;
  if (time > e.certificate.not_after_unix) return ValidityAt::kExpired;
  return ValidityAt::kValid;
}

std::string_view validity_id(ValidityAt v) {
  switch (v) {
    case ValidityAt::kValid: return "valid";
    case ValidityAt::kExpired: return "expired";
    case ValidityAt::kNotYetValid: return "not_yet_valid";
  }
  return "";
}

std::vector<AnchorEntry> bundled_anchors() {
  std::vector<AnchorEntry> out;
  for (const auto& b : bundled_certificates()) {
    BioPtr bio(BIO_new_mem_buf(b.pem, -1));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    detail::clear_openssl_errors();
    if (!cert) continue;  // tests/attest/bundle_test.cpp fails the build's tests on this
    std::string stem(b.name);
    if (stem.size() > 4 && stem.compare(stem.size() - 4, 4, ".pem") == 0) stem.resize(stem.size() - 4);
    // As TrustStore::add_bundled uses them: a self-signed one is an anchor.
    AnchorEntry e = describe(cert.get(), stem, "bundled", CertificateRole::kIntermediate);
    if (e.root) e.role = CertificateRole::kAnchor;
    e.listed_sha256 = b.sha256_hex;
    out.push_back(std::move(e));
  }
  return out;
}

TrustStoreStatus read_certificates(std::string_view pem, const std::string& source,
                                   CertificateRole role, std::vector<AnchorEntry>& out) {
  std::vector<X509Ptr> certs;
  TrustStoreStatus st = detail::read_pem_certificates(pem, source, certs);
  if (!st.ok) return st;
  int n = 0;
  for (const auto& cert : certs) {
    out.push_back(describe(cert.get(), source + "#" + std::to_string(++n), source, role));
  }
  return st;
}

std::vector<const AnchorEntry*> find_anchor(const std::vector<AnchorEntry>& entries,
                                            std::string_view query) {
  std::vector<const AnchorEntry*> exact;
  for (const auto& e : entries) {
    if (e.name == query) exact.push_back(&e);
  }
  if (!exact.empty()) return exact;
  const std::string wanted = io::ascii_lower(query);
  std::vector<const AnchorEntry*> by_cn;
  for (const auto& e : entries) {
    if (io::ascii_lower(e.common_name) == wanted) by_cn.push_back(&e);
  }
  if (!by_cn.empty()) return by_cn;
  const std::string digits = hex_digits(query);
  std::vector<const AnchorEntry*> by_digest;
  if (digits.size() >= 8 && digits.find_first_not_of("0123456789abcdef") == std::string::npos) {
    for (const auto& e : entries) {
      if (e.certificate.sha256_hex.compare(0, digits.size(), digits) == 0) by_digest.push_back(&e);
    }
  }
  return by_digest;
}

std::string to_pem(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return {};
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert.get());
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace hciattest::attest
