// `hciattest kms probe` in-process against the loopback RPC responder (tests/activation/).
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "tests/cli/run_cli.h"
#include "cli/exit_codes.h"
#include "cli/kms_command.h"
#include "tests/activation/rpc_responder.h"

namespace hciattest::cli {
namespace {

using activation::testing::ResponderMode;
using activation::testing::RpcResponder;

using Outcome = hciattest::testing::CliOutcome;

Outcome run(std::vector<std::string> args, const std::string& stdin_text = "") {
  return hciattest::testing::run_cli(std::move(args), stdin_text);
}

std::string at(const RpcResponder& r) { return "127.0.0.1:" + std::to_string(r.port()); }

TEST(KmsProbeCommand, AKmsHostPassesWithExitZero) {
  RpcResponder kms(ResponderMode::kKmsAccept);
  ASSERT_NE(kms.port(), 0) << kms.error();
  const Outcome r = run({"kms", "probe", at(kms), "--timeout", "2"});
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("PASS  " + at(kms) + "  kms_endpoint\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("accepted the KMS interface"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("remedy"), std::string::npos) << r.out;
}

TEST(KmsProbeCommand, JsonCarriesTheVerdictAndTheBindAnswerOfEachTarget) {
  RpcResponder kms(ResponderMode::kKmsAccept);
  RpcResponder web(ResponderMode::kHttp);
  ASSERT_NE(kms.port(), 0);
  ASSERT_NE(web.port(), 0);
  const Outcome r = run({"kms", "probe", at(kms), at(web), "-o", "json", "--timeout", "2"});
  EXPECT_EQ(r.code, kExitFailed) << r.out << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], kKmsProbeSchema);
  EXPECT_EQ(j["all_kms_hosts"], false);
  ASSERT_EQ(j["results"].size(), 2u);
  const auto& first = j["results"][0];
  EXPECT_EQ(first["verdict"], "kms_endpoint");
  EXPECT_EQ(first["kms_host"], true);
  EXPECT_EQ(first["attempts"][0]["stage"], "complete");
  EXPECT_EQ(first["attempts"][0]["bind"]["outcome"], "kms_accepted");
  EXPECT_EQ(first["attempts"][0]["bind"]["secondary_address"], "1688");
  EXPECT_EQ(first["attempts"][0]["bind"]["contexts"][0]["transfer_syntax"],
            activation::kNdr32Uuid);
  const auto& second = j["results"][1];
  EXPECT_EQ(second["verdict"], "not_rpc");
  EXPECT_NE(second["remedy"].get<std::string>().find("something else listens"), std::string::npos);
}

TEST(KmsProbeCommand, BadTargetsAreUsageErrorsAndNothingIsProbed) {
  RpcResponder kms(ResponderMode::kKmsAccept);
  ASSERT_NE(kms.port(), 0);
  for (const std::string bad : {"", "kms host", "kms;calc", "kms:0", "kms:70000", "fd00::1",
                                "$(id)"}) {
    // A good target first: a bad one anywhere stops the run before any probe.
    const Outcome r = run({"kms", "probe", at(kms), bad});
    EXPECT_EQ(r.code, kExitUsage) << bad;
    EXPECT_NE(r.err.find("expected HOST[:PORT]"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "") << bad;
  }
  EXPECT_EQ(kms.connections(), 0);
}

TEST(KmsProbeCommand, NoTargetAndNoCloudIsAUsageError) {
  const Outcome r = run({"kms", "probe"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("--cloud"), std::string::npos) << r.err;
  EXPECT_EQ(run({"kms", "probe", "--cloud", "mars"}).code, kExitUsage);
}

TEST(KmsProbeCommand, ACloudMeansItsTableHostsInOrder) {
  // The exchange is faked here: this machine never sends to a real KMS address.
  for (const auto& [cloud, expected] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"aws", {"169.254.169.250:1688", "169.254.169.251:1688"}},  // listed, not contacted
           {"public", {"azkms.core.windows.net:1688", "kms.core.windows.net:1688"}}}) {
    KmsProbeCommandOptions o;
    o.cloud = cloud;
    std::vector<std::string> targets;
    for (const auto& t : kms_probe_targets(o)) targets.push_back(t.text());
    EXPECT_EQ(targets, expected) << cloud;
  }
  KmsProbeCommandOptions o;
  o.cloud = "aws";
  o.output = "json";
  activation::KmsProbeDeps deps;
  std::vector<std::string> sent_to;
  deps.exchange = [&](const std::string& a, std::uint16_t port, const std::vector<std::uint8_t>&,
                      const activation::ReplyLength&, std::size_t, std::chrono::milliseconds) {
    sent_to.push_back(a + ":" + std::to_string(port));
    activation::ExchangeResult x;
    x.error = "connect timed out after 5000 ms (faked)";
    x.timed_out = true;
    return x;
  };
  std::istringstream in;
  std::ostringstream out, err;
  CommandIo io{in, out, err, [] { return std::int64_t{0}; }, false};
  EXPECT_EQ(run_kms_probe(o, io, deps), kExitFailed);
  EXPECT_EQ(sent_to, (std::vector<std::string>{"169.254.169.250:1688", "169.254.169.251:1688"}));
  EXPECT_EQ(nlohmann::json::parse(out.str())["results"][0]["verdict"], "unreachable");
}

}  // namespace
}  // namespace hciattest::cli
