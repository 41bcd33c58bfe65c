#include "imds/retry_policy.h"

#include <gtest/gtest.h>

namespace hciattest::imds {
namespace {

using std::chrono::milliseconds;

HttpResponse status(int s, std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = s;
  r.headers = std::move(headers);
  return r;
}

HttpResponse transport_error(TransportError e) {
  HttpResponse r;
  r.error = e;
  r.error_text = "boom";
  return r;
}

const auto kMid = [] { return 0.5; };

struct Row {
  const char* name;
  HttpResponse response;
  Next next;
  milliseconds wait;
};

class FirstDecision : public ::testing::TestWithParam<Row> {};

TEST_P(FirstDecision, FollowsTheSchedule) {
  AttemptHistory h;
  Decision d = decide(RetryPolicy{}, GetParam().response, h, kMid);
  EXPECT_EQ(d.next, GetParam().next) << d.reason;
  EXPECT_EQ(d.wait, GetParam().wait);
  EXPECT_FALSE(d.reason.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Statuses, FirstDecision,
    ::testing::Values(Row{"ok", status(200), Next::kDone, milliseconds(0)},
                      Row{"bad_request", status(400), Next::kFatal, milliseconds(0)},
                      Row{"unauthorized", status(401), Next::kFatal, milliseconds(0)},
                      Row{"forbidden", status(403), Next::kFatal, milliseconds(0)},
                      Row{"method", status(405), Next::kFatal, milliseconds(0)},
                      Row{"not_found", status(404), Next::kRetry, milliseconds(1000)},
                      Row{"request_timeout", status(408), Next::kRetry, milliseconds(1000)},
                      Row{"gone_at_boot", status(410), Next::kRetry, milliseconds(1000)},
                      Row{"throttled", status(429), Next::kRetry, milliseconds(2000)},
                      Row{"throttled_retry_after", status(429, {{"retry-after", "3"}}),
                          Next::kRetry, milliseconds(3000)},
                      Row{"server_error", status(500), Next::kRetry, milliseconds(1000)},
                      Row{"unavailable", status(503), Next::kRetry, milliseconds(1000)},
                      Row{"timeout", transport_error(TransportError::kTimeout),
                          Next::kGiveUpEndpoint, milliseconds(0)},
                      Row{"refused", transport_error(TransportError::kRefused),
                          Next::kGiveUpEndpoint, milliseconds(0)},
                      Row{"too_large", transport_error(TransportError::kTooLarge),
                          Next::kGiveUpEndpoint, milliseconds(0)},
                      Row{"cancelled", transport_error(TransportError::kCancelled), Next::kFatal,
                          milliseconds(0)}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RetryPolicy, ServerErrorsBackOff1To2To4ThenGiveUp) {
  AttemptHistory h;
  std::vector<milliseconds> waits;
  Decision d;
  while ((d = decide(RetryPolicy{}, status(500), h, kMid)).next == Next::kRetry) waits.push_back(d.wait);
  EXPECT_EQ(waits, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000), milliseconds(4000)}));
  EXPECT_EQ(d.next, Next::kGiveUpEndpoint);
}

TEST(RetryPolicy, ThrottlingBacksOff2To4To8To16) {
  AttemptHistory h;
  std::vector<milliseconds> waits;
  Decision d;
  while ((d = decide(RetryPolicy{}, status(429), h, kMid)).next == Next::kRetry) waits.push_back(d.wait);
  EXPECT_EQ(waits, (std::vector<milliseconds>{milliseconds(2000), milliseconds(4000),
                                              milliseconds(8000), milliseconds(16000)}));
}

TEST(RetryPolicy, BootGoneIsWaitedOutForSeventySecondsInAll) {
  AttemptHistory h;
  milliseconds total{0};
  Decision d;
  int retries = 0;
  while ((d = decide(RetryPolicy{}, status(410), h, kMid)).next == Next::kRetry) {
    total += d.wait;
    EXPECT_LE(d.wait, milliseconds(8000));
    ASSERT_LT(++retries, 100);
  }
  EXPECT_EQ(total, milliseconds(70000));
  EXPECT_EQ(d.next, Next::kGiveUpEndpoint);
}

TEST(RetryPolicy, JitterStaysWithinItsBand) {
  for (double r : {0.0, 0.999}) {
    AttemptHistory h;
    Decision d = decide(RetryPolicy{}, status(500), h, [r] { return r; });
    EXPECT_GE(d.wait, milliseconds(800));
    EXPECT_LE(d.wait, milliseconds(1200));
  }
}

TEST(RetryPolicy, RetryAfterIsCapped) {
  AttemptHistory h;
  Decision d = decide(RetryPolicy{}, status(429, {{"retry-after", "100000"}}), h, kMid);
  EXPECT_EQ(d.wait, milliseconds(60000));
}

TEST(RetryPolicy, ExplainsWhatItDoesNotRetry) {
  EXPECT_NE(explain_status(400).find("Metadata: true"), std::string::npos);
  EXPECT_NE(explain_status(405).find("GET"), std::string::npos);
}

}  // namespace
}  // namespace hciattest::imds
