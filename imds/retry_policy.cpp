#include "imds/retry_policy.h"

#include <algorithm>
#include <charconv>

namespace hciattest::imds {
namespace {

using std::chrono::milliseconds;

milliseconds jittered(milliseconds base, double jitter, const std::function<double()>& random01) {
  const double r = random01 ? random01() : 0.5;
  const double factor = 1.0 + jitter * (2.0 * r - 1.0);
  return milliseconds(static_cast<std::int64_t>(static_cast<double>(base.count()) * factor));
}

milliseconds exponential(milliseconds base, int retry) { return base * (1 << std::min(retry, 10)); }

// Retry-After in seconds (HTTP-date is not used by IMDS); capped so one answer cannot stall us.
bool retry_after(const HttpResponse& r, milliseconds& out) {
  auto it = r.headers.find("retry-after");
  if (it == r.headers.end()) return false;
  int seconds = 0;
  auto [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), seconds);
  if (ec != std::errc() || seconds < 0) return false;
  out = milliseconds(std::min(seconds, 60) * 1000);
  return true;
}

}  // namespace

std::string explain_status(int status) {
  switch (status) {
    case 400: return "400 Bad Request: IMDS refused the request (a missing \"Metadata: true\" header, "
                     "a proxy's X-Forwarded-For, a bad api-version or duplicate query parameters)";
    case 401: return "401 Unauthorized: IMDS does not use authentication; something between the VM "
                     "and IMDS answered";
    case 403: return "403 Forbidden: IMDS refused this caller (a proxy or firewall answered?)";
    case 404: return "404 Not Found: the path or api-version does not exist here";
    case 405: return "405 Method Not Allowed: IMDS only answers GET on this path";
    case 410: return "410 Gone: IMDS is not ready yet after boot; retry for up to 70 s";
    case 429: return "429 Too Many Requests: IMDS allows about 5 requests per second per VM";
    default: break;
  }
  if (status >= 500) return std::to_string(status) + ": IMDS had a transient fault";
  return "HTTP " + std::to_string(status);
}

Decision decide(const RetryPolicy& p, const HttpResponse& r, AttemptHistory& h,
                const std::function<double()>& random01) {
  if (r.error == TransportError::kCancelled) return {Next::kFatal, {}, "cancelled"};
  if (r.error != TransportError::kNone) {
    if (r.error == TransportError::kTooLarge) {
      return {Next::kGiveUpEndpoint, {}, "the answer was larger than the body cap"};
    }
    if (h.connection_retries < p.max_connection_retries) {
      const milliseconds wait = jittered(exponential(p.status_backoff, h.connection_retries), p.jitter, random01);
      ++h.connection_retries;
      return {Next::kRetry, wait, "connection failed (" + r.error_text + ")"};
    }
    return {Next::kGiveUpEndpoint, {}, "connection failed (" + r.error_text + ")"};
  }
  const int s = r.status;
  if (s == 200) return {Next::kDone, {}, "ok"};
  if (s == 410) {
    if (h.boot_waited >= p.boot_budget) {
      return {Next::kGiveUpEndpoint, {}, "still 410 after the boot budget of " +
                                             std::to_string(p.boot_budget.count() / 1000) + " s"};
    }
    milliseconds wait = std::min(exponential(p.status_backoff, h.status_retries), p.boot_backoff_max);
    wait = std::min(wait, p.boot_budget - h.boot_waited);
    ++h.status_retries;
    h.boot_waited += wait;
    return {Next::kRetry, wait, explain_status(s)};
  }
  if (s == 429) {
    if (h.throttle_retries >= p.max_throttle_retries) {
      return {Next::kGiveUpEndpoint, {}, "still throttled (429) after " +
                                             std::to_string(p.max_throttle_retries) + " retries"};
    }
    milliseconds wait{};
    if (!retry_after(r, wait)) {
      wait = jittered(exponential(p.throttle_backoff, h.throttle_retries), p.jitter, random01);
    }
    ++h.throttle_retries;
    return {Next::kRetry, wait, explain_status(s)};
  }
  if (s == 404 || s == 408 || s >= 500) {
    if (h.status_retries >= p.max_status_retries) {
      return {Next::kGiveUpEndpoint, {}, explain_status(s) + " (" +
                                             std::to_string(p.max_status_retries) + " retries spent)"};
    }
    const milliseconds wait = jittered(exponential(p.status_backoff, h.status_retries), p.jitter, random01);
    ++h.status_retries;
    return {Next::kRetry, wait, explain_status(s)};
  }
  // 400, 401, 403, 405 and anything else: retrying cannot help.
  return {Next::kFatal, {}, explain_status(s)};
}

}  // namespace hciattest::imds
