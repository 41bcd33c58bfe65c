#include "imds/client.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>

namespace hciattest::imds {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::int64_t ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
}

// What the race shares between endpoint workers.
struct Race {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<bool> finished;      // endpoint i's worker has ended
  bool won = false;
  ImdsResult result;               // the winner's, or the last failure's
  std::vector<Attempt> trace;
  std::vector<std::string> failures;
  Cancellation cancel;
};

std::string build_url(const std::string& base, const ImdsRequest& req, const std::string& version,
                      const std::string& nonce) {
  std::string url = base + req.path + "?api-version=" + version;
  if (req.send_nonce && !nonce.empty()) url += "&nonce=" + nonce;
  return url;
}

// IMDS answers a bad api-version with 400 and {"newest-versions": [...]} (FACTS.md).
std::optional<std::string> newest_version(const HttpResponse& r) {
  if (r.status != 400) return std::nullopt;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  auto it = j.find("newest-versions");
  if (it == j.end() || !it->is_array() || it->empty() || !(*it)[0].is_string()) return std::nullopt;
  return (*it)[0].get<std::string>();
}

// A 200 must carry something attest/ can read; anything else on the link-local address is not
// IMDS (a captive device, a misrouted web server).
bool looks_like_answer(const ImdsRequest& req, const std::string& body) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (!j.is_object()) return false;
  if (req.path == "/metadata/attested/document") {
    auto sig = j.find("signature");
    return sig != j.end() && sig->is_string();
  }
  return true;
}

void run_endpoint(std::size_t index, const ImdsRequest& req, const ClientEnvironment& env,
                  const std::string& nonce, Clock::time_point t0, Clock::time_point deadline,
                  Race& race) {
  const std::string& base = req.endpoints[index];
  std::string version = req.api_version;
  bool upgraded = false;
  AttemptHistory history;
  std::string failure;
  while (!race.cancel.cancelled()) {
    const auto now = Clock::now();
    if (now >= deadline) {
      failure = base + ": overall timeout of " + std::to_string(req.timeout.count()) + " ms reached";
      break;
    }
    const auto remaining = std::chrono::duration_cast<milliseconds>(deadline - now);
    const std::string url = build_url(base, req, version, nonce);
    Attempt attempt;
    attempt.endpoint = base;
    attempt.start_ms = ms_since(t0);
    HttpResponse r = env.transport->get(url, {{"Metadata", "true"}},
                                        std::min(req.attempt_timeout, remaining), req.max_body,
                                        race.cancel);
    attempt.duration_ms = ms_since(t0) - attempt.start_ms;
    attempt.status = r.error == TransportError::kNone ? r.status : 0;
    attempt.error = r.error_text;
    Decision d;
    if (r.error == TransportError::kNone && r.status == 200 && !looks_like_answer(req, r.body)) {
      d = {Next::kGiveUpEndpoint, {}, "answered 200 with a body that is not an IMDS answer"};
    } else if (auto newest = newest_version(r); newest && !upgraded && *newest != version) {
      d = {Next::kRetry, milliseconds(0), "api-version " + version + " refused; retrying with " + *newest};
      version = *newest;
      upgraded = true;
    } else {
      d = decide(req.retry, r, history, env.random01);
    }
    attempt.decision = d.reason;
    {
      std::lock_guard<std::mutex> lock(race.mutex);
      race.trace.push_back(attempt);
      if (d.next == Next::kDone && !race.won) {
        race.won = true;
        race.result.ok = true;
        race.result.body = std::move(r.body);
        race.result.endpoint = base;
        race.result.url = url;
        race.result.api_version = version;
        race.result.status = r.status;
      }
    }
    if (d.next == Next::kDone) {
      race.cancel.cancel();  // the others stop: their requests abort, their sleeps end
      return;
    }
    if (d.next != Next::kRetry) {
      failure = base + ": " + d.reason;
      break;
    }
    const auto wait = std::min(d.wait, std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
    if (wait.count() > 0 && !env.sleep(wait, race.cancel)) break;
  }
  std::lock_guard<std::mutex> lock(race.mutex);
  if (!failure.empty()) race.failures.push_back(failure);
}

}  // namespace

const std::vector<std::string>& default_endpoints() {
  static const std::vector<std::string> kEndpoints = {"http://169.254.169.254",
                                                      "http://169.254.169.253"};
  return kEndpoints;
}

std::string generate_nonce() {
  std::random_device rd;
  std::uniform_int_distribution<int> digit(0, 9);
  std::string nonce;
  for (int i = 0; i < 10; ++i) nonce += static_cast<char>('0' + digit(rd));
  return nonce;
}

bool valid_nonce(const std::string& nonce) {
  if (nonce.empty() || nonce.size() > 32) return false;
  return std::all_of(nonce.begin(), nonce.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  });
}

ClientEnvironment real_environment() {
  ClientEnvironment env;
  env.transport = make_cpprest_transport();
  env.sleep = [](milliseconds d, Cancellation& cancel) { return cancel.sleep_for(d); };
  auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
  auto mutex = std::make_shared<std::mutex>();
  env.random01 = [rng, mutex] {
    std::lock_guard<std::mutex> lock(*mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
  };
  env.make_nonce = generate_nonce;
  return env;
}

ImdsResult fetch(const ImdsRequest& req, const ClientEnvironment& env) {
  const auto t0 = Clock::now();
  const auto deadline = t0 + req.timeout;
  Race race;
  race.finished.assign(req.endpoints.size(), false);
  std::string nonce;
  if (req.send_nonce) nonce = req.nonce ? *req.nonce : env.make_nonce();

  if (req.sequential) {
    for (std::size_t i = 0; i < req.endpoints.size() && !race.won; ++i) {
      run_endpoint(i, req, env, nonce, t0, deadline, race);
    }
  } else {
    // Endpoint i joins after i head starts, or at once when every earlier one has given up.
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < req.endpoints.size(); ++i) {
      workers.emplace_back([&, i] {
        {
          std::unique_lock<std::mutex> lock(race.mutex);
          race.cv.wait_until(lock, t0 + req.head_start * static_cast<int>(i), [&] {
            return race.won ||
                   std::all_of(race.finished.begin(), race.finished.begin() + static_cast<long>(i),
                               [](bool f) { return f; });
          });
          if (race.won) {
            race.finished[i] = true;
            race.cv.notify_all();
            return;
          }
        }
        run_endpoint(i, req, env, nonce, t0, deadline, race);
        std::lock_guard<std::mutex> lock(race.mutex);
        race.finished[i] = true;
        race.cv.notify_all();
      });
    }
    for (auto& w : workers) w.join();
  }

  ImdsResult result = std::move(race.result);
  result.nonce = nonce;
  result.trace = std::move(race.trace);
  std::sort(result.trace.begin(), result.trace.end(),
            [](const Attempt& a, const Attempt& b) { return a.start_ms < b.start_ms; });
  result.elapsed_ms = ms_since(t0);
  if (!result.ok) {
    for (const auto& f : race.failures) result.error += (result.error.empty() ? "" : "; ") + f;
    if (result.error.empty()) result.error = "no endpoint answered";
  }
  return result;
}

}  // namespace hciattest::imds
