// Windows' own chain engine (Wine's crypt32 under the mingw build) on the committed test chain
// tests/data/windows_chain/ (made by tests/support/make_windows_chain_fixtures.cpp): a leaf whose
// issuer is in no store, and the issuer supplied but the root untrusted; and a real Microsoft
// issuing CA that chains to a root Wine trusts.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <wincrypt.h>
// clang-format on

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "activation/windows_chain.h"

namespace hciattest::activation {
namespace {

std::vector<unsigned char> fixture(const char* name) {
  std::ifstream f(std::string(HCIATTEST_WINDOWS_CHAIN_DIR) + "/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

constexpr std::int64_t kInside = 1893456000;  // 2030-01-01, inside the fixtures' validity

TEST(WindowsChain, AnIssuerInNoStoreIsAPartialChainNamingIt) {
  const auto leaf = fixture("leaf.der");
  ASSERT_FALSE(leaf.empty()) << HCIATTEST_WINDOWS_CHAIN_DIR;
  const WindowsChainResult r = check_windows_chain({leaf}, kInside);
  ASSERT_TRUE(r.available) << r.error;
  EXPECT_FALSE(r.trusted);
  EXPECT_TRUE(r.error_status & CERT_TRUST_IS_PARTIAL_CHAIN) << std::hex << r.error_status;
  EXPECT_NE(r.missing_issuer.find("hciattest Windows chain test issuing CA"), std::string::npos)
      << r.missing_issuer;
  ASSERT_FALSE(r.chain.empty());
  EXPECT_NE(r.chain.front().find("metadata.azure.com"), std::string::npos) << r.chain.front();
}

TEST(WindowsChain, AnUntrustedRootIsSaid) {
  const WindowsChainResult r = check_windows_chain(
      {fixture("leaf.der"), fixture("issuing_ca.der"), fixture("root.der")}, kInside);
  ASSERT_TRUE(r.available) << r.error;
  EXPECT_FALSE(r.trusted);
  EXPECT_TRUE(r.error_status & CERT_TRUST_IS_UNTRUSTED_ROOT) << std::hex << r.error_status;
  EXPECT_EQ(r.chain.size(), 3u);
  EXPECT_TRUE(r.missing_issuer.empty());
}

// Wine's LocalMachine Root store is built from the host's CA bundle (Debian ca-certificates):
// adding a certificate to it succeeds but is not seen by the next open or by the chain engine
// (docs/windows-under-wine.md). So the trusted case uses a real Microsoft issuing CA whose
// cross-signed certificate chains to DigiCert Global Root G2, which that bundle holds.
constexpr std::int64_t kJune2026 = 1780315200;

TEST(WindowsChain, ARealAzureIssuingCaChainsToDigiCertGlobalRootG2) {
  const auto ca = fixture("microsoft_azure_rsa_tls_issuing_ca_03_xsign.der");
  ASSERT_FALSE(ca.empty());
  const WindowsChainResult r = check_windows_chain({ca}, kJune2026);
  ASSERT_TRUE(r.available) << r.error;
  EXPECT_TRUE(r.trusted) << std::hex << r.error_status;
  EXPECT_TRUE(r.problems.empty());
  ASSERT_EQ(r.chain.size(), 2u);
  EXPECT_NE(r.chain[0].find("Microsoft Azure RSA TLS Issuing CA 03"), std::string::npos);
  EXPECT_NE(r.chain[1].find("DigiCert Global Root G2"), std::string::npos) << r.chain[1];
}

TEST(WindowsChain, OutsideTheValidityPeriodItIsNotTrusted) {
  const WindowsChainResult r =
      check_windows_chain({fixture("microsoft_azure_rsa_tls_issuing_ca_03_xsign.der")},
                          2524608000);  // 2050
  ASSERT_TRUE(r.available) << r.error;
  EXPECT_FALSE(r.trusted);
  EXPECT_TRUE(r.error_status & CERT_TRUST_IS_NOT_TIME_VALID) << std::hex << r.error_status;
  EXPECT_EQ(r.problems.front(), "a certificate is outside its validity period");
}

TEST(WindowsChain, ABrokenCertificateIsAnErrorWithTheReason) {
  const WindowsChainResult r = check_windows_chain({{0x30, 0x03, 0x02, 0x01, 0x00}});
  EXPECT_FALSE(r.available);
  EXPECT_NE(r.error.find("CertCreateCertificateContext"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace hciattest::activation
