#include "imds/client.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

namespace hciattest::imds {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::int64_t ms_since(Clock::time_point t0) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t0).count();
}

// What the race shares between endpoint workers. Held by a shared_ptr: a loser whose request
// does not abort when cancelled (Wine's WinHTTP finishes a connect to a silent address before it
// notices its closed handle) is left to end on its own, with its own copies of the request and
// the environment, instead of holding up the winner's answer.
struct Race {
  Race(ImdsRequest r, ClientEnvironment e) : req(std::move(r)), env(std::move(e)) {}
  const ImdsRequest req;
  const ClientEnvironment env;
  std::string nonce;
  Clock::time_point t0;
  Clock::time_point deadline;
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<bool> finished;      // endpoint i's worker has ended
  std::vector<std::optional<Attempt>> in_flight;  // endpoint i's exchange under way
  std::vector<bool> started;       // endpoint i has begun its first exchange
  bool won = false;
  bool collected = false;          // fetch() has taken the result: late workers write nothing
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

void run_endpoint(std::size_t index, Race& race) {
  const ImdsRequest& req = race.req;
  const ClientEnvironment& env = race.env;
  const std::string& nonce = race.nonce;
  const Clock::time_point t0 = race.t0;
  const Clock::time_point deadline = race.deadline;
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
    {
      std::lock_guard<std::mutex> lock(race.mutex);
      race.in_flight[index] = attempt;
      race.started[index] = true;
      race.cv.notify_all();
    }
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
      race.in_flight[index].reset();
      if (race.collected) return;
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
  if (!failure.empty() && !race.collected) race.failures.push_back(failure);
}

// How long a winner waits for the cancelled losers to stop before leaving them behind.
constexpr milliseconds kLoserGrace{50};

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
  auto shared = std::make_shared<Race>(req, env);
  Race& race = *shared;
  race.t0 = Clock::now();
  race.deadline = race.t0 + req.timeout;
  const auto t0 = race.t0;
  race.finished.assign(req.endpoints.size(), false);
  race.in_flight.assign(req.endpoints.size(), std::nullopt);
  race.started.assign(req.endpoints.size(), false);
  if (req.send_nonce) race.nonce = req.nonce ? *req.nonce : env.make_nonce();
  const std::string nonce = race.nonce;

  std::unique_lock<std::mutex> collect(race.mutex, std::defer_lock);
  if (req.sequential) {
    for (std::size_t i = 0; i < req.endpoints.size() && !race.won; ++i) run_endpoint(i, race);
    collect.lock();
    race.collected = true;
  } else {
    // Endpoint i joins after i head starts, or at once when every earlier one has given up.
    std::vector<std::thread> workers;
    for (std::size_t i = 0; i < req.endpoints.size(); ++i) {
      workers.emplace_back([shared, i] {
        Race& r = *shared;
        {
          std::unique_lock<std::mutex> lock(r.mutex);
          r.cv.wait_until(lock, r.t0 + r.req.head_start * static_cast<int>(i), [&] {
            return r.won ||
                   std::all_of(r.finished.begin(), r.finished.begin() + static_cast<long>(i),
                               [](bool f) { return f; });
          });
          // Never before the endpoint ahead of it has begun (a head start of 0 included), so
          // that the trace keeps the order of the list.
          r.cv.wait(lock, [&] { return r.won || i == 0 || r.started[i - 1] || r.finished[i - 1]; });
          if (r.won) {
            r.finished[i] = true;
            r.cv.notify_all();
            return;
          }
        }
        run_endpoint(i, r);
        std::lock_guard<std::mutex> lock(r.mutex);
        r.finished[i] = true;
        r.cv.notify_all();
      });
    }
    auto all_finished = [&race] {
      return std::all_of(race.finished.begin(), race.finished.end(), [](bool f) { return f; });
    };
    collect.lock();
    race.cv.wait(collect, [&] { return race.won || all_finished(); });
    if (race.won) race.cv.wait_for(collect, kLoserGrace, all_finished);
    // Workers still running now are losers stuck in a cancelled exchange: their attempt is
    // reported as abandoned, and they end on their own (they hold the race's state themselves).
    std::vector<bool> done = race.finished;
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if (done[i] || !race.in_flight[i]) continue;
      Attempt a = *race.in_flight[i];
      a.duration_ms = ms_since(t0) - a.start_ms;
      a.decision = "cancelled (another endpoint answered; this exchange was left to end)";
      a.error = "cancelled";
      race.trace.push_back(a);
    }
    race.collected = true;
    collect.unlock();
    for (std::size_t i = 0; i < workers.size(); ++i) {
      if (done[i]) {
        workers[i].join();
      } else {
        workers[i].detach();
      }
    }
    collect.lock();
  }

  ImdsResult result = std::move(race.result);
  result.nonce = nonce;
  result.trace = std::move(race.trace);
  // In start order; attempts that started in the same millisecond (no head start) in the order
  // of the endpoint list, so .254 still comes first.
  auto rank = [&req](const Attempt& a) {
    return std::find(req.endpoints.begin(), req.endpoints.end(), a.endpoint) - req.endpoints.begin();
  };
  std::stable_sort(result.trace.begin(), result.trace.end(), [&](const Attempt& a, const Attempt& b) {
    return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : rank(a) < rank(b);
  });
  result.elapsed_ms = ms_since(t0);
  if (!result.ok) {
    for (const auto& f : race.failures) result.error += (result.error.empty() ? "" : "; ") + f;
    if (result.error.empty()) result.error = "no endpoint answered";
  }
  collect.unlock();
  return result;
}

}  // namespace hciattest::imds
