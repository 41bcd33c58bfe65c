// The probe for real: tcp_exchange over loopback against the responder, one mode each.
#include "activation/kms_probe.h"

#include <gtest/gtest.h>

#include "activation/kms_hosts.h"
#include "tests/activation/rpc_responder.h"

namespace hciattest::activation {
namespace {

using testing::ResponderMode;
using testing::RpcResponder;

KmsTarget loopback(std::uint16_t port) {
  KmsTarget t;
  t.host = "127.0.0.1";
  t.port = port;
  return t;
}

KmsProbeReport probe(const KmsTarget& t, int timeout_ms = 2000, KmsProbeDeps deps = {}) {
  return probe_kms(t, std::chrono::milliseconds(timeout_ms), deps);
}

struct Case {
  const char* name;
  ResponderMode mode;
  KmsVerdict verdict;
  const char* evidence;  // a phrase the evidence must contain
};

class AgainstResponder : public ::testing::TestWithParam<Case> {};

TEST_P(AgainstResponder, GivesTheVerdictWithItsEvidence) {
  RpcResponder responder(GetParam().mode);
  ASSERT_NE(responder.port(), 0) << responder.error();
  const KmsProbeReport r = probe(loopback(responder.port()), 1000);
  EXPECT_EQ(r.verdict, GetParam().verdict) << kms_verdict_id(r.verdict) << ": " << r.summary;
  std::string all;
  for (const auto& e : r.evidence) all += e + "\n";
  EXPECT_NE(all.find(GetParam().evidence), std::string::npos) << all;
  EXPECT_EQ(r.remedy.empty(), GetParam().verdict == KmsVerdict::kKmsEndpoint) << r.remedy;
  // Whatever answered, it was sent exactly one bind and nothing else.
  EXPECT_EQ(responder.received(), make_kms_bind(1));
  EXPECT_EQ(responder.connections(), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, AgainstResponder,
    ::testing::Values(
        Case{"kms", ResponderMode::kKmsAccept, KmsVerdict::kKmsEndpoint, "accepted the KMS interface"},
        Case{"kms_ndr64", ResponderMode::kKmsAcceptNdr64, KmsVerdict::kKmsEndpoint,
             "context 1 result 0 (accepted, 71710533-beba-4937-8319-b5dbef9ccc36)"},
        Case{"other_rpc_server", ResponderMode::kRejectInterface, KmsVerdict::kRpcNotKms,
             "context 0 result 2 reason 1"},
        Case{"bind_nak", ResponderMode::kBindNak, KmsVerdict::kRpcNotKms,
             "provider_reject_reason 4"},
        Case{"http", ResponderMode::kHttp, KmsVerdict::kNotRpc, "first bytes \"HTTP/1.1 400"},
        Case{"wrong_call_id", ResponderMode::kWrongCallId, KmsVerdict::kNotRpc, "call_id 8"},
        Case{"silent", ResponderMode::kSilent, KmsVerdict::kNoAnswer, "no whole reply within 1000 ms"},
        Case{"hang_up", ResponderMode::kHangUp, KmsVerdict::kNoAnswer,
             "closed the connection after 0 bytes"},
        Case{"truncated", ResponderMode::kTruncated, KmsVerdict::kNoAnswer,
             "closed the connection after 20 bytes"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(KmsProbe, AClosedPortIsUnreachableWithTheOsReason) {
  std::uint16_t port = 0;
  std::string error;
  const auto held = testing::bound_not_listening(port, error);
  ASSERT_NE(held, testing::kNoSocket) << error;
  const KmsProbeReport r = probe(loopback(port));
  testing::close_socket(held);
  EXPECT_EQ(r.verdict, KmsVerdict::kUnreachable);
  ASSERT_EQ(r.attempts.size(), 1u);
  EXPECT_NE(r.attempts[0].exchange.error.find("refused"), std::string::npos)
      << r.attempts[0].exchange.error;
  EXPECT_NE(r.remedy.find("TCP " + std::to_string(port)), std::string::npos) << r.remedy;
}

TEST(KmsProbe, ANameIsResolvedAndTheAddressesTriedInOrderUntilKmsAnswers) {
  std::uint16_t closed = 0;
  std::string error;
  RpcResponder responder(ResponderMode::kKmsAccept);
  ASSERT_NE(responder.port(), 0) << responder.error();
  KmsProbeDeps deps;
  std::string asked;
  deps.resolve = [&](const std::string& name, std::vector<std::string>& out, std::string&) {
    asked = name;
    // 127.0.0.2 is loopback too, but the responder listens on 127.0.0.1 only: refused there.
    out = {"127.0.0.2", "127.0.0.1"};
    return true;
  };
  KmsTarget t;
  t.host = "kms.test";
  t.port = responder.port();
  const KmsProbeReport r = probe(t, 2000, deps);
  EXPECT_EQ(asked, "kms.test");
  EXPECT_EQ(r.verdict, KmsVerdict::kKmsEndpoint) << r.summary;
  ASSERT_EQ(r.attempts.size(), 2u);
  EXPECT_EQ(r.attempts[0].exchange.stage, ExchangeStage::kConnect);
  EXPECT_EQ(r.evidence.front(), "kms.test resolves to 127.0.0.2, 127.0.0.1");
  (void)closed;
}

TEST(KmsProbe, ANameThatDoesNotResolveIsUnresolvedAndNothingIsSent) {
  KmsProbeDeps deps;
  deps.resolve = [](const std::string&, std::vector<std::string>&, std::string& error) {
    error = "Name or service not known (EAI -2)";
    return false;
  };
  int exchanges = 0;
  deps.exchange = [&](const std::string&, std::uint16_t, const std::vector<std::uint8_t>&,
                      const ReplyLength&, std::size_t, std::chrono::milliseconds) {
    ++exchanges;
    return ExchangeResult{};
  };
  KmsTarget t;
  t.host = "azkms.core.windows.net";
  const KmsProbeReport r = probe(t, 500, deps);
  EXPECT_EQ(r.verdict, KmsVerdict::kUnresolved);
  EXPECT_EQ(exchanges, 0);
  EXPECT_NE(r.summary.find("azkms.core.windows.net"), std::string::npos);
  EXPECT_NE(r.remedy.find("DNS"), std::string::npos);
}

TEST(KmsProbe, ABetterAnswerFromALaterAddressWins) {
  RpcResponder http(ResponderMode::kHttp);
  RpcResponder kms(ResponderMode::kKmsAccept);
  ASSERT_NE(http.port(), 0);
  ASSERT_NE(kms.port(), 0);
  KmsProbeDeps deps;
  deps.resolve = [](const std::string&, std::vector<std::string>& out, std::string&) {
    out = {"127.0.0.1", "127.0.0.1"};
    return true;
  };
  // Route the two attempts to the two responders by counting.
  int n = 0;
  deps.exchange = [&](const std::string& a, std::uint16_t, const std::vector<std::uint8_t>& req,
                      const ReplyLength& needed, std::size_t cap, std::chrono::milliseconds t) {
    return tcp_exchange(a, n++ == 0 ? http.port() : kms.port(), req, needed, cap, t);
  };
  KmsTarget t;
  t.host = "kms.test";
  EXPECT_EQ(probe(t, 2000, deps).verdict, KmsVerdict::kKmsEndpoint);
}

TEST(KmsHosts, EveryCloudHasOneCurrentHostOnTheKmsPort) {
  for (const char* cloud : {"public", "usgov", "china", "germany", "aws"}) {
    const auto hosts = kms_hosts_for(cloud);
    ASSERT_FALSE(hosts.empty()) << cloud;
    EXPECT_TRUE(hosts.front().current) << cloud;
    for (const auto& h : hosts) {
      EXPECT_EQ(h.port, 1688) << h.host;
      EXPECT_TRUE(parse_kms_target(h.host).target) << h.host;
    }
  }
  EXPECT_EQ(preferred_kms_host(""), "azkms.core.windows.net");
  EXPECT_EQ(preferred_kms_host("usgov"), "azkms.core.usgovcloudapi.net");
  EXPECT_EQ(preferred_kms_host("aws"), "169.254.169.250");
  EXPECT_EQ(preferred_kms_host("mars"), "");
}

}  // namespace
}  // namespace hciattest::activation
