// The IMDS client against the emulator over real loopback HTTP, one fault at a time.
#include "imds/client.h"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "attest/verifier.h"
#include "tests/support/emulator_fixture.h"

namespace hciattest::imds {
namespace {

using std::chrono::milliseconds;
using testing::RunningEmulator;

constexpr std::int64_t kNow = 1780315200;  // 2026-06-01T12:00:00Z

ImdsRequest request_to(const std::string& url) {
  ImdsRequest r;
  r.endpoints = {url};
  r.timeout = milliseconds(20000);
  r.attempt_timeout = milliseconds(2000);
  return r;
}

attest::VerificationReport verify(const ImdsResult& r) {
  auto trust = std::make_shared<attest::TrustStore>();
  EXPECT_TRUE(trust->add_anchors_pem(testing::shared_emulator_pki()->root_pem(), "emulator").ok);
  attest::VerifyOptions o;
  o.time = kNow;
  o.expected_nonce = r.nonce;
  attest::Verifier v(trust, o);
  return v.verify(r.body);
}

TEST(ImdsClient, FetchesAndTheDocumentVerifiesWithTheNonceSent) {
  RunningEmulator emu = testing::start_emulator({}, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.endpoint, emu.url);
  EXPECT_EQ(r.api_version, kDefaultApiVersion);
  ASSERT_EQ(r.trace.size(), 1u);
  auto report = verify(r);
  EXPECT_TRUE(report.verified) << report.message;
  EXPECT_EQ(report.payload->license_type, "Windows_Server");  // api-version >= 2020-09-01
}

TEST(ImdsClient, WaitsOutBoot410WithinItsBudget) {
  emulator::Faults f;
  f.boot_410_seconds = 20;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_GT(r.trace.size(), 3u);
  EXPECT_EQ(r.trace.front().status, 410);
  std::int64_t waited = 0;
  for (auto d : emu.clock->sleeps()) waited += d.count();
  EXPECT_GE(waited, 20000);
  EXPECT_LE(waited, 70000);
}

TEST(ImdsClient, GivesUpOn410AfterSeventySeconds) {
  emulator::Faults f;
  f.boot_410_seconds = 600;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("boot budget"), std::string::npos) << r.error;
  std::int64_t waited = 0;
  for (auto d : emu.clock->sleeps()) waited += d.count();
  EXPECT_EQ(waited, 70000);
}

TEST(ImdsClient, HonoursRetryAfterOn429) {
  emulator::Faults f;
  f.rate_limit_rps = 1;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  auto env = testing::instant_environment(emu.clock);
  ASSERT_TRUE(fetch(request_to(emu.url), env).ok);
  ImdsResult r = fetch(request_to(emu.url), env);  // same fake second: throttled first
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.trace.size(), 2u);
  EXPECT_EQ(r.trace[0].status, 429);
  ASSERT_EQ(emu.clock->sleeps().size(), 1u);
  EXPECT_EQ(emu.clock->sleeps()[0], milliseconds(1000));  // Retry-After: 1
}

TEST(ImdsClient, BacksOffExponentiallyOn5xxAndStopsAfterThreeRetries) {
  emulator::Faults f;
  f.fail_every = 1;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.trace.size(), 4u);
  EXPECT_EQ(emu.clock->sleeps(), (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000),
                                                           milliseconds(4000)}));
  EXPECT_NE(r.error.find("500"), std::string::npos) << r.error;
}

TEST(ImdsClient, RecoversFromAnOccasional500) {
  emulator::Faults f;
  f.fail_every = 2;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  auto env = testing::instant_environment(emu.clock);
  ASSERT_TRUE(fetch(request_to(emu.url), env).ok);
  ImdsResult r = fetch(request_to(emu.url), env);  // request 2 fails, 3 succeeds
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.trace.size(), 2u);
  EXPECT_EQ(r.trace[0].status, 500);
}

TEST(ImdsClient, AnAttemptTimesOutOnASlowAnswer) {
  emulator::Faults f;
  f.delay_ms = 600;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsRequest req = request_to(emu.url);
  req.attempt_timeout = milliseconds(200);
  ImdsResult r = fetch(req, testing::instant_environment(emu.clock));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.trace.at(0).status, 0);
  req.attempt_timeout = milliseconds(3000);
  EXPECT_TRUE(fetch(req, testing::instant_environment(emu.clock)).ok);
}

TEST(ImdsClient, ReadsADrippedBody) {
  emulator::Faults f;
  f.drip = true;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsRequest req = request_to(emu.url);
  req.attempt_timeout = milliseconds(5000);
  ImdsResult r = fetch(req, testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(verify(r).verified);
}

TEST(ImdsClient, RefusesAnOversizedBody) {
  emulator::Faults f;
  f.oversize = true;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("body cap"), std::string::npos) << r.error;
}

TEST(ImdsClient, TreatsA200ThatIsNotJsonAsNotImds) {
  emulator::Faults f;
  f.malformed = "json";
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("not an IMDS answer"), std::string::npos) << r.error;
}

struct VerifyFault {
  const char* name;
  emulator::Faults faults;
  attest::ErrorCode code;
};

class FaultyDocument : public ::testing::TestWithParam<VerifyFault> {};

TEST_P(FaultyDocument, IsFetchedButRejectedByTheVerifier) {
  RunningEmulator emu = testing::start_emulator(GetParam().faults, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  auto report = verify(r);
  EXPECT_FALSE(report.verified);
  EXPECT_EQ(report.code, GetParam().code) << report.message;
}

emulator::Faults with(void (*set)(emulator::Faults&)) {
  emulator::Faults f;
  set(f);
  return f;
}

INSTANTIATE_TEST_SUITE_P(
    Faults, FaultyDocument,
    ::testing::Values(
        VerifyFault{"wrong_signer", with([](emulator::Faults& f) { f.wrong_signer = true; }),
                    attest::ErrorCode::kSignerNameMismatch},
        VerifyFault{"expired", with([](emulator::Faults& f) { f.expired = true; }),
                    attest::ErrorCode::kChainCertExpired},
        VerifyFault{"malformed_base64", with([](emulator::Faults& f) { f.malformed = "base64"; }),
                    attest::ErrorCode::kEnvelopeBadBase64},
        VerifyFault{"malformed_pkcs7", with([](emulator::Faults& f) { f.malformed = "pkcs7"; }),
                    attest::ErrorCode::kPkcs7Malformed}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ImdsClient, AResetConnectionIsAnErrorNotAnAnswer) {
  emulator::Faults f;
  f.reset = true;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  EXPECT_FALSE(r.ok);
  ASSERT_FALSE(r.trace.empty());
  EXPECT_EQ(r.trace[0].status, 0);
  EXPECT_FALSE(r.trace[0].error.empty());
}

TEST(ImdsClient, AStaleNonceFromTheCacheIsCaughtByTheVerifier) {
  emulator::Faults f;
  f.stale_nonce = true;
  RunningEmulator emu = testing::start_emulator(f, kNow);
  auto env = testing::instant_environment(emu.clock);
  ImdsResult first = fetch(request_to(emu.url), env);
  ASSERT_TRUE(first.ok);
  EXPECT_TRUE(verify(first).verified);
  ImdsResult second = fetch(request_to(emu.url), env);
  ASSERT_TRUE(second.ok);
  auto report = verify(second);
  EXPECT_EQ(report.code, attest::ErrorCode::kNonceMismatch);
  EXPECT_EQ(report.payload->nonce, first.nonce);
}

TEST(ImdsClient, UpgradesTheApiVersionWhenImdsListsNewerOnes) {
  RunningEmulator emu = testing::start_emulator({}, kNow);
  ImdsRequest req = request_to(emu.url);
  req.api_version = "2017-01-01";
  ImdsResult r = fetch(req, testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.api_version, emulator::supported_api_versions().front());
  EXPECT_EQ(r.trace.at(0).status, 400);
}

TEST(ImdsClient, IgnoresProxyVariables) {
  RunningEmulator emu = testing::start_emulator({}, kNow);
  for (const char* var : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) {
    ::setenv(var, "http://127.0.0.1:9", 1);  // discard port: a proxy that never answers
  }
  ImdsResult r = fetch(request_to(emu.url), testing::instant_environment(emu.clock));
  for (const char* var : {"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(var);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(emu.emulator->requests(), 1u);
}

// A TCP port that accepts connections (the kernel's backlog) but never answers: a silent IMDS.
class SilentPort {
 public:
  SilentPort() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::listen(fd_, 16);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentPort() { ::close(fd_); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(ImdsClient, RacesPastASilentFirstEndpoint) {
  SilentPort silent;
  RunningEmulator emu = testing::start_emulator({}, kNow);
  ImdsRequest req;
  req.endpoints = {silent.url(), emu.url};
  req.attempt_timeout = milliseconds(5000);
  req.head_start = milliseconds(100);
  ImdsResult r = fetch(req, testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.endpoint, emu.url);
  ASSERT_EQ(r.trace.size(), 2u);
  EXPECT_EQ(r.trace[0].endpoint, silent.url());
  EXPECT_EQ(r.trace[0].status, 0);  // cancelled when the second one answered
  EXPECT_GE(r.trace[1].start_ms, 100);
}

TEST(ImdsClient, SequentialWaitsTheSilentEndpointOut) {
  SilentPort silent;
  RunningEmulator emu = testing::start_emulator({}, kNow);
  ImdsRequest req;
  req.endpoints = {silent.url(), emu.url};
  req.attempt_timeout = milliseconds(700);
  req.sequential = true;
  ImdsResult r = fetch(req, testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.endpoint, emu.url);
  ASSERT_EQ(r.trace.size(), 2u);
  EXPECT_GE(r.trace[1].start_ms, 700);  // only after the first attempt's timeout
}

TEST(ImdsClient, StartsTheNextEndpointAtOnceWhenTheFirstIsRefused) {
  RunningEmulator emu = testing::start_emulator({}, kNow);
  ImdsRequest req;
  req.endpoints = {"http://127.0.0.1:1", emu.url};  // port 1: connection refused
  req.head_start = milliseconds(5000);
  ImdsResult r = fetch(req, testing::instant_environment(emu.clock));
  ASSERT_TRUE(r.ok) << r.error;
  ASSERT_EQ(r.trace.size(), 2u);
  EXPECT_LT(r.trace[1].start_ms, 5000);
}

TEST(Nonce, GeneratedNoncesAreTenDigitsAndValid) {
  const std::string n = generate_nonce();
  EXPECT_EQ(n.size(), 10u);
  EXPECT_TRUE(valid_nonce(n));
  EXPECT_FALSE(valid_nonce(""));
  EXPECT_FALSE(valid_nonce(std::string(33, 'a')));
  EXPECT_FALSE(valid_nonce("12 34"));
  EXPECT_FALSE(valid_nonce("12&x=1"));
}

}  // namespace
}  // namespace hciattest::imds
