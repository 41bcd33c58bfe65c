// apply_plan and undo_journal against a fake machine whose state the actions change, and a
// journal sink that records every write (so "journaled before the change" is checked, not assumed).
#include "activation/apply.h"

#include <gtest/gtest.h>

#include <map>

namespace hciattest::activation {
namespace {

using hostcheck::Platform;

// The AWS KMS addresses as data: the machine here is a fake, nothing is ever sent to them.
constexpr const char* kKms250 = "169.254.169.250";  // data only, never contacted
constexpr const char* kKms251 = "169.254.169.251";  // data only, never contacted

hostcheck::Route host_route(const std::string& target, const std::string& gw, unsigned index = 6) {
  hostcheck::Route r;
  r.destination = target;
  r.prefix_length = 32;
  r.gateway = gw;
  r.interface_index = index;
  r.interface_name = "Ethernet";
  r.metric = 15;
  return r;
}

class FakeMachine : public ActivationActions {
 public:
  explicit FakeMachine(ActivationFacts world) : world(std::move(world)) {}

  std::string set_task_enabled(bool enabled) override {
    calls.push_back(std::string("set_task_enabled ") + (enabled ? "true" : "false"));
    world.task.enabled = enabled;
    return fail("set_task_enabled");
  }
  std::string run_task(std::chrono::seconds) override {
    calls.push_back("run_task");
    if (++task_runs >= task_runs_to_activate) world.licensing.status = LicenseStatus::kLicensed;
    return fail("run_task");
  }
  std::string add_route(const RouteChange& r) override {
    calls.push_back("add_route " + r.target + " via " + r.gateway);
    routes[r.target] = host_route(r.target, r.gateway, r.interface_index);
    return fail("add_route");
  }
  std::string delete_route(const RouteChange& r) override {
    calls.push_back("delete_route " + r.target + " via " + r.gateway);
    auto it = routes.find(r.target);
    if (it != routes.end() && it->second.gateway == r.gateway) routes.erase(it);
    return fail("delete_route");
  }
  std::string install_product_key(const std::string& key) override {
    calls.push_back("install_product_key " + key);
    world.licensing.description = "Windows(R) Operating System, VOLUME_KMSCLIENT channel";
    world.licensing.partial_product_key = key.substr(key.size() - 5);
    return fail("install_product_key");
  }
  std::string set_kms_host(const std::string& host, std::uint16_t port) override {
    calls.push_back("set_kms_host " + host + ":" + std::to_string(port));
    writes_before_kms = sink_writes ? *sink_writes : -1;
    world.licensing.kms_machine = host;
    world.licensing.kms_port = port;
    return fail("set_kms_host");
  }
  std::string activate_windows() override {
    calls.push_back("activate_windows");
    if (activates && world.licensing.channel() == "VOLUME_KMSCLIENT" && !world.licensing.kms_machine.empty()) {
      world.licensing.status = LicenseStatus::kLicensed;
      world.licensing.status_reason = 0;
    }
    return fail("activate_windows");
  }
  ActivationFacts reread(const ActivationFacts& before) override {
    ActivationFacts f = world;
    f.platform = before.platform;
    f.aws_routes.clear();
    for (const char* t : {kKms250, kKms251}) {
      auto it = routes.find(t);
      f.aws_routes.push_back({t, it == routes.end() ? std::nullopt
                                                    : std::optional<hostcheck::Route>(it->second)});
    }
    return f;
  }

  std::string fail(const std::string& action) {
    auto it = failures.find(action);
    return it == failures.end() ? "" : it->second;
  }

  ActivationFacts world;
  std::map<std::string, hostcheck::Route> routes;
  std::map<std::string, std::string> failures;  // action -> error it returns
  std::vector<std::string> calls;
  int task_runs = 0;
  int task_runs_to_activate = 1;
  bool activates = true;
  const int* sink_writes = nullptr;
  int writes_before_kms = -1;
};

class RecordingSink : public JournalSink {
 public:
  std::string write(const Journal& j) override {
    ++writes;
    snapshots.push_back(j);
    return error;
  }
  int writes = 0;
  std::vector<Journal> snapshots;
  std::string error;
};

ActivationFacts azure_server(const std::string& channel = "VOLUME_KMSCLIENT") {
  ActivationFacts f;
  f.platform = Platform::kAzure;
  f.version = {"ServerDatacenter", "", "Server", 20348};
  f.licensing.available = true;
  f.licensing.description = "Windows(R) Operating System, " + channel + " channel";
  f.licensing.partial_product_key = "ABCDE";
  f.licensing.status = LicenseStatus::kNotification;
  f.licensing.status_reason = 0xC004F074;
  f.task = {true, "", true, true, "ready", 0u, "", "", {}, {}};
  f.elevated = true;
  return f;
}

struct Session {
  FakeMachine machine;
  RecordingSink sink;
  Journal journal;
  ApplyResult result;
};

void apply(Session& run, const ActivationFacts& facts, const PlanOptions& options = {}) {
  run.machine.sink_writes = &run.sink.writes;
  const ActivationPlan plan = plan_activation(facts, options);
  run.result = apply_plan(plan, facts, run.journal, run.machine, run.sink);
}

TEST(Apply, SetsTheKmsHostJournaledFirstThenActivates) {
  const ActivationFacts facts = azure_server();
  Session run{FakeMachine(facts), {}, {}, {}};
  apply(run, facts);
  EXPECT_TRUE(run.result.ok) << run.result.error;
  EXPECT_EQ(run.machine.calls,
            (std::vector<std::string>{"set_kms_host azkms.core.windows.net:1688", "activate_windows"}));
  // The entry was on disk before the change: one write had happened when set_kms_host ran.
  EXPECT_EQ(run.machine.writes_before_kms, 1);
  ASSERT_EQ(run.journal.entries.size(), 1u);
  EXPECT_EQ(run.journal.entries[0].kind, StepKind::kSetKmsHost);
  EXPECT_TRUE(run.journal.entries[0].started);
  EXPECT_EQ(run.journal.entries[0].kms_host_before, "");
  ASSERT_EQ(run.result.steps.size(), 2u);
  EXPECT_EQ(run.result.steps[0].status, StepStatus::kDone);
  EXPECT_EQ(run.result.steps[1].status, StepStatus::kDone);
  EXPECT_TRUE(run.result.after.licensing.activated());
}

TEST(Apply, UndoPutsTheKmsSettingBackAndCanRunTwice) {
  ActivationFacts facts = azure_server();
  facts.licensing.kms_machine = "kms.old.example";
  facts.licensing.kms_port = 1700;
  Session run{FakeMachine(facts), {}, {}, {}};
  apply(run, facts);
  ASSERT_TRUE(run.result.ok) << run.result.error;
  EXPECT_EQ(run.machine.world.licensing.kms_machine, "azkms.core.windows.net");
  for (int i = 0; i < 2; ++i) {
    const UndoResult u = undo_journal(run.journal, run.machine);
    EXPECT_TRUE(u.ok);
    EXPECT_EQ(run.machine.world.licensing.kms_machine, "kms.old.example");
    EXPECT_EQ(run.machine.world.licensing.kms_port, 1700);
    EXPECT_TRUE(u.not_restorable.empty());
  }
}

TEST(Apply, ARerunOnAnActivatedMachineChangesNothing) {
  const ActivationFacts facts = azure_server();
  Session first{FakeMachine(facts), {}, {}, {}};
  apply(first, facts);
  ASSERT_TRUE(first.result.ok);
  Session again{FakeMachine(first.machine.world), {}, {}, {}};
  apply(again, first.machine.world);
  EXPECT_TRUE(again.result.ok);
  EXPECT_TRUE(again.machine.calls.empty());
  EXPECT_EQ(again.sink.writes, 0);
}

TEST(Apply, AStepWhoseGoalAlreadyHoldsIsNotDoneAgain) {
  // The plan was made, then someone set the host by hand before --apply ran.
  const ActivationFacts facts = azure_server();
  const ActivationPlan plan = plan_activation(facts, {});
  ActivationFacts now = facts;
  now.licensing.kms_machine = "azkms.core.windows.net";
  FakeMachine machine(now);
  RecordingSink sink;
  Journal journal;
  const ApplyResult r = apply_plan(plan, now, journal, machine, sink);
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.steps[0].status, StepStatus::kAlreadyDone);
  EXPECT_EQ(machine.calls, std::vector<std::string>{"activate_windows"});
  EXPECT_TRUE(journal.entries.empty());
}

TEST(Apply, AJournalThatCannotBeWrittenStopsBeforeAnyChange) {
  const ActivationFacts facts = azure_server();
  Session run{FakeMachine(facts), {}, {}, {}};
  run.sink.error = "C:\\ProgramData\\hciattest: access denied";
  apply(run, facts);
  EXPECT_FALSE(run.result.ok);
  EXPECT_TRUE(run.machine.calls.empty());
  EXPECT_NE(run.result.error.find("journal could not be written"), std::string::npos);
  EXPECT_TRUE(run.journal.entries.empty());
}

TEST(Apply, AFailedActionStopsWithItsErrorAndUndoStillRestores) {
  const ActivationFacts facts = azure_server();
  Session run{FakeMachine(facts), {}, {}, {}};
  run.machine.failures["activate_windows"] = "Activate failed: 0xC004F074";
  apply(run, facts);
  EXPECT_FALSE(run.result.ok);
  EXPECT_EQ(run.result.steps[1].status, StepStatus::kFailed);
  EXPECT_NE(run.result.error.find("0xC004F074"), std::string::npos) << run.result.error;
  ASSERT_EQ(run.journal.entries.size(), 1u);
  EXPECT_TRUE(undo_journal(run.journal, run.machine).ok);
  EXPECT_EQ(run.machine.world.licensing.kms_machine, "");
}

TEST(Apply, APostconditionThatDoesNotHoldIsAFailureWithTheStateSeen) {
  const ActivationFacts facts = azure_server();
  Session run{FakeMachine(facts), {}, {}, {}};
  run.machine.activates = false;  // Activate() returns, but the status stays Notification
  apply(run, facts);
  EXPECT_FALSE(run.result.ok);
  EXPECT_NE(run.result.error.find("does not hold"), std::string::npos) << run.result.error;
  EXPECT_NE(run.result.error.find("0xC004F074 (kms_not_contacted"), std::string::npos)
      << run.result.error;
}

TEST(Apply, TheImdsTaskRunsASecondTimeWhenTheFirstRunDidNotActivate) {
  ActivationFacts facts = azure_server();
  facts.platform = Platform::kAzureStackHci;
  facts.version.edition_id = "ServerTurbine";
  Session run{FakeMachine(facts), {}, {}, {}};
  run.machine.task_runs_to_activate = 2;
  apply(run, facts);
  EXPECT_TRUE(run.result.ok) << run.result.error;
  EXPECT_EQ(run.machine.task_runs, 2);
  EXPECT_TRUE(run.journal.entries.empty());  // running the task changes no setting
}

TEST(Apply, ADisabledTaskIsEnabledJournaledAndDisabledAgainByUndo) {
  ActivationFacts facts = azure_server();
  facts.platform = Platform::kAzureStackHci;
  facts.version.edition_id = "ServerRdsh";
  facts.task.enabled = false;
  Session run{FakeMachine(facts), {}, {}, {}};
  apply(run, facts);
  ASSERT_TRUE(run.result.ok) << run.result.error;
  ASSERT_EQ(run.journal.entries.size(), 1u);
  EXPECT_FALSE(run.journal.entries[0].task_was_enabled);
  undo_journal(run.journal, run.machine);
  EXPECT_FALSE(run.machine.world.task.enabled);
}

TEST(Apply, AStaleAwsRouteIsReplacedAndUndoPutsItBack) {
  ActivationFacts facts = azure_server();
  facts.platform = Platform::kAws;
  hostcheck::Route def;
  def.destination = "0.0.0.0";
  def.gateway = "172.31.0.1";
  def.interface_index = 6;
  def.interface_name = "Ethernet";
  def.metric = 15;
  facts.default_route = def;
  facts.aws_routes = {{kKms250, host_route(kKms250, "172.16.0.1")},
                      {kKms251, host_route(kKms251, "172.31.0.1")}};
  Session run{FakeMachine(facts), {}, {}, {}};
  run.machine.routes[kKms250] = host_route(kKms250, "172.16.0.1");
  run.machine.routes[kKms251] = host_route(kKms251, "172.31.0.1");
  apply(run, facts);
  ASSERT_TRUE(run.result.ok) << run.result.error;
  EXPECT_EQ(run.machine.calls.at(0), "delete_route 169.254.169.250 via 172.16.0.1");
  EXPECT_EQ(run.machine.calls.at(1), "add_route 169.254.169.250 via 172.31.0.1");
  EXPECT_EQ(run.machine.routes[kKms250].gateway, "172.31.0.1");
  ASSERT_TRUE(run.journal.entries.at(0).route_before);
  EXPECT_EQ(run.journal.entries[0].route_before->gateway, "172.16.0.1");
  const UndoResult u = undo_journal(run.journal, run.machine);
  EXPECT_TRUE(u.ok);
  EXPECT_EQ(run.machine.routes[kKms250].gateway, "172.16.0.1");
}

TEST(Apply, AReplacedKeyIsReportedAsNotRestorable) {
  const ActivationFacts facts = azure_server("VIRTUAL_MACHINE_ACTIVATION");
  Session run{FakeMachine(facts), {}, {}, {}};
  apply(run, facts);
  ASSERT_TRUE(run.result.ok) << run.result.error;
  EXPECT_EQ(run.machine.calls.at(0), "install_product_key WX4NM-KYWYW-QJJR4-XV3QB-6VM33");
  const UndoResult u = undo_journal(run.journal, run.machine);
  ASSERT_EQ(u.not_restorable.size(), 1u);
  EXPECT_NE(u.not_restorable[0].find("VIRTUAL_MACHINE_ACTIVATION, ending ABCDE"), std::string::npos)
      << u.not_restorable[0];
}

TEST(Apply, ARefusedOrUnelevatedPlanChangesNothing) {
  ActivationFacts facts = azure_server("RETAIL");  // needs --allow-key-change
  Session refused{FakeMachine(facts), {}, {}, {}};
  apply(refused, facts);
  EXPECT_FALSE(refused.result.ok);
  EXPECT_NE(refused.result.error.find("nothing was changed"), std::string::npos);
  EXPECT_TRUE(refused.machine.calls.empty());
  EXPECT_EQ(refused.sink.writes, 0);
  facts = azure_server();
  facts.elevated = false;
  Session unelevated{FakeMachine(facts), {}, {}, {}};
  apply(unelevated, facts);
  EXPECT_NE(unelevated.result.error.find("not elevated"), std::string::npos);
  EXPECT_TRUE(unelevated.machine.calls.empty());
}

}  // namespace
}  // namespace hciattest::activation
