#include "emulator/imds_emulator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "attest/verifier.h"
#include "tests/support/emulator_fixture.h"

namespace hciattest::emulator {
namespace {

constexpr std::int64_t kNow = 1780315200;

ImdsEmulator make(Faults f = {}) {
  auto steady = std::chrono::steady_clock::now();
  return ImdsEmulator(testing::shared_emulator_pki(), f, VmIdentity{}, [] { return kNow; },
                      [steady] { return steady; });
}

EmulatorRequest get(const std::string& path, const std::string& query,
                    std::map<std::string, std::string> headers = {{"metadata", "true"}}) {
  EmulatorRequest r;
  r.path = path;
  r.query = query;
  r.headers = std::move(headers);
  return r;
}

nlohmann::json payload_of(const EmulatorReply& reply) {
  auto trust = std::make_shared<attest::TrustStore>();
  trust->add_anchors_pem(testing::shared_emulator_pki()->root_pem(), "emulator");
  attest::VerifyOptions o;
  o.time = kNow;
  attest::Verifier v(trust, o);
  auto report = v.verify(reply.body);
  EXPECT_TRUE(report.verified) << report.message;
  return report.payload ? report.payload->json() : nlohmann::json();
}

TEST(ImdsEmulator, SignsADocumentThatEchoesTheNonce) {
  auto emu = make();
  auto reply = emu.handle(get("/metadata/attested/document", "api-version=2021-02-01&nonce=abc123"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto p = payload_of(reply);
  EXPECT_EQ(p["nonce"], "abc123");
  EXPECT_EQ(p["timeStamp"]["createdOn"], "06/01/26 12:00:00 -0000");
  EXPECT_EQ(p["timeStamp"]["expiresOn"], "06/01/26 18:00:00 -0000");
  EXPECT_EQ(p["licenseType"], "Windows_Server");
}

TEST(ImdsEmulator, PayloadFieldsFollowTheApiVersion) {
  auto emu = make();
  auto old = payload_of(emu.handle(get("/metadata/attested/document", "api-version=2019-03-11&nonce=1")));
  EXPECT_FALSE(old.contains("subscriptionId"));
  EXPECT_FALSE(old.contains("sku"));
  auto mid = payload_of(emu.handle(get("/metadata/attested/document", "api-version=2019-11-01&nonce=1")));
  EXPECT_TRUE(mid.contains("subscriptionId"));
  EXPECT_TRUE(mid.contains("sku"));
  EXPECT_FALSE(mid.contains("licenseType"));
}

TEST(ImdsEmulator, WithoutANoncePutsATimestampThere) {
  auto emu = make();
  auto p = payload_of(emu.handle(get("/metadata/attested/document", "api-version=2021-02-01")));
  EXPECT_EQ(p["nonce"], "20260601-180000");
}

TEST(ImdsEmulator, RefusesWhatImdsRefuses) {
  auto emu = make();
  EXPECT_EQ(emu.handle(get("/metadata/attested/document", "api-version=2021-02-01", {})).status, 400);
  EXPECT_EQ(emu.handle(get("/metadata/attested/document", "api-version=2021-02-01",
                           {{"metadata", "true"}, {"x-forwarded-for", "10.0.0.1"}}))
                .status,
            400);
  EXPECT_EQ(emu.handle(get("/metadata/attested/document",
                           "api-version=2021-02-01&nonce=1&nonce=2")).status,
            400);
  EXPECT_EQ(emu.handle(get("/metadata/attested/document", "api-version=2021-02-01&nonce=a%20b")).status,
            400);
  EXPECT_EQ(emu.handle(get("/metadata/nothing", "api-version=2021-02-01")).status, 404);
  EmulatorRequest post = get("/metadata/attested/document", "api-version=2021-02-01");
  post.method = "POST";
  EXPECT_EQ(emu.handle(post).status, 405);
}

TEST(ImdsEmulator, ABadApiVersionListsTheNewest) {
  auto emu = make();
  auto reply = emu.handle(get("/metadata/attested/document", "nonce=1"));
  EXPECT_EQ(reply.status, 400);
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body["newest-versions"][0], supported_api_versions().front());
  EXPECT_EQ(emu.handle(get("/metadata/versions", "")).status, 200);
}

TEST(ImdsEmulator, ServesInstanceMetadata) {
  auto emu = make();
  auto reply = emu.handle(get("/metadata/instance", "api-version=2021-02-01"));
  ASSERT_EQ(reply.status, 200);
  auto body = nlohmann::json::parse(reply.body);
  EXPECT_EQ(body["compute"]["osType"], "Windows");
  EXPECT_EQ(body["compute"]["licenseType"], "Windows_Server");
}

TEST(ImdsEmulator, FaultsChangeTheReply) {
  Faults reset;
  reset.reset = true;
  EXPECT_EQ(make(reset).handle(get("/metadata/attested/document", "api-version=2021-02-01")).delivery,
            EmulatorReply::Delivery::kReset);
  Faults boot;
  boot.boot_410_seconds = 5;
  EXPECT_EQ(make(boot).handle(get("/metadata/attested/document", "api-version=2021-02-01")).status, 410);
  Faults every;
  every.fail_every = 2;
  auto emu = make(every);
  EXPECT_EQ(emu.handle(get("/metadata/attested/document", "api-version=2021-02-01")).status, 200);
  EXPECT_EQ(emu.handle(get("/metadata/attested/document", "api-version=2021-02-01")).status, 500);
  Faults slow;
  slow.delay_ms = 250;
  slow.drip = true;
  auto reply = make(slow).handle(get("/metadata/attested/document", "api-version=2021-02-01"));
  EXPECT_EQ(reply.delay.count(), 250);
  EXPECT_EQ(reply.delivery, EmulatorReply::Delivery::kDrip);
  Faults big;
  big.oversize = true;
  EXPECT_GT(make(big).handle(get("/metadata/attested/document", "api-version=2021-02-01")).body.size(),
            64u * 1024);
}

}  // namespace
}  // namespace hciattest::emulator
