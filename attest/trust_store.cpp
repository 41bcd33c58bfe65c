#include "attest/trust_store.h"

#include <openssl/pem.h>

#include "attest/detail/trust_store_impl.h"

namespace hciattest::attest {
namespace {

using detail::BioPtr;
using detail::X509Ptr;

std::string digest_hex(X509* cert) {
  auto der = detail::to_der(cert);
  return detail::to_hex(detail::sha256(der.data(), der.size()));
}

bool self_signed(X509* cert) { return X509_self_signed(cert, /*verify_signature=*/0) == 1; }

}  // namespace

// Reads every certificate of a PEM text; fails on none or on a damaged block.
TrustStoreStatus detail::read_pem_certificates(std::string_view pem, const std::string& source,
                          std::vector<X509Ptr>& out) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  while (true) {
    X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (cert == nullptr) break;
    out.emplace_back(cert);
  }
  unsigned long err = ERR_peek_last_error();
  const bool clean_end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
  detail::drain_openssl_errors();
  if (out.empty()) {
    return {false, source + " holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\"): "
                            "convert a DER .crt with `openssl x509 -inform der -in F.crt -out F.pem`"};
  }
  if (err != 0 && !clean_end) {
    return {false, source + " has a damaged certificate after the " + std::to_string(out.size()) +
                       " readable one(s): re-download it from the issuer's AIA address"};
  }
  return {true, {}};
}

TrustStore::TrustStore() : impl_(std::make_unique<detail::TrustStoreImpl>()) {}
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

void TrustStore::add_bundled() {
  for (const auto& b : bundled_certificates()) {
    std::vector<X509Ptr> certs;
    // The bundle is generated from files checked at build time; a failure here is a build bug.
    if (!detail::read_pem_certificates(b.pem, b.name, certs).ok) continue;
    for (auto& c : certs) {
      impl_->origins[digest_hex(c.get())] = "bundled";
      if (self_signed(c.get())) {
        X509_STORE_add_cert(impl_->store.get(), c.get());
        ++impl_->anchors;
      } else {
        sk_X509_push(impl_->intermediates.get(), c.release());
      }
    }
  }
  detail::drain_openssl_errors();
}

TrustStoreStatus TrustStore::add_anchors_pem(std::string_view pem, const std::string& source) {
  std::vector<X509Ptr> certs;
  TrustStoreStatus st = detail::read_pem_certificates(pem, source, certs);
  if (!st.ok) return st;
  for (auto& c : certs) {
    impl_->origins[digest_hex(c.get())] = source;
    if (!self_signed(c.get())) impl_->partial_chain = true;
    X509_STORE_add_cert(impl_->store.get(), c.get());  // duplicates are ignored by OpenSSL 3
    ++impl_->anchors;
  }
  detail::drain_openssl_errors();
  return st;
}

TrustStoreStatus TrustStore::add_intermediates_pem(std::string_view pem,
                                                   const std::string& source) {
  std::vector<X509Ptr> certs;
  TrustStoreStatus st = detail::read_pem_certificates(pem, source, certs);
  if (!st.ok) return st;
  for (auto& c : certs) {
    impl_->origins[digest_hex(c.get())] = source;
    sk_X509_push(impl_->intermediates.get(), c.release());
  }
  return st;
}

TrustStoreStatus TrustStore::add_system_store() {
  if (X509_STORE_set_default_paths(impl_->store.get()) != 1) {
    std::string why = detail::drain_openssl_errors();
    return {false, "cannot load the system certificate store (" + why +
                       "): install ca-certificates or pass --ca-file"};
  }
  impl_->system_store = true;
  return {true, {}};
}

std::size_t TrustStore::anchor_count() const { return impl_->anchors; }
std::size_t TrustStore::intermediate_count() const {
  return static_cast<std::size_t>(sk_X509_num(impl_->intermediates.get()));
}

std::string TrustStore::origin_of(const std::string& sha256_hex) const {
  auto it = impl_->origins.find(sha256_hex);
  if (it != impl_->origins.end()) return it->second;
  return impl_->system_store ? "system (or embedded)" : "";
}

}  // namespace hciattest::attest
