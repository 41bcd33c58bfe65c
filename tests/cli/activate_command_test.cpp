// `hciattest activate --plan` with the machine's facts injected: rendering, exit codes, usage
// errors. The decision itself is tested in tests/activation/plan_test.cpp.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/activate_command.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"

namespace hciattest::cli {
namespace {

using activation::ActivationFacts;

ActivationFacts azure_datacenter(int status) {
  ActivationFacts f;
  f.platform = hostcheck::Platform::kAzure;
  f.version = {"ServerDatacenter", "Windows Server 2022 Datacenter", "Server", 20348};
  f.licensing.available = true;
  f.licensing.description = "Windows(R) Operating System, VOLUME_KMSCLIENT channel";
  f.licensing.partial_product_key = "6VM33";
  f.licensing.status = activation::license_status_from(status);
  f.licensing.status_reason = status == 1 ? 0 : 0xC004F074;
  f.task = {true, "", false, false, "", std::nullopt, ""};
  f.elevated = true;
  return f;
}

struct Outcome {
  int code;
  std::string out, err;
  int facts_read;
};

Outcome run(ActivateCommandOptions o, const ActivationFacts& facts) {
  std::istringstream in;
  std::ostringstream out, err;
  CommandIo io{in, out, err, [] { return std::int64_t{0}; }, false};
  int reads = 0;
  const int code = run_activate(o, io, [&](const ActivateCommandOptions&) {
    ++reads;
    return facts;
  });
  return {code, out.str(), err.str(), reads};
}

TEST(ActivateCommand, ANotActivatedAzureServerGetsTheKmsPlanAndExitThree) {
  const Outcome r = run({}, azure_datacenter(5));
  EXPECT_EQ(r.code, kExitWarnings) << r.out;
  EXPECT_NE(r.out.find("edition    Windows Server 2022 Datacenter (EditionID ServerDatacenter, "
                       "build 20348)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("reason 0xC004F074 (kms_not_contacted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1. [set-kms-host] set the KMS host to azkms.core.windows.net:1688"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("2. [activate]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nothing has been changed"), std::string::npos);
}

TEST(ActivateCommand, JsonCarriesTheStepsAndTheFacts) {
  ActivateCommandOptions o;
  o.output = "json";
  const Outcome r = run(o, azure_datacenter(5));
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["schema"], kActivatePlanSchema);
  EXPECT_EQ(j["method"], "kms");
  EXPECT_EQ(j["can_apply"], true);
  EXPECT_EQ(j["licensing"]["channel"], "VOLUME_KMSCLIENT");
  EXPECT_EQ(j["licensing"]["license_status"], 5);
  ASSERT_EQ(j["steps"].size(), 2u);
  EXPECT_EQ(j["steps"][0]["kind"], "set-kms-host");
  EXPECT_EQ(j["steps"][0]["kms"]["host"], "azkms.core.windows.net");
  EXPECT_EQ(j["steps"][0]["kms"]["port"], 1688);
  EXPECT_EQ(j["steps"][1]["kind"], "activate");
  EXPECT_EQ(j["task"]["path"], "\\Microsoft\\Windows\\Clip\\LicenseImdsIntegration");
}

TEST(ActivateCommand, AnActivatedVmHasNothingToDoAndExitsZero) {
  const Outcome r = run({}, azure_datacenter(1));
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_NE(r.out.find("Windows is activated: nothing to do."), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Plan"), std::string::npos) << r.out;
}

TEST(ActivateCommand, ARefusalExitsOneAndSaysWhy) {
  ActivationFacts f = azure_datacenter(5);
  f.version.edition_id = "ServerRdsh";
  ActivateCommandOptions o;
  o.method = "kms";
  o.kms_host = "kms.contoso.com";
  const Outcome r = run(o, f);
  EXPECT_EQ(r.code, kExitFailed);
  EXPECT_NE(r.out.find("Cannot repair: never on Windows 10/11 Enterprise multi-session"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("Plan ("), std::string::npos) << r.out;
}

TEST(ActivateCommand, NotElevatedShowsThePlanAndSaysHowToRunIt) {
  ActivationFacts f = azure_datacenter(5);
  f.elevated = false;
  const Outcome r = run({}, f);
  EXPECT_EQ(r.code, kExitWarnings);
  EXPECT_NE(r.out.find("not elevated"), std::string::npos) << r.out;
}

TEST(ActivateCommand, BadKmsHostsAreUsageErrorsBeforeTheMachineIsRead) {
  for (const std::string bad : {"", " ", "kms;calc", "kms:0", "kms:70000", "fd00:ec2::240",
                                "a b", "`id`", "kms|x"}) {
    ActivateCommandOptions o;
    o.kms_host = bad;
    const Outcome r = run(o, azure_datacenter(5));
    EXPECT_EQ(r.code, kExitUsage) << bad;
    EXPECT_EQ(r.facts_read, 0) << bad;
    EXPECT_NE(r.err.find("--kms-host"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("expected HOST[:PORT]"), std::string::npos) << r.err;
  }
}

TEST(ActivateCommand, TheCommandLineIsCheckedByTheParserToo) {
  std::vector<std::string> args = {"hciattest", "activate", "--method", "slmgr"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(run_main(static_cast<int>(argv.size()), argv.data(), in, out, err), kExitUsage);
  EXPECT_NE(err.str().find("--method"), std::string::npos) << err.str();
}

}  // namespace
}  // namespace hciattest::cli
