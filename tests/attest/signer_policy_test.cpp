#include "attest/signer_policy.h"

#include <gtest/gtest.h>

namespace hciattest::attest {
namespace {

TEST(SignerPolicy, AcceptsTheHostAndItsSubdomains) {
  EXPECT_TRUE(name_within_domain("metadata.azure.com", "metadata.azure.com"));
  EXPECT_TRUE(name_within_domain("eastus.metadata.azure.com", "metadata.azure.com"));
  EXPECT_TRUE(name_within_domain("EastUS.Metadata.Azure.COM", "metadata.azure.com"));
  EXPECT_TRUE(name_within_domain("*.metadata.azure.com", "metadata.azure.com"));
}

TEST(SignerPolicy, RejectsLookAlikes) {
  EXPECT_FALSE(name_within_domain("metadata.azure.com.evil.example", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("evilmetadata.azure.com", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("azure.com", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("*.azure.com", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("metadata.azure.com.", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain(std::string("metadata.azure.com\0.evil", 24), "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("a..metadata.azure.com", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("x*.metadata.azure.com", "metadata.azure.com"));
  EXPECT_FALSE(name_within_domain("", "metadata.azure.com"));
}

TEST(SignerPolicy, KnowsEveryCloud) {
  EXPECT_EQ(signer_domains_for_cloud("")->size(), 4u);
  EXPECT_EQ(signer_domains_for_cloud("usgov")->front(), "metadata.azure.us");
  EXPECT_EQ(signer_domains_for_cloud("china")->front(), "metadata.azure.cn");
  EXPECT_FALSE(signer_domains_for_cloud("mars").has_value());
}

}  // namespace
}  // namespace hciattest::attest
