#include "attest/trust_store.h"

#include <openssl/pem.h>

#include "attest/detail/base64.h"
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

// The DER of every CERTIFICATE block of a PEM text without headers, as PEM_read_bio gives it.
// The line breaks are dropped and the body decoded in one go: PEM_read_bio's line-by-line
// decoding of the bundle was 0.5 ms of every start. False when a block is not of that form.
bool split_pem_certificates(std::string_view pem, std::vector<std::vector<unsigned char>>& out) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::string body;
  for (std::size_t at = pem.find(kBegin); at != std::string_view::npos;
       at = pem.find(kBegin, at)) {
    const std::size_t start = at + kBegin.size();
    const std::size_t end = pem.find(kEnd, start);
    if (end == std::string_view::npos) return false;
    body.clear();
    std::string_view rest = pem.substr(start, end - start);
    while (!rest.empty()) {  // line by line, without the line breaks ("\n" or "\r\n")
      const std::size_t brk = rest.find('\n');
      std::string_view line = rest.substr(0, brk);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      body.append(line);
      if (brk == std::string_view::npos) break;
      rest.remove_prefix(brk + 1);
    }
    out.emplace_back();
    if (!detail::decode_base64_unwrapped(body, out.back())) return false;
    at = end + kEnd.size();
  }
  return !out.empty();
}

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
  detail::clear_openssl_errors();
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

X509* detail::LazyCertificate::get() const {
  std::call_once(once_, [this] {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    cert_.reset(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert_) drain_openssl_errors();
  });
  return cert_.get();
}

namespace {

bool name_spans(const unsigned char* der, long len, std::string_view& issuer,
                std::string_view& subject) {
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
  //   signature, issuer, validity, subject, ... }, ... }  (RFC 5280, 4.1)
  const unsigned char* p = der;
  const unsigned char* end = der + len;
  long n = 0;
  int tag = 0, cls = 0;
  auto header = [&](const unsigned char*& at) {
    const int r = ASN1_get_object(&at, &n, &tag, &cls, end - at);
    return (r & 0x80) == 0 && (r & V_ASN1_CONSTRUCTED) != 0 && n <= end - at;
  };
  if (!header(p) || tag != V_ASN1_SEQUENCE) return false;  // Certificate
  if (!header(p) || tag != V_ASN1_SEQUENCE) return false;  // TBSCertificate
  end = p + n;
  // Skips one element; `what` is where it began.
  auto element = [&](const unsigned char*& what) {
    what = p;
    const int r = ASN1_get_object(&p, &n, &tag, &cls, end - p);
    if ((r & 0x80) != 0 || n > end - p) return false;
    p += n;
    return true;
  };
  const unsigned char* at = nullptr;
  const unsigned char* issuer_at = nullptr;
  const unsigned char* subject_at = nullptr;
  if (!element(at)) return false;
  // The first is the [0] version, then the serial; or the serial (version 1).
  if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0 && !element(at)) return false;
  if (!element(at)) return false;                                                 // signature
  if (!element(issuer_at) || !element(at) || !element(subject_at)) return false;
  issuer = {reinterpret_cast<const char*>(issuer_at), static_cast<std::size_t>(at - issuer_at)};
  subject = {reinterpret_cast<const char*>(subject_at), static_cast<std::size_t>(p - subject_at)};
  return true;
}

detail::X509NamePtr decode_name(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  return detail::X509NamePtr(d2i_X509_NAME(nullptr, &p, static_cast<long>(der.size())));
}

}  // namespace

bool detail::read_certificate_name_spans(const unsigned char* der, long len,
                                         std::string_view& issuer, std::string_view& subject) {
  if (name_spans(der, len, issuer, subject)) return true;
  clear_openssl_errors();  // ASN1_get_object queues "too long" for a truncated header
  return false;
}

bool detail::read_certificate_names(const unsigned char* der, long len, X509NamePtr& issuer,
                                    X509NamePtr& subject) {
  std::string_view issuer_der, subject_der;
  if (!read_certificate_name_spans(der, len, issuer_der, subject_der)) return false;
  issuer = decode_name(issuer_der);
  subject = decode_name(subject_der);
  if (issuer && subject) return true;
  clear_openssl_errors();
  return false;
}

bool detail::add_lazy(TrustStoreImpl& trust, const unsigned char* der, long len,
                      const char* sha256_hex) {
  // Only the subject is decoded (a path looks certificates up by it); self-issued is decided on
  // the bytes: a CA writes its own name once and copies it (checked for every bundled certificate
  // against X509_self_signed in tests/attest/lazy_bundle_test.cpp).
  std::string_view issuer_der, subject_der;
  if (!read_certificate_name_spans(der, len, issuer_der, subject_der)) return false;
  auto entry = std::make_unique<LazyCertificate>();
  entry->subject = decode_name(subject_der);
  if (!entry->subject) {
    clear_openssl_errors();
    return false;
  }
  entry->der.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  entry->anchor = issuer_der == subject_der;
  trust.origins[sha256_hex != nullptr ? std::string(sha256_hex)
                                      : to_hex(sha256(der, static_cast<std::size_t>(len)))] =
      "bundled";
  if (entry->anchor) ++trust.anchors;
  trust.bundled.push_back(std::move(entry));
  return true;
}

void detail::add_bundled_issuers(const TrustStoreImpl& trust, X509* target,
                                 STACK_OF(X509) * untrusted, std::vector<bool>& taken) {
  taken.resize(trust.bundled.size(), false);
  std::vector<const X509_NAME*> issuers{X509_get_issuer_name(target)};  // still to look for
  for (int i = 0; i < sk_X509_num(untrusted); ++i) {
    issuers.push_back(X509_get_issuer_name(sk_X509_value(untrusted, i)));
  }
  for (int i = 0; i < sk_X509_num(trust.eager_anchors.get()); ++i) {
    issuers.push_back(X509_get_issuer_name(sk_X509_value(trust.eager_anchors.get(), i)));
  }
  while (!issuers.empty()) {
    const X509_NAME* wanted = issuers.back();
    issuers.pop_back();
    for (std::size_t i = 0; i < trust.bundled.size(); ++i) {
      const LazyCertificate& b = *trust.bundled[i];
      if (taken[i] || X509_NAME_cmp(b.subject.get(), wanted) != 0) continue;
      taken[i] = true;
      X509* cert = b.get();
      if (cert == nullptr) continue;
      if (b.anchor) {
        X509_STORE_add_cert(trust.store.get(), cert);  // thread-safe; duplicates are ignored
      } else {
        X509_up_ref(cert);
        sk_X509_push(untrusted, cert);
        issuers.push_back(X509_get_issuer_name(cert));
      }
    }
  }
}

TrustStore::TrustStore() : impl_(std::make_unique<detail::TrustStoreImpl>()) {}
TrustStore::~TrustStore() = default;
TrustStore::TrustStore(TrustStore&&) noexcept = default;
TrustStore& TrustStore::operator=(TrustStore&&) noexcept = default;

void TrustStore::add_bundled() {
  // The bundle is generated from files checked at build time: a block that is not a certificate
  // is a build bug, skipped here and caught by the tests that parse every bundled certificate.
  std::vector<std::vector<unsigned char>> blocks;
  for (const auto& b : bundled_certificates()) {
    blocks.clear();
    if (!split_pem_certificates(b.pem, blocks)) {
      detail::clear_openssl_errors();
      continue;
    }
    // A file's first certificate has its fingerprint listed in bundle.txt (checked against the
    // DER by tests/attest/bundle_test.cpp): no need to hash it at every start.
    const char* listed = b.sha256_hex;
    for (const auto& der : blocks) {
      detail::add_lazy(*impl_, der.data(), static_cast<long>(der.size()), listed);
      listed = nullptr;
    }
  }
}

TrustStoreStatus TrustStore::add_anchors_pem(std::string_view pem, const std::string& source) {
  std::vector<X509Ptr> certs;
  TrustStoreStatus st = detail::read_pem_certificates(pem, source, certs);
  if (!st.ok) return st;
  for (auto& c : certs) {
    impl_->origins[digest_hex(c.get())] = source;
    if (!self_signed(c.get())) impl_->partial_chain = true;
    X509_STORE_add_cert(impl_->store.get(), c.get());  // duplicates are ignored by OpenSSL 3
    sk_X509_push(impl_->eager_anchors.get(), c.release());
    ++impl_->anchors;
  }
  detail::clear_openssl_errors();
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
  std::size_t bundled = 0;
  for (const auto& b : impl_->bundled) bundled += b->anchor ? 0 : 1;
  return bundled + static_cast<std::size_t>(sk_X509_num(impl_->intermediates.get()));
}

std::string TrustStore::origin_of(const std::string& sha256_hex) const {
  auto it = impl_->origins.find(sha256_hex);
  if (it != impl_->origins.end()) return it->second;
  return impl_->system_store ? "system (or embedded)" : "";
}

}  // namespace hciattest::attest
