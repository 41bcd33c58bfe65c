#include "attest/verifier.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/support/test_pki.h"

namespace hciattest::attest {
namespace {

using testing::Hierarchy;
using testing::kDay;
using testing::kTestNow;

// One hierarchy for the whole suite: RSA key generation is the slow part.
const Hierarchy& pki() {
  static const Hierarchy h = testing::make_hierarchy();
  return h;
}

std::shared_ptr<TrustStore> trust_with(const testing::Cert& anchor) {
  auto t = std::make_shared<TrustStore>();
  EXPECT_TRUE(t->add_anchors_pem(anchor.pem(), "test-root.pem").ok);
  return t;
}

testing::SignSpec with_chain() {
  testing::SignSpec s;
  s.extra_certs = {&pki().intermediate};
  return s;
}

VerifyOptions options_at(std::int64_t t) {
  VerifyOptions o;
  o.time = t;
  return o;
}

const CheckResult& check(const VerificationReport& r, const std::string& id) {
  for (const auto& c : r.checks) {
    if (c.id == id) return c;
  }
  throw std::runtime_error("no check " + id);
}

TEST(Verifier, AcceptsAnImdsShapedDocumentChainingToATrustedRoot) {
  Verifier v(trust_with(pki().root), options_at(kTestNow));
  v.set_expected_nonce("1234567890");
  auto doc = testing::envelope(testing::sign(testing::payload("1234567890"), pki().leaf,
                                             with_chain()));
  VerificationReport r = v.verify(doc);
  EXPECT_TRUE(r.verified) << r.message;
  EXPECT_EQ(r.code, ErrorCode::kOk);
  ASSERT_EQ(r.chain.size(), 3u);
  EXPECT_EQ(r.chain.back().origin, "test-root.pem");
  ASSERT_TRUE(r.payload.has_value());
  EXPECT_EQ(r.payload->sku, "2022-datacenter-azure-edition");
  for (const auto& c : r.checks) EXPECT_NE(c.status, CheckStatus::kFail) << c.id;
}

TEST(Verifier, FindsTheIntermediateInTheTrustStoreWhenOnlyTheLeafIsEmbedded) {
  auto trust = trust_with(pki().root);
  ASSERT_TRUE(trust->add_intermediates_pem(pki().intermediate.pem(), "inter.pem").ok);
  Verifier v(trust, options_at(kTestNow));
  VerificationReport r = v.verify(testing::envelope(testing::sign(testing::payload("1"), pki().leaf)));
  EXPECT_TRUE(r.verified) << r.message;
  EXPECT_EQ(r.chain.at(1).origin, "inter.pem");
}

TEST(Verifier, NamesTheMissingIssuerAndItsAiaAddress) {
  Verifier v(trust_with(pki().root), options_at(kTestNow));
  VerificationReport r = v.verify(testing::envelope(testing::sign(testing::payload("1"), pki().leaf)));
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(r.code, ErrorCode::kChainIssuerMissing);
  EXPECT_NE(r.message.find("hciattest Test TLS Issuing CA 01"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("http://pki.test.invalid/issuing-ca-01.crt"), std::string::npos);
}

TEST(Verifier, CachesTheSignerCertificateAcrossDocuments) {
  Verifier v(trust_with(pki().root), options_at(kTestNow));
  for (int i = 0; i < 3; ++i) {
    auto doc = testing::envelope(testing::sign(testing::payload(std::to_string(i)), pki().leaf,
                                               with_chain()));
    EXPECT_TRUE(v.verify(doc).verified);
  }
  EXPECT_EQ(v.stats().certificate_decodes, 2u);  // leaf and intermediate, once each
  EXPECT_EQ(v.stats().chain_builds, 1u);
}

TEST(Verifier, WithoutCacheDecodesEveryTime) {
  VerifyOptions o = options_at(kTestNow);
  o.cache = false;
  Verifier v(trust_with(pki().root), o);
  auto doc = testing::envelope(testing::sign(testing::payload("1"), pki().leaf,
                                             with_chain()));
  EXPECT_TRUE(v.verify(doc).verified);
  EXPECT_TRUE(v.verify(doc).verified);
  EXPECT_EQ(v.stats().certificate_decodes, 4u);
  EXPECT_EQ(v.stats().chain_builds, 2u);
}

TEST(Verifier, ReChecksTheCachedChainWhenTheTimeLeavesItsWindow) {
  VerifyOptions o = options_at(kTestNow);
  Verifier v(trust_with(pki().root), o);
  auto doc = testing::envelope(testing::sign(testing::payload("1", kTestNow + 400 * kDay - 60,
                                                              kTestNow + 400 * kDay + 3600),
                                             pki().leaf, with_chain()));
  Verifier later(trust_with(pki().root), options_at(kTestNow + 400 * kDay));
  VerificationReport r = later.verify(doc);
  EXPECT_EQ(r.code, ErrorCode::kChainCertExpired) << r.message;
}

TEST(Verifier, AzureDocsSampleVerifiesItsSignatureButFailsItsChain) {
  std::ifstream f(std::string(HCIATTEST_SAMPLES_DIR) + "/azure-docs-sample.json");
  std::stringstream ss;
  ss << f.rdbuf();
  auto trust = std::make_shared<TrustStore>();
  trust->add_bundled();
  // 2018-11-20T22:08:00Z: inside the document's own validity window.
  Verifier v(trust, options_at(1542751680));
  VerificationReport r = v.verify(ss.str());
  EXPECT_FALSE(r.verified);
  EXPECT_EQ(check(r, "structure").status, CheckStatus::kPass);
  EXPECT_EQ(check(r, "signature").status, CheckStatus::kPass) << check(r, "signature").message;
  EXPECT_EQ(check(r, "chain").status, CheckStatus::kFail);
  EXPECT_EQ(r.code, ErrorCode::kChainSelfSignedLeaf) << r.message;
  EXPECT_EQ(check(r, "timestamp").status, CheckStatus::kPass) << check(r, "timestamp").message;
  ASSERT_TRUE(r.payload.has_value());
  EXPECT_EQ(r.payload->nonce, "1234566766");
  ASSERT_NE(r.signer, nullptr);
  EXPECT_EQ(r.signer->subject, "CN=testsubdomain.metadata.azure.com");
}

TEST(Verifier, LeavesNoOpenSslErrorBehindForAnUndecodableSubjectAltName) {
  // X509_get_ext_d2i leaves errors on the thread's queue; they must not reach the next document's
  // diagnosis (found by tests/fuzz/verify_fuzzer).
  testing::CertSpec spec;
  spec.cn = "metadata.azure.com";
  spec.extensions = {{"subjectAltName", "DER:05:00"}};
  const testing::Cert leaf = testing::make_cert(spec, &pki().intermediate);
  Verifier v(trust_with(pki().root), options_at(kTestNow));
  ERR_clear_error();
  for (int i = 0; i < 2; ++i) {  // the second time from the certificate cache
    VerificationReport r =
        v.verify(testing::envelope(testing::sign(testing::payload("1"), leaf, with_chain())));
    EXPECT_FALSE(r.verified);
    EXPECT_EQ(ERR_peek_error(), 0ul) << detail::drain_openssl_errors();
  }
}

TEST(Verifier, BundledAnchorsAreLoaded) {
  TrustStore t;
  t.add_bundled();
  EXPECT_EQ(t.anchor_count(), 3u);        // DigiCert G2, Microsoft RSA 2017, Microsoft TLS RSA G2
  EXPECT_EQ(t.intermediate_count(), 17u);  // 8 Azure issuing CAs (4 cross-signed), 8 TLS G2, the G2 cross-sign
}

}  // namespace
}  // namespace hciattest::attest
