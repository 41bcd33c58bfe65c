#include "imds/aia_fetcher.h"

#include <gtest/gtest.h>

#include "attest/verifier.h"
#include "tests/support/loopback_server.h"
#include "tests/support/test_pki.h"

namespace hciattest::imds {
namespace {

using testing::CannedResponse;
using testing::LoopbackServer;

const testing::Hierarchy& pki() {
  static const testing::Hierarchy h = testing::make_hierarchy();
  return h;
}

std::string der_string(const testing::Cert& c) {
  auto d = c.der();
  return std::string(d.begin(), d.end());
}

CannedResponse serve(const std::string& path, int port) {
  if (path == "/ca.crt") return {200, der_string(pki().intermediate), {}, {}, {}, 0};
  if (path == "/big.crt") return {200, std::string(20000, 'x'), {}, {}, {}, 0};
  if (path == "/moved") return {302, "", {{"Location", "/ca.crt"}}, {}, {}, 0};
  if (path == "/away") return {302, "", {{"Location", "http://evil.example/ca.crt"}}, {}, {}, 0};
  if (path == "/loop") {
    return {302, "", {{"Location", "http://127.0.0.1:" + std::to_string(port) + "/loop"}}, {}, {}, 0};
  }
  return {404, "no", {}, {}, {}, 0};
}

class AiaFetcher : public ::testing::Test {
 protected:
  AiaFetcher()
      : server_([this](const std::string& p) { return serve(p, server_.port()); }) {
    policy_.allowed_hosts = {"127.0.0.1:" + std::to_string(server_.port())};
    policy_.timeout = std::chrono::milliseconds(3000);
    // Made here, on the test's thread: made lazily inside the handler, OpenSSL's per-thread state
    // would be allocated on a cpprestsdk listener thread that is never joined (LeakSanitizer).
    pki();
  }
  LoopbackServer server_;
  AiaFetchPolicy policy_;
};

TEST_F(AiaFetcher, FetchesFromAnAllowedHost) {
  AiaFetchResult r = fetch_aia(server_.base_url() + "/ca.crt", policy_);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.bytes, der_string(pki().intermediate));
}

TEST_F(AiaFetcher, RefusesAHostOffTheListWithoutConnecting) {
  policy_.allowed_hosts = {"127.0.0.1"};  // default port only: the server's port is not allowed
  AiaFetchResult r = fetch_aia(server_.base_url() + "/ca.crt", policy_);
  EXPECT_NE(r.error.find("not on the AIA allow-list"), std::string::npos) << r.error;
  EXPECT_EQ(server_.requests(), 0);
}

TEST_F(AiaFetcher, CapsTheBody) {
  AiaFetchResult r = fetch_aia(server_.base_url() + "/big.crt", policy_);
  EXPECT_NE(r.error.find("cap"), std::string::npos) << r.error;
  EXPECT_TRUE(r.bytes.empty());
}

TEST_F(AiaFetcher, FollowsARedirectInsideTheList) {
  AiaFetchResult r = fetch_aia(server_.base_url() + "/moved", policy_);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.visited.size(), 2u);
}

TEST_F(AiaFetcher, RefusesARedirectOffTheList) {
  AiaFetchResult r = fetch_aia(server_.base_url() + "/away", policy_);
  EXPECT_NE(r.error.find("evil.example"), std::string::npos) << r.error;
  EXPECT_EQ(server_.requests(), 1);
}

TEST_F(AiaFetcher, StopsARedirectLoop) {
  AiaFetchResult r = fetch_aia(server_.base_url() + "/loop", policy_);
  EXPECT_NE(r.error.find("redirects"), std::string::npos) << r.error;
  EXPECT_EQ(server_.requests(), policy_.max_redirects + 1);
}

TEST_F(AiaFetcher, ReportsHttpErrors) {
  AiaFetchResult r = fetch_aia(server_.base_url() + "/missing.crt", policy_);
  EXPECT_NE(r.error.find("404"), std::string::npos) << r.error;
}

TEST(AiaUrlRefusal, AllowsOnlyListedHostsAndSchemes) {
  AiaFetchPolicy p;
  EXPECT_EQ(aia_url_refusal("http://www.microsoft.com/pkiops/certs/x.crt", p), "");
  EXPECT_EQ(aia_url_refusal("http://CACERTS.digicert.com/x.crt", p), "");
  EXPECT_NE(aia_url_refusal("http://www.microsoft.com:8080/x.crt", p), "");
  EXPECT_NE(aia_url_refusal("http://www.microsoft.com.evil.example/x.crt", p), "");
  EXPECT_NE(aia_url_refusal("http://user@www.microsoft.com/x.crt", p), "");
  EXPECT_NE(aia_url_refusal("file:///etc/passwd", p), "");
  EXPECT_NE(aia_url_refusal("ldap://www.microsoft.com/x", p), "");
  EXPECT_NE(aia_url_refusal("http://169.254.169.254/metadata", p), "");
  EXPECT_NE(aia_url_refusal("not a url", p), "");
}

TEST_F(AiaFetcher, LetsTheVerifierCompleteAChainFromTheIssuersAddress) {
  testing::CertSpec spec;
  spec.cn = "metadata.azure.com";
  spec.dns = {"metadata.azure.com"};
  spec.ca_issuers = {server_.base_url() + "/ca.crt"};
  testing::Cert leaf = testing::make_cert(spec, &pki().intermediate);
  auto trust = std::make_shared<attest::TrustStore>();
  ASSERT_TRUE(trust->add_anchors_pem(pki().root.pem(), "root.pem").ok);
  attest::VerifyOptions options;
  options.time = testing::kTestNow;
  AiaFetchPolicy policy = policy_;
  options.fetch_issuer = [policy](const std::string& url) {
    AiaFetchResult r = fetch_aia(url, policy);
    return attest::FetchedIssuer{r.bytes, r.error};
  };
  attest::Verifier verifier(trust, options);
  auto report = verifier.verify(testing::envelope(testing::sign(testing::payload("1"), leaf)));
  EXPECT_TRUE(report.verified) << report.message;
  ASSERT_EQ(report.chain.size(), 3u);
  EXPECT_EQ(report.chain[1].origin, "fetched");
  EXPECT_EQ(report.fetched_urls, std::vector<std::string>{server_.base_url() + "/ca.crt"});

  // Without the fetcher the same document names the address to download.
  attest::VerifyOptions offline;
  offline.time = testing::kTestNow;
  attest::Verifier no_net(trust, offline);
  auto rejected = no_net.verify(testing::envelope(testing::sign(testing::payload("1"), leaf)));
  EXPECT_EQ(rejected.code, attest::ErrorCode::kChainIssuerMissing);
  EXPECT_NE(rejected.message.find(server_.base_url() + "/ca.crt"), std::string::npos);
}

TEST_F(AiaFetcher, AFetchedCertificateThatIsNotTheIssuerIsNotUsed) {
  testing::CertSpec spec;
  spec.cn = "metadata.azure.com";
  spec.ca_issuers = {server_.base_url() + "/ca.crt"};
  // Signed by an unrelated CA: the served intermediate is not its issuer.
  testing::CertSpec other_ca;
  other_ca.cn = "Other CA";
  other_ca.ca = true;
  testing::Cert other = testing::make_cert(other_ca, &pki().root);
  testing::Cert leaf = testing::make_cert(spec, &other);
  auto trust = std::make_shared<attest::TrustStore>();
  ASSERT_TRUE(trust->add_anchors_pem(pki().root.pem(), "root.pem").ok);
  attest::VerifyOptions options;
  options.time = testing::kTestNow;
  AiaFetchPolicy policy = policy_;
  options.fetch_issuer = [policy](const std::string& url) {
    AiaFetchResult r = fetch_aia(url, policy);
    return attest::FetchedIssuer{r.bytes, r.error};
  };
  attest::Verifier verifier(trust, options);
  auto report = verifier.verify(testing::envelope(testing::sign(testing::payload("1"), leaf)));
  EXPECT_FALSE(report.verified);
  EXPECT_EQ(report.code, attest::ErrorCode::kChainIssuerMissing);
  EXPECT_NE(report.message.find("not the issuer"), std::string::npos) << report.message;
}

}  // namespace
}  // namespace hciattest::imds
