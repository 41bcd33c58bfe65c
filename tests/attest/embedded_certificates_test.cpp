#include "attest/embedded_certificates.h"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <algorithm>

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

// Found by verify_parse_fuzzer: a certificate OpenSSL cannot decode left its errors on the
// thread's queue, for the next OpenSSL call to be blamed for.
TEST(EmbeddedCertificates, ACertificateOpenSslCannotDecodeIsKeptAndLeavesNoError) {
  const testing::Hierarchy h = testing::make_hierarchy();
  testing::SignSpec spec;
  spec.extra_certs = {&h.intermediate};
  std::vector<unsigned char> der = testing::sign(testing::payload("1234567890"), h.leaf, spec);
  const auto leaf_der = h.leaf.der();
  const std::vector<unsigned char> leaf(leaf_der.begin(), leaf_der.end());
  auto at = std::search(der.begin(), der.end(), leaf.begin(), leaf.end());
  ASSERT_NE(at, der.end());
  // Certificate and TBSCertificate headers (4 bytes each), the [0] version (5 bytes): the serial
  // number's INTEGER tag becomes an OCTET STRING, same length, so only X.509 decoding fails.
  ASSERT_EQ(at[13], 0x02);
  at[13] = 0x04;
  ERR_clear_error();
  const auto certs = embedded_certificates(testing::envelope(der));
  EXPECT_EQ(ERR_peek_error(), 0u);
  // Both are handed on, in the document's order: the damaged one cannot be named the signer.
  ASSERT_EQ(certs.size(), 2u);
  const auto intermediate = h.intermediate.der();
  const bool damaged_first = certs[0][13] == 0x04;
  EXPECT_EQ(certs[damaged_first ? 1 : 0], std::vector<unsigned char>(intermediate.begin(), intermediate.end()));
  EXPECT_EQ(certs[damaged_first ? 0 : 1][13], 0x04);
}

}  // namespace
}  // namespace hciattest::attest
