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

// Windows Firewall as a fake reader gives it (the COM reader runs only on Windows): one profile,
// active and on, with `rules`.
activation::FirewallReading firewall_with(std::vector<activation::FirewallRule> rules) {
  activation::FirewallReading r;
  r.available = true;
  activation::FirewallProfile p;
  p.type = activation::kFwProfilePublic;
  p.active = p.enabled = true;
  r.policy.profiles.push_back(p);
  r.policy.rules = std::move(rules);
  return r;
}

TEST(KmsProbeCommand, ASilentTargetThatAFirewallRuleBlocksNamesTheRuleAndTheFix) {
  RpcResponder kms(ResponderMode::kSilent);  // a real loopback peer that accepts and says nothing
  ASSERT_NE(kms.port(), 0) << kms.error();
  activation::FirewallRule block;
  block.name = "Contoso: block outbound RPC";
  block.enabled = block.outbound = true;
  block.protocol = activation::kFwProtocolTcp;
  block.remote_ports = std::to_string(kms.port());
  int reads = 0;
  const FirewallReader reader = [&] {
    ++reads;
    return firewall_with({block});
  };
  KmsProbeCommandOptions o;
  o.targets = {at(kms), at(kms)};
  o.timeout_seconds = 0.3;
  o.output = "json";
  std::istringstream in;
  std::ostringstream out, err;
  CommandIo io{in, out, err, [] { return std::int64_t{0}; }, false};
  activation::KmsProbeDeps deps;
  EXPECT_EQ(run_kms_probe(o, io, deps, reader), kExitFailed);
  EXPECT_EQ(reads, 1) << "the policy is read once for every silent target";
  const auto j = nlohmann::json::parse(out.str());
  const auto& r = j["results"][0];
  EXPECT_EQ(r["verdict"], "no_answer");
  const std::string remedy = r["remedy"];
  EXPECT_EQ(remedy.rfind("Windows Firewall blocks it: block rules win over allow rules", 0), 0u) << remedy;
  // The rule covers every address: the fix leaves out just the one probed.
  EXPECT_NE(remedy.find("Set-NetFirewallRule -DisplayName \"Contoso: block outbound RPC\" -RemoteAddress "
                        "0.0.0.0-127.0.0.0,127.0.0.2-255.255.255.255"),
            std::string::npos) << remedy;
  bool named = false;
  for (const auto& e : r["evidence"]) {
    named = named || e.get<std::string>().find("\"Contoso: block outbound RPC\" blocks TCP 127.0.0.1:") !=
                         std::string::npos;
  }
  EXPECT_TRUE(named) << r["evidence"].dump();
}

TEST(KmsProbeCommand, TheFirewallIsNotReadWhenTheKmsHostAnswers) {
  RpcResponder kms(ResponderMode::kKmsAccept);
  ASSERT_NE(kms.port(), 0) << kms.error();
  int reads = 0;
  KmsProbeCommandOptions o;
  o.targets = {at(kms)};
  std::istringstream in;
  std::ostringstream out, err;
  CommandIo io{in, out, err, [] { return std::int64_t{0}; }, false};
  EXPECT_EQ(run_kms_probe(o, io, activation::KmsProbeDeps{}, [&] {
              ++reads;
              return firewall_with({});
            }),
            kExitOk);
  EXPECT_EQ(reads, 0);
}

TEST(KmsProbeCommand, ASilentAzureKmsHostGetsTheForcedTunnellingCommands) {
  // Resolution and exchange are faked: this machine never sends to a real KMS address.
  activation::KmsProbeDeps deps;
  deps.resolve = [](const std::string&, std::vector<std::string>& addresses, std::string&) {
    addresses = {"20.118.99.224", "40.83.235.53"};
    return true;
  };
  deps.exchange = [](const std::string&, std::uint16_t, const std::vector<std::uint8_t>&,
                     const activation::ReplyLength&, std::size_t, std::chrono::milliseconds) {
    activation::ExchangeResult x;
    x.error = "connect timed out after 5000 ms (faked)";
    x.timed_out = true;
    return x;
  };
  KmsProbeCommandOptions o;
  o.targets = {"azkms.core.windows.net"};
  std::istringstream in;
  std::ostringstream out, err;
  CommandIo io{in, out, err, [] { return std::int64_t{0}; }, false};
  EXPECT_EQ(run_kms_probe(o, io, deps, [] { return firewall_with({}); }), kExitFailed);
  const std::string text = out.str();
  EXPECT_NE(text.find("Windows Firewall: no active profile blocks TCP 1688 out to azkms.core.windows.net"),
            std::string::npos) << text;
  for (const char* a : {"20.118.99.224", "40.83.235.53", "23.102.135.246"}) {
    EXPECT_NE(text.find(std::string("--address-prefix ") + a + "/32 --next-hop-type Internet"),
              std::string::npos) << a << "\n" << text;
  }
  EXPECT_NE(text.find("-g <vm-resource-group> -n <vm-name>"), std::string::npos) << text;
}

}  // namespace
}  // namespace hciattest::cli
