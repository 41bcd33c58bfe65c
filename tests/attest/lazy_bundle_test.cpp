// The bundled certificates are parsed only when a path may use them (attest/detail/
// trust_store_impl.h): the names they are chosen by, read from the DER without decoding it, must
// agree with OpenSSL's for every bundled certificate; damaged DER is refused; and the paths built
// from lazily added certificates are the ones built with every certificate present, for a test PKI
// and for the real Microsoft and DigiCert chains.
#include <gtest/gtest.h>

#include <openssl/pem.h>

#include <string>
#include <vector>

#include "attest/detail/chain.h"
#include "attest/detail/trust_store_impl.h"
#include "attest/trust_store.h"
#include "tests/support/test_pki.h"

namespace hciattest::attest {
namespace {

using detail::X509NamePtr;
using detail::X509Ptr;
using testing::kTestNow;

struct Der {
  std::string name;
  std::vector<unsigned char> bytes;
};

std::vector<Der> bundled_der() {
  std::vector<Der> out;
  for (const auto& b : bundled_certificates()) {
    detail::BioPtr bio(BIO_new_mem_buf(b.pem, -1));
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long len = 0;
    while (PEM_read_bio(bio.get(), &name, &header, &data, &len) == 1) {
      out.push_back({b.name, std::vector<unsigned char>(data, data + len)});
      OPENSSL_free(name);
      OPENSSL_free(header);
      OPENSSL_free(data);
    }
  }
  detail::drain_openssl_errors();
  return out;
}

X509Ptr parse(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

testing::CertSpec ca_spec(const std::string& cn) {
  testing::CertSpec spec;
  spec.cn = cn;
  spec.ca = true;
  return spec;
}

TEST(LazyBundle, ReadsTheNamesOfEveryBundledCertificateAsOpenSslDoes) {
  const std::vector<Der> all = bundled_der();
  ASSERT_EQ(all.size(), bundled_certificates().size());
  for (const Der& d : all) {
    X509NamePtr issuer, subject;
    ASSERT_TRUE(detail::read_certificate_names(d.bytes.data(), static_cast<long>(d.bytes.size()),
                                               issuer, subject))
        << d.name;
    X509Ptr cert = parse(d.bytes);
    ASSERT_TRUE(cert) << d.name;
    EXPECT_EQ(X509_NAME_cmp(subject.get(), X509_get_subject_name(cert.get())), 0) << d.name;
    EXPECT_EQ(X509_NAME_cmp(issuer.get(), X509_get_issuer_name(cert.get())), 0) << d.name;
    // The role is chosen by the names' bytes (self-issued); OpenSSL's check decodes them and also
    // verifies the signature.
    std::string_view issuer_der, subject_der;
    ASSERT_TRUE(detail::read_certificate_name_spans(
        d.bytes.data(), static_cast<long>(d.bytes.size()), issuer_der, subject_der));
    EXPECT_EQ(issuer_der == subject_der, X509_self_signed(cert.get(), /*verify_signature=*/1) == 1)
        << d.name;
  }
}

TEST(LazyBundle, DecodesTheBundleAsPemReadBioDoes) {
  TrustStore trust;
  trust.add_bundled();
  const std::vector<Der> all = bundled_der();
  ASSERT_EQ(trust.impl().bundled.size(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string& der = trust.impl().bundled[i]->der;
    EXPECT_EQ(std::vector<unsigned char>(der.begin(), der.end()), all[i].bytes) << all[i].name;
  }
  EXPECT_EQ(ERR_peek_error(), 0ul) << detail::drain_openssl_errors();
}

TEST(LazyBundle, ReadsAVersion1CertificateWithoutTheVersionField) {
  testing::Cert root = testing::make_cert(ca_spec("Lazy v1 Root"), nullptr);
  ASSERT_EQ(X509_set_version(root.x509.get(), X509_VERSION_1), 1);
  ASSERT_GT(X509_sign(root.x509.get(), root.key.get(), EVP_sha256()), 0);
  const std::vector<unsigned char> der = root.der();
  // Certificate and TBSCertificate headers of 4 bytes each, then the serial, not [0] version.
  ASSERT_EQ(der[8], 0x02);
  X509NamePtr issuer, subject;
  ASSERT_TRUE(
      detail::read_certificate_names(der.data(), static_cast<long>(der.size()), issuer, subject));
  EXPECT_EQ(X509_NAME_cmp(subject.get(), X509_get_subject_name(root.x509.get())), 0);
}

TEST(LazyBundle, RefusesEveryTruncationAndDerThatIsNotACertificate) {
  const testing::Cert root = testing::make_cert(ca_spec("Lazy Root"), nullptr);
  const std::vector<unsigned char> der = root.der();
  X509NamePtr issuer, subject;
  for (std::size_t n = 0; n < der.size(); ++n) {
    EXPECT_FALSE(detail::read_certificate_names(der.data(), static_cast<long>(n), issuer, subject))
        << "a prefix of " << n << " of " << der.size() << " bytes was read";
  }
  // A Name on its own, and a SEQUENCE of three INTEGERs.
  unsigned char* name_der = nullptr;
  const int name_len = i2d_X509_NAME(X509_get_subject_name(root.x509.get()), &name_der);
  ASSERT_GT(name_len, 0);
  EXPECT_FALSE(detail::read_certificate_names(name_der, name_len, issuer, subject));
  OPENSSL_free(name_der);
  const unsigned char ints[] = {0x30, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x01,
                                0x02, 0x01, 0x02, 0x02, 0x01, 0x03};
  EXPECT_FALSE(detail::read_certificate_names(ints, sizeof ints, issuer, subject));
  EXPECT_EQ(ERR_peek_error(), 0ul) << detail::drain_openssl_errors();
}

// A test PKI added the lazy way: the path is built from the certificates the leaf needs, and an
// unrelated root is never parsed into the store.
class LazyChain : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::make_cert(ca_spec("Lazy Chain Root"), nullptr);
    inter_ = testing::make_cert(ca_spec("Lazy Chain Issuing CA"), &root_);
    other_ = testing::make_cert(ca_spec("Lazy Unrelated Root"), nullptr);
    testing::CertSpec leaf;
    leaf.cn = "metadata.azure.com";
    leaf.dns = {"metadata.azure.com"};
    leaf_ = testing::make_cert(leaf, &inter_);
  }
  void add(detail::TrustStoreImpl& t, const testing::Cert& c) {
    const std::vector<unsigned char> der = c.der();
    ASSERT_TRUE(detail::add_lazy(t, der.data(), static_cast<long>(der.size())));
  }
  testing::Cert root_, inter_, other_, leaf_;
};

TEST_F(LazyChain, BuildsThePathFromTheCertificatesTheLeafNeeds) {
  detail::TrustStoreImpl t;
  add(t, other_);
  add(t, inter_);
  add(t, root_);
  EXPECT_EQ(t.anchors, 2u);
  detail::ChainOutcome out = detail::verify_chain(leaf_.x509.get(), {}, t, kTestNow, {}, 0);
  ASSERT_EQ(out.chain.status, CheckStatus::kPass) << out.chain.message;
  ASSERT_EQ(out.certificates.size(), 3u);
  EXPECT_NE(out.certificates.list()[2].subject.find("Lazy Chain Root"), std::string::npos);
  EXPECT_EQ(out.certificates.list()[2].origin, "bundled");
  // Only the path's root went into the store.
  EXPECT_EQ(sk_X509_OBJECT_num(X509_STORE_get0_objects(t.store.get())), 1);

  detail::X509StackPtr untrusted(sk_X509_new_null());
  std::vector<bool> taken;
  detail::add_bundled_issuers(t, leaf_.x509.get(), untrusted.get(), taken);
  EXPECT_EQ(taken, (std::vector<bool>{false, true, true}));
  EXPECT_EQ(sk_X509_num(untrusted.get()), 1);
}

TEST_F(LazyChain, StillMissesTheIssuerThatIsNotThere) {
  detail::TrustStoreImpl t;
  add(t, root_);
  add(t, other_);
  detail::ChainOutcome out = detail::verify_chain(leaf_.x509.get(), {}, t, kTestNow, {}, 0);
  EXPECT_EQ(out.chain.status, CheckStatus::kFail);
  EXPECT_EQ(out.chain.code, ErrorCode::kChainIssuerMissing) << out.chain.message;
}

TEST_F(LazyChain, ReachesABundledRootAboveACaFileAnchorThatIsNotSelfSigned) {
  // --ca-file with the issuing CA (partial chain) and the root bundled: as with every bundled
  // certificate in the store, the path may still end at the root.
  detail::TrustStoreImpl t;
  add(t, root_);
  std::vector<X509Ptr> certs;
  ASSERT_TRUE(detail::read_pem_certificates(inter_.pem(), "ca.pem", certs).ok);
  X509_STORE_add_cert(t.store.get(), certs[0].get());
  sk_X509_push(t.eager_anchors.get(), certs[0].release());
  t.partial_chain = true;
  detail::X509StackPtr untrusted(sk_X509_new_null());
  std::vector<bool> taken;
  detail::add_bundled_issuers(t, leaf_.x509.get(), untrusted.get(), taken);
  EXPECT_EQ(taken, (std::vector<bool>{true}));
  detail::ChainOutcome out = detail::verify_chain(leaf_.x509.get(), {}, t, kTestNow, {}, 0);
  EXPECT_EQ(out.chain.status, CheckStatus::kPass) << out.chain.message;
}

// The real bundle: every Microsoft TLS G2 issuing CA and Azure issuing CA verifies through the
// lazily added roots (and cross-signs) at a time when all of them are valid.
TEST(LazyBundle, EveryBundledIntermediateChainsToABundledRoot) {
  TrustStore trust;
  trust.add_bundled();
  // 2026-01-01T00:00:00Z: every bundled certificate is valid then.
  constexpr std::int64_t kBundleTime = 1767225600;
  int checked = 0;
  for (const Der& d : bundled_der()) {
    X509Ptr cert = parse(d.bytes);
    ASSERT_TRUE(cert) << d.name;
    if (X509_self_signed(cert.get(), 0) == 1) continue;
    detail::ChainOutcome out =
        detail::verify_chain(cert.get(), {}, trust.impl(), kBundleTime, {}, 0);
    EXPECT_EQ(out.chain.status, CheckStatus::kPass) << d.name << ": " << out.chain.message;
    ASSERT_GE(out.certificates.size(), 2u) << d.name;
    // Known by the fingerprint bundle.txt lists, not hashed at start.
    EXPECT_EQ(out.certificates.list().back().origin, "bundled") << d.name;
    ++checked;
  }
  EXPECT_EQ(checked, 17);
}

}  // namespace
}  // namespace hciattest::attest
