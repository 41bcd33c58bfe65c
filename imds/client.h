// The IMDS client: GET /metadata/attested/document (and other IMDS paths) with the
// "Metadata: true" header, never through a proxy, from a list of endpoints raced rather than
// waited out, with the retry policy of retry_policy.h. Knows nothing of X.509: the body is
// handed to attest/ as is.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "imds/retry_policy.h"
#include "imds/transport.h"

namespace hciattest::imds {

// Azure IMDS, then the Azure Stack HCI host's IMDS (FACTS.md; the order fclip.exe uses).
const std::vector<std::string>& default_endpoints();

// 2021-02-01: documented, and >= 2020-09-01 so the payload carries licenseType (FACTS.md).
inline constexpr const char* kDefaultApiVersion = "2021-02-01";

struct ImdsRequest {
  std::string path = "/metadata/attested/document";
  std::vector<std::string> endpoints = default_endpoints();  // base URLs, "http://host[:port]"
  std::string api_version = kDefaultApiVersion;
  std::optional<std::string> nonce;         // attested document only; generated when absent
  bool send_nonce = true;                   // false for /metadata/instance
  std::chrono::milliseconds timeout{90000};           // overall, every wait included
  std::chrono::milliseconds attempt_timeout{3000};    // one HTTP exchange
  std::chrono::milliseconds head_start{250};          // before the next endpoint joins the race
  bool sequential = false;                  // one endpoint after another, for comparison
  std::size_t max_body = 64 * 1024;
  RetryPolicy retry;
};

struct Attempt {
  std::string endpoint;
  std::int64_t start_ms = 0;     // since the fetch began
  std::int64_t duration_ms = 0;
  int status = 0;                // 0 when there was no HTTP answer
  std::string error;             // transport error, empty when an answer came
  std::string decision;          // what the policy decided, and why
};

struct ImdsResult {
  bool ok = false;
  std::string body;
  std::string endpoint;          // the one that answered
  std::string url;
  std::string nonce;             // the nonce sent (attested document)
  std::string api_version;       // the one that answered (may differ after a 400 upgrade)
  int status = 0;
  std::string error;             // why it failed, for people
  std::vector<Attempt> trace;    // every attempt on every endpoint, in start order
  std::int64_t elapsed_ms = 0;
};

// The world the client runs in, injected so tests control time (STYLE.md rule 4).
struct ClientEnvironment {
  std::shared_ptr<Transport> transport;
  // Waits `d` unless cancelled first (returns false then).
  std::function<bool(std::chrono::milliseconds d, Cancellation& cancel)> sleep;
  std::function<double()> random01;   // jitter
  std::function<std::string()> make_nonce;
};

// The real world: cpprestsdk, real sleeps, a random device.
ClientEnvironment real_environment();

// A fresh nonce of the form IMDS documents: 10 decimal digits.
std::string generate_nonce();

// True when `nonce` is 1-32 ASCII letters or digits (the API specification's limit).
bool valid_nonce(const std::string& nonce);

ImdsResult fetch(const ImdsRequest& request, const ClientEnvironment& env);

}  // namespace hciattest::imds
