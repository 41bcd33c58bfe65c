// What to do after each IMDS attempt, as data: Azure's guidance and the schedule Microsoft's
// own auth library uses (AzureAD microsoft-authentication-library-for-dotnet,
// docs/imds_retry_based_on_errors.md; FACTS.md): 410 for up to ~70 s after boot; 429 2->4->8->16 s
// unless Retry-After says otherwise; 404, 408 and 5xx 1->2->4 s at most 3 retries; 400, 401,
// 403 and 405 never; a connection that times out or is refused moves on to the next endpoint.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "imds/transport.h"

namespace hciattest::imds {

struct RetryPolicy {
  std::chrono::milliseconds boot_budget{70000};   // total time 410 answers are waited out
  std::chrono::milliseconds boot_backoff_max{8000};
  int max_status_retries = 3;                      // 404, 408, 5xx
  std::chrono::milliseconds status_backoff{1000};  // 1 -> 2 -> 4 s
  int max_throttle_retries = 4;                    // 429
  std::chrono::milliseconds throttle_backoff{2000};  // 2 -> 4 -> 8 -> 16 s
  int max_connection_retries = 0;                  // per endpoint; the race covers the rest
  double jitter = 0.2;                             // +- fraction applied to computed backoffs
};

enum class Next { kDone, kRetry, kGiveUpEndpoint, kFatal };

struct Decision {
  Next next = Next::kDone;
  std::chrono::milliseconds wait{0};
  std::string reason;
};

// The per-endpoint state the policy needs.
struct AttemptHistory {
  int status_retries = 0;
  int throttle_retries = 0;
  int connection_retries = 0;
  std::chrono::milliseconds boot_waited{0};
};

// Decides after one attempt. `random01` gives jitter in [0, 1) (injected for tests).
Decision decide(const RetryPolicy& policy, const HttpResponse& response, AttemptHistory& history,
                const std::function<double()>& random01);

// Explains a status IMDS does not retry, for the report.
std::string explain_status(int status);

}  // namespace hciattest::imds
