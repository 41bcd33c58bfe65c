// Where IMDS's answers become decisions (imds/retry_policy.h): a run of answers, each with any
// status, transport error and Retry-After value, fed to decide() with one endpoint's history
// until it stops retrying. Whatever answers (IMDS, or whatever sits at its address), the client
// must not crash, wait a negative or unbounded time, retry without end, spend more than the boot
// budget on 410s, or call anything but a 200 without transport error done; every verdict but done
// carries its reason.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "imds/retry_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hciattest::imds;
  using std::chrono::milliseconds;
  const RetryPolicy policy;
  AttemptHistory history;
  std::size_t at = 0;
  auto next = [&]() -> std::uint8_t { return at < size ? data[at++] : 0; };
  milliseconds boot_waited{0};
  for (int attempt = 0; attempt < 1000; ++attempt) {
    HttpResponse r;
    r.status = next() | (next() << 8);
    const std::uint8_t error = next();
    r.error = static_cast<TransportError>(error % 7);
    r.error_text = "e";
    const std::size_t header = next() % 24;
    std::string value;
    for (std::size_t i = 0; i < header && at < size; ++i) value += static_cast<char>(next());
    if (header > 0) r.headers["retry-after"] = value;
    const double jitter = next() / 256.0;
    const Decision d = decide(policy, r, history, [jitter] { return jitter; });
    if (d.next == Next::kDone && (r.status != 200 || r.error != TransportError::kNone)) std::abort();
    if (d.next != Next::kDone && d.reason.empty()) std::abort();
    if (d.wait < milliseconds(0) || d.wait > milliseconds(60000)) std::abort();
    if (explain_status(r.status).empty()) std::abort();
    if (r.error == TransportError::kNone && r.status == 410 && d.next == Next::kRetry) {
      boot_waited += d.wait;
    }
    if (boot_waited > policy.boot_budget) std::abort();
    if (d.next != Next::kRetry) return 0;
    if (at >= size) return 0;
  }
  std::abort();  // a thousand retries from one endpoint: the policy never gives up
}
