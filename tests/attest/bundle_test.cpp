// The trust bundle (attest/anchors/bundle.txt) and the anchors API: every bundled certificate
// parses, is a CA with the listed fingerprint, and chains to a bundled root; every Microsoft TLS
// G2 intermediate verifies through either form of Microsoft TLS RSA Root G2; the same two-path
// situation made with a test PKI; the expiry warning and the message for a future intermediate.
#include <gtest/gtest.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <set>
#include <string>

#include "attest/anchors.h"
#include "attest/detail/openssl_util.h"
#include "attest/verifier.h"
#include "tests/support/test_pki.h"

namespace hciattest::attest {
namespace {

using detail::X509Ptr;
using detail::X509StackPtr;
using detail::X509StoreCtxPtr;
using detail::X509StorePtr;
using testing::kDay;
using testing::kTestNow;

// 2026-01-01T00:00:00Z: every bundled certificate is valid then (the DigiCert cross-signs of the
// Azure issuing CAs expire on 2026-08-25).
constexpr std::int64_t kBundleTime = 1767225600;

X509Ptr parse(const std::vector<unsigned char>& der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

const AnchorEntry& by_name(const std::vector<AnchorEntry>& all, const std::string& name) {
  for (const auto& e : all) {
    if (e.name == name) return e;
  }
  throw std::runtime_error("not bundled: " + name);
}

// Verifies `leaf` with exactly the given anchors and untrusted intermediates at `time`.
// Returns OpenSSL's error (X509_V_OK on success) and the built path's subjects.
int verify_with(X509* leaf, const std::vector<X509*>& anchors,
                const std::vector<X509*>& intermediates, std::int64_t time,
                std::vector<std::string>* path = nullptr) {
  X509StorePtr store(X509_STORE_new());
  for (X509* a : anchors) X509_STORE_add_cert(store.get(), a);
  X509StackPtr untrusted(sk_X509_new_null());
  for (X509* i : intermediates) {
    X509_up_ref(i);
    sk_X509_push(untrusted.get(), i);
  }
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get());
  X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), static_cast<time_t>(time));
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_ANY);
  const int ok = X509_verify_cert(ctx.get());
  if (path != nullptr) {
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      path->push_back(detail::name_to_string(X509_get_subject_name(sk_X509_value(chain, i))));
    }
  }
  const int err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx.get());
  detail::drain_openssl_errors();
  return err;
}

testing::CertSpec ca_spec(const std::string& cn) {
  testing::CertSpec spec;
  spec.cn = cn;
  spec.ca = true;
  return spec;
}

testing::CertSpec signer_spec() {
  testing::CertSpec spec;
  spec.cn = "metadata.azure.com";
  spec.dns = {"metadata.azure.com"};
  return spec;
}

TEST(Bundle, EveryListedCertificateParsesIsACaAndHasTheListedFingerprint) {
  const auto all = bundled_anchors();
  ASSERT_EQ(all.size(), bundled_certificates().size()) << "a bundled PEM does not parse";
  ASSERT_GE(all.size(), 20u);
  std::set<std::string> digests;
  for (const auto& e : all) {
    EXPECT_TRUE(e.is_ca) << e.name;
    EXPECT_EQ(e.certificate.sha256_hex, e.listed_sha256) << e.name << ": bundle.txt disagrees";
    EXPECT_TRUE(digests.insert(e.certificate.sha256_hex).second) << e.name << " is bundled twice";
    EXPECT_EQ(e.role, e.root ? CertificateRole::kAnchor : CertificateRole::kIntermediate) << e.name;
  }
}

TEST(Bundle, HoldsEveryMicrosoftTlsG2IntermediateAndBothFormsOfItsRoot) {
  const auto all = bundled_anchors();
  for (const char* nn : {"02", "04", "06", "08", "10", "12", "14", "16"}) {
    const auto found = find_anchor(all, std::string("Microsoft TLS G2 RSA CA OCSP ") + nn);
    ASSERT_EQ(found.size(), 1u) << "OCSP " << nn;
  }
  EXPECT_TRUE(by_name(all, "microsoft_tls_rsa_root_g2").root);
  EXPECT_FALSE(by_name(all, "microsoft_tls_rsa_root_g2_xsign").root);
}

TEST(Bundle, EveryCertificateChainsToABundledRootAtAFixedTime) {
  const auto all = bundled_anchors();
  std::vector<X509Ptr> owned;
  std::vector<X509*> roots, intermediates;
  for (const auto& e : all) {
    owned.push_back(parse(e.der));
    (e.root ? roots : intermediates).push_back(owned.back().get());
  }
  ASSERT_GE(roots.size(), 3u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    std::vector<std::string> path;
    EXPECT_EQ(verify_with(owned[i].get(), roots, intermediates, kBundleTime, &path), X509_V_OK)
        << all[i].name;
  }
}

TEST(Bundle, EachG2IntermediateVerifiesThroughEitherFormOfItsRoot) {
  const auto all = bundled_anchors();
  X509Ptr self_signed = parse(by_name(all, "microsoft_tls_rsa_root_g2").der);
  X509Ptr cross = parse(by_name(all, "microsoft_tls_rsa_root_g2_xsign").der);
  X509Ptr digicert = parse(by_name(all, "digicert_global_root_g2").der);
  for (const char* nn : {"02", "04", "06", "08", "10", "12", "14", "16"}) {
    X509Ptr ca = parse(by_name(all, std::string("microsoft_tls_g2_rsa_ca_ocsp_") + nn).der);
    // The self-signed root alone, no cross-sign anywhere.
    std::vector<std::string> a;
    EXPECT_EQ(verify_with(ca.get(), {self_signed.get()}, {}, kBundleTime, &a), X509_V_OK) << nn;
    ASSERT_EQ(a.size(), 2u);
    // The cross-sign up to DigiCert Global Root G2, the self-signed root removed.
    std::vector<std::string> b;
    EXPECT_EQ(verify_with(ca.get(), {digicert.get()}, {cross.get()}, kBundleTime, &b), X509_V_OK)
        << nn;
    ASSERT_EQ(b.size(), 3u);
    EXPECT_NE(b.back().find("DigiCert Global Root G2"), std::string::npos);
    // Neither: the chain must fail (so the two passes above mean something).
    EXPECT_NE(verify_with(ca.get(), {digicert.get()}, {}, kBundleTime), X509_V_OK) << nn;
  }
}

// The same situation built here: one root key, two certificates (self-signed, and cross-signed
// by another root); an intermediate under that key verifies through either.
TEST(Bundle, ACrossSignedRootKeyGivesTwoPathsInATestPki) {
  const testing::CertSpec root_spec = ca_spec("Test TLS Root G2");
  const testing::Cert root = testing::make_cert(root_spec, nullptr);
  const testing::Cert other = testing::make_cert(ca_spec("Test Global Root G2"), nullptr);
  const testing::Cert cross = testing::make_cert(root_spec, &other, /*reuse_key=*/&root);
  const testing::Cert inter = testing::make_cert(ca_spec("Test TLS G2 RSA CA OCSP 02"), &root);
  const testing::Cert leaf = testing::make_cert(signer_spec(), &inter);

  std::vector<std::string> a, b;
  EXPECT_EQ(verify_with(leaf.x509.get(), {root.x509.get()}, {inter.x509.get()}, kTestNow, &a),
            X509_V_OK);
  EXPECT_EQ(a.size(), 3u);
  EXPECT_EQ(verify_with(leaf.x509.get(), {other.x509.get()},
                        {inter.x509.get(), cross.x509.get()}, kTestNow, &b),
            X509_V_OK);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_NE(b.back().find("Test Global Root G2"), std::string::npos);
  EXPECT_NE(verify_with(leaf.x509.get(), {other.x509.get()}, {inter.x509.get()}, kTestNow),
            X509_V_OK);

  // And through the product's verifier: the document verifies with only the other root trusted
  // and the cross-sign given as an intermediate.
  auto trust = std::make_shared<TrustStore>();
  ASSERT_TRUE(trust->add_anchors_pem(other.pem(), "other.pem").ok);
  ASSERT_TRUE(trust->add_intermediates_pem(inter.pem() + cross.pem(), "inter.pem").ok);
  VerifyOptions o;
  o.time = kTestNow;
  Verifier v(trust, o);
  VerificationReport r = v.verify(testing::envelope(testing::sign(testing::payload("1"), leaf)));
  EXPECT_TRUE(r.verified) << r.message;
  EXPECT_EQ(r.chain.size(), 4u);
}

TEST(Anchors, FindsByNameCommonNameOrFingerprintPrefixAndReportsAmbiguity) {
  const auto all = bundled_anchors();
  const AnchorEntry& g2 = by_name(all, "microsoft_tls_rsa_root_g2");
  EXPECT_EQ(find_anchor(all, "microsoft_tls_rsa_root_g2").size(), 1u);
  EXPECT_EQ(find_anchor(all, "microsoft tls g2 rsa ca ocsp 06").size(), 1u);
  // A CA and its cross-signed twin share a common name.
  EXPECT_EQ(find_anchor(all, "Microsoft TLS RSA Root G2").size(), 2u);
  const std::string fp = g2.certificate.sha256_hex.substr(0, 12);
  std::string colons;
  for (std::size_t i = 0; i < fp.size(); i += 2) colons += (i ? ":" : "") + fp.substr(i, 2);
  ASSERT_EQ(find_anchor(all, colons).size(), 1u);
  EXPECT_EQ(find_anchor(all, colons).front()->name, g2.name);
  EXPECT_TRUE(find_anchor(all, "abc").empty());  // too short a prefix
  EXPECT_TRUE(find_anchor(all, "Microsoft TLS G2 RSA CA OCSP 18").empty());
}

TEST(Anchors, ExportedPemIsTheSameCertificate) {
  const auto all = bundled_anchors();
  const AnchorEntry& e = by_name(all, "microsoft_tls_g2_rsa_ca_ocsp_16");
  const std::string pem = to_pem(e.der);
  std::vector<AnchorEntry> back;
  ASSERT_TRUE(read_certificates(pem, "x.pem", CertificateRole::kIntermediate, back).ok);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].certificate.sha256_hex, e.certificate.sha256_hex);
  EXPECT_EQ(back[0].name, "x.pem#1");
}

TEST(Anchors, ValidityAtTellsExpiredAndNotYetValid) {
  const auto all = bundled_anchors();
  const AnchorEntry& x = by_name(all, "microsoft_azure_rsa_tls_issuing_ca_03_xsign");
  EXPECT_EQ(validity_at(x, kBundleTime), ValidityAt::kValid);
  EXPECT_EQ(validity_at(x, 1798761600), ValidityAt::kExpired);      // 2027-01-01
  EXPECT_EQ(validity_at(x, 1672531200), ValidityAt::kNotYetValid);  // 2023-01-01
}

// A chain whose intermediate expires within the window verifies, with one warning naming it.
class ExpiryWarning : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::CertSpec r = ca_spec("Warn Root");
    r.not_after = kTestNow + 3650 * kDay;
    root_ = new testing::Cert(testing::make_cert(r, nullptr));
    testing::CertSpec i = ca_spec("Warn Issuing CA");
    i.not_after = kTestNow + 45 * kDay;
    inter_ = new testing::Cert(testing::make_cert(i, root_));
    testing::CertSpec l = signer_spec();
    l.not_after = kTestNow + 20 * kDay;  // a leaf this close is normal: no warning for it
    leaf_ = new testing::Cert(testing::make_cert(l, inter_));
  }
  static void TearDownTestSuite() {
    delete leaf_;
    delete inter_;
    delete root_;
  }
  static VerificationReport verify(std::int64_t window_days) {
    auto trust = std::make_shared<TrustStore>();
    EXPECT_TRUE(trust->add_anchors_pem(root_->pem(), "root.pem").ok);
    VerifyOptions o;
    o.time = kTestNow;
    o.expiry_warning_seconds = window_days * kDay;
    testing::SignSpec s;
    s.extra_certs = {inter_};
    Verifier v(trust, o);
    return v.verify(testing::envelope(testing::sign(testing::payload("1"), *leaf_, s)));
  }
  static testing::Cert* root_;
  static testing::Cert* inter_;
  static testing::Cert* leaf_;
};
testing::Cert* ExpiryWarning::root_ = nullptr;
testing::Cert* ExpiryWarning::inter_ = nullptr;
testing::Cert* ExpiryWarning::leaf_ = nullptr;

TEST_F(ExpiryWarning, WarnsAboutTheIntermediateButKeepsTheVerdict) {
  VerificationReport r = verify(60);
  EXPECT_TRUE(r.verified) << r.message;
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].id, "ca_expiring");
  EXPECT_NE(r.warnings[0].subject.find("Warn Issuing CA"), std::string::npos);
  EXPECT_EQ(r.warnings[0].seconds_left / kDay, 45);
  EXPECT_NE(r.warnings[0].message.find("--intermediates-file"), std::string::npos);
  EXPECT_NE(r.warnings[0].message.find("in 45 days"), std::string::npos);
}

TEST_F(ExpiryWarning, StaysQuietOutsideTheWindowOrWhenTurnedOff) {
  EXPECT_TRUE(verify(30).warnings.empty());
  EXPECT_TRUE(verify(0).warnings.empty());
}

// A future intermediate (not bundled) is named with its AIA address and every remedy.
TEST(FutureIntermediate, IsNamedWithItsAddressAndEveryWayToSupplyIt) {
  // A test PKI root stands in for Microsoft TLS RSA Root G2; the intermediate is not supplied.
  const testing::Cert root = testing::make_cert(ca_spec("Future Root"), nullptr);
  const testing::Cert inter = testing::make_cert(ca_spec("Microsoft TLS G2 RSA CA OCSP 18"), &root);
  testing::CertSpec l = signer_spec();
  l.ca_issuers = {"http://www.microsoft.com/pkiops/certs/Microsoft%20TLS%20G2%20RSA%20CA%20OCSP%2018.crt"};
  const testing::Cert leaf = testing::make_cert(l, &inter);
  auto trust = std::make_shared<TrustStore>();
  trust->add_bundled();
  ASSERT_TRUE(trust->add_anchors_pem(root.pem(), "root.pem").ok);
  VerifyOptions o;
  o.time = kTestNow;
  Verifier v(trust, o);
  VerificationReport rep = v.verify(testing::envelope(testing::sign(testing::payload("1"), leaf)));
  EXPECT_EQ(rep.code, ErrorCode::kChainIssuerMissing);
  EXPECT_NE(rep.message.find("Microsoft TLS G2 RSA CA OCSP 18"), std::string::npos) << rep.message;
  EXPECT_NE(rep.message.find("OCSP%2018.crt"), std::string::npos);
  EXPECT_NE(rep.message.find("--intermediates-file"), std::string::npos);
  EXPECT_NE(rep.message.find("--fetch-intermediates"), std::string::npos);
  EXPECT_NE(rep.message.find("update hciattest"), std::string::npos);
}

}  // namespace
}  // namespace hciattest::attest
