#include "attest/embedded_certificates.h"

#include <gtest/gtest.h>

#include "tests/support/test_pki.h"

namespace hciattest::attest {
namespace {

// DER sorts a SET OF by encoding, so the document may hold the intermediate first.
TEST(EmbeddedCertificates, TheSignersComesFirst) {
  const testing::Hierarchy h = testing::make_hierarchy();
  testing::SignSpec spec;
  spec.extra_certs = {&h.intermediate};
  const std::string doc = testing::envelope(testing::sign(testing::payload("1234567890"), h.leaf, spec));
  const auto certs = embedded_certificates(doc);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[0], h.leaf.der());
  EXPECT_EQ(certs[1], h.intermediate.der());
}

TEST(EmbeddedCertificates, ADocumentThatDoesNotDecodeHasNone) {
  EXPECT_TRUE(embedded_certificates("").empty());
  EXPECT_TRUE(embedded_certificates("{\"encoding\":\"pkcs7\",\"signature\":\"AAAA\"}").empty());
  testing::SignSpec spec;
  spec.embed_signer = false;
  const testing::Hierarchy h = testing::make_hierarchy();
  EXPECT_TRUE(embedded_certificates(testing::envelope(testing::sign("{}", h.leaf, spec))).empty());
}

}  // namespace
}  // namespace hciattest::attest
