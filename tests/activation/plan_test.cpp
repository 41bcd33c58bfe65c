// The activation decision, table-driven over editions, platforms and states (the facts are
// values: nothing here touches a machine).
#include "activation/plan.h"

#include <gtest/gtest.h>

#include "activation/error_codes.h"
#include "activation/product_keys.h"

namespace hciattest::activation {
namespace {

using hostcheck::Platform;

// The AWS KMS addresses as data: plans are computed from values, nothing is sent anywhere.
constexpr const char* kKms250 = "169.254.169.250";  // data only, never contacted
constexpr const char* kKms251 = "169.254.169.251";  // data only, never contacted

hostcheck::Route route(const std::string& dest, int prefix, const std::string& gw, unsigned index,
                       std::uint32_t metric = 15) {
  hostcheck::Route r;
  r.destination = dest;
  r.prefix_length = prefix;
  r.gateway = gw;
  r.interface_index = index;
  r.interface_name = "Ethernet";
  r.metric = metric;
  return r;
}

struct Row {
  const char* name;
  Platform platform;
  const char* edition_id;
  int build;
  const char* channel;   // put into the WMI description
  int status;            // LicenseStatus
  const char* kms;       // KeyManagementServiceMachine
  Method method;         // --method
  const char* kms_host;  // --kms-host ("" none)
  bool allow_key_change;
  Method chosen;
  std::vector<StepKind> steps;
  const char* refusal;   // "" none; else a phrase of the first refusal
};

ActivationFacts facts_of(const Row& r) {
  ActivationFacts f;
  f.platform = r.platform;
  f.version = {r.edition_id, "", "Server", r.build};
  f.licensing.available = true;
  f.licensing.description = std::string("Windows(R) Operating System, ") + r.channel + " channel";
  f.licensing.partial_product_key = "ABCDE";
  f.licensing.status = license_status_from(r.status);
  f.licensing.kms_machine = r.kms;
  f.task = {true, "", true, true, "ready", 0x41303u, "", "", {}, {}};
  f.elevated = true;
  if (r.platform == Platform::kAws) {
    f.default_route = route("0.0.0.0", 0, "172.31.0.1", 6);
    f.aws_routes = {{kKms250, route(kKms250, 32, "172.31.0.1", 6)},
                    {kKms251, route(kKms251, 32, "172.31.0.1", 6)}};
  }
  return f;
}

PlanOptions options_of(const Row& r) {
  PlanOptions o;
  o.method = r.method;
  if (*r.kms_host) o.kms_host = parse_kms_target(r.kms_host).target;
  o.allow_key_change = r.allow_key_change;
  return o;
}

using K = StepKind;
const Method A = Method::kAuto, I = Method::kImds, M = Method::kKms;

class Decision : public ::testing::TestWithParam<Row> {};

TEST_P(Decision, ChoosesTheMethodAndTheSteps) {
  const Row& r = GetParam();
  const ActivationPlan p = plan_activation(facts_of(r), options_of(r));
  EXPECT_EQ(p.method, r.chosen) << p.method_reason;
  std::vector<StepKind> kinds;
  for (const auto& s : p.steps) kinds.push_back(s.kind);
  std::string got;
  for (auto k : kinds) got += std::string(step_kind_id(k)) + " ";
  std::string want;
  for (auto k : r.steps) want += std::string(step_kind_id(k)) + " ";
  EXPECT_EQ(got, want);
  if (*r.refusal) {
    ASSERT_FALSE(p.refusals.empty()) << "expected a refusal with: " << r.refusal;
    EXPECT_NE(p.refusals.front().find(r.refusal), std::string::npos) << p.refusals.front();
    EXPECT_FALSE(p.can_apply());
  } else {
    EXPECT_TRUE(p.refusals.empty()) << p.refusals.front();
    EXPECT_TRUE(p.can_apply());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, Decision,
    ::testing::Values(
        // Already activated: nothing to do, whatever the method.
        Row{"activated_server_on_azure", Platform::kAzure, "ServerDatacenter", 20348,
            "VOLUME_KMSCLIENT", 1, "azkms.core.windows.net", A, "", false, M, {}, ""},
        Row{"activated_multisession", Platform::kAzure, "ServerRdsh", 22621, "VOLUME_MAK", 1, "",
            A, "", false, I, {}, ""},
        // IMDS editions.
        Row{"multisession_on_azure_runs_the_task", Platform::kAzure, "ServerRdsh", 22621,
            "VOLUME_MAK", 5, "", A, "", false, I, {K::kRunTask}, ""},
        Row{"multisession_on_hci_runs_the_task", Platform::kAzureStackHci, "ServerRdsh", 19045,
            "VOLUME_MAK", 5, "", A, "", false, I, {K::kRunTask}, ""},
        Row{"azure_edition_on_hci_runs_the_task", Platform::kAzureStackHci, "ServerTurbine", 20348,
            "VOLUME_KMSCLIENT", 0, "", A, "", false, I, {K::kRunTask}, ""},
        Row{"azure_edition_core_on_hci", Platform::kAzureStackHci, "ServerTurbineCor", 26100,
            "VOLUME_KMSCLIENT", 5, "", A, "", false, I, {K::kRunTask}, ""},
        Row{"multisession_off_azure_is_refused", Platform::kHyperV, "ServerRdsh", 22621,
            "VOLUME_MAK", 5, "", A, "", false, A, {}, "only on Azure and Azure Stack HCI"},
        Row{"multisession_never_gets_a_kms_key", Platform::kAzure, "ServerRdsh", 22621,
            "VOLUME_MAK", 5, "", M, "kms.contoso.com", true, M, {}, "never on"},
        Row{"imds_forced_on_datacenter_is_refused", Platform::kAzure, "ServerDatacenter", 20348,
            "VOLUME_KMSCLIENT", 5, "", I, "", false, I, {}, "only Windows 10/11 Enterprise"},
        // KMS on Azure.
        Row{"datacenter_on_azure_sets_the_host_and_activates", Platform::kAzure,
            "ServerDatacenter", 20348, "VOLUME_KMSCLIENT", 5, "", A, "", false, M,
            {K::kSetKmsHost, K::kActivate}, ""},
        Row{"host_already_right_only_activates", Platform::kAzure, "ServerStandard", 17763,
            "VOLUME_KMSCLIENT", 3, "AZKMS.core.windows.net", A, "", false, M, {K::kActivate}, ""},
        Row{"azure_edition_on_azure_uses_kms", Platform::kAzure, "ServerTurbine", 26100,
            "VOLUME_KMSCLIENT", 5, "", A, "", false, M, {K::kSetKmsHost, K::kActivate}, ""},
        Row{"avma_key_on_azure_gets_the_gvlk", Platform::kAzure, "ServerDatacenter", 20348,
            "VIRTUAL_MACHINE_ACTIVATION", 5, "", A, "", false, M,
            {K::kInstallKey, K::kSetKmsHost, K::kActivate}, ""},
        Row{"retail_key_needs_allow_key_change", Platform::kAzure, "ServerStandard", 20348,
            "RETAIL", 5, "", A, "", false, M, {}, "--allow-key-change"},
        Row{"retail_key_with_allow_key_change", Platform::kAzure, "ServerStandard", 20348, "RETAIL",
            5, "", A, "", true, M, {K::kInstallKey, K::kSetKmsHost, K::kActivate}, ""},
        Row{"unknown_build_has_no_key", Platform::kAzure, "ServerStandard", 9600, "RETAIL", 5, "",
            A, "", true, M, {}, "publishes no KMS client key"},
        Row{"evaluation_is_refused", Platform::kAzure, "ServerDatacenterEval", 20348, "TIMEBASED_EVAL",
            2, "", A, "", false, A, {}, "convert it first"},
        Row{"evaluation_with_forced_kms_is_refused", Platform::kAzure, "ServerStandardEval", 20348,
            "TIMEBASED_EVAL", 2, "", M, "", false, M, {}, "must be converted"},
        // KMS on AWS: the routes first when they are stale.
        Row{"datacenter_on_aws", Platform::kAws, "ServerDatacenter", 17763, "VOLUME_KMSCLIENT", 5,
            kKms250, A, "", false, M, {K::kActivate}, ""},
        // Elsewhere: only with an explicit KMS host.
        Row{"datacenter_on_hci_is_left_alone", Platform::kAzureStackHci, "ServerDatacenter", 20348,
            "VIRTUAL_MACHINE_ACTIVATION", 5, "", A, "", false, A, {}, "AVMA, your KMS"},
        Row{"datacenter_on_hci_with_own_kms", Platform::kAzureStackHci, "ServerDatacenter", 20348,
            "VOLUME_KMSCLIENT", 5, "", M, "kms.contoso.com:1700", false, M,
            {K::kSetKmsHost, K::kActivate}, ""},
        Row{"forced_kms_off_cloud_needs_a_host", Platform::kHyperV, "ServerDatacenter", 20348,
            "VOLUME_KMSCLIENT", 5, "", M, "", false, M, {}, "give --kms-host"},
        Row{"enterprise_needs_a_host", Platform::kAzure, "Enterprise", 22631, "RETAIL", 5, "", A,
            "", false, A, {}, "subscription activation"},
        Row{"enterprise_with_own_kms_and_key_change", Platform::kAzure, "Enterprise", 22631,
            "RETAIL", 5, "", M, "kms.contoso.com", true, M,
            {K::kInstallKey, K::kSetKmsHost, K::kActivate}, ""},
        Row{"unknown_edition", Platform::kAzure, "Professional", 22631, "RETAIL", 5, "", A, "",
            false, A, {}, "not an edition hciattest knows"}),
    [](const auto& info) { return std::string(info.param.name); });

Row base_aws() {
  return Row{"aws", Platform::kAws, "ServerDatacenter", 17763, "VOLUME_KMSCLIENT", 5, "", A, "",
             false, M, {}, ""};
}

TEST(Plan, AStaleAwsRouteIsRepairedThroughTheSubnetGatewayBeforeTheKmsSteps) {
  ActivationFacts f = facts_of(base_aws());
  f.aws_routes[0].route = route("169.254.169.250", 32, "172.16.0.1", 6);  // the old subnet
  f.aws_routes[1].route.reset();                                           // none at all
  const ActivationPlan p = plan_activation(f, {});
  ASSERT_EQ(p.steps.size(), 4u);
  EXPECT_EQ(p.steps[0].kind, StepKind::kSetRoute);
  EXPECT_EQ(p.steps[0].target, "169.254.169.250");
  EXPECT_EQ(p.steps[0].gateway, "172.31.0.1");
  EXPECT_EQ(p.steps[0].metric, 15u);
  EXPECT_NE(p.steps[0].why.find("172.16.0.1"), std::string::npos) << p.steps[0].why;
  EXPECT_EQ(p.steps[1].target, "169.254.169.251");
  EXPECT_NE(p.steps[1].why.find("no route"), std::string::npos);
  EXPECT_EQ(p.steps[2].kind, StepKind::kSetKmsHost);
  EXPECT_EQ(p.steps[2].host, "169.254.169.250");
  EXPECT_EQ(p.steps[3].kind, StepKind::kActivate);
}

TEST(Plan, TheRouteRepairSaysWhetherItLastsByTheLaunchAgent) {
  ActivationFacts f = facts_of(base_aws());
  f.aws_routes[0].route = route("169.254.169.250", 32, "172.16.0.1", 6);  // the old subnet
  LaunchAgentProbe v1;
  v1.v1_files = {"C:\\ProgramData\\Amazon\\EC2-Windows\\Launch\\Module\\Ec2Launch.psd1"};
  f.launch_agent = classify_launch_agent(v1);
  ActivationPlan p = plan_activation(f, {});
  ASSERT_FALSE(p.notes.empty());
  EXPECT_NE(p.notes.back().find("launch agent: EC2Launch v1"), std::string::npos) << p.notes.back();
  EXPECT_NE(p.notes.back().find("InitializeInstance.ps1 -Schedule"), std::string::npos) << p.notes.back();
  // Routes already right: the agent is named, but there is no repair to last.
  f = facts_of(base_aws());
  f.launch_agent = classify_launch_agent(v1);
  p = plan_activation(f, {});
  ASSERT_FALSE(p.notes.empty());
  EXPECT_EQ(p.notes.back().find("-Schedule"), std::string::npos) << p.notes.back();
}

TEST(Plan, AwsWithoutADefaultRouteIsRefused) {
  ActivationFacts f = facts_of(base_aws());
  f.default_route.reset();
  const ActivationPlan p = plan_activation(f, {});
  ASSERT_FALSE(p.refusals.empty());
  EXPECT_NE(p.refusals[0].find("no default route"), std::string::npos);
}

TEST(Plan, AnExplicitKmsHostOnAwsLeavesTheLinkLocalRoutesAlone) {
  ActivationFacts f = facts_of(base_aws());
  f.aws_routes[0].route.reset();
  PlanOptions o;
  o.kms_host = parse_kms_target("kms.corp.example:1688").target;
  const ActivationPlan p = plan_activation(f, o);
  for (const auto& s : p.steps) EXPECT_NE(s.kind, StepKind::kSetRoute);
}

TEST(Plan, TheKeyStepInstallsThePublishedKeyAndIsMarkedIrreversible) {
  Row r{"k", Platform::kAzure, "ServerDatacenter", 26100, "VIRTUAL_MACHINE_ACTIVATION", 5, "", A,
        "", false, M, {}, ""};
  const ActivationPlan p = plan_activation(facts_of(r), options_of(r));
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.steps[0].key, "D764K-2NDRG-47T6Q-P8T8W-YP6DF");
  EXPECT_FALSE(p.steps[0].reversible);
  EXPECT_NE(p.steps[0].why.find("0xC004FD01"), std::string::npos);
  EXPECT_EQ(p.steps[1].host, "azkms.core.windows.net");
  EXPECT_EQ(p.steps[1].port, 1688);
}

TEST(Plan, UsGovernmentUsesItsOwnKmsHost) {
  Row r{"g", Platform::kAzure, "ServerStandard", 20348, "VOLUME_KMSCLIENT", 5, "", A, "", false,
        M, {}, ""};
  ActivationFacts f = facts_of(r);
  f.cloud = "usgov";
  const ActivationPlan p = plan_activation(f, {});
  ASSERT_FALSE(p.steps.empty());
  EXPECT_EQ(p.steps[0].host, "azkms.core.usgovcloudapi.net");
}

TEST(Plan, ADisabledTaskIsEnabledBeforeItRuns) {
  Row r{"t", Platform::kAzureStackHci, "ServerTurbine", 20348, "VOLUME_KMSCLIENT", 5, "", A, "",
        false, I, {}, ""};
  ActivationFacts f = facts_of(r);
  f.task.enabled = false;
  const ActivationPlan p = plan_activation(f, {});
  ASSERT_EQ(p.steps.size(), 2u);
  EXPECT_EQ(p.steps[0].kind, StepKind::kEnableTask);
  EXPECT_EQ(p.steps[1].kind, StepKind::kRunTask);
}

TEST(Plan, AMissingTaskIsARefusalThatSaysWhatToInstall) {
  Row r{"t", Platform::kAzureStackHci, "ServerRdsh", 22621, "VOLUME_MAK", 5, "", A, "", false, I,
        {}, ""};
  ActivationFacts f = facts_of(r);
  f.task.exists = false;
  const ActivationPlan p = plan_activation(f, {});
  ASSERT_FALSE(p.refusals.empty());
  EXPECT_NE(p.refusals[0].find("cumulative update"), std::string::npos);
  EXPECT_NE(p.refusals[0].find("\\Microsoft\\Windows\\Clip\\LicenseImdsIntegration"),
            std::string::npos);
}

TEST(Plan, NotElevatedMeansThePlanIsShownButCannotBeApplied) {
  Row r{"e", Platform::kAzure, "ServerDatacenter", 20348, "VOLUME_KMSCLIENT", 5, "", A, "", false,
        M, {}, ""};
  ActivationFacts f = facts_of(r);
  f.elevated = false;
  const ActivationPlan p = plan_activation(f, {});
  EXPECT_FALSE(p.steps.empty());
  EXPECT_TRUE(p.needs_elevation);
  EXPECT_FALSE(p.can_apply());
}

TEST(Plan, UnreadableLicensingIsARefusal) {
  ActivationFacts f;
  f.licensing.error = "not applicable on Linux";
  const ActivationPlan p = plan_activation(f, {});
  ASSERT_EQ(p.refusals.size(), 1u);
  EXPECT_NE(p.refusals[0].find("not applicable on Linux"), std::string::npos);
  EXPECT_TRUE(p.steps.empty());
}

TEST(Licensing, TheChannelIsReadFromTheDescription) {
  LicensingState s;
  s.description = "Windows(R) Operating System, VOLUME_KMSCLIENT channel";
  EXPECT_EQ(s.channel(), "VOLUME_KMSCLIENT");
  s.description = "Windows(R) Operating System, VIRTUAL_MACHINE_ACTIVATION channel";
  EXPECT_EQ(s.channel(), "VIRTUAL_MACHINE_ACTIVATION");
  s.description = "Windows(R) Operating System, OEM_DM channel";
  EXPECT_EQ(s.channel(), "OEM_DM");
  s.description = "Windows(R) Operating System";
  EXPECT_EQ(s.channel(), "");
  s.description = "Windows(R) Operating System, volume kms channel";
  EXPECT_EQ(s.channel(), "");
  EXPECT_EQ(license_status_from(7), LicenseStatus::kUnknown);
  EXPECT_EQ(license_status_from(1), LicenseStatus::kLicensed);
}

TEST(Editions, AreClassifiedByEditionIdAndBuild) {
  EXPECT_EQ(classify_edition({"ServerTurbine", "", "Server", 20348}).name,
            "Windows Server 2022 Datacenter: Azure Edition");
  EXPECT_EQ(classify_edition({"serverdatacentercor", "", "Server Core", 26100}).family,
            EditionFamily::kServerDatacenter);
  EXPECT_EQ(classify_edition({"ServerRdsh", "", "Client", 22621}).family,
            EditionFamily::kMultiSession);
  EXPECT_EQ(classify_edition({"ServerStandard", "", "Server", 12345}).release, "");
  EXPECT_EQ(classify_edition({"Professional", "", "Client", 22631}).family, EditionFamily::kOther);
}

TEST(ProductKeys, EveryKeyHasTheShapeOfAKeyAndNoneIsForMultiSession) {
  for (const auto& k : kms_client_keys()) {
    EXPECT_TRUE(is_product_key_form(k.key)) << k.key;
    EXPECT_NE(k.family, EditionFamily::kMultiSession);
    EXPECT_NE(k.family, EditionFamily::kServerEvaluation);
  }
  EXPECT_EQ(kms_client_key_for(classify_edition({"ServerStandard", "", "Server", 14393})),
            "WC2BQ-8NRM3-FDDYY-2BFGV-KHKQY");
  EXPECT_EQ(kms_client_key_for(classify_edition({"Enterprise", "", "Client", 19045})),
            "NPPR9-FWDCX-D2C8J-H872K-2YT43");
  EXPECT_FALSE(kms_client_key_for(classify_edition({"ServerRdsh", "", "Client", 22621})));
  EXPECT_FALSE(is_product_key_form("NPPR9-FWDCX-D2C8J-H872K-2YT4"));
  EXPECT_FALSE(is_product_key_form("NPPR9-FWDCX-D2C8J-H872K-2YT4;"));
  EXPECT_FALSE(is_product_key_form("nppr9-fwdcx-d2c8j-h872k-2yt43"));
}

TEST(ErrorCodes, DecodeWhatTheTaskAndTheEventsReport) {
  EXPECT_EQ(describe_error_code(0xC004F074),
            "0xC004F074 (kms_not_contacted: no Key Management Service could be contacted)");
  EXPECT_EQ(describe_error_code(0x41303),
            "0x00041303 (SCHED_S_TASK_HAS_NOT_RUN: the task has never run)");
  EXPECT_EQ(describe_error_code(0x12345678), "0x12345678 (unknown code)");
  for (std::uint32_t code : {0xC004FD01u, 0xC004F038u, 0xC004C003u, 0x80070005u}) {
    const auto info = lookup_error_code(code);
    ASSERT_TRUE(info) << std::hex << code;
    EXPECT_STRNE(info->remedy, "") << std::hex << code;
  }
}

}  // namespace
}  // namespace hciattest::activation
