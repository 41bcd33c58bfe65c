// `hciattest fetch` and `hciattest attest` in-process against the emulator on loopback.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/imds_commands.h"
#include "tests/cli/run_cli.h"
#include "cli/exit_codes.h"
#include "tests/support/emulator_fixture.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;

using Outcome = hciattest::testing::CliOutcome;

Outcome run(std::vector<std::string> args, const std::string& stdin_text = "") {
  return hciattest::testing::run_cli(std::move(args), stdin_text);
}

class ImdsCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("hciattest-root-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(root_) << testing::shared_emulator_pki()->root_pem();
  }
  void TearDown() override { fs::remove(root_); }
  // The emulator's clock is the test PKI's; the CLI verifies at that time too.
  static std::string at() { return "@1780315200"; }
  fs::path root_;
};

TEST_F(ImdsCommands, AttestFetchesAndVerifiesInOneReport) {
  auto emu = testing::start_emulator({}, 1780315200);
  Outcome r = run({"attest", "--endpoint", emu.url, "--ca-file", root_.string(), "--at", at(),
                   "-o", "json"});
  ASSERT_EQ(r.code, kExitOk) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "hciattest.attest/1");
  EXPECT_EQ(j["verified"], true);
  EXPECT_EQ(j["fetch"]["endpoint"], emu.url);
  EXPECT_EQ(j["verification"]["payload"]["nonce"], j["fetch"]["nonce"]);
}

TEST_F(ImdsCommands, AttestRetriesOnceOnAStaleNonceAndSaysSo) {
  emulator::Faults f;
  f.stale_nonce = true;
  auto emu = testing::start_emulator(f, 1780315200);
  ASSERT_EQ(run({"fetch", "--endpoint", emu.url}).code, kExitOk);  // primes the "cache"
  Outcome r = run({"attest", "--endpoint", emu.url, "--ca-file", root_.string(), "--at", at(),
                   "-o", "json"});
  auto j = nlohmann::json::parse(r.out);
  // The emulator always answers with the previous nonce, so the retry is stale too: rejected,
  // but reported as the cache case after one more request.
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_EQ(j["verification"]["code"], "nonce_mismatch");
  EXPECT_TRUE(j.contains("note")) << r.out;
  EXPECT_EQ(j["fetch"]["attempts"].size(), 2u);
}

TEST_F(ImdsCommands, AttestFailsWithTheTraceWhenNothingAnswers) {
  Outcome r = run({"attest", "--endpoint", "http://127.0.0.1:1", "--ca-file", root_.string(),
                   "--timeout", "5"});
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("could not fetch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("http://127.0.0.1:1"), std::string::npos);
}

TEST_F(ImdsCommands, FetchJsonCarriesBodyAndTrace) {
  auto emu = testing::start_emulator({}, 1780315200);
  Outcome r = run({"fetch", "--endpoint", emu.url, "--nonce", "abc", "-o", "json"});
  ASSERT_EQ(r.code, kExitOk) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["nonce"], "abc");
  EXPECT_EQ(j["body"]["encoding"], "pkcs7");
  EXPECT_EQ(j["attempts"].size(), 1u);
}

TEST_F(ImdsCommands, BadFetchArgumentsAreUsageErrors) {
  EXPECT_EQ(run({"fetch", "--endpoint", "169.254.169.254"}).code, kExitUsage);
  EXPECT_EQ(run({"fetch", "--endpoint", "http://x/metadata?y"}).code, kExitUsage);
  EXPECT_EQ(run({"fetch", "--nonce", "has space", "--endpoint", "http://127.0.0.1:1"}).code,
            kExitUsage);
  EXPECT_EQ(run({"fetch", "--timeout", "0"}).code, kExitUsage);
  EXPECT_EQ(run({"emulate", "--malformed", "xml"}).code, kExitUsage);
  // The doctor checks its arguments before it probes anything.
  EXPECT_EQ(run({"doctor", "--endpoint", "169.254.169.254"}).code, kExitUsage);
  EXPECT_EQ(run({"doctor", "--ca-file", "/nonexistent.pem"}).code, kExitUsage);
  EXPECT_EQ(run({"doctor", "--output", "yaml"}).code, kExitUsage);
  EXPECT_EQ(run({"emulate", "--pki", "/nonexistent-dir", "--duration", "0.1"}).code, kExitUsage);
}

TEST_F(ImdsCommands, AttestSummaryNamesTheEndpointAndTheVm) {
  emulator::Faults f;
  auto emu = testing::start_emulator(f, 1780315200);
  Outcome r = run({"attest", "--endpoint", emu.url, "--ca-file", root_.string(), "--at", at(),
                   "-o", "summary"});
  ASSERT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
  EXPECT_NE(r.out.find("hciattest attest: verified | machine="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" | endpoint=" + emu.url + " | vmId="), std::string::npos) << r.out;
}

TEST_F(ImdsCommands, AttestSummaryWhenNothingAnswers) {
  Outcome r = run({"attest", "--endpoint", "http://127.0.0.1:1", "--timeout", "5", "-o", "summary"});
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("hciattest attest: rejected | machine="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" | code=fetch_failed | remedy: no IMDS endpoint answered: "), std::string::npos)
      << r.out;
}

TEST_F(ImdsCommands, TheTraceSaysHowTheRaceStarted) {
  auto emu = testing::start_emulator({}, 1780315200);
  Outcome r = run({"attest", "--endpoint", emu.url, "--ca-file", root_.string(), "--at", at(),
                   "-o", "json"});
  ASSERT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["fetch"]["race"], "");  // --endpoint: no evidence looked for
}

}  // namespace
}  // namespace hciattest::cli
