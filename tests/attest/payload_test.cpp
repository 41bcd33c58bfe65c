#include "attest/payload.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/payload_reference.h"

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
  EXPECT_EQ(r.payload.json()["extra"]["a"], 1);
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

// The single-pass reader must find what a lookup in the parsed tree finds, for every shape a
// hostile or odd payload can take: repeated members (the last counts), members of the wrong
// type, a timeStamp that is replaced, nested look-alikes, escapes.
TEST(Payload, ReadsWhatTheParsedTreeHolds) {
  const std::string ts = R"("timeStamp":{"createdOn":"11/20/18 22:07:39 -0000","expiresOn":"11/21/18 04:07:39 -0000"})";
  const std::string base = R"("vmId":"v",)" + ts;
  const std::vector<std::string> cases = {
      "{\"nonce\":\"1\"," + base + "}",
      "{\"nonce\":\"1\",\"nonce\":\"2\"," + base + "}",           // last wins
      "{\"nonce\":\"1\",\"nonce\":2," + base + "}",                  // last is not a string
      "{\"nonce\":2,\"nonce\":\"1\"," + base + "}",
      "{\"nonce\":{\"a\":\"b\"}," + base + "}",
      "{\"nonce\":[\"1\"]," + base + "}",
      "{\"nonce\":null," + base + "}",
      "{\"nonce\":true," + base + "}",
      "{\"nonce\":1.5," + base + "}",
      "{\"nonce\":\"1\",\"vmId\":\"v\"," + ts + ",\"timeStamp\":\"late\"}",
      "{\"nonce\":\"1\",\"vmId\":\"v\"," + ts + ",\"timeStamp\":{\"createdOn\":\"11/20/18 22:07:39 -0000\"}}",
      "{\"nonce\":\"1\",\"vmId\":\"v\",\"timeStamp\":[]," + ts + "}",
      "{\"nonce\":\"1\",\"vmId\":\"v\",\"timeStamp\":{\"createdOn\":{\"expiresOn\":\"x\"},"
      "\"expiresOn\":\"11/21/18 04:07:39 -0000\"}}",
      "{\"nonce\":\"1\",\"vmId\":\"v\",\"timeStamp\":{\"createdOn\":\"11/20/18 22:07:39 -0000\","
      "\"expiresOn\":\"11/21/18 04:07:39 -0000\",\"createdOn\":\"11/22/18 22:07:39 -0000\"}}",
      "{\"outer\":{\"nonce\":\"nested\",\"timeStamp\":{}},\"nonce\":\"1\"," + base + "}",
      "{\"nonce\":\"1\"," + base + ",\"extra\":{\"timeStamp\":{\"createdOn\":5}}}",
      "{\"nonce\":\"1\"," + base + ",\"list\":[{\"nonce\":\"x\"},\"vmId\",[\"sku\"]]}",
      "{\"n\\u006fnce\":\"esc\\\"aped\"," + base + "}",                  // escaped key and value
      "{\"nonce\":\"1\"," + base + ",\"sku\":\"a\",\"sku\":7,\"licenseType\":\"L\"}",
      "{\"nonce\":\"1\"," + base + ",\"subscriptionId\":{},\"subscriptionId\":\"s\"}",
      "{\"nonce\":\"1\"," + base + "} ",
      "{\"nonce\":\"1\"," + base + "} x",
      "{\"nonce\":\"1\"," + base,
      "{}",
      "\"nonce\"",
      "null",
      "",
  };
  for (const std::string& c : cases) {
    EXPECT_EQ(testing::payload_difference(c, parse_payload(c)), "") << c;
  }
}

}  // namespace
}  // namespace hciattest::attest
