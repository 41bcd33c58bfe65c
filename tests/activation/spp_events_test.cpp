// Interpreting Security-SPP events, newest first, on every platform. The data strings are shaped
// as the events carry them (FACTS.md: 12288 names the KMS host:port, 8198 carries "hr=0x...").
#include "activation/spp_events.h"

#include <gtest/gtest.h>

namespace hciattest::activation {
namespace {

SppEvent ev(std::uint32_t id, const char* time, std::vector<std::string> data) {
  return {id, time, std::move(data)};
}

const SppEvent kRequest = ev(12288, "2026-11-30T08:00:01Z",
                             {"0x0", "5", "azkms.core.windows.net:1688", "cmid", "0"});
const SppEvent kResponseOk = ev(12289, "2026-11-30T08:00:02Z", {"0x0", "0x1", "0"});
const SppEvent kSluiFailed =
    ev(8198, "2026-11-30T09:00:00Z", {"hr=0xC004F074", "RuleId=31e71c49-8da7-4a2f-ad92"});

TEST(SppEvents, ARequestNamesItsKmsHost) {
  const SppFinding f = interpret_spp_event(kRequest);
  EXPECT_EQ(f.kms_host, "azkms.core.windows.net:1688");
  EXPECT_FALSE(f.failure);
}

TEST(SppEvents, A8198CarriesItsHresult) {
  const SppFinding f = interpret_spp_event(kSluiFailed);
  EXPECT_TRUE(f.failure);
  ASSERT_TRUE(f.hresult);
  EXPECT_EQ(*f.hresult, 0xC004F074u);
}

TEST(SppEvents, ARequestAnsweredIsASuccess) {
  const SppSummary s = summarize_spp_events({kResponseOk, kRequest});
  EXPECT_TRUE(s.any);
  EXPECT_FALSE(s.failing) << s.summary;
  EXPECT_EQ(s.evidence.size(), 2u);
}

TEST(SppEvents, ARequestWithoutAResponseAfterItMeansTheHostIsSilent) {
  const SppEvent older_response = ev(12289, "2026-11-23T08:00:02Z", {"0x0"});
  const SppSummary s = summarize_spp_events({kRequest, older_response});
  EXPECT_TRUE(s.failing);
  EXPECT_NE(s.summary.find("to azkms.core.windows.net:1688 got no response"), std::string::npos)
      << s.summary;
}

TEST(SppEvents, TheNewestFailureIsDecoded) {
  const SppSummary s = summarize_spp_events({kSluiFailed, kResponseOk, kRequest});
  EXPECT_TRUE(s.failing);
  ASSERT_TRUE(s.last_error);
  EXPECT_NE(s.summary.find("0xC004F074 (kms_not_contacted"), std::string::npos) << s.summary;
  EXPECT_NE(s.evidence.front().find("2026-11-30T09:00:00Z 8198"), std::string::npos);
}

TEST(SppEvents, ASuccessAfterAnOlderFailureIsASuccess) {
  const SppSummary s = summarize_spp_events({kResponseOk, kRequest, kSluiFailed});
  EXPECT_FALSE(s.failing) << s.summary;
}

TEST(SppEvents, AResponseWithAnErrorCodeIsAFailure) {
  const SppSummary s = summarize_spp_events({ev(12289, "t", {"0xC004F06C"}), kRequest});
  EXPECT_TRUE(s.failing);
  EXPECT_NE(s.summary.find("SL_E_VL_INVALID_TIMESTAMP"), std::string::npos) << s.summary;
}

TEST(SppEvents, NoEventsIsSaid) {
  const SppSummary s = summarize_spp_events({});
  EXPECT_FALSE(s.any);
  EXPECT_EQ(s.summary, "no activation attempt is logged");
}

}  // namespace
}  // namespace hciattest::activation
