#include "attest/payload.h"

#include <gtest/gtest.h>

namespace hciattest::attest {
namespace {

TEST(ImdsTime, ParsesTheDocumentedFormat) {
  // 11/20/18 22:07:39 -0000 is 2018-11-20T22:07:39Z.
  EXPECT_EQ(parse_imds_time("11/20/18 22:07:39 -0000"), 1542751659);
  EXPECT_EQ(parse_imds_time("02/29/24 00:00:00 -0000"), 1709164800);
}

TEST(ImdsTime, AppliesTheOffset) {
  EXPECT_EQ(*parse_imds_time("11/20/18 23:07:39 +0100"), 1542751659);
}

TEST(ImdsTime, RejectsAnythingElse) {
  for (const char* bad : {"", "11/20/18 22:07:39", "2018-11-20T22:07:39Z", "13/20/18 22:07:39 -0000",
                          "02/30/24 00:00:00 -0000", "02/29/23 00:00:00 -0000",
                          "11/20/18 24:00:00 -0000", "11/20/18 22:07:39 -0000 ",
                          "1a/20/18 22:07:39 -0000", "11/20/18 22:07:39 *0000"}) {
    EXPECT_FALSE(parse_imds_time(bad).has_value()) << bad;
  }
}

TEST(ImdsTime, FormatsIso8601) {
  EXPECT_EQ(format_iso8601(1542751659), "2018-11-20T22:07:39Z");
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00Z");
}

TEST(Payload, KeepsEveryField) {
  auto r = parse_payload(
      R"({"nonce":"1","vmId":"v","timeStamp":{"createdOn":"11/20/18 22:07:39 -0000",)"
      R"("expiresOn":"11/21/18 04:07:39 -0000"},"sku":"s","extra":{"a":1}})");
  ASSERT_EQ(r.code, ErrorCode::kOk) << r.message;
  EXPECT_EQ(r.payload.sku, "s");
  EXPECT_EQ(r.payload.expires_on - r.payload.created_on, 6 * 3600);
  EXPECT_EQ(r.payload.raw["extra"]["a"], 1);
}

TEST(Payload, RejectsWhatIsNotAnAttestedPayload) {
  EXPECT_EQ(parse_payload("[1,2]").code, ErrorCode::kPayloadNotJson);
  EXPECT_EQ(parse_payload("hello").code, ErrorCode::kPayloadNotJson);
  EXPECT_EQ(parse_payload(R"({"vmId":"v"})").code, ErrorCode::kPayloadMissingField);
  EXPECT_EQ(parse_payload(R"({"nonce":"1","vmId":"v"})").code, ErrorCode::kPayloadMissingField);
  EXPECT_EQ(parse_payload(R"({"nonce":1,"vmId":"v","timeStamp":{}})").code,
            ErrorCode::kPayloadMissingField);
  EXPECT_EQ(parse_payload(R"({"nonce":"1","vmId":"v","timeStamp":{"createdOn":"x","expiresOn":"y"}})")
                .code,
            ErrorCode::kTimestampUnparsable);
  // A window that ends before it starts is not a window.
  EXPECT_EQ(parse_payload(R"({"nonce":"1","vmId":"v","timeStamp":{"createdOn":"11/21/18 22:07:39 -0000",)"
                          R"("expiresOn":"11/20/18 22:07:39 -0000"}})")
                .code,
            ErrorCode::kTimestampUnparsable);
}

}  // namespace
}  // namespace hciattest::attest
