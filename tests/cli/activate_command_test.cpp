// `hciattest activate --plan` with the machine's facts injected: rendering, exit codes, usage
// errors. The decision itself is tested in tests/activation/plan_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli/activate_command.h"
#include "activation/journal.h"
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
  f.task = {true, "", false, false, "", std::nullopt, "", "", {}, {}};
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

TEST(ActivateCommand, OnAwsThePlanNamesTheLaunchAgentInTextAndJson) {
  ActivationFacts f = azure_datacenter(5);
  f.platform = hostcheck::Platform::kAws;
  activation::LaunchAgentProbe probe;
  probe.v2_service = true;
  f.launch_agent = activation::classify_launch_agent(probe);
  Outcome r = run({}, f);
  EXPECT_NE(r.out.find("launch     EC2Launch v2 (sets the routes again at boot)"), std::string::npos)
      << r.out;
  ActivateCommandOptions o;
  o.output = "json";
  r = run(o, f);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["launch_agent"]["agent"], "ec2launch-v2");
  EXPECT_EQ(j["launch_agent"]["routes_repair_themselves"], true);
  EXPECT_EQ(j["launch_agent"]["evidence"][0], "EC2Launch v2: service EC2Launch");
  f.launch_agent.reset();  // off AWS or off Windows: no launch_agent member at all
  r = run(o, f);
  EXPECT_FALSE(nlohmann::json::parse(r.out).contains("launch_agent"));
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

// A machine whose KMS setting and licence the actions change.
class FakeActions : public activation::ActivationActions {
 public:
  explicit FakeActions(ActivationFacts& world) : world_(world) {}
  std::string set_task_enabled(bool) override { return note("set_task_enabled"); }
  std::string run_task(std::chrono::seconds) override { return note("run_task"); }
  std::string add_route(const activation::RouteChange&) override { return note("add_route"); }
  std::string delete_route(const activation::RouteChange&) override { return note("delete_route"); }
  std::string install_product_key(const std::string&) override { return note("install_product_key"); }
  std::string set_kms_host(const std::string& host, std::uint16_t port) override {
    world_.licensing.kms_machine = host;
    world_.licensing.kms_port = port;
    return note("set_kms_host " + host);
  }
  std::string activate_windows() override {
    world_.licensing.status = activation::LicenseStatus::kLicensed;
    return note("activate_windows");
  }
  ActivationFacts reread(const ActivationFacts&) override { return world_; }
  std::vector<std::string> calls;

 private:
  std::string note(const std::string& c) {
    calls.push_back(c);
    return "";
  }
  ActivationFacts& world_;
};

class ActivateApply : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hciattest-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int run_with(ActivateCommandOptions o, ActivationFacts& world, FakeActions& actions,
               std::string& out, std::string& err) {
    std::istringstream in;
    std::ostringstream o_out, o_err;
    CommandIo io{in, o_out, o_err, [] { return std::int64_t{1796162700}; }, false};
    const int code = run_activate(o, io, [&](const ActivateCommandOptions&) { return world; },
                                  &actions);
    out = o_out.str();
    err = o_err.str();
    return code;
  }

  std::filesystem::path dir_;
};

TEST_F(ActivateApply, AppliesWritesTheJournalAndUndoRestores) {
  ActivationFacts world = azure_datacenter(5);
  world.licensing.kms_machine = "kms.old.example";
  FakeActions actions(world);
  ActivateCommandOptions o;
  o.apply = true;
  o.journal = (dir_ / "journal.json").string();
  std::string out, err;
  ASSERT_EQ(run_with(o, world, actions, out, err), kExitOk) << out << err;
  EXPECT_NE(out.find("undo with: hciattest activate --undo " + *o.journal), std::string::npos) << out;
  EXPECT_NE(out.find("Windows is activated."), std::string::npos);
  EXPECT_EQ(world.licensing.kms_machine, "azkms.core.windows.net");

  std::ifstream f(*o.journal);
  std::string error;
  const auto journal = activation::journal_from_json(nlohmann::json::parse(f), error);
  ASSERT_TRUE(journal) << error;
  ASSERT_EQ(journal->entries.size(), 1u);
  EXPECT_EQ(journal->entries[0].kms_host_before, "kms.old.example");
  EXPECT_EQ(journal->created_at, "2026-12-01T22:05:00Z");

  ActivateCommandOptions u;
  u.undo = o.journal;
  ASSERT_EQ(run_with(u, world, actions, out, err), kExitOk) << out << err;
  EXPECT_EQ(world.licensing.kms_machine, "kms.old.example");
  EXPECT_NE(out.find("[done] undo: set the KMS host"), std::string::npos) << out;
}

TEST_F(ActivateApply, ARefusedPlanWritesNoJournalAndChangesNothing) {
  ActivationFacts world = azure_datacenter(5);
  world.licensing.description = "Windows(R) Operating System, RETAIL channel";
  FakeActions actions(world);
  ActivateCommandOptions o;
  o.apply = true;
  o.journal = (dir_ / "journal.json").string();
  std::string out, err;
  EXPECT_EQ(run_with(o, world, actions, out, err), kExitFailed);
  EXPECT_NE(out.find("Stopped: nothing was changed"), std::string::npos) << out;
  EXPECT_TRUE(actions.calls.empty());
  EXPECT_FALSE(std::filesystem::exists(*o.journal));
}

TEST_F(ActivateApply, AJournalThatIsNotOneIsAUsageErrorAndNothingIsUndone) {
  std::filesystem::create_directories(dir_);
  const struct {
    const char* name;
    std::string text;
    const char* reason;
  } kBad[] = {
      {"not_json", "{", "not JSON"},
      {"other_schema", R"({"schema":"hciattest.doctor/1"})", "is not hciattest.activation-journal/1"},
      {"bad_host", R"({"schema":"hciattest.activation-journal/1","tool_version":"0.1.0",
        "created_at":"x","edition":"e","method":"kms","entries":[{"kind":"set-kms-host",
        "title":"t","started":true,"kms_host_before":"kms;calc","kms_port_before":1688}]})",
       "entries[0]: kms_host_before \"kms;calc\" is not a host name"},
      {"bad_route", R"({"schema":"hciattest.activation-journal/1","tool_version":"0.1.0",
        "created_at":"x","edition":"e","method":"kms","entries":[{"kind":"set-route","title":"t",
        "started":true,"route_added":{"target":"169.254.169.250 & x","gateway":"172.31.0.1",
        "interface":"Ethernet","interface_index":6,"metric":1}}]})",
       "is not two IPv4 addresses"},
      // Found by journal_fuzzer: a number out of the field's range was converted (undefined
      // behaviour for 1e99; -1 became 4294967295).
      {"huge_metric", R"({"schema":"hciattest.activation-journal/1","tool_version":"0.1.0",
        "created_at":"x","edition":"e","method":"kms","entries":[{"kind":"set-route","title":"t",
        "started":true,"route_added":{"target":"169.254.169.250","gateway":"172.31.0.1",
        "interface":"Ethernet","interface_index":6,"metric":1e99}}]})",
       "\"metric\" is not a whole number from 0 to 4294967295"},
      {"negative_port", R"({"schema":"hciattest.activation-journal/1","tool_version":"0.1.0",
        "created_at":"x","edition":"e","method":"kms","entries":[{"kind":"set-kms-host",
        "title":"t","started":true,"kms_host_before":"kms.example","kms_port_before":-1}]})",
       "\"kms_port_before\" is not a whole number from 0 to 65535"},
      {"unknown_kind", R"({"schema":"hciattest.activation-journal/1","tool_version":"0.1.0",
        "created_at":"x","edition":"e","method":"kms","entries":[{"kind":"format-disk",
        "title":"t","started":true}]})",
       "unknown kind \"format-disk\""},
  };
  for (const auto& bad : kBad) {
    const auto path = (dir_ / (std::string(bad.name) + ".json")).string();
    std::ofstream(path) << bad.text;
    ActivationFacts world = azure_datacenter(1);
    FakeActions actions(world);
    ActivateCommandOptions u;
    u.undo = path;
    std::string out, err;
    EXPECT_EQ(run_with(u, world, actions, out, err), kExitUsage) << bad.name;
    EXPECT_NE(err.find(bad.reason), std::string::npos) << bad.name << ": " << err;
    EXPECT_NE(err.find("pass the journal --apply wrote, as it wrote it"), std::string::npos)
        << bad.name << ": " << err;
    EXPECT_TRUE(actions.calls.empty()) << bad.name;
  }
}

TEST_F(ActivateApply, UndoOfAFileOverTheJournalCapIsRefusedAndNamesTheCap) {
  std::filesystem::create_directories(dir_);
  const auto path = (dir_ / "huge.json").string();
  // Valid JSON, so that only the cap can refuse it: 1 MiB of spaces before an empty object.
  std::ofstream(path, std::ios::binary) << std::string(1024 * 1024, ' ') << "{}";
  ActivationFacts world = azure_datacenter(1);
  FakeActions actions(world);
  ActivateCommandOptions u;
  u.undo = path;
  std::string out, err;
  EXPECT_EQ(run_with(u, world, actions, out, err), kExitUsage);
  EXPECT_NE(err.find("larger than 1 MiB (1048576 bytes), the cap"), std::string::npos) << err;
  EXPECT_NE(err.find("nothing was changed"), std::string::npos) << err;
  EXPECT_TRUE(actions.calls.empty());
}

TEST_F(ActivateApply, UndoIsRefusedWhenNotElevated) {
  std::filesystem::create_directories(dir_);
  const auto path = (dir_ / "j.json").string();
  activation::Journal j;
  j.entries.push_back({});
  j.entries[0].kind = activation::StepKind::kSetKmsHost;
  j.entries[0].started = true;
  std::ofstream(path) << activation::journal_to_json(j).dump();
  ActivationFacts world = azure_datacenter(1);
  world.elevated = false;
  FakeActions actions(world);
  ActivateCommandOptions u;
  u.undo = path;
  std::string out, err;
  EXPECT_EQ(run_with(u, world, actions, out, err), kExitFailed);
  EXPECT_NE(err.find("elevated"), std::string::npos) << err;
  EXPECT_TRUE(actions.calls.empty());
}

TEST(ActivateCommand, PlanApplyAndUndoExcludeEachOther) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"hciattest", "activate", "--plan", "--apply"},
        std::vector<std::string>{"hciattest", "activate", "--apply", "--undo", "j.json"}}) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::istringstream in;
    std::ostringstream out, err;
    EXPECT_EQ(run_main(static_cast<int>(argv.size()), argv.data(), in, out, err), kExitUsage);
    EXPECT_NE(err.str().find("excludes"), std::string::npos) << err.str();
  }
}

}  // namespace
}  // namespace hciattest::cli
