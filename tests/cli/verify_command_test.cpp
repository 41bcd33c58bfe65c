#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "attest/error.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/time_arg.h"
#include "tests/cli/run_cli.h"
#include "tests/support/test_pki.h"

namespace hciattest::cli {
namespace {

namespace fs = std::filesystem;

using Result = hciattest::testing::CliOutcome;

Result run(std::vector<std::string> args, const std::string& stdin_text = "") {
  return hciattest::testing::run_cli(std::move(args), stdin_text);
}

class VerifyCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new testing::Hierarchy(testing::make_hierarchy());
    dir_ = fs::temp_directory_path() / ("hciattest-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    write("root.pem", pki_->root.pem());
    write("inter.pem", pki_->intermediate.pem());
  }
  static void TearDownTestSuite() {
    fs::remove_all(dir_);
    delete pki_;
  }
  static std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name, std::ios::binary) << text;
    return (dir_ / name).string();
  }
  static std::string doc(const std::string& nonce) {
    testing::SignSpec s;
    s.extra_certs = {&pki_->intermediate};
    return testing::envelope(testing::sign(testing::payload(nonce), pki_->leaf, s));
  }
  static std::string at() { return "@" + std::to_string(testing::kTestNow); }
  static std::string root() { return (dir_ / "root.pem").string(); }

  static testing::Hierarchy* pki_;
  static fs::path dir_;
};

testing::Hierarchy* VerifyCommand::pki_ = nullptr;
fs::path VerifyCommand::dir_;

TEST_F(VerifyCommand, VerifiesFromStdinAndExitsZero) {
  Result r = run({"verify", "--ca-file", root(), "--at", at(), "--nonce", "42"}, doc("42"));
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("VERIFIED", 0), 0u) << r.out;
}

TEST_F(VerifyCommand, SummaryIsOneLineWithTheVerdictTheVmAndTheCode) {
  Result r = run({"verify", "--ca-file", root(), "--at", at(), "--nonce", "42", "-o", "summary"}, doc("42"));
  EXPECT_EQ(r.code, kExitOk) << r.out << r.err;
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;
  EXPECT_EQ(r.out.rfind("hciattest verify: verified | machine=", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(" | vmId="), std::string::npos) << r.out;
  r = run({"verify", "--ca-file", root(), "--at", at(), "--nonce", "43", "-o", "summary"}, doc("42"));
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("hciattest verify: rejected | machine="), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" | code=nonce_mismatch | fail=nonce | remedy: "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("vmId="), std::string::npos) << "an unverified payload names no VM";
  r = run({"verify", "--batch", "-", "-o", "summary"}, doc("42"));
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_NE(r.err.find("--output summary is one line for one document"), std::string::npos) << r.err;
}

TEST_F(VerifyCommand, RejectsANonceMismatchWithExitOneAndSaysWhy) {
  Result r = run({"verify", "--ca-file", root(), "--at", at(), "--nonce", "43"}, doc("42"));
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("nonce_mismatch"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cache"), std::string::npos);
}

TEST_F(VerifyCommand, JsonOutputCarriesTheSchemaAndEveryCheck) {
  std::string path = write("doc.json", doc("7"));
  Result r = run({"verify", path, "--ca-file", root(), "--at", at(), "-o", "json"});
  ASSERT_EQ(r.code, kExitOk) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], "hciattest.verify/1");
  EXPECT_EQ(j["verified"], true);
  EXPECT_EQ(j["checks"].size(), 9u);
  EXPECT_EQ(j["payload"]["nonce"], "7");
  EXPECT_EQ(j["chain"].size(), 3u);
  EXPECT_EQ(j["verification_time"], "2026-06-01T12:00:00Z");
}

TEST_F(VerifyCommand, WithoutTheTestRootTheBundledAnchorsRejectIt) {
  Result r = run({"verify", "--at", at()}, doc("1"));
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("chain_issuer_missing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("http://pki.test.invalid/root.crt"), std::string::npos) << r.out;
}

TEST_F(VerifyCommand, BatchVerifiesEachLineAndCountsRejections) {
  std::string lines = doc("1") + "\n\n" + doc("2") + "\n" + "garbage\n";
  Result r = run({"verify", "--batch", "-", "--ca-file", root(), "--at", at(), "-o", "json"}, lines);
  EXPECT_EQ(r.code, kExitFailed);
  std::istringstream out(r.out);
  std::string line;
  std::vector<nlohmann::json> results;
  while (std::getline(out, line)) results.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]["verified"], true);
  EXPECT_EQ(results[1]["line"], 3);
  EXPECT_EQ(results[2]["code"], "envelope_bad_base64");
  EXPECT_NE(r.err.find("2 verified, 1 rejected"), std::string::npos) << r.err;
}

TEST_F(VerifyCommand, BatchLineMayCarryItsExpectedNonce) {
  auto line = nlohmann::json::parse(doc("5"));
  line["expected_nonce"] = "6";
  Result r = run({"verify", "--batch", "-", "--ca-file", root(), "--at", at()}, line.dump() + "\n");
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("nonce_mismatch"), std::string::npos) << r.out;
}

TEST_F(VerifyCommand, ALinesExpectedNonceWinsOverNonceWherePresent) {
  // Wherever the member is (a tool may append it, nlohmann sorts it in the middle), it is this
  // line's nonce; a line without it is checked against --nonce.
  std::string appended = doc("7");
  appended.insert(appended.size() - 1, R"(,"expected_nonce":"7")");
  auto sorted = nlohmann::json::parse(doc("8"));
  sorted["expected_nonce"] = "8";
  std::string lines = appended + "\n" + sorted.dump() + "\n" + doc("9") + "\n" + doc("10") + "\n";
  Result r = run({"verify", "--batch", "-", "--ca-file", root(), "--at", at(), "--nonce", "9",
                  "-o", "json"},
                 lines);
  std::istringstream out(r.out);
  std::string line;
  std::vector<nlohmann::json> results;
  while (std::getline(out, line)) results.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(results.size(), 4u) << r.out;
  EXPECT_EQ(results[0]["verified"], true) << results[0];
  EXPECT_EQ(results[1]["verified"], true) << results[1];
  EXPECT_EQ(results[2]["verified"], true) << results[2];
  EXPECT_EQ(results[3]["code"], "nonce_mismatch") << results[3];
  EXPECT_EQ(r.code, kExitFailed);
}

TEST_F(VerifyCommand, ADocumentOverMaxBytesIsRejectedNamingTheCapAndTheOption) {
  const std::string d = doc("3");
  ASSERT_GT(d.size(), 2048u);
  const std::string path = write("over.json", d);
  for (const Result& r : {run({"verify", path, "--ca-file", root(), "--at", at(), "--max-bytes",
                               "2048"}),
                          run({"verify", "-", "--ca-file", root(), "--at", at(), "--max-bytes",
                               "2048"},
                              d)}) {
    EXPECT_EQ(r.code, kExitFailed) << r.out << r.err;
    EXPECT_NE(r.out.find("envelope_too_large"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2048-byte cap"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("--max-bytes"), std::string::npos) << r.out;
  }
  // The same document under the default cap verifies: only the cap refused it.
  EXPECT_EQ(run({"verify", path, "--ca-file", root(), "--at", at()}).code, kExitOk);
}

TEST_F(VerifyCommand, ABatchLineOverTheCapIsRejectedWithItsNumberAndTheNextLinesVerified) {
  const std::string lines =
      doc("1") + "\n" + std::string(5000, 'y') + "\n" + doc("2") + "\n" + std::string(3000, 'z');
  Result r = run({"verify", "--batch", "-", "--ca-file", root(), "--at", at(), "--max-bytes",
                  "4096"},
                 lines);
  EXPECT_EQ(r.code, kExitFailed);
  std::istringstream out(r.out);
  std::vector<std::string> got;
  for (std::string line; std::getline(out, line);) got.push_back(line);
  ASSERT_EQ(got.size(), 4u) << r.out;
  EXPECT_EQ(got[0].rfind("line 1: verified", 0), 0u) << got[0];
  EXPECT_EQ(got[1].rfind("line 2: REJECTED envelope_too_large", 0), 0u) << got[1];
  EXPECT_NE(got[1].find("4096-byte cap"), std::string::npos) << got[1];
  EXPECT_EQ(got[2].rfind("line 3: verified", 0), 0u) << got[2];
  EXPECT_EQ(got[3].rfind("line 4: REJECTED pkcs7_malformed", 0), 0u) << got[3];
  EXPECT_NE(r.err.find("2 verified, 2 rejected"), std::string::npos) << r.err;
}

TEST_F(VerifyCommand, APemFileOverItsCapIsAUsageErrorNamingTheCap) {
  // A real certificate padded past 1 MiB with PEM's permitted text outside the blocks.
  const std::string pem = pki_->root.pem() + std::string(1024 * 1024, '\n');
  const std::string path = write("huge.pem", pem);
  for (const char* option : {"--ca-file", "--intermediates-file"}) {
    Result r = run({"verify", "--at", at(), option, path}, doc("4"));
    EXPECT_EQ(r.code, kExitUsage) << option;
    EXPECT_NE(r.err.find(std::string(option) + " \"" + path +
                         "\" is larger than 1 MiB (1048576 bytes), the cap"),
              std::string::npos)
        << r.err;
    Result a = run({"anchors", option, path});
    EXPECT_EQ(a.code, kExitUsage) << option;
    EXPECT_NE(a.err.find("1 MiB (1048576 bytes)"), std::string::npos) << a.err;
  }
}

TEST_F(VerifyCommand, ABatchThatCannotBeReadIsNeverAPass) {
  // A folder opens as a stream on Linux and fails at the first read: that must not read as an
  // empty batch (exit 0).
  Result folder = run({"verify", "--batch", dir_.string(), "--ca-file", root()});
  EXPECT_EQ(folder.code, kExitUsage) << folder.err;
  EXPECT_NE(folder.err.find("is a folder: give the JSON-lines file in it"), std::string::npos)
      << folder.err;
  Result missing = run({"verify", "--batch", (dir_ / "absent.jsonl").string(), "--ca-file", root()});
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_NE(missing.err.find("check the path"), std::string::npos) << missing.err;
}

TEST_F(VerifyCommand, UsageErrorsExitTwoAndNameTheProblem) {
  Result missing = run({"verify", "/nonexistent/doc.json"});
  EXPECT_EQ(missing.code, kExitUsage);
  EXPECT_NE(missing.err.find("/nonexistent/doc.json"), std::string::npos);
  Result bad_ca = run({"verify", "--ca-file", write("empty.pem", "nothing here")}, doc("1"));
  EXPECT_EQ(bad_ca.code, kExitUsage);
  EXPECT_NE(bad_ca.err.find("no PEM certificate"), std::string::npos) << bad_ca.err;
  Result bad_at = run({"verify", "--at", "yesterday"}, doc("1"));
  EXPECT_EQ(bad_at.code, kExitUsage);
  EXPECT_NE(bad_at.err.find("--at"), std::string::npos);
  Result bad_cloud = run({"verify", "--cloud", "mars"}, doc("1"));
  EXPECT_EQ(bad_cloud.code, kExitUsage);
  Result bad_domain = run({"verify", "--signer-domain", "evil domain"}, doc("1"));
  EXPECT_EQ(bad_domain.code, kExitUsage);
  Result lonely_allow = run({"verify", "--aia-allow-host", "127.0.0.1"}, doc("1"));
  EXPECT_EQ(lonely_allow.code, kExitUsage);
  EXPECT_NE(lonely_allow.err.find("--fetch-intermediates"), std::string::npos);
  Result bad_host = run({"verify", "--fetch-intermediates", "--aia-allow-host", "a/b"}, doc("1"));
  EXPECT_EQ(bad_host.code, kExitUsage);
  Result no_cmd = run({});
  EXPECT_EQ(no_cmd.code, kExitUsage);
}

TEST_F(VerifyCommand, SignerDomainReplacesTheCloudList) {
  Result r = run({"verify", "--ca-file", root(), "--at", at(), "--signer-domain", "hci.contoso.test"},
              doc("1"));
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("signer_name_mismatch"), std::string::npos) << r.out;
}

TEST_F(VerifyCommand, HelpAndVersionExitZero) {
  Result help = run({"verify", "--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("--signer-domain"), std::string::npos) << help.out;
  Result version = run({"--version"});
  EXPECT_EQ(version.code, kExitOk);
  EXPECT_EQ(version.out.rfind("hciattest ", 0), 0u);
}

// Only the named command is registered (cli/commands.cpp); help, a typo and an option before the
// command still see every command.
TEST(Commands, HelpAndErrorsListEveryCommandWhenNoneIsNamedFirst) {
  const char* kAll[] = {"verify", "fetch", "attest", "emulate", "doctor", "activate", "anchors",
                        "kms"};
  testing::CliOutcome help = testing::run_cli({"--help"});
  EXPECT_EQ(help.code, kExitOk);
  for (const char* c : kAll) EXPECT_NE(help.out.find(c), std::string::npos) << c << help.out;
  testing::CliOutcome typo = testing::run_cli({"verfy", "doc.json"});
  EXPECT_EQ(typo.code, kExitUsage);
  EXPECT_NE(typo.err.find("A subcommand is required"), std::string::npos) << typo.err;
  testing::CliOutcome kms = testing::run_cli({"kms", "probe", "--help"});
  EXPECT_EQ(kms.code, kExitOk);
  EXPECT_NE(kms.out.find("probe"), std::string::npos) << kms.out;
  // A command named after another one's argument is not a second command.
  testing::CliOutcome two = testing::run_cli({"anchors", "verify"});
  EXPECT_EQ(two.code, kExitUsage) << two.out << two.err;
}

TEST(Docs, ExitCodesPageListsEveryErrorCode) {
  std::ifstream f(std::string(HCIATTEST_SOURCE_DIR) + "/docs/exit-codes.md");
  std::stringstream page;
  page << f.rdbuf();
  ASSERT_FALSE(page.str().empty());
  for (int c = 0; c <= static_cast<int>(attest::ErrorCode::kIssuerFetchFailed); ++c) {
    std::string id(attest::error_id(static_cast<attest::ErrorCode>(c)));
    EXPECT_NE(page.str().find("`" + id + "`"), std::string::npos) << id << " is not documented";
  }
}

TEST(TimeArg, AcceptsIsoUnixAndImdsForms) {
  EXPECT_EQ(parse_time_arg("2018-11-20T22:07:39Z"), 1542751659);
  EXPECT_EQ(parse_time_arg("@1542751659"), 1542751659);
  EXPECT_EQ(parse_time_arg("11/20/18 22:07:39 -0000"), 1542751659);
  EXPECT_FALSE(parse_time_arg("2018-11-20").has_value());
  EXPECT_FALSE(parse_time_arg("@").has_value());
  EXPECT_FALSE(parse_time_arg("@12x").has_value());
}

}  // namespace
}  // namespace hciattest::cli
